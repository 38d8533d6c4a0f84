"""Turning a scenario into named constraints on a pool, each able to check itself.

:func:`compile_scenario` validates a scenario against a pool (every unknown attribute, value
or id is reported at once) and expands it into :class:`Constraint` objects. Each constraint
counts the selected cases it concerns and says whether the count is within its bounds, in
plain Python: this is how every solver answer is re-checked before it is shown. The same
objects give the integer program its rows (:mod:`selectie.solve.milp`).

>>> from selectie import load_pool, load_scenario
>>> compiled = compile_scenario(load_pool(), load_scenario())
>>> compiled.constraints[0].name
'size'
"""

from __future__ import annotations

from .compile import compile_scenario
from .model import Check, CompiledScenario, Constraint, Kind
from .objective import CompiledObjective, ObjectiveValue, ValueCell

__all__ = [
    "Check",
    "CompiledObjective",
    "CompiledScenario",
    "Constraint",
    "Kind",
    "ObjectiveValue",
    "ValueCell",
    "compile_scenario",
]
