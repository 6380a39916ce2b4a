"""Market access: own entry, new markets from signals, the cooperative's reach, fairs, upkeep.

Seed 000: market access and new-market development are marketing functions; pooled, the
cooperative pays a market's entry cost once and every member sells there through it; mechanisms
open more (e.g. buyer matching at a fair, :mod:`.mechanisms.fairs`).

Markets cost something to keep: own access to a market other than home costs its
``maintenance_cost`` every period and lapses when last period's margin there did not cover it.
The cooperative keeps a market for the ``k`` members that reach it only through it at
``maintenance_cost · k^θ`` (θ of pooled market access: scale economies, not a free ride), and
drops it when their margin there does not cover that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from clustermarketing.engine import kernels
from clustermarketing.engine.functions import F_INDEX
from clustermarketing.engine.mechanisms import Mechanisms, Period


@dataclass(frozen=True)
class Access:
    """Who can sell where this period, and what opening markets cost."""

    own: np.ndarray  # (n, M) bool: own access after this period's openings
    coop: np.ndarray  # (M,) bool: markets the cooperative reaches after this period's openings
    avail: np.ndarray  # (n, M) bool: own access or the cooperative's, active firms only
    entry_paid: np.ndarray  # (n,) entry costs paid by firms alone
    coop_entry: float  # entry costs paid by the cooperative
    via: np.ndarray  # (n, M) bool: pairs reached only through a mechanism's route
    own_maintenance: np.ndarray  # (n,) cost of keeping own access this period
    coop_maintenance: float  # cost of keeping the cooperative's markets this period
    lapsed: int  # own (firm, market) accesses that lapsed this period


def update_access(p: Period, *, hooks: Mechanisms) -> Access:
    """Open markets for firms (alone), for the cooperative (pooled), and through mechanisms.

    Pure: works on copies of the state's access arrays and returns them.
    """
    state, w, plan, d, eff = p.state, p.world, p.plan, p.draws, p.eff
    n = w.n
    maint = w.maintenance
    # access lapses where last period's margin did not cover its upkeep
    if kernels.compiled():
        access, lapsed = kernels.access_lapse_kernel(state.access, state.pair_margin, maint)
    else:
        lapse = state.access & (state.pair_margin < maint[None, :]) & (maint[None, :] > 0)
        access = state.access & ~lapse
        lapsed = int(lapse.sum())
    coop_access = state.coop_access.copy()
    theta = plan.theta[F_INDEX["market_access"]]
    if coop_access[1:].any():
        # the cooperative keeps a market while its members' margin there covers its upkeep
        users = eff[:, None] & ~access  # members reaching the market only through it
        k = users.sum(axis=0)
        margin = np.where(users & np.isfinite(state.pair_margin), state.pair_margin, 0.0).sum(
            axis=0
        )
        cost = maint * np.power(np.maximum(k, 1), theta)
        drop = coop_access & (maint > 0) & (k > 0) & (margin < cost)
        coop_access &= ~drop
    entry_paid = np.zeros(n)
    coop_entry = 0.0
    # firms whose own market-access effort succeeds this period open the first market they lack
    tried = np.flatnonzero(
        (d.uniform("access") < plan.alone_rate(F_INDEX["market_access"])) & state.active
    )
    lacking = ~access[tried]
    gi = tried[lacking.any(axis=1)]
    first = np.argmax(lacking[lacking.any(axis=1)], axis=1)
    access[gi, first] = True
    entry_paid[gi] += w.entry_cost[first]
    nmd = F_INDEX["new_market_development"]
    for k in np.flatnonzero(state.sig_active & state.sig_new_market):
        mk = state.sig_market[k]
        ready = state.adapted[:, k] & state.active & ~access[:, mk]
        own = ready & (d.uniform("new_market", slot=int(k)) < plan.alone_rate(nmd))
        access[own, mk] = True
        entry_paid[own] += w.entry_cost[mk]
        if (
            plan.pooled[nmd]
            and not coop_access[mk]
            and (ready & eff).any()
            and d.uniform("coop_new_market", 1, slot=int(k))[0] < plan.pooled_rate(nmd)
        ):
            coop_access[mk] = True
            coop_entry += w.entry_cost[mk]
    ma = F_INDEX["market_access"]
    if plan.pooled[ma] and not coop_access.all() and d.scalar("coop_access") < plan.pooled_rate(ma):
        mk = int(np.argmin(coop_access))
        coop_access[mk] = True
        coop_entry += w.entry_cost[mk]
    if hooks.has("open_markets"):  # e.g. buyers matched at a fair
        view = replace(p, state=replace(state, access=access))
        access |= hooks.call("open_markets", view)
    if kernels.compiled():
        avail, own_maint, users = kernels.access_final_kernel(
            access, eff, coop_access, state.active, maint
        )
    else:
        avail = (access | (eff[:, None] & coop_access[None, :])) & state.active[:, None]
        own_maint = np.zeros(n)  # summed market by market (a fixed order, unlike BLAS's)
        for mk in range(maint.size):
            own_maint += np.where(access[:, mk] & state.active, maint[mk], 0.0)
        users = (eff[:, None] & ~access & coop_access[None, :] & state.active[:, None]).sum(axis=0)
    via = np.zeros_like(avail)
    if hooks.has("extra_access"):  # intermediaries, a platform, partners' channels
        routes = hooks.call("extra_access", p) & eff[:, None] & state.active[:, None]
        via = routes & ~avail
        avail = avail | routes
    coop_maint = float(
        np.sum(np.where(users > 0, maint * np.power(np.maximum(users, 1), theta), 0.0))
    )
    return Access(
        access,
        coop_access,
        avail,
        entry_paid,
        coop_entry,
        via,
        own_maint,
        coop_maint,
        int(lapsed),
    )
