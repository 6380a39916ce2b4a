"""Values for games whose players are grouped: the Owen value and the Aumann–Drèze value.

Cluster members belong to alliances, segments or sub-networks. A partition
``𝒫 = {P_1, …, P_m}`` of the players can be read in two ways:

**A priori unions (Owen 1977).** The grand coalition still forms, but bargaining happens first
between the unions and then inside each union. Players arrive in a random order in which the
members of every union arrive together: the unions are ordered uniformly at random, and the
members of each union uniformly at random inside their union's slot. The **Owen value** is the
expected marginal contribution over these orders:

.. math::

    ω_i(v, 𝒫) = \\sum_{R ⊆ M∖\\{k\\}} \\sum_{T ⊆ P_k∖\\{i\\}}
        \\frac{r!\\,(m−r−1)!}{m!}\\,\\frac{t!\\,(p_k−t−1)!}{p_k!}\\,
        \\bigl(v(Q_R ∪ T ∪ \\{i\\}) − v(Q_R ∪ T)\\bigr),

for ``i ∈ P_k``, with ``M = {1..m}`` the unions, ``Q_R = ⋃_{l∈R} P_l``, ``r = |R|``,
``t = |T|``, ``p_k = |P_k|``. It is efficient, gives each union ``P_k`` in total the Shapley
value of the *quotient game* ``v_𝒫(R) = v(Q_R)`` among the unions (quotient-game property),
and equals the Shapley value when all unions are singletons or there is one union ``N``.

**Coalition structure (Aumann & Drèze 1974).** The blocks ``B ∈ 𝒫`` are the coalitions that
actually form and only share their own worth. The **Aumann–Drèze value** gives each player the
Shapley value of the subgame on her own block:

.. math::

    ψ_i(v, 𝒫) = φ_i(v|_{B(i)}), \\qquad \\sum_{j∈B} ψ_j = v(B) \\text{ for every block } B.

Computation: the Owen value only needs the ``Σ_k 2^{m−1}·2^{p_k}`` worths of coalitions made of
whole other unions plus part of one's own (so it also works for a vectorised characteristic
function with many players, as long as that count is moderate). Unions of equal size are handled
together: the bitmasks of all their coalitions ``R ∪ T`` are one matrix product of a fixed 0/1
layout with the unions' bitmasks, and the value is a second product of the gathered worths with
a fixed matrix holding ``w_m(|R|)·w_p(|T|)`` with the signs of the marginal contributions (both
layouts depend only on ``m`` and the union size and are cached). The Aumann–Drèze value needs
``Σ_B 2^{|B|}`` worths.

References
----------
Owen, G. (1977). Values of games with a priori unions. In Henn & Moeschlin (eds.),
*Mathematical Economics and Game Theory*, Lecture Notes in Economics and Mathematical Systems
141, 76–88. Springer.
Aumann, R. J. & Drèze, J. H. (1974). Cooperative games with coalition structures.
*International Journal of Game Theory* 3(4), 217–237.
Peleg, B. & Sudhölter, P. (2007). *Introduction to the Theory of Cooperative Games*, 2nd ed.,
§8.4 (the Owen value and its axiomatisation). Springer.
"""

from __future__ import annotations

import numpy as np

from clustermarketing.games.cooperative._bitmask import MAX_TABLE_PLAYERS, TUGameLike
from clustermarketing.games.cooperative._structure import parse_partition
from clustermarketing.games.cooperative._unions import (
    MAX_OWEN_COALITIONS as MAX_OWEN_COALITIONS,
)
from clustermarketing.games.cooperative._unions import (
    BatchFunction,
    Partition,
    _resolve,
    aumann_dreze,
    owen,
    owen_sampled,
)
from clustermarketing.games.cooperative.tu import TUGame

__all__ = ["aumann_dreze", "owen", "owen_sampled", "quotient_game"]

# The solvers live in ``_unions`` and are re-exported here; they read a game through its
# attributes and never import TUGame, so that TUGame.owen and TUGame.aumann_dreze can call them.
# Only quotient_game, which builds a TUGame, is defined here.


def quotient_game(
    game_or_function: TUGameLike | BatchFunction, unions: Partition, n: int | None = None
) -> TUGame:
    """The game among the unions, ``v_𝒫(R) = v(⋃_{l∈R} P_l)``, with one player per union.

    Its players are labelled ``"U0"``, ``"U1"``, … in the order of ``unions``.
    """
    game, f, n_players, players = _resolve(game_or_function, n)
    parts = parse_partition(unions, players, "unions")
    m = len(parts)
    if m > MAX_TABLE_PLAYERS:
        raise ValueError(f"a quotient game of {m} unions is too large (at most 26)")
    rows = np.zeros((m, n_players), dtype=bool)
    for k, p in enumerate(parts):
        rows[k, p] = True
    r_bits = ((np.arange(1 << m, dtype=np.int64)[:, None] >> np.arange(m)) & 1).astype(np.int64)
    members = (r_bits @ rows.astype(np.int64)) > 0
    if game is not None:
        values = game.values[members.astype(np.int64) @ (np.int64(1) << np.arange(n_players))]
    else:
        values = np.asarray(f(members), dtype=float).reshape(-1)
        values[0] = 0.0
    return TUGame(values, cost=game.cost if game else False, players=[f"U{k}" for k in range(m)])
