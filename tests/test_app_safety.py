"""The page's safety parts and edit helpers, without a browser: the upload limit, the private
session folder, safe file names, and scenario edits that go through the scenario's own methods.
"""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("shiny", reason="the app extra is not installed (pip install 'selectie[app]')")

from selectie import load_pool, load_scenario, select
from selectie.app._model import (
    clean_message,
    constraint_frame,
    parse_count,
    quota_frame,
    safe_name,
    with_coverage_edit,
    with_quota_edit,
)
from selectie.app._safety import SessionFolder, UploadLimit, limit_message
from selectie.errors import InputError, ScenarioError


def _post(app: Any, path: str, body: bytes, chunk: int, declare: bool) -> tuple[int, bytes, int]:
    """Send one POST through ``app``: the status, the body, and how many bytes reached the app."""
    seen = {"bytes": 0}
    sent: list[dict[str, Any]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            seen["bytes"] += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"OK"})

    pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]
    queue = [
        {"type": "http.request", "body": p, "more_body": i < len(pieces) - 1}
        for i, p in enumerate(pieces)
    ]

    async def receive() -> MutableMapping[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    headers = [(b"content-length", str(len(body)).encode())] if declare else []
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    wrapped = UploadLimit(inner, limit=1000)
    asyncio.run(wrapped(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, payload, seen["bytes"]


@pytest.mark.parametrize("declare", [True, False], ids=["declared", "streamed"])
def test_an_upload_over_the_limit_is_refused_before_the_app_sees_a_byte(declare: bool) -> None:
    """1001 bytes against a 1000-byte limit: 413 with the message; the app receives nothing."""
    status, body, seen = _post(None, "/session/abc/upload/job1", b"x" * 1001, 300, declare)
    assert (status, seen) == (413, 0)
    assert body.decode() == limit_message(1000)


def test_an_upload_within_the_limit_passes_whole() -> None:
    """1000 bytes in chunks reach the app whole."""
    status, body, seen = _post(None, "/session/abc/upload/job1", b"x" * 1000, 300, False)
    assert (status, body, seen) == (200, b"OK", 1000)


def test_other_requests_are_not_limited() -> None:
    """Only upload requests are counted: another POST passes through untouched."""
    status, _body, seen = _post(None, "/other", b"x" * 5000, 1000, True)
    assert (status, seen) == (200, 5000)


def test_the_session_folder_is_private_and_removed(tmp_path: Path) -> None:
    """Uploads move into a mode-700 folder under a safe name, which remove() deletes."""
    src = tmp_path / "0.csv"
    src.write_text("id\na\n")
    folder = SessionFolder()
    up = folder.keep("../../etc/my pool.csv", src, "pool")
    assert up.path.parent.parent == folder.path
    assert up.name == "my_pool.csv" and up.path.read_text() == "id\na\n"
    assert folder.path.stat().st_mode & 0o777 == 0o700
    assert not src.exists()
    folder.remove()
    assert not folder.path.exists()


def test_safe_names_never_leave_the_folder() -> None:
    """Path parts and odd characters are dropped; nothing becomes a hidden or empty name."""
    assert [safe_name(n) for n in ("a/b/../c.csv", "C:\\x\\y.xlsx", "...", ".bashrc")] == [
        "c.csv",
        "y.xlsx",
        "upload",
        "bashrc",
    ]


def test_messages_name_the_file_as_the_person_gave_it() -> None:
    """The session folder's path is taken out of a message about an upload."""
    text = "pool file '/tmp/selectie-app-x/3-pool/my.csv' is empty"
    assert clean_message(text, Path("/tmp/selectie-app-x")) == "pool file 'my.csv' is empty"


def test_a_quota_edit_changes_only_its_attribute() -> None:
    """Editing regio's table replaces regio's quotas; cluster's keep their cited notes."""
    pool, sc = load_pool(), load_scenario()
    frame = quota_frame(pool, sc, "regio")
    bounds: dict[str, tuple[int | None, int | None]] = {
        str(r["value"]): (parse_count(r["min"], "min"), None) for _, r in frame.iterrows()
    }
    bounds["Limburg"] = (2, 3)
    new = with_quota_edit(sc, "regio", bounds)
    assert [q for q in new.quotas if q.attribute != "regio"] == [
        q for q in sc.quotas if q.attribute != "regio"
    ]
    limburg = quota_frame(pool, new, "regio").set_index("value").loc["Limburg"]
    assert (limburg["min"], limburg["max"]) == (2, 3)
    assert with_quota_edit(sc, "regio", {**bounds, "Limburg": (1, None)}) == sc


def test_a_bad_bound_is_refused_with_a_clear_message() -> None:
    """min above max in a cell: one message naming the value; a non-number too."""
    pool, sc = load_pool(), load_scenario()
    codes = quota_frame(pool, sc, "regio")["value"].tolist()
    bounds: dict[str, tuple[int | None, int | None]] = dict.fromkeys(codes, (1, None))
    bounds["Limburg"] = (3, 2)
    with pytest.raises(InputError, match=r"regio=Limburg: min \(3\) is larger than max \(2\)"):
        with_quota_edit(sc, "regio", bounds)
    with pytest.raises(InputError, match="expected a whole number of 0 or more"):
        parse_count("-1", "min")


def test_a_coverage_edit_matches_with_overlap() -> None:
    """Overlap 2 on partners is the scenario's own with_overlap; 0 uncovers it again."""
    sc = load_scenario()
    assert with_coverage_edit(sc, "partners", 2) == sc.with_overlap(2, ["partners"])
    assert with_coverage_edit(with_coverage_edit(sc, "partners", 2), "partners", 0).coverage == (
        sc.coverage
    )


def test_an_include_that_is_also_excluded_is_refused() -> None:
    """Forcing a case in and keeping it out at once is the scenario's own error."""
    from selectie.app._model import with_ids

    with pytest.raises(ScenarioError):
        with_ids(load_scenario(), ["R07"], ["R07"])


def test_margins_are_the_distance_to_the_nearest_bound() -> None:
    """On the default selection, size is tight (margin 0) and every constraint is met."""
    frame = constraint_frame(select(load_pool(), load_scenario())).set_index("constraint")
    assert frame.loc["size", "margin"] == 0
    assert set(frame["ok"]) == {"yes"}
