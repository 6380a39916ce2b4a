"""Replicator dynamics, rest points, and the contributors-vs-free-riders game under regulation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from clustermarketing.games.noncooperative import (
    basin_boundary,
    contribution_game_payoffs,
    fermi_imitation_complete_graph,
    free_rider_replicator,
    free_rider_rest_points,
    hawk_dove,
    replicator,
    replicator_trajectory,
    rest_points,
)


def _by_point(points, x):
    [rp] = [rp for rp in points if np.allclose(rp.point, x)]
    return rp


def test_replicator_is_a_generator_on_the_simplex():
    gen = replicator(hawk_dove(2, 4), [0.9, 0.1], dt=0.05)
    first = next(gen)
    np.testing.assert_allclose(first, [0.9, 0.1])
    states = list(itertools.islice(gen, 100))  # unbounded unless the caller stops
    assert len(states) == 100
    assert all(np.isclose(s.sum(), 1) and np.all(s >= 0) for s in states)
    traj = replicator_trajectory(hawk_dove(2, 4), [0.9, 0.1], dt=0.05, steps=100)
    assert traj.shape == (101, 2)
    np.testing.assert_allclose(traj[1:], states)
    with pytest.raises(ValueError):
        next(replicator(np.eye(2), [0.5, 0.6]))


@pytest.mark.parametrize(("V", "C"), [(2.0, 4.0), (1.0, 3.0), (3.0, 4.0)])
def test_hawk_dove_mixed_ess_when_value_below_cost(V, C):
    # Maynard Smith (1982): for V < C the stable hawk share is V/C; both pure states unstable.
    points = rest_points(hawk_dove(V, C))
    assert len(points) == 3
    interior = _by_point(points, [V / C, 1 - V / C])
    assert interior.stable and interior.eigenvalues.real[0] < 0
    assert not _by_point(points, [1, 0]).stable
    assert not _by_point(points, [0, 1]).stable
    last = replicator_trajectory(hawk_dove(V, C), [0.05, 0.95], dt=0.05, steps=2000)[-1]
    assert last[0] == pytest.approx(V / C, abs=1e-4)


def test_hawk_dove_hawks_fixate_when_value_exceeds_cost():
    A = hawk_dove(4.0, 2.0)
    points = rest_points(A)
    assert _by_point(points, [1, 0]).stable
    assert not _by_point(points, [0, 1]).stable
    assert len(points) == 2  # no interior rest point
    last = replicator_trajectory(A, [0.01, 0.99], dt=0.05, steps=2000)[-1]
    assert last[0] > 0.999


def test_rock_paper_scissors_centre_is_not_asymptotically_stable():
    rps = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    centre = _by_point(rest_points(rps), [1 / 3] * 3)
    # Hofbauer & Sigmund (1998) §7.7: a centre, purely imaginary eigenvalues ±i/√3.
    np.testing.assert_allclose(np.sort(centre.eigenvalues.imag), [-(3**-0.5), 3**-0.5])
    np.testing.assert_allclose(centre.eigenvalues.real, 0, atol=1e-12)
    assert not centre.stable
    assert len(rest_points(rps)) == 4


def test_contribution_game_payoffs_match_definition():
    b, c, q, fine, nu, trust = 2.0, 1.0, 0.4, 1.5, 0.2, 0.5
    A = contribution_game_payoffs(b, c, q, fine, norm=nu, trust=trust)
    for x in (0.0, 0.3, 1.0):
        pi = A @ [x, 1 - x]
        assert pi[0] == pytest.approx(b * x - c)
        assert pi[1] == pytest.approx(b * x - q * (fine + b * x) - nu * trust)


def test_free_rider_dominance_and_bistability():
    # No regulation: free riding dominates.
    points, boundary = free_rider_rest_points(2.0, 1.0, monitoring=0.0, fine=0.0)
    assert boundary is None
    assert _by_point(points, [0, 1]).stable and not _by_point(points, [1, 0]).stable
    # Strong sanctions (q·F > cost): contributing dominates.
    points, boundary = free_rider_rest_points(2.0, 1.0, monitoring=0.5, fine=3.0)
    assert boundary is None and _by_point(points, [1, 0]).stable
    # Moderate sanctions plus exclusion: bistable, boundary x* = (c − qF)/(q·b) = 0.5.
    points, boundary = free_rider_rest_points(2.0, 1.0, monitoring=0.4, fine=1.5)
    assert boundary == pytest.approx(0.5)
    assert not _by_point(points, [0.5, 0.5]).stable
    for x0, end in ((0.45, 0.0), (0.55, 1.0)):
        last = list(free_rider_replicator(x0, 2.0, 1.0, 0.4, 1.5, dt=0.05, steps=1000))[-1]
        assert last == pytest.approx(end, abs=1e-3)
    # Trust-weighted norms substitute for fines.
    _, boundary_norm = free_rider_rest_points(2.0, 1.0, 0.4, 1.5, norm=0.5, trust=0.4)
    assert boundary_norm == pytest.approx(0.25)
    assert basin_boundary(hawk_dove(2, 4)) is None  # interior attractor, not a boundary


def _population_payoffs(A):
    def payoffs(strategies):
        x = np.mean(strategies == 0)
        return (A @ [x, 1 - x])[strategies]

    return payoffs


@pytest.mark.parametrize(
    ("monitoring", "fine", "x0"),
    [(0.6, 3.0, 0.3), (0.0, 0.0, 0.7), (0.4, 1.5, 0.7), (0.4, 1.5, 0.3)],
)
def test_fermi_imitation_tracks_replicator(monitoring, fine, x0):
    A = contribution_game_payoffs(2.0, 1.0, monitoring, fine)
    predicted = list(free_rider_replicator(x0, 2.0, 1.0, monitoring, fine, dt=0.05, steps=2000))[-1]
    seeds = np.random.SeedSequence(2024).spawn(4)
    finals = [
        fermi_imitation_complete_graph(
            400,
            _population_payoffs(A),
            x0,
            K=0.2,
            mu=0.01,
            periods=200,
            rng=np.random.default_rng(s),
        )[-1, 0]
        for s in seeds
    ]
    mean = float(np.mean(finals))
    assert np.sign(mean - x0) == np.sign(predicted - x0)  # same direction
    assert mean == pytest.approx(predicted, abs=0.05)  # mutation keeps a few of the loser alive


def test_fermi_imitation_reproducible_and_shaped():
    A = contribution_game_payoffs(2.0, 1.0, 0.4, 1.5)
    run = lambda seed: fermi_imitation_complete_graph(  # noqa: E731
        50, _population_payoffs(A), [0.5, 0.5], K=0.5, mu=0.05, periods=20, rng=seed
    )
    h = run(7)
    assert h.shape == (21, 2)
    np.testing.assert_allclose(h.sum(axis=1), 1)
    np.testing.assert_array_equal(h, run(7))
    assert h[0, 0] == 0.5
