"""A made-up pool of 30 Dutch municipalities as an Excel user keeps it (synthetic test data:
capitalised, spaced headers, several themes per cell, a budget in euros, Dutch place names).
"""

from __future__ import annotations

from pathlib import Path

GEMEENTEN = [
    ("Leeuwarden", "Fryslân"),
    ("Súdwest-Fryslân", "Fryslân"),
    ("Smallingerland", "Fryslân"),
    ("Groningen", "Groningen"),
    ("Het Hogeland", "Groningen"),
    ("Assen", "Drenthe"),
    ("Emmen", "Drenthe"),
    ("Zwolle", "Overijssel"),
    ("Enschede", "Overijssel"),
    ("Arnhem", "Gelderland"),
    ("Nijmegen", "Gelderland"),
    ("Ede", "Gelderland"),
    ("Utrecht", "Utrecht"),
    ("Amersfoort", "Utrecht"),
    ("Almere", "Flevoland"),
    ("Lelystad", "Flevoland"),
    ("Amsterdam", "Noord-Holland"),
    ("Haarlem", "Noord-Holland"),
    ("Den Helder", "Noord-Holland"),
    ("Den Haag", "Zuid-Holland"),
    ("Rotterdam", "Zuid-Holland"),
    ("Leiden", "Zuid-Holland"),
    ("Middelburg", "Zeeland"),
    ("Vlissingen", "Zeeland"),
    ("'s-Hertogenbosch", "Noord-Brabant"),
    ("Eindhoven", "Noord-Brabant"),
    ("Tilburg", "Noord-Brabant"),
    ("Maastricht", "Limburg"),
    ("Venlo", "Limburg"),
    ("Heerlen", "Limburg"),
]
THEMES = ["jeugd", "zorg", "wonen", "veiligheid", "werk"]
HEADERS = ["Nr", "Gemeente", "Provincie", "Type Gemeente", "Thema's", "Budget (€)", "Omschrijving"]


def pool_rows() -> list[list[object]]:
    rows: list[list[object]] = []
    for n, (name, prov) in enumerate(GEMEENTEN, start=1):
        themes = [THEMES[n % 5], THEMES[(n * 2 + 1) % 5]] if n % 3 else [THEMES[n % 5]]
        kind = "stad" if n % 4 else "dorp"
        if n == 7:
            kind = "Stad "  # a near-duplicate spelling, as hand-kept sheets have
        budget: object = 1000 + 37.5 * n if n % 2 else 800 + 25 * n
        rows.append(
            [
                f"G{n:02d}",
                name,
                prov,
                kind,
                "; ".join(dict.fromkeys(themes)),
                budget,
                f"Aanpak in {name}: {', '.join(themes)} ({prov})",
            ]
        )
    return rows


def write_pool_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Gemeenten"
    ws.append(HEADERS)
    for row in pool_rows():
        ws.append(row)
    wb.save(path)
    return path
