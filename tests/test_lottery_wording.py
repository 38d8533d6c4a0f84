"""What the lottery says where a reader could misread it: a uniform lottery's bound of 1 or
more (which bounds nothing), and the number of the drawn selection in the support.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from selectie import fair_lottery
from selectie.cli import app
from selectie.lottery import Lottery
from selectie.lottery.uniform import round_to_uniform
from selectie.sortition import read_sortition
from tests.test_cli_lottery import HARD_PEOPLE, HARD_QUOTAS

K = 3


@pytest.fixture
def lottery(tmp_path: Path) -> Lottery:
    """The maximin lottery of the 7-person instance, panel of 3."""
    (tmp_path / "people.csv").write_text(HARD_PEOPLE, encoding="utf-8")
    (tmp_path / "quotas.csv").write_text(HARD_QUOTAS, encoding="utf-8")
    pool, scenario = read_sortition(tmp_path / "people.csv", tmp_path / "quotas.csv", size=K)
    return fair_lottery(pool, scenario, method="maximin")


@pytest.mark.parametrize(
    ("m", "said"),
    [
        (1, "both bounds are 1 or more, so they bound nothing"),  # 5/1 and min(3/1, ...) >= 1
        (4, "selectie's bound is 1 or more, so it bounds nothing"),  # 5/4 >= 1 > 3/4
        (5, "selectie's bound is 1 or more, so it bounds nothing"),  # 5/5 = 1 still bounds nothing
        (6, None),  # 5/6 < 1
    ],
)
def test_a_bound_of_one_or_more_says_it_bounds_nothing(
    lottery: Lottery, m: int, said: str | None
) -> None:
    """A bound >= 1 is said to bound nothing, with the first M (k + 3) where (k + 2) / M < 1;
    below 1 nothing is added.
    """
    u = round_to_uniform(lottery, m)
    lines = u.summary().splitlines()
    assert u.to_dict()["bound_vacuous"] is ((K + 2) / m >= 1)
    if said is None:
        assert len(lines) == 2
        return
    assert len(lines) == 3
    assert lines[2].startswith(said)
    assert lines[2].endswith(f"below 1 from m = k + 3 = {K + 3} panels on")
    assert (K + 2) / (K + 3) < 1 <= (K + 2) / (K + 2)


@pytest.mark.parametrize("seed", ["1", "2", "3", "4"])
def test_the_draw_names_its_selection_as_the_listing_numbers_it(
    lottery: Lottery, seed: str
) -> None:
    """The draw says "selection e of the support, numbered 0 to last as in the listing", and
    the listing's line "selection e" is the one whose counts per profile the drawn panel has.
    """
    draw = lottery.draw(seed)
    last = len(lottery.support) - 1
    assert last >= 1
    head = str(draw).splitlines()[0]
    assert f"(selection {draw.entry} of the support, numbered 0 to {last} as in the listing;" in (
        head
    )
    line = next(
        x for x in lottery.listing().splitlines() if x.startswith(f"selection {draw.entry} ")
    )
    takes = dict(part.split(":") for part in line.split(" take ")[1].split())
    drawn = set(draw.positions)
    for p in lottery.profiles:
        count = sum(1 for i in p.positions if i in drawn)
        assert count == int(takes.get(str(p.index), "0"))


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--selected", "x.csv"], "error: --selected needs a sortition instance"),
        (
            ["--selected", "x.csv", "--remaining", "y.csv"],
            "error: --selected, --remaining need a sortition instance",
        ),
    ],
)
def test_hand_over_files_without_people_name_the_flags_in_grammar(
    flags: list[str], said: str
) -> None:
    """One flag "needs", several "need"; exit 2."""
    result = CliRunner().invoke(app, ["lottery", "--size", "3", *flags], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(said)


def test_people_and_quotas_may_be_xlsx(tmp_path: Path, lottery: Lottery) -> None:
    """The help says CSV or XLSX, and XLSX people and quotas files give the lottery the CSV
    files give.
    """
    import csv

    import openpyxl

    for name, text in (("people", HARD_PEOPLE), ("quotas", HARD_QUOTAS)):
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row in csv.reader(text.splitlines()):
            sheet.append([int(c) if c.isdigit() else c for c in row])
        book.save(tmp_path / f"{name}.xlsx")
    pool, scenario = read_sortition(tmp_path / "people.xlsx", tmp_path / "quotas.xlsx", size=K)
    assert fair_lottery(pool, scenario, method="maximin").probabilities == lottery.probabilities
    helped = CliRunner().invoke(app, ["lottery", "--help"], env={"COLUMNS": "200"}).stdout
    assert "People file of a sortition instance, CSV or XLSX" in " ".join(helped.split())
    assert "Quotas file, CSV or XLSX" in " ".join(helped.split())
