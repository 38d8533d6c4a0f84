"""Reading TOML input files with clear errors (shared by codebooks and scenarios)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import InputError, Problem

__all__ = ["check_readable", "read_toml", "validation_problems"]


def check_readable(path: str | Path, what: str, error: type[InputError]) -> Path:
    """Return ``path`` as a Path if it is an existing file, else raise ``error`` saying why."""
    p = Path(path)
    if not p.exists():
        raise error(
            f"{what} {str(p)!r} does not exist",
            hint=f"Check the path (relative paths start from the current folder: {Path.cwd()}).",
        )
    if p.is_dir():
        raise error(f"{what} {str(p)!r} is a folder, not a file", hint="Give the path of a file.")
    return p


def read_toml(path: str | Path, what: str, error: type[InputError]) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into ``error`` with file and line."""
    p = check_readable(path, what, error)
    raw = p.read_bytes()
    if b"\x00" in raw:
        raise error(
            f"{what} {str(p)!r} is not a text file (it contains NUL bytes)",
            hint="A scenario or codebook is a TOML text file; see docs/reference.md.",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            f"{what} {str(p)!r} is not UTF-8 text (byte {exc.start} cannot be decoded)",
            hint="Save the file as UTF-8.",
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(
            f"{what} {str(p)!r} is not valid TOML: {exc}",
            hint="Check quotes, brackets and '=' signs at the line given; "
            "see https://toml.io for the syntax.",
        ) from None


def _loc(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def validation_problems(exc: ValidationError, file: str | None) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located by its key path."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        where = _loc(loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not part of the format)"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        found = err.get("input")
        found_text = None
        if err["type"] not in ("missing", "extra_forbidden") and isinstance(
            found, str | int | float | bool
        ):
            found_text = str(found)
        problems.append(
            Problem(
                file=file,
                message=f"at {where}: {msg}" if where else msg,
                found=found_text,
            )
        )
    return problems
