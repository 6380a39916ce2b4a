"""Logit-Bertrand pricing: Nash vs cooperative-cost vs cartel, and repeated-game thresholds."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from clustermarketing.games.noncooperative import (
    bertrand_collusion_critical_delta,
    bertrand_nash_prices,
    best_response_price,
    cartel_prices,
    consumer_surplus,
    cooperative_cost_prices,
    critical_discount_factor,
    logit_collusion_critical_delta,
    logit_shares,
    prisoners_dilemma_critical_delta,
    profits,
)

# An asymmetric four-firm market (cost, quality-adjusted utility), b = price sensitivity.
C = np.array([1.0, 1.2, 0.8, 1.1])
A = np.array([2.0, 2.5, 1.0, 3.0])
B = 2.0
A0 = 0.5
S = 100.0


def _own_profit(q, i, p, c=C, a=A, b=B, a0=A0):
    pp = p.copy()
    pp[i] = q
    return profits(pp, c, a, b, S, a0)[i]


def test_shares_sum_below_one_and_outside_option():
    s = logit_shares([1.0, 2.0], [1.0, 1.0], 1.0, a0=0.0)
    denom = 1 + np.exp(0.0) + np.exp(-1.0)
    np.testing.assert_allclose(s, [1 / denom, np.exp(-1) / denom])
    # Huge utilities do not overflow.
    assert np.isfinite(logit_shares([0.0], [1000.0], 1.0)).all()


def test_nash_foc_residual_and_scipy_cross_check():
    r = bertrand_nash_prices(C, A, B, A0)
    assert r.converged and r.residual < 1e-10
    np.testing.assert_allclose(r.prices, C + 1 / (B * (1 - r.shares)), atol=1e-10)
    np.testing.assert_allclose(r.shares, logit_shares(r.prices, A, B, A0))
    for i in range(C.size):
        # Independent check: each price maximises own profit given the others.
        opt = minimize_scalar(
            lambda q, i=i: -_own_profit(q, i, r.prices),
            bounds=(C[i], C[i] + 20),
            method="bounded",
            options={"xatol": 1e-10},
        )
        assert opt.x == pytest.approx(r.prices[i], abs=1e-6)
        assert best_response_price(r.prices, i, C, A, B, A0) == pytest.approx(r.prices[i])


def test_warm_start_converges_immediately():
    r = bertrand_nash_prices(C, A, B, A0)
    again = bertrand_nash_prices(C, A, B, A0, p0=r.prices)
    assert again.iterations <= 2
    assert not bertrand_nash_prices(C, A, B, A0, max_iter=3).converged


def test_cartel_raises_prices_and_hurts_consumers():
    nash = bertrand_nash_prices(C, A, B, A0)
    cartel = cartel_prices(C, A, B, A0)
    assert cartel.converged
    assert np.all(cartel.prices > nash.prices)
    assert consumer_surplus(cartel.prices, A, B, S, A0) < consumer_surplus(nash.prices, A, B, S, A0)
    assert profits(cartel.prices, C, A, B, S, A0).sum() > profits(nash.prices, C, A, B, S, A0).sum()
    # Common markup 1/(b(1 − Σ s)) for all members.
    markup = cartel.prices - C
    np.testing.assert_allclose(markup, 1 / (B * (1 - cartel.shares.sum())), atol=1e-10)
    # Joint profit is maximal: scipy over a common markup (the FOC implies one) agrees.
    opt = minimize_scalar(
        lambda m: -profits(C + m, C, A, B, S, A0).sum(), bounds=(0, 20), method="bounded"
    )
    assert opt.x == pytest.approx(markup[0], abs=1e-5)


def test_partial_cartel_outsiders_best_respond():
    r = cartel_prices(C, A, B, A0, members=[0, 1])
    assert r.converged
    m = r.prices - C
    assert m[0] == pytest.approx(m[1])
    for i in (2, 3):
        assert best_response_price(r.prices, i, C, A, B, A0) == pytest.approx(r.prices[i])
    mask = np.array([True, True, False, False])
    np.testing.assert_allclose(cartel_prices(C, A, B, A0, members=mask).prices, r.prices)


def test_near_monopoly_cartel_converges():
    r = cartel_prices(C, A, B, a0=-10.0)
    assert r.converged
    np.testing.assert_allclose(r.prices - C, 1 / (B * (1 - r.shares.sum())), rtol=1e-9)


def test_cooperative_cost_pricing_lowers_prices_and_raises_surplus():
    nash = bertrand_nash_prices(C, A, B, A0)
    coverage = np.array([1.0, 1.0, 0.5, 0.0])  # last firm is not a member
    coop = cooperative_cost_prices(C, A, B, kappa=0.2, coverage=coverage, a0=A0)
    assert coop.converged
    assert np.all(coop.prices[:3] < nash.prices[:3])
    assert (
        coop.prices[3] < nash.prices[3]
    )  # the outsider responds by cutting too (strategic complements)
    assert consumer_surplus(coop.prices, A, B, S, A0) > consumer_surplus(nash.prices, A, B, S, A0)
    # It is Nash pricing at the lowered costs.
    c_new = C * (1 - 0.2 * coverage)
    np.testing.assert_allclose(coop.prices, bertrand_nash_prices(c_new, A, B, A0).prices)
    with pytest.raises(ValueError, match="kappa"):
        cooperative_cost_prices(C, A, B, kappa=2.0, coverage=1.0)


def test_consumer_surplus_formula():
    p = np.array([1.0, 2.0])
    expected = S / B * np.log(np.exp(A0) + np.exp(A[:2] - B * p).sum())
    assert consumer_surplus(p, A[:2], B, S, A0) == pytest.approx(expected)


def test_prisoners_dilemma_critical_delta():
    # Textbook example (Axelrod 1984 payoffs T=5, R=3, P=1): δ* = (5−3)/(5−1) = 1/2.
    assert prisoners_dilemma_critical_delta(5, 3, 1) == pytest.approx(0.5)


@pytest.mark.parametrize("n", [2, 3, 5, 10])
def test_symmetric_bertrand_collusion_threshold(n):
    monopoly = 7.3  # any monopoly profit: it cancels
    delta = critical_discount_factor(deviation=monopoly, cooperation=monopoly / n, punishment=0.0)
    assert delta == pytest.approx(1 - 1 / n)
    assert bertrand_collusion_critical_delta(n) == pytest.approx(delta)


def test_critical_discount_factor_validates():
    with pytest.raises(ValueError, match="deviation > cooperation > punishment"):
        critical_discount_factor(1.0, 2.0, 0.0)
    with pytest.raises(ValueError):
        bertrand_collusion_critical_delta(0)


def test_logit_collusion_threshold():
    d2 = logit_collusion_critical_delta(1.0, 2.0, 1.0, n=2)
    d6 = logit_collusion_critical_delta(1.0, 2.0, 1.0, n=6)
    assert 0 < d2 < d6 < 1  # more firms: harder to collude, as in Bertrand
    # Differentiation softens competition: punishment hurts less than in homogeneous Bertrand,
    # so the threshold differs from 1 − 1/n but stays in (0, 1).
    assert logit_collusion_critical_delta(C, A, B, a0=A0) < 1
    with pytest.raises(ValueError):
        logit_collusion_critical_delta(1.0, 2.0, 1.0, n=1)
