"""Shapley value: exact by index arithmetic, and by permutation sampling for large games.

The Shapley value of player ``i`` is her expected marginal contribution when the players join
in a uniformly random order:

.. math::

    φ_i(v) = \\sum_{S ⊆ N∖\\{i\\}} \\frac{|S|!\\,(n−|S|−1)!}{n!}\\,\\bigl(v(S ∪ \\{i\\}) − v(S)\\bigr).

References
----------
Shapley, L. S. (1953). A value for n-person games. *Contributions to the Theory of Games II*,
307–317.
Castro, J., Gómez, D. & Tejada, J. (2009). Polynomial calculation of the Shapley value based on
sampling. *Computers & Operations Research* 36(5), 1726–1730.
Maleki, S. et al. (2013). Bounding the estimation error of sampling-based Shapley value
approximation. arXiv:1306.4265 (stratification by position).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import gammaln

from clustermarketing.games.cooperative.tu import TUGame, popcount

__all__ = [
    "ShapleyEstimate",
    "sampled_value",
    "shapley",
    "shapley_sampled",
    "shapley_weights",
]

SeedLike = int | np.random.SeedSequence | np.random.Generator | None

#: Target number of boolean cells (rows × players) per call of the characteristic function.
_BATCH_CELLS = 1 << 23


class ShapleyEstimate(NamedTuple):
    """Sampled Shapley value and the standard error of each component."""

    values: np.ndarray
    stderr: np.ndarray


def shapley_weights(n: int) -> np.ndarray:
    """Weights ``w(s) = s!(n−s−1)!/n!`` for coalition sizes ``s = 0..n−1`` (via log-gamma)."""
    s = np.arange(n)
    return np.exp(gammaln(s + 1) + gammaln(n - s) - gammaln(n + 1))


def shapley(game: TUGame) -> np.ndarray:
    """Exact Shapley value in ``O(n·2^n)`` vectorised operations.

    For player ``i`` the table is viewed as ``v.reshape(2^{n−i−1}, 2, 2^i)``: the middle axis is
    bit ``i``, so ``V[:, 1, :] − V[:, 0, :]`` are all marginal contributions ``v(S∪i) − v(S)``
    at once (views, no copies of index arrays). They are weighted by ``w(|S|)`` looked up from
    the popcount table. For a cost game this is the Shapley cost allocation (the value is
    linear, so no sign change is needed).

    Examples
    --------
    >>> from clustermarketing.games.cooperative.classic import glove_game
    >>> shapley(glove_game(1, 2)).round(4).tolist()
    [0.6667, 0.1667, 0.1667]
    """
    n = game.n
    if n == 0:
        return np.zeros(0)
    v = game.values
    weight_of_mask = shapley_weights(n)[np.minimum(popcount(n), n - 1)]
    phi = np.empty(n)
    for i in range(n):
        shape = (1 << (n - i - 1), 2, 1 << i)
        vv = v.reshape(shape)
        ww = weight_of_mask.reshape(shape)[:, 0, :]
        phi[i] = np.einsum("ij,ij->", vv[:, 1, :] - vv[:, 0, :], ww)
    return phi


def _as_batch_function(
    game_or_function: TUGame | Callable[[np.ndarray], np.ndarray], n: int | None
) -> tuple[Callable[[np.ndarray], np.ndarray], int]:
    if isinstance(game_or_function, TUGame):
        game = game_or_function
        bits = np.int64(1) << np.arange(game.n, dtype=np.int64)

        def lookup(members: np.ndarray) -> np.ndarray:
            return game.values[members.astype(np.int64) @ bits]

        return lookup, game.n
    if n is None:
        raise ValueError("n (the number of players) is required when v is a function")
    return game_or_function, int(n)


def _permutation_batch(
    f: Callable[[np.ndarray], np.ndarray], ranks: np.ndarray, n: int
) -> np.ndarray:
    """Marginal contributions of every player in each permutation (rows of ``ranks``).

    ``ranks[m, p]`` is the position of player ``p`` in permutation ``m``. The prefix coalitions
    ``P_j = {p : rank(p) < j}``, ``j = 1..n``, are built as one boolean array and evaluated in
    one call; the marginal of the player at position ``j−1`` is ``v(P_j) − v(P_{j−1})`` with
    ``v(P_0) = v(∅) = 0``.
    """
    m = ranks.shape[0]
    sizes = np.arange(1, n + 1)
    prefixes = ranks[:, None, :] < sizes[None, :, None]  # (m, n, n)
    worth = np.asarray(f(prefixes.reshape(m * n, n)), dtype=float).reshape(m, n)
    marginal_by_position = np.diff(worth, axis=1, prepend=0.0)
    return np.take_along_axis(marginal_by_position, ranks, axis=1)


def shapley_sampled(
    game_or_function: TUGame | Callable[[np.ndarray], np.ndarray],
    n: int | None = None,
    samples: int = 1000,
    seed: SeedLike = None,
    method: str = "antithetic",
) -> ShapleyEstimate:
    """Estimate the Shapley value by sampling player orders (Castro et al. 2009).

    ``v`` is either a :class:`TUGame` or a vectorised function mapping a boolean batch of
    coalitions ``(k, n)`` to ``k`` worths (then ``n`` is required); ``v(∅)`` is taken as 0.
    Each sampled order gives one vector of marginal contributions, which sums exactly to
    ``v(N)``, so every estimate is efficient. All prefixes of a batch of orders are evaluated in
    a single call, which is what makes thousands of players feasible.

    Methods (``samples`` is the number of orders evaluated in total):

    * ``"plain"`` – independent uniform orders.
    * ``"antithetic"`` – pairs ``(π, reversed π)``: a player early in one is late in the other,
      so the pair mean cancels most of the variance from the position (default).
    * ``"stratified"`` – groups of ``g = min(n, 16)`` cyclic shifts of one random order by
      ``⌊k·n/g⌋``: each player's position is spread evenly over the ``g`` strata while every
      single order stays uniformly distributed (systematic sampling by position, after
      Maleki et al. 2013).

    Except for ``"plain"``, the two deterministic strata are computed exactly: a player who comes
    first contributes ``v({i})`` and one who comes last ``v(N) − v(N∖i)``, each with probability
    ``1/n``. Those terms are replaced by their expectation (a control variate costing ``2n``
    extra evaluations), which removes e.g. the huge variance a fixed cost ``F`` in
    ``C(S) = F + …`` causes when it falls on whoever comes first. The estimate is finally made
    exactly efficient by spreading ``v(N) − Σ φ̂`` equally within each sampling unit (zero in
    expectation; its variance is part of the reported standard error).

    The standard error of each component is the standard deviation of the independent unit
    means (single orders, pairs or groups) divided by ``√units``.

    Returns
    -------
    ShapleyEstimate
        ``(values, stderr)``, both arrays of shape ``(n,)``.
    """
    f, n = _as_batch_function(game_or_function, n)
    return sampled_value(f, n, samples=samples, seed=seed, method=method)


def sampled_value(
    f: Callable[[np.ndarray], np.ndarray],
    n: int,
    samples: int = 1000,
    seed: SeedLike = None,
    method: str = "antithetic",
    marginals: Callable[[np.ndarray], np.ndarray] | None = None,
) -> ShapleyEstimate:
    """The sampling engine of :func:`shapley_sampled` (see there for the methods).

    ``marginals(ranks)`` returns, for each row of ``ranks`` (the position of every player in one
    order), every player's marginal contribution in that order; by default all prefixes are
    evaluated with ``f``. A value with a cheaper incremental form (the Myerson value, see
    :func:`~.graph_values.myerson_sampled`) passes its own; ``f`` is then only evaluated on the
    ``2n + 1`` coalitions of the control variates and the grand coalition.
    """
    if marginals is None:

        def marginals(ranks: np.ndarray) -> np.ndarray:
            return _permutation_batch(f, ranks, n)

    if method not in {"plain", "antithetic", "stratified"}:
        raise ValueError(f"method must be 'plain', 'antithetic' or 'stratified', got {method!r}")
    if n == 0:
        return ShapleyEstimate(np.zeros(0), np.zeros(0))
    rng = np.random.default_rng(seed)
    unit = {"plain": 1, "antithetic": 2, "stratified": min(n, 16)}[method]
    units = max(2, -(-int(samples) // unit))
    offsets = (np.arange(unit) * n) // unit
    units_per_batch = max(1, _BATCH_CELLS // (unit * n * n))
    unit_means = np.empty((units, n))
    ends = np.zeros(n)  # exact contribution of the first and last positions, weight 1/n each
    first = last = np.zeros(n)
    if method != "plain":
        eye = np.eye(n, dtype=bool)
        worth = np.asarray(f(np.vstack([eye, ~eye, np.ones((1, n), dtype=bool)])), dtype=float)
        first, last = worth[:n], worth[-1] - worth[n : 2 * n]
        ends = (first + last) / n
    done = 0
    while done < units:
        b = min(units_per_batch, units - done)
        base = np.argsort(rng.random((b, n)), axis=1)  # b random orders (player at position)
        base_rank = np.argsort(base, axis=1)  # position of each player
        if method == "plain":
            ranks = base_rank
        elif method == "antithetic":
            ranks = np.concatenate([base_rank, n - 1 - base_rank], axis=1).reshape(2 * b, n)
        else:
            ranks = ((base_rank[:, None, :] + offsets[None, :, None]) % n).reshape(b * unit, n)
        marg = marginals(ranks)
        if method != "plain":
            marg = marg - (ranks == 0) * first - (ranks == n - 1) * last + ends
        marg = marg.reshape(b, unit, n)
        unit_means[done : done + b] = marg.mean(axis=1)
        done += b
    if method != "plain":  # per unit, so that the standard error includes the adjustment
        grand = float(np.asarray(f(np.ones((1, n), dtype=bool)), dtype=float).reshape(-1)[0])
        unit_means += (grand - unit_means.sum(axis=1, keepdims=True)) / n
    values = unit_means.mean(axis=0)
    stderr = unit_means.std(axis=0, ddof=1) / np.sqrt(units)
    return ShapleyEstimate(values, stderr)
