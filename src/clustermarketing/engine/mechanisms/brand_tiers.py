"""Cluster brand: three brand tiers — regional, corporate, product — with spillovers (seed 000).

Seed 000 ("The Cluster-Brand Clusters Model"): a three-tiered layer of cluster (regional) brand,
corporate brands and product brands; the collective brand is registered as a collective mark;
"the value of the cluster brand is enhanced with the strong support of corporate brands", strong
product brands serve corporate goals, and the model "endeavors to build brand recognition at all
levels". Each tier is a Nerlove–Arrow stock (MODEL.md appendix) with its own feed, decay and
demand weight:

* **regional** R — the regional brand of :mod:`.regional_brand` (fed by pooled brand building,
  damaged by free-riders), worked *beside* it: this mechanism adds no second regional term, it
  only dilutes R (below) and lets it spill down;
* **corporate** G — the firm's goodwill of the core (:mod:`..stocks`), of which this mechanism
  moves the product share out and adds the regional spillover (hook ``goodwill_change``);
* **product** P — a new per-firm stock kept here (``brand_tiers_product``).

With x_i a firm's own brand-building activity, f_i = α x_i^η its own feed (α =
``functions.brand_building.effect``, η = ``stocks.curvature``), F_R this period's regional feed
α X_eff^η (0 unless brand building is pooled and members sell under the mark), s =
``product_share``::

    corporate feed  c_i = (1 − s) f_i + [i effective member] · spill_regional_corporate · F_R
    G_i ← (1 − δ_G) G_i + c_i
    P_i ← (1 − product_decay) P_i + s f_i + spill_corporate_product · c_i

The product brand is the firm's own: every firm (member or not) gets ``product_weight ·
ln(1 + P_i)`` utility, times each market's brand sensitivity (hook ``own_brand_utility``, added
to the goodwill term, so the membership counterfactual sees it inside and outside alike).

**Registration of the collective mark:** ``registration_cost`` is charged once to the
cooperative's budget (hook ``pooled_cost``), in the first period in which the model runs with
effective members under the mark; a flag in the mechanism's state (``brand_tiers_registered``)
records that it has been paid.

**Dilution:** members whose quality is below ``regulation.quality_standard`` (admitted when they
met it, their quality eroded since) sell under the mark goods that do not meet it; buyers cannot
tell them apart, so the mark loses the share ``dilution · σ`` of its value, σ the sub-standard
members' share of the members' units sold this period (hook ``brand_dilution``):
``R ← R · max(0, 1 − dilution · σ)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from clustermarketing.engine.functions import F_INDEX
from clustermarketing.engine.mechanisms import Mechanism, Period, register
from clustermarketing.engine.mechanisms.regional_brand import regional_feed

PRODUCT = "brand_tiers_product"
REGISTERED = "brand_tiers_registered"


@register
class BrandTiers(Mechanism):
    """Regional, corporate and product brand tiers with spillovers, registration and dilution."""

    name = "brand_tiers"
    title = "Cluster brand tiers (regional, corporate, product)"
    config = "brand_tiers"

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        return bool(model.brand_tiers.enabled)

    def init_state(self, world: Any, state: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        # product brands are built from the switch-on of the model (the tiers start then)
        return {PRODUCT: np.zeros(state.active.size)}, {REGISTERED: False}

    # --- the tiers' feeds ------------------------------------------------------------------
    def _own_feed(self, p: Period) -> np.ndarray:
        """f_i = α x_i^η: the feed of a firm's own brand building (0 if it does not run it)."""
        bj = F_INDEX["brand_building"]
        return p.plan.effect[bj] * np.power(p.plan.alone_x(bj), p.sc.stocks.curvature)

    def _regional_spill(self, p: Period) -> np.ndarray:
        """Corporate goodwill each effective member gains from this period's regional feed."""
        if not self.model.uses_regional_brand:  # no mark: the regional tier does not exist
            return np.zeros(p.eff.size)
        return np.where(p.eff, self.cfg.spill_regional_corporate * regional_feed(p), 0.0)

    def _corporate_feed(self, p: Period, own: np.ndarray) -> np.ndarray:
        return (1.0 - self.cfg.product_share) * own + self._regional_spill(p)

    # --- hooks ------------------------------------------------------------------------------
    def own_brand_utility(self, p: Period) -> np.ndarray:
        return self.cfg.product_weight * np.log1p(p.state.extra[PRODUCT])

    def goodwill_change(self, p: Period, mkt: Any) -> np.ndarray:
        # the core fed G with the whole own feed: move the product share out, add the spillover
        own = self._own_feed(p)
        return -self.cfg.product_share * own + self._regional_spill(p)

    def pooled_cost(self, p: Period) -> float:
        due = (
            self.model.uses_regional_brand
            and not p.state.cluster_extra[REGISTERED]
            and bool(p.eff.any())
        )
        return float(self.cfg.registration_cost) if due else 0.0

    def brand_dilution(self, p: Period, units: np.ndarray) -> float:
        """Share of the mark lost to sub-standard members: dilution × their share of units."""
        if not self.model.uses_regional_brand or self.cfg.dilution == 0:
            return 0.0
        member_units = np.where(p.eff & p.state.active, units, 0.0)
        total = float(member_units.sum())
        if total <= 0:
            return 0.0
        below = p.state.quality < self.model.regulation.quality_standard
        return self.cfg.dilution * float(member_units[below].sum()) / total

    def update_state(self, p: Period, mkt: Any, books: Any) -> tuple[dict, dict]:
        cfg = self.cfg
        own = self._own_feed(p)
        corporate = self._corporate_feed(p, own)
        product = (1.0 - cfg.product_decay) * p.state.extra[PRODUCT] + (
            cfg.product_share * own + cfg.spill_corporate_product * corporate
        )
        product = np.where(p.state.active, product, 0.0)
        registered = bool(p.state.cluster_extra[REGISTERED]) or (
            bool(self.model.uses_regional_brand) and bool(p.eff.any())
        )
        return {PRODUCT: product}, {REGISTERED: registered}

    def record(self, p: Period, mkt: Any, books: Any) -> dict[str, float]:
        act = p.state.active
        value = float(p.state.extra[PRODUCT][act].mean()) if act.any() else float("nan")
        return {"product_brand": value}
