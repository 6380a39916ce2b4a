"""Joint promotion as a public-goods game: Nash vs optimum, and the sanction region."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from clustermarketing.games.noncooperative import (
    deviation_gain,
    full_contribution_region,
    min_sanction_for_full_contribution,
    nash_contributions,
    optimal_contributions,
    public_goods_payoffs,
)


@pytest.mark.parametrize(
    ("n", "r", "nash", "opt"),
    [(4, 1.6, 0.0, 1.0), (4, 0.8, 0.0, 0.0), (4, 6.0, 1.0, 1.0)],
)
def test_linear_closed_forms(n, r, nash, opt):
    # Ledyard (1995): free riding iff r/n < 1, efficiency requires r > 1.
    np.testing.assert_allclose(nash_contributions(n, r, 1.0), nash)
    np.testing.assert_allclose(optimal_contributions(n, r, 1.0), opt)
    np.testing.assert_allclose(nash_contributions(n, r, 1.0, method="numeric"), nash, atol=1e-6)
    np.testing.assert_allclose(optimal_contributions(n, r, 1.0, method="numeric"), opt, atol=1e-6)


@pytest.mark.parametrize(("n", "beta", "endowment"), [(5, 3.0, 2.0), (5, 0.5, 2.0), (3, 30.0, 2.0)])
def test_log_closed_forms_match_numeric(n, beta, endowment):
    nash = nash_contributions(n, beta, endowment, form="log")
    opt = optimal_contributions(n, beta, endowment, form="log")
    assert nash.sum() == pytest.approx(np.clip(beta - 1, 0, n * endowment))
    assert opt.sum() == pytest.approx(np.clip(n * beta - 1, 0, n * endowment))
    num = nash_contributions(n, beta, endowment, form="log", method="numeric")
    np.testing.assert_allclose(num, nash, atol=1e-6)
    num = optimal_contributions(n, beta, endowment, form="log", method="numeric")
    np.testing.assert_allclose(num, opt, atol=1e-6)
    assert opt.sum() >= nash.sum()  # under-provision


def test_log_nash_is_mutual_best_response():
    n, beta, endowment = 5, 3.0, 2.0
    e = nash_contributions(n, beta, endowment, form="log")
    for i in range(n):

        def neg(x, i=i):
            ee = e.copy()
            ee[i] = x
            return -public_goods_payoffs(ee, beta, "log")[i]

        best = minimize_scalar(neg, bounds=(0, endowment), method="bounded")
        assert -best.fun <= -neg(e[i]) + 1e-9


def test_deviation_gain_formulas():
    assert deviation_gain(4, 1.6, 2.0) == pytest.approx(2.0 * (1 - 1.6 / 4))
    # Log: with others at ē the best deviation gives 0 here, so the gain is ē − β ln((1+nē)/(1+(n−1)ē)).
    n, beta, end = 5, 3.0, 2.0
    expected = end - beta * np.log((1 + n * end) / (1 + (n - 1) * end))
    assert deviation_gain(n, beta, end, "log") == pytest.approx(expected)
    assert deviation_gain(3, 30.0, 2.0, "log") <= 0  # full contribution already Nash


def test_region_boundary_exactly_at_monitoring_times_fine():
    n, r, end = 4, 1.6, 1.0
    gain = deviation_gain(n, r, end)  # 0.6
    q = np.array([0.2, 0.5, 1.0])
    exact = gain / q
    region = full_contribution_region(n, r, end, q, exact)
    assert np.all(np.diag(region))  # on the boundary: equilibrium
    below = full_contribution_region(n, r, end, q, exact * (1 - 1e-6))
    assert not np.any(np.diag(below))
    np.testing.assert_allclose(min_sanction_for_full_contribution(q, n, r, end), exact)
    # A norm cost substitutes for sanctions.
    assert min_sanction_for_full_contribution(0.5, n, r, end, norm=0.2) == pytest.approx(0.8)
    assert min_sanction_for_full_contribution(0.0, n, r, end) == np.inf
    assert min_sanction_for_full_contribution(0.0, n, r, end, norm=1.0) == 0.0


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 12),
    param=st.floats(0.1, 20),
    endowment=st.floats(0.1, 10),
    norm=st.floats(0, 2),
    form=st.sampled_from(["linear", "log"]),
)
def test_region_monotone(n, param, endowment, norm, form):
    q = np.linspace(0, 1, 11)
    f = np.linspace(0, 20, 21)
    region = full_contribution_region(n, param, endowment, q, f, norm=norm, form=form)
    assert region.shape == (11, 21)
    # Monotone: once True along either axis, stays True.
    assert np.all(np.diff(region.astype(int), axis=0) >= 0)
    assert np.all(np.diff(region.astype(int), axis=1) >= 0)
    gain = deviation_gain(n, param, endowment, form)
    np.testing.assert_array_equal(region, np.outer(q, f) + norm >= gain - 1e-12 * max(gain, 1))


def test_validation():
    with pytest.raises(ValueError, match="form"):
        nash_contributions(3, 1.0, 1.0, form="quadratic")
    with pytest.raises(ValueError, match="monitoring"):
        full_contribution_region(3, 1.0, 1.0, [1.5], [1.0])
