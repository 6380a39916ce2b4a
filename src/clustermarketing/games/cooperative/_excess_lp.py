"""Min-max-excess linear programs with constraint generation (shared by least core, nucleolus).

One *stage* solves, for a profit game ``v`` on ``n`` players,

.. math::

    \\min_{x, t}\\; t \\quad\\text{s.t.}\\quad v(S) − x(S) ≤ t \\;\\; (S \\text{ not settled}),\\qquad
    x(T) = b_T \\;\\; (T \\in \\mathcal F),\\qquad x_i ≥ ℓ_i \\;(\\text{optional}),

where ``𝓕`` holds the already fixed coalitions (always ``N`` with ``b_N = v(N)``) and a coalition
is *settled* when its characteristic vector lies in the span of those of ``𝓕``, so that its
excess is constant on the feasible set and must leave the objective (Maschler, Peleg & Shapley
1979).

Constraint generation: the LP is solved on a small working set (singletons and their
complements to start); then all ``2^n`` excesses at the solution are evaluated at once
(:func:`~.tu.subset_sums`) and the most violated unsettled coalitions, with their complements
(which keeps the restricted LP bounded), are added until none exceeds ``t``. At that point the
restricted optimum is optimal for the full LP and its duals, padded with zeros, are optimal
duals of the full LP — which is what the nucleolus needs to fix coalitions correctly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import linprog

from clustermarketing.games.cooperative.tu import coalition_matrix, subset_sums

_HIGHS_OPTIONS = {
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}
_SPAN_TOL = 1e-9
_ADD_PER_ROUND = 64


@dataclass
class ExcessProblem:
    """State of a sequential min-max-excess computation on a profit game ``v``."""

    v: np.ndarray
    n: int
    lower: np.ndarray | None = None
    fixed_masks: list[int] = field(default_factory=list)
    fixed_rhs: list[float] = field(default_factory=list)
    settled: np.ndarray = field(init=False)
    working: set[int] = field(default_factory=set)
    tol: float = field(init=False)

    def __post_init__(self) -> None:
        full = (1 << self.n) - 1
        self.settled = np.zeros(1 << self.n, dtype=bool)
        self.settled[0] = True
        self.tol = 1e-9 * max(1.0, float(np.abs(self.v).max()))
        self.fix(full, float(self.v[full]))
        for i in range(self.n):
            self.working |= {1 << i, full ^ (1 << i)}
        self.working -= {0, full}

    # -------------------------------------------------------------- span bookkeeping
    def _null_basis(self) -> np.ndarray:
        rows = coalition_matrix(self.n, np.array(self.fixed_masks)).astype(float)
        return null_space(rows, rcond=1e-10)

    def in_span(self, masks: np.ndarray) -> np.ndarray:
        """Whether each coalition's characteristic vector is in the span of the fixed ones."""
        masks = np.asarray(masks, dtype=np.int64)
        basis = self._null_basis()
        if basis.shape[1] == 0:
            return np.ones(masks.shape, dtype=bool)
        proj = coalition_matrix(self.n, masks).astype(float) @ basis
        return np.all(np.abs(proj) <= _SPAN_TOL, axis=1)

    def fix(self, mask: int, rhs: float) -> bool:
        """Fix ``x(mask) = rhs`` if that adds a new independent equation; return whether it did."""
        if self.fixed_masks and self.in_span(np.array([mask]))[0]:
            self.settled[mask] = True
            return False
        self.fixed_masks.append(int(mask))
        self.fixed_rhs.append(float(rhs))
        self.settled[mask] = True
        self.working.discard(int(mask))
        return True

    @property
    def rank(self) -> int:
        return len(self.fixed_masks)

    def prune_working(self) -> None:
        """Drop working coalitions that became settled after new fixings."""
        if not self.working:
            return
        masks = np.array(sorted(self.working), dtype=np.int64)
        span = self.in_span(masks)
        self.settled[masks[span]] = True
        self.working = set(masks[~span].tolist())

    # -------------------------------------------------------------- one stage
    def _solve_restricted(self) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        n = self.n
        work = np.array(sorted(self.working), dtype=np.int64)
        members = coalition_matrix(n, work).astype(float)
        a_ub = np.hstack([-members, -np.ones((work.size, 1))])
        b_ub = -self.v[work]
        eq = coalition_matrix(n, np.array(self.fixed_masks)).astype(float)
        a_eq = np.hstack([eq, np.zeros((eq.shape[0], 1))])
        low = self.lower if self.lower is not None else np.full(n, -np.inf)
        bounds = [(None if np.isinf(lo) else float(lo), None) for lo in low] + [(None, None)]
        c = np.zeros(n + 1)
        c[-1] = 1.0
        res = linprog(
            c,
            A_ub=a_ub if work.size else None,
            b_ub=b_ub if work.size else None,
            A_eq=a_eq,
            b_eq=np.array(self.fixed_rhs),
            bounds=bounds,
            method="highs",
            options=_HIGHS_OPTIONS,
        )
        if res.status != 0:
            raise RuntimeError(f"excess LP failed: {res.message}")
        duals = -np.asarray(res.ineqlin.marginals) if work.size else np.zeros(0)
        lower_duals = np.asarray(res.lower.marginals)[:n]
        return float(res.x[-1]), res.x[:n], work, duals, lower_duals

    def solve_stage(self) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Solve the current stage LP over all unsettled coalitions by constraint generation.

        Returns ``(t, x, working_masks, duals, lower_duals)`` with duals ``≥ 0`` of the excess
        rows of ``working_masks`` and of the lower bounds.
        """
        full = (1 << self.n) - 1
        while True:
            t, x, work, duals, lower_duals = self._solve_restricted()
            excess = self.v - subset_sums(x)
            excess[self.settled] = -np.inf
            violated = np.flatnonzero(excess > t + self.tol)
            if violated.size:
                violated = violated[np.argsort(-excess[violated], kind="stable")]
                # drop settled coalitions lazily, chunk by chunk, until enough new rows are found
                new: list[int] = []
                for start in range(0, violated.size, 4 * _ADD_PER_ROUND):
                    chunk = violated[start : start + 4 * _ADD_PER_ROUND]
                    span = self.in_span(chunk)
                    self.settled[chunk[span]] = True
                    new.extend(chunk[~span][: _ADD_PER_ROUND - len(new)].tolist())
                    if len(new) >= _ADD_PER_ROUND:
                        break
                if new:
                    self.working |= set(new) | {full ^ m for m in new}
                    self.working -= {0, full}
                    continue
            return t, x, work, duals, lower_duals
