"""The regional (collective) brand that members sell under (collective mark; seed 000).

Members using the mark get ``demand.regional_brand_weight · ln(1 + R)`` utility, times each
market's brand sensitivity. A free-rider sells under the mark without keeping its rules (it does
not pay its dues, and does not hold the quality standard): buyers cannot tell one member's
products from another's under a collective mark, so the damage falls on the mark, not on the
cheater. The stock follows Nerlove–Arrow with pooled brand building as its feed and is damaged in
proportion to the share of member output that cheats:

    R ← ((1 − δ_R) R + α X^η) (1 − brand_damage · cheat share)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from clustermarketing.engine.functions import F_INDEX
from clustermarketing.engine.mechanisms import Mechanism, Period, register


@register
class RegionalBrand(Mechanism):
    """Members sell under a regional / collective mark fed by pooled brand building."""

    name = "regional_brand"
    title = "Regional (collective) brand"
    config = None

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        return bool(model.uses_regional_brand)

    def _cheaters(self, p: Period) -> np.ndarray:
        return p.eff & ~p.state.contributes

    def brand_utility(self, p: Period) -> np.ndarray:
        w = self.sc.demand.regional_brand_weight
        return np.full(p.eff.size, w * np.log1p(p.state.regional_brand))

    def regional_brand(self, p: Period, units: np.ndarray) -> float:
        sk = self.sc.stocks
        member_units = np.where(p.eff, units, 0.0)
        brand_units = float(member_units[p.eff].sum())
        cheat = (
            float(member_units[self._cheaters(p)].sum()) / brand_units if brand_units > 0 else 0.0
        )
        return ((1.0 - sk.brand_decay) * p.state.regional_brand + regional_feed(p)) * (
            1.0 - sk.brand_damage * cheat
        )


def regional_feed(p: Period) -> float:
    """This period's feed of the regional brand, ``α X_eff^η`` of pooled brand building (0 when
    brand building is not pooled)."""
    bj = F_INDEX["brand_building"]
    plan = p.plan
    if not plan.pooled[bj]:
        return 0.0
    return float(plan.effect[bj] * plan.X_eff[bj] ** p.sc.stocks.curvature)
