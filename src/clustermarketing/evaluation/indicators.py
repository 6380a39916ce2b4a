"""Indicator values from simulation output, each against the independent baseline.

Input is the per-replicate table of a comparison of all models (``compare().replicate_values``):
columns ``model``, ``replicate``, ``arm`` ("model" | "baseline") and one column per metric.
Baseline rows are given per model, because member-group metrics of the baseline use that
model's members. For model M and indicator i with metric μ and transform τ:

- the **value** is τ applied to the means over replicates of the two arms
  (``x̄ = mean_r x_r``, ``b̄ = mean_r b_r``; missing values are skipped);
- the **per-replicate values** ``τ(x_r, b_r)`` (same random numbers for both arms) drive the
  outcome-uncertainty ranking and the indicator's 95% t-interval.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.evaluation.hierarchy import Hierarchy


def transform(kind: str, x: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Indicator from model value(s) ``x`` and baseline value(s) ``b`` (see hierarchy docs).

    ``relative`` is undefined (NaN) where the baseline is 0 and the model value is not; where
    both are 0 the change is 0.

    >>> transform("relative", np.array([3.0, 0.0]), np.array([2.0, 0.0])).tolist()
    [0.5, 0.0]
    """
    x = np.asarray(x, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "difference":
            return x - b
        if kind == "relative":
            out = (x - b) / np.abs(b)
            return np.where((b == 0) & (x == 0), 0.0, np.where(b == 0, np.nan, out))
        if kind == "log1p_difference":
            return np.log1p(np.clip(x, -1 + 1e-12, None)) - np.log1p(np.clip(b, -1 + 1e-12, None))
        if kind == "model":
            return x
    raise ClusterMarketingError(
        f"transform: {kind!r}; expected difference, relative, log1p_difference or model"
    )


@dataclass(frozen=True)
class IndicatorTable:
    """Indicator values of every model: means, per replicate and 95% intervals."""

    models: tuple[str, ...]
    indicators: tuple[str, ...]
    values: np.ndarray  # (models, indicators)
    replicates: np.ndarray  # (models, replicates, indicators); NaN where undefined
    ci_low: np.ndarray
    ci_high: np.ndarray
    model_means: np.ndarray  # metric means of the model arm (models, indicators)
    baseline_means: np.ndarray

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, index=list(self.models), columns=list(self.indicators))


def _t_interval(v: np.ndarray) -> tuple[float, float]:
    v = v[np.isfinite(v)]
    if v.size < 2:
        return float("nan"), float("nan")
    m = float(v.mean())
    half = float(stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    return m - half, m + half


def compute_indicators(
    replicate_values: pd.DataFrame, hierarchy: Hierarchy, models: Sequence[str] | None = None
) -> IndicatorTable:
    """Indicator table from a ``replicate_values`` frame (see the module docstring)."""
    need = {"model", "replicate", "arm"}
    missing_cols = need - set(replicate_values.columns)
    if missing_cols:
        raise ClusterMarketingError(
            f"replicate values: missing column(s) {', '.join(sorted(missing_cols))}; "
            "expected model, replicate, arm and one column per metric"
        )
    available = [c for c in replicate_values.columns if c not in need]
    for ind in hierarchy.indicators:
        if ind.metric not in available:
            raise ClusterMarketingError(
                f"indicator {ind.name}: metric {ind.metric!r} is not in the simulation output; "
                f"available metrics: {', '.join(available)}"
            )
    names = list(models) if models is not None else list(dict.fromkeys(replicate_values["model"]))
    reps = sorted(replicate_values["replicate"].unique())
    metrics = list(hierarchy.metrics)
    n_m, n_r, n_i = len(names), len(reps), len(metrics)
    xm = np.full((n_m, n_r, n_i), np.nan)
    xb = np.full((n_m, n_r, n_i), np.nan)
    rep_pos = {r: k for k, r in enumerate(reps)}
    for a, name in enumerate(names):
        sub = replicate_values[replicate_values["model"] == name]
        if sub.empty:
            raise ClusterMarketingError(f"replicate values: no rows for model {name!r}")
        for arm, target in (("model", xm), ("baseline", xb)):
            rows = sub[sub["arm"] == arm]
            if rows.empty:
                raise ClusterMarketingError(
                    f"replicate values: model {name!r} has no {arm!r} rows; expected both arms"
                )
            idx = [rep_pos[r] for r in rows["replicate"]]
            target[a, idx, :] = rows[metrics].to_numpy(dtype=float)
    kinds = [i.transform for i in hierarchy.indicators]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
        mean_m = np.nanmean(np.where(np.isfinite(xm), xm, np.nan), axis=1)
        mean_b = np.nanmean(np.where(np.isfinite(xb), xb, np.nan), axis=1)
    values = np.stack(
        [transform(k, mean_m[:, j], mean_b[:, j]) for j, k in enumerate(kinds)], axis=1
    )
    per_rep = np.stack([transform(k, xm[..., j], xb[..., j]) for j, k in enumerate(kinds)], axis=2)
    for a, name in enumerate(names):
        for j, ind in enumerate(hierarchy.indicators):
            if not np.isfinite(values[a, j]):
                why = (
                    "the baseline mean is 0, so a relative change is undefined (use transform: "
                    "difference or log1p_difference)"
                    if ind.transform == "relative" and mean_b[a, j] == 0
                    else "the metric is undefined in every replicate (e.g. no firm of that group)"
                )
                raise ClusterMarketingError(
                    f"indicator {ind.name} (metric {ind.metric}) for model {name}: {why}; "
                    "remove or change it in the hierarchy (--hierarchy)"
                )
    lo = np.full((n_m, n_i), np.nan)
    hi = np.full((n_m, n_i), np.nan)
    for a in range(n_m):
        for j in range(n_i):
            lo[a, j], hi[a, j] = _t_interval(per_rep[a, :, j])
    return IndicatorTable(tuple(names), hierarchy.names, values, per_rep, lo, hi, mean_m, mean_b)


def table_from_values(
    frame: pd.DataFrame, hierarchy: Hierarchy, baseline: str | None = None
) -> IndicatorTable:
    """Indicator table from measured data (``evaluate``): one row per alternative.

    Without ``baseline`` the columns are the indicators' names and hold indicator values. With
    ``baseline`` (a row name) the columns are metric names and each other row is compared with
    the baseline row by the indicator's transform.
    """
    if baseline is None:
        cols = list(hierarchy.names)
        missing = [c for c in cols if c not in frame.columns]
        extra = [c for c in frame.columns if c not in cols]
        if missing or extra:
            raise ClusterMarketingError(
                "data: "
                + "; ".join(
                    s
                    for s in (
                        f"missing indicator column(s) {', '.join(missing)}" if missing else "",
                        f"unknown column(s) {', '.join(map(str, extra))}" if extra else "",
                    )
                    if s
                )
                + f"; expected one column per indicator: {', '.join(cols)} "
                "(or use --baseline ROW with metric columns)"
            )
        vals = frame[cols].to_numpy(dtype=float)
        names = tuple(str(i) for i in frame.index)
        mm = mb = np.full_like(vals, np.nan)
    else:
        if baseline not in frame.index:
            raise ClusterMarketingError(
                f"--baseline: {baseline!r} is not a row; rows: {', '.join(map(str, frame.index))}"
            )
        metrics = list(dict.fromkeys(hierarchy.metrics))
        missing = [c for c in metrics if c not in frame.columns]
        extra = [c for c in frame.columns if c not in metrics]
        if missing or extra:
            raise ClusterMarketingError(
                "data: "
                + "; ".join(
                    s
                    for s in (
                        f"missing metric column(s) {', '.join(missing)}" if missing else "",
                        f"unknown column(s) {', '.join(map(str, extra))}" if extra else "",
                    )
                    if s
                )
                + f"; expected one column per metric: {', '.join(metrics)}"
            )
        others = [r for r in frame.index if r != baseline]
        if not others:
            raise ClusterMarketingError(
                "data: only the baseline row; expected rows to compare with it"
            )
        mm = frame.loc[others, list(hierarchy.metrics)].to_numpy(dtype=float)
        mb = np.broadcast_to(
            frame.loc[baseline, list(hierarchy.metrics)].to_numpy(dtype=float), mm.shape
        ).copy()
        vals = np.stack(
            [
                transform(i.transform, mm[:, j], mb[:, j])
                for j, i in enumerate(hierarchy.indicators)
            ],
            axis=1,
        )
        names = tuple(str(r) for r in others)
    bad = np.argwhere(~np.isfinite(vals))
    if bad.size:
        a, j = bad[0]
        raise ClusterMarketingError(
            f"data row {names[a]}, column {hierarchy.indicators[j].name}: value undefined or not a "
            "number; expected a finite number"
        )
    return IndicatorTable(
        names, hierarchy.names, vals, vals[:, None, :], np.full_like(vals, np.nan),
        np.full_like(vals, np.nan), mm, mb,
    )  # fmt: skip


__all__ = ["IndicatorTable", "compute_indicators", "table_from_values", "transform"]
