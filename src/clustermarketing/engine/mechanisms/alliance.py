"""Marketing alliance: brand sharing, product matching, channel interdependence (seed 000).

Seed 000 ("The Marketing Alliance Model"): "by means of brand sharing, product matching, market
concentration, channel interdependence, combined regional promotion, and information sharing SMEs
can obtain a larger scale of cooperation, reduce marketing costs, market expansion". Market
concentration (joint entry with one shared entry cost), joint regional promotion and information
sharing are pooled functions of the preset (``market_access``, ``sales_promotion``,
``information_dissemination``; :mod:`..functions`, :mod:`..access`). This module adds the three
that are specific to an alliance, all among **allies**:

**Allies.** Firm i's allies are the effective members it is linked to: its structure links
(in a network structure: its ties to members plus the structure's extra links) and its ties to
effective members — a firm that joins links to the members among its ties, so a non-member's
*would-be* allies (what it would get as a member, which the membership counterfactual uses) are
its tie-neighbours among the effective members. ``A`` is this 0/1 matrix (no self-links),
``k_i = Σ_j A_ij``. Without a structure (the steady-state game analysis) the ties alone link.

* **Brand sharing** (hook ``brand_utility``): a member's brand utility gains
  ``brand_sharing · g_c · ln(1 + Ḡ_i)``, Ḡ_i the mean corporate goodwill of its allies
  (g_c = ``demand.goodwill_weight``; times each market's brand sensitivity, like every brand
  term). Co-branding adds to a firm's own brand; it never subtracts (an assumption).
* **Product matching** (hook ``pair_utility``): in market m a member's utility rises by
  ``bundle_utility · Σ_j A_ij c(s_i, s_j) a_jm / k_i``, the complementarity-weighted share of its
  allies that sell in m this period (``a_jm``: the ally can sell there — own or the
  cooperative's access, decided before prices, so the bundle is known when prices are set),
  c = ``firms.complementarity`` (default 1 between different segments, 0 within one). A real
  product attribute (a bundle buyers can assemble), not a persuasive term.
* **Channel interdependence** (hook ``member_channel_extra``): allies sell through each other's
  channels, without fees. Each member offers the share ``channel_interdependence`` of last
  period's spare own channel, ``o_j = ci · max(0, own channel_j − units_j)``; each member asks
  for last period's unmet channel need, ``need_i = max(0, min(demand_i, capacity_i) − own
  channel_i)``, split equally over its k_i allies (``need_i / k_i`` each); a lender grants all
  its askers the same share ``min(1, o_j / Σ asks)``. A member's channel this period is its own
  + what it is granted − what it grants (rival capacity, counted once, nothing lent that is not
  asked for). A non-member's would-be grants add its ask to each lender's load; as a joiner it
  would lend nothing yet (its would-be allies' asks go to their present allies).

**Recorded:** ``bundle_sales`` — units effective members sold in markets where at least one
complementary ally (c > 0) sells too (0 when ``bundle_utility`` is 0: nothing is matched).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine.mechanisms import Mechanism, Period, register

SPARE = "alliance_spare"
NEED = "alliance_need"


def complementarity(sc: Any) -> np.ndarray:
    """The (S, S) segment complementarity of the scenario (default: 1 − identity)."""
    given = sc.firms.complementarity
    if given is not None:
        return np.asarray(given, dtype=float)
    k = len(sc.firms.segments)
    return 1.0 - np.eye(k)


def spare_channel(world: Any, state: Any, units: np.ndarray) -> np.ndarray:
    """Own channel capacity (initial + developed) a firm did not use for its own ``units``."""
    own = world.own_channel + state.channel_added
    return np.where(state.active, np.maximum(0.0, own - units), 0.0)


def _same(a: tuple, b: tuple) -> bool:
    """Same tie matrix and structure objects, same period and effective members."""
    return a[0] is b[0] and a[1] is b[1] and a[2] == b[2] and a[3] == b[3]


def unmet_channel_need(world: Any, state: Any, demand: np.ndarray) -> np.ndarray:
    """Demand a firm could produce but not carry through its own channel."""
    own = world.own_channel + state.channel_added
    gap = np.minimum(demand, world.capacity) - own
    return np.where(state.active, np.maximum(0.0, gap), 0.0)


@register
class Alliance(Mechanism):
    """Allies share brands, bundle complementary products and sell through each other's channels."""

    name = "alliance"
    title = "Marketing alliance (brand sharing, bundles, channel interdependence)"
    config = "alliance"

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        a = model.alliance
        return bool(model.cooperative) and (
            a.brand_sharing > 0 or a.bundle_utility > 0 or a.channel_interdependence > 0
        )

    def __init__(self, model: Any, sc: Any) -> None:
        super().__init__(model, sc)
        self._comp = complementarity(sc)
        self._cache: tuple[tuple, sp.csr_matrix] | None = None

    def init_state(self, world: Any, state: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        # spare channel from last period's output; unmet need is unknown until a period ran
        spare = spare_channel(world, state, state.output)
        return {SPARE: spare, NEED: np.zeros_like(spare)}, {}

    # --- allies -----------------------------------------------------------------------------
    def _allies(self, p: Period) -> sp.csr_matrix:
        """(n, n) 0/1: firm i's (would-be) allies j — effective members it is linked to."""
        # the same period asks several times (market, counterfactual, record): compute once
        key = (p.world.ties, p.structure, p.state.t, p.eff.tobytes())
        if self._cache is not None and _same(self._cache[0], key):
            return self._cache[1]
        n = p.eff.size
        links = p.world.ties
        if p.structure is not None:
            links = links + p.structure.adj[:n, :n]
        links = sp.csr_matrix(links, copy=True)
        links.setdiag(0)
        links.eliminate_zeros()
        links.data[:] = 1.0
        allies = (links @ sp.diags(p.eff.astype(float))).tocsr()
        allies.eliminate_zeros()
        self._cache = (key, allies)
        return allies

    def _avail(self, p: Period) -> np.ndarray:
        """(n, M) where each firm sells this period: own access or, members, the cooperative's."""
        st = p.state
        return (st.access | (p.eff[:, None] & st.coop_access[None, :])) & st.active[:, None]

    def _bundle_share(self, p: Period) -> np.ndarray:
        """(n, M) complementarity-weighted share of a firm's allies that sell in each market."""
        allies = self._allies(p)
        k = np.asarray(allies.sum(axis=1)).ravel()
        seg = p.world.segment
        avail = self._avail(p).astype(float)
        weighted = np.zeros(avail.shape)
        for s in range(self._comp.shape[0]):
            sellers = avail * (seg == s)[:, None]
            weighted += self._comp[seg, s][:, None] * (allies @ sellers)
        return np.divide(weighted, k[:, None], out=np.zeros_like(weighted), where=k[:, None] > 0)

    # --- hooks ------------------------------------------------------------------------------
    def brand_utility(self, p: Period) -> np.ndarray:
        if self.cfg.brand_sharing == 0:
            return np.zeros(p.eff.size)
        allies = self._allies(p)
        k = np.asarray(allies.sum(axis=1)).ravel()
        mean = np.divide(allies @ p.state.goodwill, k, out=np.zeros(k.size), where=k > 0)
        return self.cfg.brand_sharing * self.sc.demand.goodwill_weight * np.log1p(mean)

    def pair_utility(self, p: Period) -> np.ndarray:
        if self.cfg.bundle_utility == 0:
            return np.zeros(p.state.access.shape)
        return self.cfg.bundle_utility * self._bundle_share(p)

    def member_channel_extra(self, p: Period) -> np.ndarray:
        ci = self.cfg.channel_interdependence
        if ci == 0:
            return np.zeros(p.eff.size)
        received, lent = self._channel_flows(p)
        return received - lent

    def _channel_flows(self, p: Period) -> tuple[np.ndarray, np.ndarray]:
        """(received, lent) channel capacity per firm: asks split over allies, offers rationed.

        Borrower i asks ``need_i / k_i`` of each ally; lender j grants its askers the same share
        ``min(1, o_j / Σ asks)``. A non-member's would-be grants add its ask to each lender's
        load; a non-member lends nothing (its would-be allies' asks go to their present allies).
        """
        allies = self._allies(p).tocoo()
        n = p.eff.size
        i, j = allies.row, allies.col
        k = np.bincount(i, minlength=n).astype(float)
        need = p.state.extra[NEED]
        offer = np.where(p.eff, self.cfg.channel_interdependence * p.state.extra[SPARE], 0.0)
        ask = need[i] / k[i]
        asked = np.bincount(j, weights=np.where(p.eff[i], ask, 0.0), minlength=n)
        load = asked[j] + np.where(p.eff[i], 0.0, ask)  # a joiner would add its own ask
        ratio = np.minimum(1.0, np.divide(offer[j], load, out=np.ones(j.size), where=load > 0))
        grant = ask * ratio
        received = np.bincount(i, weights=grant, minlength=n)
        lent = np.bincount(j, weights=np.where(p.eff[i], grant, 0.0), minlength=n)
        return received, lent

    def update_state(self, p: Period, mkt: Any, books: Any) -> tuple[dict, dict]:
        w, state = p.world, p.state
        demand = np.bincount(
            mkt.firm,
            weights=state.market_size[mkt.market] * p.seg_weight[w.segment[mkt.firm]] * mkt.share,
            minlength=w.n,
        )
        return {
            SPARE: spare_channel(w, state, mkt.units),
            NEED: unmet_channel_need(w, state, demand),
        }, {}

    def record(self, p: Period, mkt: Any, books: Any) -> dict[str, float]:
        if self.cfg.bundle_utility == 0:  # no product matching: nothing is sold as a bundle
            return {"bundle_sales": 0.0}
        allies = self._allies(p)
        seg = p.world.segment
        avail = self._avail(p).astype(float)
        # (n, M): number of complementary allies (c > 0) selling in each market
        comp_sellers = np.zeros(avail.shape)
        for s in range(self._comp.shape[0]):
            partner = (self._comp[seg, s] > 0).astype(float)
            comp_sellers += partner[:, None] * (allies @ (avail * (seg == s)[:, None]))
        hit = (comp_sellers.ravel()[mkt.flat] > 0) & p.eff[mkt.firm]
        return {"bundle_sales": float(mkt.sales[hit].sum())}
