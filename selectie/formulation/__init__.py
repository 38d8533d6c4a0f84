"""The one home of the integer program: profiles, one builder, one lexicographic loop, one
re-check.

- :mod:`.profiles`: cases grouped once into interchangeable profiles;
- :mod:`.program`: the builder (:class:`SelectionModel` over profiles, :class:`CaseProgram`
  with one variable per case, :func:`objective_stages`, the tie-break, no-good cuts);
- :mod:`.counts`: the program over profile counts with no-good cuts on counts (distinct
  selections, the lottery's ``uniform_best``);
- :mod:`.lexicographic`: the stages solved one after another in one solver session;
- :mod:`.recheck`: every answer checked against every constraint in plain Python.

:mod:`selectie.engine`, :mod:`selectie.whatif`, :mod:`selectie.diagnose` and
:mod:`selectie.lottery` ask their questions through this package and build no program of
their own; the solvers (:mod:`selectie.solve`) see only the solver-neutral
:class:`~selectie.solve.milp.Milp`.
"""

from __future__ import annotations

from .lexicographic import Clock, Lexicographic, Outcome
from .profiles import Profiles, profile_labels, row_labels
from .program import CaseProgram, Lock, SelectionModel, Stage, objective_stages
from .recheck import failure, objective_mismatch, recheck, verified

__all__ = [
    "CaseProgram",
    "Clock",
    "Lexicographic",
    "Lock",
    "Outcome",
    "Profiles",
    "SelectionModel",
    "Stage",
    "failure",
    "objective_mismatch",
    "objective_stages",
    "profile_labels",
    "recheck",
    "row_labels",
    "verified",
]
