"""Myerson, Owen, Aumann–Drèze and τ values: worked examples, axioms and brute-force references."""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import factorial

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from clustermarketing.games import (
    NotQuasiBalancedError,
    TUGame,
    aumann_dreze,
    bankruptcy_game,
    edges_from_adjacency,
    glove_game,
    graph_restricted_game,
    is_quasi_balanced,
    minimal_rights,
    myerson,
    myerson_sampled,
    owen,
    owen_sampled,
    quotient_game,
    shapley,
    shapley_sampled,
    tau_value,
    utopia_payoffs,
)
from clustermarketing.games.cooperative.graph_values import restricted_batch
from clustermarketing.games.cooperative.tu import popcount, subset_sums

MAJORITY = TUGame((popcount(3) >= 2).astype(float))  # v(S) = 1 iff |S| ≥ 2


# ------------------------------------------------------------------------------ strategies
@st.composite
def tu_games(draw: st.DrawFn, min_n: int = 1, max_n: int = 6) -> TUGame:
    n = draw(st.integers(min_n, max_n))
    values = draw(arrays(np.float64, 1 << n, elements=st.floats(-50, 50, width=32)))
    values[0] = 0.0
    return TUGame(values)


@st.composite
def games_with_graph(draw: st.DrawFn, min_n: int = 1, max_n: int = 6):
    game = draw(tu_games(min_n, max_n))
    pairs = list(itertools.combinations(range(game.n), 2))
    chosen = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    return game, [p for p, keep in zip(pairs, chosen, strict=True) if keep]


@st.composite
def games_with_partition(draw: st.DrawFn, min_n: int = 1, max_n: int = 6):
    game = draw(tu_games(min_n, max_n))
    labels = draw(st.lists(st.integers(0, 3), min_size=game.n, max_size=game.n))
    blocks = [[i for i in range(game.n) if labels[i] == lab] for lab in sorted(set(labels))]
    return game, blocks


def components(n: int, edges: list[tuple[int, int]], coalition: list[int]) -> list[list[int]]:
    """Connected components of the subgraph induced by ``coalition`` (networkx, independent)."""
    g = nx.Graph()
    g.add_nodes_from(coalition)
    g.add_edges_from((a, b) for a, b in edges if a in coalition and b in coalition)
    return [sorted(c) for c in nx.connected_components(g)]


def restricted_reference(game: TUGame, edges: list[tuple[int, int]]) -> np.ndarray:
    """``v^g(S) = Σ_{C ∈ S/g} v(C)`` by a Python loop over coalitions (Myerson 1977)."""
    out = np.zeros(1 << game.n)
    for mask in range(1, 1 << game.n):
        members = [i for i in range(game.n) if mask >> i & 1]
        out[mask] = sum(game(c) for c in components(game.n, edges, members))
    return out


def owen_reference(game: TUGame, unions: list[list[int]]) -> list[Fraction]:
    """Owen (1977) as the average marginal contribution over all orders consistent with the
    unions (members of a union arrive together), exact fractions, by enumeration."""
    n = game.n
    total = [Fraction(0)] * n
    count = 0
    for union_order in itertools.permutations(range(len(unions))):
        for inner in itertools.product(*(itertools.permutations(u) for u in unions)):
            order = [p for k in union_order for p in inner[k]]
            mask = 0
            for p in order:
                total[p] += Fraction(game.values[mask | 1 << p]) - Fraction(game.values[mask])
                mask |= 1 << p
            count += 1
    return [t / count for t in total]


# ------------------------------------------------------------------------------ Myerson
def test_myerson_majority_game_examples():
    # Three-player majority game (v(S) = 1 iff |S| ≥ 2), derived by hand:
    # hub 0 linked to 1 and 2 → v^g wins iff it contains 0 and another player, whose Shapley
    # value is (2/3, 1/6, 1/6) (orders: 0 is pivotal unless first, 1/3 of the time it is first
    # and the second player is pivotal); only the link 0–1 → (1/2, 1/2, 0); complete graph →
    # Shapley (1/3 each); no links → v({i}) = 0.
    np.testing.assert_allclose(myerson(MAJORITY, [(0, 1), (0, 2)]), [2 / 3, 1 / 6, 1 / 6])
    np.testing.assert_allclose(myerson(MAJORITY, [(0, 1)]), [0.5, 0.5, 0.0])
    np.testing.assert_allclose(myerson(MAJORITY, [(0, 1), (0, 2), (1, 2)]), [1 / 3] * 3)
    np.testing.assert_allclose(myerson(MAJORITY, []), [0.0, 0.0, 0.0])


def test_myerson_accepts_labels_and_adjacency():
    game = TUGame(MAJORITY.values, players=["north", "mill", "port"])
    by_label = myerson(game, [("north", "mill"), ("north", "port")])
    adjacency = np.array([[0, 2.5, 1], [2.5, 0, 0], [1, 0, 0]])  # weights ignored
    by_matrix = myerson(game, edges_from_adjacency(adjacency))
    np.testing.assert_allclose(by_label, [2 / 3, 1 / 6, 1 / 6])
    np.testing.assert_allclose(by_matrix, by_label)
    np.testing.assert_allclose(game.myerson([("north", "mill"), ("north", "port")]), by_label)


@settings(max_examples=40, deadline=None)
@given(games_with_graph())
def test_graph_restricted_game_matches_networkx_reference(case):
    game, edges = case
    np.testing.assert_allclose(
        graph_restricted_game(game, edges).values, restricted_reference(game, edges), atol=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(games_with_graph())
def test_myerson_component_efficiency_and_fairness(case):
    # Myerson (1977): the unique rule that is component efficient and fair.
    game, edges = case
    mu = myerson(game, edges)
    np.testing.assert_allclose(mu, shapley(graph_restricted_game(game, edges)), atol=1e-9)
    for comp in components(game.n, edges, list(range(game.n))):
        assert mu[comp].sum() == pytest.approx(game(comp), abs=1e-9)
        if len(comp) == 1:  # a player without ties gets her stand-alone worth
            assert mu[comp[0]] == pytest.approx(game(comp), abs=1e-12)
    for k, (i, j) in enumerate(edges):
        cut = myerson(game, edges[:k] + edges[k + 1 :])
        assert mu[i] - cut[i] == pytest.approx(mu[j] - cut[j], abs=1e-8)


@settings(max_examples=30, deadline=None)
@given(tu_games(min_n=2))
def test_myerson_on_the_complete_graph_is_shapley(game):
    edges = list(itertools.combinations(range(game.n), 2))
    np.testing.assert_allclose(myerson(game, edges), shapley(game), atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(games_with_graph(min_n=2))
def test_myerson_from_a_function_equals_the_table(case):
    game, edges = case
    bits = np.int64(1) << np.arange(game.n)

    def v(members):
        return game.values[members.astype(np.int64) @ bits]

    np.testing.assert_allclose(myerson(v, edges, n=game.n), myerson(game, edges), atol=1e-9)


def test_myerson_exact_by_components_beyond_the_table_size():
    # 40 players in 8 chains of 5: no 2^40 table, each chain is solved on its own 2^5 table.
    n = 40
    w = np.linspace(1.0, 3.0, n)

    def v(members):
        return (members @ w) ** 1.5

    edges = [(i, i + 1) for i in range(n - 1) if (i + 1) % 5]
    mu = myerson(v, edges, n=n)
    for start in range(0, n, 5):
        chain = np.arange(start, start + 5)
        assert mu[chain].sum() == pytest.approx(w[chain].sum() ** 1.5)
        local = TUGame.from_function(5, lambda m, c=chain: (m @ w[c]) ** 1.5)
        np.testing.assert_allclose(mu[chain], myerson(local, [(k, k + 1) for k in range(4)]))


def test_cut_member_pays_her_stand_alone_cost():
    # Pooled marketing cost C(S) = F + c·(Σ_{i∈S} w_i)^0.8 for a connected group; a member whose
    # ties are all cut cannot pool with anyone and is charged exactly C({i}).
    w = np.array([4.0, 1.0, 2.5, 3.0, 1.5, 2.0])
    cost = TUGame.from_function(6, lambda m: 10.0 + 3.0 * (m @ w) ** 0.8, cost=True)
    ties = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (0, 3), (2, 5)]
    charges = myerson(cost, ties)
    assert charges.sum() == pytest.approx(cost(range(6)))
    cut = [e for e in ties if 3 not in e]
    after = myerson(cost, cut)
    assert after[3] == pytest.approx(10.0 + 3.0 * w[3] ** 0.8)
    assert after[3] > charges[3]  # cooperating along ties was cheaper for her
    assert after.sum() == pytest.approx(cost([0, 1, 2, 4, 5]) + cost([3]))


def test_myerson_sampled_agrees_with_exact_and_with_prefix_sampling():
    rng = np.random.default_rng(5)
    n = 9
    game = TUGame(np.r_[0.0, rng.normal(size=(1 << n) - 1)])
    edges = [(0, 1), (1, 2), (2, 3), (3, 4), (1, 5), (5, 6), (6, 2), (7, 8)]
    exact = myerson(game, edges)
    est = myerson_sampled(game, edges, samples=3000, seed=11, exact_max_players=2)
    assert np.all(np.abs(est.values - exact) <= 4 * est.stderr + 1e-12)
    np.testing.assert_allclose(est.values[[7, 8]], exact[[7, 8]])  # small component: exact
    assert np.all(est.stderr[[7, 8]] == 0)
    big = list(range(7))
    assert est.values[big].sum() == pytest.approx(game(big))  # component efficiency, exactly
    # The incremental marginals equal the prefix decomposition of shapley_sampled (same orders).
    bits = np.int64(1) << np.arange(7)
    sub = TUGame(game.values[: 1 << 7])  # the coalitions of players 0..6 only

    def v(members):
        return sub.values[members.astype(np.int64) @ bits]

    inside = [(a, b) for a, b in edges if a < 7 and b < 7]
    reference = shapley_sampled(restricted_batch(v, 7, np.array(inside)), n=7, samples=500, seed=3)
    mine = myerson_sampled(sub, inside, samples=500, seed=3, exact_max_players=1)
    np.testing.assert_allclose(mine.values, reference.values, atol=1e-12)
    np.testing.assert_allclose(mine.stderr, reference.stderr, atol=1e-12)


def test_myerson_sampled_on_a_thousand_players_is_component_efficient():
    n = 300
    rng = np.random.default_rng(2)
    w = rng.uniform(1, 10, n)
    edges = sorted({(min(a, b), max(a, b)) for a, b in rng.integers(0, n, (n, 2)) if a != b})
    est = myerson_sampled(lambda m: (m @ w) ** 1.2, edges, n=n, samples=20, seed=1)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    for comp in nx.connected_components(g):
        comp = sorted(comp)
        assert est.values[comp].sum() == pytest.approx(w[comp].sum() ** 1.2)
    again = myerson_sampled(lambda m: (m @ w) ** 1.2, edges, n=n, samples=20, seed=1)
    np.testing.assert_array_equal(est.values, again.values)  # same seed, same output


# ------------------------------------------------------------------------------ Owen
def test_owen_and_aumann_dreze_majority_examples():
    # Majority game with the union {0, 1} against {2}, derived by hand: the union gets the whole
    # surplus (it wins the two-"player" quotient game, u(U0) = 1, u(U1) = 0) and splits it
    # equally by symmetry.
    np.testing.assert_allclose(owen(MAJORITY, [[0, 1], [2]]), [0.5, 0.5, 0.0])
    # Aumann–Drèze: the block {0, 1} shares v({0, 1}) = 1, the block {2} gets v({2}) = 0.
    np.testing.assert_allclose(aumann_dreze(MAJORITY, [[0, 1], [2]]), [0.5, 0.5, 0.0])
    # A game where they differ: v(2) = 1, v(01) = 1, v(02) = v(12) = 2, v(N) = 4. Owen:
    # quotient game u(U0) = 1, u(U1) = 1, u(M) = 4 → (2, 2); U0's 2 split symmetrically.
    # Aumann–Drèze: the block {0, 1} only shares v(01) = 1, the block {2} keeps v(2) = 1.
    game = TUGame([0, 0, 0, 1, 1, 2, 2, 4])
    np.testing.assert_allclose(owen(game, [[0, 1], [2]]), [1.0, 1.0, 2.0])
    np.testing.assert_allclose(aumann_dreze(game, [[0, 1], [2]]), [0.5, 0.5, 1.0])


@settings(max_examples=40, deadline=None)
@given(games_with_partition(max_n=5))
def test_owen_matches_enumeration_of_consistent_orders(case):
    game, unions = case
    expected = [float(x) for x in owen_reference(game, unions)]
    np.testing.assert_allclose(owen(game, unions), expected, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(games_with_partition())
def test_owen_quotient_game_property_and_trivial_unions(case):
    game, unions = case
    omega = owen(game, unions)
    assert omega.sum() == pytest.approx(game.values[-1], abs=1e-9)
    union_totals = [omega[u].sum() for u in unions]
    np.testing.assert_allclose(union_totals, shapley(quotient_game(game, unions)), atol=1e-9)
    np.testing.assert_allclose(owen(game, [[i] for i in range(game.n)]), shapley(game), atol=1e-9)
    np.testing.assert_allclose(owen(game, [list(range(game.n))]), shapley(game), atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(games_with_partition(min_n=2))
def test_owen_from_a_function_equals_the_table(case):
    game, unions = case
    bits = np.int64(1) << np.arange(game.n)

    def v(members):
        return game.values[members.astype(np.int64) @ bits]

    np.testing.assert_allclose(owen(v, unions, n=game.n), owen(game, unions), atol=1e-9)


def test_owen_on_many_players_through_a_function():
    # 60 players in 6 unions of 10: 6·2^5·2^10 worths, no 2^60 table.
    n, w = 60, np.linspace(1, 2, 60)
    unions = [list(range(k, k + 10)) for k in range(0, n, 10)]
    omega = owen(lambda m: (m @ w) ** 2, unions, n=n)
    assert omega.sum() == pytest.approx(w.sum() ** 2)
    # v(S) = (Σw)² = Σ_i w_i² + Σ_{i≠j} w_i w_j: every pair's dividend 2 w_i w_j is split
    # equally whatever the unions (symmetric within a pair), so ω_i = w_i² + w_i (W − w_i).
    np.testing.assert_allclose(omega, w**2 + w * (w.sum() - w))


def test_owen_sampled_agrees_with_exact_and_is_efficient():
    rng = np.random.default_rng(4)
    n = 9
    game = TUGame(np.r_[0.0, rng.normal(size=(1 << n) - 1)])
    unions = [[0, 1, 2], [3, 4], [5, 6, 7, 8]]
    exact = owen(game, unions)
    for method in ("antithetic", "plain"):
        est = owen_sampled(game, unions, samples=3000, seed=1, method=method)
        assert np.all(np.abs(est.values - exact) <= 4 * est.stderr)
        assert est.values.sum() == pytest.approx(game.values[-1], abs=1e-9)
    first = owen_sampled(game, unions, samples=500, seed=7)
    np.testing.assert_array_equal(
        owen_sampled(game, unions, samples=500, seed=7).values, first.values
    )
    # Large unions through a function: 300 firms in 3 segments (owen would need 2^2·2^100).
    w = rng.uniform(1, 10, 300)
    segments = [list(range(k, 300, 3)) for k in range(3)]
    big = owen_sampled(lambda m: (m @ w) ** 1.2, segments, n=300, samples=100, seed=2)
    assert big.values.sum() == pytest.approx(w.sum() ** 1.2)
    with pytest.raises(ValueError, match="method must be 'plain' or 'antithetic'"):
        owen_sampled(game, unions, method="stratified")


# ------------------------------------------------------------------------------ Aumann–Drèze
@settings(max_examples=40, deadline=None)
@given(games_with_partition())
def test_aumann_dreze_is_shapley_within_each_block(case):
    game, blocks = case
    psi = aumann_dreze(game, blocks)
    for block in blocks:
        assert psi[block].sum() == pytest.approx(game(block), abs=1e-9)
        bits = np.int64(1) << np.array(block)
        local = np.arange(1 << len(block))
        masks = ((local[:, None] >> np.arange(len(block))) & 1) @ bits
        np.testing.assert_allclose(psi[block], shapley(TUGame(game.values[masks])), atol=1e-9)
    np.testing.assert_allclose(aumann_dreze(game, [list(range(game.n))]), shapley(game))
    singles = aumann_dreze(game, [[i] for i in range(game.n)])
    np.testing.assert_allclose(singles, game.values[1 << np.arange(game.n)])


# ------------------------------------------------------------------------------ τ value
def test_tau_published_examples():
    # Stach (2011), "Tijs value", Encyclopedia of Power; computed by tauValue of the R package
    # CoopGame (Staudacher & Anwander): v(12) = 1, v(13) = 2, v(23) = 1, v(N) = 3 → (1.2, .6, 1.2).
    np.testing.assert_allclose(tau_value(TUGame([0, 0, 0, 1, 0, 2, 1, 3])), [1.2, 0.6, 1.2])
    # CoopGame's isQuasiBalancedGame examples (Branzei, Dimitrov & Tijs 2008, p. 31):
    # lexicographic c(1,1,2,6,8,14,16) is quasi-balanced, c(1:7) is not.
    assert is_quasi_balanced(TUGame([0, 1, 1, 6, 2, 8, 14, 16]))
    not_qb = TUGame([0, 1, 2, 4, 3, 5, 6, 7])
    assert not is_quasi_balanced(not_qb)
    with pytest.raises(NotQuasiBalancedError, match=r"player '0' has minimal right m = 2 above"):
        tau_value(not_qb)
    # Glove game, one left glove (player 0) and two right ones: M = (1, 0, 0) = m, so τ = M.
    np.testing.assert_allclose(tau_value(glove_game(1, 2)), [1.0, 0.0, 0.0])


def test_tau_errors_name_the_violated_sum_condition():
    # m ≤ M holds but Σm > v(N): v(1) = 3, v(2) = 3, v(01) = 1, v(12) = 5, v(N) = 5 gives
    # M = (0, 5, 4) and m = (0, 3, 3). (v(N) ≤ ΣM is implied by m ≤ M, so it never fails alone.)
    game = TUGame([0, 0, 3, 1, 3, 0, 5, 5])
    np.testing.assert_allclose(utopia_payoffs(game), [0, 5, 4])
    np.testing.assert_allclose(minimal_rights(game), [0, 3, 3])
    with pytest.raises(NotQuasiBalancedError, match=r"v\(N\) = 5 is below the sum of the minimal"):
        tau_value(game)
    # Player-wise condition: v(1) = 1 but M_1 = v(N) − v(0) = 0.
    with pytest.raises(NotQuasiBalancedError, match=r"player '0' has minimal right m = 1 above"):
        tau_value(TUGame([0, 1, 1, 1]))
    # A cost game speaks in costs (charges).
    with pytest.raises(NotQuasiBalancedError, match="charge"):
        tau_value(TUGame([0, 1, 1, 5], cost=True))
    assert isinstance(NotQuasiBalancedError("x"), ValueError)


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 20), st.floats(0, 20), st.floats(0, 20))
def test_tau_two_players_is_the_standard_solution(a, b, surplus):
    game = TUGame([0, a, b, a + b + surplus])  # superadditive, hence quasi-balanced
    np.testing.assert_allclose(
        tau_value(game), [a + surplus / 2, b + surplus / 2], atol=1e-9 * max(1, a, b, surplus)
    )


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, st.integers(2, 6), elements=st.floats(0.5, 20)),
    st.floats(0.05, 0.95),
)
def test_tau_of_bankruptcy_is_the_adjusted_proportional_rule(claims, share):
    # Curiel, Maschler & Tijs (1987), Bankruptcy games, Z. Oper. Res. 31: the τ value of the
    # bankruptcy game is the adjusted proportional rule: minimal rights
    # m_i = max(0, E − Σ_{j≠i} d_j), claims truncated to min(d_i − m_i, E − Σm), the rest
    # split in proportion to them.
    estate = share * claims.sum()
    game = bankruptcy_game(estate, claims)
    m = np.maximum(0.0, estate - (claims.sum() - claims))
    rest = estate - m.sum()
    truncated = np.minimum(claims - m, rest)
    adjusted = m + (rest * truncated / truncated.sum() if truncated.sum() > 0 else 0.0)
    np.testing.assert_allclose(tau_value(game), adjusted, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(minimal_rights(game), m, atol=1e-9)
    np.testing.assert_allclose(utopia_payoffs(game), np.minimum(claims, estate), atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(tu_games(min_n=2), st.floats(0.1, 10), st.floats(-5, 5))
def test_tau_efficiency_bounds_and_covariance(game, scale, shift):
    if not is_quasi_balanced(game):
        with pytest.raises(NotQuasiBalancedError):
            tau_value(game)
        return
    tau = tau_value(game)
    m, big_m = minimal_rights(game), utopia_payoffs(game)
    eps = 1e-7 * max(1.0, np.abs(game.values).max())
    assert tau.sum() == pytest.approx(game.values[-1], abs=eps)
    assert np.all(m - eps <= tau) and np.all(tau <= big_m + eps)
    additive = shift * np.arange(1, game.n + 1)
    moved = TUGame(scale * game.values + subset_sums(additive))
    np.testing.assert_allclose(tau_value(moved), scale * tau + additive, atol=1e-6 * scale + eps)
    # Cost form: the τ cost allocation of c is minus the τ value of −c.
    np.testing.assert_allclose(tau_value(TUGame(-game.values, cost=True)), -tau, atol=eps)


def test_shapley_reference_formula_used_by_owen_reference():
    # Sanity check of the brute-force reference itself: with one union per player it is the
    # Shapley formula with exact fractions.
    game = TUGame([0, 1, 2, 5, 0, 3, 4, 9])
    ref = owen_reference(game, [[0], [1], [2]])
    n = game.n
    for i in range(n):
        direct = sum(
            Fraction(factorial(bin(s).count("1")) * factorial(n - bin(s).count("1") - 1))
            / factorial(n)
            * (Fraction(game.values[s | 1 << i]) - Fraction(game.values[s]))
            for s in range(1 << n)
            if not s >> i & 1
        )
        assert ref[i] == direct


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("edges", "message"),
    [
        ([(0, 0)], r"edges\[0\] = \(0, 0\): a player cannot be linked to itself"),
        ([(0, 1), (1, 0)], r"edges\[1\] = \(1, 0\) repeats edges\[0\]"),
        ([(0, 7)], r"edges\[0\]: unknown player 7; expected one of the labels"),
        ([(0, 1, 2)], r"edges\[0\] = \(0, 1, 2\): expected a pair of players, got 3 items"),
        ([5], r"edges\[0\] = 5: expected a pair of players"),
        ([("a", 1)], r"unknown player 'a'"),
    ],
)
def test_bad_edges(edges, message):
    with pytest.raises(ValueError, match=message):
        myerson(MAJORITY, edges)


@pytest.mark.parametrize(
    ("unions", "message"),
    [
        ([[0, 1]], r"must cover every player exactly once; missing: '2'"),
        ([[0, 1], [1, 2]], r"player '1' appears in unions\[0\] and \[1\]; unions must be disjoint"),
        ([[0, 1, 1], [2]], r"player '1' appears in unions\[0\] twice"),
        ([[0, 1], [], [2]], r"unions\[1\] is empty"),
        ([[0, 1], "2"], r"unions\[1\] = '2': expected a list of players"),
        ([[0, 1], [3]], r"unions\[1\]: unknown player 3"),
    ],
)
def test_bad_unions(unions, message):
    with pytest.raises(ValueError, match=message):
        owen(MAJORITY, unions)


def test_bad_blocks_and_sizes():
    with pytest.raises(ValueError, match=r"blocks must cover every player exactly once"):
        aumann_dreze(MAJORITY, [[0], [1]])
    with pytest.raises(ValueError, match=r"n .*is required"):
        myerson(lambda m: m.sum(axis=1), [(0, 1)])
    path = [(i, i + 1) for i in range(29)]
    with pytest.raises(ValueError, match=r"component of 30 players .* use myerson_sampled"):
        myerson(lambda m: m.sum(axis=1).astype(float), path, n=30)
    with pytest.raises(ValueError, match=r"adjacency matrix must be symmetric"):
        edges_from_adjacency([[0, 1], [0, 0]])
    with pytest.raises(ValueError, match=r"adjacency\[1, 1\] = 1: expected 0"):
        edges_from_adjacency([[0, 1], [1, 1]])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.integers(-2, 5), st.integers(-2, 5)),
            st.tuples(st.text(max_size=2), st.integers(0, 2)),
            st.lists(st.integers(0, 2), max_size=3),
            st.none(),
        ),
        max_size=4,
    )
)
def test_edge_fuzzing_gives_a_value_or_a_clear_error(edges):
    try:
        mu = myerson(MAJORITY, edges)
    except ValueError as exc:
        assert "edges[" in str(exc)
        assert "np." not in str(exc)
    else:
        assert mu.shape == (3,) and np.all(np.isfinite(mu))
