"""How fast `selectie app` answers a person (a benchmark, not a test: nothing is asserted).

Two figures, each as wall time and as the server's CPU time (steadier on a shared machine):

1. start-up: from starting ``python -m selectie app --no-browser`` to a usable page, i.e. the
   page loaded in headless chromium with the bundled pool shown (aim: under 3 s);
2. a run: from clicking Run on the default scenario (Bijlage 4 on the bundled pool) to the
   verified result on the page (aim: under 1.5 s). The first run of a session and later runs
   are reported apart.

Beside them, for scale, the same selection at the command line (``selectie select``, a new
process each time), which is what a person without the page would run.

    python benchmarks/app_bench.py                 # 3 start-ups, 5 runs each
    python benchmarks/app_bench.py --starts 5 --runs 10

Needs the app extra and chromium (``/usr/bin/chromium``, or set SELECTIE_CHROMIUM).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("SELECTIE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its waited-for children (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / TICK


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_start(browser: object, runs: int) -> tuple[float, float, list[tuple[float, float]]]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "selectie", "app", "--no-browser", "--port", str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.05).close()
                break
            except OSError:
                time.sleep(0.02)
        page = browser.new_page()  # type: ignore[attr-defined]
        page.set_default_timeout(60_000)
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector("#pool_summary:has-text('126 cases')")
        start_wall = time.perf_counter() - t0
        start_cpu = cpu_seconds(proc.pid)
        page.click("a[data-value=run]")
        page.wait_for_selector("#run")
        times = []
        for n in range(1, runs + 1):
            c0 = cpu_seconds(proc.pid)
            w0 = time.perf_counter()
            page.click("#run")
            page.wait_for_selector(f"#run_state[data-run='{n}']")
            times.append((time.perf_counter() - w0, cpu_seconds(proc.pid) - c0))
            # let the plots of this run finish before the next click
            page.wait_for_selector("#distribution_plot img")
        page.close()
        return start_wall, start_cpu, times
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def cli_run() -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = os.times()
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "selectie", "select"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - t0
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--starts", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    starts: list[tuple[float, float]] = []
    firsts: list[tuple[float, float]] = []
    laters: list[tuple[float, float]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(args.starts):
            wall, cpu, runs = one_start(browser, args.runs)
            starts.append((wall, cpu))
            firsts.append(runs[0])
            laters.extend(runs[1:])
        browser.close()
    cli = [cli_run() for _ in range(args.starts)]

    def show(label: str, rows: list[tuple[float, float]], aim: str) -> None:
        if not rows:
            return
        walls = [r[0] for r in rows]
        cpus = [r[1] for r in rows]
        print(
            f"{label:<38} wall median {statistics.median(walls):6.2f} s "
            f"(min {min(walls):.2f}, max {max(walls):.2f})   "
            f"server CPU median {statistics.median(cpus):5.2f} s   {aim}"
        )

    print(f"selectie app, {args.starts} start-ups x {args.runs} runs, {os.cpu_count()} CPUs")
    show("start-up to a usable page", starts, "aim < 3 s")
    show("default run, first of a session", firsts, "aim < 1.5 s")
    show("default run, later runs", laters, "aim < 1.5 s")
    show("for scale: `selectie select` (CLI)", cli, "(a new process each time)")


if __name__ == "__main__":
    main()
