"""Drop-out repair: :func:`replace`."""

from __future__ import annotations

import time
from collections.abc import Iterable

from ..constraints import compile_scenario
from ..diagnose import Progress
from ..errors import Problem, ScenarioError
from ..formulation import Stage
from ..i18n import _
from ..pool import Pool
from ..result import Audit, Selection, SolverInfo
from ..scenario import Scenario
from ..solve.backend import Status, get_backend
from ..solve.default import DEFAULT
from .program import Program
from .replacement_result import Replacement


def replace(
    pool: Pool,
    scenario: Scenario,
    selection: Iterable[str],
    drop: Iterable[str],
    *,
    solver: str = DEFAULT,
    seed: int = 1,
    progress: Progress | None = None,
) -> Replacement:
    """The best selection after the cases ``drop`` leave ``selection``, keeping as many of
    the others as possible.

    First the number of kept cases is maximised, then the scenario's objective; of the
    repairs equally good on both, the one whose cases have the smallest sum of pool
    positions is returned (so a one-for-one repair takes the earliest suitable case in the
    pool; docs/method.md, ``selectie replace --help``). The dropped cases are excluded (and
    no longer included, if the scenario included them). Unknown ids, or dropped ids not in
    the selection, raise :class:`~selectie.errors.ScenarioError`.

    >>> from selectie import load_pool, load_scenario
    >>> pool = load_pool()
    >>> report13 = [i for i in pool.ids if i.startswith("R")]
    >>> r = replace(pool, load_scenario(), report13, drop=["R05"])
    >>> r.ok, len(r.kept), len(r.added)
    (True, 12, 1)
    """
    start = time.perf_counter()
    positions, dropped = _read_ids(pool, list(selection), list(drop))
    drop_ids = [pool.ids[i] for i in dropped]
    effective = scenario.model_copy(
        update={"include": tuple(i for i in scenario.include if _pos(pool, i) not in dropped)}
    ).with_exclude(*drop_ids)
    compiled = compile_scenario(pool, effective)
    backend = get_backend(solver)
    prog = Program(compiled, backend, seed, progress)
    remaining = [i for i in positions if i not in dropped]
    keep = Stage("kept", prog.case.cases(remaining), "max", True)
    values = prog.solve("keep as many cases as possible", keep.terms, "max")
    info = SolverInfo(backend.name, backend.version(), 0.0, None, seed)
    if values is None:
        from ..quick_checks import quick_checks

        prog.close()
        sel = Selection(
            Status.INFEASIBLE,
            pool,
            effective,
            (),
            None,
            info,
            _("no selection without {cases} satisfies every constraint").format(
                cases=", ".join(drop_ids)
            ),
            compiled,
            tuple(quick_checks(compiled)),
        )
        return Replacement(Status.INFEASIBLE, sel, tuple(drop_ids))
    kept_count = round(sum(values[prog.x[i]] for i in remaining))
    prog.add(keep.lock(float(kept_count)), "keep")
    new = prog.best()
    prog.close()
    assert new is not None  # the kept count was just reached
    chosen = set(new)
    audit = Audit(tuple(compiled.check(new)), compiled.objective.evaluate(new))
    info = SolverInfo(
        backend.name,
        backend.version(),
        time.perf_counter() - start,
        None,
        seed,
        variables=prog.milp.num_vars,
        rows=len(prog.milp.rows),
    )
    sel = Selection(Status.OPTIMAL, pool, effective, new, audit, info, "", compiled)
    return Replacement(
        Status.OPTIMAL,
        sel,
        tuple(drop_ids),
        tuple(pool.ids[i] for i in remaining if i in chosen),
        tuple(pool.ids[i] for i in remaining if i not in chosen),
        tuple(pool.ids[i] for i in new if i not in set(positions)),
    )


def _pos(pool: Pool, case_id: str) -> int:
    return pool.position(case_id) if pool.contains(case_id) else -1


def _read_ids(pool: Pool, selection: list[str], drop: list[str]) -> tuple[list[int], set[int]]:
    problems: list[Problem] = []
    positions: list[int] = []
    for k, case_id in enumerate(selection):
        if not pool.contains(case_id):
            problems.append(Problem(message=f"selection[{k}]: {pool.unknown_id_message(case_id)}"))
            continue
        pos = pool.position(case_id)
        if pos in positions:
            problems.append(
                Problem(message=_("selection[{k}]: {id!r} is listed twice").format(k=k, id=case_id))
            )
            continue
        positions.append(pos)
    dropped: set[int] = set()
    for k, case_id in enumerate(drop):
        if not pool.contains(case_id):
            problems.append(Problem(message=f"drop[{k}]: {pool.unknown_id_message(case_id)}"))
            continue
        pos = pool.position(case_id)
        if pos not in positions:
            problems.append(
                Problem(
                    message=_("drop[{k}]: {id!r} is not in the selection to repair").format(
                        k=k, id=case_id
                    )
                )
            )
            continue
        dropped.add(pos)
    if not drop:
        problems.append(Problem(message=_("no case to drop was given")))
    if problems:
        raise ScenarioError(
            _("the selection to repair is not valid"),
            problems,
            hint=_("Give the ids of the current selection, and which of them dropped out."),
        )
    return sorted(positions), dropped
