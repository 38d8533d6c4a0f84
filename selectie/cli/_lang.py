"""The command line's language and the order of its commands.

``--lang nl|en`` may stand anywhere on the command line (``selectie --lang nl select`` or
``selectie select --lang nl``); without it, ``SELECTIE_LANG`` and the locale decide (see
:mod:`selectie.i18n`). The help texts are translated when the command tree is about to be
shown: every command's paragraphs, every option's help and click's own headings ("Usage:",
"Options:", ...), each through the one message catalogue.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterable
from typing import Any

import typer.core

# typer (0.2x) carries its own copy of click; its command, context and formatter classes are
# the ones the tree is made of.
from typer import _click as click

from ..i18n import N_, _, check_language, language, set_language
from ..i18n import chosen_language as get_language_choice

__all__ = [
    "COMMAND_ORDER",
    "CSV_DIALECT",
    "SelectieGroup",
    "help_messages",
    "pop_language",
    "pop_option",
]

#: Commands in the order of a user's work: draft the files, select, check, look, explore;
#: then the web page that does all of it.
COMMAND_ORDER: tuple[str, ...] = (
    "init",
    "select",
    "check",
    "tables",
    "validate",
    "scenario",
    "explain",
    "alternatives",
    "importance",
    "replace",
    "sweep",
    "lottery",
    "app",
)

#: click's and typer's own headings, translated through selectie's catalogue.
HEADINGS = (N_("Usage: "), N_("Options"), N_("Commands"), N_("Arguments"))


#: The CSV dialect of this command line's output (``--csv-dialect``), read by ``emit``.
CSV_DIALECT: contextvars.ContextVar[str] = contextvars.ContextVar(
    "selectie_csv_dialect", default="standard"
)


def pop_option(args: list[str], flag: str) -> tuple[list[str], str | None]:
    """``args`` without any ``FLAG X`` / ``FLAG=X``, and the last value given.

    >>> pop_option(["select", "--lang", "nl", "--size", "5"], "--lang")
    (['select', '--size', '5'], 'nl')
    >>> pop_option(["--lang=en", "check"], "--lang")
    (['check'], 'en')
    """
    out: list[str] = []
    value: str | None = None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            out += args[i:]
            break
        if a == flag and i + 1 < len(args):
            value = args[i + 1]
            i += 2
            continue
        if a.startswith(flag + "="):
            value = a.split("=", 1)[1]
            i += 1
            continue
        out.append(a)
        i += 1
    return out, value


def pop_language(args: list[str]) -> tuple[list[str], str | None]:
    """``args`` without any ``--lang X`` / ``--lang=X``, and the last language given."""
    return pop_option(args, "--lang")


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def _translate_text(text: str | None) -> str | None:
    """Each paragraph of a help text through the catalogue (untranslated ones stay)."""
    if not text:
        return text
    return "\n\n".join(_(p) if p.strip() else p for p in _paragraphs(text))


#: The bracketed notes typer and click put at the end of an option's help.
_NOTES = re.compile(r"\[([^\[\]]*)\]\Z")


def _translate_notes(text: str) -> str:
    """An option's help with click's and typer's own words in it translated: the help of
    ``--help`` and the closing ``[default: ...; required]`` notes (the values stay).

    >>> _translate_notes("Output format.  [default: table; required]")
    'Output format.  [default: table; required]'
    """
    if text == "Show this message and exit.":
        return _("Show this message and exit.")
    found = _NOTES.search(text)
    if found is None:
        return text
    notes = []
    for note in found.group(1).split("; "):
        if note.startswith("default: "):
            notes.append(_("default: {default}").format(default=note.removeprefix("default: ")))
        elif note.startswith("env var: "):
            notes.append(_("env var: {var}").format(var=note.removeprefix("env var: ")))
        elif note == "required":
            notes.append(_("required"))
        else:
            notes.append(note)
    return text[: found.start()] + "[" + "; ".join(notes) + "]"


class _Formatter(click.HelpFormatter):
    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", _("[OPTIONS]")).replace(
            "COMMAND [ARGS]...", _("COMMAND [ARGS]...")
        )
        super().write_usage(prog, args, _("Usage: ") if prefix is None else _(prefix))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(term, _translate_notes(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


class _Context(click.Context):
    formatter_class = _Formatter


def _walk(cmd: click.Command) -> Iterable[click.Command]:
    yield cmd
    commands = getattr(cmd, "commands", None)
    if isinstance(commands, dict):
        for sub in commands.values():
            yield from _walk(sub)


def translate_tree(root: click.Command) -> None:
    """Translate the help of ``root`` and every command under it, in place."""
    for cmd in _walk(root):
        cmd.context_class = _Context
        cmd.help = _translate_text(cmd.help)
        short = getattr(cmd, "short_help", None)
        if short:
            cmd.short_help = _(short)
        for param in cmd.params:
            if getattr(param, "help", None):
                param.help = _translate_text(param.help)  # type: ignore[attr-defined]
            panel = getattr(param, "rich_help_panel", None)
            if panel:
                param.rich_help_panel = _(panel)  # type: ignore[attr-defined]


def _prose(paragraph: str) -> bool:
    """Whether a paragraph of a command's help is words to translate, not an example
    command line (``  selectie select --size 15``), which stays as it is.

    >>> _prose("Exit code 0 if everything is valid."), _prose("  selectie select --size 15")
    (True, False)
    """
    text = paragraph.strip()
    return bool(text) and not text.startswith("selectie ")


def help_messages(root: click.Command) -> list[str]:
    """Every help text the catalogue should translate: every paragraph of each command's
    help but its example command lines (the summary, the body, "Examples:"), each option's
    and argument's help, and the headings.
    """
    out: list[str] = list(HEADINGS)
    for cmd in _walk(root):
        if cmd.help:
            out += [p for p in _paragraphs(cmd.help) if _prose(p)]
        for param in cmd.params:
            text = getattr(param, "help", None)
            if text:
                out.append(text)
    return list(dict.fromkeys(out))


class SelectieGroup(typer.core.TyperGroup):
    """The root group: reads ``--lang`` wherever it stands, translates the help, and lists
    the commands in the order of :data:`COMMAND_ORDER`.
    """

    context_class = _Context

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # The language chosen on this command line holds for this run only: a notebook or a
        # test that runs several command lines in one process keeps its own choice.
        token = CSV_DIALECT.set(CSV_DIALECT.get())
        try:
            with language(get_language_choice()):
                return super().main(*args, **kwargs)
        finally:
            CSV_DIALECT.reset(token)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args, lang = pop_language(list(args))
        # --csv-dialect is global (every CSV a command writes, the lottery's hand-over files
        # too), except for a command that declares an option of that name itself.
        kept = list(args)
        args, dialect = pop_option(args, "--csv-dialect")
        if dialect is not None and self._declares(kept, "--csv-dialect"):
            args, dialect = kept, None  # that command writes its files in its own dialect
        try:
            if lang is not None:
                set_language(check_language(lang))
        except ValueError as exc:
            raise typer.BadParameter(f"--lang: {exc}", ctx) from None
        if dialect is not None:
            from ..csvdialect import check_dialect

            try:
                CSV_DIALECT.set(check_dialect(dialect))
            except ValueError as exc:
                raise typer.BadParameter(f"--csv-dialect: {exc}", ctx) from None
        translate_tree(self)
        return super().parse_args(ctx, args)

    def _declares(self, args: list[str], flag: str) -> bool:
        """True if the command named first in ``args`` has an option ``flag`` of its own."""
        commands = getattr(self, "commands", {})
        name = next((a for a in args if a in commands), None)
        if name is None:
            return False
        return any(flag in getattr(p, "opts", ()) for p in commands[name].params)

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = list(self.commands)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), names.index(n)))
