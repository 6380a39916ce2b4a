"""Confidence intervals of a mean over replicates that stay inside the possible range.

The t-interval ``mean ± t₀.₉₇₅,ₙ₋₁ · s / √n`` (over the finite values) ignores that a rate lies
in [0, 1] and a count is never negative: with few replicates, or a rate near 0 or 1, it reaches
outside. Since the true mean lies in the range with certainty, intersecting the interval with
the range keeps its coverage and only removes impossible values; :func:`mean_ci` does that and
says so (``ci_clipped``). No interval is given from fewer than two values.

>>> r = mean_ci([0.97, 0.99, 1.0], bounds=(0.0, 1.0))
>>> round(r["mean"], 4), round(r["ci_low"], 4), r["ci_high"], r["ci_clipped"]
(0.9867, 0.9487, 1.0, True)
>>> mean_ci([2.0])
{'mean': 2.0, 'ci_low': None, 'ci_high': None, 'ci_clipped': False}
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

__all__ = ["FEW_REPLICATES", "mean_ci", "t_halfwidth"]

#: Below this many replicates a 95% interval is too wide to mean much (t₀.₉₇₅ with n − 1 = 2
#: degrees of freedom is 4.30, against 1.96 for large n); the CLI warns.
FEW_REPLICATES = 4


def t_halfwidth(values: np.ndarray, level: float = 0.95) -> float:
    """Half-width of the t-interval of the mean of ``values`` (at least two finite values)."""
    n = values.size
    return float(stats.t.ppf(0.5 + level / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))


def mean_ci(
    values: Sequence[float] | np.ndarray,
    bounds: tuple[float, float] = (-math.inf, math.inf),
    level: float = 0.95,
) -> dict[str, float | bool | None]:
    """Mean and t-interval of the finite ``values``, the interval clipped to ``bounds``.

    Returns ``{"mean", "ci_low", "ci_high", "ci_clipped"}``; ``None`` where undefined (no finite
    value; fewer than two for the interval). ``ci_clipped`` is true when a bound cut the interval.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "ci_clipped": False}
    mean = float(v.mean())
    if v.size < 2:
        return {"mean": mean, "ci_low": None, "ci_high": None, "ci_clipped": False}
    half = t_halfwidth(v, level)
    lo, hi = mean - half, mean + half
    clo, chi = max(lo, bounds[0]), min(hi, bounds[1])
    return {"mean": mean, "ci_low": clo, "ci_high": chi, "ci_clipped": (clo, chi) != (lo, hi)}
