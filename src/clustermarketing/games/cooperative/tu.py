"""Transferable-utility (TU) games stored as one array over all coalitions.

A TU game on players ``N = {0, …, n−1}`` is a characteristic function ``v: 2^N → ℝ`` with
``v(∅) = 0``. It is stored as a float array of length ``2**n`` indexed by the coalition's
*bitmask*: bit ``i`` of the index is set iff player ``i`` belongs to the coalition, so
``values[0b101]`` is ``v({0, 2})``. Every solution concept in this package works on that array
with vectorised index arithmetic (no Python loop over coalitions).

A *cost game* (``cost=True``) stores stand-alone costs ``c(S)`` instead of worths. Solutions then
return cost allocations, the core is ``{x : x(N) = c(N), x(S) ≤ c(S)}`` and the excess of ``S`` at
``x`` is ``x(S) − c(S)``. Internally cost games are solved through the *profit form*
``v = −c`` with allocation ``−x`` (all these concepts commute with that sign change), see
:func:`profit_form`.

:class:`TUGame` is a thin front: its methods delegate to the module-level functions
(``shapley(game)``, ``nucleolus(game)``, ...), which are the reference implementation.

References
----------
Peleg, B. & Sudhölter, P. (2007). *Introduction to the Theory of Cooperative Games*, 2nd ed.
Springer. Chapter 2 (TU games, cost games).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from clustermarketing.games.cooperative.core import CoreCheck, LeastCore

__all__ = ["TUGame", "coalition_matrix", "popcount", "profit_form", "subset_sums"]

#: Largest number of players for which a full ``2**n`` table is built.
MAX_TABLE_PLAYERS = 26

_CHUNK_ROWS = 1 << 16


def popcount(n: int) -> np.ndarray:
    """Return the coalition sizes ``|S|`` for all ``2**n`` bitmasks (int64 array)."""
    sizes = np.zeros(1, dtype=np.int64)
    for _ in range(n):
        sizes = np.concatenate([sizes, sizes + 1])
    return sizes


def subset_sums(x: np.ndarray) -> np.ndarray:
    """Return ``x(S) = Σ_{i∈S} x_i`` for every bitmask ``S`` (length ``2**len(x)``).

    Built by doubling: the table for players ``0..i`` is the table for ``0..i−1`` followed by
    the same table plus ``x_i``. Cost ``O(2**n)``.
    """
    x = np.asarray(x, dtype=float)
    sums = np.zeros(1)
    for xi in x:
        sums = np.concatenate([sums, sums + xi])
    return sums


def coalition_matrix(n: int, masks: np.ndarray | None = None) -> np.ndarray:
    """Boolean membership matrix ``M[k, i] = (player i ∈ coalition k)``.

    ``masks`` defaults to all ``2**n`` bitmasks in index order.
    """
    if masks is None:
        masks = np.arange(1 << n, dtype=np.int64)
    masks = np.asarray(masks, dtype=np.int64)
    return ((masks[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(bool)


def profit_form(game: TUGame) -> tuple[np.ndarray, float]:
    """Return ``(v, sign)``: the worths of the profit form and the sign to map allocations back.

    For a profit game ``v`` is ``game.values`` and ``sign = 1``; for a cost game ``v = −c`` and
    ``sign = −1``, so that a solution ``y`` of ``v`` gives the cost allocation ``x = sign·y``.
    """
    if game.cost:
        return -game.values, -1.0
    return game.values, 1.0


class TUGame:
    """A TU game (or cost game) with ``n`` players, stored by coalition bitmask.

    Parameters
    ----------
    values:
        Array of length ``2**n``; ``values[mask]`` is the worth (or cost) of the coalition whose
        members are the set bits of ``mask``. ``values[0]`` must be 0.
    cost:
        If true the numbers are costs ``c(S)`` and every solution is a cost allocation.
    players:
        Optional labels of the players (default ``"0"``, ``"1"``, ...).

    Examples
    --------
    >>> g = TUGame([0, 1, 0, 3])  # v({0}) = 1, v({1}) = 0, v({0, 1}) = 3
    >>> g.shapley().tolist()
    [2.0, 1.0]
    """

    __slots__ = ("_values", "cost", "n", "players")

    def __init__(
        self,
        values: Sequence[float] | np.ndarray,
        cost: bool = False,
        players: Sequence[Hashable] | None = None,
    ) -> None:
        arr = np.array(values, dtype=float).reshape(-1)
        size = arr.size
        if size == 0 or size & (size - 1):
            raise ValueError(
                f"values must have length 2**n (one entry per coalition bitmask), got {size}"
            )
        n = size.bit_length() - 1
        if arr[0] != 0:
            raise ValueError(f"values[0] is v(∅) and must be 0, got {arr[0]!r}")
        if not np.all(np.isfinite(arr)):
            bad = int(np.flatnonzero(~np.isfinite(arr))[0])
            raise ValueError(f"values must be finite; values[{bad}] = {arr[bad]!r}")
        if players is None:
            labels: tuple[Hashable, ...] = tuple(str(i) for i in range(n))
        else:
            labels = tuple(players)
            if len(labels) != n:
                raise ValueError(f"{len(labels)} player labels given for a game of {n} players")
            if len(set(labels)) != n:
                raise ValueError(f"player labels must be distinct, got {labels}")
        arr.setflags(write=False)
        self._values = arr
        self.n = n
        self.cost = bool(cost)
        self.players = labels

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_function(
        cls,
        n: int,
        f: Callable[[np.ndarray], np.ndarray],
        cost: bool = False,
        players: Sequence[Hashable] | None = None,
    ) -> TUGame:
        """Tabulate a vectorised characteristic function.

        ``f`` receives a boolean array of shape ``(k, n)`` (one coalition per row) and returns
        ``k`` values. It is called on the ``2**n − 1`` non-empty coalitions in chunks; ``v(∅)``
        is set to 0 whatever ``f`` would return (e.g. a fixed cost ``F`` of an empty group).
        """
        if n < 0 or n > MAX_TABLE_PLAYERS:
            raise ValueError(f"from_function tabulates 2**n values; need 0 <= n <= 26, got {n}")
        total = 1 << n
        values = np.zeros(total)
        for start in range(1, total, _CHUNK_ROWS):
            masks = np.arange(start, min(start + _CHUNK_ROWS, total), dtype=np.int64)
            out = np.asarray(f(coalition_matrix(n, masks)), dtype=float).reshape(-1)
            if out.shape != masks.shape:
                raise ValueError(
                    f"f returned {out.shape[0]} values for a batch of {masks.size} coalitions"
                )
            values[masks] = out
        return cls(values, cost=cost, players=players)

    @classmethod
    def from_dict(
        cls,
        worths: Mapping[frozenset[Any], float],
        cost: bool = False,
        players: Sequence[Hashable] | None = None,
    ) -> TUGame:
        """Build a game from ``{frozenset(members): value}``.

        Members are player labels (or integer indices when ``players`` is omitted and all members
        are ints). Every non-empty coalition must be present; the empty one is optional (= 0).
        """
        members: set[Any] = set().union(*worths.keys()) if worths else set()
        if players is None:
            if all(isinstance(p, int | np.integer) for p in members):
                n = (max(members) + 1) if members else 0
                labels: list[Any] = list(range(n))
            else:
                labels = sorted(members, key=str)
        else:
            labels = list(players)
        index = {p: i for i, p in enumerate(labels)}
        n = len(labels)
        values = np.full(1 << n, np.nan)
        values[0] = 0.0
        for coalition, value in worths.items():
            mask = 0
            for p in coalition:
                if p not in index:
                    raise ValueError(f"unknown player {p!r} in coalition {set(coalition)}")
                mask |= 1 << index[p]
            values[mask] = float(value)
        missing = np.flatnonzero(np.isnan(values))
        if missing.size:
            first = {labels[i] for i in range(n) if (int(missing[0]) >> i) & 1}
            raise ValueError(
                f"{missing.size} coalition(s) missing from the dict, e.g. {first}; "
                "every non-empty coalition needs a value"
            )
        if players is None and labels == list(range(n)):
            return cls(values, cost=cost)
        return cls(values, cost=cost, players=labels)

    # ------------------------------------------------------------------ access
    @property
    def values(self) -> np.ndarray:
        """Read-only array of worths (or costs) indexed by bitmask."""
        return self._values

    @property
    def grand_coalition(self) -> int:
        """Bitmask of ``N``."""
        return (1 << self.n) - 1

    def mask(self, coalition: int | Iterable[Hashable]) -> int:
        """Bitmask of a coalition given as a mask or as an iterable of labels/indices."""
        if isinstance(coalition, int | np.integer):
            return int(coalition)
        index = {p: i for i, p in enumerate(self.players)}
        mask = 0
        for p in coalition:
            if p in index:
                mask |= 1 << index[p]
            elif isinstance(p, int | np.integer) and 0 <= p < self.n:
                mask |= 1 << int(p)
            else:
                raise KeyError(f"unknown player {p!r}")
        return mask

    def members(self, mask: int) -> tuple[Hashable, ...]:
        """Labels of the players in the coalition ``mask``."""
        return tuple(p for i, p in enumerate(self.players) if (mask >> i) & 1)

    def __call__(self, coalition: int | Iterable[Hashable]) -> float:
        """``v(S)`` (or ``c(S)``) of a coalition given as a mask or an iterable of players."""
        return float(self._values[self.mask(coalition)])

    def __repr__(self) -> str:
        kind = "cost" if self.cost else "profit"
        return f"TUGame(n={self.n}, {kind}, players={self.players!r})"

    # ------------------------------------------------------------------ solutions (delegation)
    def shapley(self) -> np.ndarray:
        """Exact Shapley value, see :func:`~clustermarketing.games.cooperative.shapley.shapley`."""
        from clustermarketing.games.cooperative.shapley import shapley

        return shapley(self)

    def banzhaf(self, normalized: bool = True) -> np.ndarray:
        """Banzhaf value, see :func:`~clustermarketing.games.cooperative.banzhaf.banzhaf`."""
        from clustermarketing.games.cooperative.banzhaf import banzhaf

        return banzhaf(self, normalized=normalized)

    def myerson(self, edges: Iterable[Sequence[Any]]) -> np.ndarray:
        """Myerson value for a communication graph, see :func:`~.graph_values.myerson`."""
        from clustermarketing.games.cooperative.graph_values import myerson

        return myerson(self, edges)

    def owen(self, unions: Iterable[Iterable[Any]]) -> np.ndarray:
        """Owen value for a priori unions, see :func:`~.unions.owen`."""
        from clustermarketing.games.cooperative.unions import owen

        return owen(self, unions)

    def aumann_dreze(self, blocks: Iterable[Iterable[Any]]) -> np.ndarray:
        """Aumann–Drèze value for a coalition structure, see :func:`~.unions.aumann_dreze`."""
        from clustermarketing.games.cooperative.unions import aumann_dreze

        return aumann_dreze(self, blocks)

    def tau_value(self) -> np.ndarray:
        """τ value (Tijs 1981), see :func:`~.tau.tau_value`."""
        from clustermarketing.games.cooperative.tau import tau_value

        return tau_value(self)

    def nucleolus(self) -> np.ndarray:
        """Nucleolus, see :func:`~clustermarketing.games.cooperative.nucleolus.nucleolus`."""
        from clustermarketing.games.cooperative.nucleolus import nucleolus

        return nucleolus(self)

    def prenucleolus(self) -> np.ndarray:
        """Prenucleolus, see :func:`~clustermarketing.games.cooperative.nucleolus.prenucleolus`."""
        from clustermarketing.games.cooperative.nucleolus import prenucleolus

        return prenucleolus(self)

    def least_core(self) -> LeastCore:
        """Least core ``(epsilon, allocation)``, see :func:`~.core.least_core`."""
        from clustermarketing.games.cooperative.core import least_core

        return least_core(self)

    def core_contains(self, x: Sequence[float] | np.ndarray, tol: float = 1e-9) -> CoreCheck:
        """Whether ``x`` is in the core, see :func:`~.core.core_contains`."""
        from clustermarketing.games.cooperative.core import core_contains

        return core_contains(self, x, tol=tol)

    def is_core_empty(self) -> bool:
        """Bondareva–Shapley test, see :func:`~.core.is_core_empty`."""
        from clustermarketing.games.cooperative.core import is_core_empty

        return is_core_empty(self)

    def is_superadditive(self) -> bool:
        """See :func:`~.properties.is_superadditive`."""
        from clustermarketing.games.cooperative.properties import is_superadditive

        return is_superadditive(self)

    def is_convex(self) -> bool:
        """See :func:`~.properties.is_convex`."""
        from clustermarketing.games.cooperative.properties import is_convex

        return is_convex(self)

    def is_monotone(self) -> bool:
        """See :func:`~.properties.is_monotone`."""
        from clustermarketing.games.cooperative.properties import is_monotone

        return is_monotone(self)

    def is_balanced(self) -> bool:
        """See :func:`~.properties.is_balanced`."""
        from clustermarketing.games.cooperative.properties import is_balanced

        return is_balanced(self)
