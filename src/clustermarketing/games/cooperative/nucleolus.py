"""Nucleolus and prenucleolus by sequential linear programs (Maschler–Peleg–Shapley).

The nucleolus is the allocation that lexicographically minimises the vector of excesses
``e(S, x) = v(S) − x(S)`` sorted in decreasing order, over imputations (``x(N) = v(N)``,
``x_i ≥ v({i})``); the prenucleolus does the same over all pre-imputations. For a cost game the
excess is ``x(S) − c(S)`` (computed through the profit form ``v = −c``).

Algorithm (Maschler, Peleg & Shapley 1979, §6; the "fix-by-span" variant): stage ``k`` solves

.. math::  t_k = \\min t \\;\\text{s.t.}\\; v(S) − x(S) ≤ t \\;(S \\text{ unsettled}),\\;
           x(T) = v(T) − t_{k(T)} \\;(T \\text{ fixed}),

then fixes every coalition whose excess is ``t_k`` in *every* optimal solution. Those with a
strictly positive optimal dual are such coalitions (complementary slackness holds between any
optimal primal and any optimal dual), and at least one exists because the duals of the excess
rows sum to 1. A coalition whose characteristic vector is in the span of the fixed ones has a
constant excess afterwards and is *settled*: it leaves the objective (keeping it could freeze
``t`` at a level it no longer constrains). Each stage adds an independent equation, so at most
``n − 1`` stages are needed; the final allocation solves the ``n × n`` system of fixed equations.
Every stage is solved by constraint generation over vectorised evaluation of all ``2^n``
excesses (see :mod:`._excess_lp`), so ``n = 20`` takes a few seconds.

References
----------
Schmeidler, D. (1969). The nucleolus of a characteristic function game. *SIAM Journal on Applied
Mathematics* 17(6), 1163–1170.
Maschler, M., Peleg, B. & Shapley, L. S. (1979). Geometric properties of the kernel, nucleolus
and related solution concepts. *Mathematics of Operations Research* 4(4), 303–338.
Guajardo, M. & Jörnsten, K. (2015). Common mistakes in computing the nucleolus. *European Journal
of Operational Research* 241(3), 931–935 (why "tight in the returned solution" is wrong).
"""

from __future__ import annotations

import numpy as np

from clustermarketing.games.cooperative._bitmask import TUGameLike, profit_form
from clustermarketing.games.cooperative._excess_lp import lexicographic_excess

__all__ = ["nucleolus", "prenucleolus"]


def _sequential_lp(v: np.ndarray, n: int, lower: np.ndarray | None) -> np.ndarray:
    """Lexicographic min-max excess of the profit game ``v`` (optionally with ``x ≥ lower``)."""
    return lexicographic_excess(v, n, lower=lower).x


def prenucleolus(game: TUGameLike) -> np.ndarray:
    """Prenucleolus: lexicographic minimum of the sorted excesses over ``x(N) = v(N)``.

    Returns the allocation (a cost allocation for a cost game) as an array indexed by player.

    Examples
    --------
    >>> from clustermarketing.games.cooperative.classic import glove_game
    >>> (prenucleolus(glove_game(1, 2)).round(9) + 0.0).tolist()
    [1.0, 0.0, 0.0]
    """
    v, sign = profit_form(game)
    if game.n <= 1:
        return sign * v[-1:].copy() if game.n else np.zeros(0)
    return sign * _sequential_lp(v, game.n, lower=None)


def nucleolus(game: TUGameLike) -> np.ndarray:
    """Nucleolus: lexicographic minimum of the sorted excesses over the imputation set.

    Raises ``ValueError`` when the imputation set is empty (``Σ v({i}) > v(N)``; for a cost game
    ``Σ c({i}) < c(N)``).

    Examples
    --------
    >>> from clustermarketing.games.cooperative.classic import bankruptcy_game
    >>> nucleolus(bankruptcy_game(200, [100, 200, 300])).round(9).tolist()
    [50.0, 75.0, 75.0]
    """
    v, sign = profit_form(game)
    n = game.n
    if n <= 1:
        return sign * v[-1:].copy() if n else np.zeros(0)
    lower = v[1 << np.arange(n)]
    if lower.sum() > v[-1] + 1e-9 * max(1.0, float(np.abs(v).max())):
        raise ValueError(
            "the imputation set is empty: the players' stand-alone values exceed v(N) "
            f"({lower.sum():g} > {v[-1]:g}); use prenucleolus() instead"
        )
    return sign * _sequential_lp(v, n, lower=lower)
