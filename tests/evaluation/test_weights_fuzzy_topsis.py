"""Objective weights, fuzzy comprehensive evaluation and TOPSIS: published values, pymcdm
cross-checks and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.evaluation import (
    critic_weights,
    direct_weights,
    entropy_weights,
    fuzzy_evaluate,
    partition,
    topsis,
    trapezoidal,
    triangular,
)

positive = arrays(
    float,
    st.tuples(st.integers(3, 8), st.integers(2, 6)),
    elements=st.floats(0.5, 100, allow_nan=False),
)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(positive)
def test_entropy_matches_pymcdm_on_positive_data(x):
    from pymcdm.weights import entropy_weights as ref

    expected = ref(x)
    if not np.all(np.isfinite(expected)):  # every column uniform: pymcdm gives 0/0, we give equal
        np.testing.assert_allclose(entropy_weights(x), np.full(x.shape[1], 1 / x.shape[1]))
        return
    np.testing.assert_allclose(entropy_weights(x), expected, atol=1e-9)


def test_entropy_zero_log_zero_convention():
    # pymcdm sets the entropy of a column with a zero to 0 (weight of a column like (0, 1, 1) is
    # then maximal); with 0·ln 0 = 0 that column's entropy is ln 2 / ln 3.
    x = np.array([[0.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    p2 = np.array([1, 2, 3]) / 6
    e = [np.log(2) / np.log(3), -(p2 * np.log(p2)).sum() / np.log(3)]
    d = 1 - np.array(e)
    np.testing.assert_allclose(entropy_weights(x), d / d.sum())
    with pytest.raises(ClusterMarketingError, match=r"X\[1\]\[1\]: -1"):
        entropy_weights([[-1, 1], [1, 2]])


@settings(max_examples=60, deadline=None)
@given(positive)
def test_critic_matches_pymcdm(x):
    from pymcdm.weights import critic_weights as ref

    if np.any(np.ptp(x, axis=0) == 0):
        return  # pymcdm divides by a zero range there
    expected = ref(x)
    if not np.all(np.isfinite(expected)):
        # every pair of columns perfectly correlated: all information contents are 0 and pymcdm
        # returns 0/0; ours then weighs the columns equally (documented)
        np.testing.assert_allclose(critic_weights(x), np.full(x.shape[1], 1 / x.shape[1]))
        return
    np.testing.assert_allclose(critic_weights(x), expected, atol=1e-9)


def test_direct_weights_must_sum_to_one():
    np.testing.assert_allclose(direct_weights([0.33, 0.33, 0.34]), [0.33, 0.33, 0.34])
    with pytest.raises(ClusterMarketingError, match=r"sum to 1\.2"):
        direct_weights([0.6, 0.6])
    with pytest.raises(ClusterMarketingError, match=r"weights\[b\]: -0.1"):
        direct_weights([1.1, -0.1], ["a", "b"])


# Clothing evaluation (Wang Peizhuang's classic example) as printed in a mathematical-modelling
# textbook, Example 8.4, reproduced at https://e-com-net.com/article/1276296104417181696.htm:
# factors colour, style, durability, price; grades very / rather / not too / not welcome;
# model M(∧, ∨) ("main factor decides") gives B = (0.2, 0.3, 0.4, 0.1) for the first group of
# customers and (0.35, 0.4, 0.2, 0.1) for the second.
CLOTHING_R = [
    [0.2, 0.5, 0.2, 0.1],
    [0.7, 0.2, 0.1, 0.0],
    [0.0, 0.4, 0.5, 0.1],
    [0.2, 0.3, 0.5, 0.0],
]


def test_clothing_example_min_max():
    b1 = fuzzy_evaluate([0.1, 0.2, 0.3, 0.4], CLOTHING_R, operator="min_max")
    b2 = fuzzy_evaluate([0.4, 0.35, 0.15, 0.1], CLOTHING_R, operator="min_max")
    np.testing.assert_allclose(b1.b, [0.2, 0.3, 0.4, 0.1])
    np.testing.assert_allclose(b2.b, [0.35, 0.4, 0.2, 0.1])
    assert b1.grade_index == 2 and b2.grade_index == 1  # "not too welcome", "rather welcome"


def test_four_operators_by_their_definitions():
    a = np.array([0.1, 0.2, 0.3, 0.4])
    r = np.array(CLOTHING_R)
    got = {op: fuzzy_evaluate(a, r, operator=op).b for op in
           ("weighted_average", "min_max", "product_max", "bounded_sum")}  # fmt: skip
    np.testing.assert_allclose(got["weighted_average"], a @ r)
    np.testing.assert_allclose(got["product_max"], (a[:, None] * r).max(axis=0))
    np.testing.assert_allclose(got["bounded_sum"], np.minimum(1, np.minimum(a[:, None], r).sum(0)))
    res = fuzzy_evaluate(a, r, normalize=True)
    assert res.b.sum() == pytest.approx(1)
    assert res.score == pytest.approx(res.b @ np.linspace(100, 0, 4))


@pytest.mark.parametrize(
    ("weights", "r", "message"),
    [
        ([0.5, 0.6], [[0.5, 0.5], [0.5, 0.5]], r"sum to 1\.1"),
        ([0.5, 0.5], [[0.5, 1.5], [0.5, 0.5]], "R row 1"),
        ([1.0], [[0.5, 0.5], [0.5, 0.5]], "R has 2 rows"),
    ],
)
def test_fuzzy_bad_input(weights, r, message):
    with pytest.raises(ClusterMarketingError, match=message):
        fuzzy_evaluate(weights, r)


def test_membership_functions():
    assert triangular(0.25, 0, 1, 2) == pytest.approx(0.25)
    assert trapezoidal(5, -np.inf, -np.inf, 1, 2) == 0
    assert trapezoidal(-5, -np.inf, -np.inf, 1, 2) == 1


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(-100, 100), min_size=2, max_size=7, unique=True),
    st.floats(-1e3, 1e3),
    st.booleans(),
)
def test_partition_memberships_sum_to_one(peaks, x, benefit):
    p = sorted(peaks, reverse=benefit)
    if np.min(np.abs(np.diff(sorted(p)))) < 1e-6:
        return
    mu = np.array([float(f(x)) for f in partition(p)])
    assert np.all((mu >= 0) & (mu <= 1))
    assert mu.sum() == pytest.approx(1.0)
    assert np.count_nonzero(mu) <= 2


def test_topsis_printed_example_minmax():
    # pymcdm's documented TOPSIS example (min–max normalisation): [0.500, 0.617, 0.500]
    x = [[1, 3000], [2, 3750], [5, 4500]]
    assert np.round(topsis(x, [0.5, 0.5], [False, True], "minmax"), 3).tolist() == [0.5, 0.617, 0.5]


mixed = arrays(float, st.tuples(st.integers(2, 7), st.integers(1, 5)), elements=st.floats(0.1, 50))


@pytest.mark.filterwarnings("ignore:Alternatives with indices")
@settings(max_examples=60, deadline=None)
@given(mixed, st.data())
def test_topsis_matches_pymcdm(x, data):
    from pymcdm import normalizations
    from pymcdm.methods import TOPSIS

    n = x.shape[1]
    w = np.asarray(data.draw(st.lists(st.floats(0.05, 1), min_size=n, max_size=n)))
    w = w / w.sum()
    ben = np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    types = np.where(ben, 1, -1)
    if np.any(np.ptp(x, axis=0) <= 1e-9 * np.abs(x).max(axis=0)):
        # a (numerically) constant column: pymcdm's min–max returns ones and its distances can be
        # 0/0 (NaN), ours carries no information (documented); not comparable
        return
    for norm, fn in (("vector", normalizations.vector_normalization),
                     ("minmax", normalizations.minmax_normalization)):  # fmt: skip
        np.testing.assert_allclose(topsis(x, w, ben, norm), TOPSIS(fn)(x, w, types), atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(mixed, st.floats(0.1, 10))
def test_topsis_scale_invariant_and_dominance(x, k):
    w = np.full(x.shape[1], 1 / x.shape[1])
    ben = np.ones(x.shape[1], bool)
    np.testing.assert_allclose(topsis(x * k, w, ben), topsis(x, w, ben), atol=1e-9)
    y = np.vstack([x, x.max(axis=0) + 1])  # a row better than every other on every column
    assert topsis(y, w, ben)[-1] == pytest.approx(1.0)
