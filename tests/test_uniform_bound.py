"""The uniform rounding's bounds: every person's change stays within the bound selectie
claims, (k + 2) / m, on generated hard pools and every method; the paper's bound (as its
authors' replication code computes it) is reported beside it, computed here independently.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from selectie.lottery import fair_lottery
from selectie.lottery.uniform import paper_bound, round_to_uniform
from selectie.sortition import read_sortition
from tests.test_hard_pools import benchmark_module


def hard_instance(tmp_path: Path, seed: int) -> tuple[Path, Path, int]:
    """A small hard pool from benchmarks/hard_pools.py (80 people, panel 12, 4 features)."""
    inst = benchmark_module("hard_pools").latent_instance(80, 12, 4, seed)
    people, quotas = inst.write(tmp_path / f"hard{seed}")
    return people, quotas, inst.size


@pytest.mark.parametrize("method", ["maximin", "leximin", "nash"])
@pytest.mark.parametrize("seed", [1, 2])
def test_every_change_is_within_selecties_bound_on_hard_pools(
    tmp_path: Path, seed: int, method: str
) -> None:
    """For m = 7, 60 and 1000: each person's share of the m panels (counted here from the
    panels) differs from the optimal probability by less than (k + 2) / m, the bound selectie
    proves for its rounding; the reported largest change is that count's maximum.
    """
    people, quotas, k = hard_instance(tmp_path, seed)
    pool, scenario = read_sortition(people, quotas, size=k)
    lot = fair_lottery(pool, scenario, method=method)
    assert lot.ok
    optimal = lot.probabilities
    for m in (7, 60, 1000):
        u = round_to_uniform(lot, m)
        counts = dict.fromkeys(pool.ids, 0)
        for panel in u.panels:
            assert len(panel) == k
            for i in panel:
                counts[pool.ids[i]] += 1
        worst = max(abs(counts[i] / m - optimal[i]) for i in pool.ids)
        assert worst == pytest.approx(u.max_change, abs=1e-12)
        assert worst < (k + 2) / m == u.bound


def test_the_papers_bound_is_computed_as_its_authors_code_does(tmp_path: Path) -> None:
    """paper_bound = min(k/m, sqrt((1 + ln 2/ln n)/2) sqrt(C ln C)/m + 1/m), with C the
    number of distinct feature vectors counted here from the people file.
    """
    import csv

    people, quotas, k = hard_instance(tmp_path, 1)
    pool, scenario = read_sortition(people, quotas, size=k)
    with people.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    features = [f for f in rows[0] if f.startswith("f")]
    c = len({tuple(r[f] for f in features) for r in rows})
    n = len(rows)
    lot = fair_lottery(pool, scenario, method="maximin")
    assert len(lot.profiles) == c  # the quotas are the only constraints
    panel_lp = math.sqrt((1 + math.log(2) / math.log(n)) / 2) * math.sqrt(c * math.log(c))
    for m in (10, 1000):
        u = round_to_uniform(lot, m)
        assert u.paper_bound == pytest.approx(min(k / m, panel_lp / m + 1 / m), rel=1e-12)
        assert u.to_dict()["paper_bound"] == u.paper_bound
        assert "the paper's bound for its own roundings" in u.summary()
    # where the panel-LP term is the smaller one (few feature vectors, a large panel)
    assert paper_bound(k=40, m=500, n=n, c=c) == pytest.approx(panel_lp / 500 + 1 / 500)
    assert panel_lp + 1 < 40
