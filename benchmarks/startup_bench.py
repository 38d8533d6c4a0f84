"""Start-up: ``selectie select`` on the bundled pool beside ``python -c "import pandas, pulp"``.

Each command runs as a whole process, in turn (A B A B ...), after one warm-up run of each;
the figures are medians of wall time and of CPU time (user + system of the child, from
``resource.getrusage(RUSAGE_CHILDREN)``; CPU time is the steadier figure on a loaded machine),
and the median of the ratios pair by pair.

    python benchmarks/startup_bench.py                 # 10 pairs
    python benchmarks/startup_bench.py -n 20 --help-too
    python benchmarks/startup_bench.py --tree /path/to/other/checkout   # e.g. an older commit

Bytecode is cached (in a temporary ``PYTHONPYCACHEPREFIX``) as it is for an installed package;
``--no-bytecode-cache`` compiles selectie's sources on every run instead (as a checkout with
``PYTHONDONTWRITEBYTECODE=1`` does), which adds a fixed cost to selectie's side only.
POSIX only (``resource``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` (its output thrown away), in the tree
    named by ``PYTHONPATH`` (``python -m`` looks in the working directory first).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=env["PYTHONPATH"], stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def compare(
    a: list[str], b: list[str], env: dict[str, str], n: int
) -> dict[str, tuple[float, float]]:
    """Median (wall, cpu) of A, of B, and of the ratios A/B pair by pair."""
    first = subprocess.run(a, env=env, cwd=env["PYTHONPATH"], capture_output=True, check=True)
    if not first.stdout.startswith(b"Bijlage 4: optimal") and b"Usage" not in first.stdout:
        sys.exit(f"unexpected output of {a}: {first.stdout[:200]!r}")
    run_once(b, env)
    pairs = [(run_once(a, env), run_once(b, env)) for _ in range(n)]

    def med(values: list[float]) -> float:
        return statistics.median(values)

    return {
        "A": (med([x[0] for x, _ in pairs]), med([x[1] for x, _ in pairs])),
        "B": (med([y[0] for _, y in pairs]), med([y[1] for _, y in pairs])),
        "A/B": (med([x[0] / y[0] for x, y in pairs]), med([x[1] / y[1] for x, y in pairs])),
    }


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10, help="pairs of runs counted (default 10)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose selectie runs")
    parser.add_argument("--help-too", action="store_true", help="also time `selectie --help`")
    parser.add_argument(
        "--no-bytecode-cache", action="store_true", help="compile the sources on every run"
    )
    args = parser.parse_args()
    py = sys.executable
    env = dict(os.environ, PYTHONPATH=str(args.tree.resolve()))
    with tempfile.TemporaryDirectory(prefix="selectie-pycache-") as cache:
        if args.no_bytecode_cache:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
        baseline = [py, "-c", "import pandas, pulp"]
        commands = {"selectie select": [py, "-m", "selectie", "select"]}
        if args.help_too:
            commands["selectie --help"] = [py, "-m", "selectie", "--help"]
        cached = "no" if args.no_bytecode_cache else "yes"
        print(f"tree {args.tree.resolve()}; {args.n} pairs; bytecode cached: {cached}")
        print(f"{'command':<32} {'wall s':>8} {'cpu s':>8}")
        for name, cmd in commands.items():
            fig = compare(cmd, baseline, env, args.n)
            print(f"{name:<32} {fig['A'][0]:>8.3f} {fig['A'][1]:>8.3f}")
            print(f"{'python -c import pandas, pulp':<32} {fig['B'][0]:>8.3f} {fig['B'][1]:>8.3f}")
            print(f"{'  ratio (median of pairs)':<32} {fig['A/B'][0]:>8.2f} {fig['A/B'][1]:>8.2f}")


if __name__ == "__main__":
    main()
