"""Classic TU games with known solutions: bankruptcy, airport, glove.

* **Bankruptcy** (O'Neill 1982; Aumann & Maschler 1985): an estate ``E`` must be divided among
  claims ``d`` with ``Σ d ≥ E``. The game gives each coalition what the others leave:
  ``v(S) = max(0, E − Σ_{j∉S} d_j)``. Its nucleolus is the Talmud rule.
* **Airport** (Littlechild & Owen 1973): player ``i`` needs a runway of cost ``c_i``; the cost
  game is ``C(S) = max_{i∈S} c_i``. Its Shapley value splits each runway segment equally among
  the players who use it.
* **Glove** market: ``v(S) = min(#left gloves in S, #right gloves in S)``.

In the cluster setting these are the toy versions of splitting a shared budget under competing
claims (bankruptcy) and of sharing a facility sized by its largest user (airport).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from clustermarketing.games.cooperative._bitmask import popcount, subset_sums
from clustermarketing.games.cooperative.tu import TUGame

__all__ = [
    "BANKRUPTCY_RULES",
    "airport_game",
    "airport_shapley",
    "bankruptcy_game",
    "bankruptcy_rule",
    "glove_game",
]

BANKRUPTCY_RULES = (
    "talmud",
    "proportional",
    "constrained_equal_awards",
    "constrained_equal_losses",
)


def _check_bankruptcy(estate: float, claims: Sequence[float] | np.ndarray) -> np.ndarray:
    d = np.asarray(claims, dtype=float).reshape(-1)
    if np.any(d < 0) or not np.all(np.isfinite(d)):
        raise ValueError("claims must be finite and non-negative")
    if not 0 <= estate <= d.sum() * (1 + 1e-12):
        raise ValueError(f"a bankruptcy problem needs 0 <= estate <= sum(claims) = {d.sum():g}")
    return d


def bankruptcy_game(estate: float, claims: Sequence[float] | np.ndarray) -> TUGame:
    """``v(S) = max(0, E − Σ_{j∉S} d_j)`` (O'Neill 1982)."""
    d = _check_bankruptcy(estate, claims)
    claimed = subset_sums(d)
    return TUGame(np.maximum(0.0, estate - (d.sum() - claimed)))


def _constrained_equal_awards(estate: float, d: np.ndarray) -> np.ndarray:
    """``x_i = min(d_i, λ)`` with ``λ`` such that ``Σ x = E`` (exact piecewise-linear solve)."""
    if d.size == 0:
        return d.copy()
    s = np.sort(d)
    n = s.size
    # paid(k) = Σ_{j<k} s_j + (n−k)·s_k is the total when λ = s_k; find the first k with paid ≥ E
    below = np.concatenate([[0.0], np.cumsum(s)[:-1]])
    paid = below + (n - np.arange(n)) * s
    k = int(np.searchsorted(paid, estate))
    if k >= n:
        return d.copy()
    lam = (estate - below[k]) / (n - k)
    return np.minimum(d, lam)


def _constrained_equal_losses(estate: float, d: np.ndarray) -> np.ndarray:
    """``x_i = max(0, d_i − μ)``: equal losses, the dual of equal awards on the losses."""
    return d - _constrained_equal_awards(d.sum() - estate, d)


def bankruptcy_rule(estate: float, claims: Sequence[float] | np.ndarray, rule: str) -> np.ndarray:
    """Divide ``estate`` among ``claims`` by a classical rule.

    * ``"proportional"``: ``x = E·d/Σd``;
    * ``"constrained_equal_awards"``: ``x_i = min(d_i, λ)``;
    * ``"constrained_equal_losses"``: ``x_i = max(0, d_i − μ)``;
    * ``"talmud"`` (Aumann & Maschler 1985): equal awards on half-claims while ``E ≤ Σd/2``,
      otherwise half-claims plus equal losses on the other halves. Equals the nucleolus of
      :func:`bankruptcy_game`.

    Examples
    --------
    >>> bankruptcy_rule(200, [100, 200, 300], "talmud").tolist()
    [50.0, 75.0, 75.0]
    """
    d = _check_bankruptcy(estate, claims)
    if rule == "proportional":
        return estate * d / d.sum() if d.sum() > 0 else np.zeros_like(d)
    if rule == "constrained_equal_awards":
        return _constrained_equal_awards(estate, d)
    if rule == "constrained_equal_losses":
        return _constrained_equal_losses(estate, d)
    if rule == "talmud":
        half = d / 2
        if estate <= half.sum():
            return _constrained_equal_awards(estate, half)
        return half + _constrained_equal_losses(estate - half.sum(), half)
    raise ValueError(f"unknown bankruptcy rule {rule!r}; valid: {', '.join(BANKRUPTCY_RULES)}")


def airport_game(costs: Sequence[float] | np.ndarray) -> TUGame:
    """Cost game ``C(S) = max_{i∈S} c_i`` (Littlechild & Owen 1973)."""
    c = np.asarray(costs, dtype=float).reshape(-1)
    if np.any(c < 0):
        raise ValueError("airport costs must be non-negative")
    table = np.zeros(1)
    for ci in c:
        table = np.concatenate([table, np.maximum(table, ci)])
    return TUGame(table, cost=True)


def airport_shapley(costs: Sequence[float] | np.ndarray) -> np.ndarray:
    """Closed-form Shapley value of the airport game (Littlechild & Owen 1973).

    With costs sorted ``c_(1) ≤ … ≤ c_(n)``, segment ``k`` costs ``c_(k) − c_(k−1)`` and is used
    by the ``n − k + 1`` players with the largest needs, who split it equally:
    ``φ_(k) = Σ_{j≤k} (c_(j) − c_(j−1)) / (n − j + 1)``.

    Examples
    --------
    >>> airport_shapley([1, 3, 6]).tolist()
    [0.3333333333333333, 1.3333333333333333, 4.333333333333333]
    """
    c = np.asarray(costs, dtype=float).reshape(-1)
    n = c.size
    order = np.argsort(c, kind="stable")
    s = c[order]
    segments = np.diff(s, prepend=0.0) / (n - np.arange(n))
    phi = np.empty(n)
    phi[order] = np.cumsum(segments)
    return phi


def glove_game(n_left: int, n_right: int) -> TUGame:
    """Glove market: players ``0..n_left−1`` own a left glove, the others a right glove.

    ``v(S) = min(|S ∩ L|, |S ∩ R|)`` (a pair is worth 1). With one left and two right gloves the
    core is the single point ``(1, 0, 0)`` and the Shapley value ``(2/3, 1/6, 1/6)``.
    """
    if n_left < 0 or n_right < 0:
        raise ValueError("glove counts must be non-negative")
    left = popcount(n_left)
    right = popcount(n_right)
    # mask = left bits (low) + right bits (high): outer "sum" over the two blocks
    return TUGame(np.minimum(right[:, None], left[None, :]).reshape(-1).astype(float))
