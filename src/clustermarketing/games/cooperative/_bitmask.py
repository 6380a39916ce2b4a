"""Bit and array arithmetic on coalition bitmasks, shared by every cooperative solver.

A coalition of players ``{0, …, n−1}`` is the integer whose bit ``i`` is set iff player ``i``
belongs to it; a TU game is the float table of its ``2**n`` worths (or costs) indexed that way
(see :mod:`.tu`). This module holds what only needs those integers and tables — coalition sizes,
subset sums, membership matrices, the validation of a table, the profit form of a cost game —
and the :class:`TUGameLike` interface through which the solvers read a game.

It imports nothing else of the package: :class:`~.tu.TUGame` is built on it, and the solver
modules use it without importing ``TUGame``, so that ``TUGame``'s convenience methods can import
the solvers at the top of :mod:`.tu` (the package's modules import each other without cycles).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = [
    "CHUNK_ROWS",
    "MAX_TABLE_PLAYERS",
    "TUGameLike",
    "checked_table",
    "coalition_matrix",
    "members_of",
    "popcount",
    "profit_form",
    "subset_sums",
]

#: Largest number of players for which a full ``2**n`` table is built.
MAX_TABLE_PLAYERS = 26

#: Coalitions per batch when a characteristic function is tabulated.
CHUNK_ROWS = 1 << 16


@runtime_checkable
class TUGameLike(Protocol):
    """What the solvers read from a game: the table and its labels.

    :class:`~.tu.TUGame` is the implementation; any object with these attributes is solved the
    same way. ``values[mask]`` is the worth (or, with ``cost`` true, the cost) of the coalition
    ``mask``, ``n`` the number of players and ``players`` their labels. Functions accepting
    either a game or a vectorised characteristic function tell them apart with
    ``isinstance(obj, TUGameLike)``.
    """

    n: int
    cost: bool
    players: tuple[Hashable, ...]

    @property
    def values(self) -> np.ndarray:
        """Worths (or costs) indexed by bitmask, length ``2**n``."""
        ...


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


def members_of(players: Sequence[Hashable], mask: int) -> tuple[Hashable, ...]:
    """Labels of the players in the coalition ``mask``."""
    return tuple(p for i, p in enumerate(players) if (mask >> i) & 1)


def checked_table(values: Sequence[float] | np.ndarray) -> tuple[np.ndarray, int]:
    """A copy of ``values`` as a read-only float table, and its number of players ``n``.

    Raises ``ValueError`` unless the length is ``2**n``, ``values[0] = v(∅) = 0`` and every
    entry is finite (the checks of :class:`~.tu.TUGame`).
    """
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
    arr.setflags(write=False)
    return arr, n


def profit_form(game: TUGameLike) -> tuple[np.ndarray, float]:
    """Return ``(v, sign)``: the worths of the profit form and the sign to map allocations back.

    For a profit game ``v`` is ``game.values`` and ``sign = 1``; for a cost game ``v = −c`` and
    ``sign = −1``, so that a solution ``y`` of ``v`` gives the cost allocation ``x = sign·y``.
    """
    if game.cost:
        return -game.values, -1.0
    return game.values, 1.0
