"""The simulation's imitation phase agrees with the replicator model of MODEL.md §8.

On a complete network, pairwise Fermi imitation with weak selection follows the replicator
dynamics of the contribution game (Traulsen, Claussen & Hauert 2005): we drive the engine's own
``cooperation.imitate`` with the game's payoffs and compare where it goes with
``games.free_rider_replicator`` — with sanctions contribution takes over, without it dies out.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp

from clustermarketing.engine import cooperation
from clustermarketing.games import contribution_game_payoffs, free_rider_replicator

N = 300
BENEFIT, COST = 100.0, 40.0


def _simulate(monitoring: float, fine: float, x0: float, periods: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    complete = sp.csr_matrix(np.ones((N, N)) - np.eye(N))
    sc = SimpleNamespace(
        contribution=SimpleNamespace(selection_noise=200.0, mutation=0.0, imitation_rate=0.2)
    )
    state = SimpleNamespace(
        member=np.ones(N, dtype=bool),
        contributes=rng.random(N) < x0,
        payoff=np.zeros(N),
    )
    A = contribution_game_payoffs(BENEFIT, COST, monitoring, fine, exclusion=0.0)
    for _ in range(periods):
        x = state.contributes.mean()
        pi = A @ np.array([x, 1.0 - x])
        state.payoff = np.where(state.contributes, pi[0], pi[1])
        u = rng.random((4, N))
        state.contributes = cooperation.imitate(
            state=state,
            sc=sc,
            neighbours=complete,
            u_rev=u[0],
            u_pick=u[1],
            u_copy=u[2],
            u_mut=u[3],
        )
    return float(state.contributes.mean())


def _replicator(monitoring: float, fine: float, x0: float) -> float:
    traj = free_rider_replicator(x0, BENEFIT, COST, monitoring, fine, exclusion=0.0, dt=0.01)
    return next(itertools.islice(traj, 5000, None))


@pytest.mark.parametrize(("monitoring", "fine"), [(0.0, 0.0), (0.8, 100.0)])
def test_engine_imitation_follows_the_replicator(monitoring: float, fine: float) -> None:
    x0 = 0.5
    predicted = _replicator(monitoring, fine, x0)
    simulated = np.mean([_simulate(monitoring, fine, x0, 150, seed) for seed in range(3)])
    assert (predicted > x0) == (simulated > x0)
    assert simulated == pytest.approx(predicted, abs=0.15)
