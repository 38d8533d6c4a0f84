#!/usr/bin/env python3
"""Build data/projects_126.csv: the hand-coded rows plus seeded synthetic rows.

The WODC report (Nelen et al., 2021, Bijlage 4) scored 126 projects but published only the 13
it selected. data/sources/coded_projects.csv holds every row we could code from real sources
(the 13 report projects, publicly documented projects, and projects the report names without
describing). This script adds synthetic rows until the pool has exactly 126 rows, so that the
selection of the report can be replayed on a pool of the size the researchers had.

Synthetic rows are not real projects. Their id starts with S, their name says "Synthetisch
project", their source is "synthetisch" and selected_in_report is "nee".

The output is deterministic byte for byte: the same source file and seed always give the same
data/projects_126.csv. Only integer draws (random.Random.randrange) are used, whose results do
not depend on the Python version, and no set or hash ordering is involved.

Usage (from the repository root):

    python scripts/build_pool.py            # (re)write data/projects_126.csv
    python scripts/build_pool.py --check    # exit 1 if data/projects_126.csv is out of date

Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "sources" / "coded_projects.csv"
OUTPUT = ROOT / "data" / "projects_126.csv"

SEED = 20190101  # 1 January 2019: the start of the versterkingsgelden period
POOL_SIZE = 126  # "een overzicht ... van 126 projecten" (report §2.4 and Bijlage 4)
UNKNOWN = "onbekend"
SEP = "|"

# fmt: off
# (the tables below are kept compact on purpose)
COLUMNS = [
    "id", "name", "regio", "cluster", "crime_script", "theorie", "partners", "innovatie",
    "focus", "type", "geografisch_niveau", "riec_pijler", "thema", "status", "source",
    "selected_in_report", "source_ref", "notes", "assumed",
]

# --------------------------------------------------------------------------------------------
# The codebook's values (data/wodc_codebook.toml), in codebook order. Multi-valued cells are
# written in this order. Keep in step with the codebook.
# --------------------------------------------------------------------------------------------
VALUES: dict[str, list[str]] = {
    "regio": [
        "Amsterdam-Amstelland", "Zeeland-Brabant", "Den Haag", "Rotterdam", "Limburg",
        "Oost-Nederland", "Noord-Nederland", "Noord-Holland", "Midden-Nederland",
        "Landelijke partners",
    ],
    "cluster": [
        "risicolocaties", "kwetsbare gebieden", "weerbare overheid", "weerbare samenleving",
        "geldstromen", "overkoepelend",
    ],
    "crime_script": [
        "preparation", "entry", "pre-condition", "actualization", "doing", "post-condition",
        "exit",
    ],
    "theorie": [
        "context en gelegenheid", "intelligence", "organisatie en management", "uitvoerkracht",
        "borging",
    ],
    "partners": ["publiek", "privaat", "publiek-privaat"],
    "innovatie": ["innovatief", "voortbouwend"],
    "focus": ["preventie", "repressie", "preventie en repressie", "niet duidelijk"],
    "type": [
        "ICT-tool", "proeftuin", "management", "controle en handhaving", "integraal team",
        "fenomeenonderzoek", "opleiding", "allerhande",
    ],
    "geografisch_niveau": ["district", "regio", "landelijk", "internationaal"],
    "riec_pijler": [
        "Intelligence & Analyse", "Flexibele Uitvoeringskracht", "Duurzame Samenwerking",
        "Kennis & Expertise", "Bestuurlijke Weerbaarheid",
    ],
    "thema": [
        "vastgoed", "bedrijventerreinen", "buitengebied", "vakantieparken", "zeehavens",
        "luchthavens", "jonge aanwas", "financiële facilitators", "witwassen", "drugsproductie",
        "drugshandel", "uitbuiting", "criminele netwerken", "bestuurlijke weerbaarheid",
        "kwetsbare wijken", "risicobranches", "afpakken",
    ],
}
MULTI = {"crime_script", "theorie", "riec_pijler", "thema"}

# --------------------------------------------------------------------------------------------
# Target number of rows per region (real + synthetic), proportional to the ondermijningsfonds
# budgets of November 2018 (EUR 100m: 85m for the regions, 15m for the national partners):
#
#   region                 budget (EUR m)                          share x 126   rows
#   Zeeland-Brabant        20.5 (the +4m top-up not counted)          25.83       26
#   Rotterdam              11.0                                       13.86       14
#   Midden-Nederland        9.24                                      11.64       11
#   Oost-Nederland          9.0 (about)                               11.34       11
#   Amsterdam-Amstelland    8.0 (">8m")                               10.08       10
#   Noord-Holland           9.0 (assumed: 0.75 -> 4.5m a year)        11.34       11
#   Den Haag                6.09 (assumed: equal share of the rest)    7.67        8
#   Limburg                 6.09 (idem)                                7.67        8
#   Noord-Nederland         6.09 (idem)                                7.67        8
#   Landelijke partners    15.0                                       18.90       19
#   total                 100.0                                      126.00      126
#
# Rows = largest-remainder rounding of budget / 100 x 126. The budgets of Den Haag, Limburg and
# Noord-Nederland are not public: they share equally what remains of the 85m.
# --------------------------------------------------------------------------------------------
REGION_TARGETS: dict[str, int] = {
    "Amsterdam-Amstelland": 10,
    "Zeeland-Brabant": 26,
    "Den Haag": 8,
    "Rotterdam": 14,
    "Limburg": 8,
    "Oost-Nederland": 11,
    "Noord-Nederland": 8,
    "Noord-Holland": 11,
    "Midden-Nederland": 11,
    "Landelijke partners": 19,
}

# --------------------------------------------------------------------------------------------
# Distributions of the synthetic rows. Weights are integers (relative frequencies). Each
# attribute is drawn for all synthetic rows in turn, in the order of ATTRIBUTE_ORDER, so an
# attribute may depend on those drawn before it. After each attribute a repair step makes every
# value occur at least MIN_COUNT times in the whole pool (real rows included) and keeps the rare
# values within RARE_BOUNDS; the next attributes are drawn after the repair, so they stay
# consistent with it.
# --------------------------------------------------------------------------------------------
MIN_COUNT = 3
RARE_BOUNDS = {  # (attribute, value): (min, max) rows in the whole pool
    ("geografisch_niveau", "internationaal"): (3, 6),
    ("type", "opleiding"): (3, 6),
    ("partners", "privaat"): (3, 6),
}

# How many values a multi-valued cell gets (1 to 3).
N_VALUES = {1: 45, 2: 40, 3: 15}

# Cluster: a base spread, shifted by region (ports and airports in Rotterdam, Noord-Holland and
# Zeeland-Brabant; rural areas in the south and east; national partners on money flows,
# mainports and overarching themes).
CLUSTER_BASE = {
    "risicolocaties": 14, "kwetsbare gebieden": 20, "weerbare overheid": 16,
    "weerbare samenleving": 20, "geldstromen": 14, "overkoepelend": 16,
}
CLUSTER_SHIFT = {
    "Rotterdam": {"risicolocaties": 12},
    "Noord-Holland": {"risicolocaties": 10},
    "Zeeland-Brabant": {"risicolocaties": 8, "kwetsbare gebieden": 8},
    "Limburg": {"kwetsbare gebieden": 8},
    "Oost-Nederland": {"kwetsbare gebieden": 10},
    "Midden-Nederland": {"kwetsbare gebieden": 6, "weerbare samenleving": 4},
    "Amsterdam-Amstelland": {"weerbare samenleving": 8, "geldstromen": 6},
    "Den Haag": {"weerbare samenleving": 6},
    "Noord-Nederland": {"weerbare overheid": 6},
    "Landelijke partners": {
        "geldstromen": 12, "risicolocaties": 8, "overkoepelend": 8,
        "kwetsbare gebieden": -12, "weerbare samenleving": -12,
    },
}

# Theme by cluster (1 to 3 themes a row).
THEMA_BY_CLUSTER = {
    "risicolocaties": {
        "zeehavens": 8, "luchthavens": 5, "drugshandel": 7, "witwassen": 2,
        "criminele netwerken": 2, "uitbuiting": 1, "risicobranches": 2,
        "bestuurlijke weerbaarheid": 1,
    },
    "kwetsbare gebieden": {
        "buitengebied": 7, "vakantieparken": 5, "bedrijventerreinen": 6, "drugsproductie": 6,
        "vastgoed": 2, "uitbuiting": 2,
    },
    "weerbare overheid": {
        "bestuurlijke weerbaarheid": 10, "vastgoed": 2, "criminele netwerken": 2, "witwassen": 1,
    },
    "weerbare samenleving": {
        "jonge aanwas": 8, "kwetsbare wijken": 7, "drugshandel": 3, "uitbuiting": 3,
        "risicobranches": 3, "vastgoed": 1,
    },
    "geldstromen": {
        "witwassen": 8, "financiële facilitators": 5, "vastgoed": 5, "afpakken": 5,
        "risicobranches": 2, "criminele netwerken": 1,
    },
    "overkoepelend": {
        "criminele netwerken": 5, "drugshandel": 3, "drugsproductie": 2, "witwassen": 2,
        "bestuurlijke weerbaarheid": 2, "uitbuiting": 2, "vastgoed": 1,
    },
}

# Type of project; national partners run relatively more research and ICT.
TYPE_BASE = {
    "ICT-tool": 8, "proeftuin": 10, "management": 8, "controle en handhaving": 14,
    "integraal team": 14, "fenomeenonderzoek": 9, "opleiding": 2, "allerhande": 22,
}
TYPE_SHIFT = {"Landelijke partners": {"fenomeenonderzoek": 4, "ICT-tool": 4}}

# Theory-driven criteria (1 to 3 a row): the first follows from the type, the rest from the base.
THEORIE_BASE = {
    "context en gelegenheid": 4, "intelligence": 6, "organisatie en management": 3,
    "uitvoerkracht": 5, "borging": 5,
}
THEORIE_BY_TYPE = {
    "ICT-tool": "intelligence",
    "management": "organisatie en management",
    "controle en handhaving": "uitvoerkracht",
    "integraal team": "uitvoerkracht",
    "fenomeenonderzoek": "intelligence",
    "opleiding": "borging",
    # proeftuin and allerhande: first value from THEORIE_BASE
}

# Partners: public-private most common, private only rare; integrity projects mostly public,
# mainport projects mostly public-private.
PARTNERS_BASE = {"publiek": 42, "privaat": 2, "publiek-privaat": 56}
PARTNERS_SHIFT = {
    "weerbare overheid": {"publiek": 28, "publiek-privaat": -28},
    "risicolocaties": {"publiek": -14, "publiek-privaat": 14},
}

INNOVATIE_BASE = {"innovatief": 45, "voortbouwend": 55}
INNOVATIE_SHIFT = {
    "proeftuin": {"innovatief": 40, "voortbouwend": -40},
    "ICT-tool": {"innovatief": 20, "voortbouwend": -20},
}

FOCUS_BASE = {"preventie": 24, "repressie": 22, "preventie en repressie": 38, "niet duidelijk": 16}
FOCUS_SHIFT = {  # by type
    "controle en handhaving": {"repressie": 20},
    "integraal team": {"repressie": 10},
    "opleiding": {"preventie": 30},
    "management": {"niet duidelijk": 15},
    "fenomeenonderzoek": {"niet duidelijk": 10},
}

# Geographical level: regional plans mostly district or region, national partners national.
GEO_REGIONAL = {"district": 38, "regio": 52, "landelijk": 8, "internationaal": 1}
GEO_NATIONAL = {"district": 0, "regio": 8, "landelijk": 84, "internationaal": 8}

# Crime-script phases (1 to 3 a row): the first follows from the cluster, the rest from the base.
CRIME_SCRIPT_BASE = {
    "preparation": 3, "entry": 4, "pre-condition": 3, "actualization": 3, "doing": 4,
    "post-condition": 3, "exit": 4,
}
CRIME_SCRIPT_BY_CLUSTER = {
    "risicolocaties": "doing",
    "kwetsbare gebieden": "pre-condition",
    "weerbare overheid": "preparation",
    "weerbare samenleving": "entry",
    "geldstromen": "exit",
    # overkoepelend: first value from CRIME_SCRIPT_BASE
}

# RIEC pillars (1 to 3 a row): the first follows from the first theory value (or from the
# cluster weerbare overheid), the rest from the base.
PIJLER_BASE = {
    "Intelligence & Analyse": 5, "Flexibele Uitvoeringskracht": 4, "Duurzame Samenwerking": 4,
    "Kennis & Expertise": 4, "Bestuurlijke Weerbaarheid": 3,
}
PIJLER_BY_THEORIE = {
    "context en gelegenheid": "Bestuurlijke Weerbaarheid",
    "intelligence": "Intelligence & Analyse",
    "organisatie en management": "Duurzame Samenwerking",
    "uitvoerkracht": "Flexibele Uitvoeringskracht",
    "borging": "Kennis & Expertise",
}

ATTRIBUTE_ORDER = [
    "cluster", "thema", "type", "theorie", "partners", "innovatie", "focus",
    "geografisch_niveau", "crime_script", "riec_pijler",
]
# fmt: on


# --------------------------------------------------------------------------------------------
# Drawing helpers (integer draws only)
# --------------------------------------------------------------------------------------------
def shifted(base: dict[str, int], shift: dict[str, int] | None) -> dict[str, int]:
    """Base weights plus a shift, never below zero; keys keep the base order."""
    shift = shift or {}
    return {k: max(0, w + shift.get(k, 0)) for k, w in base.items()}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    """One key drawn with probability proportional to its integer weight."""
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("no positive weight to draw from")
    r = rng.randrange(total)
    for key, w in weights.items():
        if r < w:
            return key
        r -= w
    raise AssertionError("unreachable")


def shuffled(rng: random.Random, items: list[str]) -> list[str]:
    """A Fisher-Yates shuffle written out, so it rests on randrange alone."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = rng.randrange(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def in_order(attr: str, values: list[str]) -> list[str]:
    order = VALUES[attr]
    return sorted(set(values), key=order.index)


def pick_several(
    rng: random.Random, attr: str, weights: dict[str, int], first: str | None = None
) -> list[str]:
    """1-3 distinct values: `first` (if given) and further draws without replacement."""
    n = int(pick(rng, {str(k): w for k, w in N_VALUES.items()}))
    chosen = [first] if first else []
    pool = {k: w for k, w in weights.items() if w > 0 and k not in chosen}
    while len(chosen) < n and pool:
        v = pick(rng, pool)
        chosen.append(v)
        del pool[v]
    return in_order(attr, chosen)


# --------------------------------------------------------------------------------------------
# Drawing one attribute for one synthetic row
# --------------------------------------------------------------------------------------------
def draw(rng: random.Random, attr: str, row: dict[str, object]) -> object:
    regio = str(row["regio"])
    if attr == "cluster":
        return pick(rng, shifted(CLUSTER_BASE, CLUSTER_SHIFT.get(regio)))
    if attr == "thema":
        return pick_several(rng, attr, THEMA_BY_CLUSTER[str(row["cluster"])])
    if attr == "type":
        return pick(rng, shifted(TYPE_BASE, TYPE_SHIFT.get(regio)))
    if attr == "theorie":
        first = THEORIE_BY_TYPE.get(str(row["type"])) or pick(rng, THEORIE_BASE)
        return pick_several(rng, attr, THEORIE_BASE, first)
    if attr == "partners":
        return pick(rng, shifted(PARTNERS_BASE, PARTNERS_SHIFT.get(str(row["cluster"]))))
    if attr == "innovatie":
        return pick(rng, shifted(INNOVATIE_BASE, INNOVATIE_SHIFT.get(str(row["type"]))))
    if attr == "focus":
        return pick(rng, shifted(FOCUS_BASE, FOCUS_SHIFT.get(str(row["type"]))))
    if attr == "geografisch_niveau":
        return pick(rng, GEO_NATIONAL if regio == "Landelijke partners" else GEO_REGIONAL)
    if attr == "crime_script":
        cluster = str(row["cluster"])
        first = CRIME_SCRIPT_BY_CLUSTER.get(cluster) or pick(rng, CRIME_SCRIPT_BASE)
        return pick_several(rng, attr, CRIME_SCRIPT_BASE, first)
    if attr == "riec_pijler":
        theorie = row["theorie"]
        assert isinstance(theorie, list)
        if row["cluster"] == "weerbare overheid":
            first = "Bestuurlijke Weerbaarheid"
        else:
            first = PIJLER_BY_THEORIE[theorie[0]]
        return pick_several(rng, attr, PIJLER_BASE, first)
    raise KeyError(attr)


# --------------------------------------------------------------------------------------------
# Counting and repairing
# --------------------------------------------------------------------------------------------
def cell_values(attr: str, cell: object) -> list[str]:
    """The values a cell counts for; `onbekend` and empty cells count for nothing."""
    if isinstance(cell, list):
        return cell
    text = str(cell).strip()
    if text in (UNKNOWN, ""):
        return []
    return text.split(SEP) if attr in MULTI else [text]


def count(attr: str, real: list[dict[str, str]], synth: list[dict[str, object]]) -> dict[str, int]:
    counts = dict.fromkeys(VALUES[attr], 0)
    for row in [*real, *synth]:
        for v in cell_values(attr, row[attr]):
            counts[v] += 1
    return counts


def bounds(attr: str, value: str) -> tuple[int, int | None]:
    return RARE_BOUNDS.get((attr, value), (MIN_COUNT, None))


def plausible(attr: str, value: str, row: dict[str, object]) -> bool:
    """Whether `value` fits the attributes drawn before `attr` (used to prefer repair rows)."""
    if attr == "thema":
        return THEMA_BY_CLUSTER[str(row["cluster"])].get(value, 0) > 0
    if attr == "geografisch_niveau":
        table = GEO_NATIONAL if row["regio"] == "Landelijke partners" else GEO_REGIONAL
        return table[value] > 0
    return True


def repair(
    rng: random.Random, attr: str, real: list[dict[str, str]], synth: list[dict[str, object]]
) -> None:
    """Make every value of `attr` occur within its bounds in the whole pool.

    Values below their minimum are given to synthetic rows (preferring rows where they are
    plausible), taking them from values that stay above their own minimum. Rare values above
    their maximum are replaced by a value that is not rare.
    """
    multi = attr in MULTI
    counts = count(attr, real, synth)

    def can_give(v: str) -> bool:
        lo, _ = bounds(attr, v)
        return counts[v] > lo

    # too many of a rare value
    for value in VALUES[attr]:
        _, hi = bounds(attr, value)
        if hi is None:
            continue
        for row in shuffled_rows(rng, synth):
            if counts[value] <= hi:
                break
            cell = row[attr]
            if multi:
                assert isinstance(cell, list)
                if value in cell and len(cell) > 1:
                    cell.remove(value)
                    counts[value] -= 1
            elif cell == value:
                common = [v for v in VALUES[attr] if (attr, v) not in RARE_BOUNDS]
                new = max(common, key=lambda v: (-counts[v], -VALUES[attr].index(v)))
                row[attr] = new
                counts[value] -= 1
                counts[new] += 1

    # too few of a value
    for value in VALUES[attr]:
        lo, _ = bounds(attr, value)
        if counts[value] >= lo:
            continue
        order = shuffled_rows(rng, synth)
        candidates = [r for r in order if plausible(attr, value, r)]
        candidates += [r for r in order if not plausible(attr, value, r)]
        for row in candidates:
            if counts[value] >= lo:
                break
            cell = row[attr]
            if multi:
                assert isinstance(cell, list)
                if value in cell:
                    continue
                if len(cell) < 3:
                    cell.append(value)
                else:
                    givers = [v for v in cell if can_give(v)]
                    if not givers:
                        continue
                    cell.remove(givers[0])
                    counts[givers[0]] -= 1
                    cell.append(value)
                row[attr] = in_order(attr, cell)
                counts[value] += 1
            else:
                old = str(cell)
                if old == value or not can_give(old):
                    continue
                row[attr] = value
                counts[old] -= 1
                counts[value] += 1
        if counts[value] < lo:
            raise SystemExit(f"cannot give {attr}={value!r} {lo} rows")


def shuffled_rows(rng: random.Random, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    order = shuffled(rng, [str(i) for i in range(len(rows))])
    return [rows[int(i)] for i in order]


# --------------------------------------------------------------------------------------------
# Building the pool
# --------------------------------------------------------------------------------------------
def read_coded(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != COLUMNS:
            raise SystemExit(f"{path}: expected columns {COLUMNS}, found {reader.fieldnames}")
        rows = list(reader)
    ids = [r["id"] for r in rows]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SystemExit(f"{path}: duplicate ids {dupes}")
    for r in rows:
        if r["id"][:1] not in "ROA" or r["source"] == "synthetisch":
            raise SystemExit(f"{path}: row {r['id']} is not a coded (R, O or A) row")
    prefix_order = {"R": 0, "O": 1, "A": 2}
    return sorted(rows, key=lambda r: (prefix_order[r["id"][0]], int(r["id"][1:])))


def build(source: Path, seed: int) -> str:
    """The text of the pool: coded rows, then synthetic rows up to POOL_SIZE."""
    if sum(REGION_TARGETS.values()) != POOL_SIZE:
        raise SystemExit("REGION_TARGETS does not add up to POOL_SIZE")
    real = read_coded(source)
    rng = random.Random(seed)

    # regions of the synthetic rows, grouped in codebook order
    regions: list[str] = []
    for regio in VALUES["regio"]:
        have = sum(1 for r in real if r["regio"] == regio)
        need = REGION_TARGETS[regio] - have
        if need < 0:
            raise SystemExit(
                f"{regio}: {have} coded rows, more than the target {REGION_TARGETS[regio]}"
            )
        regions += [regio] * need

    synth: list[dict[str, object]] = []
    for n, regio in enumerate(regions, start=1):
        sid = f"S{n:03d}"
        synth.append(
            {
                "id": sid,
                "name": f"Synthetisch project {sid} ({regio})",
                "regio": regio,
                "source": "synthetisch",
                "selected_in_report": "nee",
                "source_ref": f"scripts/build_pool.py (seed {seed})",
                "notes": "Synthetic row, not a real project.",
                # The status is known only for the report's projects: never drawn.
                "status": UNKNOWN,
                "assumed": "",
            }
        )

    for attr in ATTRIBUTE_ORDER:
        for row in synth:
            row[attr] = draw(rng, attr, row)
        repair(rng, attr, real, synth)

    # final checks
    if len(real) + len(synth) != POOL_SIZE:
        raise SystemExit("pool size is not POOL_SIZE")
    for attr in ["regio", *ATTRIBUTE_ORDER]:
        counts = count(attr, real, synth)
        for value, c in counts.items():
            lo, hi = bounds(attr, value)
            if c < lo or (hi is not None and c > hi):
                raise SystemExit(f"{attr}={value!r}: {c} rows, outside [{lo}, {hi}]")

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in real:
        writer.writerow([row[c] for c in COLUMNS])
    for srow in synth:
        writer.writerow(
            [SEP.join(v) if isinstance(v, list) else str(v) for v in (srow[c] for c in COLUMNS)]
        )
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="hand-coded rows (CSV)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="pool to write (CSV)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild in memory and exit 1 if the output file differs (writes nothing)",
    )
    args = parser.parse_args(argv)
    text = build(args.source, args.seed)
    data = text.encode("utf-8")
    if args.check:
        if not args.output.is_file():
            print(f"{args.output}: missing; run python scripts/build_pool.py", file=sys.stderr)
            return 1
        if args.output.read_bytes() != data:
            print(f"{args.output}: out of date; run python scripts/build_pool.py", file=sys.stderr)
            return 1
        print(f"{args.output}: up to date")
        return 0
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
