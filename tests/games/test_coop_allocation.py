"""Allocation rules of the function–interest mechanism (games/cooperative/allocation.py)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from clustermarketing.games.cooperative import (
    ALLOCATION_RULES,
    AllocationProblem,
    TUGame,
    allocate,
    core_contains,
    nucleolus,
    register_rule,
    shapley,
)


def pooled_cost(weights: np.ndarray, fixed: float = 10.0, scale: float = 2.0):
    """C(S) = F + c·(Σ_{i∈S} w_i)^0.8 for S ≠ ∅: a fixed cost plus economies of scale."""

    def cost(members: np.ndarray) -> np.ndarray:
        size = members.astype(float) @ weights
        return np.where(members.any(axis=1), fixed + scale * size**0.8, 0.0)

    return cost


def problem(weights: np.ndarray, **kw) -> AllocationProblem:
    cost = pooled_cost(weights)
    total = float(cost(np.ones((1, weights.size), dtype=bool))[0])
    return AllocationProblem(total=total, weights=weights, coalition_cost=cost, **kw)


def test_registry_has_required_rules() -> None:
    assert {"equal", "proportional", "dues", "commission", "shapley", "nucleolus"} <= set(
        ALLOCATION_RULES
    )


@settings(max_examples=40, deadline=None)
@given(
    weights=arrays(np.float64, st.integers(0, 9), elements=st.floats(0, 100)),
    rule=st.sampled_from(["equal", "proportional", "dues", "commission", "shapley", "nucleolus"]),
    share=st.floats(0, 1),
)
def test_every_rule_sums_to_total(weights: np.ndarray, rule: str, share: float) -> None:
    """Every rule returns n finite charges summing to total (relative 1e-9)."""
    prob = problem(weights, dues_fixed_share=share, exact_max_players=6, samples=60, seed=1)
    x = allocate(rule, prob)
    assert x.shape == weights.shape and np.all(np.isfinite(x))
    if weights.size:
        assert x.sum() == pytest.approx(prob.total, rel=1e-9, abs=1e-12)


def test_simple_rules() -> None:
    w = np.array([1.0, 3.0])
    assert allocate("equal", AllocationProblem(10.0, w)).tolist() == [5.0, 5.0]
    assert allocate("proportional", AllocationProblem(10.0, w)).tolist() == [2.5, 7.5]
    assert allocate("commission", AllocationProblem(10.0, w)).tolist() == [2.5, 7.5]
    dues = allocate("dues", AllocationProblem(10.0, w, dues_fixed_share=0.4))
    np.testing.assert_allclose(dues, [2 + 1.5, 2 + 4.5])
    zero = AllocationProblem(9.0, np.zeros(3))
    assert allocate("proportional", zero).tolist() == [3.0, 3.0, 3.0]
    assert allocate("shapley", AllocationProblem(4.0, np.zeros(0))).size == 0
    assert allocate("nucleolus", AllocationProblem(4.0, np.ones(1))).tolist() == [4.0]


def test_shapley_rule_equals_exact_shapley() -> None:
    """For n ≤ exact_max_players the rule is the exact Shapley value of the cost game."""
    w = np.array([1.0, 2.0, 5.0, 0.5, 3.0])
    prob = problem(w)
    expected = shapley(TUGame.from_function(w.size, prob.coalition_cost, cost=True))
    np.testing.assert_allclose(allocate("shapley", prob), expected, rtol=1e-12)
    nucl = nucleolus(TUGame.from_function(w.size, prob.coalition_cost, cost=True))
    np.testing.assert_allclose(allocate("nucleolus", prob), nucl, atol=1e-9)


def test_large_n_rules_are_sampled_and_grouped() -> None:
    """Above exact_max_players: sampled Shapley (seeded, reproducible) and the group nucleolus
    (members of one weight-quantile group pay in proportion to weight)."""
    rng = np.random.default_rng(0)
    w = rng.uniform(1, 10, 40)
    prob = problem(w, exact_max_players=8, samples=200, seed=7)
    a = allocate("shapley", prob)
    np.testing.assert_allclose(a, allocate("shapley", prob))
    assert a.sum() == pytest.approx(prob.total, rel=1e-12)
    x = allocate("nucleolus", prob)
    assert x.sum() == pytest.approx(prob.total, rel=1e-12)
    order = np.argsort(w, kind="stable")
    for group in np.array_split(order, 8):
        np.testing.assert_allclose(x[group] / w[group], x[group[0]] / w[group[0]])


def test_nucleolus_rule_in_core_of_concave_cost() -> None:
    """Concave pooled cost ⇒ non-empty core (Shapley 1971); the nucleolus charge is in it."""
    w = np.array([4.0, 1.0, 2.0, 6.0])
    prob = problem(w)
    game = TUGame.from_function(w.size, prob.coalition_cost, cost=True)
    assert core_contains(game, allocate("nucleolus", prob), tol=1e-7)


def test_errors_and_registration() -> None:
    w = np.ones(3)
    with pytest.raises(ValueError, match="valid: commission, dues"):
        allocate("bogus", AllocationProblem(1.0, w))
    with pytest.raises(ValueError, match="coalition_cost"):
        allocate("shapley", AllocationProblem(1.0, w))
    with pytest.raises(ValueError, match="coalition_cost"):
        allocate("nucleolus", AllocationProblem(1.0, w))
    with pytest.raises(ValueError, match="differs from total"):
        allocate("shapley", AllocationProblem(1.0, w, coalition_cost=lambda s: s.sum(axis=1)))

    @register_rule("test_first_pays")
    def first_pays(p: AllocationProblem) -> np.ndarray:
        out = np.zeros(p.n)
        out[0] = p.total
        return out

    try:
        assert allocate("test_first_pays", AllocationProblem(2.0, w)).tolist() == [2, 0, 0]
        assert allocate(first_pays, AllocationProblem(2.0, w)).tolist() == [2, 0, 0]
    finally:
        ALLOCATION_RULES.pop("test_first_pays")
