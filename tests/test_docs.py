"""The documentation stays true: the CLI page matches ``--help``, the reference names every
field of the input formats, and links between pages resolve.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import BaseModel

from selectie.codebook import Attribute, Codebook, Value
from selectie.scenario import (
    Bridges,
    Combination,
    Coverage,
    GroupLimit,
    Objective,
    Quota,
    Scenario,
)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _gen_cli_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts/gen_cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_page_is_up_to_date() -> None:
    """docs/cli.md equals what scripts/gen_cli_docs.py renders from the CLI's --help."""
    gen = _gen_cli_docs()
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert current == gen.render(), (
        "docs/cli.md is stale: run `python scripts/gen_cli_docs.py` and commit the result"
    )


def test_cli_page_documents_every_command() -> None:
    """Every command and subcommand of the CLI has a section on the CLI page."""
    gen = _gen_cli_docs()
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    paths = gen.command_paths()
    assert {"select", "check", "tables", "validate"} <= {p[0] for p in paths if p}
    for path in paths:
        assert f"## `{' '.join(('selectie', *path))}`" in text


@pytest.mark.parametrize(
    "model",
    [Scenario, Quota, Coverage, Combination, GroupLimit, Bridges, Objective, Codebook, Attribute],
    ids=lambda m: m.__name__,
)
def test_reference_names_every_field(model: type[BaseModel]) -> None:
    """Every field of the scenario and codebook models is described in docs/reference.md."""
    text = (DOCS / "reference.md").read_text(encoding="utf-8")
    missing = [name for name in model.model_fields if f"`{name}`" not in text]
    assert missing == []


def test_reference_names_every_value_field() -> None:
    """The fields of a codebook value (code, label, aliases) are described."""
    text = (DOCS / "reference.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in text for name in Value.model_fields)


def test_reference_names_every_objective_kind() -> None:
    """Every objective kind has a row in the objective table."""
    text = (DOCS / "reference.md").read_text(encoding="utf-8")
    kinds = ["feasibility", "max_overlap", "match_target", "max_weight"]
    assert [k for k in kinds if f"| `{k}`" not in text] == []


LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    """Every relative link of a docs page points to a file that exists."""
    text = page.read_text(encoding="utf-8")
    targets = [m.group(1) for m in LINK.finditer(text) if "://" not in m.group(1)]
    missing = [t for t in targets if not (page.parent / t).exists()]
    assert missing == []


def _blocks(page: str, language: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


def test_getting_started_code_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python blocks of docs/getting-started.md run in order, their asserts holding."""
    monkeypatch.chdir(tmp_path)
    blocks = _blocks("getting-started.md", "python")
    assert len(blocks) >= 6
    namespace: dict[str, object] = {"__name__": "getting_started"}
    for block in blocks:
        exec(compile(block, "docs/getting-started.md", "exec"), namespace)


def test_reference_examples_are_valid(tmp_path: Path) -> None:
    """The codebook, pool, scenario and objective examples of docs/reference.md load."""
    import tomllib

    from selectie import load_pool
    from selectie.codebook import codebook_from_dict
    from selectie.scenario import scenario_from_dict

    toml_blocks = _blocks("reference.md", "toml")
    (csv_block,) = _blocks("reference.md", "csv")
    codebook = codebook_from_dict(tomllib.loads(toml_blocks[0]))
    (tmp_path / "pool.csv").write_text(csv_block, encoding="utf-8")
    pool = load_pool(tmp_path / "pool.csv", codebook)
    assert pool.ids == ("s01", "s02", "s03")
    assert pool.values["region"] == (
        frozenset({"North"}),
        frozenset({"South"}),
        frozenset({"East"}),  # written with its alias 'Oost'
    )
    assert pool.values["themes"][2] is None  # 'onbekend'
    scenarios = [b for b in toml_blocks if "size =" in b]
    assert [scenario_from_dict(tomllib.loads(b)).size for b in scenarios] == [13]
    objectives = [b for b in toml_blocks if b.startswith("[objective]")]
    kinds = [scenario_from_dict({"size": 2, **tomllib.loads(b)}).objective.kind for b in objectives]
    assert kinds == ["match_target", "max_weight"]
