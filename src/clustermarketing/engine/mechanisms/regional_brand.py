"""The regional (collective) brand that members sell under (collective mark; seed 000).

Members using the mark get ``demand.regional_brand_weight · ln(1 + R)`` utility, times each
market's brand sensitivity. Free-riders selling under the mark fall short of its quality rules:
buyers see their quality lowered by ``model.regulation.cheat_quality_loss``. The stock follows
Nerlove–Arrow with pooled brand building as its feed and is damaged in proportion to the share of
member output that cheats:

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

    def quality_shortfall(self, p: Period) -> np.ndarray:
        return np.where(self._cheaters(p), self.model.regulation.cheat_quality_loss, 0.0)

    def brand_utility(self, p: Period) -> np.ndarray:
        w = self.sc.demand.regional_brand_weight
        return np.where(p.eff, w * np.log1p(p.state.regional_brand), 0.0)

    def regional_brand(self, p: Period, units: np.ndarray) -> float:
        sk = self.sc.stocks
        member_units = np.where(p.eff, units, 0.0)
        brand_units = float(member_units[p.eff].sum())
        cheat = (
            float(member_units[self._cheaters(p)].sum()) / brand_units if brand_units > 0 else 0.0
        )
        bj = F_INDEX["brand_building"]
        plan = p.plan
        fed = plan.effect[bj] * plan.X_eff[bj] ** sk.curvature if plan.pooled[bj] else 0.0
        return ((1.0 - sk.brand_decay) * p.state.regional_brand + fed) * (
            1.0 - sk.brand_damage * cheat
        )
