"""Core, least core and the Bondareva–Shapley test.

The *core* of a profit game is ``{x : x(N) = v(N), x(S) ≥ v(S) ∀S}``: no coalition can do better
on its own. With the excess ``e(S, x) = v(S) − x(S)`` it is the set of efficient ``x`` whose
largest excess is ``≤ 0``. For a cost game the core is ``x(S) ≤ c(S)`` and the excess
``x(S) − c(S)``, i.e. what ``S`` would save by breaking away.

The *ε-core* relaxes every constraint by ``ε``; the *least core* is the non-empty ε-core with the
smallest ``ε``: ``ε* = min_x max_{S≠∅,N} e(S, x)`` s.t. ``x(N) = v(N)``. The core is non-empty iff
``ε* ≤ 0`` iff the game is *balanced* (Bondareva 1963; Shapley 1967):
``Σ_S λ_S v(S) ≤ v(N)`` for every balanced family of weights ``λ ≥ 0``, ``Σ_{S∋i} λ_S = 1``.

References
----------
Bondareva, O. N. (1963). Some applications of linear programming methods to the theory of
cooperative games. *Problemy Kibernetiki* 10, 119–139.
Shapley, L. S. (1967). On balanced sets and cores. *Naval Research Logistics Quarterly* 14(4),
453–460.
Maschler, M., Peleg, B. & Shapley, L. S. (1979). Geometric properties of the kernel, nucleolus
and related solution concepts. *Mathematics of Operations Research* 4(4), 303–338.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from clustermarketing.games.cooperative._bitmask import (
    TUGameLike,
    coalition_matrix,
    members_of,
    profit_form,
    subset_sums,
)
from clustermarketing.games.cooperative._excess_lp import lexicographic_excess

__all__ = ["CoreCheck", "LeastCore", "core_contains", "excesses", "is_core_empty", "least_core"]

#: Largest n for which the Bondareva–Shapley LP is solved with all ``2^n − 1`` columns.
_BS_MAX_PLAYERS = 16


class LeastCore(NamedTuple):
    """Least-core value ``epsilon`` and one allocation in the least core."""

    epsilon: float
    allocation: np.ndarray


@dataclass(frozen=True)
class CoreCheck:
    """Result of :func:`core_contains`; true in a boolean context iff ``x`` is in the core.

    ``coalition`` (bitmask) and ``players`` name the coalition with the largest excess (the one
    that would gain most by blocking ``x``), ``excess`` is that excess, and ``efficient`` says
    whether ``x(N)`` equals ``v(N)``.
    """

    in_core: bool
    coalition: int
    players: tuple[Hashable, ...]
    excess: float
    efficient: bool

    def __bool__(self) -> bool:
        return self.in_core


def excesses(game: TUGameLike, x: Sequence[float] | np.ndarray) -> np.ndarray:
    """Excess of every coalition at ``x``, indexed by bitmask (``v(S) − x(S)``, or ``x(S) − c(S)``
    for a cost game); entry 0 (the empty coalition) is 0."""
    v, sign = profit_form(game)
    x = np.asarray(x, dtype=float)
    if x.shape != (game.n,):
        raise ValueError(f"allocation must have shape ({game.n},), got {x.shape}")
    return v - subset_sums(sign * x)


def core_contains(
    game: TUGameLike, x: Sequence[float] | np.ndarray, tol: float = 1e-9
) -> CoreCheck:
    """Check whether ``x`` is in the core and report the most violated (blocking) coalition.

    ``tol`` is relative to ``max(1, max|v|)``. The reported coalition is the proper coalition
    ``∅ ≠ S ≠ N`` with the largest excess (negative: how far ``x`` is from being blocked), or
    ``N`` itself when ``x`` gives away less than ``v(N)`` and that is the larger excess.

    Examples
    --------
    >>> from clustermarketing.games.cooperative.classic import glove_game
    >>> check = core_contains(glove_game(1, 2), [0.5, 0.25, 0.25])
    >>> bool(check), check.players, check.excess
    (False, ('0', '1'), 0.25)
    """
    exc = excesses(game, x)
    scale = tol * max(1.0, float(np.abs(game.values).max()))
    if game.n == 0:
        return CoreCheck(True, 0, (), 0.0, True)
    full = (1 << game.n) - 1
    efficient = abs(exc[-1]) <= scale
    exc[0] = -np.inf
    worst = int(np.argmax(exc[:full])) if game.n > 1 else full
    if exc[full] > exc[worst] and not efficient:
        worst = full
    return CoreCheck(
        in_core=bool(efficient and exc[worst] <= scale),
        coalition=worst,
        players=members_of(game.players, worst),
        excess=float(exc[worst]),
        efficient=bool(efficient),
    )


def least_core(game: TUGameLike) -> LeastCore:
    """Least core: ``ε* = min_x max_{S≠∅,N} e(S, x)`` over ``x(N) = v(N)`` and one minimiser.

    Solved as the first stage of the prenucleolus LPs (constraint generation over all
    coalitions). The returned allocation is *a* point of the least core (the prenucleolus of
    the final working set of coalitions, a central point); use
    :func:`~.nucleolus.prenucleolus` for the canonical one.

    Examples
    --------
    >>> from clustermarketing.games.cooperative import TUGame
    >>> majority = TUGame.from_function(3, lambda s: (s.sum(axis=1) >= 2).astype(float))
    >>> eps, x = least_core(majority)
    >>> round(eps, 9), x.round(9).tolist()
    (0.333333333, [0.333333333, 0.333333333, 0.333333333])
    """
    v, sign = profit_form(game)
    n = game.n
    if n <= 1:
        return LeastCore(0.0, sign * v[-1:].copy() if n else np.zeros(0))
    run = lexicographic_excess(v, n, first_stage_only=True)
    return LeastCore(float(run.levels[0]), sign * run.x)


def _bondareva_shapley_value(v: np.ndarray, n: int) -> float:
    """``max Σ_S λ_S v(S)`` over balanced weights ``λ ≥ 0``, ``Σ_{S∋i} λ_S = 1``."""
    masks = np.arange(1, 1 << n, dtype=np.int64)
    a_eq = sparse.csr_matrix(coalition_matrix(n, masks).T.astype(float))
    res = linprog(
        -v[masks],
        A_eq=a_eq,
        b_eq=np.ones(n),
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        raise RuntimeError(f"Bondareva–Shapley LP failed: {res.message}")
    return float(-res.fun)


def is_core_empty(game: TUGameLike, tol: float = 1e-9) -> bool:
    """True iff the core is empty, by the Bondareva–Shapley theorem.

    For ``n ≤ 16`` the balancedness LP ``max Σ λ_S v(S)`` (one column per coalition) is solved
    directly and the core is empty iff its value exceeds ``v(N)``. For larger games its LP dual is
    solved instead, in the equivalent least-core form (core empty iff ``ε* > 0``), with
    constraint generation. ``tol`` is relative to ``max(1, max|v|)``.
    """
    v, _ = profit_form(game)
    n = game.n
    if n <= 1:
        return False
    scale = tol * max(1.0, float(np.abs(v).max()))
    if n <= _BS_MAX_PLAYERS:
        return _bondareva_shapley_value(v, n) > v[-1] + scale
    return least_core(game).epsilon > scale
