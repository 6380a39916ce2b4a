"""Weighted voting games and their power indices by pseudo-polynomial dynamic programming.

A weighted voting game ``[q; w_1, …, w_n]`` has ``v(S) = 1`` iff ``w(S) ≥ q``. Player ``i`` is a
*swing* for ``S ∌ i`` when ``q − w_i ≤ w(S) < q``. The indices only need, for each player, the
distribution of the others' total weight, which a knapsack-style DP over integer weights gives in
``O(n·W)`` instead of ``O(2^n)``.

**Method.** Both indices are integrals of the multilinear extension (Owen 1972, 1975):

.. math::

    φ_i = \\int_0^1 P_i(p)\\,dp,\\qquad β_i = P_i(\\tfrac12),\\qquad
    P_i(p) = \\Pr[q − w_i ≤ W_{−i}(p) < q],

where ``W_{−i}(p) = Σ_{j≠i} w_j B_j`` with independent ``B_j ~ Bernoulli(p)``. ``P_i`` is a
polynomial of degree ``n − 1``, so Gauss–Legendre quadrature with ``⌈n/2⌉`` nodes is *exact*
(``∫ p^s (1−p)^{n−1−s} dp = s!(n−1−s)!/n!`` recovers the Shapley–Shubik weights). For every node
the weight distribution of all players is built once by the DP (only probabilities, no huge
binomial counts, so hundreds of players are fine); the distribution without player ``i`` is
obtained by dividing out its factor ``(1−p) + p·z^{w_i}``, a first-order recursion run forward
for ``p ≤ ½`` and backward for ``p > ½`` so that it is always contracting (numerically stable).
Players with the same weight share one division.

References
----------
Shapley, L. S. & Shubik, M. (1954). A method for evaluating the distribution of power in a
committee system. *American Political Science Review* 48(3), 787–792.
Owen, G. (1972). Multilinear extensions of games. *Management Science* 18(5), P64–P79.
Matsui, T. & Matsui, Y. (2000). A survey of algorithms for calculating power indices of weighted
majority games. *Journal of the Operations Research Society of Japan* 43(1), 71–86.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from clustermarketing.games.cooperative.tu import TUGame, subset_sums

__all__ = ["banzhaf_index", "shapley_shubik_index", "weighted_voting_game"]


def _check(weights: Sequence[float] | np.ndarray, quota: float) -> np.ndarray:
    w = np.asarray(weights, dtype=float).reshape(-1)
    if np.any(w < 0) or np.any(w != np.round(w)):
        raise ValueError("weights must be non-negative integers (scale them for the DP)")
    if not quota > 0:
        raise ValueError(f"quota must be positive (v(∅) = 0), got {quota!r}")
    return w.astype(np.int64)


def weighted_voting_game(weights: Sequence[float] | np.ndarray, quota: float) -> TUGame:
    """Simple game ``v(S) = 1`` if ``Σ_{i∈S} w_i ≥ quota`` else 0 (explicit ``2^n`` table)."""
    w = np.asarray(weights, dtype=float).reshape(-1)
    if not quota > 0:
        raise ValueError(f"quota must be positive (v(∅) = 0), got {quota!r}")
    return TUGame((subset_sums(w) >= quota).astype(float))


def _weight_distribution(w: np.ndarray, p: np.ndarray, total: int) -> np.ndarray:
    """``f[m, k] = Pr[Σ_j w_j B_j = k]`` with ``B_j ~ Bernoulli(p[m])``."""
    f = np.zeros((p.size, total + 1))
    f[:, 0] = 1.0
    pc = p[:, None]
    for wj in w[w > 0]:
        new = (1 - pc) * f
        new[:, wj:] += pc * f[:, :-wj]
        f = new
    return f


def _divide_out_forward(f: np.ndarray, p: np.ndarray, wi: int) -> np.ndarray:
    """Solve ``f = g·((1−p) + p z^{wi})`` for ``g`` going up in weight (stable for ``p ≤ ½``)."""
    m, length = f.shape
    blocks = -(-length // wi)
    padded = np.zeros((m, blocks * wi))
    padded[:, :length] = f
    fb = padded.reshape(m, blocks, wi)
    g = np.empty_like(fb)
    pc, qc = p[:, None], (1 - p)[:, None]
    g[:, 0] = fb[:, 0] / qc
    for b in range(1, blocks):
        g[:, b] = (fb[:, b] - pc * g[:, b - 1]) / qc
    return g.reshape(m, -1)[:, :length]


def _leave_one_out(f: np.ndarray, p: np.ndarray, wi: int) -> np.ndarray:
    """Weight distribution of the others, ``f / ((1−p) + p z^{wi})``, row by row."""
    if wi == 0:
        return f
    length = f.shape[1]
    g = np.zeros_like(f)
    low = p <= 0.5
    if low.any():
        g[low] = _divide_out_forward(f[low], p[low], wi)
    if (~low).any():
        # reversed sequences satisfy the same relation with p and 1−p swapped
        rev = _divide_out_forward(f[~low, ::-1], 1 - p[~low], wi)[:, ::-1]
        g[~low, : length - wi] = rev[:, wi:]
    return g


def _swing_probabilities(w: np.ndarray, quota: float, p: np.ndarray) -> np.ndarray:
    """``P_i(p_m)`` for every node ``m`` and player ``i``, shape ``(len(p), n)``."""
    total = int(w.sum())
    f = _weight_distribution(w, p, total)
    out = np.zeros((p.size, w.size))
    top = math.ceil(quota) - 1  # largest losing weight
    for wi in np.unique(w):
        if wi == 0:
            continue
        g = _leave_one_out(f, p, int(wi))
        cum = np.concatenate([np.zeros((p.size, 1)), np.cumsum(g, axis=1)], axis=1)
        lo = max(0, math.ceil(quota - wi))
        hi = min(total - int(wi), top)
        if hi >= lo:
            out[:, w == wi] = (cum[:, hi + 1] - cum[:, lo])[:, None]
    return np.clip(out, 0.0, 1.0)


def shapley_shubik_index(weights: Sequence[float] | np.ndarray, quota: float) -> np.ndarray:
    """Shapley–Shubik power index of ``[quota; weights]`` (integer weights, exact quadrature).

    Examples
    --------
    >>> # UN Security Council: 5 permanent members (weight 7), 10 others (weight 1), quota 39
    >>> ssi = shapley_shubik_index([7] * 5 + [1] * 10, 39)
    >>> round(ssi[0] * 2145), round(ssi[-1] * 2145)
    (421, 4)
    """
    w = _check(weights, quota)
    n = w.size
    if n == 0:
        return np.zeros(0)
    nodes, node_weights = np.polynomial.legendre.leggauss(max(1, (n + 1) // 2 + 1))
    p = (nodes + 1) / 2
    return (node_weights / 2) @ _swing_probabilities(w, quota, p)


def banzhaf_index(
    weights: Sequence[float] | np.ndarray, quota: float, normalized: bool = True
) -> np.ndarray:
    """Banzhaf index of ``[quota; weights]``: swing probability at ``p = ½`` (raw) or normalised
    to sum to 1 (all zeros if nobody is ever a swing).

    Examples
    --------
    >>> banzhaf_index([2, 1, 1], 3, normalized=False).tolist()
    [0.75, 0.25, 0.25]
    """
    w = _check(weights, quota)
    if w.size == 0:
        return np.zeros(0)
    raw = _swing_probabilities(w, quota, np.array([0.5]))[0]
    if not normalized:
        return raw
    total = raw.sum()
    return raw / total if total > 0 else np.zeros_like(raw)
