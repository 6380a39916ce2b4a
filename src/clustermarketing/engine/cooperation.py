"""Membership, contribution and trust (MODEL.md §6.2–6.3, §4 regulation; seeds 000, 001).

* Membership: a non-member joins with probability ``join_rate · max(0, tanh(g_i E_i / scale))``
  where ``E_i`` is the net benefit it observes among member neighbours (or, where the structure
  has a centre that publishes results, the members' mean) and ``g_i`` its manager's growth
  propensity (seed 001, "personal preference of manager"). A member leaves after
  ``leave_after`` periods of negative net benefit. Quality below the standard bars entry.
* Contribution: members revise their strategy by the Fermi rule — copy a neighbour j with
  probability ``1 / (1 + e^{−(π_j − π_i)/K})`` — plus mutation ``μ``. Payoffs are last period's
  profits per unit of capacity (so SMEs and leaders compare like with like), with the social
  cost of free-riding ``ν · trust`` subtracted (norms).
* Trust: rises by ``λ⁺ (1 − T)`` where the observed share of cooperating member neighbours is at
  least the threshold, else falls by ``λ⁻ T``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine.state import State, World
from clustermarketing.scenario.schema import Scenario


def initial_membership(
    state: State, world: World, sc: Scenario, quality_ok: np.ndarray, u: np.ndarray, u2: np.ndarray
) -> None:
    """Founding members at t = 0 (growth-seeking managers join more often)."""
    p = np.clip(2.0 * sc.membership.initial_share * world.growth, 0.0, 1.0)
    state.member = state.active & quality_ok & (u < p)
    state.contributes = state.member & (u2 < sc.contribution.initial_contribution)


def update_membership(
    state: State,
    world: World,
    sc: Scenario,
    quality_ok: np.ndarray,
    published: bool,
    u: np.ndarray,
) -> tuple[int, int]:
    """Leavers and joiners this period; returns (joined, left)."""
    cfg = sc.membership
    leave = state.member & (state.neg_benefit >= cfg.leave_after)
    state.member &= ~leave
    state.contributes &= state.member
    state.neg_benefit[leave] = 0
    m = state.member.astype(float)
    obs_n = world.ties @ m
    obs_sum = world.ties @ (m * state.net_benefit)
    expected = np.divide(obs_sum, obs_n, out=np.zeros_like(obs_sum), where=obs_n > 0)
    if published and state.member.any():
        mean_nb = float(state.net_benefit[state.member].mean())
        expected = np.where(obs_n > 0, expected, mean_nb)
    p = cfg.join_rate * np.maximum(0.0, np.tanh(world.growth * expected / cfg.decision_scale))
    join = state.active & ~state.member & quality_ok & (u < p)
    state.member |= join
    state.contributes |= join  # a new member starts with its committed contribution
    return int(join.sum()), int(leave.sum())


def imitate(
    state: State,
    world: World,
    sc: Scenario,
    neighbours: sp.csr_matrix,
    u_rev: np.ndarray,
    u_pick: np.ndarray,
    u_copy: np.ndarray,
    u_mut: np.ndarray,
) -> None:
    """Fermi imitation of better-off member neighbours, then mutation."""
    cfg = sc.contribution
    mem = state.member
    deg = np.diff(neighbours.indptr)
    revise = mem & (u_rev < cfg.imitation_rate) & (deg > 0)
    idx = np.flatnonzero(revise)
    if idx.size:
        pick = neighbours.indptr[idx] + np.minimum(
            (u_pick[idx] * deg[idx]).astype(np.int64), deg[idx] - 1
        )
        j = neighbours.indices[pick]
        ok = mem[j]
        z = np.clip((state.payoff[j] - state.payoff[idx]) / cfg.selection_noise, -50, 50)
        copy = ok & (u_copy[idx] < 1.0 / (1.0 + np.exp(-z)))
        state.contributes[idx[copy]] = state.contributes[j[copy]]
    flip = mem & (u_mut < cfg.mutation)
    state.contributes[flip] = ~state.contributes[flip]
    state.contributes &= mem


def update_trust(state: State, sc: Scenario, observers: sp.csr_matrix) -> None:
    """Trust follows the cooperation each firm observes among member neighbours."""
    cfg = sc.trust
    mem = state.member.astype(float)
    coop = (state.member & state.contributes).astype(float)
    seen = observers @ mem
    good = observers @ coop
    has = (seen > 0) & state.active
    up = has & (good >= cfg.threshold * seen)
    down = has & ~up
    state.trust[up] += cfg.gain * (1.0 - state.trust[up])
    state.trust[down] *= 1.0 - cfg.loss
