"""Nash equilibria of two-player (bimatrix) games.

A bimatrix game is a pair of payoff matrices ``A`` (row player) and ``B`` (column player), both of
shape ``(m, n)``. A pair of mixed strategies ``(x, y)`` is a Nash equilibrium when each is a best
response to the other: every pure strategy in the support of ``x`` earns the maximum of ``A @ y``
and every pure strategy in the support of ``y`` earns the maximum of ``x @ B``.

Two exact algorithms are provided (von Stengel 2007):

* **support enumeration** — for every pair of supports ``(I, J)`` of equal size ``k`` solve the
  indifference equations ``A[I, J] y_J = v·1``, ``1ᵀ y_J = 1`` (and the same for ``x`` with ``B``),
  keep nonnegative solutions whose supports are best responses;
* **vertex enumeration** — enumerate the vertices of the best-response polytopes
  ``P = {x ≥ 0 : Bᵀx ≤ 1}`` and ``Q = {y ≥ 0 : Ay ≤ 1}`` (payoffs shifted to be positive) and keep
  the completely labelled pairs.

Both find *all* equilibria of a nondegenerate game. A game is degenerate when some mixed strategy
with a support of size ``k`` has more than ``k`` pure best responses; then equilibria may form
continua, supports of unequal size appear, and a :class:`DegenerateGameWarning` is issued (the
extreme equilibria that are found are still returned).

References
----------
von Stengel, B. (2007). Equilibrium computation for two-player games in strategic and extensive
form. In Nisan et al. (eds.), *Algorithmic Game Theory*, ch. 3. Cambridge University Press.
Knight, V. & Campbell, J. (2018). Nashpy: a Python library for the computation of Nash
equilibria. *Journal of Open Source Software* 3(30), 904.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from itertools import combinations
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DegenerateGameWarning",
    "is_best_response",
    "is_nash",
    "nash_equilibria",
]

_TOL = 1e-9


class DegenerateGameWarning(UserWarning):
    """The bimatrix game is degenerate: equilibria may be non-isolated or missed."""


def _as_game(A: ArrayLike, B: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    A = np.atleast_2d(np.asarray(A, dtype=float))
    B = np.atleast_2d(np.asarray(B, dtype=float))
    if A.ndim != 2 or A.shape != B.shape:
        raise ValueError(f"A and B must be 2-D of equal shape, got {A.shape} and {B.shape}")
    return A, B


def is_best_response(
    payoff: ArrayLike, strategy: ArrayLike, opponent: ArrayLike, tol: float = 1e-8
) -> bool:
    """Whether ``strategy`` is a best response to ``opponent`` under ``payoff``.

    ``payoff`` has the player's own strategies on its rows (pass ``A`` for the row player and
    ``B.T`` for the column player). A mixed strategy is a best response iff every pure strategy it
    plays with positive probability earns ``max(payoff @ opponent)`` (within ``tol``).
    """
    u = np.asarray(payoff, dtype=float) @ np.asarray(opponent, dtype=float)
    s = np.asarray(strategy, dtype=float)
    return bool(s @ u >= u.max() - tol)


def is_nash(A: ArrayLike, B: ArrayLike, x: ArrayLike, y: ArrayLike, tol: float = 1e-8) -> bool:
    """Whether ``(x, y)`` is a Nash equilibrium of the bimatrix game ``(A, B)``.

    Checks that ``x`` and ``y`` are probability vectors and mutual best responses
    (``xᵀAy ≥ max_i (Ay)_i − tol`` and ``xᵀBy ≥ max_j (xᵀB)_j − tol``).
    """
    A, B = _as_game(A, B)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    for s, size in ((x, A.shape[0]), (y, A.shape[1])):
        if s.shape != (size,) or np.any(s < -tol) or abs(s.sum() - 1.0) > tol:
            return False
    return is_best_response(A, x, y, tol) and is_best_response(B.T, y, x, tol)


def _indifferent_strategy(
    M: NDArray[np.float64], rows: tuple[int, ...], cols: tuple[int, ...]
) -> tuple[NDArray[np.float64] | None, bool]:
    """Mixed strategy on ``cols`` making the player with payoff ``M`` indifferent over ``rows``.

    Solves ``M[rows, cols] z − v·1 = 0``, ``1ᵀz = 1``. Returns ``(strategy or None, singular)``;
    ``singular`` flags a rank-deficient system (a sign of degeneracy when it has solutions).
    """
    k, ncol = len(rows), len(cols)
    lhs = np.zeros((k + 1, ncol + 1))
    lhs[:k, :ncol] = M[np.ix_(rows, cols)]
    lhs[:k, ncol] = -1.0
    lhs[k, :ncol] = 1.0
    rhs = np.zeros(k + 1)
    rhs[k] = 1.0
    sol, _, rank, _ = np.linalg.lstsq(lhs, rhs, rcond=None)
    singular = rank < ncol + 1
    if not np.allclose(lhs @ sol, rhs, atol=1e-9):
        return None, singular
    z = np.zeros(M.shape[1])
    z[list(cols)] = sol[:ncol]
    if np.any(z < -_TOL):
        return None, singular
    return np.clip(z, 0.0, None), singular


def _support_pairs(m: int, n: int, equal_size: bool) -> Iterator[tuple[tuple[int, ...], ...]]:
    for k in range(1, m + 1):
        for rows in combinations(range(m), k):
            sizes = [k] if equal_size else range(1, n + 1)
            for size in sizes:
                if size > n:
                    continue
                for cols in combinations(range(n), size):
                    yield rows, cols


def _count_best_responses(payoff: NDArray[np.float64], opponent: NDArray[np.float64]) -> int:
    u = payoff @ opponent
    return int(np.sum(u >= u.max() - _TOL))


def _support_enumeration(
    A: NDArray[np.float64], B: NDArray[np.float64], equal_size: bool
) -> tuple[list[tuple[NDArray[np.float64], NDArray[np.float64]]], bool]:
    m, n = A.shape
    found: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    degenerate = False
    for rows, cols in _support_pairs(m, n, equal_size):
        y, sing_y = _indifferent_strategy(A, rows, cols)
        if y is None:
            continue
        x, sing_x = _indifferent_strategy(B.T, cols, rows)
        if x is None:
            continue
        if not is_nash(A, B, x, y, tol=1e-8):
            continue
        found.append((x, y))
        # Degenerate: a continuum through this point, or more best responses than support size.
        if (
            sing_x
            or sing_y
            or _count_best_responses(A, y) > np.count_nonzero(y > _TOL)
            or _count_best_responses(B.T, x) > np.count_nonzero(x > _TOL)
        ):
            degenerate = True
    return found, degenerate


def _polytope_vertices(
    M: NDArray[np.float64],
) -> list[tuple[NDArray[np.float64], frozenset[int]]]:
    """Nonzero vertices of ``{z ≥ 0 : M z ≤ 1}`` with their labels.

    ``z`` has ``d = M.shape[1]`` coordinates; label ``j < d`` means ``z_j = 0`` and label
    ``d + i`` means ``(M z)_i = 1``. Vertices are found by brute force over all ``d``-subsets of
    tight constraints, which is exact and adequate for the small games analysed here.
    """
    rows, d = M.shape
    G = np.vstack([-np.eye(d), M])  # constraints G z ≤ h
    h = np.concatenate([np.zeros(d), np.ones(rows)])
    out: list[tuple[NDArray[np.float64], frozenset[int]]] = []
    for tight in combinations(range(d + rows), d):
        sub = G[list(tight)]
        if abs(np.linalg.det(sub)) < 1e-12:
            continue
        z = np.linalg.solve(sub, h[list(tight)])
        slack = h - G @ z
        if np.any(slack < -_TOL) or np.all(np.abs(z) < _TOL):
            continue
        if any(np.allclose(z, v, atol=1e-9) for v, _ in out):
            continue
        out.append((z, frozenset(np.flatnonzero(np.abs(slack) <= _TOL).tolist())))
    return out


def _is_degenerate(A: NDArray[np.float64], B: NDArray[np.float64]) -> bool:
    """Degeneracy test: some vertex of a best-response polytope has too many labels.

    A point of ``P`` with more than ``m`` labels lies on a face all of whose vertices carry those
    labels, so it suffices to inspect vertices (von Stengel 2007, Def. 3.5 and Thm. 3.7).
    """
    m, n = A.shape
    P = _polytope_vertices(B.T - B.min() + 1.0)
    Q = _polytope_vertices(A - A.min() + 1.0)
    return any(len(labs) > m for _, labs in P) or any(len(labs) > n for _, labs in Q)


def _vertex_enumeration(
    A: NDArray[np.float64], B: NDArray[np.float64]
) -> tuple[list[tuple[NDArray[np.float64], NDArray[np.float64]]], bool]:
    m, n = A.shape
    # Shift payoffs to be strictly positive; equilibria are invariant to this.
    A_pos = A - A.min() + 1.0
    B_pos = B - B.min() + 1.0
    # P over x (m coords): labels 0..m-1 (x_i = 0) and m..m+n-1 ((Bᵀx)_j = 1).
    P = _polytope_vertices(B_pos.T)
    # Q over y (n coords): labels in Q's own indexing; map to common labels:
    # (Ay)_i = 1 -> label i, y_j = 0 -> label m + j.
    Q_raw = _polytope_vertices(A_pos)
    Q = [(y, frozenset((lab + m) if lab < n else (lab - n) for lab in labs)) for y, labs in Q_raw]
    everything = frozenset(range(m + n))
    found = []
    degenerate = any(len(labs) > m for _, labs in P) or any(len(labs) > n for _, labs in Q)
    for x, lx in P:
        for y, ly in Q:
            if lx | ly == everything:
                xs, ys = x / x.sum(), y / y.sum()
                if is_nash(A, B, xs, ys):
                    found.append((xs, ys))
    return found, degenerate


def _dedupe_sorted(
    eqs: list[tuple[NDArray[np.float64], NDArray[np.float64]]],
) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    unique: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    for x, y in eqs:
        if not any(
            np.allclose(x, u, atol=1e-8) and np.allclose(y, v, atol=1e-8) for u, v in unique
        ):
            unique.append((x, y))

    # Deterministic order: by support size, then lexicographically descending probabilities
    # (so pure equilibria on early strategies come first).
    def key(eq: tuple[NDArray[np.float64], NDArray[np.float64]]) -> tuple[float, ...]:
        x, y = eq
        size = np.count_nonzero(x > _TOL) + np.count_nonzero(y > _TOL)
        return (size, *(-np.round(np.concatenate([x, y]), 9)))

    return sorted(unique, key=key)


def nash_equilibria(
    A: ArrayLike,
    B: ArrayLike,
    method: Literal["support", "vertex"] = "support",
) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """All Nash equilibria ``(x, y)`` of the bimatrix game ``(A, B)``.

    Parameters
    ----------
    A, B
        Payoffs of the row and column player, shape ``(m, n)``.
    method
        ``"support"`` (support enumeration over equal-size supports) or ``"vertex"`` (vertex
        enumeration of the best-response polytopes). Both are exact for nondegenerate games.

    Returns
    -------
    list of (x, y)
        Mixed-strategy pairs, deduplicated and sorted by total support size, then by descending
        probabilities — the same order whichever method is used.

    Warns
    -----
    DegenerateGameWarning
        If degeneracy is detected (a strategy with support size ``k`` has more than ``k`` pure
        best responses). For support enumeration, supports of unequal size are then searched too
        and one representative of each solution set is returned; continua are not enumerated.

    Examples
    --------
    Matching pennies has a unique, fully mixed equilibrium:

    >>> A = [[1, -1], [-1, 1]]
    >>> [(x.tolist(), y.tolist()) for x, y in nash_equilibria(A, -np.asarray(A))]
    [([0.5, 0.5], [0.5, 0.5])]
    """
    A, B = _as_game(A, B)
    if method == "support":
        eqs, degenerate = _support_enumeration(A, B, equal_size=True)
        degenerate = degenerate or _is_degenerate(A, B)
        if degenerate:
            more, _ = _support_enumeration(A, B, equal_size=False)
            eqs = eqs + more
    elif method == "vertex":
        eqs, degenerate = _vertex_enumeration(A, B)
    else:
        raise ValueError(f"method must be 'support' or 'vertex', got {method!r}")
    if degenerate:
        warnings.warn(
            "degenerate bimatrix game: equilibria may not be isolated; "
            "returned equilibria are representatives, not necessarily all",
            DegenerateGameWarning,
            stacklevel=2,
        )
    return _dedupe_sorted(eqs)
