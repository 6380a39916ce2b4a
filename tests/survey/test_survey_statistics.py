"""Reliability and group tests against published values and independent libraries (pingouin)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from clustermarketing import survey
from clustermarketing.survey.compare import adjust_pvalues, cramers_v, hedges_g, rank_biserial
from clustermarketing.survey.reliability import (
    SurveyError,
    feldt_ci,
    item_analysis,
    mcdonald_omega,
)

# R's `sleep` data (Cushny & Peebles 1905), extra hours of sleep under two drugs.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def _frame(a: list[float], b: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"g": ["1"] * len(a) + ["2"] * len(b), "x": a + b})


def _row(table: pd.DataFrame, test: str) -> pd.Series:
    return table[table.test == test].iloc[0]


# --- Cronbach's alpha ------------------------------------------------------------------------
def test_alpha_matches_r_psych_pairwise() -> None:
    # pingouin docs, cronbach_alpha: "In R: psych:alpha(data, use='pairwise')" gives
    # 0.732660835214447 with Feldt CI [0.435, 0.909] on the `cronbach_wide_missing` data.
    data = pg.read_dataset("cronbach_wide_missing")
    alpha, (lo, hi) = survey.cronbach_alpha(data)
    assert alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert (round(lo, 3), round(hi, 3)) == (0.435, 0.909)


def test_alpha_listwise_matches_r_psych_complete_obs() -> None:
    # pingouin docs: "In R: psych:alpha(data, use='complete.obs')" gives 0.8016949152542373.
    data = pg.read_dataset("cronbach_wide_missing")
    alpha, (lo, hi) = survey.cronbach_alpha(data, missing="listwise")
    assert alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    # pingouin computes this CI with the n before deletion (12); ours uses the complete cases
    n = len(data.dropna())
    assert (lo, hi) == pytest.approx(feldt_ci(alpha, n, data.shape[1]))
    assert n < len(data) and lo < 0.581  # a wider interval than pingouin's [0.581, 0.933]


def test_alpha_likert_long_format_matches_pingouin_docs() -> None:
    # pingouin docs: the `cronbach_alpha` Likert data give (0.5917188485995826, [0.195, 0.84]).
    data = pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
    alpha, (lo, hi) = survey.cronbach_alpha(data)
    assert alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert (round(lo, 3), round(hi, 3)) == (0.195, 0.84)


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(
        st.lists(st.integers(1, 7), min_size=4, max_size=4), min_size=5, max_size=40
    ).filter(lambda rows: np.var(np.sum(rows, axis=1)) > 0)
)
def test_alpha_equals_pingouin_on_random_likert(data: list[list[int]]) -> None:
    df = pd.DataFrame(data, columns=list("abcd"), dtype=float)
    ours, (lo, hi) = survey.cronbach_alpha(df)
    theirs, ci = pg.cronbach_alpha(df)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)
    assert (round(lo, 3), round(hi, 3)) == pytest.approx(tuple(ci), abs=1.5e-3)


def test_alpha_is_one_for_identical_items_and_ignores_item_shifts() -> None:
    x = np.array([1, 3, 4, 2, 5, 6, 7, 2], dtype=float)
    df = pd.DataFrame({"a": x, "b": x, "c": x})
    assert survey.cronbach_alpha(df)[0] == pytest.approx(1.0)
    rng = np.random.default_rng(3)
    items = pd.DataFrame(rng.integers(1, 8, size=(30, 4)), columns=list("abcd"), dtype=float)
    shifted = items + np.array([1.0, -2.0, 0.5, 3.0])
    assert survey.cronbach_alpha(shifted)[0] == pytest.approx(survey.cronbach_alpha(items)[0])


def test_item_analysis_matches_direct_computation() -> None:
    rng = np.random.default_rng(7)
    latent = rng.normal(size=80)
    df = pd.DataFrame(
        {f"i{k}": np.round(4 + latent + rng.normal(scale=1.0, size=80)) for k in range(4)}
    )
    table = item_analysis(df).set_index("item")
    for item in df.columns:
        rest = df.drop(columns=item)
        r = np.corrcoef(df[item], rest.sum(axis=1))[0, 1]  # corrected item-total r (R: r.drop)
        assert table.loc[item, "item_total_r"] == pytest.approx(r, abs=1e-12)
        assert table.loc[item, "alpha_if_deleted"] == pytest.approx(
            pg.cronbach_alpha(rest)[0], abs=1e-12
        )


def _population(cov: np.ndarray, n: int) -> pd.DataFrame:
    """A sample whose covariance matrix is exactly ``cov`` (whitened, then coloured)."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=(n, cov.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    return pd.DataFrame(z @ np.linalg.cholesky(cov).T, columns=[f"q{k}" for k in range(len(cov))])


def test_omega_recovers_a_congeneric_model() -> None:
    # ω of a one-factor model with loadings λ and unique variances ψ is (Σλ)²/((Σλ)² + Σψ)
    # (McDonald 1999); with a sample covariance equal to the model's, ML recovers it exactly.
    lam = np.array([0.9, 0.8, 0.6, 0.5])
    psi = np.array([0.4, 0.5, 0.7, 0.9])
    cov = np.outer(lam, lam) + np.diag(psi)
    omega, note = mcdonald_omega(_population(cov, 200))
    assert note == ""
    assert omega == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum()), abs=1e-5)


def test_omega_equals_alpha_for_tau_equivalent_items() -> None:
    # equal loadings (tau-equivalence): α is exactly the reliability, so ω = α
    lam = np.full(4, 0.7)
    cov = np.outer(lam, lam) + np.diag([0.3, 0.6, 0.4, 0.8])
    df = _population(cov, 150)
    assert mcdonald_omega(df)[0] == pytest.approx(survey.cronbach_alpha(df)[0], abs=1e-5)


def test_omega_not_computable_cases_say_why() -> None:
    two = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5]})
    assert math.isnan(mcdonald_omega(two)[0]) and "3 items" in mcdonald_omega(two)[1]
    few = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 1, 4, 3], "c": [1.0, 3, 2, 4]})
    assert "respondents" in mcdonald_omega(few)[1]


def test_alpha_rejects_unusable_input() -> None:
    with pytest.raises(SurveyError, match="at least 2 item columns"):
        survey.cronbach_alpha(pd.DataFrame({"a": [1.0, 2.0]}))
    with pytest.raises(SurveyError, match="not numeric"):
        survey.cronbach_alpha(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    with pytest.raises(SurveyError, match="at least 2"):
        survey.cronbach_alpha(pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, np.nan]}))


# --- group tests: published values ----------------------------------------------------------
def test_mann_whitney_scipy_docs_example() -> None:
    # scipy.stats.mannwhitneyu docs: males [19, 22, 16, 29, 24] vs females [20, 11, 17, 12]:
    # U1 = 17, exact two-sided p = 0.1111.
    t = survey.compare_groups(_frame([19, 22, 16, 29, 24], [20, 11, 17, 12]), "g", ["x"])
    mw = _row(t, "mann_whitney")
    assert mw.statistic == 17 and mw.p == pytest.approx(1 / 9, abs=1e-12)
    assert mw.effect_size == pytest.approx(2 * 17 / 20 - 1)


def test_sleep_data_match_r_t_test_and_wilcox_test() -> None:
    # R: t.test(extra ~ group, data = sleep) -> t = -1.8608, df = 17.776, p-value = 0.07939
    # R: wilcox.test(extra ~ group, data = sleep) -> W = 25.5, p-value = 0.06933 (with ties)
    t = survey.compare_groups(_frame(SLEEP_1, SLEEP_2), "g", ["x"])
    w = _row(t, "welch_t")
    assert (round(w.statistic, 4), round(w.df, 3), round(w.p, 5)) == (-1.8608, 17.776, 0.07939)
    mw = _row(t, "mann_whitney")
    assert mw.statistic == 25.5 and round(mw.p, 5) == 0.06933


def test_effect_sizes_match_pingouin() -> None:
    t = survey.compare_groups(_frame(SLEEP_1, SLEEP_2), "g", ["x"])
    mw = pg.mwu(SLEEP_1, SLEEP_2, alternative="two-sided")
    assert _row(t, "mann_whitney").effect_size == pytest.approx(mw["RBC"].iloc[0], abs=1e-12)
    g = pg.compute_effsize(SLEEP_1, SLEEP_2, eftype="hedges")
    w = _row(t, "welch_t")
    assert w.effect_size == pytest.approx(g, abs=1e-12)
    ci = pg.compute_esci(stat=g, nx=10, ny=10, eftype="hedges", decimals=6)
    assert (w.ci_low, w.ci_high) == pytest.approx(tuple(ci), abs=1e-6)


def test_chi_square_agresti_table_matches_r() -> None:
    # R ?chisq.test (Agresti 2007, p. 39): M <- as.table(rbind(c(762, 327, 468),
    # c(484, 239, 477))); chisq.test(M) -> X-squared = 30.07, df = 2, p-value = 2.954e-07
    a = [1] * 762 + [2] * 327 + [3] * 468
    b = [1] * 484 + [2] * 239 + [3] * 477
    t = survey.compare_groups(_frame(a, b), "g", ["x"])
    chi = _row(t, "chi_square")
    assert (round(chi.statistic, 2), chi.df, f"{chi.p:.3e}") == (30.07, 2.0, "2.954e-07")
    table = np.array([[762, 327, 468], [484, 239, 477]])
    v = stats.contingency.association(table, method="cramer")
    assert chi.effect_size == pytest.approx(v, abs=1e-12)
    assert chi.ci_low < chi.effect_size < chi.ci_high


def test_kruskal_wallis_matches_r_example() -> None:
    # R ?kruskal.test (Hollander & Wolfe 1973, p. 116): normal subjects, obstructive airway
    # disease, asbestosis -> Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68
    x, y, z = [2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]
    df = pd.DataFrame({"g": ["x"] * 5 + ["y"] * 4 + ["z"] * 5, "q": x + y + z})
    t = survey.compare_groups(df, "g", ["q"])
    kw = _row(t, "kruskal_wallis")
    assert (round(kw.statistic, 5), kw.df, round(kw.p, 2)) == (0.77143, 2.0, 0.68)
    assert kw.effect_size == pytest.approx(kw.statistic / (14 - 1))  # ε² = H / (n − 1)
    assert set(t.test) == {"kruskal_wallis", "chi_square"}


def test_p_adjustment_matches_statsmodels_and_hand_values() -> None:
    p = [0.01, 0.04, 0.03, 0.005, np.nan]
    bh = adjust_pvalues(p, "bh")
    # BH by hand: sorted 0.005, 0.01, 0.03, 0.04 (m = 4) -> 0.02, 0.02, 0.04, 0.04
    assert bh[:4] == pytest.approx([0.02, 0.04, 0.04, 0.02]) and math.isnan(bh[4])
    holm = adjust_pvalues(p, "holm")
    # Holm: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 -> cumulative max 0.06
    assert holm[:4] == pytest.approx([0.03, 0.06, 0.06, 0.02])
    with pytest.raises(SurveyError, match="bh"):
        adjust_pvalues(p, "bonferroni")


def test_family_and_correction_options_change_the_adjustment() -> None:
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"g": ["a"] * 30 + ["b"] * 30})
    for k in range(4):
        df[f"q{k}"] = rng.integers(1, 8, 60) + (df.g == "a") * k * 0.7
    table = survey.compare_groups(df, "g", [f"q{k}" for k in range(4)])
    by_test = survey.compare_groups(df, "g", [f"q{k}" for k in range(4)], family="test")
    holm = survey.compare_groups(df, "g", [f"q{k}" for k in range(4)], correction="holm")
    assert table.p_adjusted.tolist() == pytest.approx(adjust_pvalues(table.p, "bh").tolist())
    for _, part in by_test.groupby("test"):
        assert part.p_adjusted.tolist() == pytest.approx(adjust_pvalues(part.p, "bh").tolist())
    assert (holm.p_adjusted >= table.p_adjusted - 1e-15).all()
    assert not np.allclose(by_test.p_adjusted, table.p_adjusted)


# --- effect-size properties ------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    a=st.lists(st.integers(1, 7), min_size=2, max_size=30),
    b=st.lists(st.integers(1, 7), min_size=2, max_size=30),
)
def test_swapping_groups_flips_effects(a: list[int], b: list[int]) -> None:
    df = _frame([float(x) for x in a], [float(x) for x in b])
    one = survey.compare_groups(df, "g", ["x"], groups=["1", "2"])
    two = survey.compare_groups(df, "g", ["x"], groups=["2", "1"])
    for test in ("mann_whitney", "welch_t"):
        e1, e2 = _row(one, test).effect_size, _row(two, test).effect_size
        assert (math.isnan(e1) and math.isnan(e2)) or e1 == pytest.approx(-e2, abs=1e-12)
    r = _row(one, "mann_whitney")
    assert -1 <= r.effect_size <= 1 and r.ci_low <= r.effect_size <= r.ci_high
    # the p-values do not depend on the order
    assert _row(one, "welch_t").p == pytest.approx(_row(two, "welch_t").p, nan_ok=True)


def test_effect_size_helpers_edge_cases() -> None:
    assert rank_biserial(0, 3, 3)[0] == -1.0 and rank_biserial(9, 3, 3)[0] == 1.0
    assert all(math.isnan(v) for v in hedges_g(np.ones(3), np.ones(4)))
    v, lo, hi = cramers_v(0.5, 50, (2, 3), 2)  # χ² below its df: the lower bound is 0
    assert lo == 0.0 and hi > v > 0
    # the CI bounds invert the noncentral chi-square: P(X ≥ χ²_obs | λ_hi) = 0.975
    chi2, n = 12.0, 200
    v, lo, hi = cramers_v(chi2, n, (2, 4), 3)
    lam_hi = hi**2 * n
    assert stats.ncx2.cdf(chi2, 3, lam_hi) == pytest.approx(0.025, abs=1e-6)


def test_compare_groups_reports_degenerate_items() -> None:
    df = pd.DataFrame(
        {"g": ["a", "a", "b", "b"], "x": [3.0, 3, 3, 3], "y": [1.0, 2, np.nan, np.nan]}
    )
    t = survey.compare_groups(df, "g", ["x", "y"])
    x = t[t.item == "x"]
    assert x.p.isna().all() and (x.note != "").all()
    y = t[t.item == "y"]
    assert y.p.isna().all() and y.note.str.contains("no answers").all()


def test_compare_groups_input_errors() -> None:
    df = pd.DataFrame({"g": ["a", "b", None], "x": [1.0, 2.0, 3.0], "s": ["u", "v", "w"]})
    with pytest.raises(SurveyError, match="missing values"):
        survey.compare_groups(df, "g", ["x"])
    ok = df.dropna()
    with pytest.raises(SurveyError, match="non-numeric"):
        survey.compare_groups(ok, "g", ["s"])
    with pytest.raises(SurveyError, match="not in the data"):
        survey.compare_groups(ok, "g", ["nope"])
    with pytest.raises(SurveyError, match="at least 2"):
        survey.compare_groups(ok.iloc[:1], "g", ["x"])
    with pytest.raises(SurveyError, match="family"):
        survey.compare_groups(ok, "g", ["x"], family="all")


def test_construct_scores_follow_min_answered() -> None:
    df = pd.DataFrame({"a": [1.0, 2, np.nan], "b": [3.0, np.nan, np.nan], "c": [5.0, 4, 6]})
    s = survey.construct_scores(df, {"k": ["a", "b", "c"]}, min_answered=0.5)
    assert s.k.tolist()[:2] == [3.0, 3.0] and math.isnan(s.k.iloc[2])
    s1 = survey.construct_scores(df, {"k": ["a", "b", "c"]}, min_answered=0.3)
    assert s1.k.iloc[2] == 6.0
