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

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from clustermarketing.games.cooperative._structure import (
    edges_from_adjacency,
    graph_components,
    parse_edges,
    subgame_values,
)
from clustermarketing.games.cooperative.shapley import (
    SeedLike,
    ShapleyEstimate,
    _as_batch_function,
    sampled_value,
    shapley,
)
from clustermarketing.games.cooperative.tu import MAX_TABLE_PLAYERS, TUGame

__all__ = [
    "edges_from_adjacency",
    "graph_restricted_game",
    "myerson",
    "myerson_sampled",
]

Edges = Iterable[Sequence[Any]]
BatchFunction = Callable[[np.ndarray], np.ndarray]


# ------------------------------------------------------------------------------ exact, tables
def _mask_dtype(k: int) -> type[np.signedinteger[Any]]:
    return np.int32 if k <= 30 else np.int64


def component_of_highest(k: int, edges: np.ndarray) -> np.ndarray:
    """For every bitmask ``S`` of ``k`` players, the component of ``S``'s highest member in ``g[S]``.

    Returns an int array of length ``2^k`` (``0`` for the empty set). Breadth-first growth of all
    ``2^k`` components at once, ``comp ← N[comp] ∩ S`` with the closed-neighbourhood table
    ``N[T] = ⋃_{i∈T} ({i} ∪ neighbours(i))`` (built by doubling). Whole-array passes while many
    components still grow, then only the coalitions whose component still grows are touched.
    """
    dtype = _mask_dtype(k)
    closed = np.left_shift(np.ones(k, dtype=dtype), np.arange(k, dtype=dtype))
    for a, b in edges.tolist():
        closed[a] |= dtype(1) << dtype(b)
        closed[b] |= dtype(1) << dtype(a)
    neighbourhood = np.zeros(1 << k, dtype=dtype)
    comp = np.zeros(1 << k, dtype=dtype)
    masks = np.arange(1 << k, dtype=dtype)
    size = 1
    for i in range(k):
        block = slice(size, 2 * size)
        np.bitwise_or(neighbourhood[:size], closed[i], out=neighbourhood[block])
        np.bitwise_and(masks[block], closed[i], out=comp[block])  # first step from the top
        size *= 2
    total = 1 << k
    while True:
        grown = neighbourhood[comp]
        grown &= masks
        changed = np.count_nonzero(grown != comp)
        comp = grown
        if changed == 0:
            return comp
        if changed < total // 8:
            break
    idx = np.flatnonzero((neighbourhood[comp] & masks) != comp).astype(dtype)
    cur = comp[idx]
    while idx.size:
        grown = neighbourhood[cur] & idx
        moved = grown != cur
        idx, cur = idx[moved], grown[moved]
        comp[idx] = cur
    return comp


def _restricted_table(values: np.ndarray, k: int, edges: np.ndarray) -> np.ndarray:
    """``v^g`` over all ``2^k`` bitmasks from ``v`` over all ``2^k`` bitmasks.

    With ``C(S)`` the component of the highest member of ``S``, ``S ∖ C(S)`` lies below
    ``2^h`` (``h`` = that member), so ``v^g(S) = v(C(S)) + v^g(S ∖ C(S))`` is filled in ``k``
    vectorised steps, one per highest member.
    """
    comp = component_of_highest(k, edges)
    vg = np.empty(1 << k)
    vg[0] = 0.0
    size = 1
    for _ in range(k):
        c = comp[size : 2 * size]
        rest = np.arange(size, 2 * size, dtype=comp.dtype) ^ c
        np.add(values[c], vg[rest], out=vg[size : 2 * size])
        size *= 2
    return vg


def _local_edges(edges: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Edges inside ``members``, renumbered ``0..len(members)−1``."""
    pos = np.full(int(members.max()) + 1 if members.size else 0, -1, dtype=np.int64)
    pos[members] = np.arange(members.size)
    inside = np.isin(edges[:, 0], members) & np.isin(edges[:, 1], members)
    return pos[edges[inside]].reshape(-1, 2)


def graph_restricted_game(game: TUGame, edges: Edges) -> TUGame:
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
    vg = _restricted_table(np.array(game.values), game.n, e)
    return TUGame(vg, cost=game.cost, players=game.players)


def _resolve(
    game_or_function: TUGame | BatchFunction, n: int | None
) -> tuple[TUGame | None, BatchFunction, int, Sequence[Any]]:
    f, n_players = _as_batch_function(game_or_function, n)
    if isinstance(game_or_function, TUGame):
        return game_or_function, f, n_players, game_or_function.players
    return None, f, n_players, list(range(n_players))


def myerson(
    game_or_function: TUGame | BatchFunction, edges: Edges, n: int | None = None
) -> np.ndarray:
    """Exact Myerson value ``μ_i = φ_i(v^g)`` (Myerson 1977), by components of the graph.

    ``game_or_function`` is a :class:`TUGame` or a vectorised characteristic function (boolean
    ``(k, n)`` coalitions → ``k`` worths, then ``n`` is required). ``edges`` are pairs of players
    (labels or indices). Each connected component ``K`` of the graph is solved exactly on the
    ``2^{|K|}`` coalitions inside it; a component with more than 26 players is refused (use
    :func:`myerson_sampled`). Isolated players get ``v({i})``. For a cost game this is the cost
    allocation ``φ(c^g)``.

    Examples
    --------
    Majority game, player 0 in the middle: ``v^g`` wins iff it holds the hub and another player,
    so the hub gets two thirds (the Shapley value would give a third each).

    >>> from clustermarketing.games.cooperative.tu import popcount
    >>> majority = TUGame((popcount(3) >= 2).astype(float))
    >>> myerson(majority, [(0, 1), (0, 2)]).round(4).tolist()
    [0.6667, 0.1667, 0.1667]
    """
    game, f, n_players, players = _resolve(game_or_function, n)
    e = parse_edges(edges, players)
    phi = np.zeros(n_players)
    for members in graph_components(n_players, e):
        k = members.size
        if k > MAX_TABLE_PLAYERS:
            names = ", ".join(repr(players[i]) for i in members[:5].tolist())
            raise ValueError(
                f"the graph has a connected component of {k} players ({names}, …); the exact "
                f"Myerson value needs all 2^{k} of its coalitions and is limited to "
                f"{MAX_TABLE_PLAYERS} players per component — use myerson_sampled"
            )
        values = subgame_values(game, f, n_players, members)
        if k == 1:
            phi[members] = values[1]
            continue
        restricted = _restricted_table(values, k, _local_edges(e, members))
        phi[members] = shapley(TUGame(restricted))
    return phi


# ------------------------------------------------------------------------------ sampled
def restricted_batch(f: BatchFunction, k: int, edges: np.ndarray) -> BatchFunction:
    """Vectorised ``v^g`` for batches of coalitions of ``k`` players, given vectorised ``v``.

    The components of all coalitions of a batch are labelled in one call of
    :func:`scipy.sparse.csgraph.connected_components` on the disjoint union of their induced
    subgraphs; ``v`` is evaluated once per component (in chunks) and summed per coalition.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    a, b = (edges[:, 0], edges[:, 1]) if edges.size else (np.zeros(0, int), np.zeros(0, int))

    def fg(members: np.ndarray) -> np.ndarray:
        members = np.asarray(members, dtype=bool)
        rows = members.shape[0]
        r, e = np.nonzero(members[:, a] & members[:, b])
        nodes = rows * k
        graph = csr_matrix(
            (np.ones(r.size, dtype=np.int8), (r * k + a[e], r * k + b[e])), shape=(nodes, nodes)
        )
        _, labels = connected_components(graph, directed=False)
        mr, mp = np.nonzero(members)
        _, comp_id = np.unique(labels[mr * k + mp], return_inverse=True)
        count = int(comp_id.max()) + 1 if comp_id.size else 0
        comp_row = np.zeros(count, dtype=np.int64)
        comp_row[comp_id] = mr
        worth = np.zeros(count)
        per_chunk = max(1, (1 << 22) // max(k, 1))
        for start in range(0, count, per_chunk):
            stop = min(start + per_chunk, count)
            sel = (comp_id >= start) & (comp_id < stop)
            block = np.zeros((stop - start, k), dtype=bool)
            block[comp_id[sel] - start, mp[sel]] = True
            worth[start:stop] = np.asarray(f(block), dtype=float).reshape(-1)
        return np.bincount(comp_row, weights=worth, minlength=rows)

    return fg


def _incremental_marginals(f: BatchFunction, k: int, edges: np.ndarray) -> BatchFunction:
    """Marginal contributions in ``v^g`` along orders, by union–find on the growing graph.

    For each order the player at position ``j`` merges her neighbours' components already
    present into one component ``C_j``; her marginal contribution is
    ``v(C_j) − Σ v(merged components)``. A Python pass of union–find records which earlier
    component each step absorbs; the ``k`` coalitions ``C_j`` of every order are then built as
    boolean rows in vectorised passes up the absorption chains and evaluated in one call.
    """
    neighbours: list[list[int]] = [[] for _ in range(k)]
    for a, b in edges.tolist():
        neighbours[a].append(b)
        neighbours[b].append(a)

    def marginals(ranks: np.ndarray) -> np.ndarray:
        orders = np.argsort(ranks, axis=1)
        m = orders.shape[0]
        # Pass 1 (Python, union–find): which earlier component (step) each step absorbs.
        absorbed: list[int] = []  # step whose component is merged ...
        absorber: list[int] = []  # ... into the component of this step
        for o, order in enumerate(orders.tolist()):
            base = o * k
            parent = list(range(k))
            step_of = [0] * k  # step that created the component rooted at a player
            present = [False] * k
            for j, p in enumerate(order):
                step = base + j
                for q in neighbours[p]:
                    if not present[q]:
                        continue
                    root = q
                    while parent[root] != root:
                        root = parent[root]
                    while parent[q] != root:  # path compression
                        parent[q], q = root, parent[q]
                    if root != p:  # not merged yet at this step
                        absorbed.append(step_of[root])
                        absorber.append(step)
                        parent[root] = p
                present[p] = True
                step_of[p] = step
        # Pass 2 (vectorised): C_j holds the players of all steps whose chain of absorbers
        # passes through j, so each step marks its player in every row up that chain.
        up = np.full(m * k, -1, dtype=np.int64)
        lost = np.asarray(absorbed, dtype=np.int64)
        gainer = np.asarray(absorber, dtype=np.int64)
        up[lost] = gainer
        player = orders.reshape(-1)
        rows = np.zeros((m * k, k), dtype=bool)
        node = np.arange(m * k)
        cur = node
        while node.size:
            rows[cur, player[node]] = True
            cur = up[cur]
            keep = cur >= 0
            node, cur = node[keep], cur[keep]
        worth = np.asarray(f(rows), dtype=float).reshape(-1)
        gain = worth - np.bincount(gainer, weights=worth[lost], minlength=m * k)
        out = np.empty((m, k))
        np.put_along_axis(out, orders, gain.reshape(m, k), axis=1)
        return out

    return marginals


def myerson_sampled(
    game_or_function: TUGame | BatchFunction,
    edges: Edges,
    n: int | None = None,
    samples: int = 1000,
    seed: SeedLike = None,
    method: str = "antithetic",
    exact_max_players: int = 12,
) -> ShapleyEstimate:
    """Estimate the Myerson value by sampling player orders, with standard errors.

    Graph components of at most ``exact_max_players`` players are solved exactly (standard
    error 0; isolated players get ``v({i})``); on each larger component ``samples`` orders of its
    players are sampled with ``method`` (``"antithetic"``, ``"stratified"`` or ``"plain"``, as in
    :func:`~.shapley.shapley_sampled`, including its control variates for the first and last
    positions), and marginal contributions are computed incrementally (see the module
    docstring). Component efficiency holds exactly for every estimate.

    Returns
    -------
    ShapleyEstimate
        ``(values, stderr)``, both of shape ``(n,)``.
    """
    game, f, n_players, players = _resolve(game_or_function, n)
    e = parse_edges(edges, players)
    rng = np.random.default_rng(seed)
    values = np.zeros(n_players)
    stderr = np.zeros(n_players)
    for members in graph_components(n_players, e):
        k = members.size
        local = _local_edges(e, members)
        if k <= max(1, min(exact_max_players, MAX_TABLE_PLAYERS)):
            sub = subgame_values(game, f, n_players, members)
            values[members] = (
                sub[1] if k == 1 else shapley(TUGame(_restricted_table(sub, k, local)))
            )
            continue

        def f_local(rows: np.ndarray, members: np.ndarray = members) -> np.ndarray:
            if members.size == n_players:  # one component: local order = global order
                return f(rows)
            full = np.zeros((rows.shape[0], n_players), dtype=bool)
            full[:, members] = rows
            return f(full)

        est = sampled_value(
            restricted_batch(f_local, k, local),
            k,
            samples=samples,
            seed=rng,
            method=method,
            marginals=_incremental_marginals(f_local, k, local),
        )
        values[members], stderr[members] = est.values, est.stderr
    return ShapleyEstimate(values, stderr)
