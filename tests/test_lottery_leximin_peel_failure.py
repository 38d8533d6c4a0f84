"""What leximin's run info says when its peel gives the rounds nothing (issue 17): a peel
that found no panel says so ("no panel", with the peel's own reason when it has one), and
only panels that fail the re-check are reported as "recheck". Either way the rounds still
give the independent leximin by ``linprog`` over every valid panel, to 1e-6.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from selectie import Status
from selectie.lottery import peel as peel_module
from tests.test_lottery_leximin import hard_pool, leximin_and_linprog


def run_with_peel(monkeypatch: pytest.MonkeyPatch, made: peel_module.PeelResult) -> Any:
    """Leximin on pool 0 with the peel replaced by one that returns ``made``."""

    def fake(*_args: Any, **_kwargs: Any) -> peel_module.PeelResult:
        return made

    monkeypatch.setattr(peel_module, "peel", fake)
    lot, expected = leximin_and_linprog(0)
    assert lot.status == Status.OPTIMAL
    assert list(lot.probabilities.values()) == pytest.approx(expected, abs=1e-6)
    assert lot.info is not None and lot.info.peel is not None
    return lot.info.peel


@pytest.mark.parametrize(
    ("failure", "reported"),
    [(None, "no panel"), ("step 1: out of time", "no panel (step 1: out of time)")],
)
def test_a_peel_without_panels_says_no_panel(
    monkeypatch: pytest.MonkeyPatch, failure: str | None, reported: str
) -> None:
    info = run_with_peel(monkeypatch, peel_module.PeelResult(failure=failure))
    assert info["complete"] is False
    assert info["failure"] == reported
    assert info["panels"] == 0


def test_a_peel_whose_panels_fail_the_recheck_says_recheck(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people, _quotas, _size = hard_pool(0)
    # an empty panel (no one selected) breaks the panel size; the peel calls it complete
    bad = np.zeros(len(people), dtype=np.int64)
    made = peel_module.PeelResult(panels=[bad], weights=[1.0], complete=True, deviation=0.0)
    info = run_with_peel(monkeypatch, made)
    assert info == {"complete": False, "failure": "recheck"}
