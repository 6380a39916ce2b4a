"""Shapley, sampled Shapley and Banzhaf values: axioms (Hypothesis) and published values."""

from fractions import Fraction
from math import factorial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from clustermarketing.games.cooperative import (
    TUGame,
    banzhaf,
    glove_game,
    shapley,
    shapley_sampled,
)


@st.composite
def tu_games(draw: st.DrawFn, min_n: int = 1, max_n: int = 6) -> TUGame:
    n = draw(st.integers(min_n, max_n))
    values = draw(arrays(np.float64, 1 << n, elements=st.floats(-50, 50, width=32)))
    values[0] = 0.0
    return TUGame(values)


def shapley_reference(game: TUGame) -> list[Fraction]:
    """Shapley (1953) formula with exact fractions, a Python loop over coalitions."""
    n = game.n
    phi = [Fraction(0)] * n
    for i in range(n):
        for mask in range(1 << n):
            if mask >> i & 1:
                continue
            s = bin(mask).count("1")
            weight = Fraction(factorial(s) * factorial(n - s - 1), factorial(n))
            phi[i] += weight * (Fraction(game.values[mask | 1 << i]) - Fraction(game.values[mask]))
    return phi


@settings(max_examples=40, deadline=None)
@given(tu_games())
def test_shapley_matches_exact_reference(game: TUGame) -> None:
    """Vectorised formula equals Shapley (1953), eq. (3), evaluated with exact fractions."""
    expected = [float(f) for f in shapley_reference(game)]
    np.testing.assert_allclose(shapley(game), expected, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(tu_games())
def test_shapley_efficiency_and_additivity(game: TUGame) -> None:
    """Shapley (1953) axioms: efficiency Σφ = v(N); additivity φ(v + w) = φ(v) + φ(w)."""
    phi = shapley(game)
    assert phi.sum() == pytest.approx(game.values[-1], abs=1e-9)
    other = TUGame(np.r_[0.0, game.values[1:][::-1]])  # another game on the same players
    np.testing.assert_allclose(
        shapley(TUGame(game.values + other.values)), phi + shapley(other), atol=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(tu_games(min_n=2), st.data())
def test_shapley_symmetry_and_null_player(game: TUGame, data: st.DataObject) -> None:
    """Shapley (1953) axioms: players with identical marginal contributions get the same value,
    and a null player (v(S ∪ i) = v(S) for all S) gets 0."""
    n = game.n
    i, j = data.draw(st.permutations(range(n)))[:2]
    # symmetrise i and j: v'(S) = v(swap_ij(S)) averaged with v(S)
    masks = np.arange(1 << n)
    bi, bj = (masks >> i) & 1, (masks >> j) & 1
    swapped = masks & ~((1 << i) | (1 << j)) | (bi << j) | (bj << i)
    sym = TUGame((game.values + game.values[swapped]) / 2)
    phi = shapley(sym)
    assert phi[i] == pytest.approx(phi[j], abs=1e-9)
    # make i a null player: v''(S) = v(S without i)
    null = TUGame(game.values[masks & ~(1 << i)])
    assert shapley(null)[i] == pytest.approx(0.0, abs=1e-12)
    assert banzhaf(null, normalized=False)[i] == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(tu_games(min_n=1))
def test_banzhaf_normalized_sums_to_one(game: TUGame) -> None:
    """Normalised Banzhaf index sums to 1 (Banzhaf 1965) unless all raw values are 0."""
    raw = banzhaf(game, normalized=False)
    norm = banzhaf(game)
    if abs(raw.sum()) > 1e-9:
        assert norm.sum() == pytest.approx(1.0)
        np.testing.assert_allclose(norm, raw / raw.sum())


def test_banzhaf_raw_glove() -> None:
    """Glove game (1 left, 2 right): the left owner swings in 3 of 4 coalitions of the others,
    each right owner only in {left} → raw Banzhaf (3/4, 1/4, 1/4) (Owen 1975)."""
    np.testing.assert_allclose(banzhaf(glove_game(1, 2), normalized=False), [0.75, 0.25, 0.25])


def test_shapley_twenty_players_is_efficient() -> None:
    """Exact Shapley on 2^20 coalitions (speed is measured in benchmarks/games.py, not here)."""
    rng = np.random.default_rng(0)
    game = TUGame(np.r_[0.0, rng.random((1 << 20) - 1)])
    phi = shapley(game)
    assert phi.sum() == pytest.approx(game.values[-1])


@pytest.mark.parametrize("method", ["plain", "antithetic", "stratified"])
def test_shapley_sampled_is_unbiased(method: str) -> None:
    """Castro, Gómez & Tejada (2009): the permutation estimator is unbiased, efficient, and its
    error is of the order of the reported standard error."""
    rng = np.random.default_rng(11)
    n = 8
    a = rng.random(n)

    def cost(s: np.ndarray) -> np.ndarray:
        return np.where(s.any(axis=1), 3.0 + (s @ a) ** 0.7, 0.0)

    exact = shapley(TUGame.from_function(n, cost, cost=True))
    est = shapley_sampled(cost, n=n, samples=4000, seed=5, method=method)
    assert est.values.sum() == pytest.approx(exact.sum(), rel=1e-12)
    assert np.all(np.abs(est.values - exact) <= 5 * est.stderr + 1e-12)
    # a TUGame argument gives the same as its function, and seeds reproduce
    again = shapley_sampled(TUGame.from_function(n, cost), samples=4000, seed=5, method=method)
    np.testing.assert_allclose(again.values, est.values)


def test_shapley_sampled_thousand_players() -> None:
    """Batched prefixes make 1,000 players cheap; the fixed cost F is handled by the exact
    first/last strata, so 400 orders give about 1% relative standard error."""
    rng = np.random.default_rng(2)
    n = 1000
    w = rng.uniform(1, 10, n)

    def cost(s: np.ndarray) -> np.ndarray:
        return np.where(s.any(axis=1), 50.0 + (s @ w) ** 0.8, 0.0)

    est = shapley_sampled(cost, n=n, samples=200, seed=3, method="stratified")
    assert est.values.sum() == pytest.approx(50.0 + w.sum() ** 0.8)
    assert np.median(est.stderr / est.values) < 0.02
    with pytest.raises(ValueError, match="n"):
        shapley_sampled(cost)
    with pytest.raises(ValueError, match="method"):
        shapley_sampled(cost, n=3, method="bogus")
