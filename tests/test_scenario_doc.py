"""`scenario show` edits the scenario file's own text: order and comments kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

from typer.testing import CliRunner

from selectie import load_scenario
from selectie.cli import app
from selectie.scenario import Quota, scenario_from_dict
from selectie.scenario_doc import edited_toml

ROOT = Path(__file__).resolve().parents[1]
BIJLAGE4 = ROOT / "examples" / "bijlage4.toml"


def test_show_keeps_comments_and_order() -> None:
    """The bundled scenario's comments survive; --size changes the one line; --min appends."""
    result = CliRunner().invoke(
        app, ["scenario", "show", "--size", "15", "--min", "regio=Limburg:2"]
    )
    assert result.exit_code == 0
    out = result.stdout
    original = BIJLAGE4.read_text(encoding="utf-8")
    comments = [ln for ln in original.splitlines() if ln.startswith("#")]
    assert all(c in out for c in comments)
    lines = out.splitlines()
    assert "size = 15" in lines and "size = 13" not in lines
    keys = [ln.split()[0] for ln in out.splitlines() if ln.startswith("[")]
    want = [ln.split()[0] for ln in original.splitlines() if ln.startswith("[")]
    assert keys[: want.index("[[coverage]]")] == want[: want.index("[[coverage]]")]
    back = scenario_from_dict(tomllib.loads(out))
    expected = (
        load_scenario()
        .with_size(15)
        .with_quota(Quota(attribute="regio", values=("Limburg",), min=2))
    )
    assert back == expected


def test_removed_and_replaced_values() -> None:
    """A value a change removes disappears; one it changes is replaced where it stood."""
    text = 'size = 5  # five\ninclude = ["a"]\n\n[objective]\nkind = "max_overlap"  # spread\n'
    sc = scenario_from_dict(tomllib.loads(text))
    new = sc.model_copy(update={"include": ()}).with_size(6)
    out = edited_toml(text, new)
    assert out.startswith("size = 6  # five\n")
    assert "include" not in out
    assert 'kind = "max_overlap"  # spread' in out
    assert scenario_from_dict(tomllib.loads(out)) == new
