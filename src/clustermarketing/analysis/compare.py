"""Marketing models against the independent baseline, on common random numbers, over replicates.

Every replicate r runs the baseline **once** and each requested model once, all from the same
replicate streams (:func:`clustermarketing.engine.runner.replicate_streams`): the same firms,
ties, markets and shocks; only the mechanisms differ. The arms are independent jobs spread over
an evaluator (:mod:`clustermarketing.parallel`), so results never depend on the worker count or
the order in which jobs finish.

A model's member profit is compared with the baseline profit of the *same* firms: the baseline
keeps each firm's per-period profit, and the model's per-period member sets pick the group
(:func:`clustermarketing.engine.runner.group_profits`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.analysis.stats import comparison_cis, mean_ci
from clustermarketing.engine.diagnostics import summarise
from clustermarketing.engine.metrics import METRICS, replicate_values
from clustermarketing.engine.runner import ArmRun, group_profits, run_arm
from clustermarketing.models import PRESETS
from clustermarketing.models.config import ModelConfig
from clustermarketing.parallel import make_evaluator
from clustermarketing.scenario.load import load_scenario
from clustermarketing.scenario.schema import Scenario

BASELINE = "independent"
GROUP_METRICS = ("member_profit", "nonmember_profit")

__all__ = ["BASELINE", "Comparison", "SimulationResult", "compare", "simulate"]


@dataclass(frozen=True)
class _Job:
    """One arm of one replicate (picklable: sent to worker processes)."""

    scenario: Scenario
    model: ModelConfig
    replicate: int
    seed: int | np.random.SeedSequence
    periods: int
    pricing: str
    firm_panel: bool
    baseline: bool
    diagnostics: tuple[int, int] | None = None


def _run_job(job: _Job) -> ArmRun:
    return run_arm(
        job.scenario,
        job.model,
        replicate=job.replicate,
        seed=job.seed,
        periods=job.periods,
        pricing=job.pricing,
        firm_panel=job.firm_panel,
        keep_profit=job.baseline,
        diagnostics=job.diagnostics,
    )


def _clean(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    return x


def _seed_json(seed: int | np.random.SeedSequence) -> Any:
    if isinstance(seed, np.random.SeedSequence):
        return {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)}
    return seed


def _resolve(
    scenario: Scenario | str | dict[str, Any],
    seed: int | np.random.SeedSequence | None,
    replicates: int | None,
    periods: int | None,
    pricing: str | None,
    workers: int,
) -> tuple[Scenario, int | np.random.SeedSequence, int, int, str]:
    sc = load_scenario(scenario)
    if seed is None:
        seed = sc.seed
    elif not isinstance(seed, np.random.SeedSequence):
        seed = int(seed)
    reps = sc.replicates if replicates is None else int(replicates)
    horizon = sc.horizon if periods is None else int(periods)
    mode = sc.pricing if pricing is None else pricing
    if mode not in ("nash", "cartel"):
        raise ValueError(f"pricing: {mode!r}; expected 'nash' or 'cartel'")
    bad_seed = not isinstance(seed, np.random.SeedSequence) and seed < 0
    if reps < 1 or horizon < 1 or bad_seed or workers < 1:
        raise ValueError(
            f"replicates/periods/seed/workers: got {reps}/{horizon}/{seed}/{workers}; "
            "expected ≥ 1, ≥ 1, ≥ 0, ≥ 1"
        )
    return sc, seed, reps, horizon, mode


def _run_arms(
    jobs: list[_Job],
    workers: int,
    progress: Callable[[int, int], None] | None,
    executor: str = "local",
) -> list[ArmRun]:
    """All jobs on an evaluator, results in job order; ``progress(done, total)`` in periods."""
    total = sum(j.periods for j in jobs)
    out: dict[int, ArmRun] = {}
    done = 0
    if workers == 1 or len(jobs) == 1:
        for i, job in enumerate(jobs):

            def tick(_t: int) -> None:
                nonlocal done
                done += 1
                if progress is not None:
                    progress(done, total)

            out[i] = run_arm(
                job.scenario,
                job.model,
                replicate=job.replicate,
                seed=job.seed,
                periods=job.periods,
                pricing=job.pricing,
                firm_panel=job.firm_panel,
                keep_profit=job.baseline,
                on_period=tick,
                diagnostics=job.diagnostics,
            )
        return [out[i] for i in range(len(jobs))]
    # the arms of one replicate share its burn-in (cached per process): when there are enough
    # replicates to keep every worker busy, send each replicate's arms as one batch
    replicates = sorted({j.replicate for j in jobs})
    if len(replicates) >= 2 * workers:
        batches = [[i for i, j in enumerate(jobs) if j.replicate == r] for r in replicates]
    else:
        batches = [[i] for i in range(len(jobs))]
    with make_evaluator(executor, workers=min(workers, len(batches))) as ev:
        payload = [[jobs[i] for i in batch] for batch in batches]
        for b, results in ev.imap_unordered(_run_batch, payload):
            for i, res in zip(batches[b], results, strict=True):
                out[i] = res
                done += jobs[i].periods
            if progress is not None:
                progress(done, total)
    return [out[i] for i in range(len(jobs))]


def _run_batch(jobs: list[_Job]) -> list[ArmRun]:
    return [_run_job(job) for job in jobs]


@dataclass
class Comparison:
    """Several models against one shared baseline.

    * ``summary`` — ``{"scenario", "periods", "replicates", "seed", "pricing", "baseline",
      "models": {NAME: {"metrics": {METRIC: {"model", "baseline", "difference"}}}}}``, each leaf
      ``{"mean", "ci_low", "ci_high"}`` over replicates (difference: paired, model − baseline);
    * ``cluster`` — per-period records: columns ``model``, ``arm`` (``model`` | ``baseline``),
      ``replicate``, ``period`` and every record metric; the baseline appears once per replicate
      (``model = "independent"``), with its member-group columns relative to each model in
      ``baseline_groups``;
    * ``baseline_groups`` — ``model``, ``replicate``, ``period``, ``member_profit``,
      ``nonmember_profit``: the baseline profit of each model's members and non-members;
    * ``replicate_values`` — one row per (model, replicate, arm) with one column per summary
      metric (the baseline rows use that model's member groups);
    * ``firms`` — the per-firm panel (``firm_panel=True``), columns ``model``, ``arm``,
      ``replicate`` first.
    """

    summary: dict[str, Any]
    cluster: pd.DataFrame
    baseline_groups: pd.DataFrame
    replicate_values: pd.DataFrame
    firms: pd.DataFrame | None = None
    breakdown: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_json(self) -> str:
        """The summary as deterministic JSON (sorted keys, no NaN)."""
        return json.dumps(self.summary, sort_keys=True, indent=2, allow_nan=False)


@dataclass
class _Replicate:
    baseline: ArmRun
    arms: dict[str, ArmRun]


def _baseline_cluster_for(rep: _Replicate, name: str) -> pd.DataFrame:
    """The baseline's records with member-group metrics over model ``name``'s members."""
    df = rep.baseline.cluster.copy()
    mem, non = group_profits(rep.baseline, rep.arms[name].members)
    df["member_profit"] = mem
    df["nonmember_profit"] = non
    return df


#: membership diagnostics by default: the last 4 periods, 25 sampled firms in each
DIAGNOSTICS = (4, 25)
#: a status is a best response if the deviation gains less than this share of the firm's revenue
BEST_RESPONSE_TOLERANCE = 0.01


def _diagnostics(flag: bool | tuple[int, int], horizon: int) -> tuple[int, int] | None:
    if flag is False:
        return None
    periods, sample = DIAGNOSTICS if flag is True else flag
    return (min(int(periods), horizon), int(sample))


#: a breakdown metric's range (for clipping its intervals), by its name
_BREAKDOWN_RANGE = {
    "member_units_share": (0.0, 1.0),
    "membership_rate": (0.0, 1.0),
    "units": (0.0, math.inf),
    "output": (0.0, math.inf),
    "revenue": (0.0, math.inf),
    "sellers": (0.0, math.inf),
    "firms": (0.0, math.inf),
    "employment": (0.0, math.inf),
    "mean_price": (0.0, math.inf),
}


def _breakdown(runs: list[_Replicate], name: str) -> tuple[dict[str, Any], pd.DataFrame]:
    """By market, segment and size: per-replicate period means, and model/baseline/difference CIs."""
    frames = []
    for r, rep in enumerate(runs):
        for arm, run in (("model", rep.arms[name]), ("baseline", rep.baseline)):
            if run.groups is None or run.groups.empty:
                continue
            g = run.groups.groupby(["by", "group", "metric"], sort=False)["value"].mean()
            frames.append(g.reset_index().assign(replicate=r, arm=arm))
    if not frames:
        return {}, pd.DataFrame()
    long = pd.concat(frames, ignore_index=True)
    out: dict[str, Any] = {}
    for (by, group, metric), part in long.groupby(["by", "group", "metric"], sort=False):
        wide = part.pivot(index="replicate", columns="arm", values="value")
        mv = wide["model"].to_numpy(float)
        bv = wide["baseline"].to_numpy(float)
        lo, hi = _BREAKDOWN_RANGE.get(metric, (-math.inf, math.inf))
        out.setdefault(by, {}).setdefault(group, {})[metric] = {
            "model": mean_ci(mv, bounds=(lo, hi)),
            "baseline": mean_ci(bv, bounds=(lo, hi)),
            "difference": mean_ci(mv - bv, bounds=(lo - hi, hi - lo)),
        }
    return out, long.assign(model=name)


def _diagnostics_summary(runs: list[_Replicate], name: str) -> dict[str, float]:
    cases = [c for rep in runs for c in (rep.arms[name].deviations or [])]
    out = summarise(cases, BEST_RESPONSE_TOLERANCE)
    out["tolerance"] = BEST_RESPONSE_TOLERANCE
    return out


def _built_models() -> list[str]:
    return [n for n, p in PRESETS.items() if p.implemented and n != BASELINE]


def _execute(
    sc: Scenario,
    names: list[str],
    configs: dict[str, ModelConfig],
    seed: int | np.random.SeedSequence,
    reps: int,
    horizon: int,
    mode: str,
    firm_panel: bool,
    workers: int,
    progress: Callable[[int, int], None] | None,
    diagnostics: tuple[int, int] | None = None,
    executor: str = "local",
) -> list[_Replicate]:
    base_cfg = sc.model_config_for(BASELINE)
    jobs: list[_Job] = []
    for r in range(reps):
        for name in names:
            jobs.append(
                _Job(sc, configs[name], r, seed, horizon, mode, firm_panel, False, diagnostics)
            )
        jobs.append(_Job(sc, base_cfg, r, seed, horizon, mode, firm_panel, True))
    results = _run_arms(jobs, workers, progress, executor)
    out = []
    per = len(names) + 1
    for r in range(reps):
        chunk = results[r * per : (r + 1) * per]
        out.append(_Replicate(baseline=chunk[-1], arms=dict(zip(names, chunk[:-1], strict=True))))
    return out


def compare(
    scenario: Scenario | str | dict[str, Any],
    models: Sequence[str] | None = None,
    *,
    replicates: int | None = None,
    periods: int | None = None,
    seed: int | np.random.SeedSequence | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    pricing: str | None = None,
    firm_panel: bool = False,
    executor: str = "local",
    diagnostics: bool | tuple[int, int] = False,
) -> Comparison:
    """Run ``models`` (default: every built cooperative model) and the baseline, once each per
    replicate, on common random numbers; summarise each model against the baseline.

    ``progress(done, total)`` counts simulated arm-periods. ``diagnostics=True`` (or
    ``(periods, sample)``) adds each model's ``membership_best_response`` (one-period deviations
    of a sample of firms in the last periods, :mod:`clustermarketing.engine.diagnostics`).
    """
    sc, seed, reps, horizon, mode = _resolve(scenario, seed, replicates, periods, pricing, workers)
    names = list(models) if models is not None else _built_models()
    if not names:
        raise ValueError("models: empty list; expected at least one marketing model")
    if len(set(names)) != len(names):
        raise ValueError(f"models: {names} lists a model twice")
    configs = {}
    for name in names:
        if name == BASELINE:
            raise ValueError(
                f"models: {BASELINE!r} is the baseline every model is compared with; "
                "list cooperative models only"
            )
        configs[name] = sc.model_config_for(name)
    diag = _diagnostics(diagnostics, horizon)
    runs = _execute(
        sc,
        names,
        configs,
        seed,
        reps,
        horizon,
        mode,
        firm_panel,
        workers,
        progress,
        diagnostics=diag,
        executor=executor,
    )
    clusters, groups, rows, panels = [], [], [], []
    for r, rep in enumerate(runs):
        b = rep.baseline.cluster.copy()
        b.insert(0, "replicate", r)
        b.insert(0, "arm", "baseline")
        b.insert(0, "model", BASELINE)
        clusters.append(b)
        if rep.baseline.firms is not None:
            f = rep.baseline.firms.copy()
            f.insert(0, "replicate", r)
            f.insert(0, "arm", "baseline")
            f.insert(0, "model", BASELINE)
            panels.append(f)
        for name in names:
            arm = rep.arms[name]
            df = arm.cluster.copy()
            df.insert(0, "replicate", r)
            df.insert(0, "arm", "model")
            df.insert(0, "model", name)
            clusters.append(df)
            bc = _baseline_cluster_for(rep, name)
            groups.append(
                pd.DataFrame(
                    {
                        "model": name,
                        "replicate": r,
                        "period": bc["period"].to_numpy(),
                        "member_profit": bc["member_profit"].to_numpy(),
                        "nonmember_profit": bc["nonmember_profit"].to_numpy(),
                    }
                )
            )
            rows.append(
                {"model": name, "replicate": r, "arm": "model"}
                | replicate_values(arm.cluster, arm.signal_times)
            )
            rows.append(
                {"model": name, "replicate": r, "arm": "baseline"}
                | replicate_values(bc, rep.baseline.signal_times)
            )
            if arm.firms is not None:
                f = arm.firms.copy()
                f.insert(0, "replicate", r)
                f.insert(0, "arm", "model")
                f.insert(0, "model", name)
                panels.append(f)
    values = pd.DataFrame(rows)
    summary_models = {}
    breakdowns: list[pd.DataFrame] = []
    for name in names:
        mv = values[(values["model"] == name) & (values["arm"] == "model")]
        bv = values[(values["model"] == name) & (values["arm"] == "baseline")]
        metrics = {}
        for metric in METRICS:
            a, b = mv[metric].to_numpy(float), bv[metric].to_numpy(float)
            metrics[metric] = comparison_cis(metric, a, b)
        by, long = _breakdown(runs, name)
        summary_models[name] = {"metrics": metrics, "breakdown": by}
        breakdowns.append(long)
        if diag is not None:
            summary_models[name]["diagnostics"] = _diagnostics_summary(runs, name)
    summary = _clean(
        {
            "scenario": sc.name,
            "baseline": BASELINE,
            "seed": _seed_json(seed),
            "replicates": reps,
            "periods": horizon,
            "pricing": mode,
            "models": summary_models,
        }
    )
    return Comparison(
        summary=summary,
        cluster=pd.concat(clusters, ignore_index=True),
        baseline_groups=pd.concat(groups, ignore_index=True),
        replicate_values=values,
        firms=pd.concat(panels, ignore_index=True) if panels else None,
        breakdown=pd.concat(breakdowns, ignore_index=True) if breakdowns else pd.DataFrame(),
    )


@dataclass
class SimulationResult:
    """Per-period cluster table, optional firm panel, and the model-vs-baseline summary."""

    cluster: pd.DataFrame
    firms: pd.DataFrame | None
    summary: dict[str, Any]
    breakdown: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_json(self) -> str:
        """The summary as deterministic JSON (sorted keys, no NaN)."""
        return json.dumps(self.summary, sort_keys=True, indent=2, allow_nan=False)


def simulate(
    scenario: Scenario | str | dict[str, Any],
    model: str | None = None,
    seed: int | np.random.SeedSequence | None = None,
    replicates: int | None = None,
    periods: int | None = None,
    firm_panel: bool = False,
    pricing: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    diagnostics: bool | tuple[int, int] = False,
) -> SimulationResult:
    """Simulate one marketing model against the independent baseline on common random numbers.

    Returns the per-period cluster table of both arms for every replicate (columns
    ``replicate``, ``arm`` first), the optional firm panel, and a summary with mean and 95%
    t-confidence interval over replicates of each metric for the model, the baseline and their
    paired difference. ``workers`` > 1 runs arms in that many processes; every arm's seeds are
    fixed, so the results do not depend on it. ``progress(done, total)`` counts arm-periods.
    ``model`` may be the baseline itself (then both arms are the independent baseline).
    """
    sc, seed, reps, horizon, mode = _resolve(scenario, seed, replicates, periods, pricing, workers)
    m_cfg = sc.model_config_for(model)
    name = m_cfg.preset
    diag = _diagnostics(diagnostics, horizon)
    runs = _execute(
        sc,
        [name],
        {name: m_cfg},
        seed,
        reps,
        horizon,
        mode,
        firm_panel,
        workers,
        progress,
        diagnostics=diag,
    )
    tables, panels, iters = [], [], []
    per_arm: dict[str, list[dict[str, float]]] = {"model": [], "baseline": []}
    for r, rep in enumerate(runs):
        arm = rep.arms[name]
        pairs = (
            ("model", arm.cluster, arm.signal_times, arm.firms),
            (
                "baseline",
                _baseline_cluster_for(rep, name),
                rep.baseline.signal_times,
                rep.baseline.firms,
            ),
        )
        for label, cluster, times, firms in pairs:
            df = cluster.copy()
            df.insert(0, "arm", label)
            df.insert(0, "replicate", r)
            tables.append(df)
            if firms is not None:
                f = firms.copy()
                f.insert(0, "arm", label)
                f.insert(0, "replicate", r)
                panels.append(f)
            per_arm[label].append(replicate_values(cluster, times))
            iters.extend(cluster["price_iterations"].tolist())
    metrics = {}
    for metric in METRICS:
        mv = np.array([v[metric] for v in per_arm["model"]])
        bv = np.array([v[metric] for v in per_arm["baseline"]])
        metrics[metric] = comparison_cis(metric, mv, bv)
    cluster = pd.concat(tables, ignore_index=True)
    summary = _clean(
        {
            "scenario": sc.name,
            "model": name,
            "baseline": BASELINE,
            "seed": _seed_json(seed),
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
        | ({"diagnostics": _diagnostics_summary(runs, name)} if diag is not None else {})
    )
    by, long = _breakdown(runs, name)
    summary["breakdown"] = _clean(by)
    return SimulationResult(
        cluster, pd.concat(panels, ignore_index=True) if panels else None, summary, long
    )
