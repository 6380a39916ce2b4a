"""Who runs which marketing function, at what activity and cost (MODEL.md §3).

Activity ``x_if = intensity_f × output_i`` (last period). Alone, a firm spends a marketing budget
of ``affordability × revenue_i`` (last period): it runs the functions the cooperative does not
cover for it, cheapest fixed cost first, as long as the cumulative cost fits the budget. SMEs
cannot carry the fixed costs of every function, which is the weakness cooperation lifts (seed
000, advantage 1): a member whose brand building is pooled can spend its budget on the rest. Pooled, the cooperative runs f once on ``X_f = Σ_{contributors} x_if``
at cost ``F_f + c_f X_f^θ_f``; a chain structure caps the activity at its weakest unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustermarketing.scenario.functions import FUNCTION_NAMES, FunctionsConfig

F_INDEX = {name: i for i, name in enumerate(FUNCTION_NAMES)}


@dataclass(frozen=True)
class FunctionPlan:
    """Activity, who does what, and costs of the nine functions this period."""

    x: np.ndarray  # (n, F) activity each firm would run
    alone: np.ndarray  # (n, F) bool runs it alone
    covered: np.ndarray  # (n, F) bool enjoys the pooled function
    pooled: np.ndarray  # (F,) bool the cooperative runs it
    X: np.ndarray  # (F,) pooled activity paid for
    X_eff: np.ndarray  # (F,) pooled activity delivered (chain throughput)
    own_cost: np.ndarray  # (n,) CU
    saved: np.ndarray  # (n,) CU a member saves on functions the cooperative runs for it
    pooled_cost: np.ndarray  # (F,) CU
    fixed: np.ndarray  # (F,)
    var: np.ndarray  # (F,)
    theta: np.ndarray  # (F,)
    effect: np.ndarray  # (F,)
    success: np.ndarray  # (F,)


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
    }


def plan_functions(
    arrays: dict[str, np.ndarray],
    pooled_names: list[str],
    active: np.ndarray,
    output: np.ndarray,
    revenue: np.ndarray,
    effective_member: np.ndarray,
    contributor: np.ndarray,
    affordability: float,
    throughput: float,
) -> FunctionPlan:
    """Decide alone/pooled for every firm and function and cost it."""
    n = active.size
    pooled = np.zeros(len(FUNCTION_NAMES), dtype=bool)
    for f in pooled_names:
        pooled[F_INDEX[f]] = True
    x = output[:, None] * arrays["intensity"][None, :]
    covered = effective_member[:, None] & pooled[None, :]
    cost_alone = arrays["fixed"][None, :] + arrays["var"][None, :] * x
    order = np.argsort(arrays["fixed"], kind="stable")
    wanted = np.where(covered, 0.0, cost_alone)[:, order]
    fits = np.cumsum(wanted, axis=1) <= affordability * revenue[:, None]
    alone = np.zeros_like(covered)
    alone[:, order] = fits
    alone &= active[:, None] & ~covered
    own_cost = np.sum(np.where(alone, cost_alone, 0.0), axis=1)
    # what the covered functions would cost a member alone, within its budget
    saved = np.minimum(affordability * revenue, np.sum(np.where(covered, cost_alone, 0.0), axis=1))
    payers = contributor & effective_member
    X = np.where(pooled, payers.astype(float) @ x if n else 0.0, 0.0)
    run = pooled & (X > 0)
    pooled_cost = np.where(run, arrays["fixed"] + arrays["var"] * np.power(X, arrays["theta"]), 0.0)
    X_eff = np.minimum(X, throughput)
    return FunctionPlan(
        x=x,
        alone=alone,
        covered=covered,
        pooled=pooled,
        X=X,
        X_eff=X_eff,
        own_cost=own_cost,
        saved=saved,
        pooled_cost=pooled_cost,
        fixed=arrays["fixed"],
        var=arrays["var"],
        theta=arrays["theta"],
        effect=arrays["effect"],
        success=arrays["success"],
    )


def rate(effect: float | np.ndarray, activity: float | np.ndarray) -> np.ndarray:
    """Per-period probability ``1 − exp(−effect · activity / 1000)``."""
    return -np.expm1(-np.asarray(effect) * np.asarray(activity) / 1000.0)


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
