"""The cap on `--uniform M`: a huge M is refused before any solving, with the limit and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie.cli import app
from selectie.errors import InputError
from selectie.lottery.uniform import MAX_PANELS, check_panel_count, round_to_uniform
from tests.test_cli_lottery import HARD_PEOPLE, HARD_QUOTAS


def run(*args: str | Path) -> tuple[int, str, str]:
    """Run the command line; (exit code, standard output, standard error)."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_huge_uniform_is_refused_before_solving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--uniform 10**9: exit 2, one message with the cap, what was found and what to do; no
    lottery computed and nothing written.
    """
    import selectie.lottery

    def refuse(*_args: object, **_kwargs: object) -> None:
        pytest.fail("the lottery was computed although --uniform is over the cap")

    monkeypatch.setattr(selectie.lottery, "fair_lottery", refuse)
    (tmp_path / "p.csv").write_text(HARD_PEOPLE, encoding="utf-8")
    (tmp_path / "q.csv").write_text(HARD_QUOTAS, encoding="utf-8")
    sheet, out = tmp_path / "sheet.txt", tmp_path / "out.json"
    code, stdout, err = run(
        "lottery", "--people", tmp_path / "p.csv", "--quotas", tmp_path / "q.csv",
        "--size", "3", "--uniform", str(10**9), "--draw-sheet", sheet, "-f", "json", "-o", out,
    )  # fmt: skip
    assert code == 2
    assert err.startswith(
        "error: --uniform 1000000000: at most 100000 panels are supported, found 1000000000"
    )
    assert "Give --uniform 100000 or fewer" in err and "memory" in err
    assert "Traceback" not in err and stdout == ""
    assert not sheet.exists() and not out.exists()


def test_the_cap_itself_is_allowed() -> None:
    """M = MAX_PANELS passes the check; one more does not, in the library too."""
    check_panel_count(MAX_PANELS)
    with pytest.raises(InputError, match="at most 100000 panels"):
        check_panel_count(MAX_PANELS + 1)


def test_round_to_uniform_refuses_over_the_cap() -> None:
    """The library function checks the cap before rounding (a notebook user is told too)."""
    from selectie import Pool, Scenario, fair_lottery
    from selectie.codebook import codebook_from_dict

    cb = codebook_from_dict(
        {"codebook": {"name": "demo"}, "attributes": [{"name": "sex", "values": ["f"]}]}
    )
    pool = Pool.from_records([{"id": f"p{i}", "sex": "f"} for i in range(3)], cb)
    lot = fair_lottery(pool, Scenario(size=1))
    with pytest.raises(InputError, match="found 100001"):
        round_to_uniform(lot, MAX_PANELS + 1)
