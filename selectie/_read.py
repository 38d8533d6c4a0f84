"""Reading the user's text files safely: an existing regular file, not too large, not binary,
UTF-8 (shared by the TOML inputs and the selection files).

Each kind of file keeps its own words (:class:`TextMessages`); the checks, and their order,
live here once: a file is refused before it is read whole when it is too large, and before it
is decoded when it holds NUL bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .errors import InputError
from .i18n import N_, _

#: The kinds of file named in messages (marked here, translated where shown).
FILE_KINDS = (
    N_("pool file"),
    N_("selection"),
    N_("scenario"),
    N_("codebook"),
    N_("reference"),
)

__all__ = ["FILE_KINDS", "TextMessages", "check_readable", "read_text"]


def check_readable(path: str | Path, what: str, error: type[InputError]) -> Path:
    """Return ``path`` as a Path if it is an existing file, else raise ``error`` saying why.

    ``what`` is one of :data:`FILE_KINDS`, in English (it is translated here).
    """
    p = Path(path)
    name = {"what": _(what), "file": repr(str(p))}
    if not p.exists():
        raise error(
            _("{what} {file} does not exist").format(**name),
            hint=_(
                "Check the path (relative paths start from the current folder: {folder})."
            ).format(folder=Path.cwd()),
        )
    if p.is_dir():
        raise error(
            _("{what} {file} is a folder, not a file").format(**name),
            hint=_("Give the path of a file."),
        )
    if not p.is_file():
        # A pipe or a device (/dev/zero) would block or never end: refuse it, never read it.
        raise error(
            _("{what} {file} is not a regular file (it is a pipe, socket or device)").format(
                **name
            ),
            hint=_("Give the path of a file saved on disk."),
        )
    return p


class TextMessages(NamedTuple):
    """What to say of a file that is too large, binary or not UTF-8: message and hint each.

    Messages are formatted with ``what``, ``file`` (the path, quoted), ``size`` (the file's
    size), ``limit`` (the largest size, both in whole MB) and ``byte`` (the first undecodable
    byte).
    """

    too_large: str
    too_large_hint: str
    binary: str
    binary_hint: str
    not_utf8: str
    not_utf8_hint: str


def read_text(
    path: str | Path,
    what: str,
    error: type[InputError],
    *,
    max_bytes: int,
    messages: TextMessages,
) -> tuple[Path, str]:
    """The file ``path`` and its text, or ``error`` (file missing, not a regular file, over
    ``max_bytes``, holding NUL bytes, not UTF-8); a UTF-8 byte-order mark is dropped.
    """
    p = check_readable(path, what, error)
    size = p.stat().st_size
    words = {"what": _(what), "file": repr(str(p)), "size": f"{size / 1e6:.0f}"}
    words["limit"] = f"{max_bytes / 1e6:.0f}"
    if size > max_bytes:
        raise error(_(messages.too_large).format(**words), hint=_(messages.too_large_hint))
    raw = p.read_bytes()
    if b"\x00" in raw:
        raise error(_(messages.binary).format(**words), hint=_(messages.binary_hint))
    try:
        return p, raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            _(messages.not_utf8).format(**words, byte=exc.start),
            hint=_(messages.not_utf8_hint),
        ) from None
