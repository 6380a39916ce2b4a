"""Running a scenario: replicates × (model, independent baseline) on common random numbers.

Replicate r of a run seeded ``s`` uses the children ``SeedSequence(s, spawn_key=(r, 0))`` (build:
firms, ties, markets) and ``(r, 1)`` (the period streams) for *both* arms, so the model and its
baseline start from the same cluster and face the same shocks; only the mechanisms differ.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.engine.build import build
from clustermarketing.engine.guard import check_record
from clustermarketing.engine.period import Context, make_streams, step
from clustermarketing.engine.state import State
from clustermarketing.scenario.load import load_scenario
from clustermarketing.scenario.model import ModelConfig
from clustermarketing.scenario.schema import Scenario
from clustermarketing.stats import mean_ci
from clustermarketing.units import difference_range, metric_range

BASELINE = "independent"

# metric → how a replicate's periods are summarised
MEAN_METRICS = (
    "profit",
    "member_profit",
    "nonmember_profit",
    "sme_profit",
    "leader_profit",
    "sme_market_access",
    "regional_brand",
    "unit_marketing_cost",
    "mean_price",
    "consumer_surplus",
    "output",
    "employment",
    "cooperation_rate",
    "membership_rate",
    "trust",
    "product_diversity",
)
SUM_METRICS = ("entries", "exits")
FINAL_METRICS = ("firms",)
METRICS = (*MEAN_METRICS, "output_growth", *SUM_METRICS, *FINAL_METRICS, "time_to_90pct_awareness")


@dataclass
class RunOutput:
    """One arm of one replicate."""

    cluster: pd.DataFrame
    firms: pd.DataFrame | None
    signal_times: list[float]
    members: list[np.ndarray]


def _panel(state: State, t: int) -> dict[str, np.ndarray]:
    ids = np.flatnonzero(state.active | (state.died == t))
    n = state.active.size
    tracked = state.sig_active
    aware = state.aware[:n][ids][:, tracked]
    n_sig = int(tracked.sum())
    return {
        "period": np.full(ids.size, t),
        "firm": ids,
        "active": state.active[ids],
        "member": state.member[ids],
        "contributes": state.contributes[ids],
        "output": state.output[ids],
        "revenue": state.revenue[ids],
        "profit": state.profit[ids],
        "cash": state.cash[ids],
        "quality": state.quality[ids],
        "goodwill": state.goodwill[ids],
        "trust": state.trust[ids],
        "net_benefit": state.net_benefit[ids],
        "markets": state.access[ids].sum(axis=1),
        # share of the currently tracked market signals the firm knows of (NaN: none tracked)
        "aware_share": aware.mean(axis=1) if n_sig else np.full(ids.size, np.nan),
    }


def run_arm(
    scenario: Scenario,
    model: ModelConfig,
    replicate: int,
    seed: int,
    periods: int,
    pricing: str,
    firm_panel: bool = False,
    reference_members: list[np.ndarray] | None = None,
    on_period: Callable[[], None] | None = None,
) -> RunOutput:
    """Simulate one arm (a model or the baseline) of one replicate.

    ``on_period()`` is called after every simulated period (progress reporting).
    """
    build_ss = np.random.SeedSequence(seed, spawn_key=(replicate, 0))
    run_ss = np.random.SeedSequence(seed, spawn_key=(replicate, 1))
    world, state = build(scenario, model, np.random.Generator(np.random.PCG64(build_ss)))
    ctx = Context(
        world, scenario, model, pricing, make_streams(run_ss), reference_members=reference_members
    )
    rows = []
    panel: list[dict[str, np.ndarray]] = []
    for _ in range(periods):
        t = state.t
        rows.append(check_record(step(state, ctx), t, f"replicate {replicate}, {model.preset}"))
        if on_period is not None:
            on_period()
        if firm_panel:
            panel.append(_panel(state, t))
    window = scenario.diffusion.signal_window
    times = [float(t90) if t90 >= 0 else float(window) for _, t90 in state.signal_log]
    times += [float(t90) for t90 in state.sig_t90[state.sig_active] if t90 >= 0]
    firms = None
    if firm_panel and panel:
        firms = pd.DataFrame({k: np.concatenate([p[k] for p in panel]) for k in panel[0]})
        ids = firms["firm"].to_numpy()
        names = np.array([seg.name for seg in scenario.firms.segments])
        firms["segment"] = names[world.segment[ids]]
        firms["leader"] = world.leader[ids]
        firms["employees"] = world.employees[ids]
        firms["market_orientation"] = world.mo[ids]
        firms["growth_propensity"] = world.growth[ids]
        firms["strong_ties"] = np.diff(world.strong.indptr)[ids]
        firms["weak_ties"] = np.diff(world.weak.indptr)[ids]
    return RunOutput(pd.DataFrame(rows), firms, times, ctx.member_log)


def replicate_values(out: RunOutput) -> dict[str, float]:
    """Summarise one arm of one replicate into one number per metric."""
    c = out.cluster
    vals: dict[str, float] = {}
    for name in MEAN_METRICS:
        col = c[name].to_numpy(dtype=float)
        vals[name] = float(np.nanmean(col)) if np.isfinite(col).any() else float("nan")
    out_series = c["output"].to_numpy(dtype=float)
    if len(out_series) > 1 and out_series[0] > 0 and out_series[-1] > 0:
        vals["output_growth"] = float(
            np.log(out_series[-1] / out_series[0]) / (len(out_series) - 1)
        )
    else:
        vals["output_growth"] = float("nan")
    for name in SUM_METRICS:
        vals[name] = float(c[name].sum())
    for name in FINAL_METRICS:
        vals[name] = float(c[name].iloc[-1])
    vals["time_to_90pct_awareness"] = (
        float(np.mean(out.signal_times)) if out.signal_times else float("nan")
    )
    return vals


def _ci(values: np.ndarray, bounds: tuple[float, float]) -> dict[str, Any]:
    return mean_ci(values, bounds)  # t-interval clipped to the metric's possible range


@dataclass
class SimulationResult:
    """Per-period cluster table, optional firm panel, and the model-vs-baseline summary."""

    cluster: pd.DataFrame
    firms: pd.DataFrame | None
    summary: dict[str, Any]

    def to_json(self) -> str:
        """The summary as deterministic JSON (sorted keys, no NaN)."""
        return json.dumps(self.summary, sort_keys=True, indent=2, allow_nan=False)


def _clean(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    return x


def _run_pair(
    job: tuple, r: int, on_period: Callable[[], None] | None = None
) -> tuple[RunOutput, RunOutput]:
    """Replicate r: the model arm, then the baseline arm told who the model's members were."""
    sc, m_cfg, b_cfg, seed, horizon, mode, firm_panel = job
    mo = run_arm(sc, m_cfg, r, seed, horizon, mode, firm_panel, on_period=on_period)
    bo = run_arm(sc, b_cfg, r, seed, horizon, mode, firm_panel, mo.members, on_period=on_period)
    return mo, bo


def _run_pairs(
    job: tuple, reps: int, workers: int, progress: Callable[[int, int], None] | None
) -> list[tuple[RunOutput, RunOutput]]:
    """All replicates, in replicate order, sequentially or in a process pool.

    ``progress(done, total)`` counts simulated periods over both arms of all replicates: after
    every period when sequential, after every finished replicate in a process pool.
    """
    periods = job[4]
    total = 2 * reps * periods
    if workers == 1 or reps == 1:
        done = [0]

        def tick() -> None:
            done[0] += 1
            if progress is not None:
                progress(done[0], total)

        return [_run_pair(job, r, tick) for r in range(reps)]
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: dict[int, tuple[RunOutput, RunOutput]] = {}
    with ProcessPoolExecutor(max_workers=min(workers, reps)) as pool:
        futures = {pool.submit(_run_pair, job, r): r for r in range(reps)}
        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
            if progress is not None:
                progress(2 * periods * len(results), total)
    return [results[r] for r in range(reps)]


def simulate(
    scenario: Scenario | str | dict[str, Any],
    model: str | None = None,
    seed: int | None = None,
    replicates: int | None = None,
    periods: int | None = None,
    firm_panel: bool = False,
    pricing: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> SimulationResult:
    """Simulate a marketing model against the independent baseline on common random numbers.

    Returns the per-period cluster table of both arms for every replicate, the optional firm
    panel, and a summary with mean and 95% t-confidence interval over replicates of each metric
    for the model, the baseline and their paired difference. ``workers`` > 1 runs replicates in
    that many processes; each replicate's seeds are fixed, so the results do not depend on it.
    ``progress(done, total)`` counts simulated periods (both arms, all replicates; per
    replicate with ``workers`` > 1). A period whose outcomes are not finite stops the run with a
    :class:`~clustermarketing.engine.guard.SimulationError` naming the period and quantity.
    """
    sc = load_scenario(scenario)
    seed = sc.seed if seed is None else int(seed)
    reps = sc.replicates if replicates is None else int(replicates)
    horizon = sc.horizon if periods is None else int(periods)
    mode = sc.pricing if pricing is None else pricing
    if mode not in ("nash", "cartel"):
        raise ValueError(f"pricing: {mode!r}; expected 'nash' or 'cartel'")
    if reps < 1 or horizon < 1 or seed < 0 or workers < 1:
        raise ValueError(
            f"replicates/periods/seed/workers: got {reps}/{horizon}/{seed}/{workers}; "
            "expected ≥ 1, ≥ 1, ≥ 0, ≥ 1"
        )
    m_cfg = sc.model_config_for(model)
    b_cfg = sc.model_config_for(BASELINE)
    tables, panels = [], []
    per_arm: dict[str, list[dict[str, float]]] = {"model": [], "baseline": []}
    iters: list[float] = []
    job = (sc, m_cfg, b_cfg, seed, horizon, mode, firm_panel)
    for r, pair in enumerate(_run_pairs(job, reps, workers, progress)):
        for arm, out in zip(("model", "baseline"), pair, strict=True):
            df = out.cluster.copy()
            df.insert(0, "arm", arm)
            df.insert(0, "replicate", r)
            tables.append(df)
            if out.firms is not None:
                f = out.firms.copy()
                f.insert(0, "arm", arm)
                f.insert(0, "replicate", r)
                panels.append(f)
            per_arm[arm].append(replicate_values(out))
            iters.extend(out.cluster["price_iterations"].tolist())
    metrics = {}
    for name in METRICS:
        mv = np.array([v[name] for v in per_arm["model"]])
        bv = np.array([v[name] for v in per_arm["baseline"]])
        rng, drng = metric_range(name), difference_range(name)
        metrics[name] = {
            "model": _ci(mv, rng),
            "baseline": _ci(bv, rng),
            "difference": _ci(mv - bv, drng),
        }
    cluster = pd.concat(tables, ignore_index=True)
    summary = _clean(
        {
            "scenario": sc.name,
            "model": m_cfg.preset,
            "baseline": BASELINE,
            "seed": seed,
            "replicates": reps,
            "periods": horizon,
            "pricing": mode,
            "metrics": metrics,
            "solver": {
                "tolerance": sc.solver.tolerance,
                "mean_iterations": float(np.mean(iters)) if iters else 0.0,
                "max_iterations": int(max(iters)) if iters else 0,
                "all_converged": bool(cluster["price_converged"].all()),
            },
        }
    )
    return SimulationResult(
        cluster, pd.concat(panels, ignore_index=True) if panels else None, summary
    )
