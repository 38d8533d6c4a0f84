"""Run one sortition-algorithms distribution in its own environment and print JSON.

Executed by ``benchmarks/sortition_bench.py`` with the Python of a separate virtual environment
that has ``sortition-algorithms`` installed (it is never a dependency of selectie). It only
calls that package's public functions: read the quotas and people CSV files, compute the
maximin (or leximin, or Nash welfare) distribution, and report the wall time, the CPU time
of this process (HiGHS and CBC run inside it) and each person's probability on a line
starting with MARK.

Usage: python _sortition_peer.py FEATURES_CSV PEOPLE_CSV K ALGORITHM BACKEND ID_COLUMN
"""

from __future__ import annotations

import csv
import json
import sys
import time

#: The result line starts with this (the package prints its own messages too).
MARK = "@@sortition-peer-result "


def main() -> None:
    features_csv, people_csv, k, algorithm, backend, id_column = sys.argv[1:7]
    number = int(k)
    from sortition_algorithms import committee_generation as cg
    from sortition_algorithms.features import read_in_features
    from sortition_algorithms.people import read_in_people
    from sortition_algorithms.settings import Settings

    with open(features_csv, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        features, _, _ = read_in_features(list(reader.fieldnames or []), list(reader))
    with open(people_csv, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        head = list(reader.fieldnames or [])
        rows = list(reader)
    keep = [h for h in head if h != id_column and h not in features]
    settings = Settings(id_column=id_column, columns_to_keep=keep, solver_backend=backend)
    people, _ = read_in_people(head, rows, features, settings)

    start = time.perf_counter()
    cpu_start = time.process_time()
    if algorithm == "maximin":
        committees, probs, _ = cg.find_distribution_maximin(features, people, number, [], backend)
    elif algorithm == "leximin":
        if not cg.GUROBI_AVAILABLE:
            print(MARK + json.dumps({"skipped": "leximin in sortition-algorithms needs Gurobi"}))
            return
        committees, probs, _ = cg.find_distribution_leximin(features, people, number, [])
    elif algorithm == "nash":
        committees, probs, _ = cg.find_distribution_nash(features, people, number, [], backend)
    else:
        raise SystemExit(f"unknown algorithm {algorithm!r}")
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start

    marginal = dict.fromkeys(people, 0.0)
    for committee, p in zip(committees, probs, strict=True):
        for person in committee:
            marginal[person] += p
    print(
        MARK
        + json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "committees": len(committees),
                "probabilities": marginal,
            }
        )
    )


if __name__ == "__main__":
    main()
