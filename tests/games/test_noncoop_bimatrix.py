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


# --------------------------------------------------------------------------------------------
# Clean probability vectors (issue 16, fix 1) and extreme equilibria on degenerate games (fix 2)


def _assert_equilibria(eqs, expected):
    """Same list, in the same order, up to rounding."""
    assert len(eqs) == len(expected)
    for (x, y), (ex, ey) in zip(eqs, expected, strict=True):
        np.testing.assert_allclose(x, ex, atol=1e-12)
        np.testing.assert_allclose(y, ey, atol=1e-12)


def _is_probability_vector(z):
    return (
        z.dtype == np.float64
        and np.all(z >= 0)
        and not np.any(np.signbit(z))  # no -0.0
        and abs(z.sum() - 1.0) <= 1e-12
    )


# A 4×3 game whose vertex enumeration used to return x = (−8.7e-17, 0.41, 0.59, −0.0) and
# y = (0.8, 0.2, −0.0) (found by a random search against the previous implementation).
NOISY_4X3 = (
    np.array([[-2, -1, -3], [5, -4, 4], [3, 4, -4], [-1, 1, 0]], dtype=float),
    np.array([[2, 2, 2], [-5, 5, 1], [4, -3, -2], [4, -3, -5]], dtype=float),
)


@pytest.mark.parametrize("method", ["support", "vertex"])
def test_noisy_game_gives_clean_probability_vectors(method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        eqs = nash_equilibria(*NOISY_4X3, method=method)
    assert eqs
    for x, y in eqs:
        assert _is_probability_vector(x) and _is_probability_vector(y)
        np.random.default_rng(0).choice(len(x), p=x)  # accepted by NumPy as probabilities


@st.composite
def any_games(draw, integers_only=False, min_size=1, grid=False):
    """Small games, often degenerate: few distinct integer payoffs, or floats.

    ``grid=True`` draws floats on a grid of eighths: non-integer and often tied, but never tied
    only up to rounding noise (near-ties at the 1e-9 tie tolerance may be resolved differently by
    the two methods, see the module docstring).
    """
    m = draw(st.integers(min_size, 4))
    n = draw(st.integers(min_size, 4))
    if integers_only or draw(st.booleans()):
        elements = st.integers(-2, 2).map(float)
    elif grid:
        elements = st.integers(-80, 80).map(lambda k: k / 8)
    else:
        elements = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
    A = draw(hnp.arrays(np.float64, (m, n), elements=elements))
    B = draw(hnp.arrays(np.float64, (m, n), elements=elements))
    return A, B


def _nashpy_extreme(A, B):
    """nashpy's vertex enumeration (payoffs shifted positive, which it needs), deduplicated."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        raw = nashpy.Game(A - A.min() + 1, B - B.min() + 1).vertex_enumeration()
        out = []
        for x, y in raw:
            if not any(_close((x, y), e) for e in out):
                out.append((np.asarray(x), np.asarray(y)))
    return out


@settings(max_examples=80, deadline=None)
@given(any_games())
def test_every_strategy_is_a_probability_vector(game):
    A, B = game
    for method in ("support", "vertex"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateGameWarning)
            eqs = nash_equilibria(A, B, method=method)
        assert eqs  # every finite game has an equilibrium (Nash 1951), and an extreme one
        for x, y in eqs:
            assert _is_probability_vector(x) and _is_probability_vector(y)
            assert is_nash(A, B, x, y, tol=1e-7)


@settings(max_examples=80, deadline=None)
@given(any_games(grid=True))
def test_both_methods_return_the_same_extreme_equilibria(game):
    A, B = game
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        support = nash_equilibria(A, B, method="support")
        vertex = nash_equilibria(A, B, method="vertex")
    # Same promise, same order: exactly the extreme equilibria.
    assert len(support) == len(vertex)
    for (a, b), (c, d) in zip(support, vertex, strict=True):
        assert np.allclose(a, c, atol=1e-9) and np.allclose(b, d, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(any_games(integers_only=True, min_size=2))
def test_extreme_equilibria_match_nashpy_vertex_enumeration(game):
    # Integer payoffs in {-2..2}: mostly degenerate, and exact ties keep nashpy's labels reliable.
    A, B = game
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateGameWarning)
        ours = nash_equilibria(A, B, method="support")
    assert _same_sets(ours, _nashpy_extreme(A, B))


@pytest.mark.parametrize("method", ["support", "vertex"])
def test_all_zero_game_gives_the_four_pure_pairs(method):
    # Every strategy pair is an equilibrium; the equilibrium set Δ × Δ has the four pure pairs as
    # its extreme points (the support method used to return 9 points of the continuum).
    with pytest.warns(DegenerateGameWarning):
        eqs = nash_equilibria(np.zeros((2, 2)), np.zeros((2, 2)), method=method)
    e0, e1 = [1.0, 0.0], [0.0, 1.0]
    _assert_equilibria(eqs, [(e0, e0), (e0, e1), (e1, e0), (e1, e1)])


@pytest.mark.parametrize("method", ["support", "vertex"])
def test_unequal_supports_hand_solved(method):
    # Coordination for the row player (A = I), indifference for the column player (B = 0).
    # Derived by hand: x must be pure (B = 0 makes any mixed x non-extreme), y is a vertex iff
    # pure or (1/2, 1/2). Equilibria: {e0} × {y0 ≥ 1/2} ∪ {e1} × {y0 ≤ 1/2} ∪ Δ × {(1/2, 1/2)},
    # with extreme points (e0, e0), (e1, e1), (e0, ½½), (e1, ½½). The last two pair a support of
    # size 1 with one of size 2, which equal-size support enumeration cannot find.
    with pytest.warns(DegenerateGameWarning):
        eqs = nash_equilibria(np.eye(2), np.zeros((2, 2)), method=method)
    _assert_equilibria(
        eqs,
        [
            ([1.0, 0.0], [1.0, 0.0]),
            ([0.0, 1.0], [0.0, 1.0]),
            ([1.0, 0.0], [0.5, 0.5]),
            ([0.0, 1.0], [0.5, 0.5]),
        ],
    )


def test_degenerate_3x3_matches_nashpy():
    # A degenerate 3×3: rows 0 and 1 of A agree on columns 0 and 1, and the column player is
    # indifferent against row 2. Seven extreme equilibria, among them (½,½,0) against the pure
    # columns 0 and 1 and row 2 against the mixed (½,0,½) and (0,⅔,⅓).
    A = np.array([[2, 2, 0], [2, 2, 1], [0, 1, 3]], dtype=float)
    B = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 1]], dtype=float)
    with pytest.warns(DegenerateGameWarning):
        support = nash_equilibria(A, B, method="support")
    with pytest.warns(DegenerateGameWarning):
        vertex = nash_equilibria(A, B, method="vertex")
    reference = _nashpy_extreme(A, B)
    assert len(reference) == 7
    assert _same_sets(support, reference) and _same_sets(vertex, reference)


def test_nashpy_lexicographic_lemke_howson_game():
    # The degenerate game of Nashpy's tests/unit/test_lemke_howson_lex.py
    # (test_particular_lemke_howson_lex). Its Lemke–Howson paths end at 4 distinct equilibria;
    # there are 6 extreme equilibria, all of which both methods return (support enumeration
    # used to miss 2 and add a non-extreme point).
    A = np.array([[1, 3, 3], [3, 1, 3], [1, 3, 3]], dtype=float)
    B = np.array([[3, 3, 1], [1, 1, 3], [3, 1, 3]], dtype=float)
    expected = [
        ([1, 0, 0], [0, 1, 0]),
        ([0, 1, 0], [0, 0, 1]),
        ([0, 0, 1], [0, 0, 1]),
        ([1, 0, 0], [0.5, 0.5, 0]),
        ([0.5, 0.5, 0], [0, 0, 1]),
        ([0.5, 0.5, 0], [0.5, 0.5, 0]),
    ]
    reference = _nashpy_extreme(A, B)
    for method in ("support", "vertex"):
        with pytest.warns(DegenerateGameWarning):
            eqs = nash_equilibria(A, B, method=method)
        _assert_equilibria(eqs, expected)
        assert _same_sets(eqs, reference)
    # Every end point of nashpy's lexicographic Lemke–Howson is among them.
    for label in range(6):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lh = nashpy.Game(A, B).lemke_howson(initial_dropped_label=label)
        assert any(_close(lh, e) for e in eqs)
