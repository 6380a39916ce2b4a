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

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustermarketing.engine.build import build
from clustermarketing.engine.context import Context
from clustermarketing.engine.guard import check_record
from clustermarketing.engine.period import step
from clustermarketing.engine.state import State, World, panel_fields
from clustermarketing.engine.streams import Streams, child, seed_sequence
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
    profit: list[np.ndarray] | None = None  # per period: (live slots,) profit (``keep_profit``)
    active: list[np.ndarray] | None = None  # per period: (live slots,) active in the period


def _panel(state: State, world: World, t: int) -> dict[str, np.ndarray]:
    """The firms alive in (or leaving at the end of) period ``t``: the declared panel fields."""
    ids = np.flatnonzero(state.active | (state.died == t))
    n = state.active.size
    tracked = state.sig_active
    aware = state.aware[:n][ids][:, tracked]
    out: dict[str, np.ndarray] = {"period": np.full(ids.size, t), "firm": ids}
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
) -> ArmRun:
    """Simulate one arm (a model or the baseline) of one replicate for ``periods`` periods."""
    streams = replicate_streams(seed, replicate)
    world, state = build(scenario, model, streams)
    ctx = Context(world, scenario, model, pricing, streams)
    if keep_profit:
        ctx.profit_log = []
    rows = []
    panel: list[dict[str, np.ndarray]] = []
    for _ in range(periods):
        t = state.t
        rows.append(check_record(step(state, ctx), t, f"replicate {replicate}, {model.preset}"))
        if firm_panel:
            panel.append(_panel(state, world, t))
        if on_period is not None:
            on_period(t)
    window = scenario.diffusion.signal_window
    times = [float(t90) if t90 >= 0 else float(window) for _, t90 in state.signal_log]
    times += [float(t90) for t90 in state.sig_t90[state.sig_active] if t90 >= 0]
    return ArmRun(
        cluster=pd.DataFrame(rows),
        members=ctx.member_log,
        signal_times=times,
        firms=_firm_frame(panel, world, scenario) if panel else None,
        profit=[pr for pr, _ in ctx.profit_log] if keep_profit else None,
        active=[ac for _, ac in ctx.profit_log] if keep_profit else None,
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
