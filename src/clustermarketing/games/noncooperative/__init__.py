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
    "bertrand_collusion_critical_delta",
    "bertrand_nash_prices",
    "best_response_price",
    "cartel_prices",
    "consumer_surplus",
    "cooperative_cost_prices",
    "critical_discount_factor",
    "deviation_gain",
    "full_contribution_region",
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
]
