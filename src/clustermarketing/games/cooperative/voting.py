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
obtained by dividing out its factor ``(1−p) + p·z^{w_i}``, a first-order recursion that is
contracting (numerically stable) for ``p ≤ ½``; nodes ``p > ½`` are mirrored from ``1 − p``
(the weight of the others under ``1 − p`` is ``T_{−i}`` minus its weight under ``p``). Players
with the same weight share one division, and the DP is truncated at the largest weight needed.

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

from clustermarketing.games.cooperative._bitmask import subset_sums
from clustermarketing.games.cooperative.tu import TUGame

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


def _weight_distribution(w: np.ndarray, p: np.ndarray, length: int) -> np.ndarray:
    """``f[m, k] = Pr[Σ_j w_j B_j = k]``, ``B_j ~ Bernoulli(p[m])``, for ``k < length``.

    Truncation is exact: the update of ``f[k]`` only reads ``f[k]`` and ``f[k − w_j]``.
    """
    f = np.zeros((p.size, length))
    f[:, 0] = 1.0
    pc, qc = p[:, None], (1 - p)[:, None]
    reach = 0  # f is zero above the running total weight
    for wj in w[w > 0]:
        reach = min(reach + int(wj), length - 1)
        if wj < length:
            f[:, wj : reach + 1] = qc * f[:, wj : reach + 1] + pc * f[:, : reach + 1 - wj]
        f[:, : min(wj, reach + 1)] *= qc
    return f


def _divide_out(f: np.ndarray, p: np.ndarray, wi: int) -> np.ndarray:
    """Solve ``f = g·((1−p) + p z^{wi})`` for ``g`` going up in weight.

    ``g_k = (f_k − p·g_{k−wi}) / (1−p)``: errors are damped by ``p/(1−p) ≤ 1`` per step, so this
    is stable for ``p ≤ ½`` (only such nodes are used, see :func:`_swing_probabilities`).
    """
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


def _swing_probabilities(w: np.ndarray, quota: float, p: np.ndarray) -> np.ndarray:
    """``P_i(p)`` for nodes ``p ≤ ½`` (rows) and, mirrored, for ``1 − p`` (second block of rows).

    Under ``1 − p`` the weight of the others is ``T_{−i}`` minus a weight drawn under ``p``, so
    ``Pr_{1−p}[a ≤ W_{−i} ≤ b] = Pr_p[T_{−i} − b ≤ W_{−i} ≤ T_{−i} − a]``: one stable forward
    division serves both nodes of a symmetric pair. Returns shape ``(2·len(p), n)``.
    """
    total = int(w.sum())
    top = math.ceil(quota) - 1  # largest losing weight
    ranges = {}
    for wi in np.unique(w[w > 0]).tolist():
        lo, hi = max(0, math.ceil(quota - wi)), min(total - wi, top)
        if hi >= lo:
            ranges[wi] = (lo, hi)
    out = np.zeros((2 * p.size, w.size))
    if not ranges:
        return out
    length = 1 + min(total, max(max(hi, total - wi - lo) for wi, (lo, hi) in ranges.items()))
    f = _weight_distribution(w, p, length)
    for wi, (lo, hi) in ranges.items():
        cum = np.concatenate([np.zeros((p.size, 1)), np.cumsum(_divide_out(f, p, wi), axis=1)], 1)
        direct = cum[:, hi + 1] - cum[:, lo]
        rest = total - wi
        mirrored = cum[:, rest - lo + 1] - cum[:, rest - hi]
        out[: p.size, w == wi] = direct[:, None]
        out[p.size :, w == wi] = mirrored[:, None]
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
    # Gauss–Legendre on [0, 1] with an even number of nodes, symmetric about ½: exact for the
    # degree n − 1 polynomial P_i; only the nodes p < ½ are computed, the others mirrored.
    half = max(1, (n + 3) // 4)
    nodes, node_weights = np.polynomial.legendre.leggauss(2 * half)
    p = (nodes[:half] + 1) / 2
    return (
        np.concatenate([node_weights[:half], node_weights[:half]])
        / 2
        @ _swing_probabilities(w, quota, p)
    )


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
    raw = _swing_probabilities(w, quota, np.array([0.5]))[0]  # p = ½ is its own mirror
    if not normalized:
        return raw
    total = raw.sum()
    return raw / total if total > 0 else np.zeros_like(raw)
