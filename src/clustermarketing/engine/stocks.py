"""Stocks: goodwill, regional brand, quality, channel capacity, market size (MODEL.md §6.7).

Nerlove–Arrow stocks: ``G ← (1 − δ_G) G + α x^η`` for a firm's own brand building and
``R ← ((1 − δ_R) R + α X^η)(1 − damage · cheat share)`` for the regional brand fed by pooled brand
building, damaged in proportion to the output that free-riders sell under the mark at a quality
below the standard. Quality loses ``quality_obsolescence`` a period; a successful own
development project (probability ``success``) adds ``effect``; a pooled project succeeds with
``1 − (1 − success)^min(contributors, 5)`` and lifts every member (shared gains, pooled risk).
"""

from __future__ import annotations

import numpy as np

from clustermarketing.engine.context import Draws
from clustermarketing.engine.functions import F_INDEX, FunctionPlan
from clustermarketing.engine.market import Market
from clustermarketing.engine.state import State, World
from clustermarketing.scenario.schema import Scenario


def update_stocks(
    state: State,
    w: World,
    sc: Scenario,
    plan: FunctionPlan,
    mkt: Market,
    eff: np.ndarray,
    contrib: np.ndarray,
    d: Draws,
) -> None:
    """Advance every stock by one period."""
    sk = sc.stocks
    e = plan.effect
    bj = F_INDEX["brand_building"]
    state.goodwill = (1.0 - sk.goodwill_decay) * state.goodwill + e[bj] * np.power(
        plan.alone_x(bj), sk.curvature
    )
    member_units = np.where(eff, mkt.units, 0.0)
    brand_units = float(member_units[mkt.brand_user].sum())
    cheat = (
        float(member_units[mkt.brand_user & mkt.free_rider].sum()) / brand_units
        if brand_units > 0
        else 0.0
    )
    fed = e[bj] * plan.X_eff[bj] ** sk.curvature if plan.pooled[bj] else 0.0
    state.regional_brand = ((1.0 - sk.brand_decay) * state.regional_brand + fed) * (
        1.0 - sk.brand_damage * cheat
    )
    pj = F_INDEX["product_development"]
    state.quality = np.maximum(0.0, state.quality - sk.quality_obsolescence)
    state.quality[plan.alone[pj] & (d.uniform("develop") < plan.success[pj])] += e[pj]
    if plan.pooled[pj] and contrib.any():
        p_pool = 1.0 - (1.0 - plan.success[pj]) ** min(int(contrib.sum()), 5)
        if d.scalar("develop_pool") < p_pool:
            state.quality[eff] += e[pj]
    cj = F_INDEX["channel_development"]
    state.channel_added = (1.0 - sk.channel_decay) * state.channel_added + e[cj] * plan.alone_x(cj)
    state.coop_channel = (1.0 - sk.channel_decay) * state.coop_channel + (
        e[cj] * plan.X_eff[cj] if plan.pooled[cj] else 0.0
    )
