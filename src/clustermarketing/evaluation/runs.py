"""Simulations for ``recommend`` and ``report``: every built model against the baseline.

:func:`run_comparison` checks the requested models and calls :func:`clustermarketing.compare`
(all models and the independent baseline on common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from clustermarketing.errors import ClusterMarketingError


def built_models() -> list[str]:
    """The marketing models the engine can run (presets marked implemented), baseline excluded."""
    from clustermarketing.analysis.compare import BASELINE
    from clustermarketing.models import PRESETS

    return [n for n, p in PRESETS.items() if p.implemented and n != BASELINE]


def check_models(models: Sequence[str] | None) -> list[str]:
    """The requested models (all built ones by default), each checked, no duplicates."""
    from clustermarketing.analysis.compare import BASELINE
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
    res = clustermarketing.compare(
        sc, names, replicates=reps, periods=steps, seed=s, workers=workers, progress=progress,
        pricing=pricing,
    )  # fmt: skip
    return Comparison(res.summary, res.cluster, res.replicate_values)


__all__ = ["Comparison", "built_models", "check_models", "run_comparison"]
