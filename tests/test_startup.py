"""Start-up: the libraries a plain ``selectie select`` has no use for stay unimported.

No timing here (benchmarks/startup_bench.py measures it); these tests look at ``sys.modules``
after a real run in a fresh interpreter, so a module-level import of a heavy library anywhere
on the path of ``select`` makes them fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Libraries a plain selection on the bundled pool, printed as a table, does not need.
HEAVY = (
    "pandas",
    "networkx",
    "matplotlib",
    "shiny",
    "openpyxl",
    "xlsxwriter",
    "tomlkit",
    "babel",
    "scipy",
    "ortools",
    "dask",
    "jinja2",
)

RUN = """
import json, sys
from selectie.cli import main
sys.argv = ["selectie", *{args!r}]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
loaded = sorted({{m.split(".")[0] for m in sys.modules}})
sys.stderr.write("\\nMODULES " + json.dumps({{"code": code, "loaded": loaded}}) + "\\n")
"""


def loaded_after(*args: str, cwd: Path) -> tuple[int, set[str], str]:
    """Exit code, top-level modules loaded and standard output of ``selectie ARGS``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", RUN.format(args=list(args))],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=True,
    )
    line = proc.stderr.rsplit("MODULES ", 1)[1]
    doc = json.loads(line)
    return doc["code"], set(doc["loaded"]), proc.stdout


def test_plain_select_imports_no_heavy_library(tmp_path: Path) -> None:
    """`selectie select` on the bundled pool prints its selection without pandas or networkx."""
    code, loaded, out = loaded_after("select", cwd=tmp_path)
    assert code == 0
    assert out.startswith("Bijlage 4: optimal\n")
    assert sorted(loaded & set(HEAVY)) == []


def test_help_imports_neither_solver_nor_numpy(tmp_path: Path) -> None:
    """`selectie select --help` needs the command line only."""
    code, loaded, out = loaded_after("select", "--help", cwd=tmp_path)
    assert code == 0
    assert out.startswith("Usage: ")
    assert sorted(loaded & {*HEAVY, "pulp", "highspy", "numpy", "tabulate"}) == []


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_need_no_pandas(tmp_path: Path, fmt: str) -> None:
    """A selection as CSV or JSON is written without pandas."""
    code, loaded, _ = loaded_after("select", "--format", fmt, cwd=tmp_path)
    assert code == 0
    assert sorted(loaded & set(HEAVY)) == []


def test_the_guard_sees_a_heavy_import(tmp_path: Path) -> None:
    """The check can fail: an output that makes a DataFrame does import pandas."""
    code, loaded, _ = loaded_after("select", "--format", "latex", cwd=tmp_path)
    assert code == 0
    assert "pandas" in loaded
