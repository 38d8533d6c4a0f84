"""What a notebook user gets without the CLI: the bundled scenarios by name, the selection-file
reader, the run manifest; and the WODC module standing apart from the pool.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from selectie import (
    BUNDLED_SCENARIOS,
    Pool,
    load_pool,
    load_scenario,
    read_selection,
    select,
    selection_manifest,
)
from selectie.errors import InputError

ROOT = Path(__file__).parent.parent


def test_bundled_scenarios_load_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each bundled name loads the file in examples/, from any folder."""
    monkeypatch.chdir(tmp_path)
    assert BUNDLED_SCENARIOS == ("bijlage4", "bijlage4-exact", "bijlage4-spread")
    for name in BUNDLED_SCENARIOS:
        assert load_scenario(name) == load_scenario(ROOT / "examples" / f"{name}.toml")


def test_a_file_wins_over_a_bundled_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file called like a bundled scenario in the current folder is read, not the bundle."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bijlage4").write_text("size = 3\n", encoding="utf-8")
    assert load_scenario("bijlage4").size == 3


def test_read_selection_forms(tmp_path: Path) -> None:
    """One id per line, a CSV with the id column, and select's JSON give the same ids."""
    pool = load_pool()
    lines = tmp_path / "a.txt"
    lines.write_text("# chosen\nid\nR01\nR02\n", encoding="utf-8")
    table = tmp_path / "b.csv"
    table.write_text("name,id\nx,R01\ny,R02\n", encoding="utf-8")
    doc = tmp_path / "c.json"
    doc.write_text(json.dumps({"selected": ["R01", "R02"], "status": "optimal"}), "utf-8")
    assert [read_selection(p, pool) for p in (lines, table, doc)] == [["R01", "R02"]] * 3


def test_read_selection_csv_without_id_column(tmp_path: Path) -> None:
    """A CSV without the codebook's id column is refused, naming the columns it has."""
    path = tmp_path / "sel.csv"
    path.write_text("name,code\nx,R01\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_selection(path, load_pool())
    assert str(err.value).startswith(
        f"selection file {str(path)!r}: the CSV has no 'id' column (columns: name, code)"
    )


def test_selection_manifest_equals_the_cli_manifest(tmp_path: Path, wodc_pool: Pool) -> None:
    """The manifest of a selection made in Python is the one `selectie select -f json` writes
    (the same files, digests, solver, seed and scenario).
    """
    from typer.testing import CliRunner

    from selectie._resources import example_file
    from selectie.cli import app

    out = tmp_path / "sel.json"
    result = CliRunner().invoke(app, ["select", "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    cli_manifest = json.loads(out.read_text(encoding="utf-8"))["manifest"]
    sel = select(wodc_pool, load_scenario())
    assert selection_manifest(sel, scenario_file=example_file("bijlage4.toml")) == cli_manifest


def test_models_does_not_import_the_pool() -> None:
    """selectie.models and selectie.wodc import nothing of selectie.pool, not even for types,
    so the pool module (which offers Pool.projects()) and the models form no cycle.
    """
    for name in ("models.py", "wodc.py"):
        tree = ast.parse((ROOT / "selectie" / name).read_text(encoding="utf-8"))
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module is not None
        }
        assert "pool" not in imported, name
