"""Non-cooperative and evolutionary games (MODEL.md §8, seed 001)."""

from clustermarketing.games.noncooperative.bimatrix import (
    DegenerateGameWarning,
    is_best_response,
    is_nash,
    nash_equilibria,
)

__all__ = [
    "DegenerateGameWarning",
    "is_best_response",
    "is_nash",
    "nash_equilibria",
]
