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
(``shapley(game)``, ``nucleolus(game)``, ...), which are the reference implementation. Those
solvers read a game only through its attributes (``n``, ``values``, ``cost``, ``players``; see
:class:`~._bitmask.TUGameLike`) and never import this module, so it imports them at the top;
the modules that *build* games (classic games, voting, files, allocation, the graph-restricted
and quotient games) import ``TUGame`` from here.

References
----------
Peleg, B. & Sudhölter, P. (2007). *Introduction to the Theory of Cooperative Games*, 2nd ed.
Springer. Chapter 2 (TU games, cost games).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from clustermarketing.games.cooperative._bitmask import (
    CHUNK_ROWS,
    MAX_TABLE_PLAYERS,
    checked_table,
    coalition_matrix,
    members_of,
    popcount,
    profit_form,
    subset_sums,
)
from clustermarketing.games.cooperative._graph_values import myerson
from clustermarketing.games.cooperative._unions import aumann_dreze, owen
from clustermarketing.games.cooperative.banzhaf import banzhaf
from clustermarketing.games.cooperative.core import (
    CoreCheck,
    LeastCore,
    core_contains,
    is_core_empty,
    least_core,
)
from clustermarketing.games.cooperative.nucleolus import nucleolus, prenucleolus
from clustermarketing.games.cooperative.properties import (
    is_balanced,
    is_convex,
    is_monotone,
    is_superadditive,
)
from clustermarketing.games.cooperative.shapley import shapley
from clustermarketing.games.cooperative.tau import tau_value

# The bitmask helpers (and MAX_TABLE_PLAYERS) live in ``_bitmask`` and stay importable from here.
__all__ = ["TUGame", "coalition_matrix", "popcount", "profit_form", "subset_sums"]


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
        arr, n = checked_table(values)
        if players is None:
            labels: tuple[Hashable, ...] = tuple(str(i) for i in range(n))
        else:
            labels = tuple(players)
            if len(labels) != n:
                raise ValueError(f"{len(labels)} player labels given for a game of {n} players")
            if len(set(labels)) != n:
                raise ValueError(f"player labels must be distinct, got {labels}")
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
        for start in range(1, total, CHUNK_ROWS):
            masks = np.arange(start, min(start + CHUNK_ROWS, total), dtype=np.int64)
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
        return members_of(self.players, mask)

    def __call__(self, coalition: int | Iterable[Hashable]) -> float:
        """``v(S)`` (or ``c(S)``) of a coalition given as a mask or an iterable of players."""
        return float(self._values[self.mask(coalition)])

    def __repr__(self) -> str:
        kind = "cost" if self.cost else "profit"
        return f"TUGame(n={self.n}, {kind}, players={self.players!r})"

    # ------------------------------------------------------------------ solutions (delegation)
    def shapley(self) -> np.ndarray:
        """Exact Shapley value, see :func:`~clustermarketing.games.cooperative.shapley.shapley`."""
        return shapley(self)

    def banzhaf(self, normalized: bool = True) -> np.ndarray:
        """Banzhaf value, see :func:`~clustermarketing.games.cooperative.banzhaf.banzhaf`."""
        return banzhaf(self, normalized=normalized)

    def myerson(self, edges: Iterable[Sequence[Any]]) -> np.ndarray:
        """Myerson value for a communication graph, see :func:`~.graph_values.myerson`."""
        return myerson(self, edges)

    def owen(self, unions: Iterable[Iterable[Any]]) -> np.ndarray:
        """Owen value for a priori unions, see :func:`~.unions.owen`."""
        return owen(self, unions)

    def aumann_dreze(self, blocks: Iterable[Iterable[Any]]) -> np.ndarray:
        """Aumann–Drèze value for a coalition structure, see :func:`~.unions.aumann_dreze`."""
        return aumann_dreze(self, blocks)

    def tau_value(self) -> np.ndarray:
        """τ value (Tijs 1981), see :func:`~.tau.tau_value`."""
        return tau_value(self)

    def nucleolus(self) -> np.ndarray:
        """Nucleolus, see :func:`~clustermarketing.games.cooperative.nucleolus.nucleolus`."""
        return nucleolus(self)

    def prenucleolus(self) -> np.ndarray:
        """Prenucleolus, see :func:`~clustermarketing.games.cooperative.nucleolus.prenucleolus`."""
        return prenucleolus(self)

    def least_core(self) -> LeastCore:
        """Least core ``(epsilon, allocation)``, see :func:`~.core.least_core`."""
        return least_core(self)

    def core_contains(self, x: Sequence[float] | np.ndarray, tol: float = 1e-9) -> CoreCheck:
        """Whether ``x`` is in the core, see :func:`~.core.core_contains`."""
        return core_contains(self, x, tol=tol)

    def is_core_empty(self) -> bool:
        """Bondareva–Shapley test, see :func:`~.core.is_core_empty`."""
        return is_core_empty(self)

    def is_superadditive(self) -> bool:
        """See :func:`~.properties.is_superadditive`."""
        return is_superadditive(self)

    def is_convex(self) -> bool:
        """See :func:`~.properties.is_convex`."""
        return is_convex(self)

    def is_monotone(self) -> bool:
        """See :func:`~.properties.is_monotone`."""
        return is_monotone(self)

    def is_balanced(self) -> bool:
        """See :func:`~.properties.is_balanced`."""
        return is_balanced(self)
