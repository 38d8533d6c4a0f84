"""`selectie lottery` at the edges a person sees: the live progress on a terminal (and none
when piped), and the explanation of quotas no panel can meet, checked by hand and by brute
force.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app
from tests.test_hard_pools import benchmark_module

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = (
    "id,first name,sex,age\n"
    "a1,Ann,F,young\n"
    "a2,Bob,m,old\n"
    "a3,Cas,M,young\n"
    "a4,Dee,f,old\n"
    "a5,Eva,f,young\n"
    "a6,Fik,m,old\n"
    "a7,Gus,m,young\n"
)
ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def hard_files(tmp_path: Path) -> tuple[Path, Path]:
    """A small hard pool from benchmarks/hard_pools.py: 80 people, panel 12, 4 features."""
    people, quotas = (
        benchmark_module("hard_pools").latent_instance(80, 12, 4, 1).write(tmp_path / "hard")
    )
    return people, quotas


def lottery_args(people: Path, quotas: Path) -> list[str]:
    return [
        sys.executable, "-m", "selectie", "lottery", "--people", str(people),
        "--quotas", str(quotas), "--size", "12", "--method", "maximin",
    ]  # fmt: skip


def environment() -> dict[str, str]:
    env = dict(os.environ, TERM="xterm", COLUMNS="120")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_progress_is_live_on_a_terminal(tmp_path: Path) -> None:
    """With standard error a terminal (a pseudo-terminal here), the column generation draws a
    bar whose text is the lottery's progress: round, panels, current minimum; the printed
    lottery on standard output is the same as when piped.
    """
    pty = pytest.importorskip("pty")
    import select

    people, quotas = hard_files(tmp_path)
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        lottery_args(people, quotas), stdout=subprocess.PIPE, stderr=slave, env=environment()
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.stdout.close()
    proc.wait()
    os.close(master)
    assert proc.returncode == 0
    shown = ESCAPE.sub(b"", b"".join(chunks)).decode("utf-8", "replace")
    assert re.search(r"round 1: \d+ panels, minimum \d+\.\d+%", shown), shown[-500:]
    assert "━" in shown  # the bar itself
    piped = subprocess.run(
        lottery_args(people, quotas), capture_output=True, env=environment(), check=False
    )
    assert piped.stdout == out


def test_progress_is_quiet_when_piped(tmp_path: Path) -> None:
    """Piped, nothing goes to standard error and standard output has no terminal codes."""
    people, quotas = hard_files(tmp_path)
    piped = subprocess.run(
        lottery_args(people, quotas), capture_output=True, env=environment(), check=False
    )
    assert piped.returncode == 0
    assert piped.stderr == b""
    assert not ESCAPE.search(piped.stdout)
    assert piped.stdout.startswith(b"maximin lottery over valid selections of 12 from 80 cases")


# -- quotas no panel can meet ------------------------------------------------------------------

QUOTAS = "feature,value,min,max\nsex,f,2,3\nsex,m,1,3\nage,young,0,0\nage,old,3,3\n"
LIMITS = {("sex", "f"): (2, 3), ("sex", "m"): (1, 3), ("age", "young"): (0, 0)}
LIMITS[("age", "old")] = (3, 3)


def feasible(limits: dict[tuple[str, str], tuple[int, int]]) -> bool:
    """Some panel of 3 meets ``limits``, by brute force over the 35 panels."""
    rows = [line.split(",") for line in PEOPLE.splitlines()[1:]]
    col = {"sex": 2, "age": 3}
    return any(
        all(
            lo <= sum(1 for r in panel if r[col[f]].lower() == v) <= hi
            for (f, v), (lo, hi) in limits.items()
        )
        for panel in itertools.combinations(rows, 3)
    )


def test_infeasible_quotas_name_the_minimal_conflict_and_the_smallest_relaxation(
    tmp_path: Path,
) -> None:
    """Worked by hand: the three old people are a2 (m), a4 (f), a6 (m), so "no young" makes
    the panel those three, with one woman: "sex=f at least 2" and "age=young exactly 0"
    conflict, and each alone can be met. The one one-step relaxation that makes the quotas
    feasible is sex=f's minimum from 2 to 1. Both are checked by brute force, and the command
    names exactly these, with their rows in the quotas file.
    """
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "quotas.csv").write_text(QUOTAS, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["lottery", "--people", str(tmp_path / "people.csv"), "--quotas",
         str(tmp_path / "quotas.csv"), "--size", "3"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 1
    err = result.stderr
    # the conflict, independently: infeasible together, each feasible alone (with the size)
    f_min = {("sex", "f"): LIMITS[("sex", "f")]}
    no_young = {("age", "young"): LIMITS[("age", "young")]}
    assert not feasible(LIMITS) and not feasible(f_min | no_young)
    assert feasible(f_min) and feasible(no_young)
    assert "a minimal conflict (2 constraints" in err
    conflict = err.split("a minimal conflict", 1)[1].split("smallest relaxation", 1)[0]
    named = re.findall(r"^  - (.+?) \(", conflict, flags=re.MULTILINE)
    assert named == ["sex=f: 2 to 3", "age=young: exactly 0"]
    assert "quotas.csv row 2" in conflict and "quotas.csv row 4" in conflict
    # the relaxation, independently: of every one-step change of a bound, only this one works
    working = []
    for key, (lo, hi) in LIMITS.items():
        for changed in ((lo - 1, hi), (lo, hi + 1)):
            if changed[0] >= 0 and feasible(LIMITS | {key: changed}):
                working.append((key, changed))
    assert working == [(("sex", "f"), (1, 3))]
    relaxation = err.split("smallest relaxation", 1)[1]
    changes = re.findall(r"^  - (.+?) \(", relaxation, flags=re.MULTILINE)
    assert changes == ["sex=f: at least 2 -> at least 1"]
