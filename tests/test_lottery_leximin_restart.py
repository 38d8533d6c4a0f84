"""Leximin's column generation starts a round again after its master was relaxed (issue 17).

When the master is infeasible at its fixed levels, :meth:`_Master.relax` lowers them and
:meth:`~selectie.lottery.colgen._ColumnGeneration.generate` starts the round again
(``retries``): the average, fractional and Lagrangian bounds computed for the levels before
are no bounds for the lowered ones. Kept, such a bound lets the first master solve at the
lowered levels count as proven, with whatever panels the master has.

The infeasibility is made on purpose on the small pools of ``tests/test_lottery_leximin.py``:
the rows fixed in round 1 are held ``RAISE`` (1.0) above their level, which no lottery holds
(a probability is at most 1), and the first relaxation lowers them by ``RAISE + LOWER``, so
they end ``LOWER`` below the level round 1 proved. The lottery must then be the independent
leximin by ``linprog`` over every valid panel, to 1e-6, and the accuracy reported must cover
the ``LOWER`` the fixed rows lost.
"""

from __future__ import annotations

from typing import Any

import pytest

from selectie import Status
from selectie.lottery import leximin, solvers
from selectie.lottery.stuck import LEXIMIN
from tests.test_lottery_leximin import leximin_and_linprog

#: How far above their level the rows fixed in round 1 are held (no lottery holds that).
RAISE = 1.0
#: How far below their level the first relaxation leaves them.
LOWER = 2e-8


def relaxed_run(monkeypatch: pytest.MonkeyPatch, seed: int) -> tuple[Any, list[float], list[int]]:
    """Leximin on pool ``seed`` (no peel) with round 1's fixed levels held too high: (the
    lottery, the leximin by ``linprog``, the ``retries`` of each relaxation).
    """
    monkeypatch.setattr(LEXIMIN, "peel", False)
    calls = [0]
    relaxations: list[int] = []
    generate = leximin._Fair.generate
    fix = solvers._Master.fix
    relax_amount = leximin._Fair.relax_amount

    def counted(self: leximin._Fair, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return generate(self, *args, **kwargs)

    def raised(self: solvers._Master, row: int, level: float) -> None:
        # only between round 1 and round 2: round 2's master is infeasible at its levels
        fix(self, row, level + RAISE if calls[0] == 1 else level)

    def amount(self: leximin._Fair, retries: int) -> float:
        relaxations.append(retries)
        return RAISE + LOWER if len(relaxations) == 1 else relax_amount(self, retries)

    monkeypatch.setattr(leximin._Fair, "generate", counted)
    monkeypatch.setattr(solvers._Master, "fix", raised)
    monkeypatch.setattr(leximin._Fair, "relax_amount", amount)
    lot, expected = leximin_and_linprog(seed)
    return lot, expected, relaxations


@pytest.mark.parametrize("seed", [0, 2, 7])
def test_a_round_starts_again_after_its_master_was_relaxed(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    lot, expected, relaxations = relaxed_run(monkeypatch, seed)
    assert relaxations[:1] == [0]  # the master was infeasible and relaxed (and not again)
    assert lot.status == Status.OPTIMAL
    assert list(lot.probabilities.values()) == pytest.approx(expected, abs=1e-6)
    assert lot.info is not None and lot.info.accuracy is not None
    # the fixed rows lost LOWER (less the slack's rounding) of their proven level
    assert LOWER * 0.99 <= lot.info.accuracy <= 1e-6
