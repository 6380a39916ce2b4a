"""One period of the cluster (MODEL.md §6): a sequencer of phases and mechanism hooks.

Phases, in order (each a function in its own module, reading the state and returning what it
changes; only this module writes the state):

1. organise — membership decisions, node failure, the structure over the members
   (:mod:`.cooperation`, :mod:`.structures`); hook ``flags``
2. contribution — imitation of better-off neighbours (:mod:`.cooperation`)
3. plan — which functions each firm runs and what the cooperative runs (:mod:`.functions`)
4. signals — arrival, detection, cascade, adaptation (:mod:`.signals`)
5. access — own, pooled and mechanism openings (:mod:`.access`); hook ``open_markets``
6. market — pricing inputs, Nash prices, demand within capacity and channels (:mod:`.market`);
   hooks ``unit_cost_factor``, ``quality_shortfall``, ``brand_utility``, ``own_brand_utility``,
   ``member_unit_cost``, ``promotion_multiplier``, ``pooled_channel``, ``member_channel_extra``
7. accounts — costs, the cooperative's budget, allocation, sanctions (:mod:`.accounts`); hook
   ``pooled_cost``
8. membership value and imitation payoff (:mod:`.accounts`, :mod:`.deviation`); hook
   ``member_transfers``
9. stocks and trust (:mod:`.stocks`, :mod:`.cooperation`); hooks ``regional_brand``,
   ``brand_dilution``, ``pooled_development``
10. record (:mod:`.record`), market sizes, exit and entry (:mod:`.demography`); hooks
    ``entry_pull``, ``production_shift``

The mechanisms a model switches on are plug-ins (:mod:`.mechanisms`); this module names none.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine import cooperation, signals
from clustermarketing.engine.access import update_access
from clustermarketing.engine.accounts import settle, strategy_payoff
from clustermarketing.engine.context import Context, draw, make_streams
from clustermarketing.engine.demography import exit_and_entry
from clustermarketing.engine.deviation import membership_values
from clustermarketing.engine.functions import F_INDEX, FunctionPlan, plan_functions
from clustermarketing.engine.live import commit_state, live_length, view_state, view_world
from clustermarketing.engine.market import clear_market
from clustermarketing.engine.mechanisms import Period
from clustermarketing.engine.record import group_record, period_record
from clustermarketing.engine.state import State, World
from clustermarketing.engine.stocks import update_stocks
from clustermarketing.engine.streams import Draws
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
    # admission: the quality standard, and no exclusion still running
    quality_ok = (state.quality >= model.regulation.quality_standard) & (
        state.barred_until <= state.t
    )
    if state.t == ctx.start:  # the model's first period: founders
        ms = cooperation.initial_membership(
            state=state,
            world=w,
            sc=sc,
            quality_ok=quality_ok,
            u=d.uniform("join"),
            u2=d.uniform("join2"),
        )
    else:
        publishes = model.structure.kind in ("star", "hierarchical") and state.hub_alive
        ms = cooperation.update_membership(
            state=state,
            world=w,
            sc=sc,
            quality_ok=quality_ok,
            published=publishes,
            u=d.uniform("join"),
            term=model.contract.term,
        )
    new = ms.member & ~state.member
    state.joined_at = np.where(new, state.t, np.where(ms.member, state.joined_at, -1))
    state.member, state.contributes, state.neg_benefit = ms.member, ms.contributes, ms.neg_benefit
    ctx.decided = state.member.copy()
    if ctx.force is not None:  # a diagnostic's one-period deviation of one firm
        i, flag = ctx.force
        state.member = state.member.copy()
        state.contributes = state.contributes.copy()
        state.member[i] = flag and bool(state.active[i])
        state.contributes[i] = state.member[i]  # a joiner starts contributing
    if state.t - ctx.start == model.structure.fail_period:
        if model.structure.fail_node == "hub":
            state.hub_alive = False
        else:
            cand = np.flatnonzero(state.member)
            if cand.size:
                ctx.removed = cand[[min(int(d.scalar("fail") * cand.size), cand.size - 1)]]
    if model.structure.kind == "none":
        return None, ms.joined, ms.left
    structure = build_structure(
        model.structure,
        members=np.flatnonzero(state.member),
        ties=w.ties,
        capacity=w.capacity,
        hub_alive=state.hub_alive,
        removed=ctx.removed,
        n_units=max(1, len(model.pooled_functions)),
        rng=ctx.streams.gen(state.t, "structure"),
    )
    return structure, ms.joined, ms.left


def _plan(
    state: State, ctx: Context, eff: np.ndarray, contrib: np.ndarray, structure
) -> FunctionPlan:
    model = ctx.model
    return plan_functions(
        ctx.fn,
        model.pooled_functions if model.cooperative else [],
        active=state.active,
        output=state.output,
        revenue=state.revenue,
        effective_member=eff,
        contributor=contrib,
        affordability=ctx.sc.demography.affordability,
        throughput=structure.throughput if structure is not None else np.inf,
    )


def _signals(p: Period, ctx: Context) -> None:
    """Arrival, then detection and cascade with research routed by the structure."""
    state, w, model, plan = p.state, p.world, p.model, p.plan
    arrived = signals.arrive(
        state=state, world=w, cfg=ctx.sc.diffusion, u=p.draws.uniform("signal", 4)
    )
    for name, value in arrived.fields().items():
        setattr(state, name, value)
    state.signal_log.extend(arrived.closed)
    research = F_INDEX["market_research"]
    detect_own, detect_hub = plan.alone_rate(research), 0.0
    pooled_research = plan.pooled_rate(research)
    if pooled_research and model.structure.kind in ("star", "hierarchical"):
        detect_hub = pooled_research  # the centre researches and broadcasts
    elif pooled_research:  # research shared directly among connected members
        detect_own = np.where(p.eff, 1.0 - (1.0 - detect_own) * (1.0 - pooled_research), detect_own)
    dissemination = F_INDEX["information_dissemination"]
    aware, adapted, t90 = signals.spread(
        state=state,
        world=w,
        cfg=ctx.sc.diffusion,
        structure=p.structure,
        tie_log=ctx.tie_log,
        detect_own=detect_own,
        detect_hub=detect_hub,
        dissemination_own=plan.alone_rate(dissemination),
        dissemination_pooled=plan.pooled_rate(dissemination),
        d=p.draws,
    )
    if ctx.mechanisms.has("information_links") and state.sig_active.any():
        # partners pass on what they know (e.g. a leader's research to its suppliers)
        links = ctx.mechanisms.call("information_links", p)
        n = w.n
        aware = aware.copy()
        aware[:n] |= (links @ aware[:n].astype(np.float64)) > 0
        aware[:n] &= state.active[:, None]
    state.aware, state.adapted, state.sig_t90 = aware, adapted, t90


def _step(state: State, ctx: Context) -> dict[str, float]:
    """One period on a (live) state and ``ctx.live`` world."""
    w = ctx.live
    assert w is not None
    sc, model, hooks = ctx.sc, ctx.model, ctx.mechanisms
    d = draw(ctx.streams, state.t, w.n, w.n_markets, state.sig_active.size)
    coop = model.cooperative

    # 1 organise
    structure, joined, left = _organise(state, ctx, w, d)
    observed = _neighbours(w, structure)
    if coop:
        eff = state.member & (structure.connected if structure is not None else True)
    else:
        eff = np.zeros(w.n, dtype=bool)
    # 2 contribute or free-ride: imitation of better-off neighbours, before the pooled functions
    if coop and state.t > ctx.start and state.member.any():
        state.contributes = cooperation.imitate(
            state=state,
            sc=sc,
            neighbours=observed,
            u_rev=d.uniform("revise"),
            u_pick=d.uniform("pick"),
            u_copy=d.uniform("copy"),
            u_mut=d.uniform("mutate"),
        )
    contrib = eff & state.contributes
    # 3 plan
    plan = _plan(state, ctx, eff, contrib, structure)
    p = Period(
        t=state.t - ctx.start,
        world=w,
        state=state,
        sc=sc,
        model=model,
        draws=d,
        structure=structure,
        eff=eff,
        contrib=contrib,
        plan=plan,
        flags={},
        seg_weight=ctx.seg_weight,
    )
    if hooks.has("flags"):
        p = p.with_flags(hooks.call("flags", p))
    # 4 signals
    _signals(p, ctx)
    # 5 access
    acc = update_access(p, hooks=hooks)
    state.access, state.coop_access = acc.own, acc.coop
    # 6 market
    mkt = clear_market(p, avail=acc.avail, hooks=hooks, pricing=ctx.pricing, via=acc.via)
    state.price = mkt.prices(state.price)
    state.pair_margin = mkt.margins(state.pair_margin)
    # 7 accounts
    books = settle(p, mkt=mkt, acc=acc, hooks=hooks)
    state.cash = state.cash + books.profit
    # 8 value of membership (a unilateral deviation, both ways) and imitation payoff
    values = membership_values(p, mkt=mkt, acc=acc, books=books, hooks=hooks)
    state.net_benefit, state.join_value = values.member, values.joiner
    state.neg_benefit = np.where(
        eff, np.where(state.net_benefit < 0, state.neg_benefit + 1, 0), state.neg_benefit
    )
    cap_mean = float(w.capacity[state.active].mean()) if state.active.any() else 1.0
    state.payoff = strategy_payoff(p, mkt=mkt, books=books) / w.capacity * cap_mean
    # 9 stocks and trust
    stocks = update_stocks(p, mkt=mkt, hooks=hooks)
    state.goodwill, state.regional_brand, state.quality = (
        stocks.goodwill,
        stocks.regional_brand,
        stocks.quality,
    )
    state.channel_added, state.coop_channel = stocks.channel_added, stocks.coop_channel
    if coop:
        state.trust = cooperation.update_trust(state=state, sc=sc, observers=observed)
    if hooks.has("update_state"):  # the mechanisms' own state
        firm_state, cluster_state = hooks.call("update_state", p, mkt=mkt, books=books)
        state.extra.update(firm_state)
        state.cluster_extra.update(cluster_state)
    state.member = state.member & ~books.excluded
    state.barred_until = np.where(
        books.excluded, state.t + 1 + model.regulation.exclusion_periods, state.barred_until
    )
    state.contributes = state.contributes & state.member
    state.output, state.revenue, state.profit = mkt.units, mkt.revenue, books.profit
    # 10 record, market sizes, demography
    ctx.member_log.append(eff.copy())
    record = period_record(p, ctx=ctx, mkt=mkt, acc=acc, books=books, group=eff)
    record.update(hooks.call("record", p, {}, mkt=mkt, books=books))
    if ctx.group_log is not None:
        ctx.group_log.append(group_record(p, ctx=ctx, mkt=mkt, books=books))
    if ctx.profit_log is not None:
        ctx.profit_log.append((books.profit.copy(), state.active.copy()))
    # the economic trend and shocks move next period's market sizes (seed 001)
    state.market_size = state.market_size * np.maximum(
        sc.demand.market_size_floor, 1.0 + w.trend + w.vol * d.normal("size_shock", w.n_markets)
    )
    demo = exit_and_entry(
        state=state,
        world=w,
        sc=sc,
        profit=books.profit,
        pull=hooks.call("entry_pull", p, 0.0),
        rng=ctx.streams.gen(state.t, "entry"),
    )
    for name, value in demo.fields.items():
        setattr(state, name, value)
    record.update(
        {
            "joined": float(joined),
            "left": float(left),
            "entries": float(demo.entries),
            "exits": float(demo.exits),
            "firms": float(state.active.sum()),
        }
    )
    state.t += 1
    return record
