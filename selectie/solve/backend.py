"""The small protocol every solver backend follows, and the registry of backends.

A backend takes a :class:`~selectie.solve.milp.Milp` and returns a :class:`RawSolution` whose
status it has read from the solver itself (never guessed): a run stopped by the time limit
with a solution is ``FEASIBLE``, not ``OPTIMAL``. A backend may also ``open`` a program as a
:class:`~selectie.solve.session.Session` that is changed and solved again (see that module
for the protocol and for what each backend gives).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from ..errors import BackendNotInstalled, InputError
from .default import DEFAULT
from .milp import Milp
from .outcome import RawSolution, Status
from .session import Option, Session

__all__ = [
    "BACKENDS",
    "DEFAULT",
    "Backend",
    "RawSolution",
    "Session",
    "Status",
    "get_backend",
    "limit_advice",
]


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

    def open(
        self,
        milp: Milp,
        *,
        seed: int = 1,
        verbose: bool = False,
        options: Mapping[str, Option] | None = None,
    ) -> Session:
        """A session over a copy of ``milp``: change it and solve it again
        (:mod:`selectie.solve.session`); ``options`` are the solver's own option names.

        >>> milp = Milp()
        >>> x = milp.add_var("x", 0, 5)
        >>> with get_backend("cbc").open(milp.with_objective([(x, 1.0)], "max")) as s:
        ...     _ = s.add_row([(x, 1.0)], None, 2.0)
        ...     round(s.solve().objective)
        2
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
    from ..i18n import _

    others = [b for b in BACKENDS if b != solver]
    if not others:
        return _("run again with a longer time limit (--time-limit SECONDS)")
    return _(
        "run again with a longer time limit (--time-limit SECONDS) or with the other solver "
        "(--solver {solver})"
    ).format(solver=others[0])


def get_backend(name: str) -> Backend:
    """The backend called ``name`` ('cbc', 'highs', or 'pulp:' and any solver PuLP knows, e.g.
    'pulp:GLPK_CMD'); an install hint if it is missing.

    >>> get_backend(" CBC ").name
    'cbc'
    >>> get_backend("gurobi")
    Traceback (most recent call last):
    selectie.errors.InputError: unknown solver 'gurobi'; choose one of: cbc, highs, or pulp:NAME \
with NAME a PuLP solver (pulp:GLPK_CMD, pulp:GUROBI, ...)
    """
    key = name.strip().lower()
    registry = _registry()
    if key.startswith("pulp:"):
        from .pulp_backend import PulpBackend, pulp_solver

        pulp_solver(name.strip()[5:])  # an unknown PuLP name is bad input, not "not installed"
        registry[key] = PulpBackend(name.strip()[5:])
    from ..i18n import _

    if key not in registry:
        raise InputError(
            _(
                "unknown solver {name}; choose one of: {solvers}, or pulp:NAME "
                "with NAME a PuLP solver (pulp:GLPK_CMD, pulp:GUROBI, ...)"
            ).format(name=repr(name), solvers=", ".join(BACKENDS))
        )
    backend = registry[key]
    if not backend.is_installed():
        raise BackendNotInstalled(
            _("solver {name} is not installed. {hint}").format(
                name=repr(backend.name), hint=backend.install_hint
            )
        )
    return backend
