"""Banzhaf value of a TU game.

The (raw) Banzhaf value weighs all coalitions of the others equally:

.. math::

    β_i(v) = \\frac{1}{2^{n−1}} \\sum_{S ⊆ N∖\\{i\\}} \\bigl(v(S ∪ \\{i\\}) − v(S)\\bigr),

which for a simple game is the share of coalitions in which ``i`` is a swing. It is not
efficient; the *normalised* index ``β_i / Σ_j β_j`` sums to 1.

References
----------
Banzhaf, J. F. (1965). Weighted voting doesn't work: a mathematical analysis. *Rutgers Law
Review* 19, 317–343.
Owen, G. (1975). Multilinear extensions and the Banzhaf value. *Naval Research Logistics
Quarterly* 22(4), 741–750.
"""

from __future__ import annotations

import numpy as np

from clustermarketing.games.cooperative._bitmask import TUGameLike

__all__ = ["banzhaf"]


def banzhaf(game: TUGameLike, normalized: bool = True) -> np.ndarray:
    """Banzhaf value, vectorised like :func:`~.shapley.shapley` (one pass per player).

    ``normalized=False`` returns the raw value (sum of swings / ``2^(n−1)``); ``normalized=True``
    divides by the sum of the raw values (all zeros if that sum is 0).

    Examples
    --------
    >>> from clustermarketing.games.cooperative.voting import weighted_voting_game
    >>> banzhaf(weighted_voting_game([2, 1, 1], 3), normalized=False).tolist()
    [0.75, 0.25, 0.25]
    """
    n = game.n
    if n == 0:
        return np.zeros(0)
    v = game.values
    raw = np.empty(n)
    for i in range(n):
        vv = v.reshape(1 << (n - i - 1), 2, 1 << i)
        raw[i] = (vv[:, 1, :] - vv[:, 0, :]).sum()
    raw /= float(1 << (n - 1))
    if not normalized:
        return raw
    total = raw.sum()
    if total == 0:
        return np.zeros(n)
    return raw / total
