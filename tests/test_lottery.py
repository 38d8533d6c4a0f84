"""Fair lotteries: published minimum probabilities, an exhaustive oracle, invariants, the draw."""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from selectie import (
    Combination,
    GroupLimit,
    InputError,
    Objective,
    Pool,
    Quota,
    Scenario,
    Status,
)
from selectie.codebook import codebook_from_dict
from selectie.lottery import DRAW_PROCEDURE, Lottery, LotteryMethod, fair_lottery
from selectie.sortition import read_sortition

DATA = Path(__file__).parent / "data" / "sortition"

CODEBOOK = codebook_from_dict(
    {
        "codebook": {"name": "lottery-test", "extra_columns": ["home", "w"]},
        "attributes": [
            {"name": "a", "values": ["x", "y", "z"], "required": True},
            {"name": "b", "values": ["u", "v"], "required": True},
        ],
    }
)


# --------------------------------------------------------------------------------------------
# Independent helpers: a plain checker and an exhaustive leximin oracle (person level)
# --------------------------------------------------------------------------------------------


def make_pool(rows: Sequence[tuple[str, str, str]], homes: Sequence[str] | None = None) -> Pool:
    """A pool of cases (id, a, b), optionally with a household column."""
    records = []
    for n, (case_id, a, b) in enumerate(rows):
        rec = {"id": case_id, "a": a, "b": b}
        if homes is not None:
            rec["home"] = homes[n]
        records.append(rec)
    return Pool.from_records(records, CODEBOOK)


def satisfies(
    rows: Sequence[tuple[str, str, str]],
    quotas: Sequence[tuple[str, str, int, int]],
    size: int,
    chosen: Sequence[int],
    homes: Sequence[str] | None = None,
) -> bool:
    """Plain re-implementation of the constraints: size, per-value quotas, one per home."""
    if len(set(chosen)) != size:
        return False
    col = {"a": 1, "b": 2}
    for attr, value, lo, hi in quotas:
        n = sum(1 for i in chosen if rows[i][col[attr]] == value)
        if not lo <= n <= hi:
            return False
    if homes is not None:
        seen = [homes[i] for i in chosen if homes[i]]
        if len(seen) != len(set(seen)):
            return False
    return True


def oracle_leximin(n: int, selections: Sequence[Sequence[int]]) -> list[float]:
    """Leximin probabilities by brute force: LPs over all valid selections, with per-person
    probes deciding who is stuck at each level (independent of selectie's method).
    """
    import highspy

    people = sorted({i for s in selections for i in s})
    fixed: dict[int, float] = {}

    def solve(objective: int | None, floor: float | None) -> float:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        m = len(selections)
        for _ in range(m):
            h.addVar(0.0, 1.0)
        h.addVar(0.0, 1.0)  # t
        h.addRow(1.0, 1.0, m, np.arange(m, dtype=np.int32), np.ones(m))
        for i in people:
            idx = [k for k, s in enumerate(selections) if i in s]
            if i in fixed:
                h.addRow(
                    fixed[i] - 1e-9,
                    highspy.kHighsInf,
                    len(idx),
                    np.array(idx, dtype=np.int32),
                    np.ones(len(idx)),
                )
            elif floor is not None:
                h.addRow(
                    floor - 1e-9,
                    highspy.kHighsInf,
                    len(idx),
                    np.array(idx, dtype=np.int32),
                    np.ones(len(idx)),
                )
            else:
                h.addRow(
                    0.0,
                    highspy.kHighsInf,
                    len(idx) + 1,
                    np.array([*idx, m], dtype=np.int32),
                    np.array([1.0] * len(idx) + [-1.0]),
                )
        if objective is None:
            h.changeColCost(m, 1.0)
        else:
            for k, s in enumerate(selections):
                if objective in s:
                    h.changeColCost(k, 1.0)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.run()
        assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        return float(h.getInfo().objective_function_value)

    while len(fixed) < len(people):
        level = solve(None, None)
        stuck = [i for i in people if i not in fixed and solve(i, level) <= level + 1e-7]
        assert stuck, "some person must be stuck at the maximin level"
        for i in stuck:
            fixed[i] = level
    return [fixed.get(i, 0.0) for i in range(n)]


def random_instance(rng: random.Random) -> tuple[Any, ...]:
    """A small random pool, quotas and size; sometimes with households."""
    n = rng.randint(4, 9)
    rows = [(f"c{i}", rng.choice("xyz"), rng.choice("uv")) for i in range(n)]
    size = rng.randint(1, min(4, n - 1))
    quotas = []
    for attr, values in (("a", "xyz"), ("b", "uv")):
        for v in values:
            if rng.random() < 0.6:
                lo = rng.randint(0, 2)
                quotas.append((attr, v, lo, lo + rng.randint(0, 2)))
    homes = None
    if rng.random() < 0.4:
        homes = [rng.choice(["h1", "h2", "", "", "h3"]) for _ in range(n)]
    return rows, quotas, size, homes


def scenario_of(
    quotas: Sequence[tuple[str, str, int, int]], size: int, homes: Sequence[str] | None
) -> Scenario:
    return Scenario(
        size=size,
        quotas=[Quota(attribute=a, values=(v,), min=lo, max=hi) for a, v, lo, hi in quotas],
        group_limits=[GroupLimit(by=("home",), max=1)] if homes is not None else [],
    )


def concrete(lot: Lottery, entry: int, rng: random.Random) -> list[int]:
    """A concrete selection of a support entry: random members of each profile taken."""
    chosen: list[int] = []
    for t in lot.support[entry].take:
        chosen.extend(rng.sample(list(lot.profiles[t.profile].positions), t.count))
    return chosen


def support_marginals(lot: Lottery) -> dict[str, float]:
    """Each case's probability recomputed from the support alone."""
    probs = dict.fromkeys(lot.pool.ids, 0.0)
    for e in lot.support:
        for t in e.take:
            for case_id in lot.profiles[t.profile].ids:
                probs[case_id] += e.probability * t.count / t.of
    return probs


# --------------------------------------------------------------------------------------------
# Published results
# --------------------------------------------------------------------------------------------


def published_leximin_minimum(name: str) -> float:
    """The LEXIMIN minimum probability as the published statistics file states it."""
    text = (DATA / name / f"{name}_statistics.txt").read_text(encoding="utf-8")
    match = re.search(r"LEXIMIN minimum probability \(exact\):\s*([\d.]+)%", text)
    assert match is not None
    return float(match.group(1)) / 100


@pytest.mark.parametrize(("name", "size"), [("example_small_20", 20), ("example_large_200", 200)])
def test_leximin_minimum_matches_published(name: str, size: int) -> None:
    """Leximin on the published example instances reaches the published minimum (10.0%)."""
    pool, scenario = read_sortition(
        DATA / name / "respondents.csv", DATA / name / "categories.csv", size=size
    )
    lot = fair_lottery(pool, scenario, method="leximin")
    assert lot.status == Status.OPTIMAL
    assert published_leximin_minimum(name) == pytest.approx(0.10)
    assert lot.min_probability == pytest.approx(published_leximin_minimum(name), abs=1e-6)


def test_example_large_is_equal_for_everyone() -> None:
    """On example_large_200 leximin gives every one of the 2000 people exactly 10%."""
    pool, scenario = read_sortition(
        DATA / "example_large_200" / "respondents.csv",
        DATA / "example_large_200" / "categories.csv",
        size=200,
    )
    lot = fair_lottery(pool, scenario, method="leximin")
    probs = np.array(list(lot.probabilities.values()))
    assert len(probs) == 2000
    assert np.allclose(probs, 0.1, atol=1e-6)


def test_fixture_150_maximin_is_two_in_twenty_two() -> None:
    """On the sortition-algorithms fixture (k=22) the maximin minimum is 2/22, with every
    selection in the support passing an independent quota check. The value is the one
    sortition-algorithms' own maximin (an independent implementation, person by person)
    reaches on this fixture: 9.0909% with both its backends (benchmarks/README.md).
    """
    pool, scenario = read_sortition(
        DATA / "fixture_150" / "candidates.csv", DATA / "fixture_150" / "features.csv", size=22
    )
    lot = fair_lottery(pool, scenario, method="maximin")
    assert lot.status == Status.OPTIMAL
    assert lot.min_probability == pytest.approx(2 / 22, abs=1e-6)
    assert lot.bound == pytest.approx(2 / 22, abs=1e-6)
    quotas: dict[tuple[str, str], tuple[int, int]] = {}
    for q in scenario.quotas:
        assert q.values is not None and q.min is not None and q.max is not None
        quotas[q.attribute, q.values[0]] = (q.min, q.max)
    rng = random.Random(5)
    for k in range(len(lot.support)):
        chosen = concrete(lot, k, rng)
        assert len(chosen) == 22
        for (attr, value), (lo, hi) in quotas.items():
            n = sum(1 for i in chosen if pool.values[attr][i] == frozenset({value}))
            assert lo <= n <= hi, (attr, value, n)


# --------------------------------------------------------------------------------------------
# Exhaustive oracle on small random pools
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(30))
def test_leximin_matches_exhaustive_oracle(seed: int) -> None:
    """On small random pools, leximin equals the brute-force leximin of an independent LP."""
    rows, quotas, size, homes = random_instance(random.Random(seed))
    pool = make_pool(rows, homes)
    valid = [
        s
        for s in itertools.combinations(range(len(rows)), size)
        if satisfies(rows, quotas, size, s, homes)
    ]
    lot = fair_lottery(pool, scenario_of(quotas, size, homes), method="leximin")
    if not valid:
        assert lot.status == Status.INFEASIBLE
        return
    assert lot.status == Status.OPTIMAL
    assert lot.info is not None and lot.info.accuracy is not None
    assert lot.info.accuracy <= 1e-6
    expected = oracle_leximin(len(rows), valid)
    got = list(lot.probabilities.values())
    assert got == pytest.approx(expected, abs=1e-6)
    never = {i for i in range(len(rows)) if not any(i in s for s in valid)}
    assert set(lot.never_selected) == {rows[i][0] for i in never}


@pytest.mark.parametrize("seed", range(30, 45))
def test_maximin_minimum_matches_exhaustive_oracle(seed: int) -> None:
    """Maximin reaches the same minimum as the brute-force leximin's first level."""
    rows, quotas, size, homes = random_instance(random.Random(seed))
    valid = [
        s
        for s in itertools.combinations(range(len(rows)), size)
        if satisfies(rows, quotas, size, s, homes)
    ]
    lot = fair_lottery(make_pool(rows, homes), scenario_of(quotas, size, homes), method="maximin")
    if not valid:
        assert lot.status == Status.INFEASIBLE
        return
    expected = oracle_leximin(len(rows), valid)
    selectable = [p for p in expected if p > 0]
    assert lot.min_probability == pytest.approx(min(selectable), abs=1e-6)


# --------------------------------------------------------------------------------------------
# Invariants on generated pools
# --------------------------------------------------------------------------------------------


def generated_pool(
    seed: int, n: int = 60
) -> tuple[Pool, Scenario, list[tuple[str, str, str]], list[tuple[str, str, int, int]], int]:
    rng = random.Random(seed)
    rows = [(f"p{i}", rng.choice("xxyz"), rng.choice("uuv")) for i in range(n)]
    size = rng.randint(5, 12)
    quotas = []
    for attr, values, col in (("a", "xyz", 1), ("b", "uv", 2)):
        for v in values:
            share = sum(1 for r in rows if r[col] == v) / n
            target = round(share * size)
            quotas.append((attr, v, max(0, target - 1), target + 1))
    return make_pool(rows), scenario_of(quotas, size, None), rows, quotas, size


@pytest.mark.parametrize("method", ["maximin", "leximin"])
@pytest.mark.parametrize("seed", range(4))
def test_invariants_on_generated_pools(method: str, seed: int) -> None:
    """Probabilities lie in [0, 1] and sum to the size; the support sums to 1, reproduces the
    probabilities, and every selection in it passes the independent check.
    """
    pool, scenario, rows, quotas, size = generated_pool(seed)
    lot = fair_lottery(pool, scenario, method=method)
    assert lot.status == Status.OPTIMAL
    probs = lot.probabilities
    assert all(-1e-12 <= p <= 1 + 1e-12 for p in probs.values())
    assert sum(probs.values()) == pytest.approx(size, abs=1e-6)
    assert sum(e.probability for e in lot.support) == pytest.approx(1.0, abs=1e-9)
    recomputed = support_marginals(lot)
    assert all(recomputed[i] == pytest.approx(probs[i], abs=1e-9) for i in probs)
    rng = random.Random(seed)
    for k in range(len(lot.support)):
        for _ in range(3):
            assert satisfies(rows, quotas, size, concrete(lot, k, rng))


def test_leximin_is_at_least_as_fair_as_maximin() -> None:
    """Sorted leximin probabilities are lexicographically >= the maximin ones (to 1e-6)."""
    pool, scenario, *_ = generated_pool(11, n=40)
    lex = sorted(fair_lottery(pool, scenario, method="leximin").probabilities.values())
    mx = sorted(fair_lottery(pool, scenario, method="maximin").probabilities.values())
    assert lex[0] == pytest.approx(mx[0], abs=1e-6)
    for a, b in zip(lex, mx, strict=True):
        if abs(a - b) > 1e-6:
            assert a > b
            break


def test_cbc_and_highs_reach_the_same_minimum(solver: str) -> None:
    """Each backend solves the pricing programs to the same leximin minimum."""
    pool, scenario, *_ = generated_pool(3, n=30)
    lot = fair_lottery(pool, scenario, method="leximin", solver=solver)
    reference = fair_lottery(pool, scenario, method="leximin", solver="highs")
    assert lot.status == Status.OPTIMAL
    assert lot.min_probability == pytest.approx(reference.min_probability, abs=1e-6)
    assert list(lot.probabilities.values()) == pytest.approx(
        list(reference.probabilities.values()), abs=1e-6
    )


def test_same_input_gives_the_same_lottery() -> None:
    """Two runs give byte-identical listings (determinism)."""
    pool, scenario, *_ = generated_pool(2)
    assert fair_lottery(pool, scenario).listing() == fair_lottery(pool, scenario).listing()


# --------------------------------------------------------------------------------------------
# Households, never-selected cases, other constraint kinds
# --------------------------------------------------------------------------------------------


def test_household_limit_is_respected() -> None:
    """Three housemates share at most one seat: each gets 1/3, the two others 1/2."""
    rows = [(f"c{i}", "x", "u") for i in range(5)]
    homes = ["h", "h", "h", "", ""]
    pool = make_pool(rows, homes)
    lot = fair_lottery(pool, scenario_of([], 2, homes), method="leximin")
    assert list(lot.probabilities.values()) == pytest.approx([1 / 3] * 3 + [0.5] * 2, abs=1e-6)


def test_never_selected_cases_are_reported() -> None:
    """A value whose quota is 0 can never be selected: probability 0, listed, not the min."""
    rows = [("c0", "x", "u"), ("c1", "y", "u"), ("c2", "y", "v"), ("c3", "z", "v")]
    scenario = Scenario(size=2, quotas=[Quota(attribute="a", values=("x",), min=0, max=0)])
    lot = fair_lottery(make_pool(rows), scenario, method="leximin")
    assert lot.never_selected == ("c0",)
    assert lot.probabilities["c0"] == 0.0
    assert lot.min_probability == pytest.approx(2 / 3, abs=1e-6)


def test_include_and_exclude_are_honoured() -> None:
    """An included case has probability 1 and an excluded one 0."""
    rows = [(f"c{i}", "x", "u") for i in range(5)]
    scenario = Scenario(size=2, include=("c1",), exclude=("c4",))
    lot = fair_lottery(make_pool(rows), scenario, method="leximin")
    probs = lot.probabilities
    assert probs["c1"] == pytest.approx(1.0)
    assert probs["c4"] == 0.0
    assert probs["c0"] == pytest.approx(1 / 3, abs=1e-6)


def test_combination_quota_is_respected() -> None:
    """A combination bound (at most one x-and-u case) holds in every selection."""
    rows = [("c0", "x", "u"), ("c1", "x", "u"), ("c2", "y", "v"), ("c3", "x", "v")]
    scenario = Scenario(size=2, combinations=[Combination(where={"a": "x", "b": "u"}, max=1)])
    lot = fair_lottery(make_pool(rows), scenario, method="leximin")
    for e in lot.support:
        taken = sum(t.count for t in e.take if lot.profiles[t.profile].ids[0] in ("c0", "c1"))
        assert taken <= 1
    assert lot.probabilities["c0"] + lot.probabilities["c1"] <= 1 + 1e-9


def test_infeasible_scenario_gives_status_infeasible() -> None:
    """Quotas that cannot be met give status INFEASIBLE, no support, and reasons."""
    rows = [("c0", "x", "u"), ("c1", "y", "u")]
    scenario = Scenario(size=2, quotas=[Quota(attribute="a", values=("z",), min=1)])
    lot = fair_lottery(make_pool(rows), scenario)
    assert lot.status == Status.INFEASIBLE
    assert lot.support == ()
    assert lot.min_probability is None
    assert lot.reasons


# --------------------------------------------------------------------------------------------
# Uniform over the k best
# --------------------------------------------------------------------------------------------


def weighted_pool() -> Pool:
    records = [
        {"id": f"c{i}", "a": "xyz"[i % 3], "b": "uv"[i % 2], "w": str(w)}
        for i, w in enumerate([16, 8, 4, 2, 1])
    ]
    return Pool.from_records(records, CODEBOOK)


def test_uniform_best_takes_the_k_best_by_weight() -> None:
    """uniform_best with k=3 gives 1/3 to each of the three heaviest pairs (brute force)."""
    pool = weighted_pool()
    weights = [16, 8, 4, 2, 1]
    scenario = Scenario(size=2, objective=Objective(kind="max_weight", weight_column="w"))
    lot = fair_lottery(pool, scenario, method="uniform_best", k=3)
    assert lot.status == Status.OPTIMAL
    ranked = sorted(itertools.combinations(range(5), 2), key=lambda s: -sum(weights[i] for i in s))
    best = [frozenset(s) for s in ranked[:3]]  # weights 24, 20, 18 (pair sums are unique)
    got = []
    for e in lot.support:
        assert e.probability == pytest.approx(1 / 3)
        got.append(frozenset(i for t in e.take for i in lot.profiles[t.profile].positions))
    assert sorted(got, key=sorted) == sorted(best, key=sorted)
    assert sorted(e.rank or 0 for e in lot.support) == [1, 2, 3]


def test_uniform_best_with_k_above_the_number_of_selections() -> None:
    """Asking for more selections than exist gives all of them and says so."""
    rows = [("c0", "x", "u"), ("c1", "y", "u"), ("c2", "z", "v")]
    scenario = Scenario(size=2, quotas=[Quota(attribute="a", max=1)])
    lot = fair_lottery(make_pool(rows), scenario, method="uniform_best", k=10)
    assert lot.status == Status.OPTIMAL
    assert len(lot.support) == 3
    assert lot.message == (
        "only 3 distinct valid selections exist (k = 10; selections that differ only by "
        "interchangeable cases count as one)"
    )
    assert sum(lot.probabilities.values()) == pytest.approx(2.0)


# --------------------------------------------------------------------------------------------
# The draw
# --------------------------------------------------------------------------------------------


def redo_draw(listing: str, seed: str) -> list[str]:
    """The documented draw procedure, re-implemented from the listing text alone."""
    digest = hashlib.sha256(f"selectie-draw-1\nseed {seed}\n".encode() + listing.encode()).digest()

    def number(j: int) -> int:
        return int.from_bytes(hashlib.sha256(digest + j.to_bytes(8, "big")).digest(), "big")

    profiles: dict[int, list[str]] = {}
    entries: list[tuple[int, list[tuple[int, int]]]] = []
    for line in listing.splitlines():
        if line.startswith("profile "):
            _, idx, ids = line.split(" ", 2)
            profiles[int(idx)] = json.loads(ids)
        elif line.startswith("selection "):
            parts = line.split()
            weight = int(parts[3])
            pairs = [x.split(":") for x in parts[5:]]
            entries.append((weight, [(int(p), int(c)) for p, c in pairs]))
    r = number(0) % sum(w for w, _ in entries)
    take: list[tuple[int, int]] = []
    for weight, take in entries:  # noqa: B007 - the entry the loop stops at is drawn
        if r < weight:
            break
        r -= weight
    chosen: list[str] = []
    j = 1
    for p, c in take:
        members = list(profiles[p])
        if c == len(members):
            chosen.extend(members)
            continue
        for _ in range(c):
            chosen.append(members.pop(number(j) % len(members)))
            j += 1
    return chosen


def test_draw_follows_the_documented_procedure() -> None:
    """Redoing the draw from the listing and the seed, as documented, gives the same cases."""
    pool, scenario, *_ = generated_pool(1)
    lot = fair_lottery(pool, scenario, method="leximin")
    assert "SHA-256" in DRAW_PROCEDURE
    for seed in ["1", "2024-05-17 lottery", "42"]:
        draw = lot.draw(seed)
        assert sorted(draw.ids) == sorted(redo_draw(lot.listing(), seed))
        assert draw.audit.ok


def test_draw_is_reproducible() -> None:
    """The same seed gives the same selection; the draw's digest records it."""
    pool, scenario, *_ = generated_pool(4)
    lot = fair_lottery(pool, scenario)
    a, b = lot.draw(7), lot.draw(7)
    assert a.ids == b.ids and a.digest == b.digest


def test_draw_frequencies_follow_the_probabilities() -> None:
    """Over 3000 seeds, each case is drawn about as often as its probability says."""
    rows = [
        ("c0", "x", "u"),
        ("c1", "x", "v"),
        ("c2", "y", "u"),
        ("c3", "y", "v"),
        ("c4", "z", "u"),
        ("c5", "x", "u"),
    ]
    scenario = scenario_of([("a", "x", 1, 1), ("b", "u", 1, 2)], 2, None)
    lot = fair_lottery(make_pool(rows), scenario, method="leximin")
    counts = dict.fromkeys(lot.pool.ids, 0)
    trials = 3000
    for seed in range(trials):
        for case_id in lot.draw(seed).ids:
            counts[case_id] += 1
    for case_id, p in lot.probabilities.items():
        # 4.5 standard deviations: a fixed set of seeds, so this either always or never passes
        sd = (p * (1 - p) / trials) ** 0.5
        assert abs(counts[case_id] / trials - p) <= 4.5 * sd + 1e-9


def test_draw_as_selection_is_feasible_status() -> None:
    """A draw converts to a Selection with status FEASIBLE and the same cases."""
    pool, scenario, *_ = generated_pool(5)
    draw = fair_lottery(pool, scenario).draw("x")
    sel = draw.as_selection()
    assert sel.status == Status.FEASIBLE
    assert sel.ids == draw.ids


def test_draw_without_support_is_refused() -> None:
    """Drawing from an infeasible lottery raises a clear error."""
    rows = [("c0", "x", "u"), ("c1", "y", "u")]
    scenario = Scenario(size=2, quotas=[Quota(attribute="a", values=("z",), min=1)])
    with pytest.raises(InputError) as info:
        fair_lottery(make_pool(rows), scenario).draw(1)
    assert info.value.summary == "this lottery has no support to draw from (status infeasible)"


# --------------------------------------------------------------------------------------------
# Options and output
# --------------------------------------------------------------------------------------------


def test_unknown_method_is_refused() -> None:
    """An unknown method names the valid ones."""
    pool, scenario, *_ = generated_pool(0, n=10)
    with pytest.raises(InputError) as info:
        fair_lottery(pool, scenario, method="fair")
    assert str(info.value) == (
        "unknown lottery method 'fair'; choose one of: maximin, leximin, uniform_best, nash"
    )


def test_uniform_best_needs_k() -> None:
    """uniform_best without k is refused with the expected message."""
    pool, scenario, *_ = generated_pool(0, n=10)
    with pytest.raises(InputError) as info:
        fair_lottery(pool, scenario, method=LotteryMethod.UNIFORM_BEST)
    assert str(info.value) == "method 'uniform_best' needs k, a whole number >= 1 (got None)"


def test_k_is_refused_for_leximin() -> None:
    """k with another method is refused."""
    pool, scenario, *_ = generated_pool(0, n=10)
    with pytest.raises(InputError) as info:
        fair_lottery(pool, scenario, method="leximin", k=3)
    assert str(info.value) == "k is only used by method 'uniform_best', not 'leximin'"


def test_time_limit_gives_a_valid_lottery_or_none() -> None:
    """A tiny time limit never yields a support that breaks a constraint."""
    pool, scenario, rows, quotas, size = generated_pool(6)
    lot = fair_lottery(pool, scenario, time_limit=0.001)
    assert lot.status in (Status.FEASIBLE, Status.NO_SOLUTION, Status.OPTIMAL)
    rng = random.Random(0)
    for k in range(len(lot.support)):
        assert satisfies(rows, quotas, size, concrete(lot, k, rng))


def test_to_dict_is_json_ready() -> None:
    """to_dict() serialises to JSON with probabilities for every case."""
    pool, scenario, *_ = generated_pool(7, n=20)
    lot = fair_lottery(pool, scenario, method="maximin")
    data = json.loads(json.dumps(lot.to_dict()))
    assert data["method"] == "maximin"
    assert set(data["probabilities"]) == set(pool.ids)
    assert data["status"] == "optimal"


def test_str_reports_the_minimum() -> None:
    """The text summary states the status and the minimum probability."""
    pool, scenario, *_ = generated_pool(8, n=20)
    lot = fair_lottery(pool, scenario)
    text = str(lot)
    assert text.splitlines()[0].endswith("status optimal")
    assert lot.min_probability is not None
    assert f"minimum selection probability: {100 * lot.min_probability:.4f}%" in text


# --------------------------------------------------------------------------------------------
# Sortition instances checked from the raw CSV files (independent of selectie's reader)
# --------------------------------------------------------------------------------------------


def raw_sortition(
    people_csv: Path, quotas_csv: Path, id_column: str | None
) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, int, int]]]:
    """People (id -> {column: cell}) and quotas (feature, value, min, max), read with csv."""
    import csv

    with quotas_csv.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        head = list(reader.fieldnames or [])
        f_col, v_col = ("category", "feature") if "category" in head else ("feature", "value")
        quotas = [(r[f_col], r[v_col], int(r["min"]), int(r["max"])) for r in reader]
    with people_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    people = {(r[id_column] if id_column else str(n)): r for n, r in enumerate(rows, start=1)}
    return people, quotas


def panel_problems(
    people: dict[str, dict[str, str]],
    quotas: Sequence[tuple[str, str, int, int]],
    size: int,
    ids: Sequence[str],
    address: Sequence[str] = (),
) -> list[str]:
    """Everything wrong with a panel, checked in plain Python from the raw cells."""
    out = []
    if len(set(ids)) != size:
        out.append(f"{len(set(ids))} people instead of {size}")
    for feature, value, lo, hi in quotas:
        n = sum(1 for i in ids if people[i][feature].strip().lower() == value.strip().lower())
        if not lo <= n <= hi:
            out.append(f"{feature}={value}: {n} not in [{lo}, {hi}]")
    if address:
        homes = [tuple(people[i][c].strip().lower() for c in address) for i in ids]
        homes = [h for h in homes if any(h)]
        if len(homes) != len(set(homes)):
            out.append("two people of one household")
    return out


def check_sortition_lottery(
    lot: Lottery,
    people: dict[str, dict[str, str]],
    quotas: Sequence[tuple[str, str, int, int]],
    size: int,
    address: Sequence[str] = (),
    draws: int = 2,
) -> None:
    """The invariants: probabilities in [0, 1] summing to the size, reproduced by the support,
    and concrete panels of every support entry passing the raw check.
    """
    probs = lot.probabilities
    assert set(probs) == set(people)
    assert all(0.0 <= p <= 1.0 for p in probs.values())
    assert sum(probs.values()) == pytest.approx(size, abs=1e-6)
    assert sum(e.probability for e in lot.support) == pytest.approx(1.0, abs=1e-9)
    recomputed = support_marginals(lot)
    assert all(recomputed[i] == pytest.approx(probs[i], abs=1e-9) for i in probs)
    rng = random.Random(0)
    for k in range(len(lot.support)):
        for _ in range(draws):
            ids = [lot.pool.ids[i] for i in concrete(lot, k, rng)]
            assert panel_problems(people, quotas, size, ids, address) == []


@pytest.mark.parametrize(
    ("name", "people_file", "quotas_file", "size", "id_column", "method"),
    [
        ("example_small_20", "respondents.csv", "categories.csv", 20, None, "leximin"),
        ("example_large_200", "respondents.csv", "categories.csv", 200, None, "leximin"),
        ("fixture_150", "candidates.csv", "features.csv", 22, "nationbuilder_id", "maximin"),
        ("fixture_150", "candidates.csv", "features.csv", 22, "nationbuilder_id", "leximin"),
    ],
)
def test_invariants_on_published_instances(
    name: str, people_file: str, quotas_file: str, size: int, id_column: str | None, method: str
) -> None:
    """On the public instances the probabilities are in [0, 1] and sum to the panel size, and
    every panel of the support satisfies the quotas as read from the raw files.
    """
    folder = DATA / name
    pool, scenario = read_sortition(folder / people_file, folder / quotas_file, size=size)
    lot = fair_lottery(pool, scenario, method=method)
    assert lot.status == Status.OPTIMAL
    people, quotas = raw_sortition(folder / people_file, folder / quotas_file, id_column)
    check_sortition_lottery(lot, people, quotas, size)


def test_fixture_150_leximin_starts_at_the_maximin_level() -> None:
    """Leximin's first level equals maximin's minimum (2/22, which sortition-algorithms'
    own maximin also reaches on this fixture, see benchmarks/README.md), and leximin's sorted
    probabilities are never lexicographically below maximin's.
    """
    folder = DATA / "fixture_150"
    pool, scenario = read_sortition(folder / "candidates.csv", folder / "features.csv", size=22)
    lex = fair_lottery(pool, scenario, method="leximin")
    assert lex.min_probability == pytest.approx(2 / 22, abs=1e-6)
    assert lex.info is not None and lex.info.levels[0] == pytest.approx(2 / 22, abs=1e-6)
    assert list(lex.info.levels) == sorted(lex.info.levels)


def write_household_instance(folder: Path, seed: int) -> tuple[Path, Path, int]:
    """A sortition-format instance (people with addresses, quotas ± 1 around proportional
    targets) where a third of the people share their address with someone.
    """
    rng = random.Random(seed)
    n, size = 40, 8
    streets = [f"{k} Main St" for k in range(26)]
    lines = ["id,sex,age,street,zip"]
    for i in range(n):
        sex = rng.choice(["f", "m"])
        age = rng.choice(["young", "old", "old"])
        street = streets[i] if i < 26 else rng.choice(streets[:10])
        zip_code = "1000" if rng.random() < 0.9 else "2000"
        lines.append(f"p{i},{sex},{age},{street},{zip_code}")
    people = folder / "people.csv"
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [line.split(",") for line in lines[1:]]
    qlines = ["feature,value,min,max"]
    for col, feature, values in ((1, "sex", ("f", "m")), (2, "age", ("young", "old"))):
        for v in values:
            target = round(sum(1 for r in rows if r[col] == v) / n * size)
            qlines.append(f"{feature},{v},{max(0, target - 1)},{target + 1}")
    quotas = folder / "quotas.csv"
    quotas.write_text("\n".join(qlines) + "\n", encoding="utf-8")
    return people, quotas, size


@pytest.mark.parametrize("method", ["maximin", "leximin"])
@pytest.mark.parametrize("seed", range(3))
def test_households_hold_in_every_panel(tmp_path: Path, method: str, seed: int) -> None:
    """With address columns, no panel of the support seats two people of one household, the
    quotas hold, and each household's probabilities add up to at most 1.
    """
    people_csv, quotas_csv, size = write_household_instance(tmp_path, seed)
    address = ("street", "zip")
    pool, scenario = read_sortition(people_csv, quotas_csv, size=size, households=address)
    lot = fair_lottery(pool, scenario, method=method)
    assert lot.status == Status.OPTIMAL
    people, quotas = raw_sortition(people_csv, quotas_csv, "id")
    check_sortition_lottery(lot, people, quotas, size, address, draws=4)
    by_home: dict[tuple[str, ...], float] = {}
    for case_id, p in lot.probabilities.items():
        home = tuple(people[case_id][c].strip().lower() for c in address)
        by_home[home] = by_home.get(home, 0.0) + p
    assert max(by_home.values()) <= 1 + 1e-9


def test_recheck_rejects_selections_that_break_a_constraint() -> None:
    """The plain-Python re-check of the support passes valid profile counts and names the
    broken quota otherwise, both when it checks one concrete selection per entry and when it
    checks the constraints over the whole pool.
    """
    from selectie.constraints import compile_scenario
    from selectie.formulation import Clock
    from selectie.lottery.program import selection_model
    from selectie.lottery.run import _Run

    rows = [("c0", "x", "u"), ("c1", "x", "u"), ("c2", "y", "u"), ("c3", "y", "u")]
    scenario = scenario_of([("a", "x", 1, 1)], 2, None)
    compiled = compile_scenario(make_pool(rows), scenario)
    run = _Run(compiled, LotteryMethod.MAXIMIN, "highs", 1, Clock(None, 0.0), None)
    run._prof = selection_model(compiled, objective=False).grouping
    assert run.prof.members == [[0, 1], [2, 3]]
    good, bad, short = np.array([1, 1]), np.array([2, 0]), np.array([1, 0])
    # one selection of 2 from 4 cases: one concrete selection is checked
    assert run.recheck([good]) is None
    assert (run.recheck([bad]) or "").startswith("a=x: 2 selected, exactly 1 required")
    # three selections: the constraints are evaluated over the whole pool
    assert run.recheck([good, good, good]) is None
    assert run.recheck([good, bad, good]) == "a=x: 2 selected, exactly 1 required"
    assert run.recheck([good, short, good]) == "1 case instead of 2"


def test_lottery_xlsx_has_typed_probabilities() -> None:
    """`lottery -f xlsx`: probabilities are numbers (summing to the panel size), profiles
    whole numbers, selectable a boolean; the support's probabilities are numbers summing to 1.
    """
    import io
    from pathlib import Path

    from openpyxl import load_workbook

    from selectie import fair_lottery, read_sortition
    from selectie.lottery.render import render_lottery

    small = Path(__file__).parent / "data" / "sortition" / "example_small_20"
    pool, sc = read_sortition(small / "respondents.csv", small / "categories.csv", size=20)
    wb = load_workbook(io.BytesIO(render_lottery(fair_lottery(pool, sc), "xlsx")))
    header, *rows = list(wb["probabilities"].iter_rows(values_only=True))
    col = {h: k for k, h in enumerate(header)}  # no name column: this pool has none
    profile, prob, selectable = col["profile"], col["probability"], col["selectable"]
    assert len(rows) == len(pool)
    assert all(isinstance(r[profile], int) and isinstance(r[prob], float) for r in rows)
    assert all(isinstance(r[selectable], bool) for r in rows)
    assert abs(sum(r[prob] for r in rows) - 20) < 1e-6
    support = [r[1] for r in wb["support"].iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(p, float) for p in support)
    assert abs(sum(support) - 1) < 1e-6
