"""Analytic Hierarchy Process: priorities and consistency of pairwise comparison matrices.

A pairwise comparison matrix ``A`` (n × n, Saaty's 1–9 scale) holds ``a_ij`` = how much more
important element i is than element j, with ``a_ji = 1 / a_ij`` and ``a_ii = 1``. From it:

- **priorities** ``w`` (positive, summing to 1) by one of three methods:

  * ``"eigenvector"`` (Saaty 1977, default): the principal right eigenvector, ``A w = λmax w``;
  * ``"geometric_mean"`` (Crawford & Williams 1985): ``w_i ∝ (Π_j a_ij)^(1/n)``;
  * ``"arithmetic_mean"``: normalise each column to sum 1, average the rows.

- **λmax**: the principal eigenvalue for the eigenvector method; for the two approximate methods
  the mean of ``(A w)_i / w_i`` (the usual textbook estimate).
- **CI** = (λmax − n) / (n − 1); **CR** = CI / RI(n) with a random index table ``ri``
  (``"saaty1980"``, ``"saaty2005"`` or ``"donegan_dodd"``). CR < 0.1 counts as consistent;
  for n ≤ 2 every reciprocal matrix is consistent (CI = CR = 0).
- **the most inconsistent judgement**: every pair (i, j) contributes ``ε_ij + 1/ε_ij − 2 ≥ 0`` to
  ``n (λmax − n)`` where ``ε_ij = a_ij w_j / w_i`` (Saaty 2003, EJOR 145:85–91); the pair with the
  largest contribution is reported with the value of ``a_ij`` on the 1/9…9 range that minimises
  λmax when only that judgement changes (found by a bounded scalar search), and the CR it gives.

>>> r = ahp([[1, 3], [1/3, 1]])
>>> [round(float(x), 2) for x in r.weights], r.cr
([0.75, 0.25], 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clustermarketing.errors import ClusterMarketingError

#: Random consistency index RI(n), n = 1, 2, ….
#: - ``saaty1980``: Saaty, *The Analytic Hierarchy Process* (McGraw-Hill 1980), n ≤ 15.
#: - ``saaty2005``: Saaty, *Theory and Applications of the Analytic Network Process* (RWS 2005),
#:   p. 31, n ≤ 15.
#: - ``donegan_dodd``: Donegan & Dodd, "A note on Saaty's random indexes", Mathematical and
#:   Computer Modelling 15(10):135–137 (1991), n ≤ 15, as tabulated by AHPy (Griffith).
RANDOM_INDEX: dict[str, tuple[float, ...]] = {
    "saaty1980": (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59),
    "saaty2005": (0, 0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59),
    "donegan_dodd": (
        0, 0, 0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055, 1.4213, 1.4497,
        1.4643, 1.4822, 1.4969,
    ),
}  # fmt: skip
METHODS: tuple[str, ...] = ("eigenvector", "geometric_mean", "arithmetic_mean")
#: CR at or above this is reported as inconsistent (Saaty's 10% rule).
CR_THRESHOLD = 0.1
#: |a_ij · a_ji − 1| allowed when a full matrix is given.
RECIPROCAL_TOLERANCE = 1e-3
SAATY_MIN, SAATY_MAX = 1.0 / 9.0, 9.0


@dataclass(frozen=True)
class Judgement:
    """The judgement contributing most to the inconsistency and the value that repairs it."""

    row: int
    col: int
    value: float
    repair: float
    cr_after: float
    labels: tuple[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "row": self.row,
            "col": self.col,
            "value": self.value,
            "repair": self.repair,
            "cr_after": self.cr_after,
        }
        if self.labels is not None:
            out["labels"] = list(self.labels)
        return out


@dataclass(frozen=True)
class AHPResult:
    """Priorities and consistency of one pairwise comparison matrix."""

    matrix: np.ndarray
    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float
    ri: float
    method: str
    ri_table: str
    most_inconsistent: Judgement | None

    @property
    def n(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def consistent(self) -> bool:
        """CR below 0.1 (Saaty's rule)."""
        return bool(self.cr < CR_THRESHOLD)

    def to_dict(self, labels: Sequence[str] | None = None) -> dict[str, Any]:
        names = list(labels) if labels is not None else [str(i) for i in range(self.n)]
        return {
            "weights": {k: float(w) for k, w in zip(names, self.weights, strict=True)},
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "cr": self.cr,
            "ri": self.ri,
            "consistent": self.consistent,
            "method": self.method,
            "ri_table": self.ri_table,
            "most_inconsistent": self.most_inconsistent.to_dict()
            if self.most_inconsistent is not None
            else None,
        }


def _fmt(x: float) -> str:
    return f"{float(x):.6g}"


def from_upper(upper: Sequence[float], n: int | None = None) -> np.ndarray:
    """Build the full reciprocal matrix from its strict upper triangle given row by row.

    ``upper`` holds ``a_12, a_13, …, a_1n, a_23, …, a_(n−1)n``: n(n−1)/2 values.

    >>> from_upper([2, 4, 2]).round(3).tolist()
    [[1.0, 2.0, 4.0], [0.5, 1.0, 2.0], [0.25, 0.5, 1.0]]
    """
    vals = np.asarray(upper, dtype=float).ravel()
    m = vals.size
    k = round((1 + np.sqrt(1 + 8 * m)) / 2) if n is None else int(n)
    if k * (k - 1) // 2 != m:
        raise ClusterMarketingError(
            f"upper: {m} values; expected n(n−1)/2 values (1, 3, 6, 10, 15, …) for an n × n matrix"
            + (f" (n = {n}: {k * (k - 1) // 2})" if n is not None else "")
        )
    for idx, v in enumerate(vals):
        if not np.isfinite(v) or v <= 0:
            raise ClusterMarketingError(
                f"upper[{idx}]: {_fmt(v)}; expected a positive judgement (Saaty scale 1/9 … 9)"
            )
    a = np.ones((k, k))
    iu = np.triu_indices(k, 1)
    a[iu] = vals
    a[(iu[1], iu[0])] = 1.0 / vals
    return a


def check_matrix(matrix: Any, tolerance: float = RECIPROCAL_TOLERANCE) -> np.ndarray:
    """Validate a full pairwise comparison matrix: square, positive, unit diagonal, reciprocal."""
    try:
        a = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        raise ClusterMarketingError(
            "matrix: not a table of numbers; expected a square list of rows"
        ) from None
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ClusterMarketingError(
            f"matrix: shape {'×'.join(map(str, a.shape)) or 'scalar'}; expected a square n × n matrix"
        )
    n = a.shape[0]
    for i in range(n):
        for j in range(n):
            v = a[i, j]
            if not np.isfinite(v) or v <= 0:
                raise ClusterMarketingError(
                    f"matrix[{i + 1}][{j + 1}]: {_fmt(v)}; expected a positive judgement"
                )
    for i in range(n):
        if abs(a[i, i] - 1.0) > tolerance:
            raise ClusterMarketingError(
                f"matrix[{i + 1}][{i + 1}]: {_fmt(a[i, i])}; expected 1 on the diagonal"
            )
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1.0) > tolerance:
                raise ClusterMarketingError(
                    f"matrix[{i + 1}][{j + 1}] × matrix[{j + 1}][{i + 1}] = "
                    f"{_fmt(a[i, j])} × {_fmt(a[j, i])} = {_fmt(a[i, j] * a[j, i])}; "
                    f"expected 1 (reciprocal judgements, tolerance {tolerance:g})"
                )
    return a


def as_matrix(matrix: Any) -> np.ndarray:
    """A validated full matrix from a full matrix or a flat upper triangle (row by row)."""
    if isinstance(matrix, np.ndarray):
        return from_upper(matrix) if matrix.ndim == 1 else check_matrix(matrix)
    if isinstance(matrix, Sequence) and not isinstance(matrix, str):
        if len(matrix) > 0 and all(isinstance(r, Sequence | np.ndarray) for r in matrix):
            rows = [len(r) for r in matrix]
            if len(set(rows)) != 1 or rows[0] != len(matrix):
                raise ClusterMarketingError(
                    f"matrix: {len(matrix)} rows of lengths {rows}; expected a square n × n matrix"
                )
            return check_matrix(matrix)
        if any(isinstance(r, Sequence | np.ndarray) and not isinstance(r, str) for r in matrix):
            raise ClusterMarketingError(
                "matrix: mixes numbers and rows; expected a list of rows or a flat upper triangle"
            )
        try:
            values = [float(x) for x in matrix]
        except (TypeError, ValueError):
            raise ClusterMarketingError(
                f"upper: {list(matrix)!r}; expected numbers (Saaty scale 1/9 … 9)"
            ) from None
        return from_upper(values)
    raise ClusterMarketingError(
        f"matrix: {type(matrix).__name__}; expected a list of rows or a flat upper triangle"
    )


def priorities(a: np.ndarray, method: str = "eigenvector") -> tuple[np.ndarray, float]:
    """Priority vector and λmax of a (validated) matrix, or a stack of matrices (…, n, n)."""
    n = a.shape[-1]
    if method == "eigenvector":
        vals, vecs = np.linalg.eig(a)
        k = np.argmax(vals.real, axis=-1)
        lam = np.take_along_axis(vals.real, k[..., None], axis=-1)[..., 0]
        v = np.take_along_axis(vecs.real, k[..., None, None], axis=-1)[..., 0]
        w = np.abs(v) / np.abs(v).sum(axis=-1, keepdims=True)
        return w, lam
    if method == "geometric_mean":
        g = np.exp(np.log(a).mean(axis=-1))
        w = g / g.sum(axis=-1, keepdims=True)
    elif method == "arithmetic_mean":
        w = (a / a.sum(axis=-2, keepdims=True)).mean(axis=-1)
    else:
        raise ClusterMarketingError(f"method: {method!r}; expected one of {', '.join(METHODS)}")
    lam = ((a @ w[..., None])[..., 0] / w).mean(axis=-1)
    # λmax ≥ n for any positive reciprocal matrix; rounding can dip a hair below
    return w, np.maximum(lam, n) if n > 0 else lam


def random_index(n: int, table: str = "saaty1980") -> float:
    """RI(n) from the named table; a clear error when n is beyond it."""
    if table not in RANDOM_INDEX:
        raise ClusterMarketingError(f"ri: {table!r}; expected one of {', '.join(RANDOM_INDEX)}")
    ri = RANDOM_INDEX[table]
    if n > len(ri):
        raise ClusterMarketingError(
            f"matrix: {n} × {n}; the random-index table {table} covers n ≤ {len(ri)} "
            "(split the elements into sub-criteria)"
        )
    return float(ri[n - 1])


def _cr(lam: float, n: int, ri: float) -> tuple[float, float]:
    if n <= 2:
        return 0.0, 0.0
    ci = max(0.0, (lam - n) / (n - 1))
    return ci, ci / ri


def _most_inconsistent(a: np.ndarray, w: np.ndarray, method: str, ri: float) -> Judgement | None:
    n = a.shape[0]
    if n <= 2:
        return None
    eps = a * w[None, :] / w[:, None]
    contrib = np.triu(eps + 1.0 / eps - 2.0, 1)
    i, j = np.unravel_index(int(np.argmax(contrib)), contrib.shape)
    if contrib[i, j] <= 1e-12:
        return None
    from scipy.optimize import minimize_scalar

    b = a.copy()

    def lam_of(log_x: float) -> float:
        b[i, j], b[j, i] = np.exp(log_x), np.exp(-log_x)
        return float(priorities(b, method)[1])

    res = minimize_scalar(
        lam_of, bounds=(np.log(SAATY_MIN), np.log(SAATY_MAX)), method="bounded",
        options={"xatol": 1e-6},
    )  # fmt: skip
    # the bounded search stops within its tolerance; never report a "repair" worse than the
    # current value or the end of the scale
    cands = [float(res.x), float(np.log(a[i, j])), np.log(SAATY_MIN), np.log(SAATY_MAX)]
    lams = [lam_of(x) for x in cands]
    best = cands[int(np.argmin(lams))]
    repair = float(np.exp(best))
    _, cr_after = _cr(min(lams), n, ri)
    return Judgement(int(i), int(j), float(a[i, j]), repair, float(cr_after))


def ahp(
    matrix: Any,
    method: str = "eigenvector",
    ri: str = "saaty1980",
    labels: Sequence[str] | None = None,
) -> AHPResult:
    """Priorities, λmax, CI, CR of a pairwise comparison matrix (see the module docstring).

    ``matrix`` is a full n × n reciprocal matrix (list of rows or array) or a 1-D sequence of the
    n(n−1)/2 upper-triangle judgements given row by row. ``labels`` only name the elements in
    the reported most-inconsistent judgement.

    >>> r = ahp([2, 4, 2])  # consistent: λmax = n, CR = 0
    >>> [round(float(x), 4) for x in r.weights], round(r.lambda_max, 6), r.consistent
    ([0.5714, 0.2857, 0.1429], 3.0, True)
    """
    if method not in METHODS:
        raise ClusterMarketingError(f"method: {method!r}; expected one of {', '.join(METHODS)}")
    a = as_matrix(matrix)
    n = a.shape[0]
    ri_n = random_index(n, ri)
    w, lam = priorities(a, method)
    lam = float(lam) if n > 2 else float(n)
    ci, cr = _cr(lam, n, ri_n)
    # the search for the repairing value runs only when the matrix needs repairing
    worst = _most_inconsistent(a, w, method, ri_n) if cr >= CR_THRESHOLD else None
    if worst is not None and labels is not None:
        worst = Judgement(
            worst.row, worst.col, worst.value, worst.repair, worst.cr_after,
            (str(labels[worst.row]), str(labels[worst.col])),
        )  # fmt: skip
    return AHPResult(a, w, lam, ci, cr, ri_n, method, ri, worst)


def group_matrix(matrices: Sequence[Any], weights: Sequence[float] | None = None) -> np.ndarray:
    """Aggregate several experts' matrices by the (weighted) element-wise geometric mean.

    Aggregation of individual judgements (AIJ, Forman & Peniwati 1998): the geometric mean keeps
    the result reciprocal and, for consistent inputs, consistent.

    >>> group_matrix([[[1, 2], [1/2, 1]], [[1, 8], [1/8, 1]]]).tolist()
    [[1.0, 4.0], [0.25, 1.0]]
    """
    if len(matrices) == 0:
        raise ClusterMarketingError("experts: empty list; expected at least one matrix")
    mats = []
    for k, m in enumerate(matrices):
        try:
            mats.append(as_matrix(m))
        except ClusterMarketingError as e:
            raise ClusterMarketingError(f"experts[{k + 1}]: {e}") from None
    shapes = {m.shape for m in mats}
    if len(shapes) != 1:
        raise ClusterMarketingError(
            f"experts: matrices of different sizes {sorted(s[0] for s in shapes)}; expected one size"
        )
    if weights is None:
        lam = np.full(len(mats), 1.0 / len(mats))
    else:
        lam = np.asarray(weights, dtype=float)
        if lam.shape != (len(mats),) or np.any(lam < 0) or lam.sum() <= 0:
            raise ClusterMarketingError(
                f"expert weights: {lam.tolist()}; expected {len(mats)} non-negative numbers"
            )
        lam = lam / lam.sum()
    logs = np.stack([np.log(m) for m in mats])
    return np.exp(np.tensordot(lam, logs, axes=1))


def synthesize(local: np.ndarray, children: Sequence[np.ndarray]) -> np.ndarray:
    """Hierarchical synthesis (distributive mode): global score of each alternative.

    ``local`` are the weights of the k criteria; ``children[c]`` the priorities of the m
    alternatives under criterion c. Returns ``Σ_c local_c · children_c``.

    >>> synthesize(np.array([0.5, 0.5]), [np.array([1.0, 0.0]), np.array([0.5, 0.5])]).tolist()
    [0.75, 0.25]
    """
    mat = np.stack([np.asarray(c, dtype=float) for c in children])
    return np.asarray(local, dtype=float) @ mat


def perturb(matrix: np.ndarray, sigma: float, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` copies of a reciprocal matrix with log-normal noise on each upper judgement.

    ``a_ij ← a_ij · exp(σ z)``, z ~ N(0, 1), clipped to Saaty's range [1/9, 9]; the lower
    triangle stays reciprocal. Returns an array (size, n, n).
    """
    n = matrix.shape[0]
    iu = np.triu_indices(n, 1)
    out = np.broadcast_to(matrix, (size, n, n)).copy()
    if iu[0].size == 0:
        return out
    z = rng.standard_normal((size, iu[0].size))
    vals = np.clip(matrix[iu][None, :] * np.exp(sigma * z), SAATY_MIN, SAATY_MAX)
    out[:, iu[0], iu[1]] = vals
    out[:, iu[1], iu[0]] = 1.0 / vals
    return out


__all__ = [
    "CR_THRESHOLD",
    "METHODS",
    "RANDOM_INDEX",
    "AHPResult",
    "Judgement",
    "ahp",
    "as_matrix",
    "check_matrix",
    "from_upper",
    "group_matrix",
    "perturb",
    "priorities",
    "random_index",
    "synthesize",
]
