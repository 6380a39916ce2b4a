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

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from clustermarketing.games.cooperative._structure import parse_partition, subgame_values
from clustermarketing.games.cooperative.shapley import (
    _BATCH_CELLS,
    SeedLike,
    ShapleyEstimate,
    _as_batch_function,
    _permutation_batch,
    shapley,
    shapley_weights,
)
from clustermarketing.games.cooperative.tu import MAX_TABLE_PLAYERS, TUGame, popcount

__all__ = ["aumann_dreze", "owen", "owen_sampled", "quotient_game"]

BatchFunction = Callable[[np.ndarray], np.ndarray]
Partition = Iterable[Iterable[Any]]

#: Largest number of coalitions gathered for one union of the Owen value.
MAX_OWEN_COALITIONS = 1 << 26


def _resolve(
    game_or_function: TUGame | BatchFunction, n: int | None
) -> tuple[TUGame | None, BatchFunction, int, Sequence[Any]]:
    if isinstance(game_or_function, TUGame):  # worths are read from the table directly
        return (
            game_or_function,
            game_or_function.values.__getitem__,
            game_or_function.n,
            (game_or_function.players),
        )
    f, n_players = _as_batch_function(game_or_function, n)
    return None, f, n_players, list(range(n_players))


@lru_cache(maxsize=64)
def _bits(k: int) -> np.ndarray:
    """``(2^k, k)`` int64 table: row ``S`` holds the bits of the bitmask ``S`` (read-only)."""
    bits = (np.arange(1 << k, dtype=np.int64)[:, None] >> np.arange(k, dtype=np.int64)) & 1
    bits.setflags(write=False)
    return bits


def owen(
    game_or_function: TUGame | BatchFunction, unions: Partition, n: int | None = None
) -> np.ndarray:
    """Owen value for a priori unions (Owen 1977); see the module docstring for the formula.

    ``unions`` is a partition of the players (lists of labels or indices; every player in
    exactly one union). ``game_or_function`` is a :class:`TUGame` or a vectorised
    characteristic function (boolean ``(k, n)`` coalitions → ``k`` worths, with ``n`` given).
    For a cost game the result is the cost allocation (the value is linear).

    Examples
    --------
    Three-player majority game with the union ``{0, 1}`` against ``{2}`` (Owen 1977): the union
    wins the whole surplus and splits it equally; player 2 gets nothing (Shapley: ⅓ each).

    >>> from clustermarketing.games.cooperative.tu import popcount
    >>> majority = TUGame((popcount(3) >= 2).astype(float))
    >>> owen(majority, [[0, 1], [2]]).tolist()
    [0.5, 0.5, 0.0]
    """
    game, f, n_players, players = _resolve(game_or_function, n)
    parts = parse_partition(unions, players, "unions")
    m = len(parts)
    phi = np.zeros(n_players)
    if n_players == 0:
        return phi
    sizes = [len(p) for p in parts]
    distinct = set(sizes)
    groups: list[tuple[int, slice | list[int], np.ndarray]]
    if len(distinct) == 1:  # all unions of one size (the common case): one group
        groups = [(sizes[0], slice(None), np.array(parts))]
    else:
        groups = [
            (p, ks, np.array([parts[k] for k in ks]))
            for p in sorted(distinct)
            for ks in [[k for k in range(m) if sizes[k] == p]]
        ]
    for p, _, members in groups:
        count = len(members) << (m - 1 + p)
        if count > MAX_OWEN_COALITIONS:
            raise ValueError(
                f"the Owen value needs 2^{m - 1}·2^{p} worths for each union of {p} players "
                f"({count:,} for the {len(members)} such unions among {m}); at most "
                f"{MAX_OWEN_COALITIONS:,} are gathered at once"
            )
    others = _others(m)  # row k: the unions other than k
    if game is not None:
        # Bitmasks as float64 (exact: at most 26 players) so that the products below use BLAS.
        member_bits = [np.ldexp(1.0, members) for _, _, members in groups]
        if len(groups) == 1:
            union_masks = np.add.reduce(member_bits[0], axis=1)
        else:
            union_masks = np.empty(m)
            for (_, ks, _), bits in zip(groups, member_bits, strict=True):
                union_masks[ks] = np.add.reduce(bits, axis=1)
        for (p, ks, members), bits in zip(groups, member_bits, strict=True):
            # Bitmask of R ∪ T for each union, set of other unions R and own subset T: one
            # product of the 0/1 layout with the masks of the other unions and the own bits.
            parts_bits = np.concatenate([union_masks[others[ks]], bits], axis=1)
            masks = (parts_bits @ _coalition_layout(m, p)).astype(np.int64)
            # Average over the other unions (weights by |R|) and take the Shapley value of the
            # union's own averaged game: one more product.
            phi[members] = game.values[masks] @ _owen_matrix(m, p)
        return phi
    union_rows = np.zeros((m, n_players))
    for k, p in enumerate(parts):
        union_rows[k, p] = 1.0
    for p, ks, members in groups:
        rows = np.zeros((len(members), m - 1 + p, n_players))
        rows[:, : m - 1] = union_rows[others[ks]]
        for u, mem in enumerate(members):
            rows[u, np.arange(m - 1, m - 1 + p), mem] = 1.0
        table = (_coalition_layout(m, p).T[None, :, :] @ rows) > 0  # (g, R·2^p, n)
        worth = np.asarray(f(table.reshape(-1, n_players)), dtype=float)
        phi[members] = worth.reshape(len(members), -1) @ _owen_matrix(m, p)
    return phi


@lru_cache(maxsize=64)
def _others(m: int) -> np.ndarray:
    """``(m, m−1)`` int array: row ``k`` lists the unions other than ``k`` in increasing order."""
    table = np.array([[lab for lab in range(m) if lab != k] for k in range(m)], dtype=np.intp)
    table = table.reshape(m, m - 1)
    table.setflags(write=False)
    return table


@lru_cache(maxsize=64)
def _coalition_layout(m: int, p: int) -> np.ndarray:
    """``(m−1+p, 2^{m−1}·2^p)`` 0/1 float matrix: column ``(R, T)`` marks the other unions in
    ``R`` (first ``m−1`` rows, bit ``l`` of ``R`` = the ``l``-th other union) and the members of
    the own union in ``T`` (last ``p`` rows). Columns are in the row order of
    :func:`_owen_matrix`.
    """
    r_bits, t_bits = _bits(m - 1), _bits(p)
    layout = np.concatenate(
        [np.repeat(r_bits, 1 << p, axis=0), np.tile(t_bits, (1 << (m - 1), 1))], axis=1
    ).T.astype(float, order="C")
    layout.setflags(write=False)
    return layout


@lru_cache(maxsize=64)
def _owen_matrix(m: int, p: int) -> np.ndarray:
    """``(2^{m−1}·2^p, p)`` matrix of the Owen formula for a union of ``p`` among ``m``.

    Row ``(R, T)`` (``R`` a set of other unions, ``T`` a subset of the own union, flattened in
    that order) is ``w_m(|R|) · C[:, T]``, with ``w_m(r) = r!(m−r−1)!/m!`` and ``C`` the Shapley
    matrix of :func:`_shapley_matrix`, so ``ω_P = worth(R ∪ T) @ matrix``.
    """
    weight_r = shapley_weights(m)[popcount(m - 1)]
    matrix = (weight_r[:, None, None] * _shapley_matrix(p).T[None, :, :]).reshape(-1, p)
    matrix.setflags(write=False)
    return matrix


@lru_cache(maxsize=64)
def _shapley_matrix(p: int) -> np.ndarray:
    """``(p, 2^p)`` matrix ``C`` with ``φ(v) = C @ v`` for a table ``v`` of ``p`` players.

    ``C[j, T] = w(|T|−1)`` if ``j ∈ T`` and ``−w(|T|)`` otherwise, ``w(s) = s!(p−s−1)!/p!``:
    each worth enters the marginal contributions of its members with a plus and of the others
    with a minus sign.
    """
    sizes = popcount(p)
    weights = shapley_weights(p)
    inside = _bits(p).T.astype(bool)  # (p, 2^p)
    plus = weights[np.maximum(sizes - 1, 0)]
    minus = -weights[np.minimum(sizes, p - 1)]
    matrix = np.where(inside, plus[None, :], minus[None, :])
    matrix.setflags(write=False)
    return matrix


def owen_sampled(
    game_or_function: TUGame | BatchFunction,
    unions: Partition,
    n: int | None = None,
    samples: int = 1000,
    seed: SeedLike = None,
    method: str = "antithetic",
) -> ShapleyEstimate:
    """Estimate the Owen value by sampling union-consistent orders, with standard errors.

    For unions too large for :func:`owen` (e.g. a few segments of dozens of firms each). An
    order is drawn by ordering the unions uniformly at random and the members of each union
    uniformly at random inside its slot — exactly the orders the Owen value averages over — and
    every player's marginal contribution along it is evaluated (all prefixes of a batch in one
    call of ``v``). ``method="antithetic"`` pairs each order with its reverse, which is again
    union-consistent; ``"plain"`` uses independent orders. Each order's contributions sum to
    ``v(N)``, so every estimate is exactly efficient. The standard error of each component is
    the standard deviation of the independent unit means (orders or pairs) divided by
    ``√units``. (Unlike :func:`~.shapley.shapley_sampled` there are no control variates for the
    first and last positions: who comes first is not uniform across players here.)
    """
    game, f, n_players, players = _resolve(game_or_function, n)
    if game is not None:
        f, n_players = _as_batch_function(game, None)
    parts = parse_partition(unions, players, "unions")
    if method not in {"plain", "antithetic"}:
        raise ValueError(f"method must be 'plain' or 'antithetic', got {method!r}")
    if n_players == 0:
        return ShapleyEstimate(np.zeros(0), np.zeros(0))
    m = len(parts)
    owner = np.empty(n_players, dtype=np.int64)
    for k, members in enumerate(parts):
        owner[members] = k
    rng = np.random.default_rng(seed)
    unit = 2 if method == "antithetic" else 1
    units = max(2, -(-int(samples) // unit))
    units_per_batch = max(1, _BATCH_CELLS // (unit * n_players * n_players))
    unit_means = np.empty((units, n_players))
    done = 0
    while done < units:
        b = min(units_per_batch, units - done)
        union_rank = np.argsort(np.argsort(rng.random((b, m)), axis=1), axis=1)
        key = union_rank[:, owner] + rng.random((b, n_players))  # union slot, then inside it
        rank = np.argsort(np.argsort(key, axis=1), axis=1)
        if unit == 2:
            rank = np.concatenate([rank, n_players - 1 - rank], axis=1).reshape(2 * b, n_players)
        marg = _permutation_batch(f, rank, n_players).reshape(b, unit, n_players)
        unit_means[done : done + b] = marg.mean(axis=1)
        done += b
    values = unit_means.mean(axis=0)
    stderr = unit_means.std(axis=0, ddof=1) / np.sqrt(units)
    return ShapleyEstimate(values, stderr)


def quotient_game(
    game_or_function: TUGame | BatchFunction, unions: Partition, n: int | None = None
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


def aumann_dreze(
    game_or_function: TUGame | BatchFunction, blocks: Partition, n: int | None = None
) -> np.ndarray:
    """Aumann–Drèze value for the coalition structure ``blocks`` (Aumann & Drèze 1974).

    Each player gets the Shapley value of the subgame on her own block, so every block ``B``
    shares exactly ``v(B)``. ``blocks`` is a partition of the players (labels or indices);
    blocks of more than 26 players are refused. Works on a :class:`TUGame` or a vectorised
    characteristic function (then ``n`` is required; only coalitions inside blocks are
    evaluated).

    Examples
    --------
    Majority game with the structure ``{0, 1}``, ``{2}``: the block ``{0, 1}`` wins 1 and
    splits it; the singleton block gets ``v({2}) = 0``.

    >>> from clustermarketing.games.cooperative.tu import popcount
    >>> majority = TUGame((popcount(3) >= 2).astype(float))
    >>> aumann_dreze(majority, [[0, 1], [2]]).tolist()
    [0.5, 0.5, 0.0]
    """
    game, f, n_players, players = _resolve(game_or_function, n)
    parts = parse_partition(blocks, players, "blocks")
    phi = np.zeros(n_players)
    for k, block in enumerate(parts):
        members = np.array(block, dtype=np.int64)
        if members.size > MAX_TABLE_PLAYERS:
            raise ValueError(
                f"blocks[{k}] has {members.size} players; the Aumann–Drèze value needs all "
                f"2^{members.size} coalitions of a block and is limited to {MAX_TABLE_PLAYERS}"
            )
        sub = subgame_values(game, f, n_players, members)
        phi[members] = shapley(TUGame(sub))
    return phi
