#!/usr/bin/env python3
"""Generate *hard* sortition instances: self-selected pools whose quotas come from population
shares the pool does not match.

A real assembly's pool is self-selected: some groups answer the invitation far more often than
others, so the pool's shares differ from the population's, while the quotas are set from the
population (census) shares. Then the minimum selection probability falls well below k/n and
people differ in probability. The instances published with sortition-algorithms' own benchmark
(and ``benchmarks/sortition_bench.py``'s ``scaled`` pools) draw quotas from the *pool's*
shares, where everyone reaches k/n: they are easy. These are not.

Two generators, both synthetic (no row is a real person):

- :func:`latent_instance` (``300/45``, ``750/112``, ``2000/200``): F features (4 to 8) with 3 to
  6 values each. Every person has a hidden class (3 classes); each feature's values depend on
  the class (one leading value per class), which correlates the features. The population mix
  of classes and the class-conditional value shares give exact **population shares**. The
  pool is drawn with a *response propensity* per class (one class answers 3 times as often as
  another) and per value (0.5 to 2 times), so it is skewed and its features are correlated.
- :func:`sf_e_instance` (``sf_e/1727/110``): shaped like the Sortition Foundation's ``sf_e``
  instance of Flanigan et al. (Nature 2021): its 7 features and 31 values, with **population
  shares from the published pairwise shares** in ``sf_e_110/intersections.csv``
  (../shared/benchmarks/sortition). People are drawn from a star-shaped model around the
  12-valued feature ``c`` (``c`` from its population share, every other feature from its
  pairwise share with ``c`` given ``c``), which reproduces every published pair with ``c``;
  the pool is then skewed by a response propensity per value (0.4 to 2.5 times). The real
  sf_e pool is not public: this is a synthetic pool with its shape and its population.

Quotas in both: for each value, target = population share × k; ``min = floor(target) - r``,
``max = ceil(target) + r'`` with r, r' drawn from {1, 2}, ``min`` at least 0 and at most the
number of pool members with that value.

Only integer draws (``random.Random.randrange``) are used, so the same instance and seed give
the same bytes on any Python version.

Usage (from the repository root):

    python benchmarks/hard_pools.py OUTDIR                 # every instance, seed 1
    python benchmarks/hard_pools.py OUTDIR --only 750/112 --seed 3

writes ``OUTDIR/<name>/people.csv`` (id, name, email, one column per feature) and
``OUTDIR/<name>/quotas.csv`` (feature,value,min,max) and prints a description per instance.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTERSECTIONS = (
    ROOT.parent / "shared" / "benchmarks" / "sortition" / "sf_e_110" / "intersections.csv"
)
#: Integer weights are shares in units of 1e-9.
_UNIT = 10**9


@dataclass
class HardInstance:
    """One generated instance: people rows, quota rows and how it was made."""

    name: str
    size: int
    features: dict[str, list[str]]
    population: dict[tuple[str, str], float]
    people: list[dict[str, str]]
    quotas: list[tuple[str, str, int, int]] = field(default_factory=list)
    description: str = ""

    @property
    def pool_share(self) -> dict[tuple[str, str], float]:
        counts = Counter((f, p[f]) for p in self.people for f in self.features)
        return {key: counts[key] / len(self.people) for key in self.population}

    def write(self, folder: Path) -> tuple[Path, Path]:
        """Write ``people.csv`` and ``quotas.csv`` into ``folder``; returns their paths."""
        folder.mkdir(parents=True, exist_ok=True)
        people, quotas = folder / "people.csv", folder / "quotas.csv"
        with people.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(self.people[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(self.people)
        with quotas.open("w", newline="", encoding="utf-8") as fh:
            qw = csv.writer(fh, lineterminator="\n")
            qw.writerow(["feature", "value", "min", "max"])
            qw.writerows(self.quotas)
        return people, quotas

    def summary(self) -> str:
        """A few lines: size, features, how far the pool is from the population."""
        pool = self.pool_share
        worst = max(self.population, key=lambda key: abs(pool[key] - self.population[key]))
        tv = 0.5 * sum(abs(pool[key] - self.population[key]) for key in self.population)
        values = sum(len(v) for v in self.features.values())
        return (
            f"{self.name}: {len(self.people)} people, panel {self.size}, "
            f"{len(self.features)} features, {values} values; mean total-variation distance "
            f"pool vs population {tv / len(self.features):.3f} per feature; largest gap "
            f"{worst[0]}={worst[1]}: pool {pool[worst]:.3f}, population "
            f"{self.population[worst]:.3f}"
        )


def _pick(rng: random.Random, weights: list[int]) -> int:
    """Index drawn with probability proportional to integer ``weights``."""
    r = rng.randrange(sum(weights))
    for i, w in enumerate(weights):
        r -= w
        if r < 0:
            return i
    raise AssertionError("weights must be positive")


def _quotas(
    rng: random.Random,
    features: dict[str, list[str]],
    population: dict[tuple[str, str], float],
    people: list[dict[str, str]],
    size: int,
) -> list[tuple[str, str, int, int]]:
    have = Counter((f, p[f]) for p in people for f in features)
    rows = []
    for f, values in features.items():
        for v in values:
            target = population[(f, v)] * size
            lo = max(0, math.floor(target) - 1 - rng.randrange(2))
            hi = math.ceil(target) + 1 + rng.randrange(2)
            lo = min(lo, have[(f, v)])
            rows.append((f, v, lo, max(lo, hi)))
    return rows


def _person(i: int, values: dict[str, str]) -> dict[str, str]:
    return {"id": f"h{i:05d}", "name": f"Person {i}", "email": f"person{i}@example.org", **values}


def latent_instance(n: int, k: int, n_features: int, seed: int = 1) -> HardInstance:
    """A skewed pool of ``n`` with correlated features, quotas from population shares."""
    rng = random.Random(seed * 7919 + n * 31 + n_features)
    classes = 3
    pop_mix = [40, 35, 25]  # population share of each hidden class, in %
    respond = [6, 3, 2]  # relative response propensity of each class
    features: dict[str, list[str]] = {}
    cond: dict[str, list[list[int]]] = {}  # feature -> class -> integer weight per value
    value_respond: dict[str, list[int]] = {}  # feature -> propensity per value (units of 1/2)
    for j in range(n_features):
        name = f"f{j + 1}"
        m = 3 + rng.randrange(4)
        features[name] = [f"{name}_{v + 1}" for v in range(m)]
        table = []
        for c in range(classes):
            w = [1 + rng.randrange(9) for _ in range(m)]
            w[(c + j) % m] *= 4  # a leading value per class: the features correlate
            table.append(w)
        cond[name] = table
        value_respond[name] = [1 + rng.randrange(4) for _ in range(m)]
    population: dict[tuple[str, str], float] = {}
    for name, values in features.items():
        for v, value in enumerate(values):
            population[(name, value)] = sum(
                pop_mix[c] / 100 * cond[name][c][v] / sum(cond[name][c]) for c in range(classes)
            )
    people = []
    class_w = [pop_mix[c] * respond[c] for c in range(classes)]
    for i in range(n):
        c = _pick(rng, class_w)
        row = {}
        for name, values in features.items():
            w = [cond[name][c][v] * value_respond[name][v] for v in range(len(values))]
            row[name] = values[_pick(rng, w)]
        people.append(_person(i, row))
    inst = HardInstance(f"{n}/{k}", k, features, population, people)
    inst.quotas = _quotas(rng, features, population, people, k)
    inst.description = (
        f"latent-class pool (3 classes, response 6:3:2; value response 0.5-2x), "
        f"{n_features} features, seed {seed}"
    )
    return inst


def read_intersections(path: Path = INTERSECTIONS) -> dict[tuple[str, str, str, str], float]:
    """(category 1, value 1, category 2, value 2) -> population share, as published."""
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["category 1"], row["feature 1"], row["category 2"], row["feature 2"])
            out[key] = float(row["population share"])
    return out


def sf_e_instance(n: int = 1727, k: int = 110, seed: int = 1) -> HardInstance:
    """A synthetic pool shaped like sf_e, its population from the published pairwise shares."""
    rng = random.Random(seed * 104729 + n)
    pairs = read_intersections()
    features: dict[str, list[str]] = {}
    for c1, v1, c2, v2 in pairs:
        for c, v in ((c1, v1), (c2, v2)):
            if v not in features.setdefault(c, []):
                features[c].append(v)
    features = {c: sorted(v, key=lambda s: (len(s), s)) for c, v in sorted(features.items())}
    centre = "c"
    # joint share of (c = cv, other = ov), whichever order the file lists the pair in
    joint: dict[str, dict[str, dict[str, float]]] = {}
    for (c1, v1, c2, v2), share in pairs.items():
        if c1 == centre:
            joint.setdefault(c2, {}).setdefault(v1, {})[v2] = share
        elif c2 == centre:
            joint.setdefault(c1, {}).setdefault(v2, {})[v1] = share
    others = [f for f in features if f != centre]
    assert set(joint) == set(others), "every feature must be paired with c"
    first = others[0]
    p_centre = {cv: sum(joint[first].get(cv, {}).values()) for cv in features[centre]}
    population: dict[tuple[str, str], float] = {}
    for cv in features[centre]:
        population[(centre, cv)] = p_centre[cv]
    for f in others:
        for ov in features[f]:
            population[(f, ov)] = sum(joint[f].get(cv, {}).get(ov, 0.0) for cv in features[centre])
    # response propensity per value, units of 1/10 (0.4 to 2.5)
    levels = [4, 6, 10, 15, 25]
    respond = {(f, v): levels[rng.randrange(len(levels))] for f in features for v in features[f]}
    people = []
    for i in range(n):
        w = [max(0, round(p_centre[cv] * _UNIT)) * respond[(centre, cv)] for cv in features[centre]]
        cv = features[centre][_pick(rng, w)]
        row = {centre: cv}
        for f in others:
            given = joint[f].get(cv, {})
            w = [max(0, round(given.get(ov, 0.0) * _UNIT)) * respond[(f, ov)] for ov in features[f]]
            row[f] = features[f][_pick(rng, w)] if sum(w) else features[f][0]
        people.append(_person(i, {f: row[f] for f in features}))
    inst = HardInstance(f"sf_e/{n}/{k}", k, features, population, people)
    inst.quotas = _quotas(rng, features, population, people, k)
    inst.description = (
        "sf_e-shaped: 7 features, population shares from sf_e_110/intersections.csv, "
        f"star model around c, value response 0.4-2.5x, seed {seed}"
    )
    return inst


#: The instances of the hard benchmark: name -> generator call.
INSTANCES = {
    "300/45": lambda seed: latent_instance(300, 45, 5, seed),
    "750/112": lambda seed: latent_instance(750, 112, 7, seed),
    "sf_e/1727/110": lambda seed: sf_e_instance(1727, 110, seed),
    "2000/200": lambda seed: latent_instance(2000, 200, 6, seed),
}


def written(only: str, seed: int, outdir: Path) -> Iterator[tuple[str, HardInstance, Path, Path]]:
    """Each instance named in ``only`` (comma-separated; empty: all), made with ``seed`` and
    written under ``outdir``: its name, the instance, and its people and quotas files.
    """
    wanted = {x for x in only.split(",") if x}
    for name, make in INSTANCES.items():
        if wanted and name not in wanted:
            continue
        inst = make(seed)
        people, quotas = inst.write(outdir / name.replace("/", "_"))
        yield name, inst, people, quotas


def instances_from_command_line(
    description: str,
) -> Iterator[tuple[str, HardInstance, Path, Path]]:
    """For a probe script: parse ``--only`` and ``--seed`` and yield :func:`written`'s
    instances, written to a temporary folder that is removed afterwards.
    """
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--only", default="", help="comma-separated instance names")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        yield from written(args.only, args.seed, Path(tmp))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default="", help="comma-separated instance names")
    args = ap.parse_args()
    for _name, inst, people, quotas in written(args.only, args.seed, args.outdir):
        print(inst.summary())
        print(f"  {inst.description}\n  {people}\n  {quotas}")


if __name__ == "__main__":
    main()
