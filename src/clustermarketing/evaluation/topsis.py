"""TOPSIS (Hwang & Yoon 1981): closeness of each alternative to the ideal solution.

Rows of X are alternatives, columns indicators; ``benefit[j]`` is True where more is better.

1. Normalise each column: ``"vector"`` (default) ``r_ij = x_ij / sqrt(Σ_i x_ij²)``, or
   ``"minmax"`` ``r_ij = (x_ij − min_j) / (max_j − min_j)``. A column with zero norm (vector) or
   zero range (min–max) is set to 0: it cannot separate the alternatives.
2. Weight: ``v_ij = w_j r_ij``. A weighted column whose spread is at rounding level
   (max − min ≤ 10⁻¹² · max |v|, e.g. 0.1 and 0.1 + 1 ulp) is treated as constant, so that
   rescaling the data cannot flip a ranking decided by rounding.
3. Ideal ``v⁺_j`` = max over alternatives for a benefit column, min for a cost column; anti-ideal
   the opposite.
4. ``D⁺_i = ‖v_i − v⁺‖₂``, ``D⁻_i = ‖v_i − v⁻‖₂``, closeness ``C_i = D⁻_i / (D⁺_i + D⁻_i)``
   (0.5 when both are 0, i.e. all alternatives tie on every column).

Vector normalisation is a positive rescaling of each column, so it also applies to indicators
that take negative values (differences from a baseline); the ordering within a column is kept.

>>> topsis([[1, 3000], [2, 3750], [5, 4500]], [0.5, 0.5], [False, True], "minmax").round(3).tolist()
[0.5, 0.617, 0.5]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from clustermarketing.errors import ClusterMarketingError

NORMALIZATIONS: tuple[str, ...] = ("vector", "minmax")


def topsis_batch(
    x: np.ndarray, weights: np.ndarray, benefit: np.ndarray, normalization: str = "vector"
) -> np.ndarray:
    """Closeness for a batch: x (…, m, n), weights (…, n) → (…, m). No validation."""
    if normalization == "vector":
        norm = np.sqrt((x**2).sum(axis=-2, keepdims=True))
        r = np.divide(x, norm, out=np.zeros_like(x, dtype=float), where=norm > 0)
    elif normalization == "minmax":
        lo, hi = x.min(axis=-2, keepdims=True), x.max(axis=-2, keepdims=True)
        span = hi - lo
        r = np.divide(x - lo, span, out=np.zeros_like(x, dtype=float), where=span > 0)
    else:
        raise ClusterMarketingError(
            f"normalization: {normalization!r}; expected one of {', '.join(NORMALIZATIONS)}"
        )
    v = r * weights[..., None, :]
    vmax, vmin = v.max(axis=-2, keepdims=True), v.min(axis=-2, keepdims=True)
    # a column whose spread is at rounding level (e.g. 0.1 and 0.1 + 1 ulp) is constant: it
    # must not decide the ranking, or rescaling the data could flip it
    flat = (vmax - vmin) <= 1e-12 * np.maximum(np.abs(vmax), np.abs(vmin))
    v = np.where(flat, vmax, v)
    vmin = np.where(flat, vmax, vmin)
    ideal = np.where(benefit, vmax, vmin)
    anti = np.where(benefit, vmin, vmax)
    dp = np.sqrt(((v - ideal) ** 2).sum(axis=-1))
    dm = np.sqrt(((v - anti) ** 2).sum(axis=-1))
    tot = dp + dm
    return np.divide(dm, tot, out=np.full_like(tot, 0.5), where=tot > 0)


def topsis(x: Any, weights: Any, benefit: Any, normalization: str = "vector") -> np.ndarray:
    """Closeness coefficients C_i in [0, 1] (higher is better); see the module docstring."""
    try:
        a = np.asarray(x, dtype=float)
        w = np.asarray(weights, dtype=float).ravel()
        b = np.asarray(benefit, dtype=bool).ravel()
    except (TypeError, ValueError):
        raise ClusterMarketingError("topsis: X, weights and benefit must be numbers") from None
    if a.ndim != 2 or a.shape[0] < 1:
        raise ClusterMarketingError(f"X: shape {a.shape}; expected alternatives × indicators")
    if w.size != a.shape[1] or b.size != a.shape[1]:
        raise ClusterMarketingError(
            f"weights/benefit: {w.size}/{b.size} values; X has {a.shape[1]} columns"
        )
    if not np.all(np.isfinite(a)):
        i, j = np.argwhere(~np.isfinite(a))[0]
        raise ClusterMarketingError(f"X[{i + 1}][{j + 1}]: {a[i, j]}; expected a finite number")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ClusterMarketingError(f"weights: {w.tolist()}; expected non-negative numbers")
    return topsis_batch(a, w, b, normalization)


__all__ = ["NORMALIZATIONS", "topsis", "topsis_batch"]
