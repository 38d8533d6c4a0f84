"""The tabu search for witnesses (:func:`selectie.formulation.neighbours.descend`) against a
plain-Python search that follows its docstring: at each step every swap of one case is
listed in order (case taken out by position in the selection, case taken in by pool
position), every row a swap can change is checked and the deviation counted in plain
Python (rows every case counts alike, such as the size, are skipped by both), and the
smallest is drawn among its ties by the same generator. The numpy search must take the
same steps and list the same selections.

The rows here are drawn at random, 0/1 rows (the fast path: one product of 0/1 matrices)
and rows with other coefficients (checked swap by swap), bounded from below, from above
or both, some not met at the start; and the rows of real scenarios on random pools.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pytest

from selectie import Objective, Pool, Quota, Scenario
from selectie.constraints import compile_scenario
from selectie.formulation import SelectionModel
from selectie.formulation.neighbours import Swaps, descend


@dataclass
class Rows:
    """What :func:`descend` reads of a :class:`Swaps`: rows x cases, bounds, cells x cases
    and targets.
    """

    n: int
    by_case: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    cells: np.ndarray
    target: np.ndarray


def reference(
    swaps: Swaps | Rows,
    start: Sequence[int],
    forbid: Sequence[int],
    steps: int,
    seed: int,
    tenure: int = 7,
    goal: int | None = None,
) -> list[tuple[int, tuple[int, ...]]]:
    """The search of :func:`descend`'s docstring, one swap at a time in plain Python."""
    n = swaps.n
    by_case = swaps.by_case.tolist()
    lo, hi = swaps.lo.tolist(), swaps.hi.tolist()
    cells, target = swaps.cells.tolist(), swaps.target.tolist()
    # rows every case counts alike cannot change by a swap (the search skips them)
    varying = [k for k, row in enumerate(by_case) if max(row) != min(row)]
    cur = sorted(start)
    if not cur or len(cur) >= n:
        return []
    rng = np.random.default_rng(seed)
    free_from = [0] * n
    banned = set(forbid)
    out: list[tuple[int, tuple[int, ...]]] = []
    for step in range(steps):
        outside = [j for j in range(n) if j not in cur and j not in banned and free_from[j] <= step]
        if not outside:
            break
        still_in = [c for c in cur if c in banned]
        moves = []
        for a, gone in enumerate(cur):
            if still_in and gone not in banned:
                continue
            for b, come in enumerate(outside):
                sel = [*cur[:a], come, *cur[a + 1 :]]
                met = True
                for k in varying:
                    act = sum(by_case[k][j] for j in sel)
                    if act < lo[k] - 1e-9 or act > hi[k] + 1e-9:
                        met = False
                        break
                if met:
                    dev = sum(
                        abs(sum(cells[c][j] for j in sel) - target[c]) for c in range(len(cells))
                    )
                    moves.append((dev, a, b))
        if not moves:
            break
        least = min(dev for dev, _, _ in moves)
        ties = [(a, b) for dev, a, b in moves if dev == least]
        a, b = ties[int(rng.integers(len(ties)))]
        free_from[cur[a]] = step + tenure
        cur[a] = outside[b]
        cur.sort()
        if not any(c in banned for c in cur):  # listed once every forbidden case is out
            out.append((round(least), tuple(cur)))
            if goal is not None and least <= goal:
                break
    return out


def random_rows(seed: int) -> tuple[Rows, list[int]]:
    """Random cells and rows over 9 to 14 cases, and a start of 3 to 5 cases."""
    rng = random.Random(seed)
    n = rng.randint(9, 14)
    size = rng.randint(3, 5)
    cells = np.array(
        [[float(rng.random() < 0.4) for _ in range(n)] for _ in range(rng.randint(2, 6))]
    )
    target = np.array([float(rng.randint(0, size)) for _ in cells])
    rows, lo, hi = [[1.0] * n], [float(size)], [float(size)]  # the size: every case alike
    start = sorted(rng.sample(range(n), size))
    for _ in range(rng.randint(1, 5)):
        if rng.random() < 0.5:  # a 0/1 row
            row = [float(rng.random() < 0.5) for _ in range(n)]
        else:
            row = [float(rng.choice([-1, 0, 1, 2, 3])) for _ in range(n)]
        act = sum(row[j] for j in start)
        # mostly met at the start, sometimes with no room to spare, sometimes not met
        low = act - rng.choice([0, 0, 0.5, 0.7, 1, 2, -1])
        high = act + rng.choice([0, 0, 0.5, 0.7, 1, 2, -1])
        side = rng.random()
        rows.append(row)
        lo.append(low if side < 0.7 else -np.inf)
        hi.append(high if side > 0.3 else np.inf)
    return (
        Rows(n, np.array(rows), np.array(lo), np.array(hi), cells, target),
        start,
    )


@pytest.mark.parametrize("seed", range(60))
def test_descend_takes_the_steps_of_the_plain_search_on_random_rows(seed: int) -> None:
    rows, start = random_rows(seed)
    rng = random.Random(seed)
    forbid = rng.sample(range(rows.n), rng.randint(0, 3))
    goal = rng.choice([None, None, 1, 2, 3, 4])
    got = descend(rows, start, forbid, 25, seed, tenure=rng.randint(1, 7), goal=goal)  # type: ignore[arg-type]
    rng = random.Random(seed)
    forbid = rng.sample(range(rows.n), rng.randint(0, 3))
    goal = rng.choice([None, None, 1, 2, 3, 4])
    want = reference(rows, start, forbid, 25, seed, tenure=rng.randint(1, 7), goal=goal)
    assert got == want


def test_the_random_rows_reach_every_path_of_the_search() -> None:
    """The cases above take both ways of checking rows (0/1 rows with no room to spare,
    other rows), meet a goal, and list selections.
    """
    tight = other = goals = listed = 0
    for seed in range(60):
        rows, start = random_rows(seed)
        binary = np.all((rows.by_case == 0) | (rows.by_case == 1), axis=1)
        varying = np.ptp(rows.by_case, axis=1) > 0
        act = rows.by_case[:, start].sum(axis=1)
        met_exactly = (act == rows.lo) | (act == rows.hi)  # no room to spare
        tight += int(np.any(binary & varying & met_exactly))
        other += int(np.any(~binary & varying))
        rng = random.Random(seed)
        forbid = rng.sample(range(rows.n), rng.randint(0, 3))
        goal = rng.choice([None, None, 1, 2, 3, 4])
        passed = reference(rows, start, forbid, 25, seed, tenure=rng.randint(1, 7), goal=goal)
        listed += bool(passed)
        goals += goal is not None and bool(passed) and passed[-1][0] <= goal
    assert tight >= 20 and other >= 20 and goals >= 5 and listed >= 30


@pytest.mark.parametrize("seed", range(8))
def test_descend_takes_the_steps_of_the_plain_search_on_scenarios(
    make_pool: Callable[..., Pool], seed: int
) -> None:
    """Real rows: a size, a quota from below and one from above, on a random pool."""
    rng = random.Random(seed)
    colours, sizes = ("red", "green", "blue"), ("small", "large")
    records = [
        (f"c{k:02d}", rng.choice(colours), rng.choice(sizes), "a" if rng.random() < 0.5 else "")
        for k in range(rng.randint(10, 16))
    ]
    pool = make_pool(records)
    size = rng.randint(3, 5)
    scenario = Scenario(
        size=size,
        quotas=[
            Quota(attribute="colour", values=["red"], min=1),
            Quota(attribute="size", values=["large"], max=size - 1),
        ],
        objective=Objective(
            kind="match_target", target={"colour": {"green": 1, "blue": 1}, "tags": {"a": 2}}
        ),
    )
    swaps = Swaps(SelectionModel(compile_scenario(pool, scenario)))
    reds = [i for i, r in enumerate(records) if r[1] == "red"]
    larges = [i for i, r in enumerate(records) if r[2] == "large"]
    start = sorted(
        [reds[0], *[i for i in range(len(pool)) if i != reds[0] and i not in larges][: size - 1]]
    )
    if len(start) < size:
        pytest.skip("too few small cases for a valid start")
    assert swaps.feasible(start)
    listed = 0
    for i in start:
        got = descend(swaps, start, [i], 30, seed)
        assert got == reference(swaps, start, [i], 30, seed)
        listed += len(got)
    assert listed > 0
