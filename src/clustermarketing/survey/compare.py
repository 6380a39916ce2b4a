r"""Group comparisons of Likert items and construct scores, with effect sizes and corrected p-values.

For each item (and each construct score when constructs are given) and two groups ``A`` (first)
and ``B`` (second):

- **Mann–Whitney U** (``scipy.stats.mannwhitneyu``, two-sided). The reported U is
  ``U_A`` = the number of (a, b) pairs with a > b, ties counted ½ — i.e. the U of the *first*
  group, as R's ``wilcox.test(a, b)$statistic`` (W) and SciPy. The p-value is exact when the
  smaller group has at most 8 answers and there are no ties, otherwise the normal approximation
  with tie and continuity correction (what R's ``wilcox.test`` does under ties). Effect: the **rank-biserial correlation**
  ``r = 2·U_A/(n_A n_B) − 1 = P(A > B) − P(A < B)`` (Kerby 2014), positive when the first group
  answers higher; 95% CI by Fisher's z with ``SE = √((n_A + n_B + 1)/(3 n_A n_B))`` (as R's
  effectsize::rank_biserial).
- **Welch's t** (``scipy.stats.ttest_ind(equal_var=False)``), ``t = (m_A − m_B)/√(s²_A/n_A +
  s²_B/n_B)`` with Welch–Satterthwaite df. Effect: **Hedges' g** ``= J·(m_A − m_B)/s_p`` with the
  pooled SD ``s_p = √(((n_A−1)s²_A + (n_B−1)s²_B)/(n_A+n_B−2))`` and
  ``J = 1 − 3/(4(n_A+n_B) − 9)``; 95% CI ``g ± t_{0.975, n_A+n_B−2}·√((n_A+n_B)/(n_A n_B) +
  g²/(2(n_A+n_B)))`` (Hedges & Olkin 1985; pingouin/R effsize).
- **Chi-square** test of independence on the groups × answer table (items only; answer options
  no one chose are dropped; no Yates correction). Effect: **Cramér's V**
  ``= √(χ²/(n·(min(r, c) − 1)))`` with a 95% CI from inverting the noncentral χ² distribution
  (the noncentrality λ with ``P(χ²_df(λ) ≥ χ²_obs)`` = 0.025 and 0.975, ``V = √(λ/(n(min−1)))``).
  The interval is for the noncentrality-based V (as R's effectsize::cramers_v without
  adjustment); when χ² is close to its df the plain V is biased upward and can lie above the
  interval — the ``note`` says so, as it does when more than 20% of expected counts are below 5
  (Cochran's rule).

With more than two groups the Mann–Whitney and Welch rows are replaced by the **Kruskal–Wallis H**
test (``scipy.stats.kruskal``, tie-corrected) with **ε²** ``= H/(n − 1)`` (Tomczak & Tomczak
2014; no CI is reported), and the chi-square test uses all groups.

**Multiple testing.** All p-values of the table (``family="table"``, default) — or those of each
test separately (``family="test"``) — are adjusted with statsmodels' ``multipletests``:
Benjamini–Hochberg (``correction="bh"``, default, controls the false-discovery rate) or Holm
(``"holm"``, controls the family-wise error rate). Rows whose test is undefined (a group without
answers, no variance) keep ``p = NaN`` and are left out of the adjustment.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from clustermarketing.survey.reliability import SurveyError

__all__ = [
    "CORRECTIONS",
    "FAMILIES",
    "adjust_pvalues",
    "compare_groups",
    "construct_scores",
    "cramers_v",
    "hedges_g",
    "rank_biserial",
]

#: correction name → statsmodels ``multipletests`` method.
CORRECTIONS: dict[str, str] = {"bh": "fdr_bh", "holm": "holm"}
FAMILIES: tuple[str, ...] = ("table", "test")
CONFIDENCE = 0.95
_Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))


# --- effect sizes ------------------------------------------------------------------------------
def rank_biserial(u_first: float, n1: int, n2: int) -> tuple[float, float, float]:
    """Rank-biserial r from the first group's U, with the Fisher-z 95% CI.

    >>> r, lo, hi = rank_biserial(17, 5, 4)  # scipy.stats.mannwhitneyu docs example
    >>> round(r, 3)
    0.7
    """
    r = 2.0 * u_first / (n1 * n2) - 1.0
    se = math.sqrt((n1 + n2 + 1) / (3.0 * n1 * n2))
    if abs(r) >= 1.0:  # complete separation: z is infinite, the interval collapses on r
        return r, r, r
    z = math.atanh(r)
    return r, math.tanh(z - _Z * se), math.tanh(z + _Z * se)


def hedges_g(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Hedges' g (first minus second group) with its 95% CI; NaN when the pooled SD is 0."""
    n1, n2 = x.size, y.size
    if n1 < 2 or n2 < 2:
        return (float("nan"),) * 3
    sp2 = ((n1 - 1) * x.var(ddof=1) + (n2 - 1) * y.var(ddof=1)) / (n1 + n2 - 2)
    if sp2 <= 0:
        return (float("nan"),) * 3
    d = (x.mean() - y.mean()) / math.sqrt(sp2)
    g = d * (1.0 - 3.0 / (4.0 * (n1 + n2) - 9.0))
    se = math.sqrt((n1 + n2) / (n1 * n2) + g * g / (2.0 * (n1 + n2)))
    crit = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n1 + n2 - 2))
    return float(g), float(g - crit * se), float(g + crit * se)


def cramers_v(chi2: float, n: int, shape: tuple[int, int], dof: int) -> tuple[float, float, float]:
    """Cramér's V with a 95% CI by inverting the noncentral χ² distribution.

    >>> v, lo, hi = cramers_v(30.07, 2757, (2, 3), 2)  # Agresti (2007) table, R chisq.test
    >>> round(v, 4)
    0.1044
    """
    m = min(shape) - 1
    if m < 1 or n < 1 or not math.isfinite(chi2):
        return (float("nan"),) * 3
    scale = n * m
    v = math.sqrt(chi2 / scale)

    def ncp(q: float) -> float:
        """λ with P(χ²_dof(λ) ≤ chi2) = q (0 when even λ = 0 leaves less than q below)."""
        if stats.chi2.cdf(chi2, dof) <= q:
            return 0.0
        hi = max(10.0, 2.0 * chi2)
        while stats.ncx2.cdf(chi2, dof, hi) > q:
            hi *= 2.0
        return float(optimize.brentq(lambda lam: stats.ncx2.cdf(chi2, dof, lam) - q, 0.0, hi))

    lo = ncp(0.5 + CONFIDENCE / 2)
    hi = ncp(0.5 - CONFIDENCE / 2)
    return v, min(1.0, math.sqrt(lo / scale)), min(1.0, math.sqrt(hi / scale))


# --- multiple testing --------------------------------------------------------------------------
def adjust_pvalues(p: Sequence[float], correction: str = "bh") -> np.ndarray:
    """Adjusted p-values (NaN stays NaN and is not counted in the family).

    >>> adjust_pvalues([0.01, 0.02, 0.03, 0.04, 0.05], "bh").round(4).tolist()
    [0.05, 0.05, 0.05, 0.05, 0.05]
    >>> adjust_pvalues([0.01, 0.02, 0.03, 0.04, 0.05], "holm").round(4).tolist()
    [0.05, 0.08, 0.09, 0.09, 0.09]
    """
    from statsmodels.stats.multitest import multipletests

    if correction not in CORRECTIONS:
        raise SurveyError(
            f"correction: {correction!r}; expected one of {', '.join(CORRECTIONS)} "
            "(bh = Benjamini–Hochberg, holm = Holm)"
        )
    arr = np.asarray(p, dtype=float)
    out = np.full(arr.shape, np.nan)
    ok = np.isfinite(arr)
    if ok.any():
        out[ok] = multipletests(arr[ok], method=CORRECTIONS[correction])[1]
    return out


# --- construct scores ---------------------------------------------------------------------------
def construct_scores(
    df: pd.DataFrame, constructs: Mapping[str, Sequence[str]], min_answered: float = 0.5
) -> pd.DataFrame:
    """Mean of each construct's items per respondent (answered items only).

    A respondent gets a score when at least ``min_answered`` of the construct's items (a share,
    rounded up, at least one) were answered; otherwise the score is missing.
    """
    if not 0 < min_answered <= 1:
        raise SurveyError(f"min_answered: {min_answered!r}; expected a share in (0, 1]")
    out = {}
    for name, items in constructs.items():
        block = df[list(items)]
        need = max(1, math.ceil(min_answered * len(items) - 1e-9))
        score = block.mean(axis=1, skipna=True)
        out[name] = score.where(block.notna().sum(axis=1) >= need)
    return pd.DataFrame(out, index=df.index)


# --- tests ----------------------------------------------------------------------------------
def _nan_row() -> dict[str, Any]:
    return {
        "statistic": float("nan"),
        "df": float("nan"),
        "p": float("nan"),
        "effect_size": float("nan"),
        "ci_low": float("nan"),
        "ci_high": float("nan"),
        "note": "",
    }


def _two_group_tests(a: np.ndarray, b: np.ndarray) -> list[dict[str, Any]]:
    mw = {"test": "mann_whitney", "effect_measure": "rank_biserial", **_nan_row()}
    wt = {"test": "welch_t", "effect_measure": "hedges_g", **_nan_row()}
    if a.size == 0 or b.size == 0:
        mw["note"] = wt["note"] = "a group has no answers"
        return [mw, wt]
    both = np.concatenate([a, b])
    exact = min(a.size, b.size) <= 8 and np.unique(both).size == both.size
    method = "exact" if exact else "asymptotic"  # fixed rule: same p whatever SciPy's 'auto'
    res = stats.mannwhitneyu(a, b, alternative="two-sided", method=method)
    r, lo, hi = rank_biserial(float(res.statistic), a.size, b.size)
    mw.update(statistic=float(res.statistic), p=float(res.pvalue), effect_size=r)
    mw.update(ci_low=lo, ci_high=hi)
    if both.std() == 0:
        mw["p"], mw["note"] = float("nan"), "all answers equal"
    if a.size < 2 or b.size < 2:
        wt["note"] = "a group has fewer than 2 answers"
    elif a.var(ddof=1) == 0 and b.var(ddof=1) == 0:
        wt["note"] = "no variance within groups"
    else:
        with warnings.catch_warnings():  # near-constant samples: scipy warns, the result stands
            warnings.simplefilter("ignore", RuntimeWarning)
            t = stats.ttest_ind(a, b, equal_var=False)
        g, glo, ghi = hedges_g(a, b)
        wt.update(statistic=float(t.statistic), df=float(t.df), p=float(t.pvalue))
        wt.update(effect_size=g, ci_low=glo, ci_high=ghi)
    return [mw, wt]


def _kruskal(samples: list[np.ndarray]) -> dict[str, Any]:
    row = {"test": "kruskal_wallis", "effect_measure": "epsilon_squared", **_nan_row()}
    if any(s.size == 0 for s in samples):
        row["note"] = "a group has no answers"
        return row
    allv = np.concatenate(samples)
    if allv.std() == 0:
        row["note"] = "all answers equal"
        return row
    res = stats.kruskal(*samples)
    n = allv.size
    row.update(statistic=float(res.statistic), df=float(len(samples) - 1), p=float(res.pvalue))
    row["effect_size"] = float(res.statistic) / (n - 1)
    return row


def _chi_square(samples: list[np.ndarray], categories: Sequence[float] | None) -> dict[str, Any]:
    row = {"test": "chi_square", "effect_measure": "cramers_v", **_nan_row()}
    if any(s.size == 0 for s in samples):
        row["note"] = "a group has no answers"
        return row
    cats = np.unique(np.concatenate(samples)) if categories is None else np.asarray(categories)
    table = np.array([[np.count_nonzero(s == c) for c in cats] for s in samples], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        row["note"] = "all answers equal"
        return row
    chi2, p, dof, expected = stats.chi2_contingency(table, correction=False)
    n = int(table.sum())
    v, lo, hi = cramers_v(float(chi2), n, table.shape, int(dof))
    row.update(statistic=float(chi2), df=float(dof), p=float(p), effect_size=v)
    row.update(ci_low=lo, ci_high=hi)
    low = float(np.mean(expected < 5))
    notes = []
    if low > 0.2:
        notes.append(f"{low:.0%} of expected counts < 5: chi-square approximation doubtful")
    if v > hi:
        notes.append("V above its CI: χ² near its df, V biased upward")
    row["note"] = "; ".join(notes)
    return row


def _describe(values: pd.Series, labels: pd.Series, groups: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for g in groups:
        v = values[labels == g].dropna().to_numpy(dtype=float)
        out[f"n:{g}"] = int(v.size)
        out[f"mean:{g}"] = float(v.mean()) if v.size else float("nan")
        out[f"median:{g}"] = float(np.median(v)) if v.size else float("nan")
    return out


def compare_groups(
    df: pd.DataFrame,
    group: str,
    items: Sequence[str] | Mapping[str, Sequence[str]],
    *,
    groups: Sequence[str] | None = None,
    correction: str = "bh",
    family: str = "table",
    missing: str = "pairwise",
    categories: Sequence[float] | None = None,
    min_answered: float = 0.5,
) -> pd.DataFrame:
    """Compare groups on every item (and construct score): tests, effect sizes, adjusted p.

    ``df`` has the grouping column ``group`` (no missing values) and one numeric column per item
    (reverse items already recoded; NaN = missing). ``items`` is a list of item columns or a
    mapping ``{construct: [items]}``; with a mapping, each construct's score (mean of its items,
    see :func:`construct_scores`) is compared too, in a row whose ``item`` is None. ``groups``
    fixes the order (effects are first minus second group); default: sorted labels.
    ``categories`` are the answer options for the chi-square table (default: those observed).
    ``missing="listwise"`` first drops respondents with a missing answer on any of the items.

    Columns: construct, item, test, statistic, df, p, p_adjusted, effect_measure, effect_size,
    ci_low, ci_high, n, ``n:G``, ``mean:G``, ``median:G`` for each group G, note.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 4,
    ...                    "q": [19, 22, 16, 29, 24, 20, 11, 17, 12]})
    >>> t = compare_groups(df, "g", ["q"])
    >>> t.loc[t.test == "mann_whitney", ["statistic", "p"]].round(4).to_numpy().tolist()
    [[17.0, 0.1111]]
    """
    if family not in FAMILIES:
        raise SurveyError(f"family: {family!r}; expected one of {', '.join(FAMILIES)}")
    if correction not in CORRECTIONS:
        adjust_pvalues([], correction)  # raises the message
    if missing not in ("pairwise", "listwise"):
        raise SurveyError(f"missing: {missing!r}; expected 'pairwise' or 'listwise'")
    if group not in df.columns:
        raise SurveyError(f"group: column {group!r} not in the data")
    mapping: dict[str | None, list[str]] = (
        {str(k): list(v) for k, v in items.items()}
        if isinstance(items, Mapping)
        else {None: list(items)}
    )
    cols = [c for v in mapping.values() for c in v]
    absent = [c for c in cols if c not in df.columns]
    if absent:
        raise SurveyError(f"items: column(s) {', '.join(absent)} not in the data")
    if not cols:
        raise SurveyError("items: expected at least one item column")
    data = df[cols].apply(pd.to_numeric, errors="coerce")
    bad = [c for c in cols if data[c].isna().sum() > df[c].isna().sum()]
    if bad:
        raise SurveyError(f"items: column(s) {', '.join(bad)} hold non-numeric values")
    if df[group].isna().any():
        raise SurveyError(f"group: column {group!r} has missing values; expected a group per row")
    labels = df[group].astype(str)
    if missing == "listwise":
        keep = data.notna().all(axis=1)
        data, labels = data[keep], labels[keep]
    order = list(groups) if groups is not None else sorted(labels.unique())
    unknown = sorted(set(labels) - set(order))
    if unknown:
        raise SurveyError(f"groups: labels {', '.join(unknown)} are not in the given order")
    if len(order) < 2:
        raise SurveyError(f"group: {len(order)} group(s) in column {group!r}; expected at least 2")

    rows: list[dict[str, Any]] = []

    def run(construct: str | None, item: str | None, values: pd.Series, chi: bool) -> None:
        samples = [values[labels == g].dropna().to_numpy(dtype=float) for g in order]
        tests = _two_group_tests(*samples) if len(order) == 2 else [_kruskal(samples)]
        if chi:
            tests.append(_chi_square(samples, categories))
        desc = _describe(values, labels, order)
        n = int(sum(s.size for s in samples))
        rows.extend({"construct": construct, "item": item, **t, "n": n, **desc} for t in tests)

    scores = (
        construct_scores(data, {k: v for k, v in mapping.items() if k is not None}, min_answered)
        if None not in mapping
        else None
    )
    for construct, its in mapping.items():
        for item in its:
            run(construct, item, data[item], True)
        if scores is not None and construct is not None:
            run(construct, None, scores[construct], False)
    table = pd.DataFrame(rows)
    table["p_adjusted"] = np.nan
    if family == "table":
        table["p_adjusted"] = adjust_pvalues(table["p"].to_numpy(), correction)
    else:
        for _, idx in table.groupby("test").groups.items():
            table.loc[idx, "p_adjusted"] = adjust_pvalues(
                table.loc[idx, "p"].to_numpy(), correction
            )
    first = ["construct", "item", "test", "statistic", "df", "p", "p_adjusted", "effect_measure"]
    first += ["effect_size", "ci_low", "ci_high", "n"]
    rest = [c for c in table.columns if c not in first and c != "note"]
    table = table[[*first, *rest, "note"]]
    table.attrs.update(groups=order, correction=correction, family=family, missing=missing)
    return table
