"""Cooperative (TU) games: values, core, nucleolus, classic games and allocation rules.

A :class:`TUGame` stores ``v(S)`` (or costs ``c(S)``) for every coalition bitmask; the solution
concepts are module-level functions that take the game (the class methods delegate to them):

* :func:`shapley` (exact, vectorised), :func:`shapley_sampled` (permutation sampling for
  function-defined games with thousands of players), :func:`banzhaf`;
* :func:`nucleolus`, :func:`prenucleolus` (sequential LPs with HiGHS), :func:`least_core`,
  :func:`core_contains`, :func:`is_core_empty`;
* properties :func:`is_superadditive`, :func:`is_convex`, :func:`is_monotone`,
  :func:`is_balanced`;
* classic games (bankruptcy, airport, weighted voting, glove) with closed forms and power
  indices;
* cooperation restricted by structure: :func:`myerson` (communication graph; exact by graph
  components, :func:`myerson_sampled` beyond) and :func:`graph_restricted_game`, :func:`owen`
  (a priori unions; :func:`owen_sampled` for large unions) with :func:`quotient_game`, :func:`aumann_dreze` (coalition structure);
* :func:`tau_value` (Tijs) with :func:`utopia_payoffs`, :func:`minimal_rights`,
  :func:`is_quasi_balanced`;
* :func:`allocate` with the registry :data:`ALLOCATION_RULES` used by the simulation's
  function–interest mechanism;
* :func:`load_game` for YAML/CSV game files.
"""

from clustermarketing.games.cooperative.allocation import (
    ALLOCATION_RULES,
    AllocationProblem,
    allocate,
    register_rule,
)
from clustermarketing.games.cooperative.banzhaf import banzhaf
from clustermarketing.games.cooperative.classic import (
    BANKRUPTCY_RULES,
    airport_game,
    airport_shapley,
    bankruptcy_game,
    bankruptcy_rule,
    glove_game,
)
from clustermarketing.games.cooperative.core import (
    CoreCheck,
    LeastCore,
    core_contains,
    excesses,
    is_core_empty,
    least_core,
)
from clustermarketing.games.cooperative.graph_values import (
    edges_from_adjacency,
    graph_restricted_game,
    myerson,
    myerson_sampled,
)
from clustermarketing.games.cooperative.io import GameFileError, load_game, parse_game
from clustermarketing.games.cooperative.nucleolus import nucleolus, prenucleolus
from clustermarketing.games.cooperative.properties import (
    is_balanced,
    is_convex,
    is_monotone,
    is_superadditive,
)
from clustermarketing.games.cooperative.shapley import (
    ShapleyEstimate,
    shapley,
    shapley_sampled,
)
from clustermarketing.games.cooperative.tau import (
    NotQuasiBalancedError,
    is_quasi_balanced,
    minimal_rights,
    tau_value,
    utopia_payoffs,
)
from clustermarketing.games.cooperative.tu import TUGame
from clustermarketing.games.cooperative.unions import (
    aumann_dreze,
    owen,
    owen_sampled,
    quotient_game,
)
from clustermarketing.games.cooperative.voting import (
    banzhaf_index,
    shapley_shubik_index,
    weighted_voting_game,
)

__all__ = [
    "ALLOCATION_RULES",
    "BANKRUPTCY_RULES",
    "AllocationProblem",
    "CoreCheck",
    "GameFileError",
    "LeastCore",
    "NotQuasiBalancedError",
    "ShapleyEstimate",
    "TUGame",
    "airport_game",
    "airport_shapley",
    "allocate",
    "aumann_dreze",
    "bankruptcy_game",
    "bankruptcy_rule",
    "banzhaf",
    "banzhaf_index",
    "core_contains",
    "edges_from_adjacency",
    "excesses",
    "glove_game",
    "graph_restricted_game",
    "is_balanced",
    "is_convex",
    "is_core_empty",
    "is_monotone",
    "is_quasi_balanced",
    "is_superadditive",
    "least_core",
    "load_game",
    "minimal_rights",
    "myerson",
    "myerson_sampled",
    "nucleolus",
    "owen",
    "owen_sampled",
    "parse_game",
    "prenucleolus",
    "quotient_game",
    "register_rule",
    "shapley",
    "shapley_sampled",
    "shapley_shubik_index",
    "tau_value",
    "utopia_payoffs",
    "weighted_voting_game",
]
