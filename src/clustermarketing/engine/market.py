"""Prices and sales (MODEL.md §6.4–6.5; seed 001 cooperative pricing).

Members' unit costs fall with internal sourcing among cooperating local partners
(``c_i ← c_i (1 − κ · coverage_i)``, ``coverage_i = 1 − exp(−member strong ties / sourcing_partners)``);
members pay per-unit fees and trust-dependent transaction costs, and a commission on revenue
raises their effective marginal cost to ``c / (1 − r)``. Utilities add quality (less the
shortfall of free-riders selling under the mark), goodwill, the regional brand for mark users,
promotion (own and pooled, the pooled part a club good congested by √members) and the bonus of
adapting to a demand signal. Prices solve the logit pricing game; demand is cut pro rata to
capacity and channel capacity (own channel + added + a share of the pooled channel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustermarketing.engine.functions import F_INDEX, FunctionPlan
from clustermarketing.engine.pricing import solve_packed
from clustermarketing.engine.state import State, World
from clustermarketing.scenario.model import ModelConfig
from clustermarketing.scenario.schema import Scenario


@dataclass(frozen=True)
class Market:
    """The period's market outcome, on the packed list of available (firm, market) pairs."""

    firm: np.ndarray  # (P,) firm of each pair
    market: np.ndarray  # (P,) market of each pair
    price: np.ndarray  # (P,)
    share: np.ndarray  # (P,) logit share in its (market, segment)
    sales: np.ndarray  # (P,) units sold
    member_boost: np.ndarray  # (P,) utility the firm owes to the cooperative
    only_coop: np.ndarray  # (P,) bool reached only through the cooperative
    inclusive: np.ndarray  # (M, S) Σ e^{u} per (market, segment)
    iterations: int
    converged: bool
    units: np.ndarray  # (n,)
    revenue: np.ndarray  # (n,)
    distribution: np.ndarray  # (n,) distribution cost of the units sold
    unit_cost: np.ndarray  # (n,) production cost after cooperative sourcing
    commission: float
    free_rider: np.ndarray  # (n,) bool
    brand_user: np.ndarray  # (n,) bool


def _promotion(
    plan: FunctionPlan, eff: np.ndarray, fair: bool, multiplier: float
) -> tuple[np.ndarray, np.ndarray]:
    """Utility from promotion and customer acquisition: total and the pooled (member) part."""
    own = np.zeros(eff.size)
    pooled = 0.0
    k_members = max(1, int(eff.sum()))
    for name in ("customer_acquisition", "sales_promotion"):
        j = F_INDEX[name]
        own += plan.effect[j] * np.log1p(plan.alone_x(j) / 1000.0)
        if plan.pooled[j]:
            mult = multiplier if (fair and name == "sales_promotion") else 1.0
            pooled += mult * plan.effect[j] * np.log1p(plan.X_eff[j] / 1000.0 / np.sqrt(k_members))
    club = np.where(eff, pooled, 0.0)
    return own + club, club


def clear_market(
    state: State,
    w: World,
    sc: Scenario,
    model: ModelConfig,
    pricing: str,
    plan: FunctionPlan,
    eff: np.ndarray,
    avail: np.ndarray,
    fair: bool,
    seg_weight: np.ndarray,
) -> Market:
    """Solve the pricing game and sell within capacity and channels."""
    n, m_count, n_seg = w.n, w.n_markets, w.n_segments
    flat = np.flatnonzero(avail.ravel())
    fi, fm = flat // m_count, flat % m_count
    coverage = np.where(
        eff, -np.expm1(-(w.strong @ eff.astype(float)) / sc.solver.sourcing_partners), 0.0
    )
    unit_cost = w.base_cost * (1.0 - sc.solver.cooperative_cost_saving * coverage)
    fee = model.contract.per_unit_fee + sc.trust.transaction_cost * (1.0 - state.trust)
    commission = model.contract.commission_rate
    dist = np.zeros(m_count)
    dist[1:] = sc.demand.distribution_cost
    firm_cost = unit_cost + np.where(eff, fee, 0.0)
    scale = np.where(eff, 1.0 / (1.0 - min(commission, 0.99)), 1.0)
    extra = dist[fm] + w.market_cost.ravel()[flat]  # distribution (+ calibrated market cost)
    cost = (firm_cost[fi] + extra) * scale[fi]
    free_rider = eff & ~state.contributes
    brand_user = eff & model.uses_regional_brand
    q_eff = state.quality - np.where(
        brand_user & free_rider, model.regulation.cheat_quality_loss, 0.0
    )
    promo, club = _promotion(plan, eff, fair, model.fairs.promotion_multiplier)
    regional = np.where(
        brand_user, sc.demand.regional_brand_weight * np.log1p(state.regional_brand), 0.0
    )
    brand = sc.demand.goodwill_weight * np.log1p(state.goodwill) + regional
    delta = w.a[fm] * q_eff[fi] + brand[fi] * w.brand_sens[fm] + promo[fi] + w.xi.ravel()[flat]
    for k in np.flatnonzero(state.sig_active & ~state.sig_new_market):
        hit = (fm == state.sig_market[k]) & (w.segment[fi] == state.sig_segment[k])
        hit &= state.adapted[fi, k]
        delta[hit] += sc.demand.signal_value
    group = fm * n_seg + w.segment[fi]
    sol = solve_packed(
        cost,
        delta,
        w.b[fm],
        group,
        np.exp(w.u0)[np.arange(m_count * n_seg) // n_seg],
        state.price.ravel()[flat],
        members=eff[fi] if pricing == "cartel" else None,
        tol=sc.solver.tolerance,
        max_iter=sc.solver.max_iterations,
        damping=sc.solver.damping,
    )
    state.price.ravel()[flat] = sol.price
    demand = state.market_size[fm] * seg_weight[w.segment[fi]] * sol.share
    total = np.bincount(fi, weights=demand, minlength=n)
    own_channel = w.own_channel + state.channel_added
    shared = np.zeros(n)
    ch = F_INDEX["channel_development"]
    if plan.pooled[ch] and state.coop_channel > 0:
        if model.shared_channel:  # rival capacity, allocated by unmet need
            want = np.where(eff, np.maximum(0.0, np.minimum(total, w.capacity) - own_channel), 0.0)
            if want.sum() > 0:
                shared = want * min(1.0, state.coop_channel / want.sum())
        elif eff.any():  # a common channel split by capacity
            want = np.where(eff, w.capacity, 0.0)
            shared = want / want.sum() * state.coop_channel
    limit = np.minimum(w.capacity, own_channel + shared)
    factor = np.minimum(1.0, np.divide(limit, total, out=np.ones(n), where=total > limit))
    sales = demand * factor[fi]
    return Market(
        firm=fi,
        market=fm,
        price=sol.price,
        share=sol.share,
        sales=sales,
        member_boost=regional[fi] * w.brand_sens[fm] + club[fi],
        only_coop=~state.access.ravel()[flat],
        inclusive=sol.inclusive.reshape(m_count, n_seg),
        iterations=sol.iterations,
        converged=sol.converged,
        units=np.bincount(fi, weights=sales, minlength=n),
        revenue=np.bincount(fi, weights=sol.price * sales, minlength=n),
        distribution=np.bincount(fi, weights=sales * extra, minlength=n),
        unit_cost=unit_cost,
        commission=commission,
        free_rider=free_rider,
        brand_user=brand_user,
    )
