"""The full analysis of a response table: reliability per construct and group comparisons.

:func:`analyze` takes validated :class:`~clustermarketing.survey.responses.Responses`, recodes the
reverse-coded items, applies the missing-data policy and returns a :class:`SurveyAnalysis` with

- ``n``: respondents analysed per group (or ``{"all": n}`` without a grouping column);
- ``missing``: missing answers in the file, respondents with any, per item, and how many
  respondents the listwise policy dropped;
- ``reliability``: one row per construct — Cronbach's α with Feldt's CI, McDonald's ω, and per
  item the corrected item–total correlation and α if deleted
  (:mod:`clustermarketing.survey.reliability`);
- ``comparisons``: the table of :func:`clustermarketing.survey.compare.compare_groups` over every
  item and construct score.

All statistics use the recoded answers, so a higher answer always means more of the construct.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.survey.compare import compare_groups, construct_scores
from clustermarketing.survey.reliability import scale_reliability
from clustermarketing.survey.responses import MISSING_POLICIES, Responses

__all__ = ["SurveyAnalysis", "analyze"]


def _f(x: Any) -> float | None:
    """A finite float or None (JSON null)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@dataclass
class SurveyAnalysis:
    """Everything ``survey analyze`` reports; :meth:`to_dict` is its JSON form."""

    source: str
    instrument_name: str
    group: str | None
    groups: list[str]
    n: dict[str, int]
    missing: dict[str, Any]
    reliability: pd.DataFrame
    items: pd.DataFrame
    comparisons: pd.DataFrame | None
    scores: pd.DataFrame
    answers: pd.DataFrame
    labels: pd.Series | None
    options: dict[str, Any] = field(default_factory=dict)
    constructs: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def construct_effects(self) -> pd.DataFrame:
        """Per construct: group means of the construct score and the Mann–Whitney effect.

        With two groups the effect is the rank-biserial r (first minus second group) with its
        adjusted p; with more groups ε² of Kruskal–Wallis.
        """
        rows = []
        cmp = self.comparisons
        for cid, title in self.constructs.items():
            row: dict[str, Any] = {"construct": cid, "title": title, "kind": self.kinds[cid]}
            for g in self.groups or ["all"]:
                sel = (
                    self.scores[cid] if self.labels is None else self.scores[cid][self.labels == g]
                )
                row[f"mean:{g}"] = float(sel.mean())
            if cmp is not None:
                test = "mann_whitney" if len(self.groups) == 2 else "kruskal_wallis"
                hit = cmp[(cmp.construct == cid) & cmp.item.isna() & (cmp.test == test)]
                if len(hit):
                    h = hit.iloc[0]
                    row.update(
                        effect_measure=h.effect_measure,
                        effect_size=float(h.effect_size),
                        ci_low=float(h.ci_low),
                        ci_high=float(h.ci_high),
                        p_adjusted=float(h.p_adjusted),
                    )
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``n``, ``missing``, ``reliability``, ``comparisons``, ``options``."""
        rel = []
        for r in self.reliability.itertuples(index=False):
            its = self.items[self.items.construct == r.construct]
            rel.append(
                {
                    "construct": r.construct,
                    "title": r.title,
                    "alpha": _f(r.alpha),
                    "ci_low": _f(r.ci_low),
                    "ci_high": _f(r.ci_high),
                    "omega": _f(r.omega),
                    "omega_note": r.omega_note or None,
                    "n": int(r.n),
                    "k": int(r.k),
                    "items": [
                        {
                            "item": i.item,
                            "reverse": bool(i.reverse),
                            "n": int(i.n),
                            "mean": _f(i.mean),
                            "sd": _f(i.sd),
                            "item_total_r": _f(i.item_total_r),
                            "alpha_if_deleted": _f(i.alpha_if_deleted),
                        }
                        for i in its.itertuples(index=False)
                    ],
                }
            )
        comps = []
        if self.comparisons is not None:
            for row in self.comparisons.to_dict("records"):
                comps.append(
                    {
                        "construct": row["construct"],
                        "item": None if pd.isna(row["item"]) else row["item"],
                        "test": row["test"],
                        "statistic": _f(row["statistic"]),
                        "df": _f(row["df"]),
                        "p": _f(row["p"]),
                        "p_adjusted": _f(row["p_adjusted"]),
                        "effect_size": _f(row["effect_size"]),
                        "effect_measure": row["effect_measure"],
                        "ci_low": _f(row["ci_low"]),
                        "ci_high": _f(row["ci_high"]),
                        "n": int(row["n"]),
                        "group_n": {g: int(row[f"n:{g}"]) for g in self.groups},
                        "group_means": {g: _f(row[f"mean:{g}"]) for g in self.groups},
                        "group_medians": {g: _f(row[f"median:{g}"]) for g in self.groups},
                        "note": row["note"] or None,
                    }
                )
        return {
            "source": self.source,
            "instrument": self.instrument_name,
            "group": self.group,
            "groups": list(self.groups),
            "n": dict(self.n),
            "missing": self.missing,
            "options": {k: v for k, v in self.options.items() if k != "item_construct"},
            "reliability": rel,
            "comparisons": comps,
        }


def analyze(
    responses: Responses,
    missing: str = "pairwise",
    correction: str = "bh",
    family: str = "table",
    min_answered: float = 0.5,
    confidence: float = 0.95,
) -> SurveyAnalysis:
    """Reliability per construct and, when the responses have a grouping column, comparisons.

    ``missing``: ``pairwise`` (default) or ``listwise``; ``correction``: ``bh`` (default) or
    ``holm``; ``family``: adjust p over the whole ``table`` (default) or per ``test``;
    ``min_answered``: share of a construct's items a respondent must have answered to get a
    construct score (pairwise policy).
    """
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing: {missing!r}; expected one of {', '.join(MISSING_POLICIES)}")
    inst = responses.instrument
    miss = responses.missing_summary()
    used = responses.complete_cases() if missing == "listwise" else responses
    miss["dropped_listwise"] = responses.n - used.n if missing == "listwise" else 0
    if used.n < 2:
        from clustermarketing.survey.reliability import SurveyError

        raise SurveyError(
            f"{responses.source}: {used.n} respondent(s) left after listwise deletion "
            f"({miss['respondents_with_missing']} have a missing answer); expected at least 2 "
            "(use the pairwise policy)"
        )
    data = used.recoded()
    constructs = inst.constructs_dict()
    rel_rows, item_rows = [], []
    for cid, its in constructs.items():
        block = data[its]
        row: dict[str, Any] = {"construct": cid, "title": inst.construct(cid).title, "k": len(its)}
        if len(its) >= 2 and block.dropna(how="all").shape[0] >= 2:
            r = scale_reliability(block, confidence, missing)
            row.update(
                alpha=r.alpha,
                ci_low=r.ci_low,
                ci_high=r.ci_high,
                omega=r.omega,
                omega_note=r.omega_note,
                n=r.n,
            )
            table = r.items
        else:
            why = "single item" if len(its) < 2 else "fewer than 2 respondents"
            row.update(alpha=np.nan, ci_low=np.nan, ci_high=np.nan, omega=np.nan, omega_note=why)
            row["n"] = int(block.notna().any(axis=1).sum())
            table = pd.DataFrame(
                {
                    "item": its,
                    "n": [int(block[i].notna().sum()) for i in its],
                    "mean": [float(block[i].mean()) for i in its],
                    "sd": [float(block[i].std(ddof=1)) for i in its],
                    "item_total_r": np.nan,
                    "alpha_if_deleted": np.nan,
                }
            )
        table.insert(0, "construct", cid)
        table.insert(2, "reverse", [inst.item(i).reverse for i in table["item"]])
        rel_rows.append(row)
        item_rows.append(table)
    reliability = pd.DataFrame(rel_rows)[
        ["construct", "title", "k", "n", "alpha", "ci_low", "ci_high", "omega", "omega_note"]
    ]
    items = pd.concat(item_rows, ignore_index=True)
    scores = construct_scores(data, constructs, min_answered)
    comparisons = None
    labels = None
    if responses.group is not None:
        labels = used.group_labels()
        frame = data.assign(**{"__group__": labels.to_numpy()})
        comparisons = compare_groups(
            frame,
            "__group__",
            constructs,
            groups=responses.groups,
            correction=correction,
            family=family,
            missing="pairwise",  # listwise deletion already applied above
            categories=list(range(1, inst.scale.points + 1)),
            min_answered=min_answered,
        )
        n = {g: int((labels == g).sum()) for g in responses.groups}
    else:
        n = {"all": used.n}
    return SurveyAnalysis(
        source=responses.source,
        instrument_name=inst.name,
        group=responses.group,
        groups=list(responses.groups),
        n=n,
        missing=miss,
        reliability=reliability,
        items=items,
        comparisons=comparisons,
        scores=scores,
        answers=data,
        labels=labels,
        options={
            "missing": missing,
            "correction": correction,
            "family": family,
            "min_answered": min_answered,
            "confidence": confidence,
            "reverse_items": inst.reverse_items(),
            "points": inst.scale.points,
            "item_construct": {i.id: i.construct for i in inst.items},
        },
        constructs={c.id: c.title for c in inst.constructs},
        kinds={c.id: c.kind for c in inst.constructs},
    )
