"""The summary metrics of a run: which per-period record each comes from and how it is summarised.

A replicate's arm is summarised into one number per metric: the mean over periods of the
period records (``MEAN_METRICS``), the sum (``SUM_METRICS``: entries, exits), the last value
(``FINAL_METRICS``), the output growth rate (``ln(Y_T / Y_1) / (T − 1)``) and the mean time for a
market signal to reach 90% of the firms. These replicate values are what the analysis averages
over replicates and compares between arms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MEAN_METRICS: tuple[str, ...] = (
    "profit",
    "member_profit",
    "nonmember_profit",
    "sme_profit",
    "leader_profit",
    "sme_market_access",
    "regional_brand",
    "unit_marketing_cost",
    "mean_price",
    "consumer_surplus",
    "consumer_surplus_fixed_tastes",
    "output",
    "employment",
    "cooperation_rate",
    "membership_rate",
    "trust",
    "product_diversity",
)
#: outcomes of the mechanisms of the high-tech and see-the-customer models; 0 where a model has
#: no such mechanism (means over periods, like MEAN_METRICS)
MECHANISM_METRICS: dict[str, str] = {
    "mean_quality": "mean product quality of active firms (index)",
    "corporate_goodwill": "mean corporate goodwill stock of active firms",
    "product_brand": "mean product-brand stock of active firms (cluster brand tiers)",
    "intermediated_sales": "units sold through marketing intermediaries",
    "commission_paid": "commissions paid to intermediaries (CU)",
    "intermediaries": "intermediaries in business",
    "platform_sales": "units sold through the online platform",
    "channel_rented": "channel capacity rented between members (units)",
    "licence_units": "units sold under a licensed leader's brand",
    "subcontract_units": "units leaders sourced from SME suppliers",
    "innovations": "pooled R&D innovations this period",
    "bundle_sales": "units sold in markets where a complementary ally sells too",
}
MEAN_METRICS = (*MEAN_METRICS, *MECHANISM_METRICS)
SUM_METRICS: tuple[str, ...] = ("entries", "exits")
FINAL_METRICS: tuple[str, ...] = ("firms",)
METRICS: tuple[str, ...] = (
    *MEAN_METRICS,
    "output_growth",
    *SUM_METRICS,
    *FINAL_METRICS,
    "time_to_90pct_awareness",
)


def replicate_values(cluster: pd.DataFrame, signal_times: list[float]) -> dict[str, float]:
    """Summarise one arm of one replicate (its per-period records) into one number per metric."""
    c = cluster
    vals: dict[str, float] = {}
    for name in MEAN_METRICS:
        col = c[name].to_numpy(dtype=float)
        vals[name] = float(np.nanmean(col)) if np.isfinite(col).any() else float("nan")
    out_series = c["output"].to_numpy(dtype=float)
    if len(out_series) > 1 and out_series[0] > 0 and out_series[-1] > 0:
        vals["output_growth"] = float(
            np.log(out_series[-1] / out_series[0]) / (len(out_series) - 1)
        )
    else:
        vals["output_growth"] = float("nan")
    for name in SUM_METRICS:
        vals[name] = float(c[name].sum())
    for name in FINAL_METRICS:
        vals[name] = float(c[name].iloc[-1])
    vals["time_to_90pct_awareness"] = float(np.mean(signal_times)) if signal_times else float("nan")
    return vals
