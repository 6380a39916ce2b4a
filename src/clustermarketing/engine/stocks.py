"""Stocks: goodwill, regional brand, quality, channel capacity, market size (MODEL.md §6.7).

Nerlove–Arrow stocks: ``G ← (1 − δ_G) G + α x^η`` for a firm's own brand building and
the regional brand (when a mechanism keeps one, :mod:`.mechanisms.regional_brand`; otherwise
it decays). Quality gained by development erodes towards the firm's quality at birth,
``q ← q₀ + (1 − quality_obsolescence)(q − q₀)`` (competitors catch up); a successful own
development project (probability ``success``) adds ``effect``; a pooled project succeeds with
``1 − (1 − success)^min(contributors, stocks.pooled_development_cap)`` and lifts every member (shared gains, pooled risk),
unless a mechanism implements the ``pooled_development`` hook (cooperative R&D,
:mod:`.mechanisms.rnd`), whose quality gains then replace this rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustermarketing.engine.functions import F_INDEX
from clustermarketing.engine.market import Market
from clustermarketing.engine.mechanisms import Mechanisms, Period


@dataclass(frozen=True)
class Stocks:
    """The stocks after this period."""

    goodwill: np.ndarray
    regional_brand: float
    quality: np.ndarray
    channel_added: np.ndarray
    coop_channel: float


def update_stocks(p: Period, *, mkt: Market, hooks: Mechanisms) -> Stocks:
    """Advance every stock by one period (pure: returns the new stocks)."""
    state, sc, plan, eff, contrib, d = p.state, p.sc, p.plan, p.eff, p.contrib, p.draws
    sk = sc.stocks
    e = plan.effect
    bj = F_INDEX["brand_building"]
    goodwill = (1.0 - sk.goodwill_decay) * state.goodwill + e[bj] * np.power(
        plan.alone_x(bj), sk.curvature
    )
    regional = hooks.call(
        "regional_brand", p, (1.0 - sk.brand_decay) * state.regional_brand, units=mkt.units
    )
    if hooks.has("brand_dilution"):  # e.g. members below the quality standard
        regional = regional * max(0.0, 1.0 - hooks.call("brand_dilution", p, units=mkt.units))
    pj = F_INDEX["product_development"]
    # competitors catch up: the advantage gained by development erodes towards the quality the
    # firm was born with (so quality is stationary without development, not drifting down)
    base = p.world.init_quality
    quality = base + (1.0 - sk.quality_obsolescence) * (state.quality - base)
    quality[plan.alone[pj] & (d.uniform("develop") < plan.success[pj])] += e[pj]
    if hooks.has("pooled_development"):  # a mechanism's pooled R&D replaces the core rule
        quality = quality + hooks.call("pooled_development", p, mkt=mkt)
    elif plan.pooled[pj] and contrib.any():
        p_pool = 1.0 - (1.0 - plan.success[pj]) ** min(
            int(contrib.sum()), sk.pooled_development_cap
        )
        if d.scalar("develop_pool") < p_pool:
            quality[eff] += e[pj]
    quality = quality + hooks.call("quality_gain", p, 0.0, mkt=mkt)  # e.g. pooled R&D
    goodwill = np.maximum(0.0, goodwill + hooks.call("goodwill_change", p, 0.0, mkt=mkt))
    cj = F_INDEX["channel_development"]
    channel_added = (1.0 - sk.channel_decay) * state.channel_added + e[cj] * plan.alone_x(cj)
    coop_channel = (1.0 - sk.channel_decay) * state.coop_channel + (
        e[cj] * plan.X_eff[cj] if plan.pooled[cj] else 0.0
    )
    return Stocks(goodwill, float(regional), quality, channel_added, float(coop_channel))
