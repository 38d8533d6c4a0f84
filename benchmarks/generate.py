#!/usr/bin/env python3
"""Generate pools of any size with the shape of the WODC pool, for benchmarks.

Every attribute of the bundled codebook (data/wodc_codebook.toml) gets a column, single- and
multi-valued alike, plus the id, name and extra columns; the file is a CSV that
:func:`selectie.load_pool` reads with the default codebook.

Distributions are the skewed, dependent ones of the bundled pool's synthetic rows
(scripts/build_pool.py): regions in proportion to the 2018 budgets, the cluster shifted by
region, themes by cluster, type by region, theory criteria led by the type, partners by cluster,
and so on. A codebook attribute that script does not draw gets a Zipf-like draw over its
codes. On top of that, about 2 % of the cells of optional attributes say ``onbekend``
(unknown), as cells of real rows do, and a few rows carry a note.

Values are always written as the codebook's codes, so a plain pandas reader (the hand-written
model of ``engine_bench.py``) sees the same data as selectie.

The output is deterministic: the same size and seed give the same bytes. Only integer draws
(``random.Random.randrange``) are used, whose results do not depend on the Python version.

Usage (from the repository root):

    python benchmarks/generate.py 10000 pool-10k.csv            # seed 1
    python benchmarks/generate.py 10000 pool-10k.csv --seed 7
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import random
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUILD_POOL = ROOT / "scripts" / "build_pool.py"

#: One cell in this many of an optional attribute is written as unknown.
UNKNOWN_ONE_IN = 50
#: One row in this many carries a note.
NOTE_ONE_IN = 20


@cache
def _build_pool() -> ModuleType:
    """scripts/build_pool.py, whose distributions the bundled synthetic rows follow."""
    spec = importlib.util.spec_from_file_location("_selectie_build_pool", BUILD_POOL)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {BUILD_POOL}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _zipf(codes: tuple[str, ...]) -> dict[str, int]:
    """Integer weights 60/1, 60/2, ... over codes in codebook order (a skewed default)."""
    return {c: max(1, 60 // (k + 1)) for k, c in enumerate(codes)}


def generate(size: int, *, seed: int = 1) -> str:
    """The text of a pool of ``size`` generated rows (CSV, header included).

    >>> text = generate(3, seed=1)
    >>> text.splitlines()[0].split(",")[:4]
    ['id', 'name', 'regio', 'cluster']
    >>> len(text.splitlines())
    4
    """
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    from selectie import load_codebook

    bp = _build_pool()
    cb = load_codebook()
    rng = random.Random(seed)
    unknown = cb.unknown
    sep = cb.separator
    header = list(cb.columns)
    attrs = {a.name: a for a in cb.attributes}
    drawn_by_script = [a for a in bp.ATTRIBUTE_ORDER if a in attrs]
    own = [
        a.name
        for a in cb.attributes
        if a.name not in drawn_by_script and a.name not in ("regio", "source", "selected_in_report")
    ]
    regions = {r: w for r, w in bp.REGION_TARGETS.items() if r in attrs["regio"].codes}
    width = len(str(size))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for n in range(1, size + 1):
        case_id = f"G{n:0{width}d}"
        regio = bp.pick(rng, regions)
        row: dict[str, Any] = {
            cb.id_column: case_id,
            "regio": regio,
            "source": "synthetisch",
            "selected_in_report": "nee",
        }
        if cb.label_column:
            row[cb.label_column] = f"Gegenereerd project {case_id} ({regio})"
        for name in drawn_by_script:
            row[name] = bp.draw(rng, name, row)
        for name in own:
            attr = attrs[name]
            if attr.multi:
                k = 1 + rng.randrange(min(3, len(attr.codes)))
                picked: list[str] = []
                weights = _zipf(attr.codes)
                while len(picked) < k:
                    v = bp.pick(rng, weights)
                    picked.append(v)
                    del weights[v]
                row[name] = [c for c in attr.codes if c in picked]
            else:
                row[name] = bp.pick(rng, _zipf(attr.codes))
        cells = []
        for col in header:
            value = row.get(col, "")
            attr = attrs.get(col)
            if attr is not None and not attr.required and rng.randrange(UNKNOWN_ONE_IN) == 0:
                value = unknown
            elif isinstance(value, list):
                value = sep.join(value)
            cells.append(value)
        if "source_ref" in header:
            cells[header.index("source_ref")] = f"benchmarks/generate.py (seed {seed})"
        if "notes" in header and rng.randrange(NOTE_ONE_IN) == 0:
            cells[header.index("notes")] = "Generated row, not a real project."
        writer.writerow(cells)
    return out.getvalue()


def write(path: str | Path, size: int, *, seed: int = 1) -> Path:
    """Write a generated pool to ``path`` (UTF-8 CSV) and return the path."""
    p = Path(path)
    p.write_bytes(generate(size, seed=seed).encode("utf-8"))
    return p


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int, help="number of rows")
    parser.add_argument("output", type=Path, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("size must be at least 1")
    write(args.output, args.size, seed=args.seed)
    print(f"wrote {args.output} ({args.size} rows, seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
