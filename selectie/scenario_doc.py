"""A scenario written back as its own file: the user's order and comments kept (tomlkit).

``selectie scenario show`` prints the effective scenario after the command-line changes. When
the scenario came from a file, :func:`edited_toml` edits that file's text instead of dumping
the scenario afresh: what did not change keeps its place and comments, a changed value is
replaced where it stood, a quota added by ``--min`` is appended after the file's own, and
what a change removed is removed.

>>> from selectie.scenario import scenario_from_dict
>>> text = '''# my scenario
... size = 13  # the report's number
...
... [[quotas]]
... # one per region
... attribute = "regio"
... min = 1
... '''
>>> import tomllib
>>> sc = scenario_from_dict(tomllib.loads(text)).with_size(15)
>>> print(edited_toml(text, sc))
# my scenario
size = 15  # the report's number
<BLANKLINE>
[[quotas]]
# one per region
attribute = "regio"
min = 1
<BLANKLINE>
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = ["edited_toml"]


def _data(scenario: Scenario) -> dict[str, Any]:
    data = scenario.to_dict()
    data.setdefault("size", scenario.size)
    return data


def edited_toml(original: str, scenario: Scenario) -> str:
    """``original`` (a scenario file's text) edited to say ``scenario``; comments and order of
    everything unchanged are kept. The result reads back as ``scenario``.
    """
    import tomlkit

    from .scenario import scenario_from_dict

    doc = tomlkit.parse(original)
    before = _data(scenario_from_dict(tomllib.loads(original)))
    after = _data(scenario)
    _merge(doc, before, after)
    return tomlkit.dumps(doc)


def _merge(
    node: MutableMapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    import tomlkit

    for key in list(node.keys()):
        if key not in after:
            del node[key]
    for key, new in after.items():
        old = before.get(key)
        if key in node and old == new:
            continue
        if key in node and isinstance(new, dict) and isinstance(old, dict):
            target = node[key]
            if isinstance(target, MutableMapping):
                _merge(target, old, new)
                continue
        if (
            key in node
            and isinstance(new, list)
            and isinstance(old, list)
            and new[: len(old)] == old
            and isinstance(node[key], list)
        ):
            for item in new[len(old) :]:
                if isinstance(item, dict):
                    table = tomlkit.table()
                    table.update(item)
                    table.add(tomlkit.nl())  # a blank line before what follows
                    node[key].append(table)
                else:
                    node[key].append(item)
            continue
        node[key] = tomlkit.item(new)
