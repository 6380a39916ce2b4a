"""How firm is a ranking: weight uncertainty, outcome uncertainty, and what drives it.

- **Weight uncertainty** (:func:`weight_samples`): each pairwise judgement a_ij is multiplied by
  exp(σ z), z ~ N(0, 1), clipped to [1/9, 9] (``mode="lognormal"``, default σ = 0.25: a
  judgement of 3 then lies in about [1.8, 4.9] in 95% of draws); nodes with direct or equal
  weights — or every node with ``mode="dirichlet"`` — draw from a Dirichlet(κ·w) around their
  weights (default κ = 100). Every draw is re-evaluated; each model's probability of ranking
  first and its 95% rank interval (2.5th–97.5th percentile of its rank) are reported.
- **Outcome uncertainty** (:func:`replicate_ranks`): the models are ranked within each replicate
  (indicators from that replicate's paired model and baseline runs), same statistics.
- **Drivers** (:func:`drivers`): the gap between the top model and the runner-up split by
  indicator, ``g_i (u_i^top − u_i^runner)`` with global weight g_i and indicator grade score
  u_i = R_i · s (exact for the weighted-average operator when the rows of R sum to 1); the
  indicator value the runner-up would need, all else equal, to draw level; and the weight a
  criterion would need (the others rescaled in proportion) for the runner-up to draw level.

Ties: ranks are competition ranks (1 + number of models with a strictly higher score); when k
models share first place, each gets 1/k of that draw, so the probabilities sum to 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.evaluation import pairwise as ahp_mod
from clustermarketing.evaluation.hierarchy import Hierarchy, Node
from clustermarketing.evaluation.pipeline import Evaluation, evaluate_batch, memberships

MODES: tuple[str, ...] = ("lognormal", "dirichlet")


def _node_samples(
    node: Node,
    n: int,
    mode: str,
    sigma: float,
    concentration: float,
    rng: np.random.Generator,
    method: str,
) -> np.ndarray:
    k = len(node.children)
    if k == 1:
        return np.ones((n, 1))
    if mode == "lognormal" and node.result is not None:
        mats = ahp_mod.perturb(node.result.matrix, sigma, n, rng)
        w, _ = ahp_mod.priorities(mats, method)
        return w
    alpha = np.maximum(concentration * node.weights, 1e-6)
    return rng.dirichlet(alpha, size=n)


def weight_samples(
    hierarchy: Hierarchy,
    n: int,
    rng: np.random.Generator,
    mode: str = "lognormal",
    sigma: float = 0.25,
    concentration: float = 100.0,
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` draws of (criterion weights (n, C), local indicator weights (n, m))."""
    if mode not in MODES:
        raise ClusterMarketingError(f"--perturbation: {mode!r}; expected one of {', '.join(MODES)}")
    if not (sigma >= 0 and np.isfinite(sigma)) or not (concentration > 0):
        raise ClusterMarketingError(
            f"--sigma/--concentration: {sigma}/{concentration}; expected σ ≥ 0 and κ > 0"
        )
    method = hierarchy.spec.ahp.method
    cw = _node_samples(hierarchy.criterion_nodes, n, mode, sigma, concentration, rng, method)
    local = np.concatenate(
        [
            _node_samples(hierarchy.indicator_nodes[c], n, mode, sigma, concentration, rng, method)
            for c in hierarchy.criteria
        ],
        axis=1,
    )
    return cw, local


@dataclass(frozen=True)
class RankStats:
    """P(first) and 95% rank interval of each model over a set of draws."""

    p_first: np.ndarray
    rank_low: np.ndarray
    rank_high: np.ndarray
    mean_rank: np.ndarray
    draws: int


def rank_stats(scores: np.ndarray) -> RankStats:
    """Statistics of ranks from scores (draws, A); higher score = better."""
    s = np.asarray(scores, dtype=float)
    better = (s[:, None, :] > s[:, :, None]).sum(axis=2)  # (D, A): how many beat a
    ranks = 1 + better
    top = ranks == 1
    share = top / top.sum(axis=1, keepdims=True)
    p_first = share.mean(axis=0)
    lo = np.percentile(ranks, 2.5, axis=0, method="inverted_cdf")
    hi = np.percentile(ranks, 97.5, axis=0, method="inverted_cdf")
    return RankStats(p_first, lo.astype(int), hi.astype(int), ranks.mean(axis=0), s.shape[0])


def weight_uncertainty(
    ev: Evaluation, n: int, rng: np.random.Generator, **kw: Any
) -> tuple[RankStats, np.ndarray]:
    """Re-evaluate under ``n`` perturbed weight sets; returns stats and the scores (n, A)."""
    cw, local = weight_samples(ev.hierarchy, n, rng, **kw)
    _, _, score = evaluate_batch(ev.r[None], ev.hierarchy, cw[:, None, :], local[:, None, :])
    return rank_stats(score), score


def replicate_ranks(ev: Evaluation) -> RankStats | None:
    """Rank within each replicate (outcome uncertainty); None with a single replicate.

    An indicator undefined in one replicate (e.g. no members that period) takes the model's mean
    indicator value for that replicate.
    """
    per = ev.table.replicates  # (A, R, m)
    if per.shape[1] < 2:
        return None
    filled = np.where(np.isfinite(per), per, ev.table.values[:, None, :])
    r = memberships(np.swapaxes(filled, 0, 1), ev.hierarchy)  # (R, A, m, k)
    cw, local = ev.hierarchy.weights()
    _, _, score = evaluate_batch(r, ev.hierarchy, cw, local)
    return rank_stats(score)


def _crossing(t: np.ndarray, gap: np.ndarray) -> float | None:
    """First t where gap (monotone-ish, starting < 0) reaches 0, by linear interpolation."""
    ok = np.flatnonzero(gap >= 0)
    if ok.size == 0:
        return None
    k = int(ok[0])
    if k == 0:
        return float(t[0])
    t0, t1, g0, g1 = t[k - 1], t[k], gap[k - 1], gap[k]
    return float(t0 + (t1 - t0) * (-g0) / (g1 - g0)) if g1 != g0 else float(t1)


def drivers(ev: Evaluation, grid: int = 401) -> dict[str, Any] | None:
    """Why the top model wins and what would make the runner-up draw level (module docstring)."""
    if len(ev.names) < 2:
        return None
    h = ev.hierarchy
    order = ev.order()
    top, run = order[0], order[1]
    g = h.global_weights()
    u = ev.utilities()
    contrib = g * (u[top] - u[run])
    gap = float(ev.score[top] - ev.score[run])
    cw, local = h.weights()
    contributions = sorted(
        (
            {
                "indicator": ind.name,
                "criterion": ind.criterion,
                "weight": float(g[j]),
                "grade_score_top": float(u[top, j]),
                "grade_score_runner_up": float(u[run, j]),
                "contribution": float(contrib[j]),
            }
            for j, ind in enumerate(h.indicators)
        ),
        key=lambda d: -d["contribution"],
    )
    # indicator value the runner-up would need (all else equal)
    needed = []
    base = ev.table.values[run]
    for j, ind in enumerate(h.indicators):
        best = (max(ind.peaks) if ind.benefit else min(ind.peaks)) if ind.peaks else None
        if best is None:  # explicit membership functions: search up to a wide span
            span = max(1.0, abs(base[j]) * 4)
            best = base[j] + span if ind.benefit else base[j] - span
        if (best - base[j]) * (1 if ind.benefit else -1) <= 0:
            needed.append({"indicator": ind.name, "current": float(base[j]), "needed": None})
            continue
        t = np.linspace(base[j], best, grid)
        vals = np.broadcast_to(ev.table.values, (grid, *ev.table.values.shape)).copy()
        vals[:, run, j] = t
        _, _, sc = evaluate_batch(memberships(vals, h), h, cw, local)
        need = _crossing(t, sc[:, run] - sc[:, top])
        needed.append(
            {
                "indicator": ind.name,
                "unit": ind.unit,
                "current": float(base[j]),
                "needed": need,
            }
        )
    # criterion weight that would make the runner-up draw level
    weights_needed = []
    tt = np.linspace(0.0, 1.0, grid)
    for c, name in enumerate(h.criteria):
        rest = 1.0 - cw[c]
        cws = np.empty((grid, len(h.criteria)))
        for k in range(len(h.criteria)):
            cws[:, k] = (
                tt
                if k == c
                else (cw[k] / rest * (1 - tt) if rest > 0 else (1 - tt) / (len(h.criteria) - 1))
            )
        _, _, sc = evaluate_batch(ev.r[None], h, cws[:, None, :], local[None, None, :])
        diff = sc[:, run] - sc[:, top]
        # search away from the current weight in the direction that helps the runner-up
        here = int(np.argmin(np.abs(tt - cw[c])))
        up = _crossing(tt[here:], diff[here:])
        down = _crossing(tt[: here + 1][::-1], diff[: here + 1][::-1])
        cands = [v for v in (up, down) if v is not None]
        need = min(cands, key=lambda v: abs(v - cw[c])) if cands else None
        weights_needed.append({"criterion": name, "current": float(cw[c]), "needed": need})
    return {
        "top": ev.names[top],
        "runner_up": ev.names[run],
        "score_gap": gap,
        "contributions": contributions,
        "indicator_values_needed": needed,
        "criterion_weights_needed": weights_needed,
    }


__all__ = [
    "MODES",
    "RankStats",
    "drivers",
    "rank_stats",
    "replicate_ranks",
    "weight_samples",
    "weight_uncertainty",
]
