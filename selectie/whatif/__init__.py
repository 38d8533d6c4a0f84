"""What else, and what if: alternative selections, how much each case matters, drop-outs.

(No submodule is called ``alternatives``, ``importance`` or ``replace``: the package exports
functions of those names, which submodules of the same names would shadow.)

- :func:`alternatives`: the best selections one after another (each next one the best that
  differs from all listed, by no-good cuts), or all within a distance of the optimum, with
  what sets them apart and how often each case appears;
- :func:`importance`: per case, whether every valid selection needs it (irreplaceable),
  whether none can have it (impossible), and how much worse the best selection gets without
  it (replacement cost), with the reason when it is evident;
- :func:`replace`: when selected cases drop out, the best selection that keeps as many of the
  others as possible.

These work on cases, not on the profiles :mod:`selectie.engine` groups interchangeable cases
into: two cases alike on every attribute the scenario mentions give two distinct selections.
Every selection returned is re-checked against every constraint in plain Python.

Objectives are compared as the engine does, stage by stage: max_overlap by depth, then total;
match_target by deviation; max_weight by weight. Ties are broken by pool order (the smaller
sum of positions first). A scenario's ``prefer`` list shapes the first selection (the one
:func:`selectie.select` returns); the selections listed after it follow pool order.

>>> from selectie import load_pool, load_scenario
>>> spread = load_scenario("bijlage4-spread")  # selectie's extension: a max_overlap objective
>>> alts = alternatives(load_pool(), spread, count=3)
>>> len(alts.selections), alts.selections[0].objective.parts
(3, {'depth': 1, 'total': 65})

The package's parts: :mod:`.program` (the case-level program in one open solver session),
:mod:`.find_alternatives`, :mod:`.find_importance` and :mod:`.find_replacement` (the
questions), and :mod:`.alternatives_result`, :mod:`.importance_result` and
:mod:`.replacement_result` (what they return, and its rendering).
"""

from __future__ import annotations

from .alternatives_result import Alternative, Alternatives
from .find_alternatives import alternatives
from .find_importance import importance
from .find_replacement import replace
from .importance_result import CaseImportance, Importance, Unsettled
from .replacement_result import Replacement

__all__ = [
    "Alternative",
    "Alternatives",
    "CaseImportance",
    "Importance",
    "Replacement",
    "Unsettled",
    "alternatives",
    "importance",
    "replace",
]
