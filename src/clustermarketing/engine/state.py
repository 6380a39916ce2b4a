"""Simulation state as a structure of arrays (one slot per firm, stable ids).

Firms live in ``N`` slots fixed at build time: the initial firms and reserved slots for entrants
(``demography.max_firms_factor``). A firm's id is its slot; exit clears ``active`` but never
reuses the slot, so panels stay aligned. Fixed-shape arrays also keep random draws aligned across
a model and its baseline (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp


@dataclass
class World:
    """What does not change within a run: ties, markets, firm traits fixed at birth."""

    n: int  # slots (initial firms + reserved entrant slots)
    n_initial: int
    n_markets: int
    n_segments: int
    strong: sp.csr_matrix  # (n, n) symmetric 0/1
    weak: sp.csr_matrix  # (n, n) symmetric 0/1
    ties: sp.csr_matrix  # strong + weak, 0/1
    a: np.ndarray  # (M,) quality weight
    b: np.ndarray  # (M,) price sensitivity
    brand_sens: np.ndarray  # (M,)
    u0: np.ndarray  # (M,) outside utility
    entry_cost: np.ndarray  # (M,)
    trend: np.ndarray  # (M,)
    vol: np.ndarray  # (M,)
    leader: np.ndarray  # (n,) bool
    segment: np.ndarray  # (n,) int
    employees: np.ndarray  # (n,)
    capacity: np.ndarray  # (n,) units/period
    base_cost: np.ndarray  # (n,) CU/unit
    mo: np.ndarray  # (n,) market orientation
    growth: np.ndarray  # (n,) manager growth propensity
    xi: np.ndarray  # (n, M) taste shocks (drawn, or given by a firms CSV's taste_<market>)
    market_cost: np.ndarray  # (n, M) extra cost per unit sold in a market (unit_cost_<market>)
    own_channel: np.ndarray  # (n,) initial own channel capacity
    init_access: np.ndarray  # (n, M) bool
    init_cash: np.ndarray  # (n,)
    init_quality: np.ndarray  # (n,)
    institution_monitoring: float
    subsidy: float


@dataclass
class State:
    """What changes each period."""

    t: int
    active: np.ndarray  # (n,) bool
    born: np.ndarray  # (n,) int period of entry (-1 = not yet)
    died: np.ndarray  # (n,) int period of exit (-1 = alive or unborn)
    quality: np.ndarray
    goodwill: np.ndarray
    channel_added: np.ndarray
    access: np.ndarray  # (n, M) bool own access
    cash: np.ndarray
    member: np.ndarray  # bool
    contributes: np.ndarray  # bool
    trust: np.ndarray
    neg_benefit: np.ndarray  # int streak
    losses: np.ndarray  # int streak
    price: np.ndarray  # (n, M) warm start of the pricing game
    output: np.ndarray  # last period units sold
    revenue: np.ndarray  # last period revenue
    profit: np.ndarray  # last period profit
    net_benefit: np.ndarray  # last period net benefit of membership (members)
    payoff: np.ndarray  # last period imitation payoff
    market_size: np.ndarray  # (M,)
    regional_brand: float
    coop_access: np.ndarray  # (M,) bool markets the cooperative reaches
    coop_channel: float  # pooled channel capacity stock (units/period)
    reserve: float  # cooperative budget surplus carried over
    hub_alive: bool
    # signals (K slots)
    sig_active: np.ndarray  # (K,) bool
    sig_start: np.ndarray  # (K,) int
    sig_market: np.ndarray  # (K,) int
    sig_segment: np.ndarray  # (K,) int
    sig_new_market: np.ndarray  # (K,) bool
    sig_t90: np.ndarray  # (K,) int periods to 90% (-1 = not yet)
    aware: np.ndarray  # (n + 1, K) bool; row n is the structure's hub
    adapted: np.ndarray  # (n, K) bool
    signal_log: list[tuple[int, int]] = field(default_factory=list)  # (start, t90 or -1) closed
