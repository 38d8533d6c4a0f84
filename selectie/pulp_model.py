"""The integer program of a scenario as a readable PuLP problem, for notebook users.

:func:`pulp_program` turns a scenario on a pool into a :class:`PulpProgram`: a PuLP problem
with one binary variable per case, named by the case's id, and one row per constraint of the
compiled scenario (:mod:`selectie.constraints`), named as the scenario names it
(``size``, ``regio=Limburg`` becomes ``regio_Limburg``). The objective comes as stages, solved
one after another, each keeping the optima of the stages before it:

- ``max_overlap``: maximise the depth (``depth_1 + ... + depth_D``, where ``depth_k`` says
  "every value is held by at least min(k, available) selected cases"), then the total number
  of (case, value) pairs;
- ``match_target``: minimise the total deviation from the target counts;
- ``max_weight``: maximise the total weight;
- every kind ends with ``pool_order``: minimise the sum of the selected cases' pool positions
  (1 for the first case), so that among equally good selections the earliest cases win.

The rows and stages are those of the one builder (:mod:`selectie.formulation`:
:class:`~selectie.formulation.SelectionModel` with every case its own profile, and
:func:`~selectie.formulation.objective_stages`), renamed; nothing of the program is written a
second time here. :func:`selectie.select` solves the same constraints and stages over
*profiles* (interchangeable cases grouped) and breaks ties by the pool order of profiles. Both
find selections equally good at every objective stage; when several selections tie at every
stage, the two may choose different ones.

The problem is PuLP's own, to print, write (``program.problem.writeLP("s.lp")``,
``writeMPS``) or change. :meth:`PulpProgram.solve` runs the stages with any solver PuLP knows,
reads the status by the rules of :mod:`selectie.solve.pulp_backend` and re-checks the answer
against every constraint in plain Python. It works on a copy of ``program.problem``: changes made
to the problem (an added row, a fixed variable) count, and the problem itself is left as it was
(PuLP still writes the solution's values into the variables).

>>> from selectie import Scenario, Quota, load_pool
>>> scenario = Scenario(size=2, quotas=[Quota(attribute="regio", values=["Limburg"], min=1)])
>>> program = pulp_program(load_pool(), scenario)
>>> [c.name for c in program.problem.constraints()]
['size', 'regio_Limburg']
>>> [stage.name for stage in program.stages]
['pool_order']
>>> program.solve().ids
('R01', 'R02')
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .constraints import CompiledScenario, Constraint, ValueCell, compile_scenario
from .formulation import SelectionModel, failure, objective_mismatch, objective_stages, recheck
from .formulation import Stage as BuilderStage
from .result import Selection, SolverInfo, Stage
from .solve.backend import Status

if TYPE_CHECKING:
    from .pool import Pool
    from .scenario import Scenario

__all__ = ["ObjectiveStage", "PulpProgram", "pulp_program"]


@dataclass(frozen=True, eq=False)
class ObjectiveStage:
    """One stage of the objective: its name, direction and PuLP expression.

    ``part`` names the part of the objective's value (``depth``, ``total``, ``deviation``,
    ``weight``) this stage optimises, or is empty for the tie-break.
    """

    name: str
    sense: Literal["max", "min"]
    expression: Any
    part: str = ""
    integral: bool = True


@dataclass(eq=False)
class PulpProgram:
    """A scenario's integer program as a PuLP problem (see :func:`pulp_program`).

    ``problem`` holds every constraint and the first stage's objective; ``variables`` maps
    each case id to its binary; ``rows`` maps each row name to the scenario's constraint;
    ``stages`` are the objective's stages in the order they are solved.
    """

    compiled: CompiledScenario
    problem: Any
    variables: Mapping[str, Any]
    rows: Mapping[str, Constraint]
    stages: tuple[ObjectiveStage, ...]

    def __str__(self) -> str:
        return str(self.problem)

    def write_lp(self, path: str | Path) -> None:
        """Write the problem (first stage's objective) as an LP file."""
        self.problem.writeLP(str(path))

    def write_mps(self, path: str | Path) -> None:
        """Write the problem (first stage's objective) as an MPS file."""
        self.problem.writeMPS(str(path))

    def stage_problem(self, stage: int, optima: Iterable[float] = ()) -> Any:
        """A copy of the problem with stage ``stage``'s objective, the stages before it held at
        ``optima`` (one value per earlier stage). The program's own problem is not changed.

        >>> from selectie import Scenario, load_pool
        >>> program = pulp_program(load_pool(), Scenario(size=2, objective={"kind": "max_overlap"}))
        >>> [s.name for s in program.stages]
        ['depth', 'total', 'pool_order']
        >>> [c.name for c in program.stage_problem(2, [1, 9]).constraints()][-2:]
        ['keep_depth', 'keep_total']
        """
        problem = _copy(self.problem)
        _hold(problem, self.stages[:stage], optima)
        target = self.stages[stage]
        problem.sense = _sense(target.sense)
        problem.setObjective(target.expression)
        return problem

    def solve(self, solver: Any = "PULP_CBC_CMD", *, time_limit: float | None = None) -> Selection:
        """Solve the stages in turn with ``solver`` (a PuLP name or a PuLP solver object) and
        return the re-checked :class:`~selectie.result.Selection`.

        ``time_limit`` (seconds, for the whole run) applies when ``solver`` is a name.

        >>> from selectie import load_pool, load_scenario
        >>> sel = pulp_program(load_pool(), load_scenario()).solve("GLPK_CMD")
        >>> sel.status.value, len(sel.ids), sel.audit.ok
        ('optimal', 13, True)
        """
        return _solve(self, solver, time_limit)


def pulp_program(pool: Pool, scenario: Scenario) -> PulpProgram:
    """The integer program of ``scenario`` on ``pool`` as a PuLP problem.

    Bad names in the scenario raise :class:`~selectie.errors.ScenarioError` as for
    :func:`selectie.select`.

    >>> from selectie import load_pool, load_scenario
    >>> program = pulp_program(load_pool(), load_scenario())
    >>> program.variables["R01"].name, program.variables["R01"].cat
    ('R01', 'Integer')
    >>> row = program.problem.constraints()[1]
    >>> row.name
    'regio_Amsterdam_Amstelland'
    >>> print(row)
    A02 + R10 + S001 + S002 + S003 + S004 + S005 + S006 + S007 + S008 >= 1.0
    >>> program.rows[row.name].origin, program.rows[row.name].name
    ('quotas[0]', 'regio=Amsterdam-Amstelland')
    """
    return _build(compile_scenario(pool, scenario))


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


class _Names:
    """Names PuLP and the LP/MPS formats accept, unique, derived from the scenario's own."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, text: str, prefix: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        name = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", ascii_text)).strip("_")[:200]
        if not name or not name[0].isalpha():
            name = f"{prefix}_{name}" if name else prefix
        unique, k = name, 1
        while unique.lower() in self.used:  # some solvers read names case-insensitively
            k += 1
            unique = f"{name}_{k}"
        self.used.add(unique.lower())
        return unique


def _sense(sense: Literal["max", "min"]) -> int:
    import pulp

    return int(pulp.LpMaximize if sense == "max" else pulp.LpMinimize)


def _var_text(raw: str, j: int, ids: Sequence[str], cells: Sequence[ValueCell]) -> str:
    """A readable name for variable ``j`` of the builder's program (named ``raw`` there)."""
    if j < len(ids):  # one variable per case, in pool order
        return ids[j]
    if m := re.fullmatch(r"depth>=(\d+)", raw):
        return f"depth_{m[1]}"
    if m := re.fullmatch(r"d(\d+)", raw):
        return f"deviation_{cells[int(m[1])].label}"
    return raw


def _row_text(raw: str, compiled: CompiledScenario) -> tuple[str, Constraint | None]:
    """A readable name for a row of the builder's program, and the constraint it states."""
    cells = compiled.objective.cells
    if m := re.fullmatch(r"c(\d+)", raw):
        constraint = compiled.constraints[int(m[1])]
        return constraint.name, constraint
    if m := re.fullmatch(r"depth(\d+)", raw):
        return f"depth_of_{cells[int(m[1])].label}", None
    if m := re.fullmatch(r"dev(\d+)([+-])", raw):
        return f"{cells[int(m[1])].label}_{'over' if m[2] == '+' else 'under'}", None
    return raw, None


def _copy(problem: Any) -> Any:
    """A copy of a PuLP problem whose rows keep their names (PuLP's deepcopy drops them); the
    variables are shared, as in PuLP's own copies.
    """
    import pulp

    copy = pulp.LpProblem(problem.name, problem.sense)
    if problem.objective is not None:
        copy.setObjective(problem.objective.copy())
    for row in problem.constraints():
        twin = row.copy()
        twin.name = row.name
        copy.addConstraint(twin)
    return copy


def _expression(xs: Sequence[Any], terms: Iterable[tuple[int, float]]) -> Any:
    """The PuLP expression of ``terms`` (a variable named twice counts twice); whole
    coefficients are written as whole numbers.
    """
    import pulp

    merged: dict[int, float] = {}
    for j, c in terms:
        merged[j] = merged.get(j, 0.0) + c
    return pulp.LpAffineExpression(
        [(xs[j], int(c) if float(c).is_integer() else c) for j, c in merged.items()]
    )


def _build(compiled: CompiledScenario) -> PulpProgram:
    """The PuLP problem of the builder's program (:mod:`selectie.formulation`) with one
    variable per case: the same rows and stages as every other question, renamed.
    """
    import pulp

    model = SelectionModel(compiled, per_case=True)
    milp = model.base.extended()
    built = [
        *objective_stages(model, milp),
        BuilderStage("pool_order", model.rank_terms(), "min", True),
    ]
    pool = compiled.pool
    var_names, row_names = _Names(), _Names()
    problem = pulp.LpProblem("selectie", pulp.LpMinimize)
    xs = []
    for j, raw in enumerate(milp.var_names):
        lb, ub = milp.lb[j], milp.ub[j]
        if not milp.integer[j]:
            cat = pulp.LpContinuous
        else:
            cat = pulp.LpBinary if (lb, ub) == (0, 1) else pulp.LpInteger
        text = _var_text(raw, j, pool.ids, compiled.objective.cells)
        name = var_names(text, "case" if j < len(pool) else "x")
        xs.append(problem.add_variable(name, lb, ub, cat))
    rows: dict[str, Constraint] = {}
    for row in milp.rows:
        text, constraint = _row_text(row.name, compiled)
        expr = _expression(xs, zip(row.index, row.coef, strict=True))
        bounds: list[tuple[str, int, float]] = []
        if row.lo is not None and row.lo == row.hi:
            bounds.append((text, pulp.LpConstraintEQ, row.lo))
        else:
            both = row.lo is not None and row.hi is not None
            if row.lo is not None:
                bounds.append((text + ("_min" if both else ""), pulp.LpConstraintGE, row.lo))
            if row.hi is not None:
                bounds.append((text + ("_max" if both else ""), pulp.LpConstraintLE, row.hi))
        for label, sense, rhs in bounds:
            name = row_names(label, "row")
            problem.addConstraint(pulp.LpConstraint(expr, sense, name, rhs))
            if constraint is not None:
                rows[name] = constraint
    stages = tuple(
        ObjectiveStage(
            stage.name,
            stage.sense,
            _expression(xs, stage.terms),
            "" if stage.name == "pool_order" else stage.name,
            stage.integral,
        )
        for stage in built
    )
    problem.sense = _sense(stages[0].sense)
    problem.setObjective(stages[0].expression)
    return PulpProgram(compiled, problem, dict(zip(pool.ids, xs, strict=False)), rows, stages)


def _hold(problem: Any, stages: Iterable[ObjectiveStage], optima: Iterable[float]) -> None:
    """Add a row per stage keeping it at its optimum (``keep_<stage>``)."""
    for stage, value in zip(stages, optima, strict=False):
        name = f"keep_{stage.name}"
        bound = float(round(value)) if stage.integral else value
        slack = 0.0 if stage.integral else 1e-7 * max(1.0, abs(value))
        if stage.sense == "max":
            problem += stage.expression >= bound - slack, name
        else:
            problem += stage.expression <= bound + slack, name


# --------------------------------------------------------------------------------------------
# Solving
# --------------------------------------------------------------------------------------------


def _solve(program: PulpProgram, solver: Any, time_limit: float | None) -> Selection:
    import pulp

    from .i18n import _
    from .solve.cbc import _quiet_pulp
    from .solve.pulp_backend import private_files, pulp_solver, read_status

    compiled = program.compiled
    start = time.perf_counter()
    problem = _copy(program.problem)  # the user's changes count; their problem stays as is
    optima: list[float] = []
    stages: list[Stage] = []
    status, message = Status.OPTIMAL, ""
    values: dict[str, float] | None = None
    name = solver if isinstance(solver, str) else str(solver.name)
    for k, stage in enumerate(program.stages):
        left = None if time_limit is None else time_limit - (time.perf_counter() - start)
        if left is not None and left <= 0:
            status, message = Status.FEASIBLE, _("the time limit was reached between stages")
            break
        engine = pulp_solver(solver, time_limit=left) if isinstance(solver, str) else solver
        problem.sense = _sense(stage.sense)
        problem.setObjective(stage.expression)
        t0 = time.perf_counter()
        try:
            with _quiet_pulp(), private_files(engine):
                problem.solve(engine)
        except pulp.PulpSolverError as exc:
            status = Status.ERROR
            message = _("{solver} failed: {error}").format(solver=name, error=exc)
            values = None
            break
        got, why = read_status(problem, engine, time_limit=left)
        value = pulp.value(stage.expression)
        stages.append(
            Stage(
                stage.name, got, None if value is None else float(value), time.perf_counter() - t0
            )
        )
        if not got.has_selection:
            if values is None:  # the first stage decides whether there is any selection
                status, message = got, why
            else:
                status = Status.FEASIBLE
                message = why or _("stage {stage} did not finish").format(stage=repr(stage.name))
            break
        values = {case_id: float(v.varValue or 0.0) for case_id, v in program.variables.items()}
        optima.append(float(value or 0.0))
        if got == Status.FEASIBLE:
            status, message = Status.FEASIBLE, why or _("the time limit was reached")
            break
        if k + 1 < len(program.stages):
            _hold(problem, [stage], optima[-1:])
    info = SolverInfo(
        name=f"pulp:{name}",
        version=f"{name} via PuLP {pulp.__version__}",
        seconds=time.perf_counter() - start,
        time_limit=time_limit,
        seed=0,
        stages=tuple(stages),
        variables=len(problem.variables()),
        rows=len(problem.constraints()),
    )
    pool, scenario = compiled.pool, compiled.scenario
    if values is None:
        reasons: tuple[str, ...] = ()
        if status == Status.INFEASIBLE:
            from .diagnose import quick_checks

            reasons = tuple(quick_checks(compiled))
            message = message or _("no selection satisfies every constraint")
        return Selection(status, pool, scenario, (), None, info, message, compiled, reasons)
    positions = sorted(pool.position(i) for i, v in values.items() if v > 0.5)
    audit = recheck(compiled, positions)  # the one re-check (selectie.formulation.recheck)
    expected = {
        stage.part: value
        for stage, value in zip(program.stages, optima, strict=False)
        if stage.part
    }
    why = failure(compiled, positions, f"pulp:{name}") or objective_mismatch(audit, expected)
    if why:
        return Selection(Status.ERROR, pool, scenario, (), audit, info, why, compiled)
    return Selection(status, pool, scenario, tuple(positions), audit, info, message, compiled)
