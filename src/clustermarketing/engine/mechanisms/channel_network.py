"""Channel network sharing: spare channel capacity rented to complementary members, and an online
platform (seed 000, "Channel Network Sharing Model"; seed 001 §3.2, "1 + 1 > 2").

**Renting spare channel capacity** (``channel_network.rent``). "A channel network within an
enterprise is mainly responsible for its own products, but in its channel system where spare
capacity is available, other enterprises in the cluster with their highly complementary products
can utilize the firm's distribution services" (seed 000). Each period, from last period:

* a member's *spare* own channel is ``spare_i = max(0, own_i − units_i)`` (own channel: built
  at birth plus own channel development, after this period's stock update);
* a member's *unmet need* is ``need_j = max(0, min(D_j, K_j) − own_j − pooled_j)``: the demand its
  production capacity could serve but its own channel (and its share of a pooled channel) could
  not carry.

Offers and requests are cleared over the structure's member-to-member links (the hub's row is
not a member) with the segment × segment complementarity ``c = firms.complementarity`` (default
1 between different segments, 0 within one): a unit of provider i's spare channel carries
``w_ij = c[seg_j, seg_i]`` units of renter j's goods, so substitutes (``c = 0``) are never
carried — a firm does not push a competitor's product through its own retailers — and partial
complements carry less. One clearing round: renter j asks ``a_j = min(need_j, Σ_i w_ij spare_i)``
and splits it over its linked providers in proportion to what each could carry for it,
``r_ij = a_j w_ij spare_i / Σ_k w_kj spare_k``; a provider whose requests need more capacity than
it has (``Σ_j r_ij / w_ij > spare_i``) grants each the same share of its request. Rounds repeat
on what is left (at most :data:`ROUNDS`). The renter's channel grows by what it was granted
(hook ``channel_extra``), the provider's shrinks by the capacity it reserved for it.

Contract: the renter pays ``channel_fee`` per unit of its goods that went through rented capacity
(its sales beyond its own channel, at most what it rented), the provider receives it, split over
its renters' grants (hook ``transfers``: lines ``channel_rent_paid`` and
``channel_rent_received``, which sum to zero).

**Online platform** (``channel_network.platform``). "Because of the high-tech industry cluster's
good grounding in communications infrastructure, the formation of enterprise clusters can be
carried out jointly by B2B and B2C" (seed 000). The platform opens ``platform_markets`` (empty:
every market but home) to every effective member that does not reach them itself (hook
``extra_access``), at ``platform_unit_fee`` per unit sold through it (hook ``route_cost``); the
cooperative pays ``platform_fixed_cost`` per period (hook ``pooled_cost``), split among the
contributors by the function–interest rule.

Own state: ``channel_network.spare``, ``.need`` and ``.own`` (the own channel capacity the
period starts with) per firm in ``state.extra``, and the last period's outcomes in
``state.cluster_extra['channel_network.period']``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine.mechanisms import Mechanism, Period, register
from clustermarketing.engine.mechanisms.intermediaries import covered_markets

_P = "channel_network."
#: clearing rounds per period (each clears what the previous left of needs and spare capacity)
ROUNDS = 3


def complementarity(sc: Any) -> np.ndarray:
    """The scenario's (S, S) segment complementarity (default: 1 off the diagonal, 0 on it).

    >>> import clustermarketing as cm
    >>> complementarity(cm.example("footwear")).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    given = sc.firms.complementarity
    k = len(sc.firms.segments)
    if given is None:
        return 1.0 - np.eye(k)
    return np.asarray(given, dtype=float)


Links = tuple[np.ndarray, np.ndarray, np.ndarray]  # (providers, renters, w) per directed link


def carry_weights(
    links: sp.spmatrix,
    segment: np.ndarray,
    comp: np.ndarray,
    providers: np.ndarray,
    renters: np.ndarray | None = None,
) -> Links:
    """Directed links from provider i to renter j with ``w_ij = c[seg_j, seg_i] > 0``, both
    effective members (``providers``) unless ``renters`` says otherwise.

    >>> links = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]]))
    >>> comp = np.array([[0.0, 1.0], [0.5, 0.0]])
    >>> i, j, w = carry_weights(links, np.array([0, 0, 1]), comp, np.array([True, True, True]))
    >>> i.tolist(), j.tolist(), w.tolist()
    ([0, 1, 2, 2], [2, 2, 0, 1], [0.5, 0.5, 1.0, 1.0])
    """
    renters = providers if renters is None else renters
    a = sp.csr_matrix(links)
    rows = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    cols = a.indices
    keep = providers[rows] & renters[cols] & (rows != cols)
    rows, cols = rows[keep], cols[keep]
    w = comp[segment[cols], segment[rows]]
    pos = w > 0
    return rows[pos], cols[pos], w[pos]


def clear_rentals(
    links: Links, spare: np.ndarray, need: np.ndarray, rounds: int = ROUNDS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clear offers of spare channel capacity against unmet needs over weighted links.

    ``links = (i, j, w)``: a unit of provider i's channel carries ``w`` units of renter j's
    goods. Returns the grant of every link (units of the renter's goods), each firm's rented
    capacity ``Σ_i g_ij`` and each firm's reserved (lent) capacity ``Σ_j g_ij / w_ij``.

    >>> links = (np.array([0, 0]), np.array([1, 2]), np.array([1.0, 0.5]))
    >>> g, rented, lent = clear_rentals(links, np.array([100.0, 0, 0]), np.array([0.0, 80.0, 60.0]))
    >>> [round(float(x), 3) for x in rented], [round(float(x), 3) for x in lent]
    ([0.0, 44.444, 27.778], [100.0, 0.0, 0.0])
    """
    rows, cols, w = links
    n = spare.size
    grants = np.zeros(rows.size)
    spare = spare.astype(float).copy()
    need = need.astype(float).copy()
    for _ in range(rounds):
        offer = w * spare[rows]  # what i could carry for j
        supply = np.bincount(cols, weights=offer, minlength=n)
        ask = np.minimum(need, supply)
        if not (ask > 1e-9).any():
            break
        per = np.divide(ask, supply, out=np.zeros(n), where=supply > 0)
        request = offer * per[cols]  # r_ij, renter units
        load = np.bincount(rows, weights=request / w, minlength=n)  # provider units
        f = np.where(load > spare, np.divide(spare, load, out=np.zeros(n), where=load > 0), 1.0)
        g = request * f[rows]
        grants += g
        spare = np.maximum(0.0, spare - np.bincount(rows, weights=g / w, minlength=n))
        need = np.maximum(0.0, need - np.bincount(cols, weights=g, minlength=n))
    rented = np.bincount(cols, weights=grants, minlength=n)
    lent = np.bincount(rows, weights=grants / w, minlength=n)
    return grants, rented, lent


@register
class ChannelNetwork(Mechanism):
    """Spare channel capacity rented to complementary members; an online platform."""

    name = "channel_network"
    title = "Channel network sharing: spare channel rented out, online platform"
    config = "channel_network"

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        cfg = model.channel_network
        return bool(model.cooperative) and (cfg.rent or cfg.platform)

    def __init__(self, model: Any, sc: Any) -> None:
        super().__init__(model, sc)
        self.comp = complementarity(sc)
        m_count = len(sc.markets)
        self.platform_markets = np.zeros(m_count, dtype=bool)
        if self.cfg.platform:
            cover = covered_markets(self.cfg.platform_markets, [m.name for m in sc.markets])
            self.platform_markets[cover] = True

    # ---- state ---------------------------------------------------------------------------
    def init_state(self, world: Any, state: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        own = world.own_channel + state.channel_added
        spare = np.where(state.active, np.maximum(0.0, own - state.output), 0.0)
        # nobody has asked yet: the first period's needs are learned from its market
        return {_P + "spare": spare, _P + "need": np.zeros_like(spare), _P + "own": own}, {
            _P + "period": {"channel_rented": 0.0, "platform_sales": 0.0}
        }

    def _clear(self, p: Period) -> tuple[Links, np.ndarray, np.ndarray, np.ndarray]:
        """This period's clearing: the links, each link's grant, rented and lent capacity."""
        n = p.world.n
        if not self.cfg.rent or p.structure is None or not p.eff.any():
            none = np.zeros(0, dtype=np.int64)
            return (none, none, np.zeros(0)), np.zeros(0), np.zeros(n), np.zeros(n)
        links = p.structure.adj[:n, :n]  # members only: the hub's row and column are dropped
        w = carry_weights(links, p.world.segment, self.comp, p.eff & p.state.active)
        ex = p.state.extra
        return (w, *clear_rentals(w, ex[_P + "spare"], ex[_P + "need"]))

    def _used(self, p: Period, mkt: Any, rented: np.ndarray) -> np.ndarray:
        """Units of each renter's goods that went through rented capacity this period: its
        sales beyond its own channel and pooled share, at most what it rented."""
        own = p.state.extra[_P + "own"] + mkt.channel_share
        return np.clip(mkt.units - own, 0.0, rented)

    # ---- hooks ---------------------------------------------------------------------------
    def channel_extra(self, p: Period) -> np.ndarray:
        _, _, rented, lent = self._clear(p)
        return rented - lent

    def transfers(self, p: Period, *, mkt: Any) -> dict[str, np.ndarray]:
        if not self.cfg.rent:
            return {}
        (rows, cols, _), grants, rented, _ = self._clear(p)
        used = self._used(p, mkt, rented)
        fee = self.cfg.channel_fee
        paid = fee * used
        # each provider gets the fee on its share of each renter's used capacity
        frac = np.divide(used, rented, out=np.zeros_like(used), where=rented > 0)
        received = fee * np.bincount(rows, weights=grants * frac[cols], minlength=used.size)
        return {"channel_rent_paid": -paid, "channel_rent_received": received}

    def joiner_channel(self, p: Period) -> tuple[np.ndarray, np.ndarray]:
        """What a non-member would rent and let if it joined.

        In a network structure a joiner's links to the members are its ties to them. As a
        renter it asks its unmet need of the spare capacity its tied members have left after
        this period's clearing; as a provider it offers its spare to the needs they have left.
        All non-members are cleared at once (a lower bound for one joiner alone); the fee is
        counted on everything rented and let (an upper bound of what is used).
        """
        n = p.world.n
        zero = np.zeros(n)
        s = p.structure
        if not self.cfg.rent or s is None or s.kind != "network" or not p.eff.any():
            return zero, zero
        _, _, rented_now, lent_now = self._clear(p)
        ex, state, w = p.state.extra, p.state, p.world
        members = p.eff & state.active
        joiners = state.active & ~p.eff
        spare_left = np.where(members, np.maximum(0.0, ex[_P + "spare"] - lent_now), 0.0)
        need_left = np.where(members, np.maximum(0.0, ex[_P + "need"] - rented_now), 0.0)
        as_renter = carry_weights(w.ties, w.segment, self.comp, members, joiners)
        _, rented, _ = clear_rentals(as_renter, spare_left, np.where(joiners, ex[_P + "need"], 0.0))
        as_provider = carry_weights(w.ties, w.segment, self.comp, joiners, members)
        grants, _, lent = clear_rentals(
            as_provider, np.where(joiners, ex[_P + "spare"], 0.0), need_left
        )
        let = np.bincount(as_provider[0], weights=grants, minlength=n)
        fee = self.cfg.channel_fee
        return rented - lent, fee * (let - rented)

    def extra_access(self, p: Period) -> np.ndarray:
        return np.broadcast_to(self.platform_markets[None, :], p.state.access.shape)

    def route_cost(self, p: Period) -> np.ndarray:
        fee = np.where(self.platform_markets, self.cfg.platform_unit_fee, 0.0)
        return np.broadcast_to(fee[None, :], p.state.access.shape)

    def pooled_cost(self, p: Period) -> float:
        return self.cfg.platform_fixed_cost if self.cfg.platform and p.eff.any() else 0.0

    def update_state(
        self, p: Period, *, mkt: Any, books: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        state, w = p.state, p.world
        _, _, rented, _ = self._clear(p)
        used = self._used(p, mkt, rented)
        demand = np.bincount(
            mkt.firm,
            weights=state.market_size[mkt.market] * p.seg_weight[w.segment[mkt.firm]] * mkt.share,
            minlength=w.n,
        )
        own_next = w.own_channel + state.channel_added  # after this period's stock update
        need = np.maximum(0.0, np.minimum(demand, w.capacity) - own_next - mkt.channel_share)
        spare = np.maximum(0.0, own_next - mkt.units)
        alive = state.active
        platform = mkt.via & self.platform_markets[mkt.market]
        return {
            _P + "spare": np.where(alive, spare, 0.0),
            _P + "need": np.where(alive, need, 0.0),
            _P + "own": own_next,
        }, {
            _P + "period": {
                "channel_rented": float(used.sum()),
                "platform_sales": float(mkt.sales[platform].sum()),
            }
        }

    def record(self, p: Period, *, mkt: Any, books: Any) -> dict[str, float]:
        return dict(p.state.cluster_extra[_P + "period"])


__all__ = ["ChannelNetwork", "carry_weights", "clear_rentals", "complementarity"]
