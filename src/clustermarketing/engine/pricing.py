"""The per-market pricing game under logit demand (MODEL.md §6.4, appendix; seed 001).

Each (market m, segment s) pair is a logit market with an outside option: firm i's share is
``s_im = A_im e^{δ_im − b_m p_im} / (e^{u_0m} + Σ_j A_jm e^{δ_jm − b_m p_jm})``. Firms in different
segments sell complementary products and do not compete for the same buyers.

* ``nash``: every firm sets the single-product logit best response
  ``p_im = c_im + 1 / (b_m (1 − s_im))`` (Anderson, de Palma & Thisse 1992). Cooperation enters
  only through lower member costs ("cooperative pricing", seed 001).
* ``cartel``: members maximise their joint profit; in a logit market the first-order conditions
  give all members the common markup ``1 / (b_m (1 − Σ_{j∈M} s_jm))``; non-members best-respond.

Both are solved by a damped fixed-point iteration, vectorised over all firms and markets and
warm-started from last period's prices, until ``max |Δp| ≤ tolerance``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PriceSolution:
    """Equilibrium prices and what the solver did."""

    price: np.ndarray  # (n, M)
    share: np.ndarray  # (n, M)
    inclusive: np.ndarray  # (M, S) Σ_j A e^{u_j}
    iterations: int
    converged: bool
    residual: float


def logit_shares(
    delta: np.ndarray,
    price: np.ndarray,
    avail: np.ndarray,
    b: np.ndarray,
    u0: np.ndarray,
    group: np.ndarray,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Shares (n, M) and the inclusive sums per group (M·S,) of the logit markets."""
    ev = np.where(avail, np.exp(delta - b[None, :] * price), 0.0)
    sums = np.bincount(group.ravel(), weights=ev.ravel(), minlength=n_groups)
    m = b.size
    denom = np.exp(u0)[np.arange(n_groups) // (n_groups // m)] + sums
    return ev / denom[group], sums


def solve_prices(
    cost: np.ndarray,
    delta: np.ndarray,
    avail: np.ndarray,
    b: np.ndarray,
    u0: np.ndarray,
    segment: np.ndarray,
    n_segments: int,
    p0: np.ndarray,
    *,
    mode: str = "nash",
    members: np.ndarray | None = None,
    tol: float = 1e-8,
    max_iter: int = 200,
    damping: float = 0.7,
) -> PriceSolution:
    """Nash (or cartel) prices of all firms in all markets."""
    m = cost.shape[1]
    group = np.arange(m)[None, :] * n_segments + segment[:, None]
    n_groups = m * n_segments
    bb = b[None, :]
    p = np.where(avail, np.maximum(p0, cost + 1.0 / bb), cost + 1.0 / bb)
    cartel = mode == "cartel" and members is not None and members.any()
    mem = members[:, None] & avail if cartel else None
    it = 0
    resid = np.inf
    share = np.zeros_like(p)
    sums = np.zeros(n_groups)
    for it in range(1, max_iter + 1):  # noqa: B007
        share, sums = logit_shares(delta, p, avail, b, u0, group, n_groups)
        if cartel:
            assert mem is not None
            msum = np.bincount(group[mem], weights=share[mem], minlength=n_groups)
            own = np.where(mem, msum[group], share)
        else:
            own = share
        target = cost + 1.0 / (bb * (1.0 - own))
        new = (1.0 - damping) * p + damping * target
        resid = float(np.max(np.abs(new - p), initial=0.0, where=avail))
        p = new
        if resid <= tol:
            break
    share, sums = logit_shares(delta, p, avail, b, u0, group, n_groups)
    return PriceSolution(
        price=p,
        share=share,
        inclusive=sums.reshape(m, n_segments),
        iterations=it,
        converged=resid <= tol,
        residual=resid,
    )


def consumer_surplus(
    inclusive: np.ndarray, u0: np.ndarray, b: np.ndarray, size: np.ndarray, seg_weight: np.ndarray
) -> float:
    """Log-sum consumer surplus over markets, relative to a cluster that sells nothing.

    ``CS_m = Σ_s w_s (S_m / b_m) [ln(e^{u_0m} + Σ_j A e^{u_j}) − u_0m]``: the money buyers would
    need to be as well off without the cluster's products (Small & Rosen 1981).
    """
    gain = np.log(np.exp(u0)[:, None] + inclusive) - u0[:, None]
    return float(np.sum((size / b)[:, None] * seg_weight[None, :] * gain))
