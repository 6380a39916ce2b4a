"""Units and possible ranges of the summary metrics (docs/model.md §8–§9).

A leaf data module: the engine uses :data:`METRIC_RANGE` to keep confidence intervals inside
what a metric can be; the CLI prints :data:`METRIC_UNITS` next to every number and writes it as
the ``units`` map of every JSON output. CU is the scenario's currency unit; a period is a quarter
in the built-in examples.

>>> unit_of("profit")
'CU/firm/period'
>>> metric_range("trust"), metric_range("exits")
((0.0, 1.0), (0.0, inf))
>>> difference_range("trust")
(-1.0, 1.0)
"""

from __future__ import annotations

import math

__all__ = [
    "CU",
    "METRIC_RANGE",
    "METRIC_UNITS",
    "difference_range",
    "metric_range",
    "unit_of",
]

CU = "CU"
INF = math.inf

#: metric → unit of its summary value (what one replicate's number is measured in).
METRIC_UNITS: dict[str, str] = {
    "profit": "CU/firm/period",
    "member_profit": "CU/firm/period",
    "nonmember_profit": "CU/firm/period",
    "sme_profit": "CU/firm/period",
    "leader_profit": "CU/firm/period",
    "sme_market_access": "share of (SME, market) pairs",
    "regional_brand": "brand stock",
    "unit_marketing_cost": "CU/unit",
    "mean_price": "CU/unit",
    "consumer_surplus": "CU/period",
    "consumer_surplus_fixed_tastes": "CU/period",
    "output": "units/period",
    "employment": "persons",
    "cooperation_rate": "share of members",
    "membership_rate": "share of firms",
    "trust": "index 0–1",
    "product_diversity": "equivalent sellers (1/HHI)",
    "output_growth": "1/period (log)",
    "entries": "firms (total over the run)",
    "exits": "firms (total over the run)",
    "firms": "firms (at the end)",
    "time_to_90pct_awareness": "periods",
    "mean_quality": "index",
    "corporate_goodwill": "stock",
    "product_brand": "stock",
    "intermediated_sales": "units/period",
    "commission_paid": "CU/period",
    "intermediaries": "intermediaries",
    "platform_sales": "units/period",
    "channel_rented": "units/period",
    "licence_units": "units/period",
    "subcontract_units": "units/period",
    "innovations": "innovations/period",
    "bundle_sales": "units/period",
}

#: metric → (lowest, highest) value it can take; a confidence interval is clipped to it.
METRIC_RANGE: dict[str, tuple[float, float]] = {
    "sme_market_access": (0.0, 1.0),
    "regional_brand": (0.0, INF),
    "unit_marketing_cost": (0.0, INF),
    "mean_price": (0.0, INF),
    "consumer_surplus": (0.0, INF),
    "consumer_surplus_fixed_tastes": (0.0, INF),
    "output": (0.0, INF),
    "employment": (0.0, INF),
    "cooperation_rate": (0.0, 1.0),
    "membership_rate": (0.0, 1.0),
    "trust": (0.0, 1.0),
    "product_diversity": (0.0, INF),
    "entries": (0.0, INF),
    "exits": (0.0, INF),
    "firms": (0.0, INF),
    "time_to_90pct_awareness": (0.0, INF),
    "corporate_goodwill": (0.0, INF),
    "product_brand": (0.0, INF),
    "intermediated_sales": (0.0, INF),
    "commission_paid": (0.0, INF),
    "intermediaries": (0.0, INF),
    "platform_sales": (0.0, INF),
    "channel_rented": (0.0, INF),
    "licence_units": (0.0, INF),
    "subcontract_units": (0.0, INF),
    "innovations": (0.0, INF),
    "bundle_sales": (0.0, INF),
}


def unit_of(metric: str) -> str:
    """The unit of ``metric`` ("-" when it has none or is unknown)."""
    return METRIC_UNITS.get(metric, "-")


def metric_range(metric: str) -> tuple[float, float]:
    """(lowest, highest) possible value of ``metric``; unbounded when not listed."""
    return METRIC_RANGE.get(metric, (-INF, INF))


def difference_range(metric: str) -> tuple[float, float]:
    """Possible range of a difference of two values of ``metric`` (model − baseline)."""
    lo, hi = metric_range(metric)
    width = hi - lo
    return (-width, width)
