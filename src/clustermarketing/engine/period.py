"""One period of the cluster (MODEL.md §6), as a sequence of phases on arrays.

Order within a period: membership (from last period's outcomes) → structure → market signals
and diffusion → contribution (imitation) → functions and access → prices → demand → costs and
allocation → sanctions → stocks and trust → exit and entry. Every random draw has a fixed shape
and comes from a phase's own stream, so a model and its independent baseline consume identical
random numbers (common random numbers) however differently they evolve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine import cooperation, signals
from clustermarketing.engine.functions import (
    F_INDEX,
    coalition_cost_fn,
    function_arrays,
    plan_functions,
    rate,
)
from clustermarketing.engine.live import commit_state, live_length, view_state, view_world
from clustermarketing.engine.pricing import consumer_surplus, solve_prices
from clustermarketing.engine.state import State, World
from clustermarketing.engine.structures import Structure, build_structure
from clustermarketing.games.cooperative.allocation import AllocationProblem, allocate
from clustermarketing.scenario.model import ModelConfig
from clustermarketing.scenario.schema import Scenario

PHASES = (
    "signals",
    "membership",
    "contribution",
    "structure",
    "market",
    "access",
    "sanctions",
    "stocks",
    "demography",
)


def make_streams(seed: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """One independent generator per phase, children of the run's SeedSequence."""
    return {
        name: np.random.Generator(np.random.PCG64(s))
        for name, s in zip(PHASES, seed.spawn(len(PHASES)), strict=True)
    }


@dataclass
class Context:
    """Everything a run needs besides the state."""

    world: World
    sc: Scenario
    model: ModelConfig
    pricing: str
    streams: dict[str, np.random.Generator]
    fn: dict[str, np.ndarray] = field(init=False)
    seg_weight: np.ndarray = field(init=False)
    structure: Structure | None = None
    removed: np.ndarray | None = None
    reference_members: list[np.ndarray] | None = None  # the model arm's members, per period
    member_log: list[np.ndarray] = field(default_factory=list)
    live: World | None = None  # the world restricted to this period's live prefix
    tie_log: sp.csr_matrix | None = None  # log-survival weights of the tie cascade on ``live``
    last_iterations: int = 0
    last_converged: bool = True

    def __post_init__(self) -> None:
        self.fn = function_arrays(self.sc.functions)
        w = np.array([s.share for s in self.sc.firms.segments], dtype=float)
        self.seg_weight = w / w.sum()


def _neighbours(w: World, structure: Structure | None) -> sp.csr_matrix:
    """Whom a firm observes and imitates: its ties plus its member-to-member structure links."""
    if structure is None or structure.kind == "star" or not structure.links:
        return w.ties  # a star links members only through the centre
    return (w.ties + structure.adj[: w.n, : w.n]).tocsr()


def _fair_period(model: ModelConfig, t: int) -> bool:
    k = model.fairs.interval
    return k > 0 and t % k == k - 1


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
    if length < full_n:
        eff = ctx.member_log[-1]
        padded = np.zeros(full_n, dtype=bool)
        padded[:length] = eff
        ctx.member_log[-1] = padded
    return record


def _step(state: State, ctx: Context) -> dict[str, float]:
    """One period on a (live) state and ``ctx.live`` world."""
    w, sc, model = ctx.live, ctx.sc, ctx.model
    n, m_count, k_sig = w.n, w.n_markets, state.sig_active.size
    st = ctx.streams
    coop = model.cooperative
    t = state.t
    # ---- fixed-shape draws (common random numbers) ----
    u_sig = st["signals"].random(4)
    u_detect = st["signals"].random((n, k_sig))
    u_spread = st["signals"].random((n, k_sig))
    u_hub = st["signals"].random(k_sig)
    u_act = st["signals"].random((n, k_sig))
    u_join = st["membership"].random(n)
    u_join2 = st["membership"].random(n)
    u_rev, u_pick, u_copy, u_mut = (st["contribution"].random(n) for _ in range(4))
    eps = st["market"].standard_normal(m_count)
    u_acc, u_fair = (st["access"].random(n) for _ in range(2))
    u_nmd = st["access"].random((n, k_sig))
    u_coop_acc = st["access"].random(2)
    u_catch, u_excl = st["sanctions"].random(n), st["sanctions"].random(n)
    u_dev = st["stocks"].random(n)
    u_dev_pool = st["stocks"].random()
    u_fail = st["structure"].random()

    # ---- 2. membership ----
    quality_ok = state.quality >= model.regulation.quality_standard
    joined = left = 0
    hub_structure = model.structure.kind in ("star", "hierarchical")
    if coop:
        if t == 0:
            cooperation.initial_membership(state, w, sc, quality_ok, u_join, u_join2)
        else:
            joined, left = cooperation.update_membership(
                state, w, sc, quality_ok, hub_structure and state.hub_alive, u_join
            )
    # ---- structure (and node failure) ----
    if coop and t == model.structure.fail_period:
        if model.structure.fail_node == "hub":
            state.hub_alive = False
        else:
            cand = np.flatnonzero(state.member)
            if cand.size:
                ctx.removed = cand[[min(int(u_fail * cand.size), cand.size - 1)]]
    structure = None
    if coop and model.structure.kind != "none":
        units = max(1, len(model.pooled_functions))
        structure = build_structure(
            model.structure,
            np.flatnonzero(state.member),
            w.ties,
            w.capacity,
            state.hub_alive,
            ctx.removed,
            units,
            st["structure"],
        )
    ctx.structure = structure
    observed = _neighbours(w, structure) if coop else w.ties
    if coop:
        connected = structure.connected if structure is not None else state.member.copy()
        eff = state.member & connected
    else:
        eff = np.zeros(n, dtype=bool)
    contrib = eff & state.contributes
    throughput = structure.throughput if structure is not None else np.inf

    # ---- functions: who does what ----
    plan = plan_functions(
        ctx.fn,
        model.pooled_functions if coop else [],
        state.active,
        state.output,
        state.revenue,
        eff,
        contrib,
        sc.demography.affordability,
        throughput,
    )
    fi = F_INDEX
    eff_ = plan.effect

    def alone_rate(name: str) -> np.ndarray:
        j = fi[name]
        return np.where(plan.alone[j], rate(eff_[j], plan.x(j)), 0.0)

    def pooled_rate(name: str) -> float:
        j = fi[name]
        return float(rate(eff_[j], plan.X_eff[j])) if plan.pooled[j] else 0.0

    # ---- 1. signals ----
    signals.arrive(state, w, sc.diffusion, u_sig)
    research_pool = pooled_rate("market_research")
    detect_own = alone_rate("market_research")
    detect_hub = 0.0
    if research_pool:
        if hub_structure:
            detect_hub = research_pool
        else:  # research shared directly among connected members
            detect_own = np.where(eff, 1.0 - (1.0 - detect_own) * (1.0 - research_pool), detect_own)
    signals.spread(
        state,
        w,
        sc.diffusion,
        structure,
        ctx.tie_log,
        detect_own,
        detect_hub,
        alone_rate("information_dissemination"),
        pooled_rate("information_dissemination"),
        u_detect,
        u_spread,
        u_hub,
        u_act,
    )

    # ---- 3. contribution ----
    if coop and t > 0 and state.member.any():
        cooperation.imitate(state, w, sc, observed, u_rev, u_pick, u_copy, u_mut)
        contrib = eff & state.contributes

    # ---- access: own market access, new markets from signals, the cooperative's reach, fairs ----
    entry_paid = np.zeros(n)
    coop_entry = 0.0
    missing = ~state.access & state.active[:, None]
    first_missing = np.argmax(missing, axis=1)
    has_missing = missing.any(axis=1)
    gain = (u_acc < alone_rate("market_access")) & has_missing
    gi = np.flatnonzero(gain)
    state.access[gi, first_missing[gi]] = True
    entry_paid[gi] += w.entry_cost[first_missing[gi]]
    nmd_j = fi["new_market_development"]
    for k in np.flatnonzero(state.sig_active & state.sig_new_market):
        mk = state.sig_market[k]
        ready = state.adapted[:, k] & state.active & ~state.access[:, mk]
        own = ready & (u_nmd[:, k] < alone_rate("new_market_development"))
        state.access[own, mk] = True
        entry_paid[own] += w.entry_cost[mk]
        if (
            plan.pooled[nmd_j]
            and not state.coop_access[mk]
            and (ready & eff).any()
            and u_nmd[0, k] < pooled_rate("new_market_development")
        ):
            state.coop_access[mk] = True
            coop_entry += w.entry_cost[mk]
    if (
        plan.pooled[fi["market_access"]]
        and not state.coop_access.all()
        and u_coop_acc[0] < pooled_rate("market_access")
    ):
        mk = int(np.argmin(state.coop_access))
        state.coop_access[mk] = True
        coop_entry += w.entry_cost[mk]
    fair = coop and _fair_period(model, t) and structure is not None and state.hub_alive
    if fair:
        matched = contrib & has_missing & (u_fair < model.fairs.buyer_matching)
        mi = np.flatnonzero(matched)
        state.access[mi, first_missing[mi]] = True
    avail = (state.access | (eff[:, None] & state.coop_access[None, :])) & state.active[:, None]

    # ---- 4. prices after cooperative cost reduction ----
    member_strong = w.strong @ eff.astype(float)
    # internal sourcing needs cooperating local partners: coverage saturates in their number
    coverage = np.where(eff, -np.expm1(-member_strong / sc.solver.sourcing_partners), 0.0)
    unit_cost = w.base_cost * (1.0 - sc.solver.cooperative_cost_saving * coverage)
    c_fee = model.contract.per_unit_fee + sc.trust.transaction_cost * (1.0 - state.trust)
    dist = np.zeros(m_count)
    dist[1:] = sc.demand.distribution_cost
    commission = model.contract.commission_rate
    mc = unit_cost[:, None] + dist[None, :] + np.where(eff, c_fee, 0.0)[:, None]
    mc = np.where(eff[:, None], mc / (1.0 - min(commission, 0.99)), mc)
    # utilities
    free_rider = eff & ~state.contributes
    brand_user = eff & model.uses_regional_brand
    q_eff = state.quality - np.where(
        brand_user & free_rider, model.regulation.cheat_quality_loss, 0.0
    )
    promo = np.zeros(n)
    for name in ("customer_acquisition", "sales_promotion"):
        j = fi[name]
        promo += eff_[j] * np.log1p(plan.alone_x(j) / 1000.0)
        if plan.pooled[j]:
            mult = model.fairs.promotion_multiplier if (fair and name == "sales_promotion") else 1.0
            k_members = max(1, int(eff.sum()))
            club = mult * eff_[j] * np.log1p(plan.X_eff[j] / 1000.0 / np.sqrt(k_members))
            promo = np.where(eff, promo + club, promo)
    brand_member = np.where(
        brand_user, sc.demand.regional_brand_weight * np.log1p(state.regional_brand), 0.0
    )
    brand = sc.demand.goodwill_weight * np.log1p(state.goodwill)
    sig_bonus = np.zeros((n, m_count))
    for k in np.flatnonzero(state.sig_active & ~state.sig_new_market):
        hit = state.adapted[:, k] & (w.segment == state.sig_segment[k])
        sig_bonus[hit, state.sig_market[k]] += sc.demand.signal_value
    member_boost = (brand_member[:, None] * w.brand_sens[None, :]) + np.where(eff, promo, 0.0)[
        :, None
    ]
    delta = (
        w.a[None, :] * q_eff[:, None]
        + (brand[:, None] + brand_member[:, None]) * w.brand_sens[None, :]
        + promo[:, None]
        + w.xi
        + sig_bonus
    )
    members_for_cartel = eff if ctx.pricing == "cartel" else None
    sol = solve_prices(
        mc,
        delta,
        avail,
        w.b,
        w.u0,
        w.segment,
        w.n_segments,
        state.price,
        mode=ctx.pricing,
        members=members_for_cartel,
        tol=sc.solver.tolerance,
        max_iter=sc.solver.max_iterations,
        damping=sc.solver.damping,
    )
    ctx.last_iterations, ctx.last_converged = sol.iterations, sol.converged
    price = sol.price
    state.price = np.where(avail, price, state.price)

    # ---- 5. demand within capacity and channel capacity ----
    demand = state.market_size[None, :] * ctx.seg_weight[w.segment][:, None] * sol.share
    total = demand.sum(axis=1)
    own_channel = w.own_channel + state.channel_added
    need = np.maximum(0.0, np.minimum(total, w.capacity) - own_channel)
    shared = np.zeros(n)
    ch_j = fi["channel_development"]
    if plan.pooled[ch_j] and state.coop_channel > 0:
        # shared: rival capacity allocated by unmet need; otherwise split by capacity
        want = np.where(eff, need if model.shared_channel else w.capacity, 0.0)
        tot_want = want.sum()
        if tot_want > 0:
            shared = (
                want * min(1.0, state.coop_channel / tot_want)
                if model.shared_channel
                else want / tot_want * state.coop_channel
            )
    channel = own_channel + shared
    limit = np.minimum(w.capacity, channel)
    factor = np.divide(limit, total, out=np.ones(n), where=total > limit)
    factor = np.minimum(factor, 1.0)
    sales = demand * factor[:, None]
    units = sales.sum(axis=1)
    revenue = np.sum(price * sales, axis=1)

    # ---- 6. costs and allocation ----
    production = unit_cost * units + sales @ dist
    member_units = np.where(eff, units, 0.0)
    fees = model.contract.per_unit_fee * member_units
    transaction = sc.trust.transaction_cost * (1.0 - state.trust) * member_units
    contracting = np.where(eff, model.contract.contracting_cost * (1.0 - state.trust), 0.0)
    commission_paid = np.where(eff, commission * revenue, 0.0)
    # sanctions on free-riders
    reg = model.regulation
    monitor = structure.monitor if structure is not None else np.zeros(n)
    p_catch = 1.0 - (1.0 - reg.monitoring * monitor) * (
        1.0 - reg.monitoring * w.institution_monitoring * state.hub_alive
    ) * (1.0 - model.contract.enforcement)
    caught = free_rider & (u_catch < p_catch)
    fines = np.where(caught, reg.fine + model.contract.breach_penalty, 0.0)
    excluded = caught & (u_excl < reg.exclusion)
    # the cooperative's budget
    coord = 0.0
    if structure is not None:
        coord = (
            model.structure.coordination_cost
            * structure.links
            * (0.5 + 0.5 * (1.0 - float(state.trust[eff].mean()) if eff.any() else 1.0))
        )
    fair_cost = model.fairs.cost if fair else 0.0
    pooled_total = float(plan.pooled_cost.sum()) + coord + fair_cost + coop_entry
    subsidy = min(w.subsidy, pooled_total) if coop and eff.any() else 0.0
    income = subsidy + float(fees.sum()) + float(fines.sum()) + state.reserve
    to_allocate = max(0.0, pooled_total - income)
    state.reserve = max(0.0, income - pooled_total) if coop else 0.0
    share = np.zeros(n)
    payers = np.flatnonzero(contrib) if contrib.any() else np.flatnonzero(eff)
    if to_allocate > 0 and payers.size:
        x_pay = plan.output[payers][:, None] * plan.intensity[None, :]
        extra = (to_allocate - float(plan.pooled_cost.sum())) / payers.size
        problem = AllocationProblem(
            total=to_allocate,
            weights=units[payers]
            if model.function_interest.rule != "commission"
            else revenue[payers],
            coalition_cost=coalition_cost_fn(plan, x_pay, extra),
            dues_fixed_share=model.function_interest.dues_fixed_share,
            samples=200,
            seed=int(u_fail * 2**31),
        )
        share[payers] = allocate(model.function_interest.rule, problem)
    elif to_allocate > 0:
        to_allocate = 0.0  # no members left to pay: the pooled functions are not run
    own_mkt = plan.own_cost + entry_paid
    profit = (
        revenue
        - production
        - own_mkt
        - share
        - fees
        - transaction
        - contracting
        - commission_paid
        - fines
    )
    state.cash += profit

    # ---- net benefit of membership (what a member would lose by marketing alone) ----
    margin_unit = np.divide(revenue - production, units, out=np.zeros(n), where=units > 0)
    saved = plan.saved
    s_own = sol.share
    e_m = np.exp(-member_boost)
    keep = np.where(s_own > 0, e_m / (1.0 - s_own + s_own * e_m), 1.0)
    only_coop = avail & ~state.access
    lost_units = np.where(only_coop, sales, sales * (1.0 - keep)).sum(axis=1)
    cost_gain = (w.base_cost - unit_cost) * units
    benefit = saved + margin_unit * lost_units + cost_gain
    paid = share + fees + transaction + contracting + commission_paid + fines
    state.net_benefit = np.where(eff, benefit - paid, 0.0)
    state.neg_benefit = np.where(
        eff & (state.net_benefit < 0), state.neg_benefit + 1, np.where(eff, 0, state.neg_benefit)
    )
    cap_mean = float(w.capacity[state.active].mean()) if state.active.any() else 1.0
    norm_cost = np.where(free_rider, reg.norm_strength * state.trust, 0.0)
    state.payoff = (profit - norm_cost) / w.capacity * cap_mean

    # ---- 7. stocks ----
    sk = sc.stocks
    bj = fi["brand_building"]
    g_spend = plan.alone_x(bj)
    state.goodwill = (1.0 - sk.goodwill_decay) * state.goodwill + eff_[bj] * np.power(
        g_spend, sk.curvature
    )
    brand_users_units = float(member_units[brand_user].sum())
    cheat_share = (
        float(member_units[brand_user & free_rider].sum()) / brand_users_units
        if brand_users_units > 0
        else 0.0
    )
    pooled_brand = eff_[bj] * plan.X_eff[bj] ** sk.curvature if plan.pooled[bj] else 0.0
    state.regional_brand = ((1.0 - sk.brand_decay) * state.regional_brand + pooled_brand) * (
        1.0 - sk.brand_damage * cheat_share
    )
    pj = fi["product_development"]
    state.quality = np.maximum(0.0, state.quality - sk.quality_obsolescence)
    dev = plan.alone[pj] & (u_dev < plan.success[pj])
    state.quality[dev] += eff_[pj]
    if plan.pooled[pj] and contrib.any():
        p_pool = 1.0 - (1.0 - plan.success[pj]) ** min(int(contrib.sum()), 5)
        if u_dev_pool < p_pool:
            state.quality[eff] += eff_[pj]
    state.channel_added = (1.0 - sk.channel_decay) * state.channel_added + eff_[
        ch_j
    ] * plan.alone_x(ch_j)
    state.coop_channel = (1.0 - sk.channel_decay) * state.coop_channel + (
        eff_[ch_j] * plan.X_eff[ch_j] if plan.pooled[ch_j] else 0.0
    )
    if coop:
        cooperation.update_trust(state, sc, observed)
    state.member &= ~excluded
    state.contributes &= state.member
    state.market_size = state.market_size * np.maximum(0.05, 1.0 + w.trend + w.vol * eps)

    # ---- outcome bookkeeping before demography ----
    state.output, state.revenue, state.profit = units, revenue, profit
    record = _record(
        state,
        ctx,
        sol,
        sales,
        price,
        units,
        revenue,
        profit,
        plan,
        share,
        pooled_total,
        to_allocate,
        subsidy,
        fees,
        fines,
        eff,
        contrib,
        avail,
        coord,
        joined,
        left,
    )
    act = state.active
    record.update(
        {
            "total_profit": float(profit[act].sum()),
            "production_cost": float(production[act].sum()),
            "own_marketing_cost": float(own_mkt[act].sum()),
            "transaction_cost": float(transaction[act].sum()),
            "contracting_cost": float(contracting[act].sum()),
            "commission": float(commission_paid[act].sum()),
        }
    )

    # ---- exit and entry ----
    dg = sc.demography
    state.losses = np.where(state.active & (profit < 0), state.losses + 1, 0)
    exiting = state.active & ((state.losses >= dg.exit_after) | (state.cash < dg.cash_floor))
    state.active &= ~exiting
    state.died[exiting] = t
    state.member &= state.active
    state.contributes &= state.active
    present = state.active | exiting
    ret = float(profit[present].sum()) / max(float(w.capacity[present].sum()), 1e-9)
    # free entry: firms come while the cluster earns more than the normal return on capacity
    attract = max(0.0, ret / dg.reference_return - 1.0) + (model.fairs.entry_boost if fair else 0.0)
    lam = dg.entry_rate * attract * float(state.active.sum())
    n_entry = int(st["demography"].poisson(lam)) if lam > 0 else 0
    slots = np.flatnonzero(state.born < 0)[:n_entry]
    if slots.size:
        state.active[slots] = True
        state.born[slots] = t
        state.cash[slots] = w.init_cash[slots]
        state.access[slots] = w.init_access[slots]
        state.quality[slots] = w.init_quality[slots]
        state.trust[slots] = sc.trust.initial
        state.output[slots] = 0.6 * w.capacity[slots]
        state.revenue[slots] = state.output[slots] * state.price[slots, 0]
    record["entries"] = float(slots.size)
    record["exits"] = float(exiting.sum())
    record["firms"] = float(state.active.sum())
    state.t = t + 1
    return record


def _record(
    state: State,
    ctx: Context,
    sol,
    sales,
    price,
    units,
    revenue,
    profit,
    plan,
    share,
    pooled_total,
    to_allocate,
    subsidy,
    fees,
    fines,
    eff,
    contrib,
    avail,
    coord,
    joined,
    left,
) -> dict[str, float]:
    """The cluster's period record (MODEL.md §7)."""
    w = ctx.live
    act = state.active
    n_act = max(1, int(act.sum()))
    sme = act & ~w.leader
    lead = act & w.leader
    ctx.member_log.append(eff.copy())
    # in the baseline, "members" are the firms that are members in the model arm (same slots):
    # the comparison asks what cooperation brings to the firms that cooperate
    group = (
        ctx.reference_members[len(ctx.member_log) - 1][: eff.size] if ctx.reference_members else eff
    )
    members = act & group
    nonmem = act & ~group

    def mean(x: np.ndarray, mask: np.ndarray) -> float:
        return float(x[mask].mean()) if mask.any() else float("nan")

    out_total = float(units[act].sum())
    mkt_cost = float(plan.own_cost[act].sum()) + pooled_total
    # inactive slots sell nothing, so sums over all slots are sums over active firms
    tot_sales = float(sales.sum())
    hhi = float(np.sum(np.square(sales / tot_sales))) if tot_sales > 0 else float("nan")
    employment = w.employees * (
        ctx.sc.demography.fixed_staff
        + (1.0 - ctx.sc.demography.fixed_staff) * np.minimum(1.0, units / w.capacity)
    )
    return {
        "period": float(state.t),
        "output": out_total,
        "sales_revenue": float(revenue[act].sum()),
        "mean_price": float(np.sum(price * sales) / tot_sales) if tot_sales > 0 else float("nan"),
        "profit": mean(profit, act),
        "member_profit": mean(profit, members),
        "nonmember_profit": mean(profit, nonmem),
        "sme_profit": mean(profit, sme),
        "leader_profit": mean(profit, lead),
        "sme_market_access": np.count_nonzero(avail & sme[:, None])
        / (int(sme.sum()) * avail.shape[1])
        if sme.any()
        else float("nan"),
        "regional_brand": float(state.regional_brand),
        "unit_marketing_cost": mkt_cost / out_total if out_total > 0 else float("nan"),
        "consumer_surplus": consumer_surplus(
            sol.inclusive, w.u0, w.b, state.market_size, ctx.seg_weight
        ),
        "membership_rate": float((act & eff).sum()) / n_act,
        "cooperation_rate": float((contrib & act).sum()) / int((act & eff).sum())
        if (act & eff).any()
        else float("nan"),
        "trust": mean(state.trust, act),
        "employment": float(employment[act].sum()),
        "awareness": signals.awareness_share(state),
        "product_diversity": 1.0 / hhi if hhi == hhi and hhi > 0 else float("nan"),
        "pooled_cost": pooled_total,
        "allocated_cost": float(share.sum()),
        "to_allocate": to_allocate,
        "subsidy": subsidy,
        "fees": float(fees.sum()),
        "fines": float(fines.sum()),
        "coordination_cost": coord,
        "reserve": state.reserve,
        "joined": float(joined),
        "left": float(left),
        "price_iterations": float(ctx.last_iterations),
        "price_converged": float(ctx.last_converged),
    }
