"""Structural properties of TU games, checked on the whole coalition table at once.

* superadditive: ``v(S ∪ T) ≥ v(S) + v(T)`` for disjoint ``S, T`` (cooperation never hurts);
* convex (supermodular): ``v(S ∪ T) + v(S ∩ T) ≥ v(S) + v(T)``; equivalently marginal
  contributions increase, ``v(S∪i) − v(S) ≤ v(S∪{i,j}) − v(S∪j)`` (Shapley 1971) — convex games
  have a large core containing the Shapley value and the nucleolus;
* monotone: ``v(S) ≤ v(T)`` for ``S ⊆ T``;
* balanced: the core is non-empty (Bondareva–Shapley, see :mod:`.core`).

For a cost game the first two are checked on the profit form ``−c`` (i.e. subadditive and
submodular/concave costs, the cost-game counterparts) while monotone means costs do not decrease
when members join, ``c(S) ≤ c(T)``.

References
----------
Shapley, L. S. (1971). Cores of convex games. *International Journal of Game Theory* 1, 11–26.
"""

from __future__ import annotations

import numpy as np

from clustermarketing.games.cooperative._bitmask import TUGameLike, profit_form
from clustermarketing.games.cooperative.core import is_core_empty

__all__ = ["is_balanced", "is_convex", "is_monotone", "is_superadditive"]

_TERNARY_CHUNK = 1 << 20


def _tol(v: np.ndarray, tol: float) -> float:
    return tol * max(1.0, float(np.abs(v).max()) if v.size else 1.0)


def is_monotone(game: TUGameLike, tol: float = 1e-9) -> bool:
    """``v(S) ≤ v(S ∪ {i})`` for every ``S`` and ``i`` (on the stored values, costs or worths)."""
    v = game.values
    eps = _tol(v, tol)
    n = game.n
    for i in range(n):
        vv = v.reshape(1 << (n - i - 1), 2, 1 << i)
        if np.any(vv[:, 1, :] < vv[:, 0, :] - eps):
            return False
    return True


def is_convex(game: TUGameLike, tol: float = 1e-9) -> bool:
    """Supermodularity via the local condition on every pair ``i < j`` (``O(n²·2^n)``)."""
    v, _ = profit_form(game)
    eps = _tol(v, tol)
    n = game.n
    for j in range(n):
        for i in range(j):
            # axes: bits above j, bit j, bits between, bit i, bits below i
            vv = v.reshape(1 << (n - j - 1), 2, 1 << (j - i - 1), 2, 1 << i)
            gain_alone = vv[:, 0, :, 1, :] - vv[:, 0, :, 0, :]
            gain_with_j = vv[:, 1, :, 1, :] - vv[:, 1, :, 0, :]
            if np.any(gain_with_j < gain_alone - eps):
                return False
    return True


def is_superadditive(game: TUGameLike, tol: float = 1e-9) -> bool:
    """``v(S ∪ T) ≥ v(S) + v(T)`` for all disjoint pairs, enumerated as ternary vectors.

    Each of the ``3^n`` vectors in ``{0, 1, 2}^n`` (player outside, in ``S``, in ``T``) is
    decoded to two masks with digit arithmetic, in chunks of ``2^20``. Exhaustive, so meant for
    ``n ≤ 16`` or so.
    """
    v, _ = profit_form(game)
    eps = _tol(v, tol)
    n = game.n
    total = 3**n
    bits = np.int64(1) << np.arange(n, dtype=np.int64)
    powers = 3 ** np.arange(n, dtype=np.int64)
    for start in range(0, total, _TERNARY_CHUNK):
        code = np.arange(start, min(start + _TERNARY_CHUNK, total), dtype=np.int64)
        digits = (code[:, None] // powers) % 3
        s = (digits == 1) @ bits
        t = (digits == 2) @ bits
        if np.any(v[s | t] < v[s] + v[t] - eps):
            return False
    return True


def is_balanced(game: TUGameLike, tol: float = 1e-9) -> bool:
    """Balanced (non-empty core) by the Bondareva–Shapley LP; see :func:`.core.is_core_empty`."""
    return not is_core_empty(game, tol=tol)
