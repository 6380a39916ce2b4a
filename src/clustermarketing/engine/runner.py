"""Running one arm of one replicate: build the cluster, step it, collect what the analysis needs.

An *arm* is one marketing model (or the independent baseline) simulated on one replicate's
cluster. Replicate r of a run seeded ``s`` uses the child ``SeedSequence(s).spawn_key + (r,)``
and its named streams (:mod:`.streams`) for every arm, so all arms of a replicate start from the
same cluster and face the same shocks: only the mechanisms differ (exact common random numbers).

The arm keeps, per period, the cluster record, which firms were effective members, and (when
asked, for the baseline) each firm's profit and whether it was active, so that the baseline —
run once per replicate — can be summarised over *any* model's member group afterwards
(:func:`group_profits`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustermarketing.engine.build import build
from clustermarketing.engine.context import Context
from clustermarketing.engine.diagnostics import DeviationCase, deviation_step
from clustermarketing.engine.guard import check_record
from clustermarketing.engine.period import step
from clustermarketing.engine.state import State, World, panel_fields
from clustermarketing.engine.streams import Streams, child, seed_sequence
from clustermarketing.models import BASELINE, resolve_model
from clustermarketing.models.config import ModelConfig
from clustermarketing.scenario.schema import Scenario

__all__ = ["ArmRun", "group_profits", "replicate_streams", "run_arm"]


def replicate_streams(seed: int | np.random.SeedSequence, replicate: int) -> Streams:
    """The named streams of ``replicate`` under root ``seed`` (an int or a SeedSequence)."""
    return Streams(child(seed_sequence(seed), replicate))


@dataclass
class ArmRun:
    """One arm of one replicate."""

    cluster: pd.DataFrame  # one row per period: the record of :mod:`.record`
    members: list[np.ndarray]  # per period: (slots,) bool effective members
    signal_times: list[float]  # periods to 90% awareness of each signal (window if never)
    firms: pd.DataFrame | None = None  # per-firm panel (``firm_panel=True``)
    deviations: list[DeviationCase] | None = None  # membership diagnostics (``diagnostics``)
    groups: pd.DataFrame | None = None  # breakdown by market/segment/size: period, by, group, ...
    profit: list[np.ndarray] | None = None  # per period: (live slots,) profit (``keep_profit``)
    active: list[np.ndarray] | None = None  # per period: (live slots,) active in the period


def _panel(state: State, world: World, t: int, rel: int) -> dict[str, np.ndarray]:
    """The firms alive in (or leaving at the end of) period ``t``: the declared panel fields."""
    ids = np.flatnonzero(state.active | (state.died == t))
    n = state.active.size
    tracked = state.sig_active
    aware = state.aware[:n][ids][:, tracked]
    out: dict[str, np.ndarray] = {"period": np.full(ids.size, rel), "firm": ids}
    for name in panel_fields(State):
        out[name] = getattr(state, name)[ids]
    out["markets"] = state.access[ids].sum(axis=1)
    # share of the currently tracked market signals the firm knows of (NaN: none tracked)
    out["aware_share"] = aware.mean(axis=1) if tracked.any() else np.full(ids.size, np.nan)
    return out


def _firm_frame(panel: list[dict[str, np.ndarray]], world: World, sc: Scenario) -> pd.DataFrame:
    firms = pd.DataFrame({k: np.concatenate([p[k] for p in panel]) for k in panel[0]})
    ids = firms["firm"].to_numpy()
    names = np.array([seg.name for seg in sc.firms.segments])
    firms["segment"] = names[world.segment[ids]]
    for name in panel_fields(World):
        firms[name] = getattr(world, name)[ids]
    firms["market_orientation"] = world.mo[ids]
    firms["growth_propensity"] = world.growth[ids]
    firms["strong_ties"] = np.diff(world.strong.indptr)[ids]
    firms["weak_ties"] = np.diff(world.weak.indptr)[ids]
    return firms


#: the last burn-in computed in this process: arms of one replicate run one after the other
_BURN_IN_CACHE: dict[tuple, tuple[World, State]] = {}


def _after_burn_in(
    scenario: Scenario, replicate: int, seed: int | np.random.SeedSequence, pricing: str
) -> tuple[World, State, Streams]:
    """The replicate's world and its state after the burn-in (a fresh copy for each arm)."""
    streams = replicate_streams(seed, replicate)
    seed_key = (
        (seed.entropy, tuple(seed.spawn_key)) if isinstance(seed, np.random.SeedSequence) else seed
    )
    key = (scenario.model_dump_json(), replicate, seed_key, pricing)
    if key not in _BURN_IN_CACHE:
        baseline = resolve_model({"preset": BASELINE})
        world, state = build(scenario, baseline, streams)
        if scenario.burn_in:
            ctx = Context(world, scenario, baseline, pricing, streams)
            for _ in range(scenario.burn_in):
                check_record(step(state, ctx), state.t, f"replicate {replicate}, burn-in")
        _BURN_IN_CACHE.clear()
        _BURN_IN_CACHE[key] = (world, state)
    world, state = _BURN_IN_CACHE[key]
    return world, copy.deepcopy(state), streams


def run_arm(
    scenario: Scenario,
    model: ModelConfig,
    *,
    replicate: int,
    seed: int | np.random.SeedSequence,
    periods: int,
    pricing: str,
    firm_panel: bool = False,
    keep_profit: bool = False,
    on_period: Callable[[int], None] | None = None,
    diagnostics: tuple[int, int] | None = None,
) -> ArmRun:
    """Simulate one arm (a model or the baseline) of one replicate for ``periods`` periods.

    The first ``scenario.burn_in`` periods run under independent marketing for every arm (the
    same streams, so every arm of a replicate leaves the burn-in in the same state); then the
    arm's model switches on and its periods are recorded, numbered from 0.

    ``diagnostics = (periods, sample)`` evaluates, in each of the last ``periods`` periods, the
    one-period membership deviation of ``sample`` random firms (:mod:`.diagnostics`).

    >>> import clustermarketing as cm
    >>> sc = cm.load_scenario("footwear", ["firms.count=40", "burn_in=2"])
    >>> arm = run_arm(sc, sc.model_config_for(), replicate=0, seed=1, periods=3, pricing="nash")
    >>> arm.cluster["period"].tolist()
    [0.0, 1.0, 2.0]
    """
    world, state, streams = _after_burn_in(scenario, replicate, seed, pricing)
    ctx = Context(world, scenario, model, pricing, streams)
    ctx.switch_model(model, state.t, state)
    if keep_profit:
        ctx.profit_log = []
    ctx.group_log = []
    rows = []
    panel: list[dict[str, np.ndarray]] = []
    cases: list[DeviationCase] = []
    diag_from = periods - diagnostics[0] if diagnostics else periods
    for _ in range(periods):
        t = state.t
        rel = t - ctx.start
        if rel >= diag_from and diagnostics is not None:
            record, found = deviation_step(state, ctx, sample=diagnostics[1])
            cases.extend(found)
        else:
            record = step(state, ctx)
        rows.append(check_record(record, rel, f"replicate {replicate}, {model.preset}"))
        if firm_panel:
            panel.append(_panel(state, world, t, rel))
        if on_period is not None:
            on_period(rel)
    window = scenario.diffusion.signal_window
    # signals that arrived after the model switched on
    times = [
        float(t90) if t90 >= 0 else float(window)
        for start, t90 in state.signal_log
        if start >= ctx.start
    ]
    mine = state.sig_active & (state.sig_start >= ctx.start)
    times += [float(t90) for t90 in state.sig_t90[mine] if t90 >= 0]
    return ArmRun(
        cluster=pd.DataFrame(rows),
        members=ctx.member_log,
        signal_times=times,
        firms=_firm_frame(panel, world, scenario) if panel else None,
        profit=[pr for pr, _ in ctx.profit_log] if keep_profit else None,
        active=[ac for _, ac in ctx.profit_log] if keep_profit else None,
        deviations=cases if diagnostics is not None else None,
        groups=pd.DataFrame(
            [
                {"period": t, **row}
                for t, period_rows in enumerate(ctx.group_log)
                for row in period_rows
            ]
        ),
    )


def group_profits(baseline: ArmRun, members: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per period mean baseline profit of the firms in ``members`` and of the other firms.

    ``members`` is another arm's per-period effective members: the baseline's profit of *those*
    firms is what the model's member profit is compared with (the same firms with and without
    cooperation). A group that is empty in a period gives NaN.
    """
    assert baseline.profit is not None and baseline.active is not None
    mem, non = [], []
    for t, (prof, act) in enumerate(zip(baseline.profit, baseline.active, strict=True)):
        group = members[t][: prof.size]
        m, o = act & group, act & ~group
        mem.append(float(prof[m].mean()) if m.any() else float("nan"))
        non.append(float(prof[o].mean()) if o.any() else float("nan"))
    return np.array(mem), np.array(non)
