"""Sequential min-max-excess LPs with constraint generation (least core, (pre)nucleolus).

Stage ``k`` of the Maschler–Peleg–Shapley scheme solves, for a profit game ``v`` on ``n`` players,

.. math::

    t_k = \\min_{x, t}\\; t \\quad\\text{s.t.}\\quad v(S) − x(S) ≤ t \\;\\; (S \\text{ unsettled}),\\qquad
    x(T) = b_T \\;\\; (T \\in \\mathcal F),\\qquad x_i ≥ ℓ_i \\;(\\text{nucleolus only}),

where ``𝓕`` holds the fixed coalitions (``N`` with ``b_N = v(N)`` from the start). After the LP,
every coalition with a strictly positive optimal dual is tight in *every* optimal solution
(complementary slackness holds between any optimal primal and any optimal dual) and is fixed at
``t_k``; a positive dual on a bound ``x_i ≥ ℓ_i`` fixes ``x_i = ℓ_i``. A coalition whose
characteristic vector lies in the span of the fixed ones is *settled*: its excess is constant
from then on and it leaves the objective. Each stage adds an independent equation, so there are
at most ``n − 1`` stages.

**Constraint generation.** The whole sequence is run on a small working set ``W`` of coalitions
(singletons and their complements to start; complements are always added in pairs, which keeps
every restricted LP bounded). The result ``x_W`` is the nucleolus of the restricted family — a
central point — with levels ``t_1 ≥ t_2 ≥ …``. It is then checked against *all* ``2^n``
coalitions at once: coalition ``S`` takes part in stages ``1..k(S)``, where ``k(S)`` is the stage
after which it is settled, so ``x_W`` is feasible for every full stage LP iff
``e(S, x_W) ≤ t_{k(S)}`` for all ``S``. In that case every restricted stage optimum is a full
optimum, the padded duals are optimal duals of the full LPs, and the full run fixes exactly the
same coalitions: ``x_W`` is the (pre)nucleolus. Otherwise the most violated coalitions join
``W`` and the run is repeated. ``k(S)`` is computed for every coalition from one orthonormal
basis adapted to the flag of fixed spans (QR of the fixed vectors in fixing order): with
``P(S) = max{j : q_j·1_S ≠ 0}``, ``S`` is settled once the rank reaches ``P(S)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import linprog

from clustermarketing.games.cooperative._bitmask import coalition_matrix, subset_sums

_HIGHS_OPTIONS = {
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}
_SPAN_TOL = 1e-9
_DUAL_TOL = 1e-9
_MIN_ADD = 32


@dataclass
class RestrictedRun:
    """Result of the sequential LPs on a working set of coalitions."""

    x: np.ndarray
    levels: list[float] = field(default_factory=list)  # t_k per stage
    ranks: list[int] = field(default_factory=list)  # rank of the fixed set after stage k
    fixed_masks: list[int] = field(default_factory=list)
    fixed_rhs: list[float] = field(default_factory=list)


def _in_span(n: int, fixed: list[int], masks: np.ndarray) -> np.ndarray:
    basis = null_space(coalition_matrix(n, np.array(fixed)).astype(float), rcond=1e-10)
    if basis.shape[1] == 0:
        return np.ones(masks.shape, dtype=bool)
    proj = coalition_matrix(n, masks).astype(float) @ basis
    return np.all(np.abs(proj) <= _SPAN_TOL, axis=1)


def _stage_lp(
    v: np.ndarray, n: int, work: np.ndarray, run: RestrictedRun, lower: np.ndarray | None
) -> Any:
    members = coalition_matrix(n, work).astype(float)
    eq = coalition_matrix(n, np.array(run.fixed_masks)).astype(float)
    low = lower if lower is not None else np.full(n, -np.inf)
    bounds = [(None if np.isinf(lo) else float(lo), None) for lo in low] + [(None, None)]
    c = np.zeros(n + 1)
    c[-1] = 1.0
    res = linprog(
        c,
        A_ub=np.hstack([-members, -np.ones((work.size, 1))]),
        b_ub=-v[work],
        A_eq=np.hstack([eq, np.zeros((eq.shape[0], 1))]),
        b_eq=np.array(run.fixed_rhs),
        bounds=bounds,
        method="highs",
        options=_HIGHS_OPTIONS,
    )
    if res.status != 0:
        raise RuntimeError(f"excess LP failed: {res.message}")
    return res


def restricted_run(
    v: np.ndarray, n: int, working: set[int], lower: np.ndarray | None
) -> RestrictedRun:
    """Maschler–Peleg–Shapley sequence on the coalitions in ``working`` (``n ≥ 2``)."""
    full = (1 << n) - 1
    run = RestrictedRun(x=np.zeros(n), fixed_masks=[full], fixed_rhs=[float(v[full])])

    def fix(mask: int, rhs: float) -> bool:
        if _in_span(n, run.fixed_masks, np.array([mask]))[0]:
            return False
        run.fixed_masks.append(mask)
        run.fixed_rhs.append(rhs)
        return True

    work = np.array(sorted(working - {0, full}), dtype=np.int64)
    while len(run.fixed_masks) < n:
        res = _stage_lp(v, n, work, run, lower)
        t = float(res.x[-1])
        duals = -np.asarray(res.ineqlin.marginals)
        progressed = False
        for k in np.argsort(-duals, kind="stable"):
            if duals[k] <= _DUAL_TOL:
                break
            progressed |= fix(int(work[k]), float(v[work[k]]) - t)
        if lower is not None:
            for i in np.flatnonzero(np.asarray(res.lower.marginals)[:n] > _DUAL_TOL):
                progressed |= fix(1 << int(i), float(lower[i]))
        if not progressed:  # pragma: no cover - numerical breakdown of the LP solver only
            raise RuntimeError("nucleolus LP: no coalition could be fixed at this stage")
        run.levels.append(t)
        run.ranks.append(len(run.fixed_masks))
        work = work[~_in_span(n, run.fixed_masks, work)]
    a = coalition_matrix(n, np.array(run.fixed_masks)).astype(float)
    run.x = np.linalg.solve(a, np.array(run.fixed_rhs))
    return run


def settling_levels(n: int, run: RestrictedRun) -> np.ndarray:
    """``t_{k(S)}`` for every coalition: the last level at which ``S`` is in the objective."""
    a = coalition_matrix(n, np.array(run.fixed_masks)).astype(float)
    q, _ = np.linalg.qr(a.T)  # column j spans the j-th new direction of the flag
    last = np.zeros(1 << n, dtype=np.int64)  # P(S): last basis vector not orthogonal to 1_S
    for j in range(n - 1, -1, -1):
        hit = (last == 0) & (np.abs(subset_sums(q[:, j])) > _SPAN_TOL)
        last[hit] = j + 1
    ranks = np.array([1, *run.ranks])
    levels = np.array([np.inf, *run.levels])
    return levels[np.searchsorted(ranks, last, side="left")]


def lexicographic_excess(
    v: np.ndarray, n: int, lower: np.ndarray | None = None, first_stage_only: bool = False
) -> RestrictedRun:
    """(Pre)nucleolus of the profit game ``v`` by constraint generation over all coalitions.

    With ``first_stage_only`` the check is only ``e(S, x) ≤ t_1`` (the least core), so the
    returned ``x`` is a least-core point and ``levels[0]`` the least-core value.
    """
    full = (1 << n) - 1
    tol = 1e-9 * max(1.0, float(np.abs(v).max()))
    working = {1 << i for i in range(n)} | {full ^ (1 << i) for i in range(n)}
    while True:
        run = restricted_run(v, n, working, lower)
        excess = v - subset_sums(run.x)
        bound = np.full(1 << n, run.levels[0]) if first_stage_only else settling_levels(n, run)
        gap = excess - bound
        gap[[0, full]] = -np.inf
        violated = np.flatnonzero(gap > tol)
        if violated.size == 0:
            return run
        take = max(_MIN_ADD, len(working) // 2)
        if violated.size > take:
            violated = violated[np.argpartition(-gap[violated], take)[:take]]
        new = set(violated.tolist())
        before = len(working)
        working |= new | {full ^ m for m in new}
        if len(working) == before:  # pragma: no cover - tolerance trouble; cannot improve
            return run
