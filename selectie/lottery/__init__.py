"""Fair lotteries over valid selections: maximin, leximin, Nash welfare, uniform over the k best.

The package has one module per layer: :mod:`~selectie.lottery.result` (the result types),
:mod:`~selectie.lottery.render` (documents), :mod:`~selectie.lottery.program` (profiles and
the program over them, asked of :mod:`selectie.formulation`), :mod:`~selectie.lottery.solvers`
(the pricing and master programs),
:mod:`~selectie.lottery.run` (one run, whose steps are :mod:`~selectie.lottery.state` (what a
run knows, the packaging of its result), :mod:`~selectie.lottery.cover` (coverage),
:mod:`~selectie.lottery.colgen` (column generation for one round),
:mod:`~selectie.lottery.leximin` (the maximin and leximin rounds),
:mod:`~selectie.lottery.kbest` (uniform over the k best); the re-check is
:func:`selectie.formulation.recheck.recheck_selections`), :mod:`~selectie.lottery.nash` (Nash
welfare), :mod:`~selectie.lottery.uniform`
(rounding to a uniform lottery over m panels, with its draw sheet) and
:mod:`~selectie.lottery.handover` (the files an organiser hands on).

Choosing one "best" set invites the question "why these and not others?". A lottery over all
valid selections answers it: every selection that satisfies the scenario may be drawn, and the
chance of each case is as equal as the constraints allow (Flanigan, Gölz, Gupta, Hennig &
Procaccia, "Fair algorithms for selecting citizens' assemblies", Nature 596, 2021).

:func:`lottery` computes a probability distribution over valid selections:

- ``maximin``: the smallest selection probability of any case that can be selected at all is
  as large as possible;
- ``leximin``: maximin, then the second smallest as large as possible, and so on;
- ``nash``: the product of the selection probabilities as large as possible (Nash welfare);
- ``uniform_best``: the ``k`` best distinct selections by the scenario's objective, each with
  probability ``1/k`` (for researchers who want randomness among equally good sets).

Maximin and leximin ignore the scenario's objective: every selection that satisfies the
constraints is equally acceptable, and only fairness between cases counts.

**Profiles.** Cases that lie in exactly the same constraints (the same values on every attribute
the scenario constrains, the same household when households are limited, not named by
include/exclude/bridges) are interchangeable: swapping two of them turns a valid selection into
a valid selection. The lottery is therefore computed over *profiles*: a selection is a vector
``n_p`` (how many cases of profile ``p``), and every case of profile ``p`` has probability
``E[n_p] / |p|``. The maximin and leximin probability vectors are unique and symmetric under
these swaps, so nothing is lost, and the problem shrinks from people to profiles (the
published ``example_large_200`` instance has 2000 people but 3 profiles).

**Column generation.** The master problem is a linear program over the selections found so far
(solved with HiGHS, which gives its dual values); the pricing problem, "which valid selection
has the largest dual weight", is the selection integer program over profiles with objective
weights ``y_p / |p|``, solved with HiGHS or CBC (``solver``). The loop stops when no valid
selection improves the bound by more than ``1e-9``. Leximin repeats this: it fixes the cases
whose dual weight proves them stuck at the current minimum (a case is fixed only when the dual
bound shows it cannot rise more than ``1e-6`` above that level), then raises the minimum of the
others, until every case is fixed.

**Support and draw.** A selection in the support says how many cases to take from each
profile; the cases within a profile are then drawn uniformly at random, so every member of a
profile has the same probability. :meth:`Lottery.draw` performs the whole draw from a seed with
SHA-256, reproducibly and checkably by hand (see :data:`DRAW_PROCEDURE`).

Every selection in the support is re-checked against every constraint in plain Python before
the lottery is returned; a selection that fails makes the status ERROR.

>>> from selectie import Pool, Quota, Scenario
>>> from selectie.codebook import codebook_from_dict
>>> cb = codebook_from_dict({"codebook": {"name": "demo"},
...     "attributes": [{"name": "sex", "values": ["f", "m"], "required": True}]})
>>> pool = Pool.from_records([{"id": f"p{i}", "sex": "f" if i < 2 else "m"} for i in range(6)], cb)
>>> lot = fair_lottery(pool, Scenario(size=2, quotas=[Quota(attribute="sex", min=1, max=1)]))
>>> lot.status.value, round(lot.min_probability, 6)
('optimal', 0.25)
>>> {i: round(p, 3) for i, p in lot.probabilities.items()}
{'p0': 0.5, 'p1': 0.5, 'p2': 0.25, 'p3': 0.25, 'p4': 0.25, 'p5': 0.25}
>>> draw = lot.draw(2024)
>>> len(draw.ids), draw.audit.ok
(2, True)
"""

from .api import fair_lottery
from .render import LOTTERY_FORMATS, lottery_document, render_lottery
from .result import (
    DRAW_PROCEDURE,
    Draw,
    Lottery,
    LotteryInfo,
    LotteryMethod,
    Profile,
    SupportEntry,
    Take,
)
from .uniform import UniformLottery, round_to_uniform

__all__ = [
    "DRAW_PROCEDURE",
    "LOTTERY_FORMATS",
    "Draw",
    "Lottery",
    "LotteryInfo",
    "LotteryMethod",
    "Profile",
    "SupportEntry",
    "Take",
    "UniformLottery",
    "fair_lottery",
    "lottery_document",
    "render_lottery",
    "round_to_uniform",
]
