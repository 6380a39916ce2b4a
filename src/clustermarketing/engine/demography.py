"""Exit and entry (MODEL.md §6.7; seed 003: successful clusters attract more new firms).

A firm exits after ``exit_after`` periods of losses in a row or when its cash falls below the
floor. Entrants arrive as ``Poisson(entry_rate · attractiveness · active firms)``, with free-entry
attractiveness ``max(0, cluster profit per unit of capacity / reference_return − 1)`` plus the
pull of mechanisms (a fair's, in fair periods). They take the next reserved slots (stable ids).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustermarketing.engine.state import State, World
from clustermarketing.scenario.schema import Scenario


@dataclass(frozen=True)
class Demography:
    """Firm-slot fields after exit and entry (new arrays), and the counts."""

    fields: dict[str, np.ndarray]
    entries: int
    exits: int


def exit_and_entry(
    *,
    state: State,
    world: World,
    sc: Scenario,
    profit: np.ndarray,
    pull: float,
    rng: np.random.Generator,
) -> Demography:
    """Remove failing firms and add entrants (pure: returns the changed firm fields)."""
    dg = sc.demography
    w = world
    t = state.t
    losses = np.where(state.active & (profit < 0), state.losses + 1, 0)
    exiting = state.active & ((losses >= dg.exit_after) | (state.cash < dg.cash_floor))
    active = state.active & ~exiting
    died = np.where(exiting, t, state.died)
    member = state.member & active
    contributes = state.contributes & active
    present = active | exiting
    ret = float(profit[present].sum()) / max(float(w.capacity[present].sum()), 1e-9)
    attract = max(0.0, ret / dg.reference_return - 1.0) + pull
    lam = dg.entry_rate * attract * float(active.sum())
    n_entry = int(rng.poisson(lam)) if lam > 0 else 0
    slots = np.flatnonzero(state.born < 0)[:n_entry]
    out = {
        "losses": losses,
        "active": active,
        "died": died,
        "member": member,
        "contributes": contributes,
    }
    if slots.size:
        born, cash, access = state.born.copy(), state.cash.copy(), state.access.copy()
        quality, trust = state.quality.copy(), state.trust.copy()
        output, revenue = state.output.copy(), state.revenue.copy()
        active[slots] = True
        born[slots] = t
        cash[slots] = w.init_cash[slots]
        access[slots] = w.init_access[slots]
        quality[slots] = w.init_quality[slots]
        trust[slots] = sc.trust.initial
        output[slots] = dg.initial_utilisation * w.capacity[slots]
        revenue[slots] = output[slots] * state.price[slots, 0]
        out.update(
            born=born,
            cash=cash,
            access=access,
            quality=quality,
            trust=trust,
            output=output,
            revenue=revenue,
        )
    return Demography(out, int(slots.size), int(exiting.sum()))
