"""Codebooks: reading, validating, parsing cells, generic item models."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from selectie import CodebookError, load_codebook
from selectie.codebook import Attribute, Codebook, codebook_from_dict, normalize

WODC_ATTRIBUTES = [
    "regio",
    "cluster",
    "crime_script",
    "theorie",
    "partners",
    "innovatie",
    "focus",
    "type",
    "geografisch_niveau",
    "riec_pijler",
    "thema",
    "status",
    "source",
    "selected_in_report",
]


def test_bundled_codebook_has_every_bijlage4_criterion(wodc_codebook: Codebook) -> None:
    """The WODC codebook declares every criterion of Bijlage 4 plus provenance columns."""
    assert list(wodc_codebook.attribute_names) == WODC_ATTRIBUTES
    assert wodc_codebook.unknown == "onbekend"
    assert [a for a in WODC_ATTRIBUTES if wodc_codebook.attribute(a).multi] == [
        "crime_script",
        "theorie",
        "riec_pijler",
        "thema",
    ]


def test_regio_has_the_ten_groups_of_tabel_1(wodc_codebook: Codebook) -> None:
    """regio lists the nine regional plans and the national partners, in Tabel 1's order."""
    assert wodc_codebook.attribute("regio").codes == (
        "Amsterdam-Amstelland",
        "Zeeland-Brabant",
        "Den Haag",
        "Rotterdam",
        "Limburg",
        "Oost-Nederland",
        "Noord-Nederland",
        "Noord-Holland",
        "Midden-Nederland",
        "Landelijke partners",
    )


def test_type_lists_the_eight_project_types(wodc_codebook: Codebook) -> None:
    """type has the eight types the report distinguishes."""
    assert len(wodc_codebook.attribute("type").codes) == 8
    assert "opleiding" in wodc_codebook.attribute("type").codes


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("  limburg ", "Limburg"),
        ("LIMBURG", "Limburg"),
        ("Brabant-Zeeland", "Zeeland-Brabant"),
        ("zeeland-west-brabant", "Zeeland-Brabant"),
    ],
)
def test_values_match_ignoring_case_spacing_and_aliases(
    wodc_codebook: Codebook, token: str, code: str
) -> None:
    """A value written with other case, stray spaces or an alias resolves to its code."""
    assert wodc_codebook.attribute("regio").parse_token(token) == code


def test_normalize_folds_case_and_inner_spaces() -> None:
    """normalize collapses runs of whitespace (including no-break spaces) and folds case."""
    assert normalize(" Preventie\u00a0 EN  repressie ") == "preventie en repressie"


def test_parse_cell_multi_valued(wodc_codebook: Codebook) -> None:
    """A multi-valued cell splits on the separator and keeps codes."""
    attr = wodc_codebook.attribute("theorie")
    assert wodc_codebook.parse_cell(attr, "Intelligence | borging") == (
        frozenset({"intelligence", "borging"}),
        None,
    )


def test_parse_cell_unknown_word_is_unknown(wodc_codebook: Codebook) -> None:
    """The unknown word gives None (unknown), for single and multi attributes."""
    assert wodc_codebook.parse_cell(wodc_codebook.attribute("cluster"), "Onbekend") == (None, None)
    assert wodc_codebook.parse_cell(wodc_codebook.attribute("thema"), "onbekend") == (None, None)


def test_parse_cell_empty_multi_is_none_of_the_values(wodc_codebook: Codebook) -> None:
    """An empty multi-valued cell means the case holds none of the values."""
    assert wodc_codebook.parse_cell(wodc_codebook.attribute("thema"), "  ") == (frozenset(), None)


def test_parse_cell_empty_required_is_an_error(wodc_codebook: Codebook) -> None:
    """A required attribute may not be empty; the message lists the allowed values."""
    cell, error = wodc_codebook.parse_cell(wodc_codebook.attribute("source"), "")
    assert cell is None
    assert error == (
        "a value is required in 'source' (allowed: rapport, openbaar, rapport-afgeleid, "
        "synthetisch)"
    )


def test_parse_cell_bad_value_names_allowed_and_closest(wodc_codebook: Codebook) -> None:
    """A value outside the codebook is reported with the allowed values and the closest one."""
    _, error = wodc_codebook.parse_cell(wodc_codebook.attribute("focus"), "preventei")
    assert error == (
        "'preventei' is not a value of 'focus' (allowed: preventie, repressie, "
        "preventie en repressie, niet duidelijk); did you mean 'preventie'?"
    )


def test_parse_cell_unknown_mixed_with_values_is_an_error(wodc_codebook: Codebook) -> None:
    """'onbekend' cannot stand beside real values in one cell."""
    _, error = wodc_codebook.parse_cell(wodc_codebook.attribute("thema"), "vastgoed|onbekend")
    assert (
        error == "'onbekend' cannot be combined with values in one cell (found 'vastgoed|onbekend')"
    )


def _book(**attr: object) -> dict[str, object]:
    base: dict[str, object] = {"name": "a", "values": ["x", "y"]}
    base.update(attr)
    return {"codebook": {"name": "t"}, "attributes": [base]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_book(values=["x", "X"]), "attribute 'a': 'X' is given for both 'x' and 'X'"),
        (
            _book(values=[{"code": "x"}, {"code": "y", "aliases": ["x"]}]),
            "attribute 'a': 'x' is given for both 'x' and 'y'",
        ),
        (_book(values=["onbekend"]), "attribute 'a' has a value spelt like the unknown word"),
        (_book(multi=True, values=["x|y"]), "value 'x|y' of 'a' contains the separator '|'"),
    ],
)
def test_inconsistent_codebooks_are_refused(data: dict[str, object], message: str) -> None:
    """Clashing codes, aliases, unknown word or separator give a CodebookError saying which."""
    with pytest.raises(CodebookError) as err:
        codebook_from_dict(data)
    assert message in str(err.value)


def test_separator_that_delimits_csv_cells_is_refused() -> None:
    """A ';' separator would clash with Dutch CSV files and is refused."""
    data = {
        "codebook": {"name": "t", "separator": ";"},
        "attributes": [{"name": "a", "values": ["x"]}],
    }
    with pytest.raises(CodebookError) as err:
        codebook_from_dict(data)
    assert "separator ';' would clash with CSV cells; use e.g. '|' or '/'" in str(err.value)


def test_unknown_key_in_codebook_file(tmp_path: Path) -> None:
    """An unknown key is reported with its path in the file."""
    p = tmp_path / "cb.toml"
    p.write_text(
        '[codebook]\nname = "t"\n[[attributes]]\nname = "a"\nvalues = ["x"]\nmulti_valued = true\n'
    )
    with pytest.raises(CodebookError) as err:
        load_codebook(p)
    assert f"{p}: at attributes[0].multi_valued: unknown key (not part of the format)" in str(
        err.value
    )


def test_missing_codebook_file(tmp_path: Path) -> None:
    """A missing codebook file gives a message naming the path."""
    with pytest.raises(CodebookError) as err:
        load_codebook(tmp_path / "nope.toml")
    assert str(err.value).startswith(f"codebook {str(tmp_path / 'nope.toml')!r} does not exist")


def test_malformed_toml_names_the_line(tmp_path: Path) -> None:
    """A TOML syntax error is reported with the file and the line."""
    p = tmp_path / "cb.toml"
    p.write_text('[codebook]\nname = "t\n')
    with pytest.raises(CodebookError) as err:
        load_codebook(p)
    assert f"codebook {str(p)!r} is not valid TOML" in str(err.value)
    assert "line 2" in str(err.value)


def test_codebook_toml_round_trip(wodc_codebook: Codebook) -> None:
    """to_toml writes a codebook that reads back equal."""
    import tomllib

    again = codebook_from_dict(tomllib.loads(wodc_codebook.to_toml()))
    assert again == wodc_codebook


def test_item_model_validates_values(wodc_codebook: Codebook) -> None:
    """The generic item model accepts codebook codes and refuses other values."""
    model = wodc_codebook.item_model()
    ok = model(
        id="X",
        regio="Limburg",
        source="synthetisch",
        selected_in_report="nee",
        theorie=["intelligence"],
    )
    assert ok.regio == "Limburg"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):
        model(id="X", regio="Atlantis", source="synthetisch", selected_in_report="nee")


def test_item_model_json_schema_lists_allowed_values(wodc_codebook: Codebook) -> None:
    """The JSON Schema of the generic item model enumerates an attribute's codes."""
    schema = wodc_codebook.item_model().model_json_schema()
    assert schema["properties"]["regio"]["enum"][0] == "Amsterdam-Amstelland"
    assert "regio" in schema["required"]


def test_wodc_domain_values_show_as_the_report_writes_them_in_every_language() -> None:
    """The bundled codebook's English glosses are descriptions, never shown for the code."""
    from selectie.i18n import language

    cb = load_codebook()
    regio = cb.attribute("regio")
    den_haag = next(v for v in regio.values if v.code == "Den Haag")
    assert den_haag.description == "The Hague"
    assert den_haag.label is None
    for lang in ("en", "nl"):
        with language(lang):
            assert cb.value_label("regio", "Den Haag") == "Den Haag"
            assert cb.value_label("cluster", "risicolocaties") == "risicolocaties"
    assert all(v.label is None and not v.labels for a in cb.attributes for v in a.values)


def test_value_description_survives_to_toml() -> None:
    cb = Codebook(
        name="d",
        attributes=[Attribute(name="size", values=[{"code": "groot", "description": "large"}])],
    )
    again = codebook_from_dict(tomllib.loads(cb.to_toml()))
    assert again.attribute("size").values[0].description == "large"
    assert again.value_label("size", "groot", "en") == "groot"
