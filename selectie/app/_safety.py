"""What keeps the page safe on a shared machine: an upload size limit enforced before a byte
is stored, and a private folder per session that is deleted when the session ends.

Uploads reach the server only through Shiny's upload requests
(``POST /session/<id>/upload/<job>``); :class:`UploadLimit` wraps the whole application and
refuses such a request, with a plain-text message that the page shows in the file box,
when it declares or sends more than the limit.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from ._model import Upload, safe_name

__all__ = ["DEFAULT_LIMIT", "SessionFolder", "UploadLimit", "limit_message"]

#: The largest upload accepted by default: 20 MB, far above any pool a person types.
DEFAULT_LIMIT = 20 * 1024 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def limit_message(limit: int) -> str:
    """The message shown when a file is refused for its size.

    >>> limit_message(20 * 1024 * 1024)[:56]
    'The file is larger than the upload limit of 20 MB; nothi'
    """
    mb = limit / (1024 * 1024)
    size = f"{mb:.0f} MB" if mb >= 1 else f"{limit} bytes"
    return (
        f"The file is larger than the upload limit of {size}; nothing was stored. "
        "Split the file, or start the page with a higher --max-upload."
    )


class UploadLimit:
    """ASGI middleware: refuse upload requests larger than ``limit`` bytes (HTTP 413)."""

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_upload(scope):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await _drain(receive)
            await self._refuse(send)
            return
        # Without a trustworthy length, count the bytes as they arrive; the body is passed
        # on only once it is known to be within the limit (held in memory, at most `limit`).
        chunks: list[bytes] = []
        total = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body = message.get("body", b"")
            total += len(body)
            if total > self.limit:
                if message.get("more_body"):
                    await _drain(receive)
                await self._refuse(send)
                return
            chunks.append(body)
            more = bool(message.get("more_body"))
        replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed() -> Message:
            return replay.pop() if replay else {"type": "http.disconnect"}

        await self.app(scope, replayed, send)

    async def _refuse(self, send: Send) -> None:
        body = limit_message(self.limit).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _is_upload(scope: Scope) -> bool:
    if scope.get("type") != "http" or scope.get("method") != "POST":
        return False
    parts = str(scope.get("path", "")).strip("/").split("/")
    return len(parts) >= 4 and parts[-4] == "session" and parts[-2] == "upload"


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _drain(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return


class SessionFolder:
    """A private folder (mode 700) for one browser session's uploads, removed by
    :meth:`remove` when the session ends.
    """

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="selectie-app-"))
        os.chmod(self.path, 0o700)
        self._count = 0

    def keep(self, name: str, datapath: str | Path, role: str) -> Upload:
        """Move an upload (Shiny's ``datapath``) into this folder under a safe version of the
        name the person gave it, one sub-folder per upload so names never collide.
        """
        self._count += 1
        folder = self.path / f"{self._count}-{safe_name(role)}"
        folder.mkdir(mode=0o700)
        target = folder / safe_name(name)
        shutil.move(str(datapath), target)
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        return Upload(name=target.name, path=target, sha256=digest)

    def base(self, upload: Upload) -> Path:
        """The folder whose path is taken out of messages about ``upload``."""
        return upload.path.parent

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
