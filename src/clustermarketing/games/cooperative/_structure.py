"""Parsing of the structures that restrict cooperation: communication graphs and partitions.

Players are referred to by their label in ``TUGame.players`` or by their index ``0..n−1``.
Every error names the offending entry, what was given and what was expected; nothing is
silently dropped or merged (a repeated edge or a player in two unions is an error).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np

from clustermarketing.games.cooperative.tu import coalition_matrix

if TYPE_CHECKING:
    from clustermarketing.games.cooperative.tu import TUGame

_CHUNK_ROWS = 1 << 16
_TEXT = (str, bytes)
_INT = frozenset({int})

__all__ = [
    "edges_from_adjacency",
    "graph_components",
    "parse_edges",
    "parse_partition",
    "player_index",
    "subgame_values",
]


def player_index(ref: Any, players: Sequence[Hashable], where: str) -> int:
    """Index of the player ``ref`` (a label of ``players``, else an index ``0..n−1``)."""
    return _PlayerLookup(players)(ref, where)


@lru_cache(maxsize=256)
def _has_int_labels(players: tuple[Hashable, ...]) -> bool:
    return any(isinstance(p, int | np.integer) for p in players)


class _PlayerLookup:
    """Label → index lookup for a parser (labels first, then indices); the dict is built lazily."""

    def __init__(self, players: Sequence[Hashable]) -> None:
        self.players = players
        self._index: dict[Hashable, int] | None = None

    def __call__(self, ref: Any, where: str) -> int:
        n = len(self.players)
        if self._index is None:
            self._index = {p: i for i, p in enumerate(self.players)}
        try:
            i = self._index.get(ref)
        except TypeError:  # unhashable reference
            i = None
        if i is not None:
            return i
        if isinstance(ref, int | np.integer) and not isinstance(ref, bool) and 0 <= ref < n:
            return int(ref)
        shown = ", ".join(repr(p) for p in self.players[:8]) + (", …" if n > 8 else "")
        raise ValueError(
            f"{where}: unknown player {ref!r}; expected one of the labels ({shown}) "
            f"or an index 0..{n - 1}"
        )


def parse_edges(edges: Iterable[Sequence[Any]], players: Sequence[Hashable]) -> np.ndarray:
    """Undirected edges as an ``(E, 2)`` int array with ``i < j``, in the order given.

    ``edges`` is an iterable of pairs of players (labels or indices; for an adjacency matrix use
    :func:`edges_from_adjacency`). A self-loop, an edge given twice (also as ``(j, i)``) or a
    pair of other length is an error.
    """
    lookup = _PlayerLookup(players)
    out: list[tuple[int, int]] = []
    seen: dict[tuple[int, int], int] = {}
    for k, pair in enumerate(edges):
        try:
            items = list(pair)
        except TypeError:
            raise ValueError(f"edges[{k}] = {pair!r}: expected a pair of players") from None
        if len(items) != 2:
            raise ValueError(
                f"edges[{k}] = {pair!r}: expected a pair of players, got {len(items)} items"
            )
        i = lookup(items[0], f"edges[{k}]")
        j = lookup(items[1], f"edges[{k}]")
        if i == j:
            raise ValueError(f"edges[{k}] = {pair!r}: a player cannot be linked to itself")
        key = (min(i, j), max(i, j))
        if key in seen:
            raise ValueError(
                f"edges[{k}] = {pair!r} repeats edges[{seen[key]}]; each link must be given once "
                "(links are undirected)"
            )
        seen[key] = k
        out.append(key)
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def edges_from_adjacency(adjacency: Any) -> list[tuple[int, int]]:
    """Edges ``(i, j)``, ``i < j``, of a symmetric adjacency matrix (non-zero entry = link).

    Weights are ignored: any non-zero entry links its two players. The diagonal must be zero.

    Examples
    --------
    >>> edges_from_adjacency([[0, 1, 0], [1, 0, 2], [0, 2, 0]])
    [(0, 1), (1, 2)]
    """
    a = np.asarray(adjacency)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"adjacency matrix must be square, got shape {a.shape}")
    if not np.issubdtype(a.dtype, np.number) and a.dtype != bool:
        raise ValueError(f"adjacency matrix must be numeric or boolean, got dtype {a.dtype}")
    link = a != 0
    if np.any(np.diag(link)):
        i = int(np.flatnonzero(np.diag(link))[0])
        raise ValueError(f"adjacency[{i}, {i}] = {a[i, i].item()!r}: expected 0 (no self-links)")
    asym = np.argwhere(link != link.T)
    if asym.size:
        i, j = (int(t) for t in asym[0])
        raise ValueError(
            f"adjacency matrix must be symmetric: adjacency[{i}, {j}] = {a[i, j].item()!r} but "
            f"adjacency[{j}, {i}] = {a[j, i].item()!r}"
        )
    i, j = np.nonzero(np.triu(link, 1))
    return [(int(a_), int(b_)) for a_, b_ in zip(i, j, strict=True)]


def parse_partition(
    blocks: Iterable[Iterable[Any]], players: Sequence[Hashable], what: str = "unions"
) -> list[list[int]]:
    """A partition of the players as lists of sorted indices, blocks in the order given.

    Every player must be in exactly one non-empty block.
    """
    n = len(players)
    given: list[list[Any]] = []
    for k, block in enumerate(blocks):
        try:
            if isinstance(block, _TEXT):
                raise TypeError
            items = list(block)
        except TypeError:
            raise ValueError(f"{what}[{k}] = {block!r}: expected a list of players") from None
        if not items:
            raise ValueError(f"{what}[{k}] is empty; every block needs at least one player")
        given.append(items)
    flat = list(chain.from_iterable(given))
    if (
        set(map(type, flat)) <= _INT
        and not _has_int_labels(tuple(players))
        and sorted(flat) == list(range(n))
    ):  # plain indices forming a partition (the common case, checked in one pass)
        return [sorted(items) for items in given]
    lookup = _PlayerLookup(players)
    owner = [-1] * n
    out: list[list[int]] = []
    for k, items in enumerate(given):
        idx = [lookup(r, f"{what}[{k}]") for r in items]
        for i in idx:
            if owner[i] >= 0:
                where = f"{what}[{k}] twice" if owner[i] == k else f"{what}[{owner[i]}] and [{k}]"
                raise ValueError(
                    f"player {players[i]!r} appears in {where}; {what} must be disjoint"
                )
            owner[i] = k
        out.append(sorted(idx))
    missing = [i for i in range(n) if owner[i] < 0]
    if missing:
        names = ", ".join(repr(players[i]) for i in missing[:8])
        raise ValueError(
            f"{what} must cover every player exactly once; missing: {names}"
            + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        )
    return out


def graph_components(n: int, edges: np.ndarray) -> list[np.ndarray]:
    """Connected components of the graph on ``0..n−1`` (sorted index arrays, by smallest member)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    order = {}
    for i, lab in enumerate(labels.tolist()):
        order.setdefault(lab, []).append(i)
    return [np.array(members, dtype=np.int64) for members in order.values()]


def subgame_values(
    game: TUGame | None,
    f: Callable[[np.ndarray], np.ndarray],
    n: int,
    members: np.ndarray,
) -> np.ndarray:
    """``v`` on all ``2^k`` subsets of ``members`` (local bitmask order), ``v(∅) = 0``."""
    k = members.size
    if game is not None:
        if k == n:
            return np.array(game.values)
        masks = np.zeros(1, dtype=np.int64)
        for i in members.tolist():
            masks = np.concatenate([masks, masks | (1 << i)])
        return game.values[masks]
    out = np.zeros(1 << k)
    for start in range(1, 1 << k, _CHUNK_ROWS):
        local = np.arange(start, min(start + _CHUNK_ROWS, 1 << k), dtype=np.int64)
        rows = np.zeros((local.size, n), dtype=bool)
        rows[:, members] = coalition_matrix(k, local)
        out[local] = np.asarray(f(rows), dtype=float).reshape(-1)
    return out
