"""The pricing game: logit-Bertrand competition, cooperative-cost pricing, cartel, repeated game.

``n`` single-product firms sell differentiated products to a market of size ``S`` with an outside
option (MODEL.md Appendix, "Demand"). Firm ``i``'s share is the multinomial logit

    s_i(p) = exp(a_i − b·p_i) / (exp(a0) + Σ_j exp(a_j − b·p_j)),

its profit ``π_i = (p_i − c_i)·S·s_i`` and, because ``∂s_i/∂p_i = −b·s_i(1 − s_i)``, its first-order
condition is ``p_i = c_i + 1/(b·(1 − s_i))`` (Anderson, de Palma & Thisse 1992, ch. 7). Profit is
quasi-concave in own price, so the Nash equilibrium exists and is unique (Caplin & Nalebuff 1991).

Three regimes are compared (MODEL.md §8, seed 001):

* **Nash** pricing, solved by damped fixed-point iteration on the FOC;
* **cooperative-cost** pricing: members' unit costs fall by pooling (``c_i ← c_i·(1 − κ·coverage_i)``)
  and prices then follow the *Nash* condition — lower prices through shared cost, not a cartel;
* **cartel** pricing, for contrast only: members maximise joint profit, which gives them the common
  markup ``p_i − c_i = 1/(b·(1 − Σ_{j∈M} s_j))`` while outsiders keep playing Nash.

Whether a cartel (or any cooperative agreement) is self-enforcing in the infinitely repeated game
with grim-trigger punishment depends on the critical discount factor
``δ* = (π_d − π_c)/(π_d − π_p)`` (Friedman 1971; Tirole 1988, ch. 6).

References
----------
Anderson, S. P., de Palma, A. & Thisse, J.-F. (1992). *Discrete Choice Theory of Product
Differentiation*. MIT Press.
Caplin, A. & Nalebuff, B. (1991). Aggregation and imperfect competition: on the existence of
equilibrium. *Econometrica* 59(1), 25–59.
Friedman, J. W. (1971). A non-cooperative equilibrium for supergames. *Review of Economic
Studies* 38(1), 1–12.
Tirole, J. (1988). *The Theory of Industrial Organization*. MIT Press.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import lambertw, logsumexp

__all__ = [
    "PricingResult",
    "bertrand_collusion_critical_delta",
    "bertrand_nash_prices",
    "best_response_price",
    "cartel_prices",
    "consumer_surplus",
    "cooperative_cost_prices",
    "critical_discount_factor",
    "logit_collusion_critical_delta",
    "logit_shares",
    "prisoners_dilemma_critical_delta",
    "profits",
]

Array = NDArray[np.float64]


class PricingResult(NamedTuple):
    """Outcome of a pricing fixed point: prices, shares, and convergence diagnostics."""

    prices: Array
    shares: Array
    iterations: int
    converged: bool
    residual: float  #: max |p − (c + markup(p))| at the returned prices


def logit_shares(p: ArrayLike, a: ArrayLike, b: float, a0: float = 0.0) -> Array:
    """Logit market shares ``s_i = exp(a_i − b p_i) / (exp(a0) + Σ_j exp(a_j − b p_j))``.

    Computed with log-sum-exp so that large utilities do not overflow.

    >>> logit_shares([1.0, 1.0], [1.0, 1.0], 1.0).round(4).tolist()
    [0.3333, 0.3333]
    """
    u = np.asarray(a, dtype=float) - b * np.asarray(p, dtype=float)
    return np.exp(u - logsumexp(np.append(u, a0)))


def profits(
    p: ArrayLike, c: ArrayLike, a: ArrayLike, b: float, S: float = 1.0, a0: float = 0.0
) -> Array:
    """Per-firm profits ``π_i = (p_i − c_i)·S·s_i(p)``."""
    p = np.asarray(p, dtype=float)
    return (p - np.asarray(c, dtype=float)) * S * logit_shares(p, a, b, a0)


def consumer_surplus(
    p: ArrayLike, a: ArrayLike, b: float, S: float = 1.0, a0: float = 0.0
) -> float:
    """Logit consumer surplus ``CS = (S/b)·ln(exp(a0) + Σ_j exp(a_j − b p_j))`` (the log-sum).

    Defined up to an additive constant; only differences between price vectors are meaningful
    (Small & Rosen 1981; Anderson, de Palma & Thisse 1992, §3.7).
    """
    u = np.asarray(a, dtype=float) - b * np.asarray(p, dtype=float)
    return float(S / b * logsumexp(np.append(u, a0)))


def _markups(shares: Array, b: float, members: Array | None) -> Array:
    """Nash markups ``1/(b(1 − s_i))``; members of a cartel get ``1/(b(1 − Σ_M s_j))``."""
    m = 1.0 / (b * (1.0 - shares))
    if members is not None and members.any():
        m[members] = 1.0 / (b * (1.0 - shares[members].sum()))
    return m


def _solve(
    c: Array,
    a: Array,
    b: float,
    a0: float,
    members: Array | None,
    tol: float,
    max_iter: int,
    p0: ArrayLike | None,
    damping: float,
) -> PricingResult:
    if b <= 0:
        raise ValueError(f"price sensitivity b must be positive, got {b}")
    if not 0 < damping <= 1:
        raise ValueError(f"damping must be in (0, 1], got {damping}")
    p = c + 1.0 / b if p0 is None else np.asarray(p0, dtype=float).copy()
    residual = prev = np.inf
    for it in range(1, max_iter + 1):
        shares = logit_shares(p, a, b, a0)
        foc = c + _markups(shares, b, members)
        residual = float(np.max(np.abs(foc - p)))
        if residual <= tol:
            return PricingResult(p, shares, it, True, residual)
        if residual > prev:  # overshooting: damp harder (keeps near-monopoly cases stable)
            damping = max(0.5 * damping, 1e-3)
        prev = residual
        target = foc
        if members is not None and members.any():
            # The cartel's FOC is steep when Σ_M s → 1; use its exact best response to the
            # outsiders instead (the cartel acts like one firm with utility ln Σ_M e^{a_j − b c_j}).
            target = foc.copy()
            target[members] = c[members] + _cartel_markup(p, c, a, b, a0, members)
        p = (1.0 - damping) * p + damping * target
    return PricingResult(p, logit_shares(p, a, b, a0), max_iter, False, residual)


def _cartel_markup(p: Array, c: Array, a: Array, b: float, a0: float, members: Array) -> float:
    """Members' common profit-maximising markup given outsiders' prices (Lambert-W form).

    With ``K = Σ_M exp(a_j − b c_j)`` and ``D = exp(a0) + Σ_{j∉M} exp(a_j − b p_j)`` the
    joint FOC ``b·m = 1 + K·e^{−b m}/D`` solves to ``m = (1 + W(K·e^{−1}/D))/b``.
    """
    log_k = logsumexp(a[members] - b * c[members])
    log_d = logsumexp(np.append(a[~members] - b * p[~members], a0))
    return (1.0 + _lambertw_exp(log_k - 1.0 - log_d)) / b


def _firm_arrays(c: ArrayLike, a: ArrayLike) -> tuple[Array, Array]:
    c_arr, a_arr = np.broadcast_arrays(np.asarray(c, dtype=float), np.asarray(a, dtype=float))
    return np.atleast_1d(c_arr).astype(float), np.atleast_1d(a_arr).astype(float)


def bertrand_nash_prices(
    c: ArrayLike,
    a: ArrayLike,
    b: float,
    a0: float = 0.0,
    tol: float = 1e-12,
    max_iter: int = 10_000,
    p0: ArrayLike | None = None,
    damping: float = 0.5,
) -> PricingResult:
    """Nash equilibrium prices of the single-product logit-Bertrand game.

    Iterates ``p ← (1 − λ)·p + λ·(c + 1/(b·(1 − s(p))))`` (damping ``λ``) from ``p0`` (default
    ``c + 1/b``, the monopolistic-competition limit; pass last period's prices to warm-start)
    until ``max |p − c − 1/(b(1 − s))| ≤ tol``.

    >>> r = bertrand_nash_prices([1.0, 1.0], [2.0, 2.0], 1.0)
    >>> r.converged, r.prices.round(4).tolist()
    (True, [2.4011, 2.4011])
    """
    c_arr, a_arr = _firm_arrays(c, a)
    return _solve(c_arr, a_arr, b, a0, None, tol, max_iter, p0, damping)


def cartel_prices(
    c: ArrayLike,
    a: ArrayLike,
    b: float,
    a0: float = 0.0,
    members: Sequence[int] | ArrayLike | None = None,
    tol: float = 1e-12,
    max_iter: int = 10_000,
    p0: ArrayLike | None = None,
    damping: float = 0.5,
) -> PricingResult:
    """Prices when the firms in ``members`` maximise joint profit and the others play Nash.

    The joint-profit FOC of a logit multi-product firm gives every member the same markup
    ``p_i − c_i = 1/(b·(1 − Σ_{j∈M} s_j))`` (Anderson, de Palma & Thisse 1992, §7.5); outsiders
    keep ``p_i = c_i + 1/(b·(1 − s_i))``. ``members`` are indices or a boolean mask (default: all
    firms, i.e. the monopoly). This is the contrast case of MODEL.md §6.4, not cooperative pricing.
    """
    c_arr, a_arr = _firm_arrays(c, a)
    mask = np.zeros(c_arr.size, dtype=bool)
    if members is None:
        mask[:] = True
    else:
        idx = np.asarray(members)
        if idx.dtype == bool:
            mask[:] = idx
        else:
            mask[idx.astype(int)] = True
    return _solve(c_arr, a_arr, b, a0, mask, tol, max_iter, p0, damping)


def cooperative_cost_prices(
    c: ArrayLike,
    a: ArrayLike,
    b: float,
    kappa: float,
    coverage: ArrayLike,
    a0: float = 0.0,
    tol: float = 1e-12,
    max_iter: int = 10_000,
    p0: ArrayLike | None = None,
    damping: float = 0.5,
) -> PricingResult:
    """Nash prices after cooperation lowers member costs: ``c_i ← c_i·(1 − κ·coverage_i)``.

    Seed 001's "cooperative pricing" (MODEL.md Appendix): internal sourcing and shared purchasing
    cut unit costs of members by a fraction ``κ`` of their pooled ``coverage_i ∈ [0, 1]``
    (0 for non-members); firms then still compete in prices, so consumers gain.
    """
    c_arr, a_arr = _firm_arrays(c, a)
    cut = kappa * np.broadcast_to(np.asarray(coverage, dtype=float), c_arr.shape)
    if np.any(cut < 0) or np.any(cut > 1):
        raise ValueError("kappa·coverage must lie in [0, 1] for every firm")
    return _solve(c_arr * (1.0 - cut), a_arr, b, a0, None, tol, max_iter, p0, damping)


def _lambertw_exp(log_z: float) -> float:
    """Principal Lambert W of ``exp(log_z)``, without overflowing for large ``log_z``."""
    if log_z < 500.0:
        return float(lambertw(np.exp(log_z)).real)
    w = log_z - np.log(log_z)  # Newton on w + ln w = log_z
    for _ in range(50):
        w -= (w + np.log(w) - log_z) / (1.0 + 1.0 / w)
    return float(w)


def best_response_price(
    p: ArrayLike, i: int, c: ArrayLike, a: ArrayLike, b: float, a0: float = 0.0
) -> float:
    """Firm ``i``'s profit-maximising price given the others' prices ``p`` (its own entry ignored).

    With ``D = exp(a0) + Σ_{j≠i} exp(a_j − b p_j)`` the FOC ``b(p − c_i) = 1 + exp(a_i − b p)/D``
    has the closed form ``p = c_i + (1 + W(exp(a_i − b c_i − 1)/D))/b`` with ``W`` the Lambert W
    function.
    """
    c_arr, a_arr = _firm_arrays(c, a)
    u = a_arr - b * np.asarray(p, dtype=float)
    log_d = logsumexp(np.append(np.delete(u, i), a0))
    return float(c_arr[i] + (1.0 + _lambertw_exp(a_arr[i] - b * c_arr[i] - 1.0 - log_d)) / b)


def critical_discount_factor(deviation: float, cooperation: float, punishment: float) -> float:
    """Grim-trigger critical discount factor ``δ* = (π_d − π_c)/(π_d − π_p)``.

    Cooperation forever is worth ``π_c/(1 − δ)``; deviating yields ``π_d`` once and ``π_p`` (the
    punishment, e.g. one-shot Nash) ever after. Cooperation is a subgame-perfect equilibrium iff
    ``δ ≥ δ*`` (Friedman 1971). Requires ``π_d > π_c > π_p``.
    """
    if not deviation > cooperation > punishment:
        raise ValueError(
            "critical_discount_factor needs deviation > cooperation > punishment profits, got "
            f"deviation={deviation}, cooperation={cooperation}, punishment={punishment}"
        )
    return (deviation - cooperation) / (deviation - punishment)


def prisoners_dilemma_critical_delta(T: float, R: float, P: float) -> float:
    """Critical discount factor ``(T − R)/(T − P)`` of the repeated prisoner's dilemma.

    ``T`` temptation, ``R`` reward for mutual cooperation, ``P`` punishment (mutual defection).
    E.g. ``T=5, R=3, P=1`` gives ``1/2``.
    """
    return critical_discount_factor(T, R, P)


def bertrand_collusion_critical_delta(n: int) -> float:
    """``δ* = 1 − 1/n`` for ``n`` symmetric firms in homogeneous Bertrand competition.

    Colluding firms share the monopoly profit ``Π_m/n``; a deviator undercuts slightly and takes
    ``Π_m``; punishment is marginal-cost pricing with zero profit (Tirole 1988, §6.3.2).
    """
    if n < 1:
        raise ValueError(f"number of firms must be at least 1, got {n}")
    return 1.0 - 1.0 / n


def logit_collusion_critical_delta(
    c: ArrayLike, a: ArrayLike, b: float, n: int | None = None, a0: float = 0.0
) -> float:
    """Critical discount factor for a full cartel of logit-differentiated firms.

    For each firm ``i``: ``π_c`` is its profit at the all-firm cartel prices, ``π_d`` its profit
    from the one-shot best response (:func:`best_response_price`) against the others' cartel
    prices, and ``π_p`` its Nash profit (the grim-trigger punishment). Returns the largest
    ``(π_d − π_c)/(π_d − π_p)`` over firms, i.e. the smallest ``δ`` at which nobody deviates.
    Scalar ``c`` and ``a`` are broadcast to ``n`` symmetric firms. Market size cancels.
    """
    if n is not None:
        c, a = np.broadcast_to(c, (n,)), np.broadcast_to(a, (n,))
    c_arr, a_arr = _firm_arrays(c, a)
    if c_arr.size < 2:
        raise ValueError("collusion needs at least two firms")
    cartel = cartel_prices(c_arr, a_arr, b, a0).prices
    pi_c = profits(cartel, c_arr, a_arr, b, 1.0, a0)
    pi_p = profits(bertrand_nash_prices(c_arr, a_arr, b, a0).prices, c_arr, a_arr, b, 1.0, a0)
    deltas = []
    for i in range(c_arr.size):
        dev = cartel.copy()
        dev[i] = best_response_price(cartel, i, c_arr, a_arr, b, a0)
        pi_d = profits(dev, c_arr, a_arr, b, 1.0, a0)[i]
        deltas.append(critical_discount_factor(pi_d, pi_c[i], pi_p[i]))
    return float(max(deltas))
