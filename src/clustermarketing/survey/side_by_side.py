"""Two analyses side by side — e.g. a surveyed cluster and a simulated one.

:func:`compare_analyses` lines up, per construct, the group means of the construct score, the
effect of the first group over the second (rank-biserial r of the Mann–Whitney test on the
construct score, with its BH/Holm-adjusted p), Cronbach's α, and whether the two effects have the
same sign (``agree``; None when either effect is undefined or exactly 0) and whether both 95%
CIs include 0 (``both_ci_include_zero``: a disagreement there is no evidence either way). Both
analyses must use
the same grouping column with the same groups in the same order; with more than two groups the
effect is ε² (no sign) and ``agree`` is None.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from clustermarketing.survey.analysis import SurveyAnalysis
from clustermarketing.survey.reliability import SurveyError

__all__ = ["agreement_summary", "compare_analyses"]


def _sign(x: Any) -> int | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(v) or v == 0:
        return None
    return 1 if v > 0 else -1


def compare_analyses(
    first: SurveyAnalysis, second: SurveyAnalysis, names: tuple[str, str] = ("real", "simulated")
) -> pd.DataFrame:
    """Per construct: ``<name>:mean:<group>``, ``<name>:effect``, ``<name>:p_adjusted``,
    ``<name>:alpha`` for both analyses, and ``agree`` (same sign of the effect)."""
    if first.comparisons is None or second.comparisons is None:
        raise SurveyError("compare: both analyses need a grouping column (--group)")
    if first.groups != second.groups:
        raise SurveyError(
            f"compare: groups differ — {names[0]} has {', '.join(first.groups)}, "
            f"{names[1]} has {', '.join(second.groups)}; expected the same groups"
        )
    if list(first.constructs) != list(second.constructs):
        raise SurveyError("compare: the two analyses use different constructs")
    a, b = first.construct_effects(), second.construct_effects()
    ra = first.reliability.set_index("construct")["alpha"]
    rb = second.reliability.set_index("construct")["alpha"]
    rows = []
    signed = len(first.groups) == 2
    for (_, x), (_, y) in zip(a.iterrows(), b.iterrows(), strict=True):
        row: dict[str, Any] = {"construct": x["construct"], "title": x["title"], "kind": x["kind"]}
        for name, src, alpha in ((names[0], x, ra), (names[1], y, rb)):
            for g in first.groups:
                row[f"{name}:mean:{g}"] = src[f"mean:{g}"]
            row[f"{name}:effect"] = src.get("effect_size", float("nan"))
            row[f"{name}:ci_low"] = src.get("ci_low", float("nan"))
            row[f"{name}:ci_high"] = src.get("ci_high", float("nan"))
            row[f"{name}:p_adjusted"] = src.get("p_adjusted", float("nan"))
            row[f"{name}:alpha"] = float(alpha[x["construct"]])
        sx, sy = _sign(row[f"{names[0]}:effect"]), _sign(row[f"{names[1]}:effect"])
        row["agree"] = (sx == sy) if signed and sx is not None and sy is not None else None
        row["both_ci_include_zero"] = signed and all(
            float(row[f"{n}:ci_low"]) <= 0 <= float(row[f"{n}:ci_high"]) for n in names
        )
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update(
        names=names,
        groups=list(first.groups),
        effect_measure="rank_biserial" if signed else "epsilon_squared",
    )
    return out


def agreement_summary(table: pd.DataFrame) -> dict[str, Any]:
    """How many constructs agree in sign, and the mean cooperation-construct effect of each side."""
    names = table.attrs.get("names", ("real", "simulated"))
    judged = table["agree"].dropna()
    coop = table[table["kind"] == "cooperation"]
    return {
        "constructs": len(table),
        "judged": len(judged),
        "agree": int(judged.astype(bool).sum()),
        "mean_cooperation_effect": {
            n: float(coop[f"{n}:effect"].astype(float).mean()) if len(coop) else float("nan")
            for n in names
        },
    }
