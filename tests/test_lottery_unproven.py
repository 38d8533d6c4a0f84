"""A lottery the time limit left unproven: its minimum counts the cases left out, its bound is
clamped to k / (n - never), and the command line draws nothing and writes nothing from it
unless --accept-unproven is given, in which case every XLSX hand-over file says so.

The time limit is simulated deterministically: the run's clock has plenty of time until the
first integer program of the coverage step is solved, and none after it, so the coverage step
stops with one selection found and the rest of the pool of unknown selectability.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from selectie.cli import app
from selectie.formulation.lexicographic import Clock
from selectie.lottery import Lottery, fair_lottery, solvers
from selectie.lottery.maximin_peel import MAXIMIN_PEEL
from selectie.sortition import read_sortition
from tests.test_hard_pools import benchmark_module

SIZE = 12


@pytest.fixture
def instance(tmp_path: Path) -> tuple[Path, Path]:
    """A small hard pool from benchmarks/hard_pools.py: 80 people, panel 12, 4 features."""
    people, quotas = (
        benchmark_module("hard_pools").latent_instance(80, SIZE, 4, 1).write(tmp_path / "hard")
    )
    return people, quotas


@pytest.fixture
def time_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a time limit, the clock runs out as soon as the first integer program is solved."""
    solved = [False]
    real_solve = solvers._Pricer.solve

    def solve(self: solvers._Pricer, *args: object, **kwargs: object) -> object:
        out = real_solve(self, *args, **kwargs)  # type: ignore[arg-type]
        solved[0] = True
        return out

    def remaining(self: Clock) -> float | None:
        if self.time_limit is None:
            return None
        return 0.0 if solved[0] else 1000.0

    monkeypatch.setattr(solvers._Pricer, "solve", solve)
    # maximin's peel (which needs no pricing program) would prove these hard pools before
    # the clock runs out: off, so that the coverage step is what the time limit cuts short
    monkeypatch.setattr(MAXIMIN_PEEL, "auto", False)
    monkeypatch.setattr(Clock, "remaining", remaining)


def covered(lot: Lottery) -> set[str]:
    """The ids of the cases in some profile that a selection of the support takes."""
    taken = {t.profile for e in lot.support for t in e.take if t.count > 0}
    return {i for p in lot.profiles if p.index in taken for i in p.ids}


@pytest.mark.usefixtures("time_runs_out")
@pytest.mark.parametrize("method", ["maximin", "leximin", "nash"])
def test_the_minimum_counts_the_cases_left_out(instance: tuple[Path, Path], method: str) -> None:
    """Cases of unknown selectability count in the minimum (so it is 0), are listed as
    ``undecided`` in to_dict() and the text, and the bound is at most k / (n - never).
    """
    pool, scenario = read_sortition(*instance, size=SIZE)
    lot = fair_lottery(pool, scenario, method=method, time_limit=60)
    assert lot.ok
    assert lot.status.value == "feasible"
    assert not lot.proven
    inside = covered(lot)
    left_out = [i for i in pool.ids if i not in inside]
    assert left_out  # one selection of 12 cannot hold every profile of 80 people
    assert list(lot.undecided) == left_out
    assert lot.never_selected == ()
    assert all(lot.probabilities[i] == 0.0 for i in left_out)
    assert lot.min_probability == 0.0
    data = lot.to_dict()
    assert data["min_probability"] == 0.0
    assert data["undecided"] == left_out
    if lot.bound is not None:
        bound = lot.upper_bound
        assert bound is not None
        assert bound == pytest.approx(min(lot.bound, SIZE / 80))
        assert data["bound"] == bound
        assert bound <= SIZE / 80
    line = lot.to_text(timings=False).splitlines()[2]
    assert line == (
        f"minimum selection probability: 0.0000% ({len(inside)} cases can be selected, "
        f"0 never, {len(left_out)} not known: left out at probability 0)"
    )


def test_a_proven_lottery_is_unchanged(instance: tuple[Path, Path]) -> None:
    """Without a time limit nothing is undecided and the lottery is proven."""
    pool, scenario = read_sortition(*instance, size=SIZE)
    lot = fair_lottery(pool, scenario, method="maximin")
    assert lot.proven
    assert lot.undecided == ()
    assert lot.to_dict()["undecided"] == []
    assert lot.min_probability == min(lot.probabilities[i] for i in pool.ids)
    assert lot.upper_bound is not None
    assert lot.upper_bound <= SIZE / 80


def arguments(instance: tuple[Path, Path], *more: str) -> list[str]:
    people, quotas = instance
    return [
        "lottery", "--people", str(people), "--quotas", str(quotas), "--size", str(SIZE),
        "--method", "maximin", "--time-limit", "60", *more,
    ]  # fmt: skip


@pytest.mark.usefixtures("time_runs_out")
@pytest.mark.parametrize(
    "asks",
    [
        ["--seed", "1"],
        ["--selected", "sel.csv", "--remaining", "rest.xlsx", "-o", "lot.json", "-f", "json"],
        ["--quota-table", "q.xlsx"],
        ["--uniform", "5", "--draw-sheet", "sheet.txt"],
    ],
)
def test_an_unproven_lottery_draws_nothing_and_writes_nothing(
    instance: tuple[Path, Path],
    tmp_path: Path,
    asks: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A draw, a hand-over file or a draw sheet of an unproven lottery: exit 1, no file
    written, and a message with the status, the count left out and the way out.
    """
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, arguments(instance, *asks), catch_exceptions=False)
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    err = " ".join(result.stderr.split())
    assert "error: the lottery is not proven (status feasible; 68 cases left out" in err
    assert "nothing is drawn or written" in err
    assert "run again with a longer --time-limit (this run had 60 s)" in err
    assert "--accept-unproven" in err
    assert "drawn with seed" not in result.stdout


@pytest.mark.usefixtures("time_runs_out")
def test_accepted_unproven_lottery_says_so_in_every_file(
    instance: tuple[Path, Path], tmp_path: Path
) -> None:
    """With --accept-unproven the draw is made; every XLSX hand-over file has a sheet
    "about" with the status and the count left out, the manifest records both, and the note
    on standard error says that the CSV files cannot carry it.
    """
    out = {name: tmp_path / name for name in ("sel.xlsx", "rest.csv", "q.xlsx", "r.xlsx")}
    args = [
        "--accept-unproven", "--seed", "3", "--selected", str(out["sel.xlsx"]),
        "--remaining", str(out["rest.csv"]), "--quota-table", str(out["q.xlsx"]),
        "--reserve", str(out["r.xlsx"]), "-f", "json", "-o", str(tmp_path / "lot.json"),
    ]  # fmt: skip
    result = CliRunner().invoke(app, arguments(instance, *args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert all(p.exists() for p in out.values())
    for name in ("sel.xlsx", "q.xlsx", "r.xlsx"):
        with out[name].open("rb") as fh:
            book = openpyxl.load_workbook(fh, read_only=True)
            assert book.sheetnames[-1] == "about"
            cells = [row[0] for row in book["about"].iter_rows(values_only=True)]
            book.close()
        assert cells[0] == "about"
        assert "not proven (status feasible; 68 cases left out at probability 0" in str(cells[1])
    doc = json.loads((tmp_path / "lot.json").read_text(encoding="utf-8"))
    assert doc["manifest"]["lottery"]["accepted_unproven"] == {
        "status": "feasible",
        "left_out": 68,
    }
    assert len(doc["undecided"]) == 68
    assert doc["min_probability"] == 0.0
    err = " ".join(result.stderr.split())
    assert "note: --accept-unproven" in err
    assert "a CSV file cannot, so keep this note with it" in err


@pytest.mark.parametrize(
    ("broken", "asks"),
    [
        ("draw", ["--seed", "5"]),
        ("uniform", ["--uniform", "4", "--seed", "5", "--draw-sheet", "sheet.md"]),
        ("uniform", ["--uniform", "4", "--draw-sheet", "sheet.txt"]),
    ],
)
def test_a_panel_failing_the_recheck_writes_nothing(
    instance: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    broken: str,
    asks: list[str],
) -> None:
    """A drawn panel or a uniform lottery's panel that fails the re-check (a bug; forced here)
    exits 3, writes no file (neither hand-over files nor -o nor the draw sheet) and shows no
    panel; the lottery itself, which passed its own re-check, is still printed.
    """
    from selectie.lottery import result, uniform

    owner = result.Draw if broken == "draw" else uniform.UniformLottery
    monkeypatch.setattr(owner, "ok", property(lambda _self: False))
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    more = ["--selected", "sel.csv", "--reserve", "r.xlsx", "--quota-table", "q.csv"]
    args = arguments(instance, *asks, *more)
    result_ = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result_.exit_code == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert "failed the re-check; it is not valid, and nothing is written" in " ".join(
        result_.stderr.split()
    )
    assert "drawn with seed" not in result_.stdout
    assert "quota table of the drawn panel" not in result_.stdout
    assert "uniform lottery over" not in result_.stdout
    assert result_.stdout.startswith("maximin lottery over valid selections of 12 from 80")


@pytest.mark.usefixtures("time_runs_out")
def test_every_format_names_the_cases_left_out(instance: tuple[Path, Path]) -> None:
    """Markdown has the "not known" count; CSV says ``unknown`` for exactly the cases left
    out; XLSX has the word for unknown there, and booleans elsewhere.
    """
    import csv
    import io

    from selectie.lottery.render import render_lottery

    pool, scenario = read_sortition(*instance, size=SIZE)
    lot = fair_lottery(pool, scenario, method="maximin", time_limit=60)
    left_out = set(lot.undecided)
    assert left_out
    markdown = render_lottery(lot, "markdown").decode()
    assert f"0 never, {len(left_out)} not known: left out at probability 0)" in markdown
    rows = list(csv.DictReader(io.StringIO(render_lottery(lot, "csv").decode())))
    assert {r["id"] for r in rows if r["selectable"] == "unknown"} == left_out
    assert {r["selectable"] for r in rows if r["id"] not in left_out} == {"yes"}
    book = openpyxl.load_workbook(io.BytesIO(render_lottery(lot, "xlsx")), read_only=True)
    header, *cells = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    at = header.index("selectable")
    assert {r[0] for r in cells if r[at] == "unknown"} == left_out
    assert all(r[at] is True for r in cells if r[0] not in left_out)


@pytest.mark.usefixtures("time_runs_out")
def test_the_library_refuses_to_draw_from_an_unproven_lottery(instance: tuple[Path, Path]) -> None:
    """``Lottery.draw`` refuses an unproven lottery as the command line does, naming its status
    and the way to accept it; with ``accept_unproven=True`` it draws a valid panel.
    """
    from selectie.errors import UnprovenLotteryError

    pool, scenario = read_sortition(*instance, size=SIZE)
    lot = fair_lottery(pool, scenario, method="maximin", time_limit=60)
    assert not lot.proven
    with pytest.raises(UnprovenLotteryError) as caught:
        lot.draw(3)
    assert str(caught.value) == (
        "this lottery is not proven (status feasible; 68 cases left out at probability 0, "
        "not known to be selectable), so a draw from it may leave out people who can be "
        "selected, or be less fair than the fairest lottery; nothing was drawn\n"
        "Compute the lottery again with a longer time limit, or draw from it as it is with "
        "draw(seed, accept_unproven=True)."
    )
    draw = lot.draw(3, accept_unproven=True)
    assert draw.ok
    assert len(draw.ids) == SIZE
    assert draw.ids == lot.draw(3, accept_unproven=True).ids  # the same seed, the same panel


@pytest.mark.usefixtures("time_runs_out")
def test_the_library_refuses_a_uniform_draw_from_an_unproven_lottery(
    instance: tuple[Path, Path],
) -> None:
    """A uniform rounding of an unproven lottery draws its panel number only when accepted."""
    from selectie.errors import UnprovenLotteryError
    from selectie.lottery import round_to_uniform

    pool, scenario = read_sortition(*instance, size=SIZE)
    lot = fair_lottery(pool, scenario, method="maximin", time_limit=60)
    rounded = round_to_uniform(lot, 5)
    with pytest.raises(UnprovenLotteryError, match=r"not proven \(status feasible; 68 cases") as e:
        rounded.draw_number("3")
    assert "draw_number(seed, accept_unproven=True)" in str(e.value)
    assert 1 <= rounded.draw_number("3", accept_unproven=True) <= 5


def test_a_proven_lottery_draws_without_accepting(instance: tuple[Path, Path]) -> None:
    """A proven lottery draws as before; ``accept_unproven`` changes nothing for it."""
    pool, scenario = read_sortition(*instance, size=SIZE)
    lot = fair_lottery(pool, scenario, method="maximin")
    assert lot.proven
    assert lot.unproven_reason() == ""
    assert lot.draw(3).ids == lot.draw(3, accept_unproven=True).ids
