"""The value of membership as a best response: profit inside minus profit outside (MODEL.md §6).

For every firm the period's outcome is re-evaluated as if that firm alone had the other status,
everything else held fixed (a unilateral deviation; the others' prices, memberships and
contributions unchanged):

* a **member's outside option**: it runs every function it would run alone (its own promotion
  comes back, the club's goes), sells only where it has own access, through its own channel,
  at its production cost without cooperative sourcing, pays no dues, share, transaction or
  contracting cost, commission or fine;
* a **non-member's inside option**: it drops the functions the cooperative runs, gets the club's
  promotion and the cooperative's brand utility, reaches the cooperative's markets and the
  mechanisms' routes (at their per-unit cost, its route orders rationed at the share the route
  limits let through in that market this period), gets a share of the pooled channel, the
  channel a mechanism gives members (allies' spare channels) and the channel capacity
  mechanisms would rent it (hook ``joiner_channel``, with the rent), sources through its strong
  ties to members, and pays dues, an allocated
  share (the function–interest rule's share of this period's cost for one more contributor),
  transaction and contracting costs and commission; mechanisms' per-unit charges on members
  (hook ``member_unit_cost``: a licence fee) are part of its marginal cost, and the money the
  mechanisms would move to or from it as a member (hook ``member_transfers``: a supplier's margin)
  is added to its profit. A leaver's outside profit has no mechanism transfers (they are
  membership-conditional).

In each of its markets the deviating firm sets its best-response price to the others' prices
(``p = c + 1/(b(1 − s(p)))`` with the others' inclusive value fixed, solved by the same ζ-markup
iteration as the pricing game), sells within capacity and channel, and the difference of the two
profits is the value of membership. It decides who leaves and who joins
(:mod:`.cooperation`), so membership is a best response up to the decision inertia; the
diagnostic in :mod:`.diagnostics` checks that by re-simulating whole periods.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustermarketing.engine import kernels
from clustermarketing.engine.access import Access
from clustermarketing.engine.accounts import Accounts
from clustermarketing.engine.functions import FunctionPlan
from clustermarketing.engine.market import Market, distribution_costs, pair_base, pair_extra_cost
from clustermarketing.engine.mechanisms import Mechanisms, Period

__all__ = ["MembershipValues", "best_response_prices", "membership_values"]


@dataclass(frozen=True)
class MembershipValues:
    """Per firm: profit inside − profit outside (CU), for members and for non-members."""

    member: np.ndarray  # (n,) for effective members (0 elsewhere)
    joiner: np.ndarray  # (n,) for active non-members (0 elsewhere)
    profit_outside: np.ndarray  # (n,) members' profit had they marketed alone
    profit_inside: np.ndarray  # (n,) non-members' profit had they joined


def best_response_prices(
    delta: np.ndarray,
    cost: np.ndarray,
    b: np.ndarray,
    others: np.ndarray,
    *,
    tol: float = 1e-9,
    max_iter: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    """One firm's best-response price and share per pair, the others' ``Σ e^{u}`` fixed.

    ``others`` is ``e^{u_0} + Σ_{j≠i} e^{u_j}`` of the pair's group. Solves
    ``p = c + 1/(b(1 − s(p)))`` by the ζ-markup iteration ``p ← c + 1/b + s(p)(p − c)``.

    >>> p, s = best_response_prices(np.array([0.0]), np.array([1.0]), np.array([1.0]), np.array([1.0]))
    >>> bool(np.isclose(p[0], 1.0 + 1.0 / (1.0 - s[0])))
    True
    """
    if kernels.compiled():  # the same sweeps, NumPy's exp between two compiled passes
        delta, cost, b, others = (
            np.ascontiguousarray(x, dtype=np.float64) for x in (delta, cost, b, others)
        )
        p = cost + 1.0 / b
        e = np.empty_like(p)
        for _ in range(max_iter):
            kernels.exponent_kernel(delta, b, p, 700.0, e)
            np.exp(e, out=e)
            if kernels.best_response_step_kernel(e, cost, b, others, p) <= tol:
                break
        kernels.exponent_kernel(delta, b, p, 700.0, e)
        np.exp(e, out=e)
        return p, e / (others + e)
    p = cost + 1.0 / b
    s = np.zeros_like(p)
    for _ in range(max_iter):
        e = np.exp(np.minimum(delta - b * p, 700.0))
        s = e / (others + e)
        new = cost + 1.0 / b + s * (p - cost)
        done = np.abs(new - p).max(initial=0.0) <= tol
        p = new
        if done:
            break
    e = np.exp(np.minimum(delta - b * p, 700.0))
    return p, e / (others + e)


def _others(
    mkt: Market, p: Period, fi: np.ndarray, fm: np.ndarray, own_eu: np.ndarray
) -> np.ndarray:
    """``e^{u_0} + Σ_{j≠i} e^{u_j}`` of each pair's group, removing the firm's own current term."""
    w = p.world
    seg = w.segment[fi]
    total = np.exp(w.u0)[fm] + mkt.inclusive[fm, seg]
    return np.maximum(total - own_eu, np.exp(w.u0)[fm])


def _sell(
    p: Period,
    fi: np.ndarray,
    fm: np.ndarray,
    price: np.ndarray,
    share: np.ndarray,
    channel: np.ndarray,
    n: int,
) -> np.ndarray:
    """Units per pair within capacity and channel, pro rata over the firm's markets."""
    w, state = p.world, p.state
    demand = state.market_size[fm] * p.seg_weight[w.segment[fi]] * share
    total = np.bincount(fi, weights=demand, minlength=n)
    limit = np.minimum(w.capacity, channel)
    factor = np.minimum(1.0, np.divide(limit, total, out=np.ones(n), where=total > limit))
    return demand * factor[fi]


def _pooled_function_cost(plan: FunctionPlan) -> np.ndarray:
    """(n,) cost of the pooled functions a firm would run alone outside (what it drops inside)."""
    cost = np.zeros(plan.output.size)
    for j in np.flatnonzero(plan.pooled):
        c = plan.fixed[j] + plan.var[j] * plan.intensity[j] * plan.output
        cost += np.where(plan.outside[j], c, 0.0)
    return cost


def _joiner_share(
    p: Period, books: Accounts, mkt: Market, units: np.ndarray, revenue: np.ndarray
) -> np.ndarray:
    """What one more contributor would be allocated this period, by the function–interest rule.

    Equal: ``A/(k+1)``; proportional: ``A·u_i/(U + u_i)``; dues: the fixed part equally, the rest
    by units; commission: by revenue. The Shapley value and the nucleolus are approximated by the
    proportional rule (exact values for a hypothetical coalition would need the whole game).
    """
    fi = p.model.function_interest
    payers = p.contrib
    k = int(payers.sum())
    a = books.to_allocate
    if a <= 0:
        return np.zeros(units.size)
    # the contributors' actual volumes this period, plus the joiner's own
    u_tot = float(mkt.units[payers].sum())
    r_tot = float(mkt.revenue[payers].sum())
    equal = np.full(units.size, a / (k + 1))
    prop = a * units / np.maximum(u_tot + units, 1e-12)
    if fi.rule == "equal":
        return equal
    if fi.rule == "dues":
        return fi.dues_fixed_share * equal + (1.0 - fi.dues_fixed_share) * prop
    if fi.rule == "commission":
        return a * revenue / np.maximum(r_tot + revenue, 1e-12)
    return prop


def membership_values(
    p: Period,
    *,
    mkt: Market,
    acc: Access,
    books: Accounts,
    hooks: Mechanisms | None = None,
) -> MembershipValues:
    """Inside-minus-outside profit of every active firm, by a unilateral deviation."""
    w, state, sc, model, plan, eff = p.world, p.state, p.sc, p.model, p.plan, p.eff
    n, m = w.n, w.n_markets
    terms = mkt.terms
    value_member = np.zeros(n)
    value_join = np.zeros(n)
    profit_out = np.zeros(n)
    profit_in = np.zeros(n)
    if not model.cooperative:
        return MembershipValues(value_member, value_join, profit_out, profit_in)
    # current e^{u} of each sold pair: s × (e^{u0} + inclusive)
    fast = kernels.compiled()
    if fast:
        cur_eu = kernels.current_eu_kernel(
            mkt.flat, mkt.market, mkt.firm, mkt.share, np.exp(w.u0), mkt.inclusive, w.segment, n * m
        )
    else:
        seg_all = w.segment[mkt.firm]
        cur_eu = np.zeros(n * m)
        cur_eu[mkt.flat] = mkt.share * (
            np.exp(w.u0)[mkt.market] + mkt.inclusive[mkt.market, seg_all]
        )
    own_channel = w.own_channel + state.channel_added
    overhead = np.where(state.active, sc.firms.overhead_per_employee * w.employees, 0.0)
    dropped = _pooled_function_cost(plan)

    # ---- members, outside: own access only, own functions, own channel, no cooperative costs
    leavers = eff & state.active
    if leavers.any():
        margin = _side(
            p,
            mkt,
            cur_eu,
            sel=leavers,
            own=acc.own,
            coop=np.zeros(m, dtype=bool),
            brand=terms.goodwill,
            promo=terms.promo_outside,
            firm_cost=w.base_cost,
            divisor=1.0,
            channel=own_channel,
        )[0]
        profit_out = np.where(
            leavers,
            margin - overhead - (plan.own_cost + dropped) - acc.entry_paid - acc.own_maintenance,
            0.0,
        )
        value_member = np.where(leavers, books.profit - profit_out, 0.0)

    # ---- non-members, inside: cooperative markets, member terms, dues, share and costs
    joiners = state.active & ~eff
    if joiners.any():
        fee = model.contract.per_unit_fee
        transaction = sc.trust.transaction_cost * (1.0 - state.trust)
        unit_cost = w.base_cost * terms.cost_factor
        r = min(model.contract.commission_rate, 0.99)
        # the mechanisms' terms: routes to markets beyond its own and the cooperative's, their
        # per-unit cost, a pair utility (e.g. bundles), channels a member gets or rents
        routes = pair_util = route_cost = None
        if hooks is not None and hooks.has("extra_access"):
            reach = (acc.own | acc.coop[None, :]) & joiners[:, None]
            routes = hooks.call("extra_access", p) & joiners[:, None] & ~reach
            if not routes.any():
                routes = None
        if hooks is not None and hooks.has("pair_utility"):
            pair_util = hooks.call("pair_utility", p)
        if routes is not None and hooks.has("route_cost"):
            route_cost = hooks.call("route_cost", p)
        channel = own_channel + _joiner_channel(p, mkt, own_channel)
        if hooks is not None and hooks.has("member_channel_extra"):  # e.g. allies' channels
            channel = channel + hooks.call("member_channel_extra", p)
        moved = np.zeros(n)
        if hooks is not None and hooks.has("joiner_channel"):  # e.g. capacity rented from partners
            added, moved = hooks.call("joiner_channel", p)
            channel = channel + added
        _, units, revenue, variable = _side(
            p,
            mkt,
            cur_eu,
            sel=joiners,
            own=acc.own,
            coop=acc.coop,
            brand=terms.goodwill + terms.member_brand,
            promo=terms.promo_member + terms.club,
            firm_cost=unit_cost + fee + transaction + terms.unit_charge,
            divisor=1 - r,
            channel=channel,
            routes=routes,
            route_factor=_route_factor(mkt, m) if routes is not None else None,
            route_cost=route_cost,
            pair_util=pair_util,
        )
        contracting = model.contract.contracting_cost * (1.0 - state.trust)
        share_cost = _joiner_share(p, books, mkt, units, revenue)
        # money the mechanisms would move to or from it as a member (e.g. a supplier's margin)
        transfers = (
            hooks.call("member_transfers", p, np.zeros(n), mkt=mkt)
            if hooks is not None
            else np.zeros(n)
        )
        profit_in = np.where(
            joiners,
            (1 - r) * revenue
            - variable
            - overhead
            - (plan.own_cost - dropped)
            - acc.entry_paid
            - acc.own_maintenance
            - share_cost
            - contracting
            + moved
            + transfers,
            0.0,
        )
        value_join = np.where(joiners, profit_in - books.profit, 0.0)
    return MembershipValues(value_member, value_join, profit_out, profit_in)


def _route_factor(mkt: Market, m: int) -> np.ndarray:
    """(M,) share of the orders through mechanisms' routes that their limits let through in
    each market this period (1 where nothing went through a route)."""
    v = mkt.via
    rf = mkt.route_factor[v]
    sold = np.bincount(mkt.market[v], weights=mkt.sales[v], minlength=m)
    asked = np.bincount(
        mkt.market[v],
        weights=np.divide(mkt.sales[v], rf, out=np.zeros_like(rf), where=rf > 0),
        minlength=m,
    )
    unserved = np.bincount(mkt.market[v], weights=(rf <= 0).astype(float), minlength=m)
    return np.where(
        asked > 0, sold / np.where(asked > 0, asked, 1.0), np.where(unserved > 0, 0.0, 1.0)
    )


def _joiner_channel(p: Period, mkt: Market, own_channel: np.ndarray) -> np.ndarray:
    """Pooled channel capacity a joiner would get, at this period's rationing."""
    state, w, eff = p.state, p.world, p.eff
    if state.coop_channel <= 0 or not eff.any():
        return np.zeros(w.n)
    if p.model.shared_channel:
        used = float(mkt.channel_share.sum())
        want = np.maximum(0.0, w.capacity - own_channel)
        ratio = min(1.0, state.coop_channel / max(used + want.mean(), 1e-12))
        return want * ratio
    cap_eff = float(w.capacity[eff].sum())
    return w.capacity / (cap_eff + w.capacity) * state.coop_channel


def _plain(x: np.ndarray | None, dtype: type) -> np.ndarray:
    """A C-contiguous, writable (n, M) array (empty for None): one compiled signature for every
    mechanism's hook output (some return read-only or strided views)."""
    if x is None:
        return np.zeros((0, 0), dtype=dtype)
    return np.require(x, dtype=dtype, requirements=["C", "W"])


def _side(
    p: Period,
    mkt: Market,
    cur_eu: np.ndarray,
    *,
    sel: np.ndarray,
    own: np.ndarray,
    coop: np.ndarray,
    brand: np.ndarray,
    promo: np.ndarray,
    firm_cost: np.ndarray,
    divisor: float,
    channel: np.ndarray,
    routes: np.ndarray | None = None,
    route_factor: np.ndarray | None = None,
    route_cost: np.ndarray | None = None,
    pair_util: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One side of the deviation: the selected firms' pairs (own access, the cooperative's
    markets ``coop``, the mechanisms' ``routes``), their utilities, marginal costs
    ``(firm_cost + extra + route)/divisor`` and the others' ``Σ e^u``; best responses; sales
    within capacity and channel. Returns per firm ``Σ (p − c) sales``, units, revenue and
    ``Σ c·divisor·sales``. The compiled path (:func:`.kernels.deviation_pairs_kernel`, the best
    responses, :func:`.kernels.deviation_sales_kernel`) gives the NumPy reference's (below) to the
    bit."""
    w = p.world
    n, m = w.n, w.n_markets
    if kernels.compiled():
        state, sc = p.state, p.sc
        sig = np.flatnonzero(state.sig_active & ~state.sig_new_market)
        use_routes = routes is not None
        route_flags = _plain(routes, bool)
        fi, fm, delta, cost, b, others = kernels.deviation_pairs_kernel(
            sel,
            own,
            coop,
            route_flags,
            use_routes,
            _plain(pair_util, np.float64),
            pair_util is not None,
            _plain(route_cost, np.float64),
            route_cost is not None,
            state.quality,
            np.log(w.varieties),
            w.a,
            w.xi,
            w.segment,
            state.sig_market[sig],
            state.sig_segment[sig],
            np.ascontiguousarray(state.adapted[:, sig]),
            float(sc.demand.signal_value),
            kernels.per_firm(brand, n),
            w.brand_sens,
            kernels.per_firm(promo, n),
            kernels.per_firm(firm_cost, n),
            distribution_costs(p),
            w.market_cost,
            float(divisor),
            w.b,
            np.exp(w.u0),
            mkt.inclusive,
            cur_eu,
        )
        price, share = best_response_prices(delta, cost, b, others)
        return kernels.deviation_sales_kernel(
            fi,
            fm,
            price,
            share,
            cost,
            route_flags,
            use_routes,
            route_factor if route_factor is not None else np.zeros(0),
            w.segment,
            state.market_size,
            p.seg_weight,
            kernels.per_firm(w.capacity, n),
            kernels.per_firm(channel, n),
            float(divisor),
            n,
        )
    # the NumPy reference
    reach = (own | coop[None, :]) & sel[:, None]
    if routes is not None:
        reach = reach | routes
    flat = np.flatnonzero(reach.ravel())
    fi, fm = flat // m, flat % m
    persuasive = brand[fi] * w.brand_sens[fm] + promo[fi]
    delta = pair_base(p, fi, fm) + persuasive
    if pair_util is not None:
        delta = delta + pair_util.ravel()[flat]
    via = routes.ravel()[flat] if routes is not None else np.zeros(flat.size, dtype=bool)
    route = np.where(via, route_cost.ravel()[flat], 0.0) if route_cost is not None else 0.0
    cost = (firm_cost[fi] + pair_extra_cost(p, fi, fm) + route) / divisor
    others = _others(mkt, p, fi, fm, cur_eu[flat])
    price, share = best_response_prices(delta, cost, w.b[fm], others)
    sales = _sell(p, fi, fm, price, share, channel, n)
    if routes is not None:  # orders through a route are rationed as the members' were there
        sales = sales * np.where(via, route_factor[fm], 1.0)
    margin = np.bincount(fi, weights=(price - cost) * sales, minlength=n)
    units = np.bincount(fi, weights=sales, minlength=n)
    revenue = np.bincount(fi, weights=price * sales, minlength=n)
    variable = np.bincount(fi, weights=cost * divisor * sales, minlength=n)
    return margin, units, revenue, variable
