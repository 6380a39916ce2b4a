"""Bimatrix games: equilibria cross-checked against nashpy and by best-response properties."""

from __future__ import annotations

import warnings

import nashpy
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from clustermarketing.games.noncooperative import (
    DegenerateGameWarning,
    is_best_response,
    is_nash,
    nash_equilibria,
)

RPS = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
CLASSIC = {
    # (A, B); Osborne (2004) ch. 2-4 conventions, strategy 0 = cooperate / heads / opera / rock.
    "prisoners_dilemma": (np.array([[3, 0], [5, 1]]), np.array([[3, 5], [0, 1]])),
    "matching_pennies": (np.array([[1, -1], [-1, 1]]), np.array([[-1, 1], [1, -1]])),
    "battle_of_sexes": (np.array([[3, 0], [0, 2]]), np.array([[2, 0], [0, 3]])),
    "rock_paper_scissors": (RPS, -RPS),
}


def _nashpy_equilibria(A, B):
    """Reference equilibria from nashpy (support enumeration, vertex enumeration)."""
    game = nashpy.Game(A, B)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return list(game.support_enumeration()), list(game.vertex_enumeration())


def _matches_nashpy(ours, A, B):
    """Our equilibria equal nashpy's support enumeration, or nashpy's vertex enumeration.

    nashpy's support enumeration tests ``prob >= 0`` and payoff maxima with exact float
    comparisons, so a forced zero computed as ``-1e-17`` can make it *miss* an equilibrium (it
    never invents one). So: its equilibria must be a subset of ours, and where it missed some,
    ours must equal nashpy's (independent) vertex enumeration.
    """
    se, ve = _nashpy_equilibria(A, B)
    if not all(any(_close(eq, o) for o in ours) for eq in se):
        return False
    return _same_sets(ours, se) or _same_sets(ours, ve)


def _close(e1, e2, atol=1e-7):
    return np.allclose(e1[0], e2[0], atol=atol) and np.allclose(e1[1], e2[1], atol=atol)


def _same_sets(ours, theirs, atol=1e-7):
    if len(ours) != len(theirs):
        return False
    return all(
        any(np.allclose(x, u, atol=atol) and np.allclose(y, v, atol=atol) for u, v in theirs)
        for x, y in ours
    )


@pytest.mark.parametrize("name", sorted(CLASSIC))
@pytest.mark.parametrize("method", ["support", "vertex"])
def test_classic_games_match_nashpy(name, method):
    A, B = CLASSIC[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateGameWarning)
        ours = nash_equilibria(A, B, method=method)
    assert _same_sets(ours, _nashpy_equilibria(A, B)[0])
    for x, y in ours:
        assert is_nash(A, B, x, y)


def test_known_values():
    A, B = CLASSIC["prisoners_dilemma"]
    [(x, y)] = nash_equilibria(A, B)
    np.testing.assert_allclose(x, [0, 1])
    np.testing.assert_allclose(y, [0, 1])
    eqs = nash_equilibria(*CLASSIC["battle_of_sexes"])
    # Pure equilibria first, then the mixed one x = (3/5, 2/5), y = (2/5, 3/5).
    np.testing.assert_allclose(eqs[0][0], [1, 0])
    np.testing.assert_allclose(eqs[1][0], [0, 1])
    np.testing.assert_allclose(eqs[2][0], [0.6, 0.4])
    np.testing.assert_allclose(eqs[2][1], [0.4, 0.6])
    [(x, y)] = nash_equilibria(*CLASSIC["rock_paper_scissors"])
    np.testing.assert_allclose(x, [1 / 3] * 3)


def test_helpers():
    A, B = CLASSIC["prisoners_dilemma"]
    assert is_best_response(A, [0, 1], [1, 0])
    assert not is_best_response(A, [1, 0], [1, 0])
    assert is_nash(A, B, [0, 1], [0, 1])
    assert not is_nash(A, B, [1, 0], [1, 0])
    assert not is_nash(A, B, [0.5, 0.6], [0, 1])  # not a probability vector


def test_degenerate_game_warns():
    A = np.array([[1, 1], [0, 0]])  # column player indifferent everywhere
    with pytest.warns(DegenerateGameWarning):
        eqs = nash_equilibria(A, np.ones((2, 2)))
    assert eqs and all(is_nash(A, np.ones((2, 2)), x, y) for x, y in eqs)
    with pytest.warns(DegenerateGameWarning):
        nash_equilibria(A, np.ones((2, 2)), method="vertex")


def test_bad_input():
    with pytest.raises(ValueError, match="equal shape"):
        nash_equilibria(np.ones((2, 2)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="method"):
        nash_equilibria(np.eye(2), np.eye(2), method="lemke")


@st.composite
def games(draw):
    m = draw(st.integers(2, 4))
    n = draw(st.integers(2, 4))
    # Distinct integer payoffs: no pure-strategy ties, so most draws are nondegenerate.
    ints = st.integers(-50, 50)
    A = draw(hnp.arrays(np.int64, (m, n), elements=ints, unique=True))
    B = draw(hnp.arrays(np.int64, (m, n), elements=ints, unique=True))
    return A.astype(float), B.astype(float)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)
@given(games())
def test_random_nondegenerate_games(game):
    A, B = game
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateGameWarning)
        try:
            support = nash_equilibria(A, B, method="support")
            vertex = nash_equilibria(A, B, method="vertex")
        except DegenerateGameWarning:
            assume(False)
    assert len(support) % 2 == 1  # nondegenerate games have an odd number of equilibria
    for x, y in support:
        assert is_nash(A, B, x, y)
    assert _same_sets(support, vertex)
    assert all(
        np.allclose(a, c) and np.allclose(b, d)
        for (a, b), (c, d) in zip(support, vertex, strict=True)
    )
    assert _matches_nashpy(support, A, B)
