r"""Reliability of a multi-item scale: Cronbach's α with Feldt's CI, item analysis, McDonald's ω.

Everything is computed from the item covariance matrix ``C`` (``k × k``, sample covariances with
``n − 1``): with the ``pairwise`` missing-data policy each covariance uses the respondents who
answered both items (as R's ``psych::alpha(use = "pairwise")`` and ``pingouin.cronbach_alpha``);
with ``listwise`` only respondents who answered every item of the scale are kept.

- **Cronbach's α** (Cronbach 1951): ``α = k/(k−1) · (1 − tr(C) / 1ᵀC1)``.
- **Feldt CI** (Feldt, Woodruff & Salih 1987): with ``n`` respondents, ``df₁ = n − 1`` and
  ``df₂ = (n − 1)(k − 1)``, the ``1 − γ`` interval is
  ``[1 − (1 − α)·F_{1−γ/2}(df₁, df₂), 1 − (1 − α)·F_{γ/2}(df₁, df₂)]`` where ``F_p`` is the
  ``p`` quantile of the F distribution. ``n`` counts respondents with at least one answer on the
  scale (pairwise) or the complete cases (listwise).
- **Corrected item–total correlation** of item ``j`` (``r.drop`` in R's psych): the correlation
  of item ``j`` with the sum of the *other* items,
  ``Σ_{l≠j} C_jl / √(C_jj · Σ_{l,m≠j} C_lm)``.
- **α if item deleted**: α of ``C`` without row and column ``j``.
- **McDonald's ω** (total, McDonald 1999) from a one-factor maximum-likelihood factor analysis of
  the correlation matrix (statsmodels ``Factor(method="ml")``), loadings ``λ`` and uniquenesses
  ``ψ`` rescaled to the raw items by their standard deviations ``s``:
  ``ω = (Σ λ_j s_j)² / ((Σ λ_j s_j)² + Σ ψ_j s_j²)`` — the share of the raw sum score's variance
  due to the common factor (comparable with α, which is also about the raw sum). It is not
  computable (NaN with a reason) with fewer than 3 items, fewer respondents than items plus 2, a
  covariance matrix that is not positive definite (possible with pairwise deletion), a fit that
  does not converge, or a Heywood case (a uniqueness ≤ 0.001).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from clustermarketing.errors import ClusterMarketingError

__all__ = [
    "ScaleReliability",
    "SurveyError",
    "alpha_from_cov",
    "cronbach_alpha",
    "feldt_ci",
    "item_analysis",
    "mcdonald_omega",
    "scale_reliability",
]


class SurveyError(ClusterMarketingError):
    """Data that a survey statistic cannot use (too few items or respondents, not numeric)."""


def _numeric(df: pd.DataFrame, what: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise SurveyError(f"{what}: expected a DataFrame of item columns, got {type(df).__name__}")
    bad = [str(c) for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    if bad:
        raise SurveyError(f"{what}: column(s) {', '.join(bad)} are not numeric; expected answers")
    if df.columns.duplicated().any():
        dup = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise SurveyError(f"{what}: duplicate column(s) {', '.join(dup)}")
    return df.astype(float)


def _prepare(df: pd.DataFrame, missing: str, what: str) -> tuple[pd.DataFrame, int]:
    """Numeric items with the missing-data policy applied, and the ``n`` for the Feldt CI."""
    if missing not in ("pairwise", "listwise"):
        raise SurveyError(f"missing: {missing!r}; expected 'pairwise' or 'listwise'")
    data = _numeric(df, what)
    if data.shape[1] < 2:
        raise SurveyError(f"{what}: {data.shape[1]} item(s); expected at least 2 item columns")
    if missing == "listwise":
        data = data.dropna(axis=0, how="any")
    data = data.dropna(axis=0, how="all")
    n = len(data)
    if n < 2:
        raise SurveyError(f"{what}: {n} respondent(s) with answers; expected at least 2")
    return data, n


def alpha_from_cov(cov: np.ndarray) -> float:
    """Cronbach's α of a covariance matrix: ``k/(k−1)·(1 − tr(C)/ΣC)`` (NaN when ΣC ≤ 0)."""
    c = np.asarray(cov, dtype=float)
    k = c.shape[0]
    total = float(c.sum())
    if k < 2 or not np.isfinite(c).all() or total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.trace(c) / total))


def feldt_ci(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[float, float]:
    """Feldt's confidence interval of α for ``n`` respondents and ``k`` items.

    >>> lo, hi = feldt_ci(0.8, n=100, k=5)
    >>> round(lo, 3), round(hi, 3)
    (0.731, 0.856)
    """
    if not (math.isfinite(alpha) and n >= 2 and k >= 2 and 0 < confidence < 1):
        return float("nan"), float("nan")
    df1, df2 = n - 1, (n - 1) * (k - 1)
    g = 1.0 - confidence
    lo = 1.0 - (1.0 - alpha) * stats.f.isf(g / 2, df1, df2)
    hi = 1.0 - (1.0 - alpha) * stats.f.isf(1 - g / 2, df1, df2)
    return float(lo), float(hi)


def cronbach_alpha(
    df: pd.DataFrame, ci: float = 0.95, missing: str = "pairwise"
) -> tuple[float, tuple[float, float]]:
    """Cronbach's α of the item columns of ``df`` with Feldt's ``ci`` interval.

    ``df`` is a wide frame (one row per respondent, one numeric column per item, reverse items
    already recoded; NaN = missing). Returns ``(alpha, (ci_low, ci_high))``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> a, (lo, hi) = cronbach_alpha(df)
    >>> round(a, 4), round(lo, 3), round(hi, 3)
    (0.9538, 0.766, 0.995)
    """
    data, n = _prepare(df, missing, "cronbach_alpha")
    a = alpha_from_cov(data.cov().to_numpy())
    return a, feldt_ci(a, n, data.shape[1], ci)


def item_analysis(df: pd.DataFrame, missing: str = "pairwise") -> pd.DataFrame:
    """Per item: n answered, mean, sd, corrected item–total correlation and α if deleted."""
    data, _ = _prepare(df, missing, "item_analysis")
    c = data.cov().to_numpy()
    k = c.shape[0]
    rows = []
    for j, item in enumerate(data.columns):
        others = [m for m in range(k) if m != j]
        sub = c[np.ix_(others, others)]
        denom = c[j, j] * sub.sum()
        r = c[j, others].sum() / math.sqrt(denom) if denom > 0 else float("nan")
        rows.append(
            {
                "item": str(item),
                "n": int(data[item].notna().sum()),
                "mean": float(data[item].mean()),
                "sd": float(data[item].std(ddof=1)),
                "item_total_r": float(r),
                "alpha_if_deleted": alpha_from_cov(sub) if k > 2 else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def mcdonald_omega(df: pd.DataFrame, missing: str = "pairwise") -> tuple[float, str]:
    """McDonald's ω (total) from a one-factor ML model; ``(nan, reason)`` where not computable."""
    data, n = _prepare(df, missing, "mcdonald_omega")
    k = data.shape[1]
    if k < 3:
        return float("nan"), f"needs at least 3 items (has {k})"
    if n < k + 2:
        return float("nan"), f"needs at least {k + 2} respondents (has {n})"
    cov = data.cov().to_numpy()
    sd = np.sqrt(np.diag(cov))
    if not np.isfinite(cov).all() or (sd <= 0).any():
        return float("nan"), "an item has no variance"
    corr = cov / np.outer(sd, sd)
    if np.linalg.eigvalsh(corr).min() <= 1e-10:
        return float("nan"), "correlation matrix not positive definite"
    from statsmodels.multivariate.factor import Factor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = Factor(corr=corr, n_factor=1, method="ml", nobs=n).fit()
        except (np.linalg.LinAlgError, ValueError):
            return float("nan"), "factor model failed"
    retvals = getattr(res, "mle_retvals", None)
    if retvals is not None and not getattr(retvals, "success", True):
        return float("nan"), "factor model did not converge"
    lam = np.asarray(res.loadings, dtype=float).ravel()
    psi = np.asarray(res.uniqueness, dtype=float).ravel()
    if lam.sum() < 0:
        lam = -lam  # the factor's sign is arbitrary; orient it with the items
    if (psi <= 1e-3).any():
        return float("nan"), "Heywood case (a uniqueness ≤ 0.001)"
    common = float((lam * sd).sum()) ** 2
    return common / (common + float((psi * sd**2).sum())), ""


@dataclass
class ScaleReliability:
    """Reliability of one construct's items."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    omega: float
    omega_note: str
    items: pd.DataFrame


def scale_reliability(
    df: pd.DataFrame, ci: float = 0.95, missing: str = "pairwise"
) -> ScaleReliability:
    """α with its CI, ω and the item table of one scale."""
    data, n = _prepare(df, missing, "scale_reliability")
    a, (lo, hi) = cronbach_alpha(data, ci, missing)
    omega, note = mcdonald_omega(data, missing)
    return ScaleReliability(a, lo, hi, n, data.shape[1], omega, note, item_analysis(data, missing))
