"""Reading TOML input files with clear errors (shared by codebooks and scenarios)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import InputError, Problem

__all__ = ["check_readable", "nesting_depth", "read_toml", "validation_problems"]

#: TOML inputs (scenarios, codebooks) larger than this are refused unread.
MAX_TOML_BYTES = 16_000_000


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
    if not p.is_file():
        # A pipe or a device (/dev/zero) would block or never end: refuse it, never read it.
        raise error(
            f"{what} {str(p)!r} is not a regular file (it is a pipe, socket or device)",
            hint="Give the path of a file saved on disk.",
        )
    return p


def read_toml(path: str | Path, what: str, error: type[InputError]) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into ``error`` with file and line."""
    p = check_readable(path, what, error)
    size = p.stat().st_size
    if size > MAX_TOML_BYTES:
        raise error(
            f"{what} {str(p)!r} is {size / 1e6:.0f} MB; a {what} file is at most "
            f"{MAX_TOML_BYTES / 1e6:.0f} MB",
            hint="Check that the path names the right file.",
        )
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
    deep = error(
        f"{what} {str(p)!r} is nested too deeply: arrays or tables more than "
        f"{MAX_TOML_DEPTH} levels within each other",
        hint=f"A {what} needs a few levels at most; see docs/reference.md for the format.",
    )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(
            f"{what} {str(p)!r} is not valid TOML: {exc}",
            hint="Check quotes, brackets and '=' signs at the line given; "
            "see https://toml.io for the syntax.",
        ) from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise deep from None
    if nesting_depth(data) > MAX_TOML_DEPTH:
        raise deep
    return data


#: TOML inputs nested deeper than this are refused (selectie's formats need four levels).
MAX_TOML_DEPTH = 32


def nesting_depth(value: Any) -> int:
    """How many lists and dicts lie within each other in ``value`` (without recursion).

    >>> nesting_depth({"a": [1, [2]], "b": 3}), nesting_depth(7)
    (3, 0)
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth)
        stack.extend((x, depth + 1) for x in item)
    return deepest


def _loc(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _plain(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """A pydantic error location without its internal validator steps."""
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))


def validation_problems(exc: ValidationError, file: str | None) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located by its key path."""
    problems = []
    errors = exc.errors(include_url=False)
    locs = [_plain(err["loc"]) for err in errors]
    for err, loc in zip(errors, locs, strict=True):
        if err["type"] == "too_short" and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in locs
        ):
            # A list emptied by its own invalid items: those items are already reported.
            continue
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
            # TOML spells booleans in lower case
            found_text = str(found).lower() if isinstance(found, bool) else str(found)
        problems.append(
            Problem(
                file=file,
                message=f"at {where}: {msg}" if where else msg,
                found=found_text,
            )
        )
    return problems
