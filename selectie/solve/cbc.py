"""CBC through PuLP (the default backend): PuLP's bundled CBC binary, in a subprocess.

The status is read from CBC's own status line through one table (:data:`STATUS`), not from
PuLP's summary status, which calls a time-limited run "Optimal" (PuLP issues #711, #517,
#383). :meth:`CbcBackend.open` returns a :class:`CbcSession` (the protocol is in
:mod:`selectie.solve.session`): CBC runs as a separate program, so the session keeps the
changed program in Python and runs CBC on it afresh at every solve.

The backend writes the MPS file CBC reads itself (:func:`write_mps`), in one pass over the
program's rows, rather than building PuLP objects for every variable and letting PuLP write
them: the file is byte for byte the one PuLP would write for :func:`to_pulp`'s problem
(tests/test_mps_writer.py compares the two on every program of the reference problems), and
CBC is run with the options PuLP would give it, so the answers are the same; only the Python
work around CBC is smaller. :func:`to_pulp` stays for callers who want a PuLP problem.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SolverError
from .milp import LpSolution, Milp
from .outcome import RawSolution, Status
from .session import MirrorSession, Option

__all__ = [
    "STATUS",
    "CbcBackend",
    "CbcSession",
    "at_time_limit",
    "read_status",
    "to_pulp",
    "write_mps",
]


def to_pulp(milp: Milp, name: str = "selectie") -> tuple[Any, list[Any]]:
    """The program as a PuLP problem, and its variables in index order."""
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
    obj = pulp.LpAffineExpression([(xs[j], c) for j, c in milp.objective.items()])
    prob.setObjective(obj)
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


_DUMMY = -1  # the column PuLP adds when the objective is empty ("__dummy", fixed at 0)


def write_mps(milp: Milp) -> tuple[str, list[int]]:
    r"""The program as the MPS text PuLP writes for it, and the variable of each column.

    The text is what ``to_pulp(milp)[0].writeMPS(path, rename=True)`` writes: rows ``r{k}e``
    (equality) or ``r{k}l`` / ``r{k}u`` (lower / upper bound) in order, renamed ``C0000000``
    on; the variables that occur in a row or the objective, in PuLP's order (sorted by the
    name ``x{j}``), renamed ``X0000000`` on; integer columns between markers; explicit bounds.
    An empty objective gets PuLP's dummy column (``-1`` in the returned list).

    >>> m = Milp()
    >>> m.add_var("a", 0, 1), m.add_var("b", 0, 3)
    (0, 1)
    >>> m.add_row("two", [(0, 1.0), (1, 1.0)], 2.0, 2.0)
    >>> text, columns = write_mps(m.with_objective([(1, 1.0)], "min"))
    >>> columns
    [0, 1]
    >>> print(text.split("COLUMNS\n")[1].split("RHS")[0], end="")
        MARK      'MARKER'                 'INTORG'
        X0000000  C0000000   1.000000000000e+00
        MARK      'MARKER'                 'INTEND'
        MARK      'MARKER'                 'INTORG'
        X0000001  C0000000   1.000000000000e+00
        X0000001  OBJ        1.000000000000e+00
        MARK      'MARKER'                 'INTEND'
    """
    out = io.StringIO()
    order = _write_mps(milp, out.write)
    return out.getvalue(), order


def _mps_rows(milp: Milp) -> list[tuple[str, float, int]]:
    """The rows as PuLP's constraints: (MPS type, right-hand side, index of the program's row).

    A row with both bounds becomes a ``G`` and an ``L`` row, unless they are equal (``E``).
    """
    kinds: list[tuple[str, float, int]] = []
    for k, row in enumerate(milp.rows):
        if row.lo is not None and row.hi is not None and row.lo == row.hi:
            kinds.append(("E", row.lo, k))
            continue
        if row.lo is not None:
            kinds.append(("G", row.lo, k))
        if row.hi is not None:
            kinds.append(("L", row.hi, k))
    return kinds


def _write_mps(milp: Milp, write: Callable[[str], object]) -> list[int]:
    """Write :func:`write_mps`'s text piece by piece; return the variable of each column."""
    kinds = _mps_rows(milp)
    row_names = [f"C{i:07d}" for i in range(len(kinds))]
    # The coefficients, sorted column by column in file order and, within a column, in row
    # order (as PuLP writes them).
    sizes = [len(milp.rows[k].index) for _, _, k in kinds]
    var = np.fromiter(
        (j for _, _, k in kinds for j in milp.rows[k].index), dtype=np.int64, count=sum(sizes)
    )
    coef = [c for _, _, k in kinds for c in milp.rows[k].coef]
    row_of = np.repeat(np.arange(len(kinds), dtype=np.int64), sizes)
    used = set(np.unique(var).tolist()) | set(milp.objective)
    order = sorted(used, key=lambda j: f"x{j}")
    objective: dict[int, float] = dict(milp.objective)
    if not objective:
        order.insert(0, _DUMMY)  # "__dummy" sorts before "x..."
        objective[_DUMMY] = 1
    column_of = np.zeros(milp.num_vars + 1, dtype=np.int64)  # var -> its place in the file
    column_of[[j for j in order if j != _DUMMY]] = [n for n, j in enumerate(order) if j != _DUMMY]
    col = column_of[var] if var.size else var
    sort = np.lexsort((row_of, col))
    starts = np.searchsorted(col[sort], np.arange(len(order) + 1)).tolist()
    del var, col, row_of
    padded = [f"{name:<8}  " for name in row_names]
    ordered = [coef[i] for i in sort.tolist()]
    del coef
    rows_sorted = np.repeat(np.arange(len(kinds)), sizes)[sort].tolist()
    del sort
    # Coefficients repeat (mostly 1): format each distinct one once. (A zero is formatted
    # each time: 0.0 and -0.0 are one key but print differently.)
    number = {c: f"{c: .12e}\n" for c in set(ordered) if c != 0}
    write(f"*SENSE:{'Maximize' if milp.sense == 'max' else 'Minimize'}\n")
    write("NAME          MODEL\nROWS\n N  OBJ\n")
    write(
        "".join(f" {kind}  {name}\n" for name, (kind, _, _) in zip(row_names, kinds, strict=True))
    )
    write("COLUMNS\n")
    bounds: list[str] = []
    for n, j in enumerate(order):
        name = f"X{n:07d}"
        if j == _DUMMY:
            integer, lb, ub = False, 0.0, 0.0
        else:
            lb, ub = milp.lb[j], milp.ub[j]
            integer = milp.integer[j]
        head = f"    {name:<8}  "
        lines = ["    MARK      'MARKER'                 'INTORG'\n"] if integer else []
        a, b = starts[n], starts[n + 1]
        lines += [
            head + padded[r] + (number[c] if c != 0 else f"{c: .12e}\n")
            for r, c in zip(rows_sorted[a:b], ordered[a:b], strict=True)
        ]
        if j in objective:
            lines.append(f"{head}OBJ       {objective[j]: .12e}\n")
        if integer:
            lines.append("    MARK      'MARKER'                 'INTEND'\n")
        write("".join(lines))
        bounds += _bound_lines(name, lb, ub, integer)
    write("RHS\n")
    write(
        "".join(
            f"    RHS       {name:<8}  {rhs if rhs != 0 else 0: .12e}\n"
            for name, (_, rhs, _) in zip(row_names, kinds, strict=True)
        )
    )
    write("BOUNDS\n")
    write("".join(bounds))
    write("ENDATA\n")
    return order


def _bound_lines(name: str, lb: float | None, ub: float | None, integer: bool) -> list[str]:
    """The BOUNDS lines PuLP writes for a column (its writeMPSBoundLines); an infinite bound
    is no bound.
    """
    lb = None if lb is None or lb == -math.inf else lb
    ub = None if ub is None or ub == math.inf else ub
    if lb is not None and lb == ub:
        return [f" FX BND       {name:<8}  {lb: .12e}\n"]
    if lb == 0 and ub == 1 and integer:
        return [f" BV BND       {name:<8}\n"]
    out = []
    if lb is not None:
        if lb != 0 or (integer and ub is None):
            out.append(f" LO BND       {name:<8}  {lb: .12e}\n")
    elif ub is not None:
        out.append(f" MI BND       {name:<8}\n")
    else:
        out.append(f" FR BND       {name:<8}\n")
    if ub is not None:
        out.append(f" UP BND       {name:<8}  {ub: .12e}\n")
    return out


def _read_solution(path: Path, order: list[int], milp: Milp) -> tuple[list[float], list[float]]:
    """Variable values and row duals from CBC's solution file (unlisted values are 0).

    A row of the program written as two rows (``G`` and ``L``) gets the sum of their duals.
    """
    values = [0.0] * milp.num_vars
    duals = [0.0] * len(milp.rows)
    column = {f"X{n:07d}": j for n, j in enumerate(order) if j != _DUMMY}
    row = {f"C{i:07d}": k for i, (_, _, k) in enumerate(_mps_rows(milp))}
    with path.open() as f:
        f.readline()  # the status line
        for line in f:
            if len(line) <= 2:
                break
            parts = line.split()
            if parts[0] == "**":  # marks a value that violates a bound or row
                parts = parts[1:]
            j = column.get(parts[1])
            if j is not None:
                values[j] = float(parts[2])
                continue
            k = row.get(parts[1])
            if k is not None:
                duals[k] += float(parts[3])
    return values, duals


#: What the first word of CBC's status line (the solution file's first line) means. ``None``
#: marks a stop at a limit ("Stopped on time", "Stopped on iterations", ...): ``FEASIBLE``
#: when the line goes on to give an objective value (CBC holds an integer solution),
#: ``NO_SOLUTION`` when it does not. "Integer infeasible" is CBC's word for infeasibility
#: proved by branch and bound. Anything else (such as "Unbounded") is an ``ERROR`` with
#: CBC's own words.
STATUS: dict[str, Status | None] = {
    "Optimal": Status.OPTIMAL,
    "Infeasible": Status.INFEASIBLE,
    "Integer": Status.INFEASIBLE,
    "Stopped": None,
}


def read_status(line: str) -> tuple[Status, bool, str]:
    """CBC's status line as (status, whether it holds a solution, the line itself).

    >>> read_status("Optimal - objective value 3.00000000")[:2]
    (<Status.OPTIMAL: 'optimal'>, True)
    >>> read_status("Stopped on time - objective value 7.0")[:2]
    (<Status.FEASIBLE: 'feasible'>, True)
    >>> read_status("Stopped on time (no integer solution - continuous used) - objective 1")[:2]
    (<Status.NO_SOLUTION: 'no_solution'>, False)
    >>> read_status("Integer infeasible - objective value 0")[:2]
    (<Status.INFEASIBLE: 'infeasible'>, False)
    >>> read_status("Unbounded - objective value 0")[:2]
    (<Status.ERROR: 'error'>, False)
    >>> read_status("Stopped on difficulties - objective value 2")[:2]
    (<Status.ERROR: 'error'>, False)
    """
    words = line.split()
    text = line.strip()
    if not words or words[0] not in STATUS or text.startswith("Stopped on difficulties"):
        # (numerical difficulties stop CBC too: a fault, not a limit)
        return Status.ERROR, False, text
    status = STATUS[words[0]]
    if status is None:
        found = len(words) >= 5 and words[4] == "objective"  # as PuLP's get_status reads it
        return (Status.FEASIBLE if found else Status.NO_SOLUTION), found, text
    return status, status is Status.OPTIMAL, text


def at_time_limit(
    status: Status, text: str, *, time_limit: float | None, seconds: float
) -> tuple[Status, str]:
    """What a run that may have reached its time limit proves, and a message saying why.

    ``time_limit`` is the limit CBC was given, ``seconds`` the wall time of the CBC process.
    CBC's clock starts after the process does, so a run that took less than its limit cannot
    have been stopped by it. A run that took as long or longer may have been, and then its
    claims of a proof are not believed: CBC 2.10 writes "Integer infeasible" when the limit
    interrupts its preprocessing ("Cut generators found to be infeasible!"; issue 12, found on
    a 20 000-case pool at --time-limit 1). Such a run is NO_SOLUTION, and an "Optimal" one
    FEASIBLE.

    >>> at_time_limit(Status.INFEASIBLE, "Integer infeasible", time_limit=5.0, seconds=1.0)
    (<Status.INFEASIBLE: 'infeasible'>, '')
    >>> status, why = at_time_limit(
    ...     Status.INFEASIBLE, "Integer infeasible - objective value 0", time_limit=0.5,
    ...     seconds=1.05)
    >>> status, why  # doctest: +NORMALIZE_WHITESPACE
    (<Status.NO_SOLUTION: 'no_solution'>,
     "CBC reached its time limit (0.5 s); its status line 'Integer infeasible - objective
     value 0' is not a proof, because CBC writes it too when the limit interrupts its
     preprocessing")
    >>> at_time_limit(Status.OPTIMAL, "Optimal - objective value 3", time_limit=1, seconds=2)
    (<Status.FEASIBLE: 'feasible'>, 'CBC reached its time limit (1 s)')
    """
    if time_limit is None or seconds < time_limit:
        return status, ""
    from ..i18n import _

    if status is Status.INFEASIBLE:
        return Status.NO_SOLUTION, _(
            "CBC reached its time limit ({seconds} s); its status line {line} is not a "
            "proof, because CBC writes it too when the limit interrupts its preprocessing"
        ).format(seconds=f"{time_limit:g}", line=repr(text))
    if status is Status.OPTIMAL:
        return Status.FEASIBLE, _("CBC reached its time limit ({seconds} s)").format(
            seconds=f"{time_limit:g}"
        )
    return status, ""


class CbcSession(MirrorSession):
    """A program kept in Python and solved by a fresh CBC run from an MPS file at every
    :meth:`solve` (CBC is a separate program; see :mod:`selectie.solve.session`).

    >>> m = Milp()
    >>> x, y = m.add_var("x", 0, 2), m.add_var("y", 0, 2)
    >>> with CbcBackend().open(m) as s:
    ...     s.set_objective([(x, 1.0), (y, 1.0)], "max")
    ...     first = s.solve()
    ...     cut = s.add_row([(x, 1.0), (y, 1.0)], None, 3.0)
    ...     second = s.solve()
    >>> first.status.value, round(first.objective), round(second.objective)
    ('optimal', 4, 3)
    """

    def __init__(
        self,
        backend: CbcBackend,
        milp: Milp,
        *,
        seed: int = 1,
        verbose: bool = False,
        options: Mapping[str, Option] | None = None,
    ) -> None:
        super().__init__(milp)
        self.solver_name = "cbc"
        self._backend = backend
        self._seed = seed
        self._verbose = verbose
        self._options = [f"{k} {v}" for k, v in (options or {}).items()]

    def _solve(self, time_limit: float | None, start: Sequence[float] | None) -> RawSolution:
        milp = self._milp
        line, values, duals, seconds = self._backend._run(  # noqa: SLF001 - its own backend
            milp, time_limit, self._seed, self._verbose, self._options
        )
        status, found, text = read_status(line)
        if status is Status.NO_SOLUTION and time_limit is None:
            status = Status.ERROR  # stopped, though no limit was set
        if status is Status.ERROR:
            return RawSolution(Status.ERROR, None, None, None, seconds, f"CBC ended with {text!r}")
        limit = None if time_limit is None else self._backend.effective_limit(time_limit)
        status, why = at_time_limit(status, text, time_limit=limit, seconds=seconds)
        if not found or not status.has_selection:
            return RawSolution(status, None, None, None, seconds, why)
        objective = 0.0
        for j, c in milp.objective.items():  # PuLP's value(): the terms in order
            objective += values[j] * c
        if any(milp.integer):
            return RawSolution(status, values, objective, None, seconds, why)
        lp_duals = duals if status is Status.OPTIMAL else None
        bound = objective if status is Status.OPTIMAL else None
        return RawSolution(status, values, objective, bound, seconds, why, duals=lp_duals)


class CbcBackend:
    """CBC (COIN-OR branch and cut), bundled with PuLP 3.x."""

    name = "cbc"
    install_hint = (
        "Install PuLP 3.x, which bundles CBC: pip install 'pulp>=3.3,<4' "
        "(PuLP 4 no longer bundles CBC)."
    )

    @staticmethod
    def effective_limit(time_limit: float) -> float:
        """The time limit CBC is given for ``time_limit`` seconds (at least 0.01)."""
        return max(0.01, float(time_limit))

    def _solver(self, time_limit: float | None, seed: int, verbose: bool) -> Any:
        import pulp

        options = [f"randomCbcSeed {max(1, int(seed))}", f"randomSeed {max(1, int(seed))}"]
        with _quiet_pulp():
            return pulp.PULP_CBC_CMD(
                msg=verbose,
                timeLimit=None if time_limit is None else self.effective_limit(time_limit),
                threads=1,
                options=options,
            )

    def is_installed(self) -> bool:
        try:
            import pulp
        except ImportError:
            return False
        try:
            with _quiet_pulp():
                return bool(pulp.PULP_CBC_CMD(msg=False).available())
        except Exception:  # noqa: BLE001 - any failure to start CBC means "not installed"
            return False

    def version(self) -> str:
        import pulp

        from ..i18n import _

        return _("CBC (bundled with PuLP {version})").format(version=pulp.__version__)

    def _run(
        self,
        milp: Milp,
        time_limit: float | None,
        seed: int,
        verbose: bool,
        extra: Sequence[str] = (),
    ) -> tuple[str, list[float], list[float], float]:
        """Run CBC on ``milp``: its status line, variable values, row duals, seconds."""
        solver = self._solver(time_limit, seed, verbose)
        if not solver.executable(solver.path):
            raise SolverError(f"CBC failed: Pulp: cannot execute {solver.path} cwd: {os.getcwd()}")
        with tempfile.TemporaryDirectory(prefix="selectie-cbc-") as tmp:
            mps, sol = Path(tmp, "model.mps"), Path(tmp, "model.sol")
            with mps.open("w") as f:
                order = _write_mps(milp, f.write)
            # The command line PULP_CBC_CMD builds (coin_api.COIN_CMD.solve_CBC).
            args = [solver.path, str(mps)]
            if milp.sense == "max":
                args.append("-max")
            if solver.timeLimit is not None:
                args += ["-sec", f"{solver.timeLimit}"]
            for option in [*solver.options, *extra, *solver.getOptions()]:
                args += ("-" + option).split()
            args += ["-solve", "-printingOptions", "all", "-solution", str(sol)]
            start = time.perf_counter()
            out = None if verbose else subprocess.DEVNULL
            try:
                code = subprocess.call(args, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
            except OSError as exc:
                raise SolverError(f"CBC failed: {exc}") from None
            seconds = time.perf_counter() - start
            if code != 0:
                raise SolverError(
                    "CBC failed: Pulp: Error while trying to execute, use msg=True for more "
                    f"details{solver.path}"
                )
            if not sol.exists():
                raise SolverError(f"CBC failed: Pulp: Error while executing {solver.path}")
            with sol.open() as f:
                line = f.readline()
            values, duals = _read_solution(sol, order, milp)
        return line, values, duals, seconds

    def open(
        self,
        milp: Milp,
        *,
        seed: int = 1,
        verbose: bool = False,
        options: Mapping[str, Option] | None = None,
    ) -> CbcSession:
        """A session over a copy of ``milp``; ``options`` are CBC command-line options
        (``{"cuts": "off"}`` runs ``-cuts off``).
        """
        return CbcSession(self, milp, seed=seed, verbose=verbose, options=options)

    def solve(
        self, milp: Milp, *, time_limit: float | None, seed: int, verbose: bool
    ) -> RawSolution:
        with self.open(milp, seed=seed, verbose=verbose) as session:
            return session.solve(time_limit=time_limit)

    def solve_lp(self, milp: Milp, *, seed: int, verbose: bool) -> LpSolution | None:
        """The LP relaxation of ``milp`` with its row duals, or None if it has no optimum."""
        with self.open(milp.relaxation(), seed=seed, verbose=verbose) as session:
            raw = session.solve()
        if raw.status != Status.OPTIMAL or raw.values is None or raw.duals is None:
            return None
        return LpSolution(raw.values, raw.duals, float(raw.objective or 0.0), raw.seconds)


@contextlib.contextmanager
def _quiet_pulp() -> Iterator[None]:
    """Silence PuLP 3.3's notice that the bundled CBC goes away in PuLP 4: selectie pins
    ``pulp<4`` precisely to keep it, so the notice says nothing a user can act on.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="PULP_CBC_CMD is deprecated", category=DeprecationWarning
        )
        yield
