"""Joint promotion as a public-goods game (MODEL.md §8, seed 001).

``n`` members each contribute ``e_i ∈ [0, ē]`` (``ē`` = ``endowment``) to pooled promotion. Every
member receives the same benefit ``B(E)`` of the total ``E = Σ_j e_j`` and bears its own cost, so

    π_i(e) = B(E) − e_i,

with two benefit forms (``form``):

* ``"linear"``: ``B(E) = r·E/n`` — the linear public-goods game with multiplication factor ``r``
  (Ledyard 1995). Contributing one unit returns ``r/n`` to oneself and ``r`` to the group, so the
  Nash equilibrium is ``e_i = 0`` when ``r/n < 1`` while the optimum is ``e_i = ē`` when ``r > 1``;
* ``"log"``: ``B(E) = β·ln(1 + E)`` — diminishing returns to promotion. The Nash total solves
  ``β/(1 + E) = 1`` (``E* = β − 1`` if ``β > 1``), the optimum ``n·β/(1 + E) = 1``
  (``E° = n·β − 1``): under-provision grows with ``n`` (Bergstrom, Blume & Varian 1986).

Regulation (MODEL.md §4): a member who contributes less than ``ē`` is detected with probability
``monitoring`` and fined ``fine``; a norm adds a fixed psychological cost ``norm``. Full
contribution is a Nash equilibrium iff the best deviation gain — cost saved minus own share of the
benefit lost — is at most ``monitoring·fine + norm`` (Ostrom 1990, ch. 3 on graduated sanctions;
Fehr & Gächter 2000 for the experimental counterpart).

References
----------
Bergstrom, T., Blume, L. & Varian, H. (1986). On the private provision of public goods. *Journal
of Public Economics* 29(1), 25–49.
Fehr, E. & Gächter, S. (2000). Cooperation and punishment in public goods experiments. *American
Economic Review* 90(4), 980–994.
Ledyard, J. (1995). Public goods: a survey of experimental research. In Kagel & Roth (eds.),
*Handbook of Experimental Economics*. Princeton University Press.
Ostrom, E. (1990). *Governing the Commons*. Cambridge University Press.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize_scalar

__all__ = [
    "deviation_gain",
    "full_contribution_region",
    "min_sanction_for_full_contribution",
    "nash_contributions",
    "optimal_contributions",
    "public_goods_payoffs",
]

Form = Literal["linear", "log"]
Array = NDArray[np.float64]


def _check(n: int, param: float, endowment: float, form: str) -> None:
    if n < 1:
        raise ValueError(f"need at least one member, got n={n}")
    if param < 0 or endowment < 0:
        raise ValueError("benefit parameter and endowment must be nonnegative")
    if form not in ("linear", "log"):
        raise ValueError(f"form must be 'linear' or 'log', got {form!r}")


def _benefit(total: ArrayLike, n: int, param: float, form: Form) -> Array:
    total = np.asarray(total, dtype=float)
    return param * total / n if form == "linear" else param * np.log1p(total)


def public_goods_payoffs(e: ArrayLike, param: float, form: Form = "linear") -> Array:
    """Payoffs ``π_i = B(Σ_j e_j) − e_i`` for contributions ``e`` (``param`` = ``r`` or ``β``)."""
    e = np.asarray(e, dtype=float)
    return _benefit(e.sum(), e.size, param, form) - e


def _numeric_total(n: int, param: float, endowment: float, form: Form, weight: int) -> float:
    """Total maximising ``weight·B(E) − E`` over ``[0, n·ē]`` by bounded scalar search.

    ``weight = 1`` gives the Nash aggregate condition (one member's marginal benefit),
    ``weight = n`` the social optimum (Samuelson condition).
    """
    hi = n * endowment
    if hi == 0:
        return 0.0
    res = minimize_scalar(
        lambda E: -(weight * _benefit(E, n, param, form) - E),
        bounds=(0.0, hi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    # The bounded search never evaluates the end points exactly; compare with them.
    cands = [0.0, float(res.x), hi]
    return max(cands, key=lambda E: float(weight * _benefit(E, n, param, form) - E))


def nash_contributions(
    n: int,
    param: float,
    endowment: float,
    form: Form = "linear",
    method: Literal["closed", "numeric"] = "closed",
) -> Array:
    """Symmetric Nash equilibrium contributions of the ``n`` members.

    ``linear``: ``ē`` if ``r/n > 1`` else ``0`` (at ``r/n = 1`` members are indifferent; 0 is
    returned). ``log``: total ``E* = clip(β − 1, 0, n·ē)`` split equally (with a common benefit any
    split of ``E*`` is an equilibrium; the symmetric one is reported). ``method="numeric"`` finds
    the aggregate by scalar optimisation instead — a check on the closed form.
    """
    _check(n, param, endowment, form)
    if method == "numeric":
        return np.full(n, _numeric_total(n, param, endowment, form, 1) / n)
    if form == "linear":
        return np.full(n, endowment if param / n > 1 else 0.0)
    return np.full(n, float(np.clip(param - 1.0, 0.0, n * endowment)) / n)


def optimal_contributions(
    n: int,
    param: float,
    endowment: float,
    form: Form = "linear",
    method: Literal["closed", "numeric"] = "closed",
) -> Array:
    """Contributions maximising total payoff ``n·B(E) − E`` (the social optimum).

    ``linear``: ``ē`` if ``r > 1`` else ``0``. ``log``: ``E° = clip(n·β − 1, 0, n·ē)`` from the
    Samuelson condition ``n·β/(1 + E) = 1``, split equally.
    """
    _check(n, param, endowment, form)
    if method == "numeric":
        return np.full(n, _numeric_total(n, param, endowment, form, n) / n)
    if form == "linear":
        return np.full(n, endowment if param > 1 else 0.0)
    return np.full(n, float(np.clip(n * param - 1.0, 0.0, n * endowment)) / n)


def deviation_gain(n: int, param: float, endowment: float, form: Form = "linear") -> float:
    """Best gain of one member from cutting its contribution when all others give ``ē``.

    Gain = cost saved − own share of the benefit lost, maximised over the deviation
    ``e ∈ [0, ē]``. Linear: ``ē·(1 − r/n)``. Log: the best deviation is
    ``e = clip(β − 1 − (n − 1)·ē, 0, ē)``. Negative when full contribution is already Nash.
    """
    _check(n, param, endowment, form)
    if form == "linear":
        return float(endowment * (1.0 - param / n))
    others = (n - 1) * endowment
    e = float(np.clip(param - 1.0 - others, 0.0, endowment))
    if e == endowment:
        # No profitable deviation; report the (nonpositive) first-order gain of giving less.
        return float((1.0 - param / (1.0 + others + endowment)) * endowment)
    full = _benefit(others + endowment, n, param, form) - endowment
    return float(_benefit(others + e, n, param, form) - e - full)


def full_contribution_region(
    n: int,
    param: float,
    endowment: float,
    monitoring_grid: ArrayLike,
    sanction_grid: ArrayLike,
    norm: float = 0.0,
    form: Form = "linear",
) -> NDArray[np.bool_]:
    """Where full contribution is a Nash equilibrium, on a monitoring × sanction grid.

    Entry ``[k, l]`` is ``True`` iff ``deviation_gain ≤ monitoring_grid[k]·sanction_grid[l] + norm``
    (a relative tolerance of 1e-12 keeps the boundary itself inside). The region is monotone:
    more monitoring or a larger fine never destroys the equilibrium.
    """
    q = np.asarray(monitoring_grid, dtype=float)
    f = np.asarray(sanction_grid, dtype=float)
    if np.any((q < 0) | (q > 1)):
        raise ValueError("monitoring probabilities must lie in [0, 1]")
    if np.any(f < 0):
        raise ValueError("sanctions must be nonnegative")
    gain = deviation_gain(n, param, endowment, form)
    deterrence = np.outer(q, f) + norm
    return deterrence >= gain - 1e-12 * max(abs(gain), 1.0)


def min_sanction_for_full_contribution(
    monitoring: ArrayLike,
    n: int,
    param: float,
    endowment: float,
    norm: float = 0.0,
    form: Form = "linear",
) -> Array | float:
    """Smallest fine making full contribution an equilibrium: ``max(gain − norm, 0)/monitoring``.

    ``inf`` where monitoring is zero and the norm alone does not deter; vectorised over
    ``monitoring``.
    """
    q = np.asarray(monitoring, dtype=float)
    need = max(deviation_gain(n, param, endowment, form) - norm, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(q > 0, need / np.where(q > 0, q, 1.0), np.inf if need > 0 else 0.0)
    return float(out) if out.ndim == 0 else out
