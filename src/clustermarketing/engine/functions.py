"""Who runs which marketing function, at what activity and cost (MODEL.md §3).

Activity ``x_if = intensity_f × output_i`` (last period). Own marketing follows the
percentage-of-sales heuristic managers use (a budget of ``affordability × revenue_i`` of last
period): the firm plans the functions it would run alone, cheapest fixed cost first, as long as
the cumulative cost fits the budget. A member drops from that plan the functions the cooperative
runs for it and does **not** re-spend the freed budget on others, so cooperation lowers own
spending instead of reshuffling it. SMEs cannot carry the fixed costs of every function, which
is the weakness cooperation lifts (seed 000, advantage 1): through the cooperative they get
functions they could never run alone. Pooled, the cooperative runs f once on ``X_f = Σ_{contributors} x_if``
at cost ``F_f + c_f X_f^θ_f``; a chain structure caps the activity at its weakest unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustermarketing.engine import kernels
from clustermarketing.models.config import FUNCTION_NAMES
from clustermarketing.scenario.functions import FunctionsConfig

F_INDEX = {name: i for i, name in enumerate(FUNCTION_NAMES)}


@dataclass(frozen=True)
class FunctionPlan:
    """Who runs which function alone, what the cooperative runs, and what it all costs."""

    output: np.ndarray  # (n,) last period's output, the base of every activity
    intensity: np.ndarray  # (F,) activity per unit of output
    alone: np.ndarray  # (F, n) bool: firm runs function f alone
    outside: np.ndarray  # (F, n) bool: what it would run alone outside the cooperative
    pooled: np.ndarray  # (F,) bool the cooperative runs it
    X: np.ndarray  # (F,) pooled activity paid for
    X_eff: np.ndarray  # (F,) pooled activity delivered (chain throughput)
    own_cost: np.ndarray  # (n,) CU
    saved: np.ndarray  # (n,) own spending a member drops because the cooperative runs it
    pooled_cost: np.ndarray  # (F,) CU
    fixed: np.ndarray  # (F,)
    var: np.ndarray  # (F,)
    theta: np.ndarray  # (F,)
    effect: np.ndarray  # (F,)
    success: np.ndarray  # (F,)
    scale: float  # activity that makes one unit of effect (functions.activity_scale)

    def x(self, j: int) -> np.ndarray:
        """Activity (n,) of function j for every firm."""
        return self.output * self.intensity[j]

    def alone_x(self, j: int) -> np.ndarray:
        """Activity of function j for the firms that run it alone, else 0."""
        return np.where(self.alone[j], self.output * self.intensity[j], 0.0)

    def alone_rate(self, j: int) -> np.ndarray:
        """Per-firm rate of function j run alone (0 for firms that do not run it)."""
        return np.where(self.alone[j], rate(self.effect[j], self.x(j), self.scale), 0.0)

    def pooled_rate(self, j: int) -> float:
        """Rate of function j run by the cooperative on its delivered activity."""
        return float(rate(self.effect[j], self.X_eff[j], self.scale)) if self.pooled[j] else 0.0


def function_arrays(cfg: FunctionsConfig) -> dict[str, np.ndarray]:
    """The functions' parameters as arrays in FUNCTION_NAMES order."""
    ps = [cfg.get(f) for f in FUNCTION_NAMES]
    return {
        "fixed": np.array([p.fixed_cost for p in ps]),
        "var": np.array([p.variable_cost for p in ps]),
        "theta": np.array([p.scale_exponent for p in ps]),
        "intensity": np.array([p.intensity for p in ps]),
        "effect": np.array([p.effect for p in ps]),
        "success": np.array([p.success for p in ps]),
        "scale": np.array(cfg.activity_scale),
    }


def plan_functions(
    arrays: dict[str, np.ndarray],
    pooled_names: list[str],
    *,
    active: np.ndarray,
    output: np.ndarray,
    revenue: np.ndarray,
    effective_member: np.ndarray,
    contributor: np.ndarray,
    affordability: float,
    throughput: float,
) -> FunctionPlan:
    """Decide alone/pooled for every firm and function and cost it.

    A loop over the nine functions, each step a few array operations over all firms.
    """
    n = active.size
    n_f = len(FUNCTION_NAMES)
    pooled = np.zeros(n_f, dtype=bool)
    for f in pooled_names:
        pooled[F_INDEX[f]] = True
    fixed, var, intensity = arrays["fixed"], arrays["var"], arrays["intensity"]
    budget = affordability * revenue
    if kernels.compiled():
        alone, outside, own_cost, outside_cost = kernels.plan_kernel(
            np.argsort(fixed, kind="stable").astype(np.int64),
            np.ascontiguousarray(fixed, dtype=np.float64),
            np.ascontiguousarray(var * intensity, dtype=np.float64),
            np.ascontiguousarray(pooled),
            np.ascontiguousarray(output, dtype=np.float64),
            np.ascontiguousarray(budget, dtype=np.float64),
            np.ascontiguousarray(active, dtype=np.bool_),
            np.ascontiguousarray(effective_member, dtype=np.bool_),
        )
        return _finish_plan(
            arrays, pooled, output, intensity, alone, outside, own_cost, outside_cost,
            contributor, effective_member, throughput,
        )  # fmt: skip
    spent = np.zeros(n)  # cumulative cost of the functions considered so far (greedy prefix)
    own_cost = np.zeros(n)
    outside_cost = np.zeros(n)
    alone = np.zeros((n_f, n), dtype=bool)
    outside = np.zeros((n_f, n), dtype=bool)
    for j in np.argsort(fixed, kind="stable"):
        cost_j = fixed[j] + (var[j] * intensity[j]) * output
        spent += cost_j
        runs_outside = (spent <= budget) & active
        outside[j] = runs_outside
        outside_cost += np.where(runs_outside, cost_j, 0.0)
        # a member drops what the cooperative runs for it and does not re-spend the budget
        runs = runs_outside & ~(pooled[j] & effective_member)
        alone[j] = runs
        own_cost += np.where(runs, cost_j, 0.0)
    return _finish_plan(
        arrays, pooled, output, intensity, alone, outside, own_cost, outside_cost,
        contributor, effective_member, throughput,
    )  # fmt: skip


def _finish_plan(
    arrays: dict[str, np.ndarray],
    pooled: np.ndarray,
    output: np.ndarray,
    intensity: np.ndarray,
    alone: np.ndarray,
    outside: np.ndarray,
    own_cost: np.ndarray,
    outside_cost: np.ndarray,
    contributor: np.ndarray,
    effective_member: np.ndarray,
    throughput: float,
) -> FunctionPlan:
    """The pooled side of the plan and the :class:`FunctionPlan` (shared by both backends)."""
    fixed, var = arrays["fixed"], arrays["var"]
    n = output.size
    saved = outside_cost - own_cost
    payers = contributor & effective_member
    paying_output = float(output[payers].sum()) if n else 0.0
    X = np.where(pooled, intensity * paying_output, 0.0)
    run = pooled & (X > 0)
    pooled_cost = np.where(run, fixed + var * np.power(X, arrays["theta"]), 0.0)
    return FunctionPlan(
        output=output,
        intensity=intensity,
        alone=alone,
        outside=outside,
        pooled=pooled,
        X=X,
        X_eff=np.minimum(X, throughput),
        own_cost=own_cost,
        saved=saved,
        pooled_cost=pooled_cost,
        fixed=fixed,
        var=var,
        theta=arrays["theta"],
        effect=arrays["effect"],
        success=arrays["success"],
        scale=float(arrays["scale"]),
    )


def rate(
    effect: float | np.ndarray, activity: float | np.ndarray, scale: float = 1000.0
) -> np.ndarray:
    """Per-period probability ``1 − exp(−effect · activity / scale)`` (``functions.activity_scale``).

    >>> float(rate(1.0, 0.0))
    0.0
    >>> round(float(rate(1.0, 1000.0)), 4)
    0.6321
    """
    return -np.expm1(-np.asarray(effect) * np.asarray(activity) / scale)


def coalition_cost_fn(plan: FunctionPlan, x_payers: np.ndarray, extra_per_member: float):
    """Stand-alone cost C(S) of a coalition of payers running the pooled functions alone.

    ``x_payers`` (k, F) activities of the payers; ``extra_per_member`` spreads coordination,
    fair and entry costs net of subsidies and fees evenly, so that C(all) equals the amount to
    allocate. Used by the Shapley and nucleolus rules.
    """
    run = plan.pooled & (plan.X > 0)

    def cost(coalitions: np.ndarray) -> np.ndarray:
        c = np.asarray(coalitions, dtype=float)
        xs = c @ x_payers  # (k, F)
        size = c.sum(axis=1)
        f = np.where(
            run[None, :] & (xs > 0),
            plan.fixed[None, :] + plan.var[None, :] * np.power(xs, plan.theta[None, :]),
            0.0,
        )
        return np.where(size > 0, f.sum(axis=1) + extra_per_member * size, 0.0)

    return cost
