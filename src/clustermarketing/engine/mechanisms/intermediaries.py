"""Marketing intermediaries: the "see the customer" model (seed 000, Table 1; seed 001 §3.3).

Intermediaries ("see the customer" workers, traders, trading companies) are actors of their own.
Each of the ``count`` intermediaries present when the model switches on reaches ``reach``
consecutive markets of ``markets`` (round robin from its own position in the list), carries at
most ``order_capacity`` units of orders per period and has its own cost ``fixed_cost`` per period.
Their cluster state (``state.cluster_extra``): ``intermediaries.alive`` (K,), ``.reach`` (K, M),
``.earnings`` (K,) last period's earnings, ``.losses`` (K,) loss streak, ``.margin`` (M,) the
margin per unit an order is bargained over, ``.period`` the last period's outcomes.

**Contract: orders after bargaining.** The commission per unit in market m is the generalized
Nash bargaining solution between an intermediary (power β, disagreement payoff ``d_I`` per unit)
and a firm (disagreement payoff ``d_F`` per unit) over the margin ``m_m`` of an order::

    τ_m = argmax (τ − d_I)^β (m_m − τ − d_F)^(1−β) = d_I + β (m_m − d_I − d_F),  clipped to [0, m_m]

There is a bargain only where it has a surplus, ``m_m > d_I + d_F``; elsewhere the
intermediaries take no orders. ``m_m`` is last period's margin per unit of the direct
(non-intermediated) sales in market m (sales-weighted, every seller), so the bargain needs no
fixed point with this period's prices; at switch-on it is the mean of ``price − unit cost −
distribution cost`` over the firms selling there, or the logit markup ``1/b_m`` where nobody does.

**Access and rationing.** An effective member may sell through the intermediaries in every market
a surviving intermediary reaches and it does not reach itself (hook ``extra_access``), paying τ_m
per unit (hook ``route_cost``: a marginal cost in the pricing game and a cost line). Each market's
intermediated orders are split *evenly* among the intermediaries that reach it (they are
identical but for their markets, so no member has a reason to prefer one); an intermediary whose
orders exceed its capacity carries the share ``C / load`` of each, so member i's intermediated
sales in market m are its demand × ``Σ_k (1/n_m) min(1, C / load_k)`` (hook ``route_limit``).

**Function–interest: pay by performance.** An intermediary earns ``Σ_m τ_m × units it carried −
fixed_cost``; one that loses money ``exit_after`` periods in a row leaves for good.

**Regulation: relationship rules.** Intermediaries take orders only from members whose trust is at
least ``min_trust``: a member in a distrustful neighbourhood (where it has seen free-riding) is
refused, so the cooperation that builds trust is what opens the intermediaries' markets.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from clustermarketing.engine.mechanisms import Mechanism, Period, register

_P = "intermediaries."


def covered_markets(names: list[str], market_names: list[str]) -> np.ndarray:
    """Indices of the markets intermediaries (or a platform) cover: ``names`` or all but home.

    >>> covered_markets([], ["home", "national", "international"]).tolist()
    [1, 2]
    >>> covered_markets(["international"], ["home", "national", "international"]).tolist()
    [2]
    """
    if not names:
        return np.arange(1, len(market_names))
    return np.array([market_names.index(n) for n in names], dtype=np.int64)


def reach_matrix(count: int, reach: int, cover: np.ndarray, n_markets: int) -> np.ndarray:
    """(K, M) bool: intermediary k reaches ``reach`` consecutive covered markets from position k.

    >>> reach_matrix(3, 1, np.array([1, 2]), 3).astype(int).tolist()
    [[0, 1, 0], [0, 0, 1], [0, 1, 0]]
    """
    out = np.zeros((count, n_markets), dtype=bool)
    if count == 0 or cover.size == 0:
        return out
    k = np.arange(count)
    for j in range(min(reach, cover.size)):
        out[k, cover[(k + j) % cover.size]] = True
    return out


def nash_commission(
    margin: np.ndarray, power: float, d_intermediary: float, d_firm: float
) -> tuple[np.ndarray, np.ndarray]:
    """Commission per unit and whether a bargain exists, per market.

    The generalized Nash bargaining solution ``τ = d_I + β (m − d_I − d_F)`` clipped to
    ``[0, m]``; a bargain exists where the surplus ``m − d_I − d_F`` is positive.

    >>> tau, ok = nash_commission(np.array([4.0, 0.1]), 0.4, 0.2, 0.0)
    >>> [round(float(x), 6) for x in tau]
    [1.72, 0.1]
    >>> ok.tolist()
    [True, False]
    """
    surplus = margin - d_intermediary - d_firm
    tau = np.clip(d_intermediary + power * surplus, 0.0, np.maximum(margin, 0.0))
    return tau, surplus > 0


def ration(
    demand: np.ndarray, alive: np.ndarray, reach: np.ndarray, capacity: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rationing of each market's intermediated orders by the intermediaries' order capacity.

    ``demand`` (M,) orders per market; each market's orders are split evenly among the surviving
    intermediaries that reach it. Returns the factor applied to each market's orders (M,), each
    intermediary's carried units (K,) and the (K, M) matrix of units it carries per market.

    >>> g, carried, per = ration(np.array([0.0, 300.0, 100.0]), np.array([True, True]),
    ...                          np.array([[0, 1, 1], [0, 1, 0]], dtype=bool), 120.0)
    >>> [round(float(x), 4) for x in g], [round(float(x), 4) for x in carried]
    ([1.0, 0.64, 0.48], [120.0, 120.0])
    """
    carry = alive[:, None] & reach
    carriers = carry.sum(axis=0)
    share = carry / np.maximum(carriers, 1)[None, :]
    load = share @ demand
    f = np.where(
        load > capacity, np.divide(capacity, load, out=np.zeros_like(load), where=load > 0), 1.0
    )
    per = share * f[:, None] * demand[None, :]
    g = np.where(carriers > 0, (share * f[:, None]).sum(axis=0), 1.0)
    return g, per.sum(axis=1), per


@register
class Intermediaries(Mechanism):
    """Intermediaries bring orders from markets members cannot reach, for a bargained commission."""

    name = "intermediaries"
    title = "Marketing intermediaries bring orders for a bargained commission"
    config = "intermediaries"

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        return bool(model.cooperative) and model.intermediaries.count > 0

    # ---- state ---------------------------------------------------------------------------
    def init_state(self, world: Any, state: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        cfg, m_count = self.cfg, world.n_markets
        cover = covered_markets(cfg.markets, [m.name for m in self.sc.markets])
        k = cfg.count
        # the margin per unit of the firms selling in each market now (own access, last prices)
        sold = state.access & state.active[:, None] & np.isfinite(state.pair_margin)
        fi, fm = np.nonzero(sold)
        unit = world.base_cost[fi] + _extra_cost(world, self.sc, fi, fm)
        num = np.bincount(fm, weights=state.price[fi, fm] - unit, minlength=m_count)
        den = np.bincount(fm, minlength=m_count)
        margin = np.where(den > 0, num / np.maximum(den, 1), 1.0 / world.b)
        return {}, {
            _P + "alive": np.ones(k, dtype=bool),
            _P + "reach": reach_matrix(k, cfg.reach, cover, m_count),
            _P + "earnings": np.zeros(k),
            _P + "losses": np.zeros(k, dtype=np.int64),
            _P + "margin": margin,
            _P + "period": dict.fromkeys(
                ("intermediated_sales", "commission_paid", "intermediaries", "carried"), 0.0
            ),
        }

    def _terms(self, p: Period) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """This period's commission (M,), markets served (M,), survivors (K,), reach (K, M)."""
        cx, cfg = p.state.cluster_extra, self.cfg
        alive, reach = cx[_P + "alive"], cx[_P + "reach"]
        tau, bargain = nash_commission(
            cx[_P + "margin"],
            cfg.bargaining_power,
            cfg.intermediary_disagreement,
            cfg.firm_disagreement,
        )
        served = (alive[:, None] & reach).any(axis=0) & bargain
        return tau, served, alive, reach

    # ---- hooks ---------------------------------------------------------------------------
    def extra_access(self, p: Period) -> np.ndarray:
        _, served, _, _ = self._terms(p)
        trusted = p.state.trust >= self.cfg.min_trust
        return trusted[:, None] & served[None, :]

    def route_cost(self, p: Period) -> np.ndarray:
        tau, served, _, _ = self._terms(p)
        return np.broadcast_to(np.where(served, tau, 0.0), p.state.access.shape)

    def route_limit(
        self, p: Period, *, fi: np.ndarray, fm: np.ndarray, via: np.ndarray, demand: np.ndarray
    ) -> np.ndarray:
        _, served, alive, reach = self._terms(p)
        mine = via & served[fm]
        orders = np.bincount(fm[mine], weights=demand[mine], minlength=reach.shape[1])
        g, _, _ = ration(orders, alive, reach, self.cfg.order_capacity)
        return np.where(mine, g[fm], 1.0)

    def update_state(
        self, p: Period, *, mkt: Any, books: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        cfg = self.cfg
        cx = p.state.cluster_extra
        tau, served, alive, reach = self._terms(p)
        m_count = reach.shape[1]
        mine = mkt.via & served[mkt.market]
        # the orders before rationing: this period's sales through the intermediaries / rationing
        rf = mkt.route_factor[mine]
        orders = np.bincount(
            mkt.market[mine],
            weights=np.divide(mkt.sales[mine], rf, out=np.zeros_like(rf), where=rf > 0),
            minlength=m_count,
        )
        _, carried, per = ration(orders, alive, reach, cfg.order_capacity)
        earnings = np.where(alive, per @ tau - cfg.fixed_cost, 0.0)
        losses = np.where(
            alive, np.where(earnings < 0, cx[_P + "losses"] + 1, 0), cx[_P + "losses"]
        )
        # the margin of next period's bargain: this period's direct sales in each market
        direct = ~mkt.via
        num = np.bincount(mkt.market[direct], weights=mkt.margin[direct], minlength=m_count)
        den = np.bincount(mkt.market[direct], weights=mkt.sales[direct], minlength=m_count)
        margin = np.where(den > 0, num / np.where(den > 0, den, 1.0), cx[_P + "margin"])
        sold = np.bincount(mkt.market[mine], weights=mkt.sales[mine], minlength=m_count)
        return {}, {
            _P + "alive": alive & (losses < cfg.exit_after),
            _P + "earnings": earnings,
            _P + "losses": losses,
            _P + "margin": margin,
            _P + "period": {
                "intermediated_sales": float(sold.sum()),
                "commission_paid": float(sold @ tau),
                "intermediaries": float(alive.sum()),
                "carried": float(carried.sum()),
            },
        }

    def record(self, p: Period, *, mkt: Any, books: Any) -> dict[str, float]:
        # update_state ran before the record: it kept this period's outcomes
        out = p.state.cluster_extra[_P + "period"]
        return {k: out[k] for k in ("intermediated_sales", "commission_paid", "intermediaries")}


def _extra_cost(world: Any, sc: Any, fi: np.ndarray, fm: np.ndarray) -> np.ndarray:
    """Distribution (outside home) and market cost per unit of (firm, market) pairs (as
    :func:`clustermarketing.engine.market.pair_extra_cost`, which needs a whole period)."""
    dist = np.zeros(world.n_markets)
    dist[1:] = sc.demand.distribution_cost
    return dist[fm] + world.market_cost[fi, fm]


__all__ = ["Intermediaries", "covered_markets", "nash_commission", "ration", "reach_matrix"]
