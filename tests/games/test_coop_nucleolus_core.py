"""Nucleolus, least core, core and game properties: known values and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from clustermarketing.games.cooperative import (
    TUGame,
    airport_game,
    core_contains,
    excesses,
    glove_game,
    is_balanced,
    is_convex,
    is_core_empty,
    is_monotone,
    is_superadditive,
    least_core,
    nucleolus,
    prenucleolus,
    shapley,
)
from clustermarketing.games.cooperative.tu import subset_sums


def majority3() -> TUGame:
    return TUGame.from_function(3, lambda s: (s.sum(axis=1) >= 2).astype(float))


def zeta(dividends: np.ndarray) -> np.ndarray:
    """v(S) = Σ_{T⊆S} d_T (Harsanyi 1959); d ≥ 0 gives a convex (supermodular) game."""
    v = dividends.astype(float).copy()
    n = v.size.bit_length() - 1
    for i in range(n):
        vv = v.reshape(1 << (n - i - 1), 2, 1 << i)
        vv[:, 1, :] += vv[:, 0, :]
    return v


@st.composite
def convex_games(draw: st.DrawFn, max_n: int = 6) -> TUGame:
    n = draw(st.integers(2, max_n))
    d = draw(arrays(np.float64, 1 << n, elements=st.floats(0, 10, width=32)))
    d[0] = 0.0
    return TUGame(zeta(d))


@st.composite
def imputable_games(draw: st.DrawFn, max_n: int = 5) -> TUGame:
    n = draw(st.integers(2, max_n))
    v = draw(arrays(np.float64, 1 << n, elements=st.integers(0, 20).map(float)))
    v[0] = 0.0
    v[-1] = max(v[-1], v[1 << np.arange(n)].sum())  # non-empty imputation set
    return TUGame(v)


def test_majority_game_empty_core_least_core() -> None:
    """Three-player majority game v(S) = 1 iff |S| ≥ 2 (Peleg & Sudhölter 2007, Example 2.2.x;
    Maschler, Peleg & Shapley 1979): the core is empty and the least core is the single point
    (1/3, 1/3, 1/3) with ε = 1/3 (each pair needs 1 − ε ≤ 2/3)."""
    game = majority3()
    assert is_core_empty(game)
    assert not is_balanced(game)
    eps, x = least_core(game)
    assert eps == pytest.approx(1 / 3, abs=1e-9)
    np.testing.assert_allclose(x, [1 / 3] * 3, atol=1e-9)
    np.testing.assert_allclose(nucleolus(game), [1 / 3] * 3, atol=1e-9)
    check = core_contains(game, [1 / 3] * 3)
    assert not check and check.excess == pytest.approx(1 / 3) and len(check.players) == 2


def test_glove_core_is_a_point() -> None:
    """Glove game L = {0}, R = {1, 2}: core = {(1, 0, 0)} (Shapley 1959), so the least-core value
    is 0 and the nucleolus and prenucleolus are (1, 0, 0)."""
    game = glove_game(1, 2)
    assert least_core(game).epsilon == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(nucleolus(game), [1, 0, 0], atol=1e-9)
    np.testing.assert_allclose(prenucleolus(game), [1, 0, 0], atol=1e-9)


def test_cost_game_conventions() -> None:
    """Cost games: core x(S) ≤ c(S), excess x(S) − c(S). Airport (1, 3, 6) with x = c-shares
    (0, 0, 6) is in the core; (2, 2, 2) is blocked by {0} (x_0 − c_0 = 1)."""
    game = airport_game([1, 3, 6])
    assert core_contains(game, [0, 0, 6])
    check = core_contains(game, [2, 2, 2])
    assert not check and check.players == ("0",) and check.excess == pytest.approx(1.0)
    np.testing.assert_allclose(excesses(game, [2, 2, 2])[[1, 3, 7]], [1, 1, 0])
    assert not is_core_empty(game)
    assert least_core(game).epsilon <= 0
    assert is_monotone(game) and is_superadditive(game) and is_convex(game)  # subadditive, concave


def test_core_contains_reports_inefficiency() -> None:
    """An allocation giving away less than v(N) is blocked by N itself."""
    check = core_contains(TUGame([0, 0, 0, 1]), [0.25, 0.25])
    assert not check and not check.efficient and check.coalition == 0b11
    assert check.excess == pytest.approx(0.5)


def test_imputation_set_empty_raises() -> None:
    """The nucleolus needs Σ v({i}) ≤ v(N) (Schmeidler 1969); the prenucleolus always exists."""
    game = TUGame([0, 2, 2, 3])
    with pytest.raises(ValueError, match="imputation set is empty"):
        nucleolus(game)
    np.testing.assert_allclose(prenucleolus(game), [1.5, 1.5])


@settings(max_examples=30, deadline=None)
@given(convex_games())
def test_convex_game_nucleolus_and_shapley_in_core(game: TUGame) -> None:
    """Shapley (1971): convex games have a non-empty core containing the Shapley value; the
    nucleolus is in the core whenever it is non-empty (Schmeidler 1969)."""
    assert is_convex(game) and is_superadditive(game) and is_balanced(game)
    assert core_contains(game, shapley(game), tol=1e-7)
    nu = nucleolus(game)
    assert core_contains(game, nu, tol=1e-7)
    np.testing.assert_allclose(prenucleolus(game), nu, atol=1e-6)  # equal when core non-empty


@settings(max_examples=40, deadline=None)
@given(imputable_games())
def test_nucleolus_in_least_core(game: TUGame) -> None:
    """The prenucleolus lies in the least core (Maschler, Peleg & Shapley 1979); the nucleolus
    is an imputation, and lies in the core when the core is non-empty."""
    eps, x = least_core(game)
    exc = excesses(game, x)[1:-1]
    assert exc.max() <= eps + 1e-7
    pre = prenucleolus(game)
    assert excesses(game, pre)[1:-1].max() <= eps + 1e-7
    nu = nucleolus(game)
    assert nu.sum() == pytest.approx(game.values[-1])
    assert np.all(nu >= game.values[1 << np.arange(game.n)] - 1e-7)
    if not is_core_empty(game):
        assert core_contains(game, nu, tol=1e-7)


@settings(max_examples=30, deadline=None)
@given(imputable_games(max_n=4))
def test_nucleolus_lexicographic_optimality(game: TUGame) -> None:
    """Schmeidler (1969) definition: no random imputation has a lexicographically smaller sorted
    excess vector than the nucleolus."""
    rng = np.random.default_rng(0)
    n = game.n
    lower = game.values[1 << np.arange(n)]
    slack = game.values[-1] - lower.sum()
    nu = nucleolus(game)
    best = np.sort(excesses(game, nu)[1:])[::-1]
    for _ in range(200):
        y = lower + slack * rng.dirichlet(np.ones(n))
        e = np.sort(excesses(game, y)[1:])[::-1]
        diff = e - best
        k = np.flatnonzero(np.abs(diff) > 1e-7)
        assert k.size == 0 or diff[k[0]] > 0


def test_properties_on_small_games() -> None:
    """Majority game: superadditive and monotone but not convex; a game with v({0,1}) < v({0})
    is neither superadditive nor monotone."""
    game = majority3()
    assert is_superadditive(game) and is_monotone(game) and not is_convex(game)
    bad = TUGame([0, 2, 0, 1])
    assert not is_superadditive(bad) and not is_monotone(bad)


def test_nucleolus_twenty_players_in_core() -> None:
    """Constraint generation solves the n = 20 nucleolus (speed: benchmarks/games.py)."""
    rng = np.random.default_rng(4)
    a = rng.random(20)
    game = TUGame(subset_sums(a) ** 1.5)
    nu = nucleolus(game)
    assert core_contains(game, nu, tol=1e-7)
