"""Non-cooperative and evolutionary games (MODEL.md §8, seed 001).

* :mod:`.bimatrix` — Nash equilibria of two-player games (support / vertex enumeration);
* :mod:`.pricing` — logit-Bertrand Nash, cooperative-cost and cartel prices, repeated-game
  critical discount factors;
* :mod:`.public_goods` — joint promotion as a public-goods game, monitoring × sanction regions;
* :mod:`.evolution` — replicator dynamics, contributors vs free riders under regulation, and
  Fermi imitation on a complete graph.
"""

from clustermarketing.games.noncooperative.bimatrix import (
    DegenerateGameWarning,
    is_best_response,
    is_nash,
    nash_equilibria,
)
from clustermarketing.games.noncooperative.evolution import (
    RestPoint,
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
from clustermarketing.games.noncooperative.pricing import (
    PricingResult,
    bertrand_collusion_critical_delta,
    bertrand_nash_prices,
    best_response_price,
    cartel_prices,
    consumer_surplus,
    cooperative_cost_prices,
    critical_discount_factor,
    logit_collusion_critical_delta,
    logit_shares,
    prisoners_dilemma_critical_delta,
    profits,
)
from clustermarketing.games.noncooperative.public_goods import (
    deviation_gain,
    full_contribution_region,
    min_sanction_for_full_contribution,
    nash_contributions,
    optimal_contributions,
    public_goods_payoffs,
)

__all__ = [
    "DegenerateGameWarning",
    "PricingResult",
    "RestPoint",
    "basin_boundary",
    "bertrand_collusion_critical_delta",
    "bertrand_nash_prices",
    "best_response_price",
    "cartel_prices",
    "consumer_surplus",
    "contribution_game_payoffs",
    "cooperative_cost_prices",
    "critical_discount_factor",
    "deviation_gain",
    "fermi_imitation_complete_graph",
    "free_rider_replicator",
    "free_rider_rest_points",
    "full_contribution_region",
    "hawk_dove",
    "is_best_response",
    "is_nash",
    "logit_collusion_critical_delta",
    "logit_shares",
    "min_sanction_for_full_contribution",
    "nash_contributions",
    "nash_equilibria",
    "optimal_contributions",
    "prisoners_dilemma_critical_delta",
    "profits",
    "public_goods_payoffs",
    "replicator",
    "replicator_trajectory",
    "rest_points",
]
