"""``importance`` under a time limit: what the limit stops is reported as not settled, never
as a value, and what is reported is what the full run finds.

The limit is simulated without a clock: from the K-th solver call on, every call reports
that the time limit stopped it (``no_solution``), for every K of a full run, so each step of
importance is cut at every point, on the reference problems of tests/test_reference_problems.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from selectie.cli import app
from selectie.formulation.lexicographic import Lexicographic
from selectie.pool import Pool
from selectie.solve.backend import RawSolution, Status
from selectie.whatif import Importance, importance
from selectie.whatif.importance_result import Unsettled
from tests.test_reference_problems import REFERENCES, ROWS, Reference

FEASIBLE_REFERENCES = [r for r in REFERENCES if r.status is Status.OPTIMAL]


@pytest.fixture
def six(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


class StopAfter:
    """Counts solver calls (``calls``); from call number ``k`` on (None: never), each is
    stopped by the (simulated) time limit.
    """

    def __init__(self, k: int | None) -> None:
        self.k, self.calls = k, 0


@pytest.fixture
def stop_after(monkeypatch: pytest.MonkeyPatch) -> Callable[[int | None], StopAfter]:
    """Patch :meth:`Lexicographic.call` with a :class:`StopAfter` of the given ``k``."""
    real = Lexicographic.call

    def patch(k: int | None) -> StopAfter:
        stopper = StopAfter(k)

        def call(lex: Lexicographic, *args: Any) -> RawSolution:
            stopper.calls += 1
            if stopper.k is not None and stopper.calls > stopper.k:
                raw = RawSolution(Status.NO_SOLUTION, None, None, None, 0.0, "stopped")
                lex._record("stopped", raw)
                return raw
            return real(lex, *args)

        monkeypatch.setattr(Lexicographic, "call", call)
        return stopper

    return patch


def _check_against(full: Importance, part: Importance) -> None:
    """Every claim of ``part`` is the full run's; what it leaves open it claims nothing of.

    A limit that stops the best selection's tie-break leaves another selection as good as
    the best (``part.best``); irreplaceable and impossible do not depend on which, and the
    cost of a case is the same for both when both hold it, and 0 when the full run's best
    selection leaves it out.
    """
    assert part.objective == full.objective
    same = part.best == full.best
    for whole, cut in zip(full.cases, part.cases, strict=True):
        assert cut.id == whole.id
        assert cut.selected == whole.selected or not same
        if cut.unsettled is None:
            assert cut.irreplaceable == whole.irreplaceable, cut.id
            assert cut.impossible == whole.impossible, cut.id
            if cut.loss is not None:
                assert whole.loss is not None or not whole.selected
                expected = whole.loss if whole.selected else dict.fromkeys(cut.loss, 0.0)
                assert cut.loss == expected, cut.id
            if same:
                assert cut.verdict() == whole.verdict(), cut.id
            continue
        assert (cut.irreplaceable, cut.impossible, cut.loss) == (False, False, None), cut.id
        assert cut.replaced_by == ()
        assert cut.unsettled is not Unsettled.POSSIBLE or not cut.selected
        assert cut.unsettled is Unsettled.POSSIBLE or cut.selected
        if cut.unsettled is Unsettled.COST:  # proven replaceable, so the full run agrees
            assert not whole.irreplaceable


@pytest.mark.parametrize("ref", FEASIBLE_REFERENCES, ids=[r.name for r in FEASIBLE_REFERENCES])
def test_every_cut_claims_only_what_the_full_run_finds(
    six: Pool, solver: str, ref: Reference, stop_after: Callable[[int | None], StopAfter]
) -> None:
    """Cut at every solver call, importance reports the full run's findings or 'unsettled'."""
    counter = stop_after(None)
    full = importance(six, ref.scenario, solver=solver, time_limit=1000.0)
    total = counter.calls
    assert full.status is Status.OPTIMAL and not full.unsettled
    assert full.to_dict() == importance(six, ref.scenario, solver=solver).to_dict()
    kinds: set[Status] = set()
    for k in range(total):
        stop_after(k)
        part = importance(six, ref.scenario, solver=solver, time_limit=1000.0)
        kinds.add(part.status)
        if part.status is Status.NO_SOLUTION:  # stopped before the best selection was proven
            assert part.cases == ()
            assert part.message.startswith("the time limit (1000 s) was reached before ")
            continue
        assert part.status is Status.FEASIBLE, (k, part.status)
        assert part.unsettled, k  # a call was stopped, so something is left open
        n = len(part.unsettled)
        noun = "case was" if n == 1 else "cases were"
        assert part.message.startswith(
            f"the time limit (1000 s) was reached before {n} {noun} settled"
        )
        _check_against(full, part)
    assert kinds == {Status.NO_SOLUTION, Status.FEASIBLE}


def test_unsettled_in_json_and_table(
    six: Pool, stop_after: Callable[[int | None], StopAfter]
) -> None:
    """The JSON lists the unsettled cases; the text has a section for them, and none of them
    is counted as replaceable at no cost.
    """
    ref = FEASIBLE_REFERENCES[0]
    counter = stop_after(None)
    importance(six, ref.scenario, time_limit=1000.0)
    best_calls = 2  # at least the objective and the tie-break of the best selection
    part = None
    for k in range(best_calls, counter.calls):
        stop_after(k)
        part = importance(six, ref.scenario, time_limit=1000.0)
        if part.status is Status.FEASIBLE and any(
            c.unsettled is Unsettled.COST for c in part.cases
        ):
            break
    assert part is not None
    doc = part.to_dict()
    assert doc["status"] == "feasible"
    assert doc["unsettled"] == [c.id for c in part.unsettled]
    cost = next(c for c in doc["cases"] if c["unsettled"] == "cost")
    assert cost["loss"] is None
    assert cost["verdict"] == "replaceable; its cost was not proven within the time limit"
    text = str(part)
    assert f"not settled within the time limit: {len(part.unsettled)}" in text
    free = text.split("replaceable at no cost: ")[1].split("\n", maxsplit=1)[0]
    assert int(free) == sum(
        1 for c in part.cases if c.selected and c.loss is not None and not c.costly
    )


def _run(args: list[str]) -> Any:
    return CliRunner().invoke(app, args, catch_exceptions=False)


def test_cli_partial_result_exits_0_with_a_note(
    stop_after: Callable[[int | None], StopAfter], tmp_path: Path
) -> None:
    """A run the limit cuts after the best selection writes its result, says so on standard
    error, and exits 0 (as `select` does for a selection not proven optimal).
    """
    stop_after(6)
    out = tmp_path / "imp.json"
    result = _run(["importance", "--time-limit", "30", "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "note: the time limit (30 s) was reached before" in result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["status"] == "feasible"
    assert doc["unsettled"]
    assert all(c["loss"] is None for c in doc["cases"] if c["unsettled"])


def test_cli_limit_before_the_best_selection_exits_1(
    stop_after: Callable[[int | None], StopAfter], tmp_path: Path
) -> None:
    """A limit that comes after a selection is found but before it is proven best: no case
    weighed, exit 1, and a CSV (rows of results) is not written.
    """
    stop_after(1)
    out = tmp_path / "imp.csv"
    args = ["importance", "--scenario", "bijlage4-spread", "--time-limit", "30"]
    result = _run([*args, "-f", "csv", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert (
        "no selection (no_solution): the time limit (30 s) was reached before the best "
        "selection was proven, so no case was weighed" in result.stderr
    )
    assert not out.exists()


def test_cli_real_time_limit_generous(tmp_path: Path) -> None:
    """A limit the run stays well within gives the run without a limit."""
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert _run(["importance", "-f", "json", "-o", str(a)]).exit_code == 0
    assert _run(["importance", "--time-limit", "600", "-f", "json", "-o", str(b)]).exit_code == 0
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in (a, b)]
    for d in docs:
        d.pop("manifest")
    assert docs[0] == docs[1]
