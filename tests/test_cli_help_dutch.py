"""Under the Dutch user interface every paragraph of every command's ``--help`` is Dutch: the
summary, the body (exit codes, inputs) and "Examples:"; only the example command lines stay.
"""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from selectie.cli import app
from selectie.cli._lang import _paragraphs, _prose, _walk, help_messages
from selectie.i18n import _, language

ROOT = typer.main.get_command(app)
COMMANDS = [c for c in _walk(ROOT) if c.help]


def test_every_prose_paragraph_is_in_the_catalogue() -> None:
    """The catalogue's help messages hold every paragraph but the example command lines."""
    messages = set(help_messages(ROOT))
    for cmd in COMMANDS:
        for paragraph in _paragraphs(cmd.help or ""):
            assert (paragraph in messages) == _prose(paragraph), (cmd.name, paragraph[:60])


@pytest.mark.parametrize("cmd", COMMANDS, ids=[c.name or "" for c in COMMANDS])
def test_every_paragraph_has_dutch(cmd: typer.core.TyperCommand) -> None:
    """Each prose paragraph of the command's help has a Dutch translation of its own."""
    with language("nl"):
        for paragraph in _paragraphs(cmd.help or ""):
            if _prose(paragraph):
                assert _(paragraph) != paragraph, (cmd.name, paragraph[:60])


def test_the_lotterys_help_body_is_dutch() -> None:
    """`selectie --lang nl lottery --help` shows the exit codes in Dutch, not in English, and
    keeps the example command lines as they are.
    """
    result = CliRunner().invoke(app, ["--lang", "nl", "lottery", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "De invoer is een pool en een scenario, zoals bij `select`" in text
    assert "Afsluitcode 0: de loting is berekend" in text
    assert "Voorbeelden:" in text
    assert "selectie lottery --method maximin" in text
    assert "Input is a pool" not in text
    assert "Exit code" not in text
    assert "Examples:" not in text
