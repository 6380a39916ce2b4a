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

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine import kernels
from clustermarketing.engine.state import State, World
from clustermarketing.scenario.schema import Scenario


@dataclass(frozen=True)
class Membership:
    """Membership after this period's decisions."""

    member: np.ndarray
    contributes: np.ndarray
    neg_benefit: np.ndarray
    joined: int
    left: int


def initial_membership(
    *,
    state: State,
    world: World,
    sc: Scenario,
    quality_ok: np.ndarray,
    u: np.ndarray,
    u2: np.ndarray,
) -> Membership:
    """Founding members at t = 0 (growth-seeking managers join more often)."""
    p = np.clip(2.0 * sc.membership.initial_share * world.growth, 0.0, 1.0)
    member = state.active & quality_ok & (u < p)
    contributes = member & (u2 < sc.contribution.initial_contribution)
    return Membership(member, contributes, state.neg_benefit, 0, 0)


def update_membership(
    *,
    state: State,
    world: World,
    sc: Scenario,
    quality_ok: np.ndarray,
    published: bool,
    u: np.ndarray,
    term: int = 0,
) -> Membership:
    """Leavers and joiners this period, from last period's value of membership.

    A member leaves after ``leave_after`` periods in a row in which it would have earned more
    outside (:mod:`.deviation`). A non-member that knows what membership brings — it has a member
    among its ties, or the structure's centre publishes the cooperative's results — joins with
    probability ``join_rate · max(0, tanh(g_i · V_i / max(decision_scale · R_i, 1)))`` where ``V_i`` is the
    profit it would have gained by being a member and ``g_i`` its manager's growth propensity
    (seed 001: growth-seeking managers cooperate more readily, stability-seeking ones hesitate).
    """
    cfg = sc.membership
    # a member under a committed term (contract) may not leave before it ends
    free_to_leave = state.t - state.joined_at >= term
    leave = state.member & (state.neg_benefit >= cfg.leave_after) & free_to_leave
    member = state.member & ~leave
    contributes = state.contributes & member
    neg_benefit = np.where(leave, 0, state.neg_benefit)
    if kernels.compiled():
        t = world.ties
        informed = kernels.any_neighbour_kernel(t.indptr, t.indices, t.data, member)
    else:
        informed = (world.ties @ member.astype(float)) > 0
    if published and member.any():
        informed = np.ones_like(informed)
    p = cfg.join_rate * np.maximum(
        0.0,
        np.tanh(
            world.growth
            * state.join_value
            / np.maximum(cfg.decision_scale * np.abs(state.revenue), 1.0)
        ),
    )
    join = state.active & ~member & quality_ok & informed & (u < p)
    # a new member starts with its committed contribution
    return Membership(
        member | join, contributes | join, neg_benefit, int(join.sum()), int(leave.sum())
    )


def imitate(
    *,
    state: State,
    sc: Scenario,
    neighbours: sp.csr_matrix,
    u_rev: np.ndarray,
    u_pick: np.ndarray,
    u_copy: np.ndarray,
    u_mut: np.ndarray,
) -> np.ndarray:
    """Fermi imitation of better-off member neighbours, then mutation: the new strategies."""
    cfg = sc.contribution
    mem = state.member
    contributes = state.contributes.copy()
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
        contributes[idx[copy]] = state.contributes[j[copy]]
    flip = mem & (u_mut < cfg.mutation)
    contributes[flip] = ~contributes[flip]
    return contributes & mem


def update_trust(*, state: State, sc: Scenario, observers: sp.csr_matrix) -> np.ndarray:
    """Trust follows the cooperation each firm observes among member neighbours: the new trust."""
    cfg = sc.trust
    if kernels.compiled():
        return kernels.trust_kernel(
            observers.indptr,
            observers.indices,
            observers.data,
            state.member,
            state.contributes,
            state.active,
            state.trust,
            float(cfg.threshold),
            float(cfg.gain),
            float(cfg.loss),
        )
    mem = state.member.astype(float)
    coop = (state.member & state.contributes).astype(float)
    seen = observers @ mem
    good = observers @ coop
    has = (seen > 0) & state.active
    up = has & (good >= cfg.threshold * seen)
    down = has & ~up
    trust = state.trust.copy()
    trust[up] += cfg.gain * (1.0 - trust[up])
    trust[down] *= 1.0 - cfg.loss
    return trust
