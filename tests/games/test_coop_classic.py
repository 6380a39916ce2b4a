"""Regression of classic cooperative games against published and closed-form values."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clustermarketing.games.cooperative import (
    BANKRUPTCY_RULES,
    airport_game,
    airport_shapley,
    bankruptcy_game,
    bankruptcy_rule,
    banzhaf,
    banzhaf_index,
    core_contains,
    glove_game,
    is_core_empty,
    nucleolus,
    shapley,
    shapley_shubik_index,
    weighted_voting_game,
)

CLAIMS = [100, 200, 300]
#: Aumann & Maschler (1985), Table 1: the Talmud's division of estates 100/200/300.
TALMUD_TABLE = {
    100: [Fraction(100, 3)] * 3,
    200: [Fraction(50), Fraction(75), Fraction(75)],
    300: [Fraction(50), Fraction(100), Fraction(150)],
}


@pytest.mark.parametrize("estate", [100, 200, 300])
def test_talmud_rule_matches_aumann_maschler(estate: int) -> None:
    """Aumann, R. J. & Maschler, M. (1985). Game theoretic analysis of a bankruptcy problem from
    the Talmud. J. Economic Theory 36, 195–213, Table 1 (claims 100, 200, 300)."""
    expected = np.array([float(f) for f in TALMUD_TABLE[estate]])
    np.testing.assert_allclose(bankruptcy_rule(estate, CLAIMS, "talmud"), expected, atol=1e-12)


@pytest.mark.parametrize("estate", [100, 200, 300])
def test_bankruptcy_nucleolus_is_talmud(estate: int) -> None:
    """Aumann & Maschler (1985), Theorem A: the nucleolus of the bankruptcy game is the Talmud
    rule."""
    expected = np.array([float(f) for f in TALMUD_TABLE[estate]])
    np.testing.assert_allclose(nucleolus(bankruptcy_game(estate, CLAIMS)), expected, atol=1e-7)


@settings(max_examples=25, deadline=None)
@given(
    claims=st.lists(st.integers(1, 60), min_size=2, max_size=6),
    share=st.floats(0.0, 1.0),
)
def test_bankruptcy_nucleolus_equals_talmud_random(claims: list[int], share: float) -> None:
    """Aumann & Maschler (1985), Theorem A, on random problems."""
    estate = share * sum(claims)
    np.testing.assert_allclose(
        nucleolus(bankruptcy_game(estate, claims)),
        bankruptcy_rule(estate, claims, "talmud"),
        atol=1e-6,
    )


@settings(max_examples=40, deadline=None)
@given(
    claims=st.lists(st.floats(0, 100), min_size=1, max_size=8),
    share=st.floats(0.0, 1.0),
    rule=st.sampled_from(BANKRUPTCY_RULES),
)
def test_bankruptcy_rules_are_feasible(claims: list[float], share: float, rule: str) -> None:
    """Every rule divides exactly the estate with 0 ≤ x_i ≤ d_i (Thomson 2003, §2)."""
    estate = share * sum(claims)
    x = bankruptcy_rule(estate, claims, rule)
    assert x.sum() == pytest.approx(estate, abs=1e-9)
    assert np.all(x >= -1e-9) and np.all(x <= np.asarray(claims) + 1e-9)


def test_cea_and_cel_known_values() -> None:
    """Thomson, W. (2003). Axiomatic and game-theoretic analysis of bankruptcy and taxation
    problems: a survey. Math. Social Sciences 45, 249–297 (CEA / CEL definitions)."""
    np.testing.assert_allclose(
        bankruptcy_rule(200, CLAIMS, "constrained_equal_awards"), [200 / 3] * 3
    )
    np.testing.assert_allclose(
        bankruptcy_rule(400, CLAIMS, "constrained_equal_awards"), [100, 150, 150]
    )
    np.testing.assert_allclose(
        bankruptcy_rule(200, CLAIMS, "constrained_equal_losses"), [0, 50, 150]
    )
    np.testing.assert_allclose(bankruptcy_rule(300, CLAIMS, "proportional"), [50, 100, 150])
    with pytest.raises(ValueError, match="valid"):
        bankruptcy_rule(100, CLAIMS, "nope")


def test_airport_shapley_closed_form() -> None:
    """Littlechild, S. C. & Owen, G. (1973). A simple expression for the Shapley value in a
    special case. Management Science 20(3), 370–372: each runway segment is split equally among
    its users. Costs (1, 3, 6): φ = (1/3, 1/3 + 1, 1/3 + 1 + 3)."""
    expected = [Fraction(1, 3), Fraction(4, 3), Fraction(13, 3)]
    np.testing.assert_allclose(airport_shapley([1, 3, 6]), [float(f) for f in expected])
    np.testing.assert_allclose(shapley(airport_game([1, 3, 6])), [float(f) for f in expected])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=9))
def test_airport_shapley_equals_exact(costs: list[int]) -> None:
    """Littlechild & Owen (1973) closed form equals the exact Shapley value of C(S) = max c."""
    np.testing.assert_allclose(shapley(airport_game(costs)), airport_shapley(costs), atol=1e-9)


def test_airport_nucleolus_known_value() -> None:
    """Littlechild, S. C. (1974). A simple expression for the nucleolus in a special case.
    Int. J. Game Theory 3, 21–29. Costs (1, 3, 6), by hand with x(N) = 6: the excesses pair up as
    (x1 − 1, −x1), (x2 − 3, −x2), (x3 − 6, 3 − x3); stage 1 gives x1 = 1/2 (level −1/2), stage 2
    on x2 + x3 = 11/2 balances x2 − 5/2 against −x2: x = (1/2, 5/4, 17/4)."""
    game = airport_game([1, 3, 6])
    np.testing.assert_allclose(nucleolus(game), [0.5, 1.25, 4.25], atol=1e-8)
    assert core_contains(game, nucleolus(game))


def test_un_security_council_shapley_shubik() -> None:
    """Shapley, L. S. & Shubik, M. (1954). A method for evaluating the distribution of power in a
    committee system. APSR 48, 787–792, and Owen, G. Game Theory (3rd ed., 1995), §XII.2: the
    UN Security Council (5 permanent members with veto, 10 others, 9 votes needed) as
    [39; 7,7,7,7,7,1,…,1]: permanent 421/2145 ≈ 0.19627, non-permanent 4/2145 ≈ 0.001865."""
    weights = [7] * 5 + [1] * 10
    ssi = shapley_shubik_index(weights, 39)
    np.testing.assert_allclose(ssi[:5], 421 / 2145, rtol=1e-12)
    np.testing.assert_allclose(ssi[5:], 4 / 2145, rtol=1e-10)
    np.testing.assert_allclose(shapley(weighted_voting_game(weights, 39)), ssi, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(st.integers(0, 12), min_size=1, max_size=10),
    quota_share=st.floats(0.05, 1.0),
)
def test_voting_dp_matches_explicit_game(weights: list[int], quota_share: float) -> None:
    """The DP/quadrature indices equal exact Shapley and Banzhaf of the explicit 2^n game."""
    quota = max(quota_share * sum(weights), 0.5)
    game = weighted_voting_game(weights, quota)
    np.testing.assert_allclose(shapley_shubik_index(weights, quota), shapley(game), atol=1e-10)
    np.testing.assert_allclose(
        banzhaf_index(weights, quota, normalized=False), banzhaf(game, normalized=False), atol=1e-10
    )
    np.testing.assert_allclose(banzhaf_index(weights, quota), banzhaf(game), atol=1e-10)


def test_voting_indices_hundreds_of_players() -> None:
    """Pseudo-polynomial DP handles 400 players: the index sums to 1, equal weights get equal
    power, and a uniform game gives 1/n (Shapley & Shubik 1954, symmetry and efficiency)."""
    rng = np.random.default_rng(7)
    weights = rng.integers(1, 30, 400)
    ssi = shapley_shubik_index(weights, weights.sum() / 2)
    assert ssi.sum() == pytest.approx(1.0, abs=1e-9)
    assert np.all(ssi >= 0)
    for w in np.unique(weights):
        assert np.ptp(ssi[weights == w]) < 1e-12
    assert np.all(np.diff(ssi[np.argsort(weights)]) >= -1e-12)  # more weight, no less power
    np.testing.assert_allclose(shapley_shubik_index([1] * 300, 151), 1 / 300, rtol=1e-9)
    bz = banzhaf_index(weights, weights.sum() / 2)
    assert bz.sum() == pytest.approx(1.0)


def test_banzhaf_index_textbook() -> None:
    """Banzhaf (1965); [3; 2, 1, 1]: swings 3, 1, 1 of 4 coalitions each → raw (3/4, 1/4, 1/4),
    normalised (3/5, 1/5, 1/5)."""
    np.testing.assert_allclose(banzhaf_index([2, 1, 1], 3, normalized=False), [0.75, 0.25, 0.25])
    np.testing.assert_allclose(banzhaf_index([2, 1, 1], 3), [0.6, 0.2, 0.2])


def test_glove_game() -> None:
    """Glove market with one left and two right gloves (Shapley 1959; Osborne & Rubinstein 1994,
    Example 259.1): core = {(1, 0, 0)}, nucleolus (1, 0, 0), Shapley (2/3, 1/6, 1/6)."""
    game = glove_game(1, 2)
    np.testing.assert_allclose(shapley(game), [2 / 3, 1 / 6, 1 / 6], atol=1e-12)
    np.testing.assert_allclose(nucleolus(game), [1, 0, 0], atol=1e-9)
    assert core_contains(game, [1, 0, 0])
    assert not core_contains(game, [0.9, 0.05, 0.05])
    assert not core_contains(game, shapley(game))
    assert not is_core_empty(game)
