"""Reference problems with known optimal selections, solved by every installed backend.

Every problem uses the same six-case pool (tiny codebook of tests/conftest.py); each expected
selection is derived by hand in the comment above it. Positions are 0-based, so c1 is at 0.

    case  colour  size   tags    weight
    c1    red     small  a       5
    c2    red     large  b       1
    c3    green   small  a|b     2
    c4    green   large  c       4
    c5    blue    small  -       3
    c6    blue    large  a|c     1

Where several selections are equally good the engine prefers earlier cases: it minimises the
sum of the selected positions (every case here has its own profile), see docs/method.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from selectie.engine import audit, select
from selectie.pool import Pool
from selectie.scenario import (
    Bridges,
    Combination,
    Coverage,
    GroupLimit,
    Objective,
    Quota,
    Scenario,
)
from selectie.solve.backend import Status

ROWS = [
    ("c1", "red", "small", "a"),
    ("c2", "red", "large", "b"),
    ("c3", "green", "small", "a|b"),
    ("c4", "green", "large", "c"),
    ("c5", "blue", "small", ""),
    ("c6", "blue", "large", "a|c"),
]
WEIGHTS = {"c1": 5.0, "c2": 1.0, "c3": 2.0, "c4": 4.0, "c5": 3.0, "c6": 1.0}
BY_WEIGHT = Objective(kind="max_weight", weights=WEIGHTS)


@dataclass(frozen=True)
class Reference:
    name: str
    scenario: Scenario
    status: Status
    ids: tuple[str, ...] = ()
    parts: dict[str, float] = field(default_factory=dict)


REFERENCES = [
    # One case per colour, at most one small case, most weight. The eight one-per-colour
    # choices with at most one small case are (c1,c4,c6)=5+4+1=10, (c2,c3,c6)=4, (c2,c4,c5)=8,
    # (c2,c4,c6)=6; the best (red c1, green c4, blue c5 = 12) has two small cases.
    Reference(
        "one per colour, weight",
        Scenario(
            size=3,
            quotas=(
                Quota(attribute="colour", min=1, max=1),
                Quota(attribute="size", values=("small",), max=1),
            ),
            objective=BY_WEIGHT,
        ),
        Status.OPTIMAL,
        ("c1", "c4", "c6"),
        {"weight": 10.0},
    ),
    # Two cases covering tags a, b and c without c3: b is held by c2 and c3 only, so c2; it
    # lacks a and c, which only c6 holds together. The only valid pair is (c2, c6).
    Reference(
        "coverage with an exclusion",
        Scenario(
            size=2,
            exclude=("c3",),
            coverage=(Coverage(attributes=("tags",)),),
        ),
        Status.OPTIMAL,
        ("c2", "c6"),
    ),
    # Any pair with a blue case (c5 or c6) is valid; the earliest is c1 with c5 (0+4=4).
    Reference(
        "feasibility, earliest cases",
        Scenario(size=2, quotas=(Quota(attribute="colour", values=("blue",), min=1),)),
        Status.OPTIMAL,
        ("c1", "c5"),
    ),
    # Spread three cases over the tags. Availability: a 3 (c1,c3,c6), b 2 (c2,c3), c 2
    # (c4,c6). Depth 2 needs both b holders and both c holders: four cases, so depth is 1.
    # At depth 1 the total of (case, tag) pairs is largest with c3 and c6 (two tags each,
    # covering a, b, c) plus one single-tag case: total 5; the earliest is c1.
    Reference(
        "max_overlap over tags",
        Scenario(size=3, objective=Objective(kind="max_overlap", attributes=("tags",))),
        Status.OPTIMAL,
        ("c1", "c3", "c6"),
        {"depth": 1.0, "total": 5.0},
    ),
    # Target: two red and one small among three. Both reds (c1 small, c2 large) give red 2 and
    # small 1; the third must be neither red nor small: c4 or c6, the earlier is c4. Deviation 0.
    Reference(
        "match a target exactly",
        Scenario(
            size=3,
            objective=Objective(
                kind="match_target", target={"colour": {"red": 2}, "size": {"small": 1}}
            ),
        ),
        Status.OPTIMAL,
        ("c1", "c2", "c4"),
        {"deviation": 0.0},
    ),
    # Target red 3 cannot be met (two reds): the best has both reds, deviation 1, and the
    # earliest third case, c3.
    Reference(
        "match a target that cannot be met",
        Scenario(size=3, objective=Objective(kind="match_target", target={"colour": {"red": 3}})),
        Status.OPTIMAL,
        ("c1", "c2", "c3"),
        {"deviation": 1.0},
    ),
    # Two large green-or-blue cases are needed: c4 and c6 are the only ones. No red small case
    # (not c1). At most two cases per tag: c4 (c) and c6 (a, c) already hold c twice, so the
    # third has no c: c2 (b), c3 (a, b) or c5 (none); most weight is c5 (3): 4+1+3 = 8.
    Reference(
        "combinations and a group limit",
        Scenario(
            size=3,
            combinations=(
                Combination(where={"colour": ("green", "blue"), "size": "large"}, min=2),
                Combination(where={"colour": "red", "size": "small"}, max=0),
            ),
            group_limits=(GroupLimit(by=("tags",), max=2),),
            objective=BY_WEIGHT,
        ),
        Status.OPTIMAL,
        ("c4", "c5", "c6"),
        {"weight": 8.0},
    ),
    # As above but at most one case per tag: c4 and c6 must both be chosen and both hold c.
    Reference(
        "a group limit the forced cases break",
        Scenario(
            size=3,
            combinations=(
                Combination(where={"colour": ("green", "blue"), "size": "large"}, min=2),
            ),
            group_limits=(GroupLimit(by=("tags",), max=1),),
        ),
        Status.INFEASIBLE,
    ),
    # One case with at least two bridges (an unselected case sharing a tag, of another
    # colour): c1 has c3, c6; c2 only c3; c3 has c1, c2, c6; c4 only c6; c5 none; c6 has c1,
    # c3, c4. Without c1, the heavier of c3 (2) and c6 (1) is c3.
    Reference(
        "bridges",
        Scenario(
            size=1,
            exclude=("c1",),
            bridges=(Bridges(min=2, via="tags", across="colour"),),
            objective=BY_WEIGHT,
        ),
        Status.OPTIMAL,
        ("c3",),
        {"weight": 2.0},
    ),
    # Multi-valued quota: no case with tag b, at least two with tag c: c4 and c6 (neither
    # holds b).
    Reference(
        "multi-valued quotas",
        Scenario(
            size=2,
            quotas=(
                Quota(attribute="tags", values=("b",), max=0),
                Quota(attribute="tags", values=("c",), min=2),
            ),
        ),
        Status.OPTIMAL,
        ("c4", "c6"),
    ),
    # Included c2 and c5, one per size at most two: c2 large, c5 small; the heaviest third
    # case that keeps each size at two or fewer is c1 (5, small).
    Reference(
        "includes and weight",
        Scenario(
            size=3,
            include=("c2", "C5 "),
            quotas=(Quota(attribute="size", max=2),),
            objective=BY_WEIGHT,
        ),
        Status.OPTIMAL,
        ("c1", "c2", "c5"),
        {"weight": 9.0},
    ),
    # The whole pool: only one selection exists, and the overlap depth is the smallest
    # availability that is reached by every tag at full selection (a 3, b 2, c 2 → all held
    # by as many as the pool has, so depth is the size cap min(6, 3) = 3); total 1+1+2+1+0+2.
    Reference(
        "the whole pool",
        Scenario(size=6, objective=Objective(kind="max_overlap", attributes=("tags",))),
        Status.OPTIMAL,
        ("c1", "c2", "c3", "c4", "c5", "c6"),
        {"depth": 3.0, "total": 7.0},
    ),
    # Three blue cases are required but the pool has two.
    Reference(
        "more required than available",
        Scenario(size=3, quotas=(Quota(attribute="colour", values=("blue",), min=3),)),
        Status.INFEASIBLE,
    ),
]


@pytest.fixture
def six(make_pool: Callable[..., Pool]) -> Pool:
    return make_pool(ROWS)


@pytest.mark.parametrize("ref", REFERENCES, ids=[r.name for r in REFERENCES])
def test_reference_problem(ref: Reference, six: Pool, solver: str) -> None:
    """The backend finds the hand-derived selection, with the hand-derived objective."""
    sel = select(six, ref.scenario, solver=solver)
    assert sel.status is ref.status, sel.message
    assert sel.ids == ref.ids
    if ref.status is Status.OPTIMAL:
        assert sel.objective is not None
        for part, value in ref.parts.items():
            assert sel.objective.parts[part] == pytest.approx(value)
    else:
        assert sel.objective is None


@pytest.mark.parametrize(
    "ref", [r for r in REFERENCES if r.ids], ids=[r.name for r in REFERENCES if r.ids]
)
def test_reference_selection_passes_the_audit(ref: Reference, six: Pool) -> None:
    """The hand-derived selection satisfies its scenario by the library's own audit."""
    assert audit(six, ref.scenario, ref.ids).ok


def test_report_selection_is_valid_for_bijlage4(wodc_pool: Pool) -> None:
    """The 13 projects of the report (R01-R13) satisfy the Bijlage 4 scenario."""
    from selectie.scenario import load_scenario

    report = [f"R{i:02d}" for i in range(1, 14)]
    assert audit(wodc_pool, load_scenario(), report).ok
