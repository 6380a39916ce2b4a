"""The τ value (Tijs 1981): a compromise between what each player could hope for and must get.

For a TU game ``v`` on ``N``:

* the **utopia payoff** of ``i`` is her marginal contribution to the grand coalition,
  ``M_i = v(N) − v(N∖i)``: if she asked for more, the others would be better off without her;
* the **remainder** of ``i`` in a coalition ``S ∋ i`` is what is left for her after every other
  member of ``S`` got his utopia payoff, ``R(S, i) = v(S) − Σ_{j∈S∖i} M_j``, and her **minimal
  right** is the best such remainder, ``m_i = max_{S∋i} R(S, i)``.

The game is **quasi-balanced** (compromise admissible) when

.. math::

    m ≤ M \\quad\\text{(componentwise)} \\qquad\\text{and}\\qquad
    \\sum_i m_i ≤ v(N) ≤ \\sum_i M_i ,

i.e. the *core cover* ``{x : x(N) = v(N), m ≤ x ≤ M}`` is non-empty; every balanced game (non-empty
core) is quasi-balanced. The right-hand inequality follows from the first condition
(``m_i ≥ R(N, i) = v(N) − Σ_{j≠i} M_j``, so ``m_i ≤ M_i`` gives ``v(N) ≤ ΣM``), so a game that
fails is reported either for a player with ``m_i > M_i`` or for ``Σm > v(N)``. For such a game the **τ value** is the efficient point on the segment
from ``m`` to ``M``:

.. math::

    τ(v) = m + α\\,(M − m), \\qquad α ∈ [0, 1] \\text{ such that } \\sum_i τ_i = v(N)

(``τ = m = M`` when ``m = M``). It is covariant under strategic equivalence
(``τ(a·v + b) = a·τ(v) + b`` for ``a > 0`` and additive ``b``), symmetric, and for two players it
is the standard solution ``τ_i = v(i) + (v(N) − v(1) − v(2))/2``.

A cost game ``c`` is solved through its profit form ``−c`` (equivalently its savings game, by
covariance), and the utopia and minimal-right vectors are reported in cost terms: ``M^c_i =
c(N) − c(N∖i)`` is the *least* a member can be charged without the others preferring to go on
without her, ``m^c`` the most she can be charged.

References
----------
Tijs, S. H. (1981). Bounds for the core and the τ-value. In Moeschlin, O. & Pallaschke, D.
(eds.), *Game Theory and Mathematical Economics*, 123–132. North-Holland.
Tijs, S. H. & Driessen, T. S. H. (1986). Game theory and cost allocation problems.
*Management Science* 32(8), 1015–1028.
Branzei, R., Dimitrov, D. & Tijs, S. (2008). *Models in Cooperative Game Theory*, 2nd ed.,
§2.5. Springer.
"""

from __future__ import annotations

import numpy as np

from clustermarketing.games.cooperative.tu import TUGame, profit_form, subset_sums

__all__ = [
    "NotQuasiBalancedError",
    "is_quasi_balanced",
    "minimal_rights",
    "tau_value",
    "utopia_payoffs",
]


class NotQuasiBalancedError(ValueError):
    """The τ value is undefined: the game is not quasi-balanced (message names the condition)."""


def _bounds(v: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Utopia payoffs ``M`` and minimal rights ``m`` of the profit game ``v`` (``O(n·2^n)``)."""
    grand = v[-1]
    full = (1 << n) - 1
    utopia = grand - v[full ^ (1 << np.arange(n))]
    slack = v - subset_sums(utopia)  # v(S) − M(S); R(S, i) = slack(S) + M_i for i ∈ S
    rights = np.empty(n)
    for i in range(n):
        rights[i] = slack.reshape(1 << (n - i - 1), 2, 1 << i)[:, 1, :].max() + utopia[i]
    return utopia, rights


def utopia_payoffs(game: TUGame) -> np.ndarray:
    """``M_i = v(N) − v(N∖i)`` (for a cost game ``c(N) − c(N∖i)``), Tijs (1981).

    Examples
    --------
    >>> utopia_payoffs(TUGame([0, 0, 0, 1, 0, 2, 1, 3])).tolist()
    [2.0, 1.0, 2.0]
    """
    if game.n == 0:
        return np.zeros(0)
    v, sign = profit_form(game)
    return sign * _bounds(v, game.n)[0]


def minimal_rights(game: TUGame) -> np.ndarray:
    """``m_i = max_{S∋i} (v(S) − Σ_{j∈S∖i} M_j)`` (cost games: in cost terms), Tijs (1981)."""
    if game.n == 0:
        return np.zeros(0)
    v, sign = profit_form(game)
    return sign * _bounds(v, game.n)[1]


def _violation(game: TUGame, tol: float) -> str | None:
    """Why the game is not quasi-balanced (``None`` if it is), in the game's own terms."""
    v, _ = profit_form(game)
    n = game.n
    utopia, rights = _bounds(v, n)
    eps = tol * max(1.0, float(np.abs(v).max()))
    label = game.players
    if game.cost:  # speak in costs: the minimal right becomes a maximal charge and vice versa
        for i in range(n):
            if rights[i] > utopia[i] + eps:
                return (
                    f"player {label[i]!r} must be charged at least M = {-utopia[i]:.6g} "
                    f"(c(N) − c(N∖i)) but at most m = {-rights[i]:.6g} (its largest remainder); "
                    "quasi-balancedness needs m_i ≥ M_i for every player of a cost game"
                )
        if -v[-1] > -rights.sum() + eps:
            return (
                f"c(N) = {-v[-1]:.6g} is above the sum of the maximal charges Σm = "
                f"{-rights.sum():.6g}; quasi-balancedness needs ΣM ≤ c(N) ≤ Σm"
            )
        return None
    for i in range(n):
        if rights[i] > utopia[i] + eps:
            return (
                f"player {label[i]!r} has minimal right m = {rights[i]:.6g} above its utopia "
                f"payoff M = {utopia[i]:.6g} (v(N) − v(N∖i)); quasi-balancedness needs "
                "m_i ≤ M_i for every player"
            )
    if v[-1] < rights.sum() - eps:
        return (
            f"v(N) = {v[-1]:.6g} is below the sum of the minimal rights Σm = "
            f"{rights.sum():.6g}; quasi-balancedness needs Σm ≤ v(N) ≤ ΣM"
        )
    return None


def is_quasi_balanced(game: TUGame, tol: float = 1e-9) -> bool:
    """``m ≤ M`` and ``Σm ≤ v(N) ≤ ΣM`` (non-empty core cover), Tijs (1981)."""
    return game.n == 0 or _violation(game, tol) is None


def tau_value(game: TUGame, tol: float = 1e-9) -> np.ndarray:
    """The τ value ``m + α(M − m)`` with ``Σ τ = v(N)`` (Tijs 1981).

    Raises :class:`NotQuasiBalancedError` (a ``ValueError``) naming the violated condition if
    the game is not quasi-balanced. For a cost game the result is a cost allocation.

    Examples
    --------
    The three-player example of Stach (2011), as computed by ``tauValue`` of the R package
    CoopGame: ``v(12) = 1, v(13) = 2, v(23) = 1, v(N) = 3``, singletons 0.

    >>> tau_value(TUGame([0, 0, 0, 1, 0, 2, 1, 3])).round(6).tolist()
    [1.2, 0.6, 1.2]
    """
    n = game.n
    if n == 0:
        return np.zeros(0)
    problem = _violation(game, tol)
    if problem is not None:
        raise NotQuasiBalancedError(f"the τ value needs a quasi-balanced game: {problem}")
    v, sign = profit_form(game)
    utopia, rights = _bounds(v, n)
    gap = utopia - rights
    total_gap = gap.sum()
    scale = max(1.0, float(np.abs(v).max()))
    if total_gap <= tol * scale:  # m = M: the core cover is the single point m
        return sign * rights
    alpha = float(np.clip((v[-1] - rights.sum()) / total_gap, 0.0, 1.0))
    tau = rights + alpha * gap
    tau += (v[-1] - tau.sum()) / n  # remove the last rounding error: exactly efficient
    return sign * tau
