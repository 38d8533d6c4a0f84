"""Bridges: cases linked because they share a theme across regions (a networkx graph).

Bijlage 4: "Bij de projecten met een districtelijke of regionale focus hebben we bewust voor
projecten gekozen waarbij we bruggen kunnen slaan naar andere projecten in het land die
hetzelfde thema bestrijken." Two cases are linked when they share a ``via`` value (a theme)
and both have a known, different ``across`` value (a region).

>>> from selectie import load_pool
>>> pool = load_pool()
>>> g = bridge_graph(pool)
>>> g.number_of_nodes() == len(pool)
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .pool import Pool

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["bridge_graph", "bridge_links", "bridges_of"]


def bridge_graph(pool: Pool, via: str = "thema", across: str = "regio") -> nx.Graph:
    """The pool as a graph: a node per case (by position), an edge per shared ``via`` value
    between cases whose ``across`` values are known and differ.

    Nodes carry ``id`` and ``name``; edges carry ``shared``, the ``via`` values in common.

    >>> from selectie import Attribute, Codebook, Pool
    >>> cb = Codebook(name="demo", attributes=[
    ...     Attribute(name="regio", values=["North", "South"]),
    ...     Attribute(name="thema", multi=True, values=["drugs", "money"])])
    >>> pool = Pool.from_records([
    ...     {"id": "a", "regio": "North", "thema": "drugs"},
    ...     {"id": "b", "regio": "South", "thema": "drugs|money"},
    ...     {"id": "c", "regio": "North", "thema": "money"}], cb)
    >>> sorted(bridge_graph(pool).edges(data="shared"))
    [(0, 1, ['drugs']), (1, 2, ['money'])]
    """
    import networkx as nx

    graph = nx.Graph()
    for i in range(len(pool)):
        graph.add_node(i, id=pool.ids[i], name=pool.names[i])
    for (i, j), shared in bridge_links(pool, via, across).items():
        graph.add_edge(i, j, shared=shared)
    return graph


def bridge_links(
    pool: Pool, via: str = "thema", across: str = "regio"
) -> dict[tuple[int, int], list[str]]:
    """The edges of :func:`bridge_graph` as plain data, without networkx: ``(i, j)`` with
    ``i < j`` to the ``via`` values the two cases share (what the constraints need; the
    graph object is made only where one is asked for).

    >>> from selectie import Attribute, Codebook, Pool
    >>> cb = Codebook(name="demo", attributes=[
    ...     Attribute(name="regio", values=["North", "South"]),
    ...     Attribute(name="thema", multi=True, values=["drugs", "money"])])
    >>> pool = Pool.from_records([
    ...     {"id": "a", "regio": "North", "thema": "drugs"},
    ...     {"id": "b", "regio": "South", "thema": "drugs|money"},
    ...     {"id": "c", "regio": "North", "thema": "money"}], cb)
    >>> bridge_links(pool)
    {(0, 1): ['drugs'], (1, 2): ['money']}
    """
    cb = pool.codebook
    cb.attribute(via)
    cb.attribute(across)
    links: dict[tuple[int, int], list[str]] = {}
    groups = pool.values[across]
    for code in cb.attribute(via).codes:
        holders = pool.holders(via, code)
        for a_pos, i in enumerate(holders):
            gi = groups[i]
            if not gi:
                continue
            for j in holders[a_pos + 1 :]:
                gj = groups[j]
                if not gj or gi == gj:
                    continue
                links.setdefault((min(i, j), max(i, j)), []).append(code)
    return dict(sorted(links.items()))


def bridges_of(
    pool: Pool,
    selected: Iterable[int],
    *,
    via: str = "thema",
    across: str = "regio",
    graph: nx.Graph | None = None,
) -> dict[str, list[str]]:
    """For each selected case, its bridges: unselected linked cases, as ``id (name)`` labels.

    >>> from selectie import Attribute, Codebook, Pool
    >>> cb = Codebook(name="demo", attributes=[
    ...     Attribute(name="regio", values=["North", "South"]),
    ...     Attribute(name="thema", multi=True, values=["drugs", "money"])])
    >>> pool = Pool.from_records([
    ...     {"id": "a", "regio": "North", "thema": "drugs"},
    ...     {"id": "b", "regio": "South", "thema": "drugs|money"},
    ...     {"id": "c", "regio": "North", "thema": "money"}], cb)
    >>> bridges_of(pool, [0, 2])  # a and c (North) each share a theme with b (South)
    {'a': ['b'], 'c': ['b']}
    """
    linked: dict[int, set[int]] = {}
    if graph is not None:
        for i, j in graph.edges():
            linked.setdefault(i, set()).add(j)
            linked.setdefault(j, set()).add(i)
    else:
        for i, j in bridge_links(pool, via, across):
            linked.setdefault(i, set()).add(j)
            linked.setdefault(j, set()).add(i)
    chosen = set(selected)
    out: dict[str, list[str]] = {}
    for i in sorted(chosen):
        out[pool.ids[i]] = [pool.label(j) for j in sorted(linked.get(i, ())) if j not in chosen]
    return out
