"""Evolutionary dynamics: replicator equation, rest points, contributors vs free riders.

The replicator dynamics of a symmetric game with payoff matrix ``A`` (``A[i, j]`` = payoff of
strategy ``i`` against ``j``) on the simplex of population shares ``x`` is

    ẋ_i = x_i·((A x)_i − xᵀA x)

(Taylor & Jonker 1978; Weibull 1995, ch. 3; Hofbauer & Sigmund 1998, ch. 7). Its rest points are
the points whose support strategies all earn the population mean; a rest point is asymptotically
stable when all eigenvalues of the Jacobian restricted to the simplex have negative real part.

MODEL.md §6.3 lets members choose between contributing to pooled marketing and free riding, and
regulation makes free riding costly (MODEL.md Appendix, "Contribution dynamics"):

    expected cost of free riding = monitoring·(fine + exclusion loss) + ν·trust.

:func:`contribution_game_payoffs` turns that into a 2 × 2 population game, :func:`replicator`
iterates it, and :func:`fermi_imitation_complete_graph` is the agent-level pairwise-comparison
process (Szabó & Tőke 1998; Traulsen, Nowak & Pacheco 2006) whose mean-field limit has the same
sign structure, so both predict the same winner.

References
----------
Hofbauer, J. & Sigmund, K. (1998). *Evolutionary Games and Population Dynamics*. Cambridge UP.
Szabó, G. & Tőke, C. (1998). Evolutionary prisoner's dilemma game on a square lattice.
*Physical Review E* 58(1), 69–73.
Taylor, P. D. & Jonker, L. B. (1978). Evolutionarily stable strategies and game dynamics.
*Mathematical Biosciences* 40(1–2), 145–156.
Traulsen, A., Nowak, M. A. & Pacheco, J. M. (2006). Stochastic dynamics of invasion and fixation.
*Physical Review E* 74(1), 011909.
Weibull, J. W. (1995). *Evolutionary Game Theory*. MIT Press.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import combinations
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "RestPoint",
    "basin_boundary",
    "contribution_game_payoffs",
    "fermi_imitation_complete_graph",
    "free_rider_replicator",
    "free_rider_rest_points",
    "hawk_dove",
    "replicator",
    "replicator_trajectory",
    "rest_points",
]

Array = NDArray[np.float64]
_TOL = 1e-10


class RestPoint(NamedTuple):
    """A rest point of the replicator dynamics with its linear stability."""

    point: Array  #: population shares
    eigenvalues: NDArray[np.complex128]  #: of the Jacobian restricted to the simplex
    stable: bool  #: all eigenvalues have negative real part (asymptotically stable)


def _field(A: Array, x: Array) -> Array:
    u = A @ x
    return x * (u - x @ u)


def replicator(
    payoff_matrix: ArrayLike, x0: ArrayLike, dt: float = 0.01, steps: int | None = None
) -> Iterator[Array]:
    """Yield successive states of the replicator dynamics, starting with ``x0``.

    Integrates ``ẋ_i = x_i((Ax)_i − xᵀAx)`` with the classical fourth-order Runge–Kutta scheme
    and step ``dt``, re-projecting onto the simplex after each step to stop round-off drift.
    ``steps=None`` runs for ever: the caller keeps the trajectory, takes the last state or stops
    early (e.g. ``itertools.islice``, or breaking once a criterion holds).

    >>> import itertools
    >>> last = list(itertools.islice(replicator(hawk_dove(2, 4), [0.9, 0.1]), 3000))[-1]
    >>> last.round(3).tolist()
    [0.5, 0.5]
    """
    A = np.asarray(payoff_matrix, dtype=float)
    x = np.asarray(x0, dtype=float).copy()
    if A.ndim != 2 or A.shape[0] != A.shape[1] or x.shape != (A.shape[0],):
        raise ValueError("payoff_matrix must be square and x0 a matching share vector")
    if np.any(x < 0) or not np.isclose(x.sum(), 1.0):
        raise ValueError("x0 must be a probability vector")
    yield x.copy()
    k = 0
    while steps is None or k < steps:
        k1 = _field(A, x)
        k2 = _field(A, x + 0.5 * dt * k1)
        k3 = _field(A, x + 0.5 * dt * k2)
        k4 = _field(A, x + dt * k3)
        x = np.clip(x + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4), 0.0, None)
        x /= x.sum()
        k += 1
        yield x.copy()


def replicator_trajectory(
    payoff_matrix: ArrayLike, x0: ArrayLike, dt: float = 0.01, steps: int = 1000
) -> Array:
    """The first ``steps + 1`` states of :func:`replicator` as an array of shape ``(steps+1, k)``."""
    return np.array(list(replicator(payoff_matrix, x0, dt, steps)))


def _jacobian(A: Array, x: Array) -> Array:
    """Jacobian of the replicator field, restricted to the tangent space {v : Σ v = 0}."""
    k = A.shape[0]
    u = A @ x
    mean = x @ u
    J = np.diag(u - mean) + x[:, None] * (A - (A.T @ x + u)[None, :])
    # Orthonormal basis of the tangent space: the field preserves Σ x = 1, so J maps it to itself.
    basis = np.linalg.qr(np.eye(k)[:, :-1] - 1.0 / k)[0][:, : k - 1]
    return basis.T @ J @ basis


def rest_points(payoff_matrix: ArrayLike) -> list[RestPoint]:
    """All isolated rest points of the replicator dynamics and their stability.

    For every support ``S`` the equations ``(Ax)_i = v`` (``i ∈ S``), ``Σ_S x_i = 1`` are solved;
    nonnegative solutions are rest points (Hofbauer & Sigmund 1998, §7.2). Supports whose
    equations are singular (continua of rest points) are skipped except for pure states. Sorted
    by support size, then lexicographically by descending shares.
    """
    A = np.asarray(payoff_matrix, dtype=float)
    k = A.shape[0]
    found: list[Array] = []
    for size in range(1, k + 1):
        for supp in combinations(range(k), size):
            lhs = np.zeros((size + 1, size + 1))
            lhs[:size, :size] = A[np.ix_(supp, supp)]
            lhs[:size, size] = -1.0
            lhs[size, :size] = 1.0
            rhs = np.zeros(size + 1)
            rhs[size] = 1.0
            try:
                sol = np.linalg.solve(lhs, rhs)
            except np.linalg.LinAlgError:
                if size > 1:
                    continue
                sol = np.array([1.0, 0.0])
            if np.any(sol[:size] <= _TOL):
                continue
            x = np.zeros(k)
            x[list(supp)] = sol[:size]
            if not any(np.allclose(x, y, atol=1e-9) for y in found):
                found.append(x)
    out = []
    for x in found:
        eig = np.linalg.eigvals(_jacobian(A, x)) if k > 1 else np.zeros(0, dtype=complex)
        out.append(RestPoint(x, eig.astype(complex), bool(np.all(eig.real < -_TOL))))
    return out


def hawk_dove(V: float, C: float) -> Array:
    """Hawk–Dove payoffs (rows/columns: hawk, dove) for resource value ``V`` and fight cost ``C``.

    ``[[(V − C)/2, V], [0, V/2]]`` (Maynard Smith & Price 1973). For ``V < C`` the mixed ESS has
    hawk share ``V/C``; for ``V ≥ C`` hawk is dominant and fixates.
    """
    return np.array([[(V - C) / 2.0, V], [0.0, V / 2.0]])


def contribution_game_payoffs(
    benefit: float,
    cost: float,
    monitoring: float,
    fine: float,
    norm: float = 0.0,
    trust: float = 0.0,
    exclusion: float = 1.0,
) -> Array:
    """2 × 2 population game of contributors (row/column 0) vs free riders (1).

    Pooled promotion is a club good: with contributor share ``x`` every member receives
    ``benefit·x``; contributors pay ``cost``. A free rider is detected with probability
    ``monitoring``; then it pays ``fine`` and, with ``exclusion`` ∈ [0, 1], loses that fraction
    of the club benefit (the exclusion loss); the norm adds ``ν·trust`` (``norm·trust``). Hence

        π_C(x) = benefit·x − cost,
        π_F(x) = benefit·x·(1 − monitoring·exclusion) − monitoring·fine − norm·trust,

    written as the matrix ``A`` with ``(A·(x, 1−x))_i = π_i(x)``. With exclusion the advantage of
    contributing rises with ``x``, which can make the game bistable (a coordination game).
    """
    if not 0 <= monitoring <= 1 or not 0 <= exclusion <= 1:
        raise ValueError("monitoring and exclusion must lie in [0, 1]")
    sanction = monitoring * fine + norm * trust
    keep = 1.0 - monitoring * exclusion
    return np.array(
        [
            [benefit - cost, -cost],
            [benefit * keep - sanction, -sanction],
        ]
    )


def basin_boundary(payoff_matrix: ArrayLike) -> float | None:
    """Share of strategy 0 separating the two basins of a bistable 2 × 2 game, else ``None``.

    With ``Δ(x) = π_0(x) − π_1(x)`` linear in ``x``, an interior rest point ``x*`` with ``Δ(x*) = 0``
    separates the basins when ``Δ`` is increasing (coordination game): from ``x0 > x*`` the
    population converges to all-0, from ``x0 < x*`` to all-1. If ``Δ`` is decreasing the interior
    point is the global attractor (no boundary), and without one a strategy dominates.
    """
    A = np.asarray(payoff_matrix, dtype=float)
    if A.shape != (2, 2):
        raise ValueError("basin_boundary is defined for 2 × 2 games")
    d1 = A[0, 1] - A[1, 1]  # Δ(0)
    slope = (A[0, 0] - A[1, 0]) - d1  # Δ(1) − Δ(0)
    if slope <= _TOL:
        return None
    x_star = -d1 / slope
    return float(x_star) if 0.0 < x_star < 1.0 else None


def free_rider_rest_points(
    benefit: float,
    cost: float,
    monitoring: float,
    fine: float,
    norm: float = 0.0,
    trust: float = 0.0,
    exclusion: float = 1.0,
) -> tuple[list[RestPoint], float | None]:
    """Rest points (with stability) and the basin boundary of the contribution game."""
    A = contribution_game_payoffs(benefit, cost, monitoring, fine, norm, trust, exclusion)
    return rest_points(A), basin_boundary(A)


def free_rider_replicator(
    x0: float,
    benefit: float,
    cost: float,
    monitoring: float,
    fine: float,
    norm: float = 0.0,
    trust: float = 0.0,
    exclusion: float = 1.0,
    dt: float = 0.01,
    steps: int | None = None,
) -> Iterator[float]:
    """Yield the contributor share over time under the replicator dynamics of the contribution game.

    ``x0`` is the initial contributor share; see :func:`contribution_game_payoffs` for the
    payoffs and :func:`free_rider_rest_points` for where the dynamics can end up.
    """
    A = contribution_game_payoffs(benefit, cost, monitoring, fine, norm, trust, exclusion)
    for state in replicator(A, [x0, 1.0 - x0], dt, steps):
        yield float(state[0])


def fermi_imitation_complete_graph(
    n: int,
    payoffs_fn: Callable[[NDArray[np.int64]], Array],
    x0: ArrayLike,
    K: float,
    mu: float,
    periods: int,
    rng: np.random.Generator | np.random.SeedSequence | int | None,
) -> Array:
    """Agent-level pairwise-comparison (Fermi) imitation on a complete graph.

    ``n`` agents hold strategies ``0..k−1``, initially in proportions ``x0`` (rounded to whole
    agents, at random positions). Each period, synchronously, every agent ``i`` draws a uniformly
    random other agent ``j`` and copies its strategy with probability
    ``1/(1 + exp(−(π_j − π_i)/K))`` where ``π = payoffs_fn(strategies)``; then with probability
    ``mu`` it mutates to a uniformly random strategy. For small payoff differences the expected
    change is ``x(1 − x)·Δπ/(2K)`` per period — the replicator equation on a time scale of
    ``1/(2K)`` (Traulsen, Nowak & Pacheco 2006).

    Returns the strategy frequencies, shape ``(periods + 1, k)``. ``rng`` is a ``Generator``, a
    ``SeedSequence`` or an int seed. The cluster engine has its own imitation phase on the
    structure's graph; this function is the game-level benchmark for it.
    """
    gen = np.random.default_rng(rng)
    x0 = np.atleast_1d(np.asarray(x0, dtype=float))
    if x0.size == 1:
        x0 = np.array([x0[0], 1.0 - x0[0]])
    if n < 2 or K <= 0 or not 0 <= mu <= 1:
        raise ValueError("need n ≥ 2, K > 0 and mu in [0, 1]")
    k = x0.size
    counts = np.floor(x0 * n).astype(int)
    counts[np.argmax(x0 - counts / n)] += n - counts.sum()
    strategies = gen.permutation(np.repeat(np.arange(k), counts))
    others = np.arange(n)
    history = np.empty((periods + 1, k))
    history[0] = np.bincount(strategies, minlength=k) / n
    for t in range(1, periods + 1):
        pi = np.asarray(payoffs_fn(strategies), dtype=float)
        partner = gen.integers(0, n - 1, size=n)
        partner += partner >= others  # uniform over the other n − 1 agents
        z = np.clip((pi[partner] - pi) / K, -500.0, 500.0)
        copy = gen.random(n) < 1.0 / (1.0 + np.exp(-z))
        strategies = np.where(copy, strategies[partner], strategies)
        mutate = gen.random(n) < mu
        strategies = np.where(mutate, gen.integers(0, k, size=n), strategies)
        history[t] = np.bincount(strategies, minlength=k) / n
    return history
