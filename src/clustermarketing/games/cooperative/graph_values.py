"""Cooperation along a communication graph: the graph-restricted game and the Myerson value.

In a cluster, firms can only coordinate with those they are linked to (supplier ties, trade
association committees, shared distributors). Myerson (1977) models this with an undirected
*communication graph* ``g`` on the players: a coalition ``S`` can only realise the worths of its
connected pieces, so its worth in the *graph-restricted game* is

.. math::

    v^g(S) = \\sum_{C ∈ S/g} v(C),

where ``S/g`` are the connected components of the subgraph induced by ``S``. The **Myerson
value** is the Shapley value of ``v^g``:

.. math::

    μ_i(v, g) = φ_i(v^g).

It is the unique allocation rule that is *component efficient* (every connected component ``C``
of ``g`` shares exactly ``v(C)``) and *fair* (removing the link ``ij`` changes the payoffs of
``i`` and ``j`` by the same amount) — Myerson (1977), Theorem. Consequences used in this
toolkit: a player without links gets her stand-alone worth ``v({i})``; on the complete graph the
Myerson value is the Shapley value.

Computation
-----------
* :func:`graph_restricted_game` tabulates ``v^g`` for all ``2^n`` coalitions with bitmask
  arithmetic: the component ``C(S)`` of the highest member of every ``S`` is grown
  breadth-first for all coalitions at once (``C ← N[C] ∩ S`` with ``N[T]`` the closed
  neighbourhood of ``T``, itself one table built by doubling); since ``S ∖ C(S)`` only holds
  lower players, ``v^g(S) = v(C(S)) + v^g(S ∖ C(S))`` is then filled in ``n`` vectorised steps.
* :func:`myerson` decomposes by the components of ``g``: ``v^g`` is the sum of the restricted
  games of the graph's components, so each component ``K`` is solved on its own ``2^{|K|}``
  table (isolated players get ``v({i})`` directly). That makes it exact for any number of
  players as long as each component of the graph has at most 26 players (a vectorised
  characteristic function is evaluated only on coalitions inside a component).
* :func:`myerson_sampled` estimates it by sampling player orders, like
  :func:`~.shapley.shapley_sampled` (same methods and standard errors), but computes the
  marginal contributions incrementally: when ``i`` joins the players before her, her marginal
  contribution is ``v(C) − Σ v(C_k)``, where the ``C_k`` are the components she links and ``C``
  their union with ``i`` — one evaluation of ``v`` per player and order instead of a
  decomposition of every prefix.

References
----------
Myerson, R. B. (1977). Graphs and cooperation in games. *Mathematics of Operations Research*
2(3), 225–229.
Myerson, R. B. (1991). *Game Theory: Analysis of Conflict*, ch. 9. Harvard University Press.
Slikker, M. & van den Nouweland, A. (2001). *Social and Economic Networks in Cooperative Game
Theory*. Kluwer (ch. 2–3: communication situations).
"""

from __future__ import annotations

import numpy as np

from clustermarketing.games.cooperative._bitmask import TUGameLike
from clustermarketing.games.cooperative._graph_values import (
    BatchFunction as BatchFunction,
)
from clustermarketing.games.cooperative._graph_values import (
    Edges,
    edges_from_adjacency,
    myerson,
    myerson_sampled,
    restricted_table,
)
from clustermarketing.games.cooperative._graph_values import (
    component_of_highest as component_of_highest,
)
from clustermarketing.games.cooperative._graph_values import (
    restricted_batch as restricted_batch,
)
from clustermarketing.games.cooperative._structure import parse_edges
from clustermarketing.games.cooperative.tu import TUGame

__all__ = [
    "edges_from_adjacency",
    "graph_restricted_game",
    "myerson",
    "myerson_sampled",
]

# The solvers live in ``_graph_values`` and are re-exported here (with their public helpers);
# they read a game through its attributes and never import TUGame, so that TUGame.myerson can
# call them. Only graph_restricted_game, which builds a TUGame, is defined here.


def graph_restricted_game(game: TUGameLike, edges: Edges) -> TUGame:
    """The graph-restricted game ``v^g(S) = Σ_{C ∈ S/g} v(C)`` (Myerson 1977).

    ``edges`` are pairs of players (labels of ``game.players`` or indices); for a weighted or
    boolean adjacency matrix use :func:`edges_from_adjacency`. A cost game gives the restricted
    cost game ``c^g`` (the same sum over components).

    Examples
    --------
    Three-player majority game, player 0 linked to 1 and 2 (players 1 and 2 cannot talk):

    >>> from clustermarketing.games.cooperative.tu import popcount
    >>> majority = TUGame((popcount(3) >= 2).astype(float))
    >>> graph_restricted_game(majority, [(0, 1), (0, 2)]).values.tolist()
    [0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    e = parse_edges(edges, game.players)
    vg = restricted_table(np.array(game.values), game.n, e)
    return TUGame(vg, cost=game.cost, players=game.players)
