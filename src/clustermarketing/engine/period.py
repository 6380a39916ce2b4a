"""One period of the cluster (MODEL.md §6), as a sequence of phases on arrays.

Order within a period: membership (from last period's outcomes) → structure → contribution
(imitation) → which functions each firm runs and what the cooperative runs → market signals and
diffusion → market access → prices and sales → costs, allocation and sanctions → value of
membership → stocks and trust → record → market sizes → exit and entry. Each phase lives in its own module and
works on whole arrays; this module only sequences them.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine import cooperation, signals
from clustermarketing.engine.access import update_access
from clustermarketing.engine.accounts import membership_value, settle
from clustermarketing.engine.context import Context, Draws, draw, make_streams
from clustermarketing.engine.demography import exit_and_entry
from clustermarketing.engine.functions import F_INDEX, plan_functions
from clustermarketing.engine.live import commit_state, live_length, view_state, view_world
from clustermarketing.engine.market import clear_market
from clustermarketing.engine.record import period_record
from clustermarketing.engine.state import State, World
from clustermarketing.engine.stocks import update_stocks
from clustermarketing.engine.structures import Structure, build_structure

__all__ = ["Context", "make_streams", "step"]


def step(state: State, ctx: Context) -> dict[str, float]:
    """Advance ``state`` by one period in place; return the period's cluster record.

    The period runs on the live prefix of the slot arrays (see :mod:`.live`).
    """
    full_n = ctx.world.n
    length = live_length(state, max(256, full_n // 64))
    if ctx.live is None or ctx.live.n != length:
        ctx.live = view_world(ctx.world, length)
        ctx.tie_log = signals.tie_log_matrix(ctx.live, ctx.sc.diffusion)
    view = view_state(state, length)
    record = _step(view, ctx)
    commit_state(state, view, length)
    eff = ctx.member_log[-1]
    if eff.size < full_n:
        padded = np.zeros(full_n, dtype=bool)
        padded[: eff.size] = eff
        ctx.member_log[-1] = padded
    return record


def _neighbours(w: World, structure: Structure | None) -> sp.csr_matrix:
    """Whom a firm observes and imitates: its ties plus its member-to-member structure links."""
    if structure is None or structure.kind == "star" or not structure.links:
        return w.ties  # a star links members only through the centre
    return (w.ties + structure.adj[: w.n, : w.n]).tocsr()


def _organise(state: State, ctx: Context, w: World, d: Draws) -> tuple[Structure | None, int, int]:
    """Membership decisions, node failure, and the structure over this period's members."""
    sc, model = ctx.sc, ctx.model
    if not model.cooperative:
        return None, 0, 0
    quality_ok = state.quality >= model.regulation.quality_standard
    joined = left = 0
    if state.t == 0:
        cooperation.initial_membership(
            state, w, sc, quality_ok, d.uniform("join"), d.uniform("join2")
        )
    else:
        publishes = model.structure.kind in ("star", "hierarchical") and state.hub_alive
        joined, left = cooperation.update_membership(
            state, w, sc, quality_ok, publishes, d.uniform("join")
        )
    if state.t == model.structure.fail_period:
        if model.structure.fail_node == "hub":
            state.hub_alive = False
        else:
            cand = np.flatnonzero(state.member)
            if cand.size:
                ctx.removed = cand[[min(int(d.scalar("fail") * cand.size), cand.size - 1)]]
    if model.structure.kind == "none":
        return None, joined, left
    structure = build_structure(
        model.structure,
        np.flatnonzero(state.member),
        w.ties,
        w.capacity,
        state.hub_alive,
        ctx.removed,
        max(1, len(model.pooled_functions)),
        ctx.streams.gen(state.t, "structure"),
    )
    return structure, joined, left


def _fair_period(ctx: Context, t: int) -> bool:
    k = ctx.model.fairs.interval
    return k > 0 and t % k == k - 1


def _step(state: State, ctx: Context) -> dict[str, float]:
    """One period on a (live) state and ``ctx.live`` world."""
    w = ctx.live
    assert w is not None
    sc, model = ctx.sc, ctx.model
    d = draw(ctx.streams, state.t, w.n, w.n_markets, state.sig_active.size)
    coop = model.cooperative

    structure, joined, left = _organise(state, ctx, w, d)
    observed = _neighbours(w, structure)
    if coop:
        eff = state.member & (structure.connected if structure is not None else True)
    else:
        eff = np.zeros(w.n, dtype=bool)
    # contribute or free-ride: imitation of better-off neighbours, before the pooled functions run
    if coop and state.t > 0 and state.member.any():
        cooperation.imitate(
            state,
            w,
            sc,
            observed,
            d.uniform("revise"),
            d.uniform("pick"),
            d.uniform("copy"),
            d.uniform("mutate"),
        )
    contrib = eff & state.contributes
    plan = plan_functions(
        ctx.fn,
        model.pooled_functions if coop else [],
        state.active,
        state.output,
        state.revenue,
        eff,
        contrib,
        sc.demography.affordability,
        structure.throughput if structure is not None else np.inf,
    )

    # market signals: own research, the cooperative's research, cascade over ties and structure
    signals.arrive(state, w, sc.diffusion, d.uniform("signal", 4))
    research = F_INDEX["market_research"]
    detect_own, detect_hub = plan.alone_rate(research), 0.0
    pooled_research = plan.pooled_rate(research)
    if pooled_research and model.structure.kind in ("star", "hierarchical"):
        detect_hub = pooled_research  # the centre researches and broadcasts
    elif pooled_research:  # research shared directly among connected members
        detect_own = np.where(eff, 1.0 - (1.0 - detect_own) * (1.0 - pooled_research), detect_own)
    dissemination = F_INDEX["information_dissemination"]
    signals.spread(
        state,
        w,
        sc.diffusion,
        structure,
        ctx.tie_log,
        detect_own,
        detect_hub,
        plan.alone_rate(dissemination),
        plan.pooled_rate(dissemination),
        d,
    )

    fair = (
        structure is not None and state.hub_alive and bool(eff.any()) and _fair_period(ctx, state.t)
    )
    acc = update_access(state, w, model, plan, eff, contrib, fair, d)
    mkt = clear_market(state, w, sc, model, ctx.pricing, plan, eff, acc.avail, fair, ctx.seg_weight)
    books = settle(state, w, sc, model, structure, plan, mkt, acc, eff, contrib, fair, d)
    state.net_benefit = membership_value(state, w, plan, mkt, acc, books, eff)
    state.neg_benefit = np.where(
        eff, np.where(state.net_benefit < 0, state.neg_benefit + 1, 0), state.neg_benefit
    )
    cap_mean = float(w.capacity[state.active].mean()) if state.active.any() else 1.0
    norm_cost = np.where(mkt.free_rider, model.regulation.norm_strength * state.trust, 0.0)
    state.payoff = (books.profit - norm_cost) / w.capacity * cap_mean

    update_stocks(state, w, sc, plan, mkt, eff, contrib, d)
    if coop:
        cooperation.update_trust(state, sc, observed)
    state.member &= ~books.excluded
    state.contributes &= state.member
    state.output, state.revenue, state.profit = mkt.units, mkt.revenue, books.profit

    ctx.member_log.append(eff.copy())
    ref = ctx.reference_members
    group = ref[len(ctx.member_log) - 1][: w.n] if ref else eff
    record = period_record(state, w, ctx, plan, mkt, acc, books, eff, contrib, group)
    # the economic trend and shocks move next period's market sizes (seed 001)
    state.market_size = state.market_size * np.maximum(
        0.05, 1.0 + w.trend + w.vol * d.normal("size_shock", w.n_markets)
    )
    boost = model.fairs.entry_boost if fair else 0.0
    entries, exits = exit_and_entry(
        state, w, sc, books.profit, boost, ctx.streams.gen(state.t, "entry")
    )
    record.update(
        {
            "joined": float(joined),
            "left": float(left),
            "entries": float(entries),
            "exits": float(exits),
            "firms": float(state.active.sum()),
        }
    )
    state.t += 1
    return record
