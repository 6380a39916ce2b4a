"""Results of finished jobs: chart data and downloads.

Chart data come from the job's ``cluster.parquet``: per period, the mean over replicates of one
metric with its 95% t-interval (:func:`clustermarketing.analysis.stats.mean_ci`, clipped to the
metric's range) for each model arm and the independent baseline, and the **paired** difference
model − baseline (same replicate, common random numbers) with its interval — the per-period
counterpart of the summary's difference. For the member-group metrics (``member_profit``,
``nonmember_profit``) the baseline is the baseline profit of the *same* firms as each model's
members (``baseline_groups.parquet``), as in the summary.

Downloads are the job's files by name (never a path): Parquet as written, the same tables as
CSV (converted on request), ``summary.json``, ``recommendation.json`` and ``report.html``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.web.problems import ProblemError

__all__ = ["DOWNLOADS", "download", "series", "series_metrics"]

#: columns of the cluster table that are bookkeeping, not metrics to chart
NOT_METRICS = {"model", "arm", "replicate", "period", "price_converged"}
GROUP_METRICS = ("member_profit", "nonmember_profit")

#: what a job's files may be downloaded as: name → (stored file, media type)
DOWNLOADS: dict[str, tuple[str, str]] = {
    "summary.json": ("summary.json", "application/json"),
    "recommendation.json": ("recommendation.json", "application/json"),
    "report.html": ("report.html", "text/html; charset=utf-8"),
}
for _t in ("cluster", "baseline_groups", "replicates", "breakdown"):
    DOWNLOADS[f"{_t}.parquet"] = (f"{_t}.parquet", "application/vnd.apache.parquet")
    DOWNLOADS[f"{_t}.csv"] = (f"{_t}.parquet", "text/csv; charset=utf-8")


def _read(job_dir: Path, name: str) -> pd.DataFrame:
    path = job_dir / name
    if not path.is_file():
        raise ProblemError(404, f"{name}: this job has no such file")
    return pd.read_parquet(path)


def series_metrics(cluster: pd.DataFrame) -> list[str]:
    """The per-period metrics of a cluster table (numeric columns that are not bookkeeping)."""
    return [
        c
        for c in cluster.columns
        if c not in NOT_METRICS
        and pd.api.types.is_numeric_dtype(cluster[c])
        and not pd.api.types.is_bool_dtype(cluster[c])
    ]


def _band(
    frame: pd.DataFrame, metric: str, periods: list[int], bounds: tuple[float, float]
) -> dict[str, list[float | None]]:
    from clustermarketing.analysis.stats import mean_ci

    mean, low, high = [], [], []
    groups = dict(tuple(frame.groupby("period")[metric]))
    for t in periods:
        vals = groups.get(t)
        r = mean_ci(vals.to_numpy(float), bounds=bounds) if vals is not None else {}
        mean.append(r.get("mean"))
        low.append(r.get("ci_low"))
        high.append(r.get("ci_high"))
    return {"mean": mean, "low": low, "high": high}


def _paired(model: pd.DataFrame, base: pd.DataFrame, metric: str) -> pd.DataFrame:
    m = model[["replicate", "period", metric]]
    b = base[["replicate", "period", metric]]
    j = m.merge(b, on=["replicate", "period"], suffixes=("_m", "_b"))
    return pd.DataFrame({"period": j["period"], metric: j[f"{metric}_m"] - j[f"{metric}_b"]})


def series(job_dir: Path, kind: str, metric: str) -> dict[str, Any]:
    """Per-period means with 95% bands by arm, and paired differences model − baseline."""
    from clustermarketing.units import difference_range, metric_range, unit_of

    cluster = _read(job_dir, "cluster.parquet")
    metrics = series_metrics(cluster)
    if metric not in metrics:
        raise ProblemError(
            422,
            f"metric: {metric!r} is not a per-period metric; expected one of {', '.join(metrics)}",
        )
    if kind == "run":  # columns replicate, arm (model | baseline)
        name = "model"
        try:
            import json

            name = json.loads((job_dir / "summary.json").read_text())["model"]
        except (OSError, ValueError, KeyError):
            pass
        cluster = cluster.assign(model=np.where(cluster["arm"] == "baseline", "independent", name))
        groups = None
    else:
        groups = _read(job_dir, "baseline_groups.parquet") if metric in GROUP_METRICS else None
    periods = sorted(int(p) for p in cluster["period"].unique())
    rng, drng = metric_range(metric), difference_range(metric)
    base = cluster[cluster["arm"] == "baseline"]
    models = list(dict.fromkeys(cluster.loc[cluster["arm"] == "model", "model"]))
    lines, diffs = [], []
    for name in models:
        arm = cluster[(cluster["arm"] == "model") & (cluster["model"] == name)]
        lines.append({"name": str(name), "arm": "model", **_band(arm, metric, periods, rng)})
        if groups is not None:
            b = groups[groups["model"] == name]
            lines.append(
                {
                    "name": f"independent ({name}'s members)",
                    "arm": "baseline",
                    **_band(b, metric, periods, rng),
                }
            )
        else:
            b = base
        diffs.append(
            {
                "name": str(name),
                "arm": "difference",
                **_band(_paired(arm, b, metric), metric, periods, drng),
            }
        )
    if groups is None:
        lines.append(
            {"name": "independent", "arm": "baseline", **_band(base, metric, periods, rng)}
        )
    return {
        "metric": metric,
        "unit": unit_of(metric),
        "periods": periods,
        "lines": lines,
        "differences": diffs,
        "metrics": metrics,
    }


def download(job_dir: Path, files: list[str], name: str) -> tuple[bytes | Path, str]:
    """(content or path, media type) of a job's download ``name`` (404 if it has none)."""
    if name not in DOWNLOADS:
        raise ProblemError(404, f"{name}: no such download; expected one of {', '.join(DOWNLOADS)}")
    stored, media = DOWNLOADS[name]
    if stored not in files or not (job_dir / stored).is_file():
        raise ProblemError(404, f"{name}: this job has no such file")
    if name.endswith(".csv"):
        buf = io.StringIO()
        pd.read_parquet(job_dir / stored).to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue().encode(), media
    return job_dir / stored, media
