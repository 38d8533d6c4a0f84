"""Bijlage 4 as the report did it (issue 13): every constraint cites a sentence found verbatim
in the report, the freedom the criteria leave, the two published partner counts, coding doubt
as data, and the documented-first preference.
"""

from __future__ import annotations

import csv
import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from selectie import (
    Attribute,
    Codebook,
    Pool,
    Preference,
    Quota,
    Scenario,
    audit,
    compile_scenario,
    load_pool,
    load_reference,
    load_scenario,
    select,
)
from selectie.cli import app
from selectie.counting import count_selections
from selectie.freedom import Freedom, freedom, relation_to_report, report_ids
from selectie.published import reference_notes
from selectie.scenario import Bridges, Coverage
from selectie.sensitivity import load_alternative_codings, sensitivity

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT.parent / "shared" / "seed" / "tussenrapportage-ondermijning-2021.md"
SCENARIOS = ["bijlage4.toml", "bijlage4-spread.toml"]
REPORT13 = [f"R{n:02d}" for n in range(1, 14)]


def _norm(text: str) -> str:
    """Whitespace collapsed and markdown emphasis removed (the report's *...*)."""
    return " ".join(text.replace("*", "").split())


@pytest.fixture(scope="module")
def report_text() -> str:
    if not REPORT.is_file():
        pytest.skip(f"the report is not here ({REPORT}); it is not part of a user's clone")
    return _norm(REPORT.read_text(encoding="utf-8"))


def _parts(s: Scenario) -> list[tuple[str, Any]]:
    """Every constraint-bearing part of a scenario, with its place (each has a ``cite``)."""
    out: list[tuple[str, Any]] = []
    for key in ("quotas", "coverage", "combinations", "group_limits", "bridges"):
        out += [(f"{key}[{k}]", p) for k, p in enumerate(getattr(s, key))]
    return out


# -- the scenario: the report's stated criteria, each citing its sentence ---------------------


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_constraint_cites_a_sentence_found_verbatim_in_the_report(
    name: str, report_text: str
) -> None:
    """Each constraint of the bundled Bijlage 4 scenarios (and the size) quotes a sentence that
    appears word for word in the report.
    """
    s = load_scenario(ROOT / "examples" / name)
    cites = [("size", s.size_cite), *((where, p.cite) for where, p in _parts(s))]
    missing = [where for where, c in cites if c is None]
    assert missing == []
    not_found = [where for where, c in cites if c is not None and _norm(c.quote) not in report_text]
    assert not_found == []


def test_every_compiled_constraint_of_bijlage4_rests_on_a_cited_part() -> None:
    """Every constraint the default scenario compiles to comes from a part with a citation."""
    s = load_scenario()
    compiled = compile_scenario(load_pool(), s)
    origins = {c.origin for c in compiled.constraints}
    cited = {"size"} | {where for where, p in _parts(s) if p.cite is not None}
    assert origins <= cited


def test_the_overlap_says_it_is_selecties_choice() -> None:
    """The report gives no number for the overlap; the scenario says the 2 is selectie's."""
    cov = load_scenario().coverage[0]
    assert cov.overlap == 2 and cov.cite is not None
    assert "selectie's choice" in cov.cite.choice and "no number" in cov.cite.choice


def test_bijlage4_adds_nothing_the_report_does_not_state() -> None:
    """No objective, no crime-script rule: those are in the spread variant, marked as
    selectie's extension.
    """
    s = load_scenario()
    assert s.objective.kind == "feasibility"
    assert all("crime_script" not in c.attributes for c in s.coverage)
    spread = load_scenario(ROOT / "examples" / "bijlage4-spread.toml")
    assert spread.objective.kind == "max_overlap"
    assert "selectie's extension" in spread.objective.note
    crime = next(c for c in spread.coverage if "crime_script" in c.attributes)
    assert "selectie's extension" in crime.note


def test_default_select_returns_the_reports_13_and_says_so(wodc_pool: Pool) -> None:
    """The report's 13 meet the stated criteria and are all documented, so preferring
    documented projects (then pool order) returns exactly them.
    """
    sel = select(wodc_pool, load_scenario())
    assert sel.ok and list(sel.ids) == REPORT13
    rel = relation_to_report(sel)
    assert rel is not None and rel.same
    assert "selectie freedom" in rel.text()


def test_relation_names_the_difference_and_the_reason(wodc_pool: Pool) -> None:
    """Keeping R07 out: the relation lists it and says the 13 miss the exclusion."""
    sel = select(wodc_pool, load_scenario().with_exclude("R07"))
    rel = relation_to_report(sel)
    assert rel is not None and not rel.same and rel.missing == ("R07",)
    assert rel.added and all(i[0] in "ROA" for i in rel.added)  # documented preferred
    assert "exclude R07" in rel.why


# -- prefer: documented before synthetic ------------------------------------------------------


def _toy() -> Pool:
    cb = Codebook(
        name="toy",
        attributes=[
            Attribute(name="region", values=["N", "S"]),
            Attribute(name="kind", values=["real", "synthetic"]),
        ],
    )
    rows = [
        ("a", "N", "synthetic"),
        ("b", "S", "synthetic"),
        ("c", "N", "real"),
        ("d", "S", "real"),
    ]
    return Pool.from_records([{"id": i, "region": r, "kind": k} for i, r, k in rows], cb)


def test_prefer_takes_preferred_cases_before_earlier_rows(solver: str) -> None:
    """Without prefer the earliest rows (a, b) win; preferring real cases gives c and d."""
    pool = _toy()
    s = Scenario(size=2, quotas=[Quota(attribute="region", min=1)])
    assert select(pool, s, solver=solver).ids == ("a", "b")
    pref = s.model_copy(update={"prefer": (Preference(attribute="kind", values=("real",)),)})
    assert select(pool, pref, solver=solver).ids == ("c", "d")


def test_prefer_never_overrides_a_constraint(solver: str) -> None:
    """Only one real case in the south... the north quota is met by a synthetic case when the
    real northern case is excluded.
    """
    pool = _toy()
    s = Scenario(
        size=2,
        exclude=["c"],
        quotas=[Quota(attribute="region", min=1)],
        prefer=[Preference(attribute="kind", values=["real"])],
    )
    assert select(pool, s, solver=solver).ids == ("a", "d")


def test_prefer_with_an_unknown_value_is_a_scenario_error() -> None:
    """A preference is checked against the codebook like any constraint."""
    from selectie import ScenarioError

    s = Scenario(size=1, prefer=[Preference(attribute="kind", values=["imaginary"])])
    with pytest.raises(ScenarioError):
        compile_scenario(_toy(), s)


# -- counting valid selections ---------------------------------------------------------------


def _random_pool(rng: random.Random, n: int) -> Pool:
    cb = Codebook(
        name="rand",
        attributes=[
            Attribute(name="region", values=["A", "B", "C"]),
            Attribute(name="tags", values=["x", "y", "z"], multi=True),
            Attribute(name="level", values=["local", "wide"]),
            Attribute(name="theme", values=["t1", "t2", "t3"], multi=True),
        ],
    )
    recs = []
    for i in range(n):
        recs.append(
            {
                "id": f"c{i}",
                "region": rng.choice("ABC"),
                "tags": "|".join(sorted(rng.sample("xyz", rng.randint(0, 2)))),
                "level": rng.choice(["local", "wide"]),
                "theme": "|".join(sorted(rng.sample(["t1", "t2", "t3"], rng.randint(0, 1)))),
            }
        )
    return Pool.from_records(recs, cb)


@pytest.mark.parametrize("seed", range(12))
def test_counting_equals_brute_force(seed: int) -> None:
    """The dynamic programme counts exactly the subsets that pass every constraint's own
    plain-Python check (brute force over all subsets of a small pool), bridges included.
    """
    rng = random.Random(seed)
    pool = _random_pool(rng, 10)
    size = rng.randint(2, 5)
    s = Scenario(
        size=size,
        quotas=[Quota(attribute="region", min=1), Quota(attribute="level", values=["wide"], max=2)],
        coverage=[Coverage(attributes=["tags"], overlap=rng.randint(1, 2))],
        bridges=[Bridges(via="theme", across="region", kinds={"level": "local"})],
    )
    compiled = compile_scenario(pool, s)
    brute = sum(
        all(c.satisfied for c in compiled.check(combo))
        for combo in itertools.combinations(range(len(pool)), size)
    )
    got = count_selections(compiled)
    assert got.exact and got.count == brute
    forced = count_selections(compiled, forced=[0]).count
    assert forced == sum(
        all(c.satisfied for c in compiled.check(combo))
        for combo in itertools.combinations(range(len(pool)), size)
        if 0 in combo
    )


# -- freedom of the report's criteria ---------------------------------------------------------


@pytest.fixture(scope="module")
def report_freedom() -> Freedom:
    return freedom(load_pool(), load_scenario())


def test_no_project_of_the_13_is_forced_by_the_stated_criteria(report_freedom: Freedom) -> None:
    """Each of the 13 can be swapped one for one (so none is in every valid selection), and
    every listed swap passes the audit.
    """
    f = report_freedom
    pool = load_pool()
    assert f.base_valid and len(f.cases) == 13
    assert f.forced == ()
    for c in f.cases:
        assert c.replacements
        j = c.replacements[0]
        swapped = [i for i in REPORT13 if i != c.id] + [j]
        assert audit(pool, load_scenario(), swapped).ok


def test_among_documented_projects_three_are_forced(report_freedom: Freedom) -> None:
    """If only documented projects may be chosen, R05 is the only documented project of Den
    Haag, and R03 and R11 the only documented holders of organisatie en management (which must
    be held twice): those three are in every valid selection, the others are not.
    """
    pool = load_pool()
    docs = [i for i in range(len(pool)) if "synthetisch" not in (pool.values["source"][i] or ())]
    den_haag = [pool.ids[i] for i in docs if "Den Haag" in (pool.values["regio"][i] or ())]
    om = [
        pool.ids[i]
        for i in docs
        if "organisatie en management" in (pool.values["theorie"][i] or ())
    ]
    assert den_haag == ["R05"] and om == ["R03", "R11"]
    forced = [c.id for c in report_freedom.cases if c.documented_forced]
    assert forced == ["R03", "R05", "R11"]
    assert report_freedom.documented.exact
    assert report_freedom.documented.count > 1000


def test_whole_pool_count_is_a_proven_lower_bound(report_freedom: Freedom) -> None:
    """Over the whole pool the count is a lower bound (cases whose bridges could run out are
    left out) and at least the documented count; the method says so.
    """
    whole = report_freedom.whole
    assert not whole.exact and whole.count >= report_freedom.documented.count
    assert "lower bound" in whole.method


def test_freedom_renders_as_text_json_html_and_a_plot(
    report_freedom: Freedom, tmp_path: Path
) -> None:
    """The summary leads the text, the JSON round-trips, the notebook gets HTML, the plot a PNG."""
    f = report_freedom
    assert str(f).startswith("0 of the 13 cases are forced by Bijlage 4")
    doc = json.loads(json.dumps(f.to_dict()))
    assert doc["forced"] == [] and doc["valid_selections"]["documented_only"]["exact"] is True
    assert "<table>" in f._repr_html_()
    fig = f.plot(str(tmp_path / "freedom.png"))
    assert (tmp_path / "freedom.png").read_bytes()[:4] == b"\x89PNG" and fig is not None


def test_freedom_cli_json() -> None:
    """`selectie freedom --format json` gives the same forced list and counts as the API."""
    result = CliRunner().invoke(app, ["freedom", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["selection"] == REPORT13 and doc["forced"] == []
    assert doc["manifest"]["files"]["scenario"]["path"] == "bundled:bijlage4.toml"


# -- §2.4 against Bijlage 4 on partners -------------------------------------------------------


def test_both_published_references_load_and_differ_on_partners() -> None:
    """Bijlage 4 gives 3 publiek / 10 publiek-privaat, §2.4 gives 2 / 11; both carry a note."""
    b4, s24 = load_reference("bijlage4"), load_reference("section2.4")
    assert (b4["partners"]["publiek"], b4["partners"]["publiek-privaat"]) == (3, 10)
    assert (s24["partners"]["publiek"], s24["partners"]["publiek-privaat"]) == (2, 11)
    assert b4["geografisch_niveau"] == s24["geografisch_niveau"]
    assert "2 / 11" in reference_notes("bijlage4")["partners"]
    assert "3 / 10" in reference_notes("section2.4")["partners"]


def test_tables_published_and_match_target_runs_print_the_partners_note() -> None:
    """The note appears with `tables --published` and in a match_target run on partners."""
    runner = CliRunner()
    out = runner.invoke(app, ["tables", *REPORT13, "--published"]).stdout
    assert "Note on partners: Bijlage 4 and §2.4 disagree" in out
    out = runner.invoke(app, ["select", "--scenario", "bijlage4-exact"]).stdout
    assert "Note on partners: Bijlage 4 and §2.4 disagree" in out


# -- coding doubt as data ---------------------------------------------------------------------


def test_alternative_codings_load_and_each_is_backed_by_a_quote(report_text: str) -> None:
    """Every alternative names a real cell, a codebook value other than the primary one, a
    location, an argument, and a quote found verbatim in the report.
    """
    pool = load_pool()
    alts = load_alternative_codings(pool=pool)
    assert len(alts) >= 10
    cells = {a.cell for a in alts}
    for needed in [
        ("R03", "geografisch_niveau"),
        ("R02", "partners"),
        ("R04", "partners"),
        ("R02", "type"),
        ("R05", "type"),
        ("R08", "geografisch_niveau"),
        ("R10", "geografisch_niveau"),
        ("R07", "geografisch_niveau"),
    ]:
        assert needed in cells
    for a in alts:
        assert a.location.startswith(("Bijlage 4", "§2.4")) and a.argument
        assert _norm(a.quote) in report_text, a.label()


def test_alternative_codings_refuse_the_primary_value(tmp_path: Path) -> None:
    """An 'alternative' equal to the pool's own coding is an input error naming the row."""
    from selectie import InputError

    p = tmp_path / "alt.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "attribute", "value", "quote", "location", "argument"])
        w.writerow(["R03", "geografisch_niveau", "landelijk", "q", "Bijlage 4, project 3", "a"])
    with pytest.raises(InputError) as err:
        load_alternative_codings(p, pool=load_pool())
    assert "is the primary coding" in str(err.value)


def test_published_counts_still_come_out_of_the_primary_coding(wodc_pool: Pool) -> None:
    """The 13 of the primary coding reproduce every published Bijlage 4 table."""
    ref = load_reference("bijlage4")
    chosen = [wodc_pool.position(i) for i in report_ids(wodc_pool)]
    for attr, counts in ref.items():
        got = wodc_pool.value_counts(attr, chosen)
        assert {v: got.get(v, 0) for v in counts} == counts, attr


def test_sensitivity_of_the_reports_13(wodc_pool: Pool) -> None:
    """The report's 13 meet the stated criteria under every admissible coding except those
    coding R03 regio: R03 names no theme (empty thema), so as a regional project it has no
    bridge. Cells of partners, type, innovatie and focus cannot change any constraint.
    """
    s = sensitivity(wodc_pool, load_scenario())
    assert s.primary_report_ok and not s.holds()
    exactly = s.joint.fails_exactly_when()
    assert [c.label() for c in exactly] == ["R03 geografisch_niveau=regio"]
    assert wodc_pool.values["thema"][wodc_pool.position("R03")] == frozenset()
    r03 = next(r for r in s.rows if r.label() == "R03 geografisch_niveau=regio")
    assert r03.report_flips == ("bridges of R03 (1 Smart Overheid)",)
    assert "geografisch_niveau" in r03.tables_changed
    partners = [r for r in s.rows if r.changes[0].attribute == "partners"]
    assert partners and all(not r.relevant and r.report_ok for r in partners)
    assert s.joint.combinations == 2 * s.joint.report_ok


def test_sensitivity_cli_exit_code_and_table() -> None:
    """The CLI prints the table and exits 1 because one coding makes the 13 fail."""
    result = CliRunner().invoke(app, ["sensitivity"])
    assert result.exit_code == 1, result.stderr
    assert "R03 geografisch_niveau=regio" in result.stdout
    assert "fails in exactly the" in result.stdout
