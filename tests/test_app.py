"""The page of ``selectie app`` in a real browser: Playwright drives Debian's chromium.

One server (``python -m selectie app --no-browser``, with a 1 MB upload limit) serves every
test; each test opens its own browser context, which is a new session with its own state.
What the page shows is compared with what selectie's library gives for the same inputs
(the page must hold no logic of its own), and hostile uploads with the exact messages of
``tests/test_hostile.py``.

Skipped, with the reason, when Shiny, Playwright or chromium are not installed
(``pip install 'selectie[app]'`` and ``apt-get install chromium``; ``.ci/run`` does both).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("SELECTIE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BAD = Path(__file__).parent / "data" / "bad"
SORTITION = Path(__file__).parent / "data" / "sortition" / "example_small_20"
ROOT = Path(__file__).parent.parent


def _missing() -> str | None:
    for module in ("shiny", "playwright", "uvicorn"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install 'selectie[app]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no chromium at {CHROMIUM} (apt-get install chromium, or set SELECTIE_CHROMIUM)"
    return None


if _missing() is not None and os.environ.get("SELECTIE_REQUIRE_BROWSER"):
    raise RuntimeError(f"SELECTIE_REQUIRE_BROWSER is set but {_missing()}")
pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))

TIMEOUT = 30_000  # ms: generous, the machine is shared


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page, started as a person starts it (``selectie app``), on a free port; its
    messages go to a log file, shown if it fails to start.
    """
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log_path = tmp_path_factory.mktemp("app") / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115  (open for the server's whole life)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "selectie",
            "app",
            "--no-browser",
            "--port",
            str(port),
            "--max-upload",
            "1",
        ],
        env=env,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                log.close()
                raise RuntimeError(log_path.read_text()) from None
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(chromium: Any, server: str) -> Iterator[Any]:
    """A fresh browser context (its own session) on the page, ready to use."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    p = context.new_page()
    p.set_default_timeout(TIMEOUT)
    p.goto(server)
    p.wait_for_selector("#pool_summary:has-text('126 cases')")
    yield p
    context.close()


# -- helpers -----------------------------------------------------------------------------------


def go(page: Any, step: str) -> None:
    page.click(f"a[data-value={step}]")
    page.wait_for_selector(f"#panel_{step} > *")


def run(page: Any) -> str:
    """Press Run and wait for this run's result; the status box's text."""
    go(page, "run")
    state = page.locator("#run_state[data-run]")
    before = int(state.get_attribute("data-run") or 0) if state.count() else 0
    page.click("#run")
    page.wait_for_selector(f"#run_state[data-run='{before + 1}']")
    return str(page.inner_text("#run_state"))


def selected_ids(status: str) -> list[str]:
    line = next(ln for ln in status.splitlines() if ln.startswith("Selected ("))
    return [i.strip() for i in line.split(":", 1)[1].split(",")]


def set_numeric(page: Any, input_id: str, value: int) -> None:
    page.fill(f"#{input_id}", str(value))
    page.press(f"#{input_id}", "Tab")


def set_size(page: Any, size: int) -> None:
    """Set the scenario's size and wait until the scenario shown has it."""
    go(page, "scenario")
    set_numeric(page, "size", size)
    page.wait_for_function(
        "(size) => (document.querySelector('#scenario_toml')||{innerText:''})"
        ".innerText.startsWith('size = ' + size)",
        arg=size,
    )


def edit_cell(page: Any, grid: str, row: int, col: int, value: str) -> None:
    from shiny.playwright import controller

    controller.OutputDataFrame(page, grid).set_cell(value, row=row, col=col, finish_key="Enter")


def message_after(page: Any, step: str, action: Any) -> str:
    """Do ``action`` and return the new message it makes the step show."""
    box = page.locator(f"#message_{step}")
    before = int(box.get_attribute("data-n") or 0) if box.count() else 0
    action()
    page.wait_for_selector(f"#message_{step}[data-n='{before + 1}']")
    return str(page.inner_text(f"#msg_{step} pre"))


def upload(page: Any, input_id: str, path: Path) -> None:
    page.set_input_files(f"#{input_id}", str(path))
    page.wait_for_selector(f"#{input_id}_progress:has-text('Upload complete')")


def scenario_toml(page: Any) -> str:
    return str(page.inner_text("#scenario_toml"))


# -- the tests ---------------------------------------------------------------------------------


def test_the_page_loads_with_the_bundled_pool(page: Any) -> None:
    """The page opens on step 1 with the bundled WODC pool and its six steps."""
    assert "126 cases" in page.inner_text("#pool_summary")
    tabs = page.locator(".navbar .nav-link").all_inner_texts()
    assert [t.split(" ", 1)[1] for t in tabs[:6]] == [
        "Pool",
        "Scenario",
        "Run",
        "What else",
        "Lottery",
        "Download",
    ]


def test_the_default_run_meets_the_reports_criteria(page: Any) -> None:
    """Run on the bundled scenario: optimal, every constraint met, the library's selection."""
    from selectie import load_pool, load_scenario, select

    expected = select(load_pool(), load_scenario())
    assert expected.audit is not None
    status = run(page)
    assert "optimal" in status
    assert expected.audit is not None
    assert f"all {len(expected.audit.checks)} constraints satisfied" in status
    assert selected_ids(status) == list(expected.ids)
    page.wait_for_selector("#tables_grid table")
    page.wait_for_selector("#coverage_plot img")


def test_changing_size_and_an_overlap_changes_the_result(page: Any) -> None:
    """Size 15 and overlap 2 on 'partners' give the library's selection for that scenario."""
    from selectie import load_pool, load_scenario, select

    first = selected_ids(run(page))
    go(page, "scenario")
    set_numeric(page, "size", 15)
    page.wait_for_function(
        "() => (document.querySelector('#scenario_toml')||{innerText:''})"
        ".innerText.startsWith('size = 15')"
    )
    rows = page.locator("#coverage_grid tbody tr").all_inner_texts()
    row = next(i for i, r in enumerate(rows) if r.split("\t")[0].strip() == "partners")
    edit_cell(page, "coverage_grid", row, 2, "2")
    page.wait_for_function(
        "() => (document.querySelector('#scenario_toml')||{innerText:''})"
        ".innerText.includes('\"partners\"')"
    )
    second = run(page)
    want = select(load_pool(), load_scenario().with_size(15).with_overlap(2, ["partners"]))
    assert want.ok
    assert selected_ids(second) == list(want.ids)
    assert selected_ids(second) != first


def test_an_uploaded_pool_without_codebook_is_drafted_confirmed_and_selected(
    page: Any, tmp_path: Path
) -> None:
    """A pool made here, with no codebook: the draft is shown, confirmed, and a run selects."""
    try:
        import selectie.draft  # noqa: F401
    except ImportError:
        pytest.skip("selectie.draft (`selectie init` drafting, issue 14) has not landed")
    pool = tmp_path / "people.csv"
    rows = ["id,region,sex"] + [f"p{i},{'NSEW'[i % 4]},{'fm'[i % 2]}" for i in range(24)]
    pool.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.set_input_files("#pool_file", str(pool))
    page.wait_for_selector("#pool_file_progress:has-text('Upload complete')")
    page.click("#load_pool")
    page.wait_for_selector("#draft_grid table")
    text = page.inner_text("#draft_grid")
    assert "region" in text and "sex" in text
    page.click("#confirm_draft")
    page.wait_for_selector("#pool_summary:has-text('people.csv: 24 cases')")
    status = run(page)
    assert "optimal" in status
    assert re.search(r"\n(all \d+ constraints|1 constraint) satisfied\n", status), status


def test_an_infeasible_scenario_is_explained_and_the_relaxation_applied(page: Any) -> None:
    """Size 5 cannot cover ten regions: explain's relaxation is applied and then selects."""
    from selectie import explain, load_pool, load_scenario

    set_size(page, 5)
    status = run(page)
    assert "infeasible" in status
    page.wait_for_selector("#explain_summary")
    ex = explain(load_pool(), load_scenario().with_size(5))
    assert page.inner_text("#explain_summary") == ex.summary()
    assert page.locator("#relaxation li").all_inner_texts() == [m.sentence() for m in ex.moves]
    page.click("#apply_relaxation")
    page.wait_for_selector("#run_state.alert-success")
    status = page.inner_text("#run_state")
    assert "constraints satisfied" in status
    assert len(selected_ids(status)) == 5


def test_the_workbook_downloads_and_opens(page: Any, tmp_path: Path) -> None:
    """After a run, the XLSX download opens with openpyxl and lists the selection."""
    import openpyxl

    ids = selected_ids(run(page))
    go(page, "download")
    with page.expect_download() as info:
        page.click("#dl_xlsx")
    path = tmp_path / "selection.xlsx"
    info.value.save_as(path)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert "selection" in wb.sheetnames
    sheet = wb["selection"]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    from selectie import load_pool, load_scenario, select

    expected = select(load_pool(), load_scenario())
    assert list(expected.ids) == ids
    if "id" in header:
        assert [r[header.index("id")] for r in values[1:]] == ids
    else:  # the workbook of this version lists the cases by name
        assert [r[header.index("name")] for r in values[1:]] == list(expected.names)
    with page.expect_download() as info:
        page.click("#dl_toml")
    toml_path = tmp_path / "scenario.toml"
    info.value.save_as(toml_path)
    assert list(select(load_pool(), load_scenario(toml_path)).ids) == ids


def _hostile_cases() -> list[Any]:
    sys.path.insert(0, str(Path(__file__).parent.parent))
    from tests.test_hostile import CORPUS

    return CORPUS


def test_broken_uploads_show_the_clis_message_and_the_page_keeps_working(page: Any) -> None:
    """Every broken file of tests/data/bad gives its exact message; then a run still works."""
    cases = _hostile_cases()
    for bad in cases:
        if bad.role == "scenario":
            continue
        files = {"pool": BAD / "pool.csv", "codebook": BAD / "codebook.toml"}
        files[bad.role] = BAD / bad.file
        upload(page, "pool_file", files["pool"])
        upload(page, "codebook_file", files["codebook"])
        shown = message_after(page, "pool", lambda: page.click("#load_pool"))
        assert shown == bad.message, bad.file
    # the valid set loads, and every broken scenario is refused against it
    upload(page, "pool_file", BAD / "pool.csv")
    upload(page, "codebook_file", BAD / "codebook.toml")
    page.click("#load_pool")
    page.wait_for_selector("#pool_summary:has-text('pool.csv: 4 cases')")
    go(page, "scenario")
    for bad in cases:
        if bad.role != "scenario":
            continue
        shown = message_after(
            page,
            "scenario",
            lambda f=bad.file: page.set_input_files("#scenario_file", str(BAD / f)),
        )
        assert shown == bad.message, bad.file
    upload(page, "scenario_file", BAD / "scenario.toml")
    page.wait_for_selector("#msg_scenario pre", state="detached")
    assert "constraints satisfied" in run(page)


def test_an_upload_over_the_limit_is_refused_with_a_message(page: Any) -> None:
    """A file over the server's 1 MB limit is refused before it is stored; the page says so,
    and the earlier upload in the same box is not used in its place.
    """
    upload(page, "pool_file", BAD / "pool.csv")
    upload(page, "codebook_file", BAD / "codebook.toml")
    big = b"id,region\n" + b"x" * (1024 * 1024 + 10)
    page.set_input_files(
        "#pool_file", files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": big}]
    )
    page.wait_for_selector("#pool_file_progress:has-text('upload limit of 1 MB')")
    page.click("#load_pool")
    page.wait_for_selector("#msg_pool:has-text('Choose a pool file first.')")
    page.click("#use_bundled")
    assert "constraints satisfied" in run(page)


def test_switching_to_dutch(page: Any) -> None:
    """The language switch turns the page's words Dutch, from selectie's catalogue."""
    try:
        import selectie.i18n  # noqa: F401
    except ImportError:
        pytest.skip("selectie.i18n (the message catalogue, issue 14) has not landed")
    page.check("#lang input[value=nl]")
    page.wait_for_selector("a[data-value=run]:has-text('Uitvoeren')")
    assert "Gebundelde pool" in page.inner_text("#panel_pool")
    page.check("#lang input[value=en]")
    page.wait_for_selector("a[data-value=run]:has-text('Run')")


def test_library_texts_follow_the_pages_language(page: Any) -> None:
    """In Dutch, the status line, the reason, explain's summary and its relaxation come from
    the library in Dutch (the same sentences the library gives under language("nl")).
    """
    from selectie import explain, load_pool, load_scenario
    from selectie.i18n import language

    page.check("#lang input[value=nl]")
    page.wait_for_selector("a[data-value=run]:has-text('Uitvoeren')")
    set_size(page, 5)
    status = run(page)
    assert ": onhaalbaar" in status
    assert "geen enkele selectie voldoet aan alle voorwaarden" in status
    assert "infeasible" not in status and "satisfies" not in status
    page.wait_for_selector("#explain_summary")
    with language("nl"):
        ex = explain(load_pool(), load_scenario().with_size(5))
        summary, moves = ex.summary(), [m.sentence() for m in ex.moves]
    assert page.inner_text("#explain_summary") == summary
    assert page.locator("#relaxation li").all_inner_texts() == moves
    page.check("#lang input[value=en]")
    page.wait_for_selector("a[data-value=run]:has-text('Run')")


def test_two_sessions_keep_their_own_results(chromium: Any, server: str) -> None:
    """Two browser contexts at once: each sees its own scenario and selection."""
    pages = []
    for _ in range(2):
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        p = context.new_page()
        p.set_default_timeout(TIMEOUT)
        p.goto(server)
        p.wait_for_selector("#pool_summary:has-text('126 cases')")
        pages.append(p)
    a, b = pages
    go(a, "scenario")
    set_numeric(a, "size", 15)
    a.wait_for_function(
        "() => (document.querySelector('#scenario_toml')||{innerText:''})"
        ".innerText.startsWith('size = 15')"
    )
    ids_a = selected_ids(run(a))
    ids_b = selected_ids(run(b))
    assert len(ids_a) == 15 and len(ids_b) == 13
    go(b, "scenario")
    assert scenario_toml(b).startswith("size = 13")
    go(a, "run")
    assert len(selected_ids(a.inner_text("#run_state"))) == 15
    for p in pages:
        p.context.close()


def test_a_long_run_can_be_cancelled_and_the_page_keeps_answering(page: Any) -> None:
    """Alternatives (many) show progress; Cancel stops them and the page still runs."""
    go(page, "whatelse")
    set_numeric(page, "alt_count", 100)
    page.click("#run_alternatives")
    page.wait_for_selector("#what_state.alert-info")
    page.click("#cancel_what")
    page.wait_for_selector("#what_state:has-text('Cancelled')")
    assert "constraints satisfied" in run(page)


def test_the_freedom_of_the_reports_selection_matches_the_library(page: Any) -> None:
    """'Measure the freedom' on the bundled pool shows the library's own freedom summary."""
    from selectie import load_pool, load_scenario
    from selectie.freedom import freedom

    want = freedom(load_pool(), load_scenario()).summary()
    go(page, "whatelse")
    page.click("#run_freedom")
    page.wait_for_selector("#what_state.alert-success", timeout=180_000)
    assert want in page.inner_text("#what_state")
    assert want in page.inner_text("#what_text")


def test_a_sortition_lottery_and_a_seeded_draw(page: Any) -> None:
    """People and quotas files give a lottery; a seeded draw lists selected and remaining."""
    from selectie import fair_lottery, read_sortition

    go(page, "lottery")
    page.set_input_files("#people_file", str(SORTITION / "respondents.csv"))
    page.wait_for_selector("#people_file_progress:has-text('Upload complete')")
    page.set_input_files("#quotas_file", str(SORTITION / "categories.csv"))
    page.wait_for_selector("#quotas_file_progress:has-text('Upload complete')")
    set_numeric(page, "panel_size", 20)
    page.click("#run_lottery")
    page.wait_for_selector("#lottery_state.alert-success")
    page.fill("#lottery_seed", "panel 2026")
    page.click("#draw")
    page.wait_for_selector("#draw_selected")
    pool, sc = read_sortition(SORTITION / "respondents.csv", SORTITION / "categories.csv", size=20)
    want = fair_lottery(pool, sc).draw("panel 2026")
    assert page.inner_text("#draw_selected") == ", ".join(want.ids)
    remaining = page.inner_text("#draw_remaining").split(", ")
    assert len(remaining) == len(pool) - 20


def test_the_cli_warns_when_exposed_and_refuses_a_busy_port() -> None:
    """--host beyond this computer warns that there is no login; a taken port is refused."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "selectie",
                "app",
                "--no-browser",
                "--port",
                str(port),
                "--host",
                "0.0.0.0",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    assert out.returncode == 2
    warning, error = out.stderr.splitlines()
    assert warning.startswith("warning: listening on 0.0.0.0: the page has no login")
    assert error.startswith(f"error: cannot listen on 0.0.0.0:{port}")
