"""Reading TOML input files with clear errors (shared by codebooks and scenarios)."""

from __future__ import annotations

import contextlib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._read import FILE_KINDS, TextMessages, check_readable, read_text
from .errors import InputError, Problem
from .i18n import N_, _

__all__ = ["FILE_KINDS", "check_readable", "nesting_depth", "read_toml", "validation_problems"]

#: TOML inputs (scenarios, codebooks) larger than this are refused unread.
MAX_TOML_BYTES = 16_000_000


_MESSAGES = TextMessages(
    too_large=N_("{what} {file} is {size} MB; a {what} file is at most {limit} MB"),
    too_large_hint=N_("Check that the path names the right file."),
    binary=N_("{what} {file} is not a text file (it contains NUL bytes)"),
    binary_hint=N_("A scenario or codebook is a TOML text file; see docs/reference.md."),
    not_utf8=N_("{what} {file} is not UTF-8 text (byte {byte} cannot be decoded)"),
    not_utf8_hint=N_("Save the file as UTF-8."),
)


def read_toml(path: str | Path, what: str, error: type[InputError]) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into ``error`` with file and line."""
    p, text = read_text(path, what, error, max_bytes=MAX_TOML_BYTES, messages=_MESSAGES)
    name = {"what": _(what), "file": repr(str(p))}
    deep = error(
        _(
            "{what} {file} is nested too deeply: arrays or tables more than {depth} levels "
            "within each other"
        ).format(**name, depth=MAX_TOML_DEPTH),
        hint=_("A {what} needs a few levels at most; see docs/reference.md for the format.").format(
            **name
        ),
    )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(
            _("{what} {file} is not valid TOML: {error}").format(**name, error=exc),
            hint=_(
                "Check quotes, brackets and '=' signs at the line given; "
                "see https://toml.io for the syntax."
            ),
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


#: pydantic's own messages for the errors a hand-written TOML file meets most, in the words
#: pydantic uses, so that they are translated like every other message (placeholders are
#: the keys of pydantic's error context).
_PYDANTIC_MESSAGES = {
    "missing": N_("Field required"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "string_type": N_("Input should be a valid string"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "literal_error": N_("Input should be {expected}"),
    "string_too_short": N_("String should have at least {min_length} character(s)"),
}


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
        ours = _PYDANTIC_MESSAGES.get(err["type"])
        if err["type"] == "extra_forbidden":
            msg = _("unknown key (not part of the format)")
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        elif ours is not None:
            # a context pydantic did not give: keep its own words
            with contextlib.suppress(KeyError, IndexError):
                msg = _(ours).format(**err.get("ctx", {}))
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
                message=_("at {where}: {message}").format(where=where, message=msg)
                if where
                else msg,
                found=found_text,
            )
        )
    return problems
