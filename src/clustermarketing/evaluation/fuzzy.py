"""Fuzzy comprehensive evaluation (FCE): membership functions, composition operators, grades.

An alternative is judged on indicators i = 1…m against grades j = 1…k (default five:
excellent, good, fair, weak, poor). Each indicator value x_i is mapped by membership functions
to a row ``r_i = (μ_1(x_i), …, μ_k(x_i))`` of the membership matrix R (m × k, entries in [0, 1]).
With weights A (summing to 1) the evaluation vector is ``B = A ∘ R``, by one of four operators:

===================  ===========  =========================================
``operator``         model        b_j
===================  ===========  =========================================
``weighted_average`` M(·, ⊕)      Σ_i a_i r_ij                  (default)
``min_max``          M(∧, ∨)      max_i min(a_i, r_ij)
``product_max``      M(·, ∨)      max_i a_i r_ij
``bounded_sum``      M(∧, ⊕)      min(1, Σ_i min(a_i, r_ij))
===================  ===========  =========================================

B is returned as computed; ``normalize=True`` divides it by its sum. The grade is the
maximum-membership grade (the first on ties); the **score** is ``B̂ · s`` where B̂ is B divided by
its sum and ``s`` the stated grade-score vector (default 100, 75, 50, 25, 0).

Membership functions: ``triangular(a, b, c)`` and ``trapezoidal(a, b, c, d)`` (a ≤ b ≤ c ≤ d;
±inf allowed for open shoulders). :func:`partition` builds the standard ("Ruspini") partition
from one peak per grade: triangles between neighbouring peaks, open trapezoids at the two ends,
so every value has memberships summing to 1.

>>> fuzzy_evaluate([0.5, 0.5], [[1, 0, 0], [0, 1, 0]]).b.tolist()
[0.5, 0.5, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clustermarketing.errors import ClusterMarketingError

OPERATORS: tuple[str, ...] = ("weighted_average", "min_max", "product_max", "bounded_sum")
DEFAULT_GRADES: tuple[str, ...] = ("excellent", "good", "fair", "weak", "poor")
DEFAULT_SCORES: tuple[float, ...] = (100.0, 75.0, 50.0, 25.0, 0.0)
SHAPES: tuple[str, ...] = ("triangular", "trapezoidal")


def trapezoidal(x: Any, a: float, b: float, c: float, d: float) -> np.ndarray:
    """Trapezoid membership: 0 below a, rising to 1 on [b, c], falling to 0 at d.

    ``a = b = -inf`` gives an open left shoulder, ``c = d = inf`` an open right one.

    >>> trapezoidal([0, 1, 2.5, 4], 0, 2, 3, 4).tolist()
    [0.0, 0.5, 1.0, 0.0]
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        up = (
            np.where(b > a, (x - a) / (b - a), np.where(x >= b, 1.0, 0.0))
            if np.isfinite(a)
            else 1.0
        )
        down = (
            np.where(d > c, (d - x) / (d - c), np.where(x <= c, 1.0, 0.0))
            if np.isfinite(d)
            else 1.0
        )
    mu = np.clip(np.minimum(up, down), 0.0, 1.0)
    return np.where(np.isnan(x), np.nan, mu)


def triangular(x: Any, a: float, b: float, c: float) -> np.ndarray:
    """Triangle membership with feet a, c and peak b (a ≤ b ≤ c).

    >>> triangular([0, 0.5, 1, 1.5, 2], 0, 1, 2).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    return trapezoidal(x, a, b, b, c)


@dataclass(frozen=True)
class Membership:
    """One grade's membership function on one indicator."""

    shape: str
    params: tuple[float, ...]

    def __call__(self, x: Any) -> np.ndarray:
        if self.shape == "triangular":
            return triangular(x, *self.params)
        return trapezoidal(x, *self.params)

    def to_dict(self) -> dict[str, Any]:
        return {"shape": self.shape, "params": [float(p) for p in self.params]}


def membership(shape: str, params: Sequence[float], where: str = "membership") -> Membership:
    """A checked membership function (shape name and its breakpoints, non-decreasing)."""
    if shape not in SHAPES:
        raise ClusterMarketingError(
            f"{where}.shape: {shape!r}; expected one of {', '.join(SHAPES)}"
        )
    need = 3 if shape == "triangular" else 4
    p = tuple(float(v) for v in params)
    if len(p) != need:
        raise ClusterMarketingError(
            f"{where}.params: {len(p)} numbers; a {shape} function needs {need}"
        )
    if any(np.isnan(v) for v in p) or any(p[k] > p[k + 1] for k in range(need - 1)):
        raise ClusterMarketingError(
            f"{where}.params: {list(p)}; expected non-decreasing breakpoints"
        )
    return Membership(shape, p)


def partition(peaks: Sequence[float]) -> list[Membership]:
    """Standard partition from one peak per grade, in grade order (best grade first).

    Peaks must be strictly monotone: decreasing for an indicator where more is better (the
    best grade at the largest value), increasing where less is better. The grade at the extreme
    peak on each side is an open trapezoid, the others triangles reaching 0 at the neighbouring
    peaks, so the memberships of any value sum to 1.

    >>> [m.params for m in partition([2.0, 1.0, 0.0])]
    [(1.0, 2.0, inf, inf), (0.0, 1.0, 2.0), (-inf, -inf, 0.0, 1.0)]
    """
    p = np.asarray(peaks, dtype=float)
    if p.size < 2 or not np.all(np.isfinite(p)):
        raise ClusterMarketingError(f"peaks: {p.tolist()}; expected ≥ 2 finite numbers")
    d = np.diff(p)
    if not (np.all(d > 0) or np.all(d < 0)):
        raise ClusterMarketingError(
            f"peaks: {p.tolist()}; expected strictly increasing or strictly decreasing values"
        )
    order = np.argsort(p)  # ascending value
    asc = [float(v) for v in p[order]]
    fns: list[Membership | None] = [None] * p.size
    k = p.size
    for r, g in enumerate(order):
        if r == 0:
            fns[g] = Membership("trapezoidal", (-math.inf, -math.inf, asc[0], asc[1]))
        elif r == k - 1:
            fns[g] = Membership("trapezoidal", (asc[k - 2], asc[k - 1], math.inf, math.inf))
        else:
            fns[g] = Membership("triangular", (asc[r - 1], asc[r], asc[r + 1]))
    return [f for f in fns if f is not None]


def membership_matrix(values: Any, functions: Sequence[Sequence[Membership]]) -> np.ndarray:
    """R for one alternative: ``R[i, j] = functions[i][j](values[i])``.

    ``values`` may have leading dimensions (…, m): the result then has shape (…, m, k).
    """
    x = np.asarray(values, dtype=float)
    cols = [np.stack([f(x[..., i]) for f in row], axis=-1) for i, row in enumerate(functions)]
    return np.stack(cols, axis=-2)


def check_membership(r: Any, name: str = "R") -> np.ndarray:
    """Validate a membership matrix: a 2-D table of numbers in [0, 1]."""
    try:
        a = np.asarray(r, dtype=float)
    except (TypeError, ValueError):
        raise ClusterMarketingError(
            f"{name}: not a table of numbers; expected rows of memberships"
        ) from None
    if a.ndim != 2 or a.size == 0:
        raise ClusterMarketingError(
            f"{name}: shape {a.shape}; expected indicators × grades (a list of equal-length rows)"
        )
    for i, row in enumerate(a):
        bad = [v for v in row if not (np.isfinite(v) and 0.0 <= v <= 1.0)]
        if bad:
            raise ClusterMarketingError(
                f"{name} row {i + 1}: {[float(v) for v in row]}; expected memberships in [0, 1]"
            )
    return a


def compose(a: np.ndarray, r: np.ndarray, operator: str = "weighted_average") -> np.ndarray:
    """``B = A ∘ R`` for arrays: a (…, m), r (…, m, k) → (…, k); no validation (fast path)."""
    a3 = a[..., :, None]
    if operator == "weighted_average":
        return (a3 * r).sum(axis=-2)
    if operator == "min_max":
        return np.minimum(a3, r).max(axis=-2)
    if operator == "product_max":
        return (a3 * r).max(axis=-2)
    if operator == "bounded_sum":
        return np.minimum(1.0, np.minimum(a3, r).sum(axis=-2))
    raise ClusterMarketingError(f"operator: {operator!r}; expected one of {', '.join(OPERATORS)}")


def normalized(b: np.ndarray) -> np.ndarray:
    """B divided by its sum along the last axis (a zero vector stays zero)."""
    s = b.sum(axis=-1, keepdims=True)
    return np.divide(b, s, out=np.zeros_like(b), where=s > 0)


@dataclass(frozen=True)
class FuzzyResult:
    """Evaluation vector, maximum-membership grade and score of one alternative."""

    b: np.ndarray
    grades: tuple[str, ...]
    scores: tuple[float, ...]
    operator: str

    @property
    def grade_index(self) -> int:
        return int(np.argmax(self.b))

    @property
    def grade(self) -> str:
        return self.grades[self.grade_index]

    @property
    def score(self) -> float:
        return float(normalized(self.b) @ np.asarray(self.scores))

    def to_dict(self) -> dict[str, Any]:
        return {
            "b": {g: float(v) for g, v in zip(self.grades, self.b, strict=True)},
            "grade": self.grade,
            "score": self.score,
            "operator": self.operator,
            "grade_scores": {g: float(s) for g, s in zip(self.grades, self.scores, strict=True)},
        }


def _grades(k: int, grades: Sequence[str] | None, scores: Sequence[float] | None):
    if grades is None:
        if k != len(DEFAULT_GRADES):
            grades = tuple(f"grade {j + 1}" for j in range(k))
        else:
            grades = DEFAULT_GRADES
    if scores is None:
        scores = DEFAULT_SCORES if k == len(DEFAULT_SCORES) else tuple(np.linspace(100, 0, k))
    if len(grades) != k or len(scores) != k:
        raise ClusterMarketingError(
            f"grades/scores: {len(grades)} names and {len(scores)} scores; R has {k} grade columns"
        )
    return tuple(str(g) for g in grades), tuple(float(s) for s in scores)


def fuzzy_evaluate(
    weights: Any,
    r: Any,
    operator: str = "weighted_average",
    normalize: bool = False,
    grades: Sequence[str] | None = None,
    scores: Sequence[float] | None = None,
) -> FuzzyResult:
    """``B = A ∘ R`` with checks; see the module docstring for the operators.

    >>> res = fuzzy_evaluate([0.1, 0.2, 0.3, 0.4],
    ...     [[0.2, 0.5, 0.2, 0.1], [0.7, 0.2, 0.1, 0], [0, 0.4, 0.5, 0.1], [0.2, 0.3, 0.5, 0]],
    ...     operator="min_max", grades=["very", "rather", "not too", "not"])
    >>> res.b.tolist(), res.grade
    ([0.2, 0.3, 0.4, 0.1], 'not too')
    """
    from clustermarketing.evaluation.weights import direct_weights

    rm = check_membership(r)
    a = direct_weights(np.asarray(weights, dtype=float).ravel())
    if a.size != rm.shape[0]:
        raise ClusterMarketingError(
            f"weights: {a.size} values; R has {rm.shape[0]} rows (one weight per indicator)"
        )
    b = compose(a, rm, operator)
    if normalize:
        b = normalized(b)
    g, s = _grades(rm.shape[1], grades, scores)
    return FuzzyResult(b, g, s, operator)


__all__ = [
    "DEFAULT_GRADES",
    "DEFAULT_SCORES",
    "OPERATORS",
    "FuzzyResult",
    "Membership",
    "check_membership",
    "compose",
    "fuzzy_evaluate",
    "membership",
    "membership_matrix",
    "normalized",
    "partition",
    "trapezoidal",
    "triangular",
]
