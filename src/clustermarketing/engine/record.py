"""The cluster's record of one period (MODEL.md §7)."""

from __future__ import annotations

import numpy as np

from clustermarketing.engine import signals
from clustermarketing.engine.access import Access
from clustermarketing.engine.accounts import Accounts
from clustermarketing.engine.context import Context
from clustermarketing.engine.market import Market
from clustermarketing.engine.mechanisms import Period
from clustermarketing.engine.metrics import MECHANISM_METRICS
from clustermarketing.engine.pricing import consumer_surplus


def _mean(x: np.ndarray, mask: np.ndarray) -> float:
    return float(x[mask].mean()) if mask.any() else float("nan")


def _employment(p: Period, ctx: Context, mkt: Market) -> np.ndarray:
    """Employment per firm: fixed staff + labour in proportion to the units it makes.

    The units a firm makes are the units it sells plus what it makes for others (e.g. a
    supplier's subcontracted units) minus what others make for it (hook ``production_shift``).
    """
    w = p.world
    fixed = ctx.sc.demography.fixed_staff
    made = mkt.units
    if ctx.mechanisms.has("production_shift"):
        made = np.maximum(0.0, made + ctx.mechanisms.call("production_shift", p, mkt=mkt))
    return w.employees * (fixed + (1.0 - fixed) * np.minimum(1.0, made / w.capacity))


def period_record(
    p: Period,
    *,
    ctx: Context,
    mkt: Market,
    acc: Access,
    books: Accounts,
    group: np.ndarray,
) -> dict[str, float]:
    """Cluster-level outcomes of the period.

    ``group`` are the firms counted as members: this arm's members, or in the baseline the model
    arm's members (so member profit compares the same firms with and without cooperation).
    """
    state, w, eff, contrib = p.state, p.world, p.eff, p.contrib
    act = state.active
    n_act = max(1, int(act.sum()))
    sme, lead = act & ~w.leader, act & w.leader
    members, nonmem = act & group, act & ~group
    units, sales, profit = mkt.units, mkt.sales, books.profit
    out_total = float(units[act].sum())
    # inactive slots sell nothing, so sums over all slots are sums over active firms
    tot_sales = float(sales.sum())
    hhi = float(np.sum(np.square(sales / tot_sales))) if tot_sales > 0 else float("nan")
    employment = _employment(p, ctx, mkt)
    n_eff = int((act & eff).sum())
    # what firms pay for marketing: own functions and market entry, dues and allocated shares
    mkt_cost = float((books.own_marketing + books.fees + books.share)[act].sum())
    rec = {
        "period": float(p.t),
        "output": out_total,
        "sales_revenue": float(mkt.revenue[act].sum()),
        "mean_price": float(mkt.price @ sales / tot_sales) if tot_sales > 0 else float("nan"),
        "profit": _mean(profit, act),
        "member_profit": _mean(profit, members),
        "nonmember_profit": _mean(profit, nonmem),
        "sme_profit": _mean(profit, sme),
        "leader_profit": _mean(profit, lead),
        "sme_market_access": np.count_nonzero(acc.avail & sme[:, None])
        / (int(sme.sum()) * w.n_markets)
        if sme.any()
        else float("nan"),
        "regional_brand": float(state.regional_brand),
        "unit_marketing_cost": mkt_cost / out_total if out_total > 0 else float("nan"),
        "consumer_surplus": consumer_surplus(
            mkt.inclusive, w.u0, w.b, state.market_size, ctx.seg_weight
        ),
        # the same without the persuasive utility terms (brand, promotion): tastes held fixed
        "consumer_surplus_fixed_tastes": consumer_surplus(
            mkt.inclusive_fixed, w.u0, w.b, state.market_size, ctx.seg_weight
        ),
        "membership_rate": n_eff / n_act,
        "cooperation_rate": float((contrib & act).sum()) / n_eff if n_eff else float("nan"),
        "trust": _mean(state.trust, act),
        "employment": float(employment[act].sum()),
        "awareness": signals.awareness_share(state),
        "product_diversity": 1.0 / hhi if hhi == hhi and hhi > 0 else float("nan"),
        "pooled_cost": books.pooled_total,
        "allocated_cost": float(books.share.sum()),
        "to_allocate": books.to_allocate,
        "subsidy": books.subsidy,
        "fees": float(books.fees.sum()),
        "fines": float(books.fines.sum()),
        "coordination_cost": books.coordination,
        "rebate": books.rebate,
        "allocation_se": books.allocation_se,
        "total_profit": float(profit[act].sum()),
        "production_cost": float(books.production[act].sum()),
        "overhead_cost": float(books.overhead[act].sum()),
        "own_marketing_cost": float(books.own_marketing[act].sum()),
        "transaction_cost": float(books.transaction[act].sum()),
        "contracting_cost": float(books.contracting[act].sum()),
        "commission": float(books.commission[act].sum()),
        # the social dilemma: what free-riding would save a member this period (dues, share, cut
        # corners) and how likely it is to be caught
        # (dues and the share net of any rebate: a free-rider forgoes the rebate too)
        "free_riding_gain": _mean(books.fees + books.share + mkt.cheat_potential, act & eff),
        "detection_probability": _mean(books.detection, act & eff),
        "lapsed_access": float(acc.lapsed),
        "maintenance_cost": float(acc.own_maintenance[act].sum()) + acc.coop_maintenance,
        "price_iterations": float(mkt.iterations),
        "price_converged": float(mkt.converged),
    }
    # the mechanisms' outcomes: 0 unless a mechanism of this model reports them
    rec.update(dict.fromkeys(MECHANISM_METRICS, 0.0))
    rec["mean_quality"] = _mean(state.quality, act)
    rec["corporate_goodwill"] = _mean(state.goodwill, act)
    return rec


#: the dimensions of the breakdown and the metrics each reports
BREAKDOWN_METRICS: dict[str, tuple[str, ...]] = {
    "market": ("units", "revenue", "mean_price", "sellers", "member_units_share"),
    "segment": ("output", "revenue", "profit", "firms", "membership_rate"),
    "size": ("output", "profit", "employment", "firms", "membership_rate"),
}


def group_record(p: Period, *, ctx: Context, mkt: Market, books: Accounts) -> list[dict]:
    """The period's key metrics by market, by product segment and by size class.

    Long format: one row per (dimension, group, metric). Markets and segments are named as in
    the scenario (a market a user adds shows up here); size classes are ``leaders`` and
    ``SMEs``. Means over an empty group are NaN.
    """
    state, w, eff = p.state, p.world, p.eff
    sc = ctx.sc
    act = state.active
    rows: list[dict] = []

    def add(by: str, group: str, metric: str, value: float) -> None:
        rows.append({"by": by, "group": group, "metric": metric, "value": float(value)})

    member_pair = eff[mkt.firm]
    for j, market in enumerate(sc.markets):
        sel = mkt.market == j
        units = float(mkt.sales[sel].sum())
        add("market", market.name, "units", units)
        add("market", market.name, "revenue", float((mkt.price * mkt.sales)[sel].sum()))
        add(
            "market",
            market.name,
            "mean_price",
            float(mkt.price[sel] @ mkt.sales[sel]) / units if units > 0 else float("nan"),
        )
        add("market", market.name, "sellers", float(np.count_nonzero(mkt.sales[sel] > 0)))
        add(
            "market",
            market.name,
            "member_units_share",
            float(mkt.sales[sel & member_pair].sum()) / units if units > 0 else float("nan"),
        )
    employment = _employment(p, ctx, mkt)
    for s, segment in enumerate(sc.firms.segments):
        sel = act & (w.segment == s)
        add("segment", segment.name, "output", float(mkt.units[sel].sum()))
        add("segment", segment.name, "revenue", float(mkt.revenue[sel].sum()))
        add("segment", segment.name, "profit", _mean(books.profit, sel))
        add("segment", segment.name, "firms", float(sel.sum()))
        add("segment", segment.name, "membership_rate", _mean(eff.astype(float), sel))
    for name, mask in (("leaders", w.leader), ("SMEs", ~w.leader)):
        sel = act & mask
        add("size", name, "output", float(mkt.units[sel].sum()))
        add("size", name, "profit", _mean(books.profit, sel))
        add("size", name, "employment", float(employment[sel].sum()))
        add("size", name, "firms", float(sel.sum()))
        add("size", name, "membership_rate", _mean(eff.astype(float), sel))
    return rows
