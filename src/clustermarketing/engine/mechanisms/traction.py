"""Leading enterprise traction: licensing, subcontracting, research passed on (seed 000).

Seed 000's high-tech "leading enterprise traction" model: the cluster's leading enterprises pull
the SMEs along — SMEs use the leader's brand, make what the leader cannot, and receive what the
leader learns of the market. Three parts, each switched by ``model.traction``; all of them run
through the cooperative: only *effective members* license or supply, and only leaders that are
effective members license their brand or subcontract (the leader's traction is its role in the
cooperative's hierarchy, whose monitoring backs the licence; a leader outside the cooperative
deals with nobody through it).

**Licensing** (``licensing``). Every SME effective member licenses the brand of one leader: the
largest (by capacity) effective-member leader it is tied to (strong or weak tie), else the
largest effective-member leader. A licensee gets the brand utility

    b_i = goodwill_share · g_c · ln(1 + G_L)      (× each market's brand sensitivity)

(``demand.goodwill_weight`` g_c, G_L its leader's goodwill; hook ``brand_utility``) and pays
``licence_fee`` per unit it sells to the leader: a marginal cost in its pricing (hook
``member_unit_cost``) and a transfer licensee → leader (hook ``transfers``, line
``licence_fees``). Licensees below their leader's quality damage the leader's goodwill in
proportion to their shortfall-weighted share of the brand's sales:

    D_L = Σ_{i licenses L} max(0, q_L − q_i) · u_i / (u_L + Σ_{i licenses L} u_i)
    G_L loses the share min(1, licence_damage · D_L) of its stock this period

(hook ``goodwill_change``; buyers judge the brand by every product sold under it, Tirole 1996).

**Subcontracting** (``subcontracting``). An SME effective member linked to an effective-member
leader — by a strong tie, or by sitting in the leader's branch of the cooperative's structure
below its centre (seed 000: in the traction hierarchy the suppliers sit below the leading
enterprise; in a network or chain every connected member shares the branch) — (the largest such
leader, if several), quality ≥ ``supplier_quality`` and a unit
cost at most the supplier price (it would not take work at a loss) is that leader's supplier; a
leader sources only while the supplier price is below its last home price (it would not buy at
a loss either).
Orders are placed on the spare capacity a supplier's own sales left last period (capacity − units
it sold, kept in the mechanism's state ``traction_spare``): the leader's capacity this
period is raised by its suppliers' spare capacity (hook ``capacity_extra``), and the units it
sells beyond its own capacity, ``s_L = max(0, u_L − capacity_L)``, are made by its suppliers pro
rata to their spare capacity. The leader pays ``supplier_price`` × its own unit cost (base
production cost c⁰_L) per unit; the engine has already charged it its own unit cost c_L on all
its units, so the transfers (line ``subcontracting``) are

    leader:   + (c_L − supplier_price · c⁰_L) · s_L
    supplier: + (supplier_price · c⁰_L − c_i) · m_i          (m_i the units it made)

Output is counted at the leader (it sells the units); employment follows the work: the leader's
labour counts only its own capacity, each supplier's counts the units it made (hook
``production_shift``). Sales remain limited by the leader's channel capacity.

**Research passed on** (``share_research``). Each effective-member leader passes what it knows
of the market (the signals it is aware of) to its licensees and suppliers, every period (hook
``information_links``).

**Membership counterfactual.** The licence fee is a member's marginal cost, so a joiner's
counterfactual pays it; a non-member SME's counterfactual also gets the supplier margin on its
share of this period's orders, and a non-member leader's the licence fees of the members that
would license it (hook ``member_transfers``). A leaver's outside profit has none of these. Not
counted: the sales a non-member leader would add by subcontracting, and stock effects (goodwill
damage), as everywhere in the one-period counterfactual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from clustermarketing.engine.mechanisms import Mechanism, Period, register


@dataclass(frozen=True)
class Orders:
    """This period's subcontracting: units leaders sourced and units suppliers made."""

    sourced: np.ndarray  # (n,) units a leader sold beyond its own capacity
    made: np.ndarray  # (n,) units a supplier made for its leader
    leader: np.ndarray  # (n,) the leader each supplier works for (-1: none)


def _largest_first(leaders: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Leader slots in descending order of capacity (ties by slot)."""
    return leaders[np.lexsort((leaders, -capacity[leaders]))]


def complementarity(sc: Any, n_segments: int) -> np.ndarray:
    """(S, S) segment complementarity: ``firms.complementarity``, default 1 across segments."""
    given = sc.firms.complementarity
    if given is not None:
        return np.asarray(given, dtype=float)
    return 1.0 - np.eye(n_segments)


def licensors(
    ties: sp.csr_matrix,
    capacity: np.ndarray,
    segment: np.ndarray,
    comp: np.ndarray,
    sme: np.ndarray,
    eligible: np.ndarray,
) -> np.ndarray:
    """(n,) the leader whose brand each SME would license (-1: none, or not an SME).

    A leader licenses only SMEs whose segment complements its own (``comp[s_i, s_L] > 0``:
    it does not lend its brand to a competitor). Among those: the largest eligible leader the SME
    is tied to, else the largest eligible leader.

    >>> ties = sp.csr_matrix(np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]))
    >>> comp = 1.0 - np.eye(2)
    >>> licensors(ties, np.array([10.0, 1.0, 1.0, 20.0]), np.array([0, 1, 0, 0]), comp,
    ...           np.array([False, True, True, False]), np.array([True, False, False, True])).tolist()
    [-1, 0, -1, -1]
    """
    out = np.full(sme.size, -1)
    fallback = np.full(sme.size, -1)
    for leader in _largest_first(np.flatnonzero(eligible), capacity)[::-1]:
        # the largest leader is written last
        ok = comp[segment, segment[leader]] > 0
        fallback[ok] = leader
        tied = ties.indices[ties.indptr[leader] : ties.indptr[leader + 1]]
        out[tied[ok[tied]]] = leader
    out = np.where(out < 0, fallback, out)
    out[~sme] = -1
    return out


def supplier_leaders(
    links: sp.csr_matrix, capacity: np.ndarray, candidate: np.ndarray, eligible: np.ndarray
) -> np.ndarray:
    """(n,) the leader each candidate supplier would work for (-1: none).

    The largest eligible leader it is linked to (``links``: strong ties and structure links).
    """
    out = np.full(candidate.size, -1)
    for leader in _largest_first(np.flatnonzero(eligible), capacity)[::-1]:
        tied = links.indices[links.indptr[leader] : links.indptr[leader + 1]]
        out[tied] = leader
    out[~candidate] = -1
    return out


@register
class Traction(Mechanism):
    """Leaders license their brand, subcontract to tied SMEs and pass on their research."""

    name = "traction"
    title = "Leading enterprise traction"
    config = "traction"

    def __init__(self, model: Any, sc: Any) -> None:
        super().__init__(model, sc)
        # who deals with whom is worked out once per period, at the period's first hook, so that
        # every hook of the period sees the same licensees and suppliers (later phases rewrite
        # prices and quality); a cache on the mechanism, never written into the state
        self._memo_period: Period | None = None
        self._memo: dict[Any, Any] = {}

    def _cached(self, p: Period, key: Any, compute: Any) -> Any:
        if self._memo_period is not p:
            self._memo_period, self._memo = p, {}
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        t = model.traction
        return bool(t.licensing or t.subcontracting or t.share_research)

    def init_state(self, world: Any, state: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        spare = np.maximum(0.0, world.capacity - state.output)
        zeros = np.zeros(world.n)
        return (
            {"traction_spare": spare, "traction_made": zeros, "traction_sourced": zeros.copy()},
            {"traction_t": -1},
        )

    # ---- who deals with whom -------------------------------------------------------------
    def _eligible(self, p: Period) -> np.ndarray:
        """Leaders that license and subcontract: effective members, active."""
        return p.world.leader & p.eff & p.state.active

    def _licensors(self, p: Period, eligible: np.ndarray | None = None) -> np.ndarray:
        if eligible is None:
            return self._cached(p, "licensors", lambda: self._find_licensors(p, None))
        return self._find_licensors(p, eligible)

    def _find_licensors(self, p: Period, eligible: np.ndarray | None) -> np.ndarray:
        if not self.cfg.licensing:
            return np.full(p.eff.size, -1)
        w = p.world
        sme = p.state.active & ~w.leader
        return licensors(
            w.ties,
            w.capacity,
            w.segment,
            complementarity(self.sc, w.n_segments),
            sme,
            self._eligible(p) if eligible is None else eligible,
        )

    def _price(self, p: Period) -> np.ndarray:
        """(n,) the supplier price a leader pays per unit: supplier_price × its own unit cost."""
        return self.cfg.supplier_price * p.world.base_cost

    def _suppliers(self, p: Period) -> np.ndarray:
        """(n,) the leader each firm would supply as an effective member (-1: none)."""
        return self._cached(p, "suppliers", lambda: self._find_suppliers(p))

    def _find_suppliers(self, p: Period) -> np.ndarray:
        w, state = p.world, p.state
        out = np.full(p.eff.size, -1)
        if not self.cfg.subcontracting:
            return out
        cand = state.active & ~w.leader & (state.quality >= self.cfg.supplier_quality)
        price = self._price(p)
        # a leader sources only while the supplier price is below what it sells for at home
        # (last period's price: every leader sells at home, at no distribution cost)
        sourcing = self._eligible(p) & (price < state.price[:, 0])
        lead = supplier_leaders(self._supply_links(p), w.capacity, cand, sourcing)
        # a supplier takes work only at a price covering its own unit cost
        has = lead >= 0
        ok = np.zeros_like(has)
        ok[has] = price[lead[has]] >= w.base_cost[has]
        return np.where(ok, lead, -1)

    def _supply_links(self, p: Period) -> sp.csr_matrix:
        """Who may supply whom: strong ties, and membership of the same branch of the
        cooperative's structure below its centre (seed 000: in the traction hierarchy the
        suppliers sit below the leading enterprise)."""
        w = p.world
        if p.structure is None or not p.structure.links:
            return w.strong
        # branches: connected components of the structure without its centre
        below = p.structure.adj[: w.n, : w.n]
        _, branch = connected_components(below, directed=False)
        lead = np.flatnonzero(w.leader & p.eff)
        if not lead.size:
            return w.strong
        mates = [np.flatnonzero(p.eff & (branch == branch[i])) for i in lead]
        rows = np.repeat(lead, [m.size for m in mates])
        same = sp.csr_matrix((np.ones(rows.size), (rows, np.concatenate(mates))), shape=(w.n, w.n))
        links = (w.strong + same).tocsr()
        links.data[:] = 1.0
        return links

    def _spare(self, p: Period) -> np.ndarray:
        return p.state.extra["traction_spare"]

    def _orders(self, p: Period, units: np.ndarray) -> Orders:
        """Units each eligible leader sourced beyond its capacity and who made them."""
        return self._cached(p, ("orders", id(units)), lambda: self._place_orders(p, units))

    def _place_orders(self, p: Period, units: np.ndarray) -> Orders:
        n = p.eff.size
        sourced, made = np.zeros(n), np.zeros(n)
        lead = np.where(p.eff, self._suppliers(p), -1)
        spare = np.where(lead >= 0, self._spare(p), 0.0)
        pool = np.bincount(
            np.maximum(lead, 0), weights=np.where(lead >= 0, spare, 0.0), minlength=n
        )
        eligible = self._eligible(p)
        sourced[eligible] = np.minimum(
            np.maximum(0.0, units[eligible] - p.world.capacity[eligible]), pool[eligible]
        )
        has = (lead >= 0) & (spare > 0)
        made[has] = sourced[lead[has]] * spare[has] / pool[lead[has]]
        return Orders(sourced, made, lead)

    # ---- member terms ----------------------------------------------------------------------
    def brand_utility(self, p: Period) -> np.ndarray:
        lic = self._licensors(p)
        out = np.zeros(lic.size)
        has = lic >= 0
        w = p.world
        comp = complementarity(self.sc, w.n_segments)[w.segment[has], w.segment[lic[has]]]
        out[has] = (
            self.cfg.goodwill_share
            * comp
            * self.sc.demand.goodwill_weight
            * np.log1p(p.state.goodwill[lic[has]])
        )
        return out

    def member_unit_cost(self, p: Period) -> np.ndarray:
        return np.where(self._licensors(p) >= 0, self.cfg.licence_fee, 0.0)

    def capacity_extra(self, p: Period) -> np.ndarray:
        n = p.eff.size
        lead = np.where(p.eff, self._suppliers(p), -1)
        has = lead >= 0
        return np.bincount(lead[has], weights=self._spare(p)[has], minlength=n)[:n]

    # ---- money -----------------------------------------------------------------------------
    def _licence_lines(self, p: Period, units: np.ndarray) -> np.ndarray:
        lic = np.where(p.eff, self._licensors(p), -1)
        has = lic >= 0
        paid = np.where(has, self.cfg.licence_fee * units, 0.0)
        n = lic.size
        received = np.bincount(lic[has], weights=paid[has], minlength=n)[:n]
        return received - paid

    def _subcontract_lines(self, p: Period, mkt: Any) -> np.ndarray:
        o = self._orders(p, mkt.units)
        price = self._price(p)
        out = (mkt.unit_cost - price) * o.sourced
        has = o.leader >= 0
        out[has] += (price[o.leader[has]] - mkt.unit_cost[has]) * o.made[has]
        return out

    def transfers(self, p: Period, mkt: Any) -> dict[str, np.ndarray]:
        out = {}
        if self.cfg.licensing:
            out["licence_fees"] = self._licence_lines(p, mkt.units)
        if self.cfg.subcontracting:
            out["subcontracting"] = self._subcontract_lines(p, mkt)
        return out

    def member_transfers(self, p: Period, mkt: Any) -> np.ndarray:
        w, state, eff = p.world, p.state, p.eff
        n = eff.size
        out = np.zeros(n)
        joiners = state.active & ~eff
        if self.cfg.subcontracting:
            # a non-member supplier's share of this period's orders at its leader
            o = self._orders(p, mkt.units)
            lead = np.where(joiners, self._suppliers(p), -1)
            has = lead >= 0
            spare = self._spare(p)
            pool = np.bincount(
                np.maximum(o.leader, 0), weights=np.where(o.leader >= 0, spare, 0.0), minlength=n
            )[:n]
            share = np.zeros(n)
            share[has] = spare[has] / np.maximum(pool[lead[has]] + spare[has], 1e-12)
            made = np.zeros(n)
            made[has] = o.sourced[lead[has]] * share[has]
            out[has] += (self._price(p)[lead[has]] - mkt.unit_cost[has]) * made[has]
        if self.cfg.licensing:
            # a non-member leader: the fees of the members that would license it if it joined
            base = self._eligible(p)
            licensees = eff & state.active & ~w.leader
            for leader in np.flatnonzero(joiners & w.leader):
                with_it = base.copy()
                with_it[leader] = True
                lic = self._licensors(p, with_it)
                out[leader] += self.cfg.licence_fee * mkt.units[licensees & (lic == leader)].sum()
        return out

    # ---- stocks, information, record --------------------------------------------------------
    def goodwill_change(self, p: Period, mkt: Any) -> np.ndarray:
        n = p.eff.size
        if not self.cfg.licensing:
            return np.zeros(n)
        lic = np.where(p.eff, self._licensors(p), -1)
        has = lic >= 0
        q = p.state.quality
        units = mkt.units
        shortfall = np.maximum(0.0, q[lic[has]] - q[has])
        brand_units = units + np.bincount(lic[has], weights=units[has], minlength=n)[:n]
        weighted = np.bincount(lic[has], weights=shortfall * units[has], minlength=n)[:n]
        damage = np.divide(weighted, brand_units, out=np.zeros(n), where=brand_units > 0)
        return -np.minimum(1.0, self.cfg.licence_damage * damage) * p.state.goodwill

    def _partners(self, p: Period) -> tuple[np.ndarray, np.ndarray]:
        """(receiver, leader) pairs of research sharing: effective licensees and suppliers."""
        lic = np.where(p.eff, self._licensors(p), -1)
        sup = np.where(p.eff, self._suppliers(p), -1)
        rows = np.concatenate([np.flatnonzero(lic >= 0), np.flatnonzero(sup >= 0)])
        cols = np.concatenate([lic[lic >= 0], sup[sup >= 0]])
        return rows, cols

    def quality_gain(self, p: Period, mkt: Any = None) -> np.ndarray:
        n = p.eff.size
        gain = np.zeros(n)
        if not self.cfg.share_research or self.cfg.know_how <= 0:
            return gain
        rows, cols = self._partners(p)
        q = p.state.quality
        # a firm both licensee and supplier of (the same or another) leader: the larger gap
        np.maximum.at(gain, rows, self.cfg.know_how * np.maximum(0.0, q[cols] - q[rows]))
        return gain

    def information_links(self, p: Period) -> sp.csr_matrix:
        n = p.eff.size
        if not self.cfg.share_research:
            return sp.csr_matrix((n, n))
        rows, cols = self._partners(p)
        links = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
        links.data[:] = 1.0  # a licensee that also supplies the leader counts once
        return links

    def update_state(
        self, p: Period, mkt: Any, books: Any
    ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        o = self._orders(p, mkt.units) if self.cfg.subcontracting else None
        n = p.eff.size
        made = o.made if o is not None else np.zeros(n)
        sourced = o.sourced if o is not None else np.zeros(n)
        spare = np.maximum(0.0, p.world.capacity - mkt.units)  # what own sales left free
        return (
            {"traction_spare": spare, "traction_made": made, "traction_sourced": sourced},
            {"traction_t": p.state.t},
        )

    def _this_period(self, p: Period) -> tuple[np.ndarray, np.ndarray]:
        """(made, sourced) of this period, as stored by ``update_state`` (which runs first)."""
        if p.state.cluster_extra["traction_t"] != p.state.t:
            raise RuntimeError("traction: the record ran before the period's update_state")
        return p.state.extra["traction_made"], p.state.extra["traction_sourced"]

    def production_shift(self, p: Period, mkt: Any) -> np.ndarray:
        made, sourced = self._this_period(p)
        return made - sourced

    def record(self, p: Period, mkt: Any, books: Any) -> dict[str, float]:
        lic = np.where(p.eff & p.state.active, self._licensors(p), -1)
        _, sourced = self._this_period(p)
        return {
            "licence_units": float(mkt.units[lic >= 0].sum()),
            "subcontract_units": float(sourced.sum()),
        }
