"""Stop a run whose numbers stop being numbers.

Every scenario value is range-checked before a run, but extreme combinations (huge markets with
tiny prices, utilities far from 0) can still overflow the logit demand or the pricing fixed point.
Rather than averaging ``inf`` or ``nan`` into a summary that prints as nulls, the runner passes
each period's record through :func:`check_record`, which raises :class:`SimulationError` naming
the first period and quantity that went wrong.

Some record entries are *legitimately* undefined (NaN) in some periods: a mean over an empty
group (no members, no leaders, no sales). Those may be NaN, but never infinite; everything else
must be finite.

>>> check_record({"period": 0.0, "output": 10.0, "member_profit": float("nan")}, 0)["output"]
10.0
>>> check_record({"period": 3.0, "output": float("inf")}, 3, "replicate 0, model arm")
Traceback (most recent call last):
...
clustermarketing.engine.guard.SimulationError: simulation: 'output' became inf in period 3 (replicate 0, model arm); the scenario's values lie outside what the model can compute (try values nearer the defaults: market sizes, costs, price sensitivities, utility weights)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from clustermarketing.errors import ClusterMarketingError

__all__ = ["MAY_BE_UNDEFINED", "SimulationError", "check_record"]

#: Record entries that are NaN when the group they average over is empty (no members, no SMEs,
#: no leaders, no sales, no tracked signals, no active firms).
MAY_BE_UNDEFINED: frozenset[str] = frozenset(
    {
        "profit",
        "member_profit",
        "nonmember_profit",
        "sme_profit",
        "leader_profit",
        "sme_market_access",
        "unit_marketing_cost",
        "mean_price",
        "cooperation_rate",
        "trust",
        "awareness",
        "product_diversity",
        "free_riding_gain",
        "mean_quality",
        "corporate_goodwill",
        "detection_probability",
    }
)


class SimulationError(ClusterMarketingError):
    """A run produced a non-finite quantity; the message names the period and the quantity."""


def _bad(value: Any) -> str | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None  # not a number (a label): not ours to check
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return None


def check_record(record: Mapping[str, Any], period: int, where: str = "") -> Mapping[str, Any]:
    """Return ``record`` unchanged if every quantity is finite (or legitimately undefined).

    Raises :class:`SimulationError` for the first entry that is ±inf, or NaN where NaN has no
    meaning; ``where`` (e.g. ``"replicate 2, model arm"``) is added to the message.
    """
    for key, value in record.items():
        bad = _bad(value)
        if bad is None or (bad == "nan" and key in MAY_BE_UNDEFINED):
            continue
        context = f" ({where})" if where else ""
        raise SimulationError(
            f"simulation: {key!r} became {bad} in period {period}{context}; the scenario's "
            "values lie outside what the model can compute (try values nearer the defaults: "
            "market sizes, costs, price sensitivities, utility weights)"
        )
    return record
