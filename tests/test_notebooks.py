"""The example notebooks run from top to bottom without error and show their plots.

Each notebook in examples/ is executed in a fresh Jupyter kernel (``python3``: jupyter_client
starts it with the interpreter running the tests, so the venv's selectie is the one imported),
with examples/ as the working directory, as a reader opening it there would run it. The
notebooks are stored without outputs; this test is what keeps them from rotting.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))

#: Seconds one cell may take before the run counts as hung (the notebooks take ~10-25 s).
CELL_TIMEOUT = 300


def _execute(path: Path) -> nbformat.NotebookNode:
    book: nbformat.NotebookNode = nbformat.read(path, as_version=4)
    client = NotebookClient(
        book,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    start = time.perf_counter()
    client.execute()
    print(f"{path.name}: {time.perf_counter() - start:.1f} s")
    return book


def _outputs(book: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [out for cell in book.cells if cell.cell_type == "code" for out in cell.outputs]


def test_there_are_three_example_notebooks() -> None:
    """examples/ holds the three notebooks the docs link to."""
    assert [p.name for p in NOTEBOOKS] == [
        "01-reproducing-bijlage4.ipynb",
        "02-changing-constraints.ipynb",
        "03-your-own-pool.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    """Stored notebooks carry no outputs or execution counts (they are run in the tests)."""
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_shows_plots(path: Path) -> None:
    """Every cell runs without error, and the notebook displays at least two PNG plots."""
    book = _execute(path)  # raises CellExecutionError naming the failing cell
    outputs = _outputs(book)
    errors = [o for o in outputs if o.output_type == "error"]
    assert errors == []
    pngs = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pngs) >= 2
    # A selection shown as a cell's value renders as HTML, not as a dataclass repr.
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("status: optimal" in h for h in html)
