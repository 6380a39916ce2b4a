"""Recommend a marketing model: evaluate all models against the baseline, rank them, and say
how firm the ranking is.

:func:`recommend` takes the per-replicate values of a comparison of all models
(``compare(...).replicate_values``) and returns a :class:`Recommendation` whose
:meth:`~Recommendation.to_dict` is the JSON of ``clustermarketing recommend --format json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.evaluation.hierarchy import Hierarchy
from clustermarketing.evaluation.indicators import IndicatorTable, compute_indicators
from clustermarketing.evaluation.pipeline import Evaluation, evaluate, objective_hierarchy
from clustermarketing.evaluation.robustness import (
    RankStats,
    drivers,
    replicate_ranks,
    weight_uncertainty,
)


@dataclass(frozen=True)
class RobustnessOptions:
    """How the weights are perturbed (see :mod:`clustermarketing.evaluation.robustness`)."""

    perturbations: int = 1000
    mode: str = "lognormal"
    sigma: float = 0.25
    concentration: float = 100.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "perturbations": self.perturbations,
            "mode": self.mode,
            "sigma": self.sigma,
            "concentration": self.concentration,
        }


@dataclass(frozen=True)
class Recommendation:
    """The evaluation of every model, its robustness and drivers, and the provenance."""

    evaluation: Evaluation
    weights_stats: RankStats | None
    weight_scores: np.ndarray | None
    replicate_stats: RankStats | None
    drivers: dict[str, Any] | None
    weighting: str
    options: RobustnessOptions
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return self.evaluation.names

    @property
    def best(self) -> str:
        return self.names[self.evaluation.order()[0]]

    def to_dict(self) -> dict[str, Any]:
        ev = self.evaluation
        h = ev.hierarchy
        models: dict[str, Any] = {}
        for a in ev.order():
            d = ev.model_dict(a)
            ws, rs = self.weights_stats, self.replicate_stats
            d["p_first"] = float(ws.p_first[a]) if ws else (1.0 if d["rank"] == 1 else 0.0)
            d["rank_interval"] = (
                [int(ws.rank_low[a]), int(ws.rank_high[a])] if ws else [d["rank"], d["rank"]]
            )
            d["p_first_replicates"] = float(rs.p_first[a]) if rs else None
            d["rank_interval_replicates"] = (
                [int(rs.rank_low[a]), int(rs.rank_high[a])] if rs else None
            )
            models[ev.names[a]] = d
        cw, local = h.weights()
        gw = h.global_weights()
        cons = h.consistency()
        crs = [v["cr"] for v in cons.values() if v.get("cr") is not None]
        return {
            **self.meta,
            "best": self.best,
            "models": models,
            "weights": {
                "weighting": self.weighting,
                "criteria": {c: float(w) for c, w in zip(h.criteria, cw, strict=True)},
                "indicators": {
                    i.name: {
                        "criterion": i.criterion,
                        "local": float(local[j]),
                        "global": float(gw[j]),
                        "metric": i.metric,
                    }
                    for j, i in enumerate(h.indicators)
                },
            },
            "consistency": {
                "cr": cons["goal"].get("cr"),
                "max_cr": max(crs) if crs else None,
                "consistent": all(v.get("consistent", True) for v in cons.values()),
                "nodes": cons,
            },
            "fuzzy": {
                "operator": h.operator,
                "grades": list(h.grades),
                "grade_scores": [float(s) for s in h.scores],
            },
            "robustness": {
                **self.options.to_dict(),
                "replicates_ranked": self.replicate_stats.draws if self.replicate_stats else 0,
            },
            "drivers": self.drivers,
            "hierarchy": {"name": h.spec.name, "goal": h.spec.goal},
        }


def recommend_from_table(
    table: IndicatorTable,
    hierarchy: Hierarchy,
    rng: np.random.Generator | int | None = 0,
    weighting: str = "ahp",
    options: RobustnessOptions | None = None,
    normalization: str = "vector",
    meta: dict[str, Any] | None = None,
) -> Recommendation:
    """The evaluation pipeline on an indicator table (no simulation involved)."""
    opts = options or RobustnessOptions()
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    h = objective_hierarchy(hierarchy, weighting, table.values)
    ev = evaluate(table, h, normalization)
    ws, scores = (None, None)
    if opts.perturbations > 0 and len(ev.names) > 1:
        ws, scores = weight_uncertainty(
            ev, opts.perturbations, gen, mode=opts.mode, sigma=opts.sigma,
            concentration=opts.concentration,
        )  # fmt: skip
    rs = replicate_ranks(ev) if len(ev.names) > 1 else None
    return Recommendation(ev, ws, scores, rs, drivers(ev), weighting, opts, dict(meta or {}))


def recommend(
    replicate_values: pd.DataFrame,
    hierarchy: Hierarchy,
    rng: np.random.Generator | int | None = 0,
    weighting: str = "ahp",
    options: RobustnessOptions | None = None,
    models: list[str] | None = None,
    meta: dict[str, Any] | None = None,
) -> Recommendation:
    """Indicators from ``replicate_values``, then :func:`recommend_from_table`."""
    table = compute_indicators(replicate_values, hierarchy, models)
    return recommend_from_table(table, hierarchy, rng, weighting, options, meta=meta)


__all__ = ["Recommendation", "RobustnessOptions", "recommend", "recommend_from_table"]
