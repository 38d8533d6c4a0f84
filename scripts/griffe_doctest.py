"""A griffe extension for the API reference (mkdocs.yml): shows the docstrings' doctest
examples as Python console code, not as Markdown text, and their Sphinx roles as code.

The docstrings are plain text with ``>>>`` examples (run by pytest --doctest-modules); read
as Markdown, an output line such as ``['size', 'regio=Limburg']`` would be taken for a link.
This wraps every run of example lines (a ``>>>`` line, its ``...`` continuations and its
output, up to a blank line) in a fenced ``pycon`` block.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

# A Sphinx role such as :class:`~selectie.result.Selection` (the docstrings' cross-references).
_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`(~?)([^`]+)`")


def plain_roles(text: str) -> str:
    """Sphinx roles as Markdown code: ``~`` keeps the last part of the name, as Sphinx does.

    >>> plain_roles("a :class:`~selectie.result.Selection` or :func:`selectie.select`")
    'a `Selection` or `selectie.select`'
    """
    return _ROLE.sub(lambda m: f"`{m[2].rsplit('.', 1)[-1] if m[1] else m[2]}`", text)


def fence_doctests(text: str) -> str:
    """``text`` with each block of doctest lines fenced.

    >>> fence_doctests("Intro.\\n\\n>>> 1 + 1\\n2\\n\\nAfter.").splitlines()
    ['Intro.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'After.']
    """
    out: list[str] = []
    inside = False
    indent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if not inside and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
            inside = True
        elif inside and not stripped:
            out.append(f"{indent}```")
            inside = False
        out.append(line)
    if inside:
        out.append(f"{indent}```")
    return "\n".join(out)


class DoctestFence(griffe.Extension):
    """Fence the doctest examples of every docstring."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = plain_roles(fence_doctests(obj.docstring.value))
