"""Nash equilibria of two-player (bimatrix) games.

A bimatrix game is a pair of payoff matrices ``A`` (row player) and ``B`` (column player), both of
shape ``(m, n)``. A pair of mixed strategies ``(x, y)`` is a Nash equilibrium when each is a best
response to the other: every pure strategy in the support of ``x`` earns the maximum of ``A @ y``
and every pure strategy in the support of ``y`` earns the maximum of ``x @ B``.

Two exact algorithms are provided (von Stengel 2007); both return the same set, the **extreme
equilibria**:

* **support enumeration** — for every support ``S`` of a player's strategy and every equally large
  set ``K`` of the opponent's pure strategies, solve the square indifference system
  ``M[K, S] z_S = v·1``, ``1ᵀz_S = 1`` (``M = A`` for the column player's ``y``, ``M = Bᵀ`` for
  the row player's ``x``). Nonsingular systems with ``z ≥ 0`` that make every strategy in ``K`` a
  best response give the candidate strategies of each player; pairs of candidates whose supports
  are best responses to each other are the equilibria. In a nondegenerate game this is exactly
  the classical enumeration of equal-size support pairs ``(I, J)``; decoupling the two players'
  systems is what finds the extreme equilibria of degenerate games, whose supports may differ
  in size;
* **vertex enumeration** — enumerate the vertices of the best-response polytopes
  ``P = {x ≥ 0 : Bᵀx ≤ 1}`` and ``Q = {y ≥ 0 : Ay ≤ 1}`` (payoffs shifted to be positive) and keep
  the completely labelled pairs.

A strategy found by a nonsingular square system is the unique point with its support and its
set of best responses, i.e. a vertex of the best-response polyhedron
``{(z, v) : z ≥ 0, 1ᵀz = 1, M z ≤ v·1}``, and every vertex arises from such a system; the
vertices of that polyhedron and the nonzero vertices of ``P`` (``Q``) correspond one to one after
normalisation. So both methods return exactly the equilibria ``(x, y)`` in which ``x`` and ``y``
are vertices — the **extreme equilibria**.

In a nondegenerate game every equilibrium is extreme (and isolated, and there is an odd number
of them). A game is degenerate when some mixed strategy with a support of size ``k`` has more
than ``k`` pure best responses; then equilibria may form continua. The set of equilibria is a
finite union of *maximal Nash subsets* ``X × Y`` (products of polytopes) whose vertices are
extreme equilibria, so every equilibrium is a convex combination of extreme equilibria of one
maximal Nash subset (Winkels 1979; Avis et al. 2010). A :class:`DegenerateGameWarning` says so.

Ties are judged with one tolerance in both methods: a pure strategy is a best response when its
payoff is within ``1e-9·max(1, max|A|, max|B|)`` of the best, a probability below ``1e-9`` is
zero, and a linear system is singular when its singular values span more than ``1e8``. Payoffs
that differ by about that tolerance (near-ties at the level of rounding noise) make the problem
ill-posed; the two methods may then resolve them differently.

Every returned strategy is a clean probability vector: entries below ``1e-9`` (rounding noise
such as ``−1.6e-16``) are set to ``+0.0`` and the rest renormalised to sum to one, so it can be
passed to ``numpy.random.Generator.choice(p=…)`` directly.

References
----------
von Stengel, B. (2007). Equilibrium computation for two-player games in strategic and extensive
form. In Nisan et al. (eds.), *Algorithmic Game Theory*, ch. 3. Cambridge University Press.
Winkels, H.-M. (1979). An algorithm to determine all equilibrium points of a bimatrix game. In
Moeschlin & Pallaschke (eds.), *Game Theory and Related Topics*, 137–148. North-Holland.
Avis, D., Rosenberg, G. D., Savani, R. & von Stengel, B. (2010). Enumeration of Nash equilibria
for two-player games. *Economic Theory* 42(1), 9–37.
Knight, V. & Campbell, J. (2018). Nashpy: a Python library for the computation of Nash
equilibria. *Journal of Open Source Software* 3(30), 904.
"""

from __future__ import annotations

import warnings
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
#: A linear system counts as singular when its smallest singular value is below this fraction of
#: the largest: ten times the tie tolerance, so that payoffs equal up to ties-within-tolerance
#: give singular systems in both methods (rather than solutions driven by rounding noise).
_SINGULAR = 1e-8


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


def _clean(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """A probability vector from a computed one: entries ``≤ 1e-9`` become ``+0.0``, sum 1."""
    z = np.where(z > _TOL, z, 0.0)  # also turns -0.0 and -1e-17 into +0.0
    return z / z.sum()


def _br_tolerance(A: NDArray[np.float64], B: NDArray[np.float64]) -> float:
    """Payoff tolerance for "is a best response", relative to the size of the payoffs."""
    return _TOL * max(1.0, float(np.abs(A).max(initial=0.0)), float(np.abs(B).max(initial=0.0)))


#: Largest number of square systems solved in one batched call.
_BATCH_SYSTEMS = 1 << 15


def _strategy_vertices(M: NDArray[np.float64], tol: float) -> NDArray[np.float64]:
    """Vertices of ``{(z, v) : z ≥ 0, 1ᵀz = 1, M z ≤ v·1}``, one strategy ``z`` per row.

    ``M`` has the opponent's pure strategies on its rows and the coordinates of ``z`` (the
    player's own pure strategies) on its columns. For every support ``S`` and every set ``K`` of
    rows with ``|K| = |S|`` the square system ``M[K, S] z_S = v·1``, ``1ᵀ z_S = 1`` is solved
    (batched); a nonsingular system whose solution has ``z ≥ 0`` and makes every row of ``K`` a
    best response gives a vertex. Every vertex arises this way (its tight constraints have full
    rank, so some square subsystem is nonsingular); duplicates are removed.
    """
    opp, d = M.shape
    found: list[NDArray[np.float64]] = []
    for k in range(1, min(opp, d) + 1):
        sets_k = np.array(list(combinations(range(opp), k)), dtype=np.intp)
        supports = np.array(list(combinations(range(d), k)), dtype=np.intp)
        per_chunk = max(1, _BATCH_SYSTEMS // len(sets_k))
        for start in range(0, len(supports), per_chunk):
            S = np.repeat(supports[start : start + per_chunk], len(sets_k), axis=0)
            K = np.tile(sets_k, (len(S) // len(sets_k), 1))
            lhs = np.zeros((len(S), k + 1, k + 1))
            lhs[:, :k, :k] = M[K[:, :, None], S[:, None, :]]
            lhs[:, :k, k] = -1.0
            lhs[:, k, :k] = 1.0
            sv = np.linalg.svd(lhs, compute_uv=False)
            ok = sv[:, -1] > _SINGULAR * sv[:, 0]
            if not ok.any():
                continue
            S, K = S[ok], K[ok]
            rhs = np.zeros((len(S), k + 1, 1))
            rhs[:, k, 0] = 1.0
            sol = np.linalg.solve(lhs[ok], rhs)[:, :k, 0]
            z = np.zeros((len(S), d))
            np.put_along_axis(z, S, sol, axis=1)
            payoff = z @ M.T
            best = payoff.max(axis=1, keepdims=True)
            keep = (sol >= -_TOL).all(axis=1) & (
                np.take_along_axis(payoff, K, axis=1) >= best - tol
            ).all(axis=1)
            found.extend(_clean(row) for row in z[keep])
    if not found:
        return np.zeros((0, d))
    # The same vertex comes from several square systems: drop exact-after-rounding repeats in
    # one vectorised pass, then the rare near-repeats straddling a rounding boundary.
    stacked = np.array(found)
    _, first = np.unique(np.round(stacked, 12), axis=0, return_index=True)
    rows = stacked[np.sort(first)]
    near = np.abs(rows[:, None, :] - rows[None, :, :]).max(axis=2) <= 1e-9
    kept = np.zeros(len(rows), dtype=bool)
    for i in range(len(rows)):
        kept[i] = not np.any(near[i, :i] & kept[:i])
    return rows[kept]


def _support_enumeration(
    A: NDArray[np.float64], B: NDArray[np.float64]
) -> tuple[list[tuple[NDArray[np.float64], NDArray[np.float64]]], bool]:
    """Extreme equilibria by square indifference systems, and whether the game is degenerate.

    Candidates ``x`` (vertices for the row player, indifference of the column player) and ``y``
    are enumerated separately and then paired: ``(x, y)`` is an equilibrium iff the support of
    ``x`` consists of best responses to ``y`` and vice versa. The game is degenerate iff some
    candidate has more pure best responses than its support size (it suffices to inspect the
    vertices, von Stengel 2007, Thm. 3.7).
    """
    tol = _br_tolerance(A, B)
    X = _strategy_vertices(B.T, tol)  # (nx, m)
    Y = _strategy_vertices(A, tol)  # (ny, n)
    col_payoff = X @ B  # column player's payoffs against each x: (nx, n)
    row_payoff = Y @ A.T  # row player's payoffs against each y: (ny, m)
    br_x = col_payoff >= col_payoff.max(axis=1, keepdims=True) - tol
    br_y = row_payoff >= row_payoff.max(axis=1, keepdims=True) - tol
    supp_x, supp_y = X > 0, Y > 0
    degenerate = bool(
        np.any(br_x.sum(axis=1) > supp_x.sum(axis=1))
        or np.any(br_y.sum(axis=1) > supp_y.sum(axis=1))
    )
    # pair[i, j]: supp(x_i) ⊆ BR(y_j) and supp(y_j) ⊆ BR(x_i).
    pair = (supp_x.astype(int) @ (~br_y).T.astype(int) == 0) & (
        (~br_x).astype(int) @ supp_y.T.astype(int) == 0
    )
    found = [(X[i], Y[j]) for i, j in zip(*np.nonzero(pair), strict=True)]
    return [(x, y) for x, y in found if is_nash(A, B, x, y, tol=10 * tol)], degenerate


def _polytope_vertices(
    M: NDArray[np.float64], tol: float
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_]]:
    """Nonzero vertices of ``{z ≥ 0 : M z ≤ 1}`` (``M > 0``), normalised, with their labels.

    ``z`` has ``d = M.shape[1]`` coordinates. Vertices are found by brute force over all
    ``d``-subsets of tight constraints (``z_j = 0`` or ``(M z)_i = 1``). Feasibility and labels
    are judged on the normalised strategy ``x = z / Σz`` in payoff units, with the same
    tolerances as support enumeration, so that both methods treat near-ties alike: ``x ≥ 0``,
    the tight rows must be best responses within ``tol``; labels are the zero coordinates of the
    cleaned ``x`` and its best responses within ``tol``.

    Returns ``(X, zero, best)``: strategies ``(k, d)`` and boolean label arrays ``(k, d)`` and
    ``(k, rows)``.
    """
    rows, d = M.shape
    G = np.vstack([-np.eye(d), M])  # constraints G z ≤ h
    h = np.concatenate([np.zeros(d), np.ones(rows)])
    found: list[NDArray[np.float64]] = []
    for tight in combinations(range(d + rows), d):
        sub = G[list(tight)]
        sv = np.linalg.svd(sub, compute_uv=False)
        if sv[-1] <= _SINGULAR * sv[0]:
            continue
        z = np.linalg.solve(sub, h[list(tight)])
        total = z.sum()
        if total <= _TOL:
            continue
        x = z / total
        if np.any(x < -_TOL):
            continue
        payoff = M @ x
        best_rows = [t - d for t in tight if t >= d]
        if np.any(payoff[best_rows] < payoff.max() - tol):
            continue
        x = _clean(x)
        if not any(np.allclose(x, u, atol=1e-9) for u in found):
            found.append(x)
    X = np.array(found).reshape(-1, d)
    payoff = X @ M.T
    return X, X == 0, payoff >= payoff.max(axis=1, keepdims=True) - tol


def _vertex_enumeration(
    A: NDArray[np.float64], B: NDArray[np.float64]
) -> tuple[list[tuple[NDArray[np.float64], NDArray[np.float64]]], bool]:
    tol = _br_tolerance(A, B)
    # Shift payoffs to be strictly positive; equilibria (and payoff differences) are invariant.
    # P over x: labels "x_i = 0" and "column j is a best response to x"; Q likewise over y.
    X, zero_x, br_x = _polytope_vertices((B - B.min() + 1.0).T, tol)
    Y, zero_y, br_y = _polytope_vertices(A - A.min() + 1.0, tol)
    degenerate = bool(
        np.any(br_x.sum(axis=1) > (~zero_x).sum(axis=1))
        or np.any(br_y.sum(axis=1) > (~zero_y).sum(axis=1))
    )
    found = []
    for i in range(len(X)):
        for j in range(len(Y)):
            # Completely labelled: every row is unplayed in x or a best response to y, and
            # every column is unplayed in y or a best response to x.
            if (
                np.all(zero_x[i] | br_y[j])
                and np.all(zero_y[j] | br_x[i])
                and is_nash(A, B, X[i], Y[j], tol=10 * tol)
            ):
                found.append((X[i], Y[j]))
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
    """The extreme Nash equilibria ``(x, y)`` of the bimatrix game ``(A, B)``.

    In a nondegenerate game these are *all* its equilibria. In a degenerate game they are the
    vertices of its maximal Nash subsets: every equilibrium is a convex combination of extreme
    equilibria of one maximal Nash subset (see the module docstring). Both methods return this
    same set in the same order.

    Parameters
    ----------
    A, B
        Payoffs of the row and column player, shape ``(m, n)``.
    method
        ``"support"`` (square indifference systems for every support and equally many best
        responses, each player separately, then paired) or ``"vertex"`` (vertex enumeration of
        the best-response polytopes).

    Returns
    -------
    list of (x, y)
        Mixed-strategy pairs, deduplicated and sorted by total support size, then by descending
        probabilities. Each strategy is a probability vector: entries are ``+0.0`` or above
        ``1e-9`` and sum to 1 (rounding noise is clipped and the rest renormalised).

    Warns
    -----
    DegenerateGameWarning
        If the game is degenerate (a strategy with support size ``k`` has more than ``k`` pure
        best responses): equilibria may then form continua, of which the extreme points are
        returned.

    Examples
    --------
    Matching pennies has a unique, fully mixed equilibrium:

    >>> A = [[1, -1], [-1, 1]]
    >>> [(x.tolist(), y.tolist()) for x, y in nash_equilibria(A, -np.asarray(A))]
    [([0.5, 0.5], [0.5, 0.5])]

    In the all-zero 2×2 game every strategy pair is an equilibrium; the extreme ones are the
    four pure pairs:

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DegenerateGameWarning)
    ...     eqs = nash_equilibria(np.zeros((2, 2)), np.zeros((2, 2)))
    >>> [(x.tolist(), y.tolist()) for x, y in eqs]
    [([1.0, 0.0], [1.0, 0.0]), ([1.0, 0.0], [0.0, 1.0]), ([0.0, 1.0], [1.0, 0.0]), ([0.0, 1.0], [0.0, 1.0])]
    """
    A, B = _as_game(A, B)
    if method == "support":
        eqs, degenerate = _support_enumeration(A, B)
    elif method == "vertex":
        eqs, degenerate = _vertex_enumeration(A, B)
    else:
        raise ValueError(f"method must be 'support' or 'vertex', got {method!r}")
    if degenerate:
        warnings.warn(
            "degenerate bimatrix game: equilibria may form continua; the returned extreme "
            "equilibria span them (every equilibrium is a convex combination of extreme "
            "equilibria of one maximal Nash subset)",
            DegenerateGameWarning,
            stacklevel=2,
        )
    return _dedupe_sorted(eqs)
