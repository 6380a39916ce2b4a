"""Objective and direct indicator weights.

Rows of ``X`` are alternatives (models, clusters), columns are indicators.

- :func:`entropy_weights` (Shannon entropy method; Zeleny 1982, Hwang & Yoon 1981):
  ``p_ij = x_ij / Σ_i x_ij`` (sum normalisation of the raw, non-negative columns),
  ``E_j = −(1/ln m) Σ_i p_ij ln p_ij`` with ``0 · ln 0 = 0``, ``d_j = 1 − E_j``,
  ``w_j = d_j / Σ_k d_k``. A column that is all zero carries no information (d_j = 0). If every
  column is uniform the weights are equal.
- :func:`critic_weights` (CRITIC; Diakoulaki, Mavrotas & Papayannakis 1995):
  min–max normalised columns ``r_ij = (x_ij − min_j) / (max_j − min_j)`` (a constant column gives
  0), sample standard deviation ``s_j`` (ddof = 1), Pearson correlation ``ρ_jk`` (0 where a column
  is constant), ``C_j = s_j Σ_k (1 − ρ_jk)``, ``w_j = C_j / Σ_k C_k``. If every ``C_j`` is 0
  (all columns constant or perfectly correlated) the weights are equal (pymcdm returns 0/0).
- :func:`equal_weights` and :func:`direct_weights` (given numbers, checked and normalised).

>>> entropy_weights([[1, 1], [1, 3]]).round(4).tolist()
[0.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from clustermarketing.errors import ClusterMarketingError


def _matrix(x: Any, name: str = "X") -> np.ndarray:
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise ClusterMarketingError(f"{name}: not a table of numbers") from None
    if a.ndim != 2 or a.shape[0] < 2 or a.shape[1] < 1:
        raise ClusterMarketingError(
            f"{name}: shape {a.shape}; expected alternatives × indicators with ≥ 2 alternatives"
        )
    bad = np.argwhere(~np.isfinite(a))
    if bad.size:
        i, j = bad[0]
        raise ClusterMarketingError(
            f"{name}[{i + 1}][{j + 1}]: {a[i, j]}; expected a finite number"
        )
    return a


def entropy_weights(x: Any) -> np.ndarray:
    """Entropy weights of the columns of ``X`` (non-negative values; see the module docstring)."""
    a = _matrix(x)
    neg = np.argwhere(a < 0)
    if neg.size:
        i, j = neg[0]
        raise ClusterMarketingError(
            f"X[{i + 1}][{j + 1}]: {a[i, j]:.6g}; the entropy method needs non-negative values "
            "(shift or rescale the column first)"
        )
    m = a.shape[0]
    col = a.sum(axis=0)
    p = np.divide(a, col, out=np.zeros_like(a), where=col > 0)
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(m)
    e = np.where(col > 0, e, 1.0)  # an all-zero column carries no information
    d = np.clip(1.0 - e, 0.0, None)
    if d.sum() <= 1e-15:
        return np.full(a.shape[1], 1.0 / a.shape[1])
    return d / d.sum()


def critic_weights(x: Any) -> np.ndarray:
    """CRITIC weights of the columns of ``X`` (see the module docstring)."""
    a = _matrix(x)
    lo, hi = a.min(axis=0), a.max(axis=0)
    span = hi - lo
    r = np.divide(a - lo, span, out=np.zeros_like(a), where=span > 0)
    s = r.std(axis=0, ddof=1)
    rc = r - r.mean(axis=0)
    norm = np.sqrt((rc**2).sum(axis=0))
    denom = np.outer(norm, norm)
    rho = np.divide(rc.T @ rc, denom, out=np.zeros((a.shape[1], a.shape[1])), where=denom > 0)
    np.fill_diagonal(rho, 1.0)
    c = s * (1.0 - rho).sum(axis=0)
    if c.sum() <= 1e-15:
        return np.full(a.shape[1], 1.0 / a.shape[1])
    return c / c.sum()


def equal_weights(n: int) -> np.ndarray:
    """``n`` equal weights."""
    if n < 1:
        raise ClusterMarketingError(f"weights: {n} elements; expected at least one")
    return np.full(n, 1.0 / n)


def direct_weights(
    values: Sequence[float], labels: Sequence[str] | None = None, tolerance: float = 1e-3
) -> np.ndarray:
    """Given weights, checked: finite, non-negative, summing to 1 within ``tolerance``.

    The rounding left within the tolerance (e.g. 0.33 + 0.33 + 0.33) is removed by rescaling
    to an exact sum of 1; a larger gap is an error rather than a silent rescaling.
    """
    w = np.asarray(values, dtype=float)
    names = list(labels) if labels is not None else [str(i + 1) for i in range(w.size)]
    for k, v in enumerate(w):
        if not np.isfinite(v) or v < 0:
            raise ClusterMarketingError(
                f"weights[{names[k]}]: {v:.6g}; expected a non-negative number"
            )
    total = float(w.sum())
    if abs(total - 1.0) > tolerance:
        raise ClusterMarketingError(
            f"weights: sum to {total:.6g}; expected 1 (tolerance {tolerance:g})"
        )
    return w / total


__all__ = ["critic_weights", "direct_weights", "entropy_weights", "equal_weights"]
