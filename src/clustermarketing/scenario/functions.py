"""The nine marketing functions of seed 000 and their cost/effect parameters (MODEL.md §3).

A function is done by a firm alone (cost F + c·x_i, effect on that firm) or pooled by the
cooperative organisation (cost F + c·(Σ x_i)^θ once for all members, effect shared as a club
good or allocated as rival capacity). The activity x_i of firm i is ``intensity`` × its output
of the last period, so marketing effort scales with the business it supports.
"""

from __future__ import annotations

from pydantic import BaseModel

from clustermarketing.params import STRICT, P

EFFECT_MEANING: dict[str, str] = {
    "market_research": "detection rate: P(detect a signal) = 1 - exp(-effect * x / 1000)",
    "new_market_development": "rate of entering a market opened by a signal one is aware of: "
    "P = 1 - exp(-effect * x / 1000) per period",
    "market_access": "rate of opening access to a market not yet reached: "
    "P = 1 - exp(-effect * x / 1000) per period (entry cost paid once per firm, or once "
    "for the cooperative when pooled)",
    "customer_acquisition": "utility added in every reached market: effect * ln(1 + x / 1000) "
    "alone; pooled, every member gets effect * ln(1 + X / (1000 * sqrt(members)))",
    "product_development": "quality gain of a successful project (success probability "
    "`success`; pooled projects share gains and pool risk)",
    "brand_building": "Nerlove–Arrow efficiency α: stock += α * x^η (goodwill alone, "
    "regional brand pooled)",
    "channel_development": "channel capacity added per unit of activity and period",
    "information_dissemination": "added per-period probability of passing a signal over "
    "a tie (alone) or over the structure (pooled)",
    "sales_promotion": "as customer acquisition; the pooled part is multiplied by the fair "
    "multiplier in fair periods",
}


class FunctionParams(BaseModel):
    """Cost and effect of one marketing function."""

    model_config = STRICT
    fixed_cost: float = P(
        500.0, "F_f: fixed cost per period of running the function", unit="CU", ge=0, le=1e9
    )
    variable_cost: float = P(
        0.3, "c_f: cost per unit of activity", unit="CU/activity", ge=0, le=1e6
    )
    scale_exponent: float = P(
        0.8, "θ_f: economies of scale when pooled, cost ∝ (Σx)^θ", seed="000", gt=0, le=1
    )
    intensity: float = P(
        1.0, "activity per unit of last period's output", unit="activity/unit", ge=0, le=100
    )
    effect: float = P(1.0, "strength of the function's effect (meaning per function)", ge=0, le=100)
    success: float = P(
        1.0, "probability that one period's effort succeeds (product development risk)", ge=0, le=1
    )


def _f(**kw: float) -> FunctionParams:
    return FunctionParams(**kw)


class FunctionsConfig(BaseModel):
    """Parameters of the nine marketing functions (seed 000)."""

    model_config = STRICT
    activity_scale: float = P(
        1000.0,
        "activity that makes one unit of a function's effect: rates are 1 − exp(−effect·x/scale), "
        "promotion utility effect·ln(1 + x/scale)",
        unit="activity",
        seed="choice",
        gt=0,
    )
    market_research: FunctionParams = P(
        _f(fixed_cost=400, variable_cost=0.1, intensity=0.5, effect=1.0), "market research"
    )
    new_market_development: FunctionParams = P(
        _f(fixed_cost=600, variable_cost=0.1, intensity=0.3, effect=1.0), "new-market development"
    )
    market_access: FunctionParams = P(
        _f(fixed_cost=500, variable_cost=0.1, intensity=0.3, effect=0.3), "market access"
    )
    customer_acquisition: FunctionParams = P(
        _f(fixed_cost=300, variable_cost=0.2, intensity=0.5, effect=0.15),
        "increasing market share (customer acquisition)",
    )
    product_development: FunctionParams = P(
        _f(fixed_cost=800, variable_cost=0.2, intensity=0.3, effect=0.02, success=0.3),
        "product development",
    )
    brand_building: FunctionParams = P(
        _f(fixed_cost=500, variable_cost=0.3, intensity=0.5, effect=0.5), "brand building"
    )
    channel_development: FunctionParams = P(
        _f(fixed_cost=400, variable_cost=0.2, intensity=0.3, effect=0.05), "channel development"
    )
    information_dissemination: FunctionParams = P(
        _f(fixed_cost=200, variable_cost=0.05, intensity=0.2, effect=0.2),
        "information dissemination",
    )
    sales_promotion: FunctionParams = P(
        _f(fixed_cost=300, variable_cost=0.3, intensity=0.5, effect=0.15), "sales promotion"
    )

    def get(self, name: str) -> FunctionParams:
        """The parameters of function ``name``."""
        return getattr(self, name)
