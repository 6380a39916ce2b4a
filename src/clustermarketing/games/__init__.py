"""Game analysis of cooperative marketing in clusters (MODEL.md §8, seed 001).

Cooperative (TU) games live in :mod:`clustermarketing.games.cooperative`; non-cooperative,
pricing, public-goods and evolutionary games in :mod:`clustermarketing.games.noncooperative`.
Everything is re-exported here so that ``from clustermarketing.games import shapley`` works.
"""

from clustermarketing.games.cooperative import *  # noqa: F403
from clustermarketing.games.cooperative import __all__ as _coop_all
from clustermarketing.games.noncooperative import *  # noqa: F403
from clustermarketing.games.noncooperative import __all__ as _noncoop_all

__all__ = [*_coop_all, *_noncoop_all]
