"""Prices and sales (MODEL.md §6.4–6.5; seed 001 cooperative pricing).

Mechanisms change members' unit costs (cooperative sourcing), quality as buyers see it and brand
utility (the regional brand), and the pooled promotion's effect (fairs); members pay per-unit fees and trust-dependent transaction costs, and a commission on revenue
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
from clustermarketing.engine.mechanisms import Mechanisms, Period
from clustermarketing.engine.pricing import solve_packed


@dataclass(frozen=True)
class Market:
    """The period's market outcome, on the packed list of available (firm, market) pairs."""

    flat: np.ndarray  # (P,) index of each pair in the (n, M) firm × market arrays
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

    def prices(self, previous: np.ndarray) -> np.ndarray:
        """The (n, M) price matrix: this period's prices where sold, ``previous`` elsewhere."""
        out = previous.copy()
        out.ravel()[self.flat] = self.price
        return out


def _promotion(
    plan: FunctionPlan, eff: np.ndarray, multiplier: dict[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Utility from promotion and customer acquisition: total and the pooled (member) part."""
    own = np.zeros(eff.size)
    pooled = 0.0
    scale = plan.scale
    k_members = max(1, int(eff.sum()))
    for name in ("customer_acquisition", "sales_promotion"):
        j = F_INDEX[name]
        own += plan.effect[j] * np.log1p(plan.alone_x(j) / scale)
        if plan.pooled[j]:
            mult = multiplier.get(name, 1.0)
            pooled += mult * plan.effect[j] * np.log1p(plan.X_eff[j] / scale / np.sqrt(k_members))
    club = np.where(eff, pooled, 0.0)
    return own + club, club


def clear_market(p: Period, *, avail: np.ndarray, hooks: Mechanisms, pricing: str) -> Market:
    """Solve the pricing game and sell within capacity and channels.

    Reads the state (quality, goodwill, trust, prices as warm start, signals, channels, market
    sizes); mechanisms add their pricing inputs through the hooks ``unit_cost_factor``,
    ``quality_shortfall``, ``brand_utility``, ``promotion_multiplier`` and ``pooled_channel``.
    Returns the outcome; the new prices are in ``Market.price`` (packed), written back by the
    sequencer.
    """
    state, w, sc, model, plan, eff = p.state, p.world, p.sc, p.model, p.plan, p.eff
    n, m_count, n_seg = w.n, w.n_markets, w.n_segments
    flat = np.flatnonzero(avail.ravel())
    fi, fm = flat // m_count, flat % m_count
    unit_cost = w.base_cost * hooks.call("unit_cost_factor", p, 1.0)
    fee = model.contract.per_unit_fee + sc.trust.transaction_cost * (1.0 - state.trust)
    commission = model.contract.commission_rate
    dist = np.zeros(m_count)
    dist[1:] = sc.demand.distribution_cost
    firm_cost = unit_cost + np.where(eff, fee, 0.0)
    scale = np.where(eff, 1.0 / (1.0 - min(commission, 0.99)), 1.0)
    extra = dist[fm] + w.market_cost.ravel()[flat]  # distribution (+ calibrated market cost)
    cost = (firm_cost[fi] + extra) * scale[fi]
    q_eff = state.quality - hooks.call("quality_shortfall", p, 0.0)
    promo, club = _promotion(plan, eff, hooks.call("promotion_multiplier", p, {}))
    regional = hooks.call("brand_utility", p, np.zeros(n))
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
    demand = state.market_size[fm] * p.seg_weight[w.segment[fi]] * sol.share
    total = np.bincount(fi, weights=demand, minlength=n)
    own_channel = w.own_channel + state.channel_added
    shared = np.zeros(n)
    ch = F_INDEX["channel_development"]
    if plan.pooled[ch] and state.coop_channel > 0:
        if hooks.has("pooled_channel"):
            shared = hooks.call("pooled_channel", p, demand=total, own_channel=own_channel)
        elif eff.any():  # a common channel split by capacity
            want = np.where(eff, w.capacity, 0.0)
            shared = want / want.sum() * state.coop_channel
    limit = np.minimum(w.capacity, own_channel + shared)
    factor = np.minimum(1.0, np.divide(limit, total, out=np.ones(n), where=total > limit))
    sales = demand * factor[fi]
    return Market(
        flat=flat,
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
        free_rider=eff & ~state.contributes,
    )
