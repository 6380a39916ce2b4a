"""Exit and entry (MODEL.md §6.7; seed 003: successful clusters attract more new firms).

A firm exits after ``exit_after`` periods of losses in a row or when its cash falls below the
floor. Entrants arrive as ``Poisson(entry_rate · attractiveness · active firms)``, with free-entry
attractiveness ``max(0, cluster profit per unit of capacity / reference_return − 1)`` plus the
fair's pull in fair periods. They take the next reserved slots (stable ids).
"""

from __future__ import annotations

import numpy as np

from clustermarketing.engine.state import State, World
from clustermarketing.scenario.schema import Scenario


def exit_and_entry(
    state: State, w: World, sc: Scenario, profit: np.ndarray, boost: float, rng: np.random.Generator
) -> tuple[int, int]:
    """Remove failing firms and add entrants; returns (entries, exits)."""
    dg = sc.demography
    t = state.t
    state.losses = np.where(state.active & (profit < 0), state.losses + 1, 0)
    exiting = state.active & ((state.losses >= dg.exit_after) | (state.cash < dg.cash_floor))
    state.active &= ~exiting
    state.died[exiting] = t
    state.member &= state.active
    state.contributes &= state.active
    present = state.active | exiting
    ret = float(profit[present].sum()) / max(float(w.capacity[present].sum()), 1e-9)
    attract = max(0.0, ret / dg.reference_return - 1.0) + boost
    lam = dg.entry_rate * attract * float(state.active.sum())
    n_entry = int(rng.poisson(lam)) if lam > 0 else 0
    slots = np.flatnonzero(state.born < 0)[:n_entry]
    if slots.size:
        state.active[slots] = True
        state.born[slots] = t
        state.cash[slots] = w.init_cash[slots]
        state.access[slots] = w.init_access[slots]
        state.quality[slots] = w.init_quality[slots]
        state.trust[slots] = sc.trust.initial
        state.output[slots] = 0.6 * w.capacity[slots]
        state.revenue[slots] = state.output[slots] * state.price[slots, 0]
    return int(slots.size), int(exiting.sum())
