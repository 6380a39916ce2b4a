"""Simulations for ``recommend`` and ``report``: every built model against the baseline.

:func:`run_comparison` returns the shape of ``clustermarketing.compare`` (summary, cluster,
replicate_values). When the package provides ``compare`` it is used directly; until then each
model is simulated one replicate at a time with :func:`clustermarketing.simulate`, replicate r
seeded by the r-th child of ``SeedSequence(seed)`` and shared by all models (common random
numbers across models, and between each model and its baseline).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from clustermarketing.errors import ClusterMarketingError


def built_models() -> list[str]:
    """The marketing models the engine can run (presets marked implemented), baseline excluded."""
    from clustermarketing.engine import BASELINE
    from clustermarketing.models import PRESETS

    return [n for n, p in PRESETS.items() if p.implemented and n != BASELINE]


def check_models(models: Sequence[str] | None) -> list[str]:
    """The requested models (all built ones by default), each checked, no duplicates."""
    from clustermarketing.engine import BASELINE
    from clustermarketing.models import PRESETS

    built = built_models()
    if models is None:
        return built
    out: list[str] = []
    for m in models:
        if m == BASELINE:
            raise ClusterMarketingError(
                f"--models: {m!r} is the baseline every model is compared with; list other models"
            )
        if m not in PRESETS:
            raise ClusterMarketingError(
                f"--models: unknown model {m!r}; built models: {', '.join(built)}"
            )
        if m not in built:
            raise ClusterMarketingError(
                f"--models: {m!r} is planned but not built yet; built models: {', '.join(built)}"
            )
        if m in out:
            raise ClusterMarketingError(f"--models: {m!r} listed twice")
        out.append(m)
    if not out:
        raise ClusterMarketingError("--models: empty; expected at least one model")
    return out


@dataclass
class Comparison:
    """All models vs the baseline: summary dict, per-period cluster table, per-replicate values."""

    summary: dict[str, Any]
    cluster: pd.DataFrame
    replicate_values: pd.DataFrame


def _ci(v: np.ndarray) -> dict[str, float | None]:
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"mean": None, "ci_low": None, "ci_high": None}
    mean = float(v.mean())
    if v.size < 2:
        return {"mean": mean, "ci_low": None, "ci_high": None}
    half = float(stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half}


def _one(args: tuple) -> tuple[str, int, dict[str, Any], pd.DataFrame]:
    import clustermarketing

    sc, model, r, seed, periods, pricing = args
    res = clustermarketing.simulate(
        sc, model=model, replicates=1, periods=periods, seed=seed, pricing=pricing
    )
    return model, r, res.summary, res.cluster


def _fallback(
    sc: Any,
    models: list[str],
    reps: int,
    periods: int,
    seed: int,
    pricing: str | None,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> Comparison:
    from clustermarketing.engine import BASELINE, METRICS

    seeds = np.random.SeedSequence(seed).generate_state(reps, dtype=np.uint32)
    jobs = [(sc, m, r, int(seeds[r]), periods, pricing) for m in models for r in range(reps)]
    total = len(jobs)
    results = []
    if workers > 1 and total > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(workers, total)) as pool:
            for k, out in enumerate(pool.map(_one, jobs)):
                results.append(out)
                if progress:
                    progress(k + 1, total)
    else:
        for k, job in enumerate(jobs):
            results.append(_one(job))
            if progress:
                progress(k + 1, total)
    rows, tables = [], []
    for model, r, summary, cluster in results:
        for arm in ("model", "baseline"):
            row: dict[str, Any] = {"model": model, "replicate": r, "arm": arm}
            for name in METRICS:
                v = summary["metrics"][name][arm]["mean"]
                row[name] = float("nan") if v is None else float(v)
            rows.append(row)
        c = cluster.copy()
        c["replicate"] = r
        keep = c[c["arm"] == "model"].drop(columns="arm").assign(model=model)
        tables.append(keep)
        if model == models[0]:
            tables.append(c[c["arm"] == "baseline"].drop(columns="arm").assign(model=BASELINE))
    rv = pd.DataFrame(rows)
    cl = pd.concat(tables, ignore_index=True)
    front = ["model", "replicate", "period"]
    cl = cl[front + [c for c in cl.columns if c not in front]]
    out_models = {}
    for m in models:
        sub = rv[rv["model"] == m].sort_values("replicate")
        mv = sub[sub["arm"] == "model"]
        bv = sub[sub["arm"] == "baseline"]
        metrics = {}
        for name in METRICS:
            x, b = mv[name].to_numpy(float), bv[name].to_numpy(float)
            metrics[name] = {"model": _ci(x), "baseline": _ci(b), "difference": _ci(x - b)}
        out_models[m] = {"metrics": metrics}
    summary = {
        "scenario": sc.name, "periods": periods, "replicates": reps, "seed": seed,
        "pricing": pricing or sc.pricing, "baseline": BASELINE, "models": out_models,
    }  # fmt: skip
    return Comparison(summary, cl, rv)


def run_comparison(
    scenario: Any,
    models: Sequence[str] | None = None,
    replicates: int | None = None,
    periods: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    pricing: str | None = None,
) -> Comparison:
    """Simulate ``models`` (default: all built) against the baseline; see the module docstring."""
    import clustermarketing
    from clustermarketing.scenario import load_scenario

    sc = load_scenario(scenario)
    names = check_models(models)
    reps = sc.replicates if replicates is None else int(replicates)
    steps = sc.horizon if periods is None else int(periods)
    s = sc.seed if seed is None else int(seed)
    compare = getattr(clustermarketing, "compare", None)
    if compare is not None:
        res = compare(
            sc, models=names, replicates=reps, periods=steps, seed=s, workers=workers,
            progress=progress, pricing=pricing,
        )  # fmt: skip
        return Comparison(res.summary, res.cluster, res.replicate_values)
    return _fallback(sc, names, reps, steps, s, pricing, workers, progress)


__all__ = ["Comparison", "built_models", "check_models", "run_comparison"]
