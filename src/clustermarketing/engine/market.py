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
from clustermarketing.engine.pricing import PriceSolution, solve_prices
from clustermarketing.engine.state import State, World
from clustermarketing.scenario.model import ModelConfig
from clustermarketing.scenario.schema import Scenario


@dataclass(frozen=True)
class Market:
    """The period's market outcome."""

    sol: PriceSolution
    price: np.ndarray  # (n, M)
    sales: np.ndarray  # (n, M) units sold
    units: np.ndarray  # (n,)
    revenue: np.ndarray  # (n,)
    unit_cost: np.ndarray  # (n,) production cost after cooperative sourcing
    dist: np.ndarray  # (M,) distribution cost per unit
    commission: float
    member_boost: np.ndarray  # (n, M) utility members owe to the cooperative
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
    n, m_count = w.n, w.n_markets
    coverage = np.where(
        eff, -np.expm1(-(w.strong @ eff.astype(float)) / sc.solver.sourcing_partners), 0.0
    )
    unit_cost = w.base_cost * (1.0 - sc.solver.cooperative_cost_saving * coverage)
    c_fee = model.contract.per_unit_fee + sc.trust.transaction_cost * (1.0 - state.trust)
    dist = np.zeros(m_count)
    dist[1:] = sc.demand.distribution_cost
    commission = model.contract.commission_rate
    mc = unit_cost[:, None] + dist[None, :] + np.where(eff, c_fee, 0.0)[:, None]
    mc = np.where(eff[:, None], mc / (1.0 - min(commission, 0.99)), mc)
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
    delta = (
        w.a[None, :] * q_eff[:, None]
        + brand[:, None] * w.brand_sens[None, :]
        + promo[:, None]
        + w.xi
    )
    for k in np.flatnonzero(state.sig_active & ~state.sig_new_market):
        hit = state.adapted[:, k] & (w.segment == state.sig_segment[k])
        delta[hit, state.sig_market[k]] += sc.demand.signal_value
    sol = solve_prices(
        mc,
        delta,
        avail,
        w.b,
        w.u0,
        w.segment,
        w.n_segments,
        state.price,
        mode=pricing,
        members=eff if pricing == "cartel" else None,
        tol=sc.solver.tolerance,
        max_iter=sc.solver.max_iterations,
        damping=sc.solver.damping,
    )
    state.price = np.where(avail, sol.price, state.price)
    demand = state.market_size[None, :] * seg_weight[w.segment][:, None] * sol.share
    total = demand.sum(axis=1)
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
    sales = demand * factor[:, None]
    member_boost = regional[:, None] * w.brand_sens[None, :] + club[:, None]
    return Market(
        sol=sol,
        price=sol.price,
        sales=sales,
        units=sales.sum(axis=1),
        revenue=np.sum(sol.price * sales, axis=1),
        unit_cost=unit_cost,
        dist=dist,
        commission=commission,
        member_boost=member_boost,
        free_rider=free_rider,
        brand_user=brand_user,
    )
