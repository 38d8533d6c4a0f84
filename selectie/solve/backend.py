"""The small protocol every solver backend follows, and the registry of backends.

A backend takes a :class:`~selectie.solve.milp.Milp` and returns a :class:`RawSolution` whose
status it has read from the solver itself (never guessed): a run stopped by the time limit
with a solution is ``FEASIBLE``, not ``OPTIMAL``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from ..errors import BackendNotInstalled, InputError
from .milp import Milp

__all__ = ["BACKENDS", "Backend", "RawSolution", "Status", "get_backend", "limit_advice"]


class Status(StrEnum):
    """The outcome of a selection run.

    >>> Status("feasible") is Status.FEASIBLE, str(Status.NO_SOLUTION)
    (True, 'no_solution')
    """

    #: A selection was found and proven best for the objective.
    OPTIMAL = "optimal"
    #: A valid selection was found, but the time limit stopped the proof that it is best.
    FEASIBLE = "feasible"
    #: No selection satisfies every constraint.
    INFEASIBLE = "infeasible"
    #: The time limit was reached before any selection was found; feasibility is unknown.
    NO_SOLUTION = "no_solution"
    #: The solver failed, or returned something that did not pass the re-check.
    ERROR = "error"

    @property
    def has_selection(self) -> bool:
        """True for OPTIMAL and FEASIBLE: a verified selection exists.

        >>> [s.value for s in Status if s.has_selection]
        ['optimal', 'feasible']
        """
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class RawSolution:
    """What a backend returns: status, variable values, objective and bound, time taken.

    >>> raw = RawSolution(Status.INFEASIBLE, values=None, objective=None, bound=None, seconds=0.1)
    >>> raw.status.has_selection, raw.message
    (False, '')
    """

    status: Status
    values: list[float] | None
    objective: float | None
    bound: float | None
    seconds: float
    message: str = ""


class Backend(Protocol):
    """A solver backend.

    Backends are found with :func:`get_backend`; CBC is bundled with PuLP:

    >>> backend = get_backend("cbc")
    >>> backend.name, backend.is_installed(), isinstance(backend.version(), str)
    ('cbc', True, True)
    """

    name: str
    install_hint: str

    def is_installed(self) -> bool:
        """True if the solver can run on this machine.

        >>> get_backend("cbc").is_installed()
        True
        """
        ...

    def version(self) -> str:
        """The solver's version, as text.

        >>> get_backend("cbc").version() != ""
        True
        """
        ...

    def solve(
        self, milp: Milp, *, time_limit: float | None, seed: int, verbose: bool
    ) -> RawSolution:
        """Solve ``milp``; never raises for infeasibility, only for a solver failure.

        Maximise ``x + y`` for whole numbers ``0 <= x, y <= 2`` with ``x + y <= 3``:

        >>> milp = Milp()
        >>> x, y = milp.add_var("x", 0, 2), milp.add_var("y", 0, 2)
        >>> milp.add_row("total", [(x, 1.0), (y, 1.0)], None, 3)
        >>> milp = milp.with_objective([(x, 1.0), (y, 1.0)], "max")
        >>> raw = get_backend("cbc").solve(milp, time_limit=None, seed=0, verbose=False)
        >>> raw.status, round(raw.objective), sum(round(v) for v in raw.values)
        (<Status.OPTIMAL: 'optimal'>, 3, 3)
        """
        ...


def _registry() -> dict[str, Backend]:
    from .cbc import CbcBackend
    from .highs import HighsBackend

    return {"cbc": CbcBackend(), "highs": HighsBackend()}


BACKENDS: tuple[str, ...] = ("cbc", "highs")


def limit_advice(solver: str) -> str:
    """What to do when ``solver`` was stopped by the time limit.

    >>> print(limit_advice("cbc"))  # doctest: +NORMALIZE_WHITESPACE
    run again with a longer time limit (--time-limit SECONDS) or with the other solver
    (--solver highs)
    """
    others = [b for b in BACKENDS if b != solver]
    other = f" or with the other solver (--solver {others[0]})" if others else ""
    return f"run again with a longer time limit (--time-limit SECONDS){other}"


def get_backend(name: str) -> Backend:
    """The backend called ``name`` ('cbc' or 'highs'); an install hint if it is missing.

    >>> get_backend(" CBC ").name
    'cbc'
    >>> get_backend("gurobi")
    Traceback (most recent call last):
    selectie.errors.InputError: unknown solver 'gurobi'; choose one of: cbc, highs
    """
    key = name.strip().lower()
    registry = _registry()
    if key not in registry:
        raise InputError(f"unknown solver {name!r}; choose one of: {', '.join(BACKENDS)}")
    backend = registry[key]
    if not backend.is_installed():
        raise BackendNotInstalled(
            f"solver {backend.name!r} is not installed. {backend.install_hint}"
        )
    return backend
