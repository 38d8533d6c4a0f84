"""The public function: :func:`fair_lottery`."""

from __future__ import annotations

from collections.abc import Callable

from ..constraints import compile_scenario
from ..errors import InputError
from ..formulation import Clock
from ..i18n import _
from ..pool import Pool
from ..scenario import Scenario
from ..solve.default import DEFAULT
from .result import Lottery, LotteryMethod
from .run import _Run

# --------------------------------------------------------------------------------------------
# The public function
# --------------------------------------------------------------------------------------------


def fair_lottery(
    pool: Pool,
    scenario: Scenario,
    *,
    method: LotteryMethod | str = LotteryMethod.LEXIMIN,
    k: int | None = None,
    solver: str = DEFAULT,
    seed: int = 1,
    time_limit: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> Lottery:
    """A fair lottery over the selections that satisfy every constraint of ``scenario``.

    ``method`` is ``"leximin"`` (default: maximin, then the second smallest probability, and
    so on), ``"maximin"`` (the smallest probability as large as possible), ``"nash"`` (the
    product of the probabilities as large as possible: Nash welfare) or ``"uniform_best"``
    (the ``k`` best distinct selections by the scenario's objective, each with probability
    ``1/k``; two selections are distinct when they take different numbers of cases from some
    profile). Maximin, leximin and nash ignore the objective. ``solver`` (``"highs"`` or
    ``"cbc"``) solves the selection integer programs; the master linear program is always
    solved with HiGHS.
    ``time_limit`` (seconds) bounds the whole run: when it is reached, the lottery found so far
    is returned with status FEASIBLE. ``progress`` is called with one line of text per step.

    Infeasible scenarios give status INFEASIBLE with the reasons quick checks find; bad names
    in the scenario raise :class:`~selectie.errors.ScenarioError`.

    Two women (``p0``, ``p1``) and four men; a panel of two takes one of each, so the
    fairest lottery gives each woman 1/2 and each man 1/4:

    >>> from selectie import Pool, Quota, Scenario
    >>> from selectie.codebook import codebook_from_dict
    >>> cb = codebook_from_dict({"codebook": {"name": "demo"},
    ...     "attributes": [{"name": "sex", "values": ["f", "m"], "required": True}]})
    >>> pool = Pool.from_records([{"id": f"p{i}", "sex": "fm"[i >= 2]} for i in range(6)], cb)
    >>> one_each = Scenario(size=2, quotas=[Quota(attribute="sex", min=1, max=1)])
    >>> {i: round(p, 6) for i, p in fair_lottery(pool, one_each).probabilities.items()}
    {'p0': 0.5, 'p1': 0.5, 'p2': 0.25, 'p3': 0.25, 'p4': 0.25, 'p5': 0.25}
    >>> too_many = Scenario(size=2, quotas=[Quota(attribute="sex", values=["f"], min=3)])
    >>> fair_lottery(pool, too_many).status.value
    'infeasible'
    """
    try:
        how = LotteryMethod(str(method).strip().lower())
    except ValueError:
        raise InputError(
            _("unknown lottery method {method}; choose one of: {choices}").format(
                method=repr(method), choices=", ".join(m.value for m in LotteryMethod)
            )
        ) from None
    if how == LotteryMethod.UNIFORM_BEST:
        if k is None or isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InputError(
                _("method 'uniform_best' needs k, a whole number >= 1 (got {k})").format(k=repr(k))
            )
    elif k is not None:
        raise InputError(
            _("k is only used by method 'uniform_best', not {method}").format(
                method=repr(how.value)
            )
        )
    if time_limit is not None and not (time_limit > 0):
        raise InputError(
            _("time_limit must be a positive number of seconds (got {time_limit})").format(
                time_limit=repr(time_limit)
            )
        )
    from ..solve.backend import get_backend

    backend = get_backend(solver)
    compiled = compile_scenario(pool, scenario)
    run = _Run(
        compiled=compiled,
        method=how,
        solver=backend.name,
        seed=seed,
        clock=Clock(time_limit),
        progress=progress,
    )
    return run.execute(k)
