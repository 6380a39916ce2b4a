"""Indicator values → membership → two-level fuzzy evaluation → score, grade, rank; TOPSIS.

Two-level evaluation (indicators → criteria → goal): for criterion c with local weights a_c,
``B_c = a_c ∘ R_c``; the criterion vectors are normalised to sum to 1 (a no-op for the default
weighted average with rows of R summing to 1) and stacked into the goal-level matrix, then
``B = w ∘ [B̂_1; …; B̂_C]`` with the criterion weights w. The score is ``B̂ · s``.
Models are ranked by score (1 = best), ties broken by TOPSIS closeness, then by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.evaluation.fuzzy import compose, membership_matrix, normalized
from clustermarketing.evaluation.hierarchy import Hierarchy, Judgements
from clustermarketing.evaluation.indicators import IndicatorTable
from clustermarketing.evaluation.topsis import topsis_batch
from clustermarketing.evaluation.weights import critic_weights, entropy_weights

WEIGHTINGS: tuple[str, ...] = ("ahp", "entropy", "critic", "equal")


def memberships(values: np.ndarray, hierarchy: Hierarchy) -> np.ndarray:
    """R for every alternative: values (…, m) → (…, m, k)."""
    return membership_matrix(values, [i.functions for i in hierarchy.indicators])


def evaluate_batch(
    r: np.ndarray, hierarchy: Hierarchy, cw: np.ndarray, local: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two-level FCE, vectorised.

    ``r`` (…, A, m, k); ``cw`` (…, C) and ``local`` (…, m) broadcast against the leading
    dimensions (a batch of weight samples uses shape (S, 1, C) / (S, 1, m)).
    Returns (B (…, A, k), B_c (…, A, C, k), score (…, A)).
    """
    op = hierarchy.operator
    idx = hierarchy.criterion_index()
    per_c = []
    for c in range(len(hierarchy.criteria)):
        sel = np.flatnonzero(idx == c)
        per_c.append(normalized(compose(local[..., sel], r[..., sel, :], op)))
    bc = np.stack(per_c, axis=-2)
    b = compose(cw, bc, op)
    score = normalized(b) @ hierarchy.scores
    return b, bc, score


def objective_hierarchy(hierarchy: Hierarchy, method: str, values: np.ndarray) -> Hierarchy:
    """The hierarchy with weights replaced by ``entropy``, ``critic`` or ``equal`` weights.

    Objective weights are computed per indicator on the alternatives × indicators matrix oriented
    so that more is better (cost columns negated) and min–max scaled to [0, 1], so indicators of
    any sign can be used; a criterion's weight is the sum of its indicators' weights.
    """
    if method == "ahp":
        return hierarchy
    if method not in WEIGHTINGS:
        raise ClusterMarketingError(
            f"--weighting: {method!r}; expected one of {', '.join(WEIGHTINGS)}"
        )
    m = len(hierarchy.indicators)
    if method == "equal":
        g = np.full(m, 1.0 / m)
    else:
        if values.shape[0] < 2:
            raise ClusterMarketingError(
                f"--weighting {method}: needs at least 2 alternatives to compare; got {values.shape[0]}"
            )
        sign = np.where([i.benefit for i in hierarchy.indicators], 1.0, -1.0)
        x = values * sign
        lo, hi = x.min(axis=0), x.max(axis=0)
        span = hi - lo
        x01 = np.divide(x - lo, span, out=np.zeros_like(x), where=span > 0)
        g = entropy_weights(x01) if method == "entropy" else critic_weights(x01)
    idx = hierarchy.criterion_index()
    cw = np.array([g[idx == c].sum() for c in range(len(hierarchy.criteria))])
    overrides: dict[str, Judgements | None] = {
        "goal": Judgements(weights=dict(zip(hierarchy.criteria, _exact(cw), strict=True)))
    }
    for c, name in enumerate(hierarchy.criteria):
        sel = np.flatnonzero(idx == c)
        loc = g[sel] / cw[c] if cw[c] > 0 else np.full(sel.size, 1.0 / sel.size)
        names = [hierarchy.indicators[k].name for k in sel]
        overrides[name] = Judgements(weights=dict(zip(names, _exact(loc), strict=True)))
    return hierarchy.with_judgements(overrides)


def _exact(w: np.ndarray) -> list[float]:
    w = np.asarray(w, dtype=float)
    return (w / w.sum()).tolist() if w.sum() > 0 else np.full(w.size, 1.0 / w.size).tolist()


def rank_order(score: np.ndarray, tiebreak: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Rank of each alternative (1 = best): score, then tie-break value, then name."""
    order = sorted(range(len(names)), key=lambda a: (-score[a], -tiebreak[a], names[a]))
    ranks = np.empty(len(names), dtype=int)
    ranks[order] = np.arange(1, len(names) + 1)
    return ranks


@dataclass(frozen=True)
class Evaluation:
    """FCE and TOPSIS results for a set of alternatives under one hierarchy."""

    hierarchy: Hierarchy
    table: IndicatorTable
    r: np.ndarray  # (A, m, k)
    b: np.ndarray  # (A, k)
    bc: np.ndarray  # (A, C, k)
    score: np.ndarray  # (A,)
    topsis: np.ndarray  # (A,)
    rank: np.ndarray  # (A,)
    rank_topsis: np.ndarray  # (A,)

    @property
    def names(self) -> tuple[str, ...]:
        return self.table.models

    def grade(self, a: int) -> str:
        return self.hierarchy.grades[int(np.argmax(self.b[a]))]

    def utilities(self) -> np.ndarray:
        """Grade score of each indicator for each alternative: R · s, (A, m), 0–100."""
        return self.r @ self.hierarchy.scores

    def criterion_scores(self) -> np.ndarray:
        return normalized(self.bc) @ self.hierarchy.scores

    def order(self) -> list[int]:
        return [int(a) for a in np.argsort(self.rank)]

    def model_dict(self, a: int) -> dict[str, Any]:
        h = self.hierarchy
        t = self.table
        cw, _local = h.weights()
        gw = h.global_weights()
        u = self.utilities()
        cs = self.criterion_scores()
        inds = {}
        for j, ind in enumerate(h.indicators):
            inds[ind.name] = {
                "value": float(t.values[a, j]),
                "ci_low": _num(t.ci_low[a, j]),
                "ci_high": _num(t.ci_high[a, j]),
                "metric": ind.metric,
                "transform": ind.transform,
                "direction": ind.direction,
                "unit": ind.unit,
                "criterion": ind.criterion,
                "model_mean": _num(t.model_means[a, j]),
                "baseline_mean": _num(t.baseline_means[a, j]),
                "memberships": dict(zip(h.grades, map(float, self.r[a, j]), strict=True)),
                "grade": h.grades[int(np.argmax(self.r[a, j]))],
                "grade_score": float(u[a, j]),
                "weight": float(gw[j]),
            }
        crit = {
            c: {
                "score": float(cs[a, k]),
                "grade": h.grades[int(np.argmax(self.bc[a, k]))],
                "memberships": dict(zip(h.grades, map(float, self.bc[a, k]), strict=True)),
                "weight": float(cw[k]),
            }
            for k, c in enumerate(h.criteria)
        }
        return {
            "score": float(self.score[a]),
            "grade": self.grade(a),
            "memberships": dict(zip(h.grades, map(float, self.b[a]), strict=True)),
            "topsis": float(self.topsis[a]),
            "rank": int(self.rank[a]),
            "rank_topsis": int(self.rank_topsis[a]),
            "criteria": crit,
            "indicators": inds,
        }


def _num(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def evaluate(
    table: IndicatorTable, hierarchy: Hierarchy, normalization: str = "vector"
) -> Evaluation:
    """Grade, score and rank every alternative of ``table`` (FCE), with TOPSIS beside it."""
    r = memberships(table.values, hierarchy)
    cw, local = hierarchy.weights()
    b, bc, score = evaluate_batch(r, hierarchy, cw, local)
    benefit = np.array([i.benefit for i in hierarchy.indicators])
    closeness = topsis_batch(table.values, hierarchy.global_weights(), benefit, normalization)
    rank = rank_order(score, closeness, table.models)
    rank_t = rank_order(closeness, score, table.models)
    return Evaluation(hierarchy, table, r, b, bc, score, closeness, rank, rank_t)


__all__ = [
    "WEIGHTINGS",
    "Evaluation",
    "evaluate",
    "evaluate_batch",
    "memberships",
    "objective_hierarchy",
    "rank_order",
]
