"""A backend that solves through any solver PuLP knows: ``pulp:GLPK_CMD``, ``pulp:HiGHS``,
``pulp:PULP_CBC_CMD``, or a licensed ``pulp:GUROBI`` / ``pulp:CPLEX_CMD`` where one is installed.

The program is handed to PuLP as a PuLP problem (:func:`selectie.solve.cbc.to_pulp`) and PuLP
runs the solver. PuLP's own status is not taken at its word: it has called a time-limited run
"Optimal" (PuLP issues #711, #517, #383), and its GLPK interface maps GLPK's ``INTEGER
NON-OPTIMAL`` (an incumbent at the time limit) to ``Optimal``. The status is read through one
table per solver (:data:`TRUST`) that says what that solver's PuLP interface can tell apart:

- without a time limit, PuLP's ``Optimal`` is ``OPTIMAL`` and ``Infeasible`` is
  ``INFEASIBLE``, for every solver (nothing else stops the run);
- under a time limit, ``OPTIMAL`` only where the interface tells a proven optimum from a
  stopped run (otherwise the incumbent is ``FEASIBLE``), and ``INFEASIBLE`` only where its
  "infeasible" is a proof (otherwise ``NO_SOLUTION``: feasibility is unknown).

Every solution is then checked against the program's bounds and rows here, and the engine
re-checks the selection against every constraint in plain Python as for any backend.

Every solve runs with the solver's files in a temporary directory of its own
(:func:`private_files`), removed when the solve ends, also on an error or a time limit: PuLP's
GLPK interface deletes only some of its files (``<uuid>-pulp.out`` stays), and a solver that
fails leaves all of them.

>>> backend = PulpBackend("GLPK_CMD")
>>> backend.name
'pulp:GLPK_CMD'
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..errors import InputError, SolverError
from .milp import Milp
from .outcome import RawSolution, Status
from .session import Option, ResolveSession, Session

__all__ = [
    "PREFIX",
    "TRUST",
    "PulpBackend",
    "Trust",
    "available_solvers",
    "private_files",
    "pulp_solver",
    "read_status",
    "to_pulp",
]

#: The prefix that names a PuLP solver on the command line: ``--solver pulp:GLPK_CMD``.
PREFIX = "pulp:"


@dataclass(frozen=True)
class Trust:
    """What a solver's PuLP interface can tell apart under a time limit.

    ``optimum`` is True when the interface reports a run stopped by the limit with an
    incumbent differently from a proven optimum (PuLP's ``sol_status`` is
    ``LpSolutionIntegerFeasible`` for the first); ``infeasible`` is True when its "infeasible"
    under a limit is a proof, not a stop.
    """

    optimum: bool
    infeasible: bool


#: Per PuLP solver name: what its status means under a time limit (read from PuLP 3.3's
#: interfaces). A solver not listed is trusted for neither: a time-limited "Optimal" is reported
#: as FEASIBLE and a time-limited "Infeasible" as NO_SOLUTION.
TRUST: dict[str, Trust] = {
    # coin_api: "Stopped on time ... objective" becomes LpSolutionIntegerFeasible; CBC's
    # "Infeasible" line has been seen after a time limit (selectie issue 12), so not a proof.
    "PULP_CBC_CMD": Trust(optimum=True, infeasible=False),
    "COIN_CMD": Trust(optimum=True, infeasible=False),
    # highs_api (highspy): the model status is mapped one to one, kInfeasible is a proof.
    "HiGHS": Trust(optimum=True, infeasible=True),
    # glpk_api maps INTEGER NON-OPTIMAL to Optimal; selectie reads GLPK's status line itself
    # (_glpk_solver), where INTEGER EMPTY and INFEASIBLE (FINAL) are proofs.
    "GLPK_CMD": Trust(optimum=True, infeasible=True),
}

# GLPK's status line (its output file, line 5) as selectie reads it.
_GLPK_STATUS = {
    "INTEGER OPTIMAL": Status.OPTIMAL,
    "OPTIMAL": Status.OPTIMAL,
    "INTEGER NON-OPTIMAL": Status.FEASIBLE,
    "INTEGER EMPTY": Status.INFEASIBLE,
    "INFEASIBLE (FINAL)": Status.INFEASIBLE,
    "INTEGER UNDEFINED": Status.NO_SOLUTION,
    "UNDEFINED": Status.NO_SOLUTION,
}


def to_pulp(milp: Milp, name: str = "selectie") -> tuple[Any, list[Any]]:
    """The program as a PuLP problem, and its variables in index order.

    Variables are ``x{j}``; a row is ``r{k}e`` (equality), or ``r{k}l`` and/or ``r{k}u`` (its
    lower and upper bound). :func:`selectie.solve.cbc.write_mps` writes this problem's MPS file.

    >>> m = Milp()
    >>> m.add_var("a", 0, 1), m.add_var("b", 0, 3)
    (0, 1)
    >>> m.add_row("two", [(0, 1.0), (1, 1.0)], 1.0, 2.0)
    >>> problem, xs = to_pulp(m.with_objective([(1, 1.0)], "max"))
    >>> [str(c) for c in problem.constraints()]
    ['x0 + x1 >= 1.0', 'x0 + x1 <= 2.0']
    >>> [x.cat for x in xs]
    ['Integer', 'Integer']
    """
    import pulp

    sense = pulp.LpMaximize if milp.sense == "max" else pulp.LpMinimize
    prob = pulp.LpProblem(name, sense)
    xs = []
    for j in range(milp.num_vars):
        lb, ub = milp.lb[j], milp.ub[j]
        if milp.integer[j]:
            cat = pulp.LpBinary if (lb == 0 and ub == 1) else pulp.LpInteger
        else:
            cat = pulp.LpContinuous
        xs.append(prob.add_variable(f"x{j}", lowBound=lb, upBound=ub, cat=cat))
    prob.setObjective(pulp.LpAffineExpression([(xs[j], c) for j, c in milp.objective.items()]))
    for k, row in enumerate(milp.rows):
        expr = pulp.LpAffineExpression(
            [(xs[j], c) for j, c in zip(row.index, row.coef, strict=True)]
        )
        if row.lo is not None and row.hi is not None and row.lo == row.hi:
            prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"r{k}e", row.lo))
            continue
        if row.lo is not None:
            prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintGE, f"r{k}l", row.lo))
        if row.hi is not None:
            prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintLE, f"r{k}u", row.hi))
    return prob, xs


def available_solvers() -> list[str]:
    """The PuLP solvers that can run on this machine (PuLP's names).

    >>> "PULP_CBC_CMD" in available_solvers()
    True
    """
    import pulp

    from .cbc import _quiet_pulp

    with _quiet_pulp():
        return [str(s) for s in pulp.listSolvers(onlyAvailable=True)]


def pulp_solver(
    name: str,
    *,
    time_limit: float | None = None,
    verbose: bool = False,
    options: Mapping[str, Option] | None = None,
) -> Any:
    """A PuLP solver object by PuLP's name (``"GLPK_CMD"``, ``"HiGHS"``, ``"GUROBI"``...).

    A time limit is passed as PuLP's ``timeLimit`` (whole seconds, rounded up, for GLPK,
    whose ``--tmlim`` takes whole seconds); ``options`` are keyword arguments of PuLP's solver
    class (``{"gapRel": 0.0}``).

    >>> pulp_solver("GLPK_CMD").name
    'GLPK_CMD'
    >>> pulp_solver("NO_SUCH")
    Traceback (most recent call last):
    selectie.errors.InputError: PuLP knows no solver 'NO_SUCH'; ...
    """
    import pulp

    from .cbc import _quiet_pulp

    with _quiet_pulp():
        known = list(dict.fromkeys(str(s) for s in pulp.listSolvers()))
        if name not in known:
            raise InputError(
                f"PuLP knows no solver {name!r}; PuLP's solvers are: {', '.join(known)} "
                f"(installed here: {', '.join(available_solvers())})"
            )
        kwargs: dict[str, Any] = {"msg": verbose, **(options or {})}
        if time_limit is not None:
            limit = max(0.01, float(time_limit))
            kwargs["timeLimit"] = math.ceil(limit) if name == "GLPK_CMD" else limit
        if name == "GLPK_CMD":
            return _glpk_solver(**kwargs)
        if name == "HiGHS":
            from .highs import new_highs

            new_highs()  # HiGHS's banner goes to the null device once, not to standard output
            # HiGHS's thread pool is made once per process; selectie's own HiGHS backend asks
            # for one thread, and a pool of another size would make its later runs fail.
            kwargs.setdefault("threads", 1)
        return pulp.getSolver(name, **kwargs)


def _glpk_solver(**kwargs: Any) -> Any:
    """PuLP's GLPK_CMD, keeping GLPK's own status line (``last_status``) as it reads it."""
    import pulp

    class GlpkCmd(pulp.GLPK_CMD):  # type: ignore[misc]  # PuLP is untyped
        last_status = ""

        def readsol(self, outFile: str, solFile: str) -> Any:  # PuLP's argument names
            with open(outFile, encoding="utf-8", errors="replace") as f:
                for _ in range(4):
                    f.readline()
                self.last_status = f.readline()[12:].strip()
            return super().readsol(outFile, solFile)

    return GlpkCmd(**kwargs)


@contextmanager
def private_files(solver: Any) -> Iterator[None]:
    """Run ``solver`` with its files in a temporary directory of its own, removed afterwards.

    PuLP's command-line interfaces write the problem, the solution and the log under the
    solver's ``tmpDir`` and delete them themselves, but not always all of them (GLPK_CMD leaves
    its ``<uuid>-pulp.out``) and not when the solve fails. Here ``tmpDir`` is a fresh
    :class:`tempfile.TemporaryDirectory` for the length of the ``with`` block, and whatever the
    solver leaves in it goes with it, on success, error or time limit alike. The solver's own
    ``tmpDir`` is restored afterwards (a solver object of the user's stays as it was). A
    solver without files (PuLP's in-process HiGHS, Gurobi) is unaffected; ``keepFiles=True``
    is the user's explicit request to keep them in the working directory and is honoured.

    >>> import os
    >>> solver = pulp_solver("GLPK_CMD")
    >>> before = solver.tmpDir
    >>> with private_files(solver):
    ...     inside = solver.tmpDir
    ...     os.path.isdir(inside)
    True
    >>> os.path.exists(inside), solver.tmpDir == before
    (False, True)
    """
    missing = object()
    before = getattr(solver, "tmpDir", missing)
    with tempfile.TemporaryDirectory(prefix="selectie-pulp-") as tmp:
        solver.tmpDir = tmp
        try:
            yield
        finally:
            if before is missing:
                del solver.tmpDir
            else:
                solver.tmpDir = before


def read_status(problem: Any, solver: Any, *, time_limit: float | None) -> tuple[Status, str]:
    """The status of a solved PuLP problem by the rules above, and a message for a non-answer.

    >>> import pulp
    >>> prob = pulp.LpProblem("p", pulp.LpMaximize)
    >>> x = prob.add_variable("x", 0, 3, cat="Integer")
    >>> prob += x
    >>> prob += x <= 2, "at_most_2"
    >>> solver = pulp_solver("GLPK_CMD")
    >>> with private_files(solver):
    ...     _ = prob.solve(solver)
    >>> read_status(prob, solver, time_limit=None)
    (<Status.OPTIMAL: 'optimal'>, '')
    """
    import pulp

    from ..i18n import _

    name = str(solver.name)
    glpk = getattr(solver, "last_status", None)
    if glpk is not None:
        status = _GLPK_STATUS.get(glpk)
        if status is None:
            return Status.ERROR, _("GLPK ended with status {status}").format(status=repr(glpk))
        if status == Status.NO_SOLUTION and time_limit is None:
            return Status.ERROR, _("GLPK ended with status {status} without a time limit").format(
                status=repr(glpk)
            )
        return status, ""
    trust = TRUST.get(name, Trust(optimum=False, infeasible=False))
    limited = time_limit is not None
    run, sol = problem.status, problem.sol_status
    if sol == pulp.LpSolutionIntegerFeasible:
        return Status.FEASIBLE, ""
    if run == pulp.LpStatusOptimal:
        if not limited or trust.optimum:
            return Status.OPTIMAL, ""
        return Status.FEASIBLE, _(
            "PuLP's {solver} interface cannot tell a proven optimum from a run stopped by the "
            "time limit, so the selection is reported as feasible"
        ).format(solver=name)
    if run == pulp.LpStatusInfeasible:
        if not limited or trust.infeasible:
            return Status.INFEASIBLE, ""
        return Status.NO_SOLUTION, _(
            "{solver} reported the program infeasible under a time limit, which is no proof; "
            "run without --time-limit to settle it"
        ).format(solver=name)
    if run == pulp.LpStatusNotSolved and limited:
        return Status.NO_SOLUTION, ""
    return Status.ERROR, _("{solver} ended with PuLP status {status}").format(
        solver=name, status=repr(pulp.LpStatus.get(run, run))
    )


class PulpBackend:
    """Any solver PuLP knows, by PuLP's name (see :func:`pulp.listSolvers`)."""

    def __init__(self, solver: str) -> None:
        self.solver = solver
        self.name = PREFIX + solver
        self.install_hint = (
            f"PuLP cannot run {solver} here; install the solver and make sure PuLP finds it "
            "(for GLPK on Debian: apt-get install glpk-utils). "
            "Solvers PuLP finds here: " + ", ".join(available_solvers())
        )

    def is_installed(self) -> bool:
        try:
            from .cbc import _quiet_pulp

            with _quiet_pulp():
                return bool(pulp_solver(self.solver).available())
        except Exception:  # noqa: BLE001 - any failure to start means "not installed"
            return False

    def version(self) -> str:
        import pulp

        from ..i18n import _

        return _("{solver} via PuLP {version}").format(solver=self.solver, version=pulp.__version__)

    def open(
        self,
        milp: Milp,
        *,
        seed: int = 1,
        verbose: bool = False,
        options: Mapping[str, Option] | None = None,
    ) -> Session:
        """A session that hands the changed program to PuLP at every solve (cold, like CBC's);
        ``options`` are keyword arguments of PuLP's solver class.
        """
        solve = partial(self._solve, options=options)
        return ResolveSession(milp, solve, seed=seed, verbose=verbose)

    def solve(
        self, milp: Milp, *, time_limit: float | None, seed: int, verbose: bool
    ) -> RawSolution:
        """Solve ``milp`` with the PuLP solver (``seed`` is not passed: PuLP has no common
        option for it, and the answer is made unique by the engine's tie-break stage).
        """
        return self._solve(milp, time_limit=time_limit, seed=seed, verbose=verbose)

    def _solve(
        self,
        milp: Milp,
        *,
        time_limit: float | None,
        seed: int,
        verbose: bool,
        options: Mapping[str, Option] | None = None,
    ) -> RawSolution:
        import pulp

        from .cbc import _quiet_pulp

        del seed
        problem, xs = to_pulp(milp)
        solver = pulp_solver(self.solver, time_limit=time_limit, verbose=verbose, options=options)
        start = time.perf_counter()
        try:
            with _quiet_pulp(), private_files(solver):
                problem.solve(solver)
        except pulp.PulpSolverError as exc:
            raise SolverError(f"{self.solver} failed: {exc}") from None
        seconds = time.perf_counter() - start
        status, message = read_status(problem, solver, time_limit=time_limit)
        if not status.has_selection:
            return RawSolution(status, None, None, None, seconds, message)
        values = [0.0 if x.varValue is None else float(x.varValue) for x in xs]
        if not milp.satisfied_by(values):
            return RawSolution(
                Status.ERROR,
                None,
                None,
                None,
                seconds,
                f"{self.solver} returned values outside the program's bounds or rows",
            )
        objective = 0.0
        for j, c in milp.objective.items():
            objective += values[j] * c
        return RawSolution(status, values, objective, None, seconds, message)
