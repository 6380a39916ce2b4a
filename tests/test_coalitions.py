"""Coalition games built from a scenario through the engine's steady-state market model."""

from __future__ import annotations

import numpy as np
import pytest

import clustermarketing as cm
from clustermarketing.analysis.coalitions import (
    coalition_cost_game,
    coalition_game,
    scenario_game,
)
from clustermarketing.games import core_contains, is_superadditive, shapley


def test_segment_game_gains_from_pooling() -> None:
    g = coalition_game("footwear", "collective_mark", players="segment")
    assert list(g.players) == ["leather_shoes", "sports_shoes"]
    assert g.values[0] == 0.0
    assert g.values[-1] > 0  # the whole cluster gains from the collective mark
    phi = shapley(g)
    assert phi.sum() == pytest.approx(g.values[-1])


def test_cost_game_of_pooled_functions_is_subadditive_and_shapley_in_core() -> None:
    """One fixed cost and concave scale economies make the pooled-cost game submodular."""
    c = coalition_cost_game("footwear", "collective_mark", players="size")
    assert c.cost
    assert is_superadditive(c)  # for a cost game: C(S ∪ T) ≤ C(S) + C(T)
    assert core_contains(c, shapley(c)).in_core
    # pooling is cheaper than running the functions group by group
    singles = sum(c.values[1 << i] for i in range(c.n))
    assert c.values[-1] < singles


def test_firm_players_exact_for_small_clusters_and_function_for_large() -> None:
    sc = cm.load_scenario("footwear", ["firms.count=6"])
    g = coalition_game(sc, "collective_mark", players="firm")
    assert g.n == 6
    assert shapley(g).sum() == pytest.approx(g.values[-1])
    big = scenario_game("footwear", "collective_mark", players="firm")
    with pytest.raises(ValueError, match="too many"):
        big.tu()
    # the lazy function still answers batches of coalitions (for sampled Shapley)
    rng = np.random.default_rng(0)
    batch = rng.random((2, big.n)) < 0.5
    assert big.value(batch).shape == (2,)


def test_non_cooperative_model_and_bad_players_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="pools nothing"):
        coalition_game("footwear", "independent")
    with pytest.raises(ValueError, match="players"):
        coalition_game("footwear", "collective_mark", players="region")
