"""Prices and sales (MODEL.md §6.4–6.5; seed 001 cooperative pricing).

Utility of firm i's products in market m: ``δ_im = a_m q_i + ln V_i + ξ_im + signal bonus``
(real product attributes: quality, the number of varieties V_i, taste, fit to a demand shift)
``+ brand_i · bs_m + promo_i`` (persuasive terms: goodwill and, for members, the regional brand;
own and pooled promotion). A firm with V symmetric varieties has inclusive value ``ln V + u``, so
its share is that of its whole line and the single-product markup rule applies to the line
(multi-product logit with symmetric varieties).

Effective members get the member terms (:class:`FirmTerms`): the cooperative's brand utility
and pooled promotion (a club good congested by √members) instead of the own promotion of the
functions they leave to the cooperative, and a unit cost lowered by cooperative sourcing;
contributing members pay per-unit dues, every member trust-dependent transaction costs, and a
commission on revenue raises a member's effective marginal cost to ``c / (1 − r)``. Prices solve
the logit pricing game; demand is cut pro rata to capacity and channel capacity (own channel +
added + a share of the pooled channel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustermarketing.engine import kernels
from clustermarketing.engine.functions import F_INDEX
from clustermarketing.engine.mechanisms import Mechanisms, Period
from clustermarketing.engine.pricing import solve_packed


@dataclass(frozen=True)
class FirmTerms:
    """Per-firm demand and cost terms, each both ways: as a member and as an outsider.

    The market uses the member terms for effective members and the outside terms for everybody
    else; the membership counterfactual (:mod:`.deviation`) swaps them for one firm at a time.
    """

    goodwill: np.ndarray  # (n,) g_c ln(1 + G) + own stocks of mechanisms: own brand utility
    member_brand: np.ndarray  # (n,) brand utility a member gets from the cooperative (hooks)
    promo_member: np.ndarray  # (n,) own promotion of the functions it would still run as member
    promo_outside: np.ndarray  # (n,) own promotion of the functions it would run alone outside
    club: float  # pooled promotion utility of every effective member (club good, congested)
    cost_factor: np.ndarray  # (n,) unit-cost factor of a member (cooperative sourcing; hooks)
    unit_charge: np.ndarray  # (n,) per-unit charge of a member (e.g. a licence fee; hooks)


_PROMOTION = ("customer_acquisition", "sales_promotion")  # the functions that promote (utility)
_PROMOTION_INDEX = np.array([F_INDEX[f] for f in _PROMOTION], dtype=np.int64)


def firm_terms(p: Period, *, hooks: Mechanisms) -> FirmTerms:
    """The member and outside terms of every firm this period."""
    plan, sc, eff, state = p.plan, p.sc, p.eff, p.state
    n = eff.size
    scale = plan.scale
    mult = hooks.call("promotion_multiplier", p, {})
    club = 0.0
    k_members = max(1, int(eff.sum()))
    promo_member = np.zeros(n)
    promo_outside = np.zeros(n)
    if kernels.compiled():  # the logarithms' arguments in one pass, the logarithms at once
        logs = kernels.promotion_args_kernel(
            plan.output,
            np.asarray(plan.intensity, dtype=np.float64),
            plan.outside,
            np.asarray(plan.pooled, dtype=np.bool_),
            _PROMOTION_INDEX,
            float(scale),
        )
        np.log1p(logs, out=logs)
    for c, name in enumerate(_PROMOTION):
        j = F_INDEX[name]
        if kernels.compiled():
            promo_member += plan.effect[j] * logs[2 * c]
            promo_outside += plan.effect[j] * logs[2 * c + 1]
        else:
            x = plan.x(j)
            kept = plan.outside[j] & ~plan.pooled[j]  # what a member still runs alone
            promo_member += plan.effect[j] * np.log1p(np.where(kept, x, 0.0) / scale)
            promo_outside += plan.effect[j] * np.log1p(np.where(plan.outside[j], x, 0.0) / scale)
        if plan.pooled[j]:
            club += (
                mult.get(name, 1.0)
                * plan.effect[j]
                * np.log1p(plan.X_eff[j] / scale / np.sqrt(k_members))
            )
    return FirmTerms(
        # corporate goodwill, plus any own brand stock a mechanism keeps (e.g. a product brand)
        goodwill=sc.demand.goodwill_weight * np.log1p(state.goodwill)
        + hooks.call("own_brand_utility", p, 0.0),
        member_brand=hooks.call("brand_utility", p, np.zeros(n)),
        promo_member=promo_member,
        promo_outside=promo_outside,
        club=float(club),
        cost_factor=hooks.call("unit_cost_factor", p, np.ones(n)),
        unit_charge=hooks.call("member_unit_cost", p, np.zeros(n)),
    )


def pair_base(p: Period, fi: np.ndarray, fm: np.ndarray) -> np.ndarray:
    """``a_m q_i + ln V_i + ξ_im`` + the bonus of having adapted to a demand shift, per pair."""
    state, w, sc = p.state, p.world, p.sc
    base = w.a[fm] * state.quality[fi] + np.log(w.varieties[fi]) + w.xi[fi, fm]
    for k in np.flatnonzero(state.sig_active & ~state.sig_new_market):
        hit = (fm == state.sig_market[k]) & (w.segment[fi] == state.sig_segment[k])
        hit &= state.adapted[fi, k]
        base[hit] += sc.demand.signal_value
    return base


def pair_extra_cost(p: Period, fi: np.ndarray, fm: np.ndarray) -> np.ndarray:
    """Per-unit cost of a pair beyond production: distribution outside home + market cost."""
    return distribution_costs(p)[fm] + p.world.market_cost[fi, fm]


def distribution_costs(p: Period) -> np.ndarray:
    """(M,) distribution cost per unit sold in each market: 0 at home (market 0)."""
    dist = np.zeros(p.world.n_markets)
    dist[1:] = p.sc.demand.distribution_cost
    return dist


@dataclass(frozen=True)
class Market:
    """The period's market outcome, on the packed list of available (firm, market) pairs."""

    flat: np.ndarray  # (P,) index of each pair in the (n, M) firm × market arrays
    firm: np.ndarray  # (P,) firm of each pair
    market: np.ndarray  # (P,) market of each pair
    price: np.ndarray  # (P,)
    share: np.ndarray  # (P,) logit share in its (market, segment)
    sales: np.ndarray  # (P,) units sold
    margin: np.ndarray  # (P,) (price − marginal cost) × units
    via: np.ndarray  # (P,) bool: sold through a mechanism's route only
    persuasive: np.ndarray  # (P,) brand and promotion utility in δ
    only_coop: np.ndarray  # (P,) bool reached only through the cooperative
    inclusive: np.ndarray  # (M, S) Σ e^{u} per (market, segment)
    inclusive_fixed: np.ndarray  # (M, S) the same without the persuasive terms
    iterations: int
    converged: bool
    units: np.ndarray  # (n,)
    revenue: np.ndarray  # (n,)
    distribution: np.ndarray  # (n,) distribution (+ market) cost of the units sold
    unit_cost: np.ndarray  # (n,) production cost after cooperative sourcing
    commission: float
    free_rider: np.ndarray  # (n,) bool
    cheat_saved: np.ndarray  # (n,) production cost a free-rider saved by cutting corners (CU)
    cheat_potential: np.ndarray  # (n,) what cutting corners would save any member (CU)
    terms: FirmTerms
    channel_share: np.ndarray  # (n,) pooled channel capacity each firm used this period
    route_factor: np.ndarray  # (P,) rationing the route limits applied (1 where none did)

    def margins(self, previous: np.ndarray) -> np.ndarray:
        """The (n, M) margin matrix: this period's where sold, ``previous`` elsewhere."""
        out = previous.copy()
        out.ravel()[self.flat] = self.margin
        return out

    def prices(self, previous: np.ndarray) -> np.ndarray:
        """The (n, M) price matrix: this period's prices where sold, ``previous`` elsewhere."""
        out = previous.copy()
        out.ravel()[self.flat] = self.price
        return out


def firm_costs(
    eff: np.ndarray,
    contributes: np.ndarray,
    contrib: np.ndarray,
    base_cost: np.ndarray,
    terms: FirmTerms,
    *,
    trust: np.ndarray,
    saving: float,
    fee: float,
    transaction_cost: float,
    commission: float,
) -> tuple[np.ndarray, ...]:
    """Per firm: free-rider flag, unit cost, the production cost a free-rider saves per unit,
    the unit cost before cutting corners, the marginal cost before the commission, the
    commission's cost scale, brand utility and promotion utility.

    Members (``eff``) get the member terms; a free-rider (a member that does not contribute)
    cuts corners by ``saving``; contributors pay the per-unit ``fee``; every member pays the
    trust-dependent transaction cost and the mechanisms' per-unit charge; the commission
    raises a member's marginal cost to ``c / (1 − r)``. The compiled path
    (:func:`.kernels.market_firms_kernel`) computes the same in one pass.
    """
    member_scale = 1.0 / (1.0 - min(commission, 0.99))
    if kernels.compiled():
        n = eff.size
        return kernels.market_firms_kernel(
            eff,
            contributes,
            contrib,
            kernels.per_firm(base_cost, n),
            kernels.per_firm(terms.cost_factor, n),
            kernels.per_firm(terms.unit_charge, n),
            kernels.per_firm(trust, n),
            kernels.per_firm(terms.goodwill, n),
            kernels.per_firm(terms.member_brand, n),
            kernels.per_firm(terms.promo_member, n),
            kernels.per_firm(terms.promo_outside, n),
            float(terms.club),
            float(saving),
            float(fee),
            float(transaction_cost),
            float(member_scale),
        )
    free_rider = eff & ~contributes
    # a free-rider cuts corners on the cooperative's rules (an assumed private temptation)
    cheat = np.where(free_rider, 1.0 - saving, 1.0)
    member_base = base_cost * np.where(eff, terms.cost_factor, 1.0)
    unit_cost = member_base * cheat
    cheat_unit = member_base * (1.0 - cheat)
    # per-unit dues (contributors only: a free-rider withholds them) and trust-dependent
    # transaction costs of trading through the cooperative are marginal costs of a member
    dues = np.where(contrib, fee, 0.0)
    transaction = transaction_cost * (1.0 - trust)
    # mechanisms' per-unit charges on members (a licence fee) are marginal costs too
    firm_cost = unit_cost + np.where(eff, dues + transaction + terms.unit_charge, 0.0)
    scale = np.where(eff, member_scale, 1.0)
    brand = terms.goodwill + np.where(eff, terms.member_brand, 0.0)
    promo = np.where(eff, terms.promo_member + terms.club, terms.promo_outside)
    return free_rider, unit_cost, cheat_unit, member_base, firm_cost, scale, brand, promo


def pair_terms(
    flat: np.ndarray,
    m_count: int,
    n_seg: int,
    *,
    firm_cost: np.ndarray,
    scale: np.ndarray,
    brand: np.ndarray,
    promo: np.ndarray,
    quality: np.ndarray,
    log_var: np.ndarray,
    segment: np.ndarray,
    dist: np.ndarray,
    a: np.ndarray,
    brand_sens: np.ndarray,
    b: np.ndarray,
    market_cost: np.ndarray,
    xi: np.ndarray,
    price: np.ndarray,
    sig_market: np.ndarray,
    sig_segment: np.ndarray,
    sig_adapted: np.ndarray,
    signal_value: float,
    route: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """The packed pairs' terms before pricing (:func:`pair_base`, :func:`pair_extra_cost`).

    Returns firm, market, extra cost (+ ``route``), marginal cost, persuasive utility, δ,
    (market, segment) group, ``b`` and the warm-start price per pair. The signals are those
    that shift demand (``sig_*`` their market, segment and the firms' adaptation, ``(n, K)``).
    The compiled path (:func:`.kernels.market_pairs_kernel`) computes the same in one pass.
    """
    if kernels.compiled():
        use_route = route is not None
        return kernels.market_pairs_kernel(
            flat,
            m_count,
            n_seg,
            firm_cost,
            scale,
            brand,
            promo,
            quality,
            log_var,
            segment,
            dist,
            a,
            brand_sens,
            b,
            market_cost,
            xi,
            price,
            sig_market,
            sig_segment,
            sig_adapted,
            float(signal_value),
            route if use_route else np.zeros(0),
            use_route,
        )
    fi, fm = flat // m_count, flat % m_count
    extra = dist[fm] + market_cost[fi, fm]
    if route is not None:
        extra = extra + route
    cost = (firm_cost[fi] + extra) * scale[fi]
    persuasive = brand[fi] * brand_sens[fm] + promo[fi]
    base = a[fm] * quality[fi] + log_var[fi] + xi[fi, fm]
    for s in range(sig_market.size):
        hit = (fm == sig_market[s]) & (segment[fi] == sig_segment[s])
        hit &= sig_adapted[fi, s]
        base[hit] += signal_value
    delta = base + persuasive
    group = fm * n_seg + segment[fi]
    return fi, fm, extra, cost, persuasive, delta, group, b[fm], price[fi, fm]


def pair_demand(
    fi: np.ndarray,
    fm: np.ndarray,
    segment: np.ndarray,
    market_size: np.ndarray,
    seg_weight: np.ndarray,
    share: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Demand per pair (market size × segment weight × share) and its total per firm."""
    if kernels.compiled():
        return kernels.market_demand_kernel(fi, fm, segment, market_size, seg_weight, share, n)
    demand = market_size[fm] * seg_weight[segment[fi]] * share
    return demand, np.bincount(fi, weights=demand, minlength=n)


def pair_sales(
    fi: np.ndarray,
    demand: np.ndarray,
    factor: np.ndarray,
    price: np.ndarray,
    cost: np.ndarray,
    extra: np.ndarray,
    delta: np.ndarray,
    persuasive: np.ndarray,
    b_pair: np.ndarray,
    n: int,
    route_factor: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """Sales (demand × the firm's rationing factor × ``route_factor``), margins, the exponent
    of the fixed inclusive value, and per firm the units, revenue and distribution cost."""
    if kernels.compiled():
        use_route = route_factor is not None
        return kernels.market_sales_kernel(
            fi,
            demand,
            factor,
            price,
            cost,
            extra,
            delta,
            persuasive,
            b_pair,
            n,
            route_factor if use_route else np.zeros(0),
            use_route,
        )
    sales = demand * factor[fi]
    if route_factor is not None:
        sales = sales * route_factor
    margin = (price - cost) * sales
    fixed_arg = delta - persuasive - b_pair * price
    units = np.bincount(fi, weights=sales, minlength=n)
    revenue = np.bincount(fi, weights=price * sales, minlength=n)
    distribution = np.bincount(fi, weights=sales * extra, minlength=n)
    return sales, margin, fixed_arg, units, revenue, distribution


def clear_market(
    p: Period,
    *,
    avail: np.ndarray,
    hooks: Mechanisms,
    pricing: str,
    via: np.ndarray | None = None,
) -> Market:
    """Solve the pricing game and sell within capacity and channels.

    Reads the state (quality, goodwill, trust, prices as warm start, signals, channels, market
    sizes); mechanisms add their member terms through the hooks ``unit_cost_factor``,
    ``brand_utility``, ``promotion_multiplier`` and ``pooled_channel``. Returns the outcome; the
    new prices are in ``Market.price`` (packed), written back by the sequencer. ``via`` (n, M)
    marks pairs reached only through a mechanism's route (hooks ``route_cost``, ``route_limit``);
    ``pair_utility``, ``capacity_extra`` and ``channel_extra`` add the mechanisms' demand,
    production and channel terms.
    """
    state, w, sc, model, eff = p.state, p.world, p.sc, p.model, p.eff
    n, m_count, n_seg = w.n, w.n_markets, w.n_segments
    flat = np.flatnonzero(avail.ravel())
    terms = firm_terms(p, hooks=hooks)
    commission = model.contract.commission_rate
    free_rider, unit_cost, cheat_unit, member_base, firm_cost, scale, brand, promo = firm_costs(
        eff,
        state.contributes,
        p.contrib,
        w.base_cost,
        terms,
        trust=state.trust,
        saving=model.regulation.cheat_cost_saving,
        fee=model.contract.per_unit_fee,
        transaction_cost=sc.trust.transaction_cost,
        commission=commission,
    )
    via_pair = via.ravel()[flat] if via is not None else np.zeros(flat.size, dtype=bool)
    route = None
    if via_pair.any() and hooks.has("route_cost"):
        route = np.where(via_pair, hooks.call("route_cost", p).ravel()[flat], 0.0)
    dist = distribution_costs(p)
    sig = np.flatnonzero(state.sig_active & ~state.sig_new_market)
    fi, fm, extra, cost, persuasive, delta, group, b_pair, p0 = pair_terms(
        flat,
        m_count,
        n_seg,
        firm_cost=firm_cost,
        scale=scale,
        brand=brand,
        promo=promo,
        quality=state.quality,
        log_var=np.log(w.varieties),
        segment=w.segment,
        dist=dist,
        a=w.a,
        brand_sens=w.brand_sens,
        b=w.b,
        market_cost=w.market_cost,
        xi=w.xi,
        price=state.price,
        sig_market=state.sig_market[sig],
        sig_segment=state.sig_segment[sig],
        sig_adapted=state.adapted[:, sig],
        signal_value=sc.demand.signal_value,
        route=route,
    )
    if hooks.has("pair_utility"):  # e.g. complementary bundles with partners (real, not persuasive)
        delta = delta + np.where(eff[fi], hooks.call("pair_utility", p).ravel()[flat], 0.0)
    exp_u0 = np.exp(w.u0)[np.arange(m_count * n_seg) // n_seg]
    sol = solve_packed(
        cost,
        delta,
        b_pair,
        group,
        exp_u0,
        p0,
        members=eff[fi] if pricing == "cartel" else None,
        tol=sc.solver.tolerance,
        max_iter=sc.solver.max_iterations,
        damping=sc.solver.damping,
    )
    demand, total = pair_demand(fi, fm, w.segment, state.market_size, p.seg_weight, sol.share, n)
    own_channel = w.own_channel + state.channel_added
    shared = np.zeros(n)
    ch = F_INDEX["channel_development"]
    if p.plan.pooled[ch] and state.coop_channel > 0:
        if hooks.has("pooled_channel"):
            shared = hooks.call("pooled_channel", p, demand=total, own_channel=own_channel)
        elif eff.any():  # a common channel split by capacity
            want = np.where(eff, w.capacity, 0.0)
            shared = want / want.sum() * state.coop_channel
    capacity = w.capacity + hooks.call("capacity_extra", p, 0.0)
    channel = own_channel + shared + hooks.call("channel_extra", p, 0.0)
    if hooks.has("member_channel_extra"):  # e.g. allies' spare channels
        channel = channel + np.where(eff, hooks.call("member_channel_extra", p), 0.0)
    limit = np.minimum(capacity, channel)
    factor = np.minimum(1.0, np.divide(limit, total, out=np.ones(n), where=total > limit))
    route_factor = None
    if via_pair.any() and hooks.has("route_limit"):
        route_factor = hooks.call(
            "route_limit", p, fi=fi, fm=fm, via=via_pair, demand=demand * factor[fi]
        )
    sales, margin, fixed_arg, units, revenue, distribution = pair_sales(
        fi, demand, factor, sol.price, cost, extra, delta, persuasive, b_pair, n, route_factor
    )
    fixed = np.bincount(group, weights=np.exp(fixed_arg), minlength=exp_u0.size)
    if route_factor is None:
        route_factor = np.ones(flat.size)
    return Market(
        flat=flat,
        firm=fi,
        market=fm,
        price=sol.price,
        share=sol.share,
        sales=sales,
        margin=margin,
        via=via_pair,
        persuasive=persuasive,
        only_coop=~state.access.ravel()[flat],
        inclusive=sol.inclusive.reshape(m_count, n_seg),
        inclusive_fixed=fixed.reshape(m_count, n_seg),
        iterations=sol.iterations,
        converged=sol.converged,
        units=units,
        revenue=revenue,
        distribution=distribution,
        unit_cost=unit_cost,
        commission=commission,
        free_rider=free_rider,
        cheat_saved=cheat_unit * units,
        cheat_potential=member_base * model.regulation.cheat_cost_saving * units,
        terms=terms,
        channel_share=shared,
        route_factor=route_factor,
    )
