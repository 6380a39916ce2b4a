"""Statistics over replicates: means and 95% confidence intervals.

Replicates are independent draws of the whole cluster, so a metric's replicate values are
i.i.d.; the interval is Student's t: ``mean ± t_{0.975, n−1} · s / √n``. A paired difference
(model − baseline on the same replicate, common random numbers) is summarised the same way, on
the differences.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def mean_ci(values: np.ndarray, level: float = 0.95) -> dict[str, float | None]:
    """``{"mean", "ci_low", "ci_high"}`` of the finite values (``None`` where undefined).

    >>> mean_ci(np.array([1.0, 2.0, 3.0]))["mean"]
    2.0
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"mean": None, "ci_low": None, "ci_high": None}
    mean = float(v.mean())
    if v.size < 2:
        return {"mean": mean, "ci_low": None, "ci_high": None}
    half = float(stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half}
