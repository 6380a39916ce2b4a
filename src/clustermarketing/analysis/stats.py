"""Statistics over replicates: means and 95% confidence intervals that stay inside the possible
range.

Replicates are independent draws of the whole cluster, so a metric's replicate values are
i.i.d.; the interval is Student's t: ``mean ± t_{0.975, n−1} · s / √n``. A paired difference
(model − baseline on the same replicate, common random numbers) is summarised the same way, on
the differences.

The t-interval ignores that a rate lies in [0, 1] and a count is never negative: with few
replicates, or a rate near 0 or 1, it reaches outside. Since the true mean lies in the range with
certainty, intersecting the interval with the range (``bounds``, from
:func:`clustermarketing.units.metric_range`) keeps its coverage and only removes impossible
values; ``ci_clipped`` says when that happened. No interval is given from fewer than two values.

>>> r = mean_ci(np.array([0.97, 0.99, 1.0]), bounds=(0.0, 1.0))
>>> round(r["mean"], 4), round(r["ci_low"], 4), r["ci_high"], r["ci_clipped"]
(0.9867, 0.9487, 1.0, True)
>>> mean_ci(np.array([2.0]))
{'mean': 2.0, 'ci_low': None, 'ci_high': None, 'ci_clipped': False}
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from clustermarketing.units import difference_range, metric_range

#: Below this many replicates a 95% interval is too wide to mean much (t₀.₉₇₅ with n − 1 = 2
#: degrees of freedom is 4.30, against 1.96 for large n); the CLI warns.
FEW_REPLICATES = 4


def mean_ci(
    values: np.ndarray,
    level: float = 0.95,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> dict[str, float | bool | None]:
    """``{"mean", "ci_low", "ci_high", "ci_clipped"}`` of the finite values (``None`` where
    undefined); the interval is clipped to ``bounds`` and ``ci_clipped`` says whether it was.

    >>> mean_ci(np.array([1.0, 2.0, 3.0]))["mean"]
    2.0
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "ci_clipped": False}
    mean = float(v.mean())
    if v.size < 2:
        return {"mean": mean, "ci_low": None, "ci_high": None, "ci_clipped": False}
    half = float(stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    lo, hi = mean - half, mean + half
    clo, chi = max(lo, bounds[0]), min(hi, bounds[1])
    return {"mean": mean, "ci_low": clo, "ci_high": chi, "ci_clipped": (clo, chi) != (lo, hi)}


def comparison_cis(metric: str, model: np.ndarray, baseline: np.ndarray) -> dict[str, dict]:
    """Mean and CI of ``metric`` for the model arm, the baseline arm and their paired difference
    (per replicate), each interval clipped to what the metric (or a difference of it) can be.
    """
    rng = metric_range(metric)
    return {
        "model": mean_ci(model, bounds=rng),
        "baseline": mean_ci(baseline, bounds=rng),
        "difference": mean_ci(model - baseline, bounds=difference_range(metric)),
    }
