"""The frictions a new user hit: each fixed, each checked."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from typer.testing import CliRunner

from selectie import load_pool, load_scenario
from selectie.cli import app
from selectie.progress import progress_bar, spinner
from selectie.sweep import sweep

REPORT13 = [f"R{n:02d}" for n in range(1, 14)]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_check_failures_only(tmp_path: Path) -> None:
    """--failures-only lists only what --overlap 3 makes the report's 13 miss (the README's
    example): one theoretical criterion held twice where three are asked; exit 1.
    """
    code, out, err = run("check", *REPORT13, "--overlap", "3", "--failures-only")
    assert code == 1
    assert "1 of 107 constraints not satisfied" in out
    rows = [ln for ln in out.splitlines() if "no (short" in ln]
    assert len(rows) == 1 and rows[0].startswith("theorie=organisatie en management")
    assert "at least 3  2" in rows[0]
    assert "regio=" not in out and " yes" not in out
    assert "the selection misses 1 of 107 constraints" in err
    code, out, _ = run("check", *REPORT13, "--overlap", "3", "--failures-only", "-f", "json")
    assert [c["satisfied"] for c in json.loads(out)["constraints"]] == [False]
    assert run("check", *REPORT13, "--overlap", "2")[0] == 0


def test_infeasible_select_ends_with_explain_line() -> None:
    """An infeasible run says which `selectie explain` command shows why."""
    code, _, err = run("select", "--size", "5", "--min", "regio=Limburg:2")
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[-2] == "to see why, and the smallest change that helps, run:"
    assert lines[-1] == "  selectie explain --size 5 --min regio=Limburg:2"
    code, _, _ = run(*lines[-1].split()[1:])
    assert code == 1  # the explain line runs, and explains the same infeasible scenario


def test_names_match_without_case() -> None:
    """--min REGIO=limburg and --cover THEORIE work like their lower-case spellings."""
    a = run("select", "--min", "REGIO=limburg:2", "--cover", "THEORIE", "-f", "json")
    b = run("select", "--min", "regio=Limburg:2", "--cover", "theorie", "-f", "json")
    assert a[0] == b[0] == 0
    assert json.loads(a[1])["selected"] == json.loads(b[1])["selected"]
    names = [c["name"] for c in json.loads(a[1])["constraints"]]
    assert "regio=Limburg" in names


def test_help_lists_commands_in_work_order() -> None:
    """init and select come first, the explorations after, then lottery and the web page."""
    _, out, _ = run("--help")
    listed = [ln.split()[0] for ln in out.split("Commands:")[1].splitlines() if ln.strip()]
    assert listed[:4] == ["init", "select", "check", "tables"]
    assert listed.index("explain") > listed.index("scenario")
    assert listed.index("lottery") > listed.index("sweep") > listed.index("explain")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal() -> None:
    """A pipe gets no callback and no output; a terminal gets a working callback."""
    pipe = io.StringIO()
    with progress_bar("x", stream=pipe) as cb:
        assert cb is None
    assert pipe.getvalue() == ""
    tty = _Tty()
    with progress_bar("x", stream=tty) as cb:
        assert cb is not None
        cb(1, 2, "half")
    with spinner("drawing", stream=tty):
        pass


def test_sweep_reports_progress() -> None:
    """sweep calls progress(done, total, what) once per variant, then once when done."""
    calls: list[tuple[int, int | None, str]] = []
    with ThreadPoolExecutor(1) as ex:
        sweep(
            load_pool(),
            load_scenario(),
            sizes=[12, 13],
            overlaps=[1],
            executor=ex,
            progress=lambda d, t, w: calls.append((d, t, w)),
        )
    assert [(d, t) for d, t, _ in calls] == [(0, 2), (1, 2), (2, 2)]
    assert calls[0][2] == "size 12, overlap 1"
