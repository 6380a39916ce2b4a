"""The per-market pricing game under logit demand (MODEL.md §6.4, appendix; seed 001).

Each (market m, segment s) pair is a logit market with an outside option: firm i's share is
``s_im = A_im e^{δ_im − b_m p_im} / (e^{u_0m} + Σ_j A_jm e^{δ_jm − b_m p_jm})``. Firms in different
segments sell complementary products and do not compete for the same buyers.

* ``nash``: every firm sets the single-product logit best response
  ``p_im = c_im + 1 / (b_m (1 − s_im))`` (Anderson, de Palma & Thisse 1992). Cooperation enters
  only through lower member costs ("cooperative pricing", seed 001).
* ``cartel``: members maximise their joint profit; in a logit market the first-order conditions
  give all members the common markup ``1 / (b_m (1 − Σ_{j∈M} s_jm))``; non-members best-respond.

Both are solved by a Newton iteration on each firm's own first-order condition
(``p ← c + 1/b + s (p − c)``, the ζ-markup iteration of Morrow & Skerlos 2011), vectorised over
all available (firm, market) pairs and warm-started from last period's prices, until
``max |Δp| ≤ tolerance``. The step is damped by ``damping`` and halved whenever the gap grows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustermarketing.engine import kernels


@dataclass(frozen=True)
class PackedSolution:
    """Equilibrium on a packed list of (firm, market) pairs."""

    price: np.ndarray  # (P,)
    share: np.ndarray  # (P,)
    inclusive: np.ndarray  # (G,) Σ e^{u} per (market, segment) group
    iterations: int
    converged: bool
    residual: float


def solve_packed(
    cost: np.ndarray,
    delta: np.ndarray,
    b: np.ndarray,
    group: np.ndarray,
    exp_u0: np.ndarray,
    p0: np.ndarray,
    *,
    members: np.ndarray | None = None,
    tol: float = 1e-8,
    max_iter: int = 200,
    damping: float = 1.0,
) -> PackedSolution:
    """Nash prices (or, with ``members``, the members' cartel) on packed pairs.

    ``cost``, ``delta``, ``b``, ``group`` and ``p0`` are per pair; ``exp_u0`` is ``e^{u_0}`` per
    group. Only available pairs are ever passed: most firms reach few markets.

    Two identical firms in one logit market: symmetric prices on the first-order condition
    ``p = c + 1/(b(1 − s))``:

    >>> sol = solve_packed(np.array([10.0, 10.0]), np.zeros(2), np.array([0.5, 0.5]),
    ...                    np.array([0, 0]), np.array([1.0]), np.array([12.0, 12.0]), tol=1e-12)
    >>> bool(np.isclose(sol.price[0], 10 + 1 / (0.5 * (1 - sol.share[0]))))
    True
    """
    n_groups = exp_u0.size
    cartel = members is not None and bool(members.any())
    if kernels.compiled():  # compiled passes around NumPy's exp (the reference's, and SIMD)
        cost, delta, b, exp_u0, p0 = (
            np.ascontiguousarray(x, dtype=np.float64) for x in (cost, delta, b, exp_u0, p0)
        )
        group = np.ascontiguousarray(group, dtype=np.int64)
        mem = np.ascontiguousarray(members if cartel else np.zeros(0), dtype=np.bool_)
        p = kernels.pricing_start_kernel(p0, cost, b)
        ev, step, share = np.empty_like(p), np.empty_like(p), np.empty_like(p)
        sums, msum = np.zeros(n_groups), np.zeros(n_groups)
        it = 0
        resid = last_gap = np.inf
        for it in range(1, max_iter + 1):  # noqa: B007
            kernels.exponent_kernel(delta, b, p, np.inf, ev)
            np.exp(ev, out=ev)
            gap = kernels.pricing_step_kernel(
                ev, cost, b, p, group, exp_u0, mem, cartel, share, step, sums, msum
            )
            if gap > last_gap:  # as below
                damping *= 0.5
            last_gap = gap
            resid = damping * gap
            kernels.pricing_update_kernel(p, step, damping)
            if resid <= tol:
                break
        kernels.exponent_kernel(delta, b, p, np.inf, ev)
        np.exp(ev, out=ev)
        share, sums = kernels.group_shares_kernel(ev, group, exp_u0)
        return PackedSolution(p, share, sums, it, bool(resid <= tol), float(resid))
    p = np.maximum(p0, cost + 1.0 / b)
    it = 0
    resid = last_gap = np.inf
    for it in range(1, max_iter + 1):  # noqa: B007
        ev = np.exp(delta - b * p)
        share = ev / (exp_u0 + np.bincount(group, weights=ev, minlength=n_groups))[group]
        own = share
        if cartel:
            assert members is not None
            msum = np.bincount(group[members], weights=share[members], minlength=n_groups)
            own = np.where(members, msum[group], share)
        # Newton step on the own first-order condition p − c = 1 / (b (1 − s)): since
        # d/dp [1 / (b (1 − s))] = −s / (1 − s), the step is p ← c + 1/b + s (p − c) — the same
        # fixed point, but stable even where a firm holds most of its market (Morrow & Skerlos 2011)
        gap_vec = cost + 1.0 / b + own * (p - cost) - p
        gap = float(np.abs(gap_vec).max(initial=0.0))
        if gap > last_gap:  # oscillating: damp harder (the map contracts for small shares)
            damping *= 0.5
        last_gap = gap
        resid = damping * gap
        p += damping * gap_vec
        if resid <= tol:
            break
    ev = np.exp(delta - b * p)
    sums = np.bincount(group, weights=ev, minlength=n_groups)
    return PackedSolution(p, ev / (exp_u0 + sums)[group], sums, it, resid <= tol, resid)


def consumer_surplus(
    inclusive: np.ndarray, u0: np.ndarray, b: np.ndarray, size: np.ndarray, seg_weight: np.ndarray
) -> float:
    """Log-sum consumer surplus over markets, relative to a cluster that sells nothing.

    ``CS_m = Σ_s w_s (S_m / b_m) [ln(e^{u_0m} + Σ_j A e^{u_j}) − u_0m]``: the money buyers would
    need to be as well off without the cluster's products (Small & Rosen 1981).

    >>> round(consumer_surplus(np.array([[np.e - 1.0]]), np.array([0.0]), np.array([0.5]),
    ...                        np.array([100.0]), np.array([1.0])), 6)  # (100 / 0.5) · ln e
    200.0
    """
    gain = np.log(np.exp(u0)[:, None] + inclusive) - u0[:, None]
    return float(np.sum((size / b)[:, None] * seg_weight[None, :] * gain))
