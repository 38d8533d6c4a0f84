"""Scenarios: the TOML format, validation messages, immutable changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from selectie import Coverage, Objective, Quota, Scenario, ScenarioError, load_scenario
from selectie.scenario import scenario_from_dict


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_bundled_bijlage4_scenario() -> None:
    """The bundled scenario asks 13 projects, one per region and the five clusters, states
    no objective and prefers documented projects.
    """
    s = load_scenario()
    assert s.size == 13
    assert s.quotas[0].attribute == "regio" and s.quotas[0].min == 1
    assert len(s.quotas[1].values or ()) == 5
    assert s.objective.kind == "feasibility"
    assert [p.attribute for p in s.prefer] == ["source"]
    assert "synthetisch" not in s.prefer[0].values


@pytest.mark.parametrize("name", ["bijlage4.toml", "bijlage4-exact.toml", "bijlage4-spread.toml"])
def test_toml_round_trip(name: str) -> None:
    """to_toml writes text that loads back to an equal scenario."""
    s = load_scenario(Path("examples") / name)
    assert scenario_from_dict(__import__("tomllib").loads(s.to_toml())) == s


def test_unknown_key_is_named_with_its_path(tmp_path: Path) -> None:
    """A misspelt key is reported at its place in the file."""
    p = write(tmp_path, "size = 3\n[[quotas]]\nattribute = 'regio'\nminimum = 1\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(p)
    lines = str(err.value).splitlines()
    assert lines[0] == f"scenario {p} is not valid"
    assert f"  - {p}: at quotas[0].minimum: unknown key (not part of the format)" in lines


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "size = 3\n[[quotas]]\nattribute = 'regio'\nmin = -1\n",
            "at quotas[0].min: Input should be greater than or equal to 0",
        ),
        (
            "size = 3\n[[quotas]]\nattribute = 'regio'\nmin = 1.5\n",
            "at quotas[0].min: Input should be a valid integer",
        ),
        (
            "size = 3\n[[quotas]]\nattribute = 'regio'\nmin = 3\nmax = 2\n",
            "at quotas[0]: min (3) is larger than max (2)",
        ),
        ("size = 3\n[[quotas]]\nattribute = 'regio'\n", "at quotas[0]: give min, max or both"),
        ("size = 0\n", "at size: Input should be greater than or equal to 1"),
        (
            "size = 2\ninclude = ['A']\nexclude = [' a ']\n",
            "'A' is both included and excluded; remove it from one of the two lists",
        ),
        ("size = 1\ninclude = ['A', 'B']\n", "2 cases are included but size is 1"),
        (
            "size = 2\n[objective]\nkind = 'match_target'\n",
            "at objective: objective 'match_target' needs a target",
        ),
        ("size = 2\n[objective]\nkind = 'best'\n", "at objective.kind: Input should be"),
        ("[[quotas]]\nattribute = 'regio'\nmin = 1\n", "at size: Field required"),
    ],
)
def test_invalid_scenarios_say_where_and_what(tmp_path: Path, body: str, message: str) -> None:
    """Each malformed scenario gives a ScenarioError with the key path and what is wrong."""
    p = write(tmp_path, body)
    with pytest.raises(ScenarioError) as err:
        load_scenario(p)
    assert message in str(err.value)


def test_scenario_is_immutable() -> None:
    """A scenario cannot be changed in place; helpers return new values."""
    s = Scenario(size=3)
    with pytest.raises(ValueError, match="frozen"):
        s.size = 4  # type: ignore[misc]
    t = s.with_size(4).with_quota(Quota(attribute="regio", min=1)).with_include("R01")
    assert (s.size, s.quotas, s.include) == (3, (), ())
    assert (t.size, len(t.quotas), t.include) == (4, 1, ("R01",))


def test_with_overlap_without_attributes_sets_every_coverage() -> None:
    """with_overlap(k) requires k cases per value in every coverage."""
    s = Scenario(
        size=5,
        coverage=[Coverage(attributes=["theorie"]), Coverage(attributes=["type"], overlap=3)],
    )
    assert [c.overlap for c in s.with_overlap(2).coverage] == [2, 2]


def test_with_overlap_on_attributes_changes_only_those() -> None:
    """with_overlap(k, attrs) moves the named attributes to one coverage at overlap k and
    leaves every other coverage at its own overlap.
    """
    s = Scenario(size=5, coverage=[Coverage(attributes=["theorie", "type"], overlap=1)])
    t = s.with_overlap(2, ["type", "regio"])
    assert [(c.attributes, c.overlap) for c in t.coverage] == [
        (("theorie",), 1),
        (("type", "regio"), 2),
    ]


def test_with_overlap_keeps_a_value_restriction() -> None:
    """A restriction to some values of a moved attribute goes with it."""
    s = Scenario(
        size=5,
        coverage=[
            Coverage(attributes=["theorie", "type"], values={"type": ("ICT-tool", "proeftuin")})
        ],
    )
    t = s.with_overlap(2, ["type"])
    assert t.coverage[0].attributes == ("theorie",) and t.coverage[0].values is None
    assert t.coverage[1].values == {"type": ("ICT-tool", "proeftuin")}


def test_changes_are_validated() -> None:
    """A change that breaks a rule raises a ScenarioError, not a pydantic traceback."""
    with pytest.raises(ScenarioError, match="is both included and excluded"):
        Scenario(size=3, include=["x"]).with_exclude("X")


def test_with_objective_by_kind() -> None:
    """An objective can be changed by naming its kind."""
    assert Scenario(size=2).with_objective("max_overlap").objective == Objective(kind="max_overlap")
