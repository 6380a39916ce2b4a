"""AHP: published examples, properties, bad input, and a cross-check against pymcdm."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.evaluation import ahp, from_upper, group_matrix, synthesize
from clustermarketing.evaluation.pairwise import RANDOM_INDEX, priorities

# Saaty, T. L. (2008) "Decision making with the analytic hierarchy process", Int. J. Services
# Sciences 1(1):83–98, relative consumption of drinks in the U.S.: printed derived scale
# coffee .177, wine .019, tea .042, beer .116, sodas .190, milk .129, water .327; CR = .022.
DRINKS = np.array(
    [
        [1, 9, 5, 2, 1, 1, 1 / 2],
        [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
        [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
        [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [1, 9, 4, 2, 1, 2, 1 / 2],
        [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [2, 9, 9, 3, 2, 3, 1],
    ]
)
DRINKS_PRINTED = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]


def test_saaty_2008_drinks_example():
    r = ahp(DRINKS)
    assert np.round(r.weights, 3).tolist() == DRINKS_PRINTED
    assert round(r.cr, 3) == 0.022
    assert r.consistent


def _from_pairs(names, pairs):
    a = np.ones((len(names), len(names)))
    for (i, j), v in pairs.items():
        a[names.index(i), names.index(j)] = v
        a[names.index(j), names.index(i)] = 1 / v
    return a


def test_saaty_2005_best_city_hierarchical_synthesis():
    # Saaty (2005) Theory and Applications of the Analytic Network Process, RWS, the "best city
    # to live in" hierarchy; printed overall priorities Bethesda .229, Boston .275,
    # Pittsburgh .385, Santa Fe .111 (judgements as transcribed in AHPy's test suite).
    crit = ["Culture", "Family", "Housing", "Jobs", "Transportation"]
    cities = ["Bethesda", "Boston", "Pittsburgh", "Santa Fe"]
    c = _from_pairs(crit, {
        ("Culture", "Housing"): 3, ("Culture", "Transportation"): 5, ("Family", "Culture"): 5,
        ("Family", "Housing"): 7, ("Family", "Transportation"): 7, ("Housing", "Transportation"): 3,
        ("Jobs", "Culture"): 2, ("Jobs", "Housing"): 4, ("Jobs", "Transportation"): 7,
        ("Family", "Jobs"): 1,
    })  # fmt: skip
    local = {
        "Culture": {("Bethesda", "Pittsburgh"): 1, ("Boston", "Bethesda"): 2, ("Boston", "Pittsburgh"): 2.5,
                    ("Boston", "Santa Fe"): 1, ("Santa Fe", "Bethesda"): 2, ("Santa Fe", "Pittsburgh"): 2.5},
        "Family": {("Bethesda", "Boston"): 2, ("Bethesda", "Santa Fe"): 4, ("Boston", "Santa Fe"): 2,
                   ("Pittsburgh", "Bethesda"): 3, ("Pittsburgh", "Boston"): 8, ("Pittsburgh", "Santa Fe"): 9},
        "Housing": {("Bethesda", "Boston"): 5, ("Bethesda", "Santa Fe"): 2.5, ("Pittsburgh", "Bethesda"): 2,
                    ("Pittsburgh", "Boston"): 9, ("Pittsburgh", "Santa Fe"): 7, ("Santa Fe", "Boston"): 4},
        "Jobs": {("Bethesda", "Pittsburgh"): 3, ("Bethesda", "Santa Fe"): 4, ("Boston", "Bethesda"): 2,
                 ("Boston", "Pittsburgh"): 6, ("Boston", "Santa Fe"): 8, ("Pittsburgh", "Santa Fe"): 1},
        "Transportation": {("Bethesda", "Boston"): 1.5, ("Bethesda", "Santa Fe"): 4, ("Boston", "Santa Fe"): 2.5,
                           ("Pittsburgh", "Bethesda"): 2, ("Pittsburgh", "Boston"): 3.5,
                           ("Pittsburgh", "Santa Fe"): 9},
    }  # fmt: skip
    w = ahp(c).weights
    children = [ahp(_from_pairs(cities, local[k])).weights for k in crit]
    assert np.round(synthesize(w, children), 3).tolist() == [0.229, 0.275, 0.385, 0.111]


def test_upper_triangle_equals_full_matrix():
    iu = np.triu_indices(7, 1)
    up = ahp(list(DRINKS[iu]))
    full = ahp(DRINKS)
    np.testing.assert_allclose(up.weights, full.weights, rtol=1e-6)
    assert up.cr == pytest.approx(full.cr, rel=1e-6)


def test_cross_check_pymcdm_eigenvector_and_cr():
    from pymcdm.weights.subjective import AHP

    ref = AHP(matrix=DRINKS)
    np.testing.assert_allclose(ahp(DRINKS).weights, ref(), atol=1e-9)
    # pymcdm uses Tummala & Ling's RI; compare through CI = CR·RI
    lam = ahp(DRINKS).lambda_max
    ri_tl = AHP.RI_M[6]
    assert ref.get_cr() == pytest.approx((lam - 7) / 6 / ri_tl, rel=1e-9)


def test_random_index_tables_and_limits():
    assert RANDOM_INDEX["saaty1980"][2] == 0.58
    assert ahp(DRINKS, ri="saaty2005").cr == pytest.approx(ahp(DRINKS).ci / 1.35)
    assert ahp(DRINKS, ri="donegan_dodd").cr == pytest.approx(ahp(DRINKS).ci / 1.2519)
    with pytest.raises(ClusterMarketingError, match="n ≤ 15"):
        ahp(np.ones((16, 16)))
    with pytest.raises(ClusterMarketingError, match="ri: 'x'"):
        ahp(DRINKS, ri="x")


def test_most_inconsistent_judgement_and_repair():
    # a consistent matrix from w = (8, 4, 2, 1) with one judgement reversed: b vs d = 1/5
    # instead of 4; the search must find it and restore 4 (CR back to 0)
    w = np.array([8, 4, 2, 1.0])
    a = w[:, None] / w[None, :]
    a[1, 3], a[3, 1] = 1 / 5, 5
    r = ahp(a, labels=["a", "b", "c", "d"])
    assert not r.consistent
    j = r.most_inconsistent
    assert (j.row, j.col) == (1, 3) and j.labels == ("b", "d")
    assert j.value == pytest.approx(0.2)
    assert j.repair == pytest.approx(4.0, rel=1e-4)
    assert j.cr_after == pytest.approx(0.0, abs=1e-6)


def test_group_ahp_geometric_mean():
    g = group_matrix([[2, 4, 2], [8, 4, 0.5]])
    np.testing.assert_allclose(g[0, 1], 4.0)
    np.testing.assert_allclose(g[1, 0], 0.25)
    assert ahp(g).weights.sum() == pytest.approx(1)
    with pytest.raises(ClusterMarketingError, match="different sizes"):
        group_matrix([[2], [2, 4, 2]])


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2], [0.5, 1], [1, 1]], "square"),
        ([[1, 2], [0.4, 1]], r"matrix\[1\]\[2\] × matrix\[2\]\[1\]"),
        ([[1, -2], [-0.5, 1]], r"matrix\[1\]\[2\]: -2; expected a positive"),
        ([[2, 2], [0.5, 1]], "diagonal"),
        ([1, 2], "n\\(n−1\\)/2"),
        ([0, 1, 1], r"upper\[0\]: 0"),
        ([[1, "x"], [1, 1]], "not a table of numbers"),
    ],
)
def test_bad_matrices_name_the_entry(matrix, message):
    with pytest.raises(ClusterMarketingError, match=message):
        ahp(matrix)


weights_st = st.lists(st.floats(0.05, 20), min_size=2, max_size=9)


@settings(max_examples=60, deadline=None)
@given(weights_st, st.sampled_from(["eigenvector", "geometric_mean", "arithmetic_mean"]))
def test_consistent_matrix_returns_its_weights(w, method):
    w = np.asarray(w)
    a = w[:, None] / w[None, :]
    r = ahp(a, method=method)
    np.testing.assert_allclose(r.weights, w / w.sum(), rtol=1e-7, atol=1e-10)
    assert r.lambda_max == pytest.approx(len(w), abs=1e-7)
    assert r.ci == pytest.approx(0, abs=1e-7)
    assert r.consistent


saaty = st.sampled_from([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9])


@settings(max_examples=80, deadline=None)
@given(st.tuples(saaty, saaty, saaty))
def test_n3_geometric_mean_equals_eigenvector(up):
    a = from_upper(up)
    np.testing.assert_allclose(
        priorities(a, "geometric_mean")[0], priorities(a, "eigenvector")[0], atol=1e-9
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(saaty, min_size=6, max_size=6))
def test_any_reciprocal_matrix_lambda_at_least_n_and_weights_positive(up):
    r = ahp(up)
    assert r.lambda_max >= 4 - 1e-9
    assert np.all(r.weights > 0) and r.weights.sum() == pytest.approx(1)
    if r.most_inconsistent is not None:
        assert r.most_inconsistent.cr_after <= r.cr + 1e-9
