"""Market access: own entry, new markets from signals, the cooperative's reach, fairs.

Seed 000: market access and new-market development are marketing functions; pooled, the
cooperative pays a market's entry cost once and every member sells there through it; at a fair
(exhibition promotion) buyer matching opens a market a participant lacked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustermarketing.engine.context import Draws
from clustermarketing.engine.functions import F_INDEX, FunctionPlan
from clustermarketing.engine.state import State, World
from clustermarketing.scenario.model import ModelConfig


@dataclass(frozen=True)
class Access:
    """Who can sell where this period, and what opening markets cost."""

    avail: np.ndarray  # (n, M) bool: own access or the cooperative's, active firms only
    entry_paid: np.ndarray  # (n,) entry costs paid by firms alone
    coop_entry: float  # entry costs paid by the cooperative


def update_access(
    state: State,
    w: World,
    model: ModelConfig,
    plan: FunctionPlan,
    eff: np.ndarray,
    contrib: np.ndarray,
    fair: bool,
    d: Draws,
) -> Access:
    """Open markets for firms (alone), for the cooperative (pooled) and at fairs."""
    n = w.n
    entry_paid = np.zeros(n)
    coop_entry = 0.0
    # firms whose own market-access effort succeeds this period open the first market they lack
    tried = np.flatnonzero(
        (d.uniform("access") < plan.alone_rate(F_INDEX["market_access"])) & state.active
    )
    lacking = ~state.access[tried]
    gi = tried[lacking.any(axis=1)]
    first = np.argmax(lacking[lacking.any(axis=1)], axis=1)
    state.access[gi, first] = True
    entry_paid[gi] += w.entry_cost[first]
    nmd = F_INDEX["new_market_development"]
    for k in np.flatnonzero(state.sig_active & state.sig_new_market):
        mk = state.sig_market[k]
        ready = state.adapted[:, k] & state.active & ~state.access[:, mk]
        own = ready & (d.uniform("new_market", slot=int(k)) < plan.alone_rate(nmd))
        state.access[own, mk] = True
        entry_paid[own] += w.entry_cost[mk]
        if (
            plan.pooled[nmd]
            and not state.coop_access[mk]
            and (ready & eff).any()
            and d.uniform("coop_new_market", 1, slot=int(k))[0] < plan.pooled_rate(nmd)
        ):
            state.coop_access[mk] = True
            coop_entry += w.entry_cost[mk]
    ma = F_INDEX["market_access"]
    if (
        plan.pooled[ma]
        and not state.coop_access.all()
        and d.scalar("coop_access") < plan.pooled_rate(ma)
    ):
        mk = int(np.argmin(state.coop_access))
        state.coop_access[mk] = True
        coop_entry += w.entry_cost[mk]
    if fair:  # buyers matched at the fair open a market the firm still lacks
        matched = np.flatnonzero(contrib & (d.uniform("fair") < model.fairs.buyer_matching))
        lacking = ~state.access[matched]
        has = lacking.any(axis=1)
        state.access[matched[has], np.argmax(lacking[has], axis=1)] = True
    avail = (state.access | (eff[:, None] & state.coop_access[None, :])) & state.active[:, None]
    return Access(avail, entry_paid, coop_entry)
