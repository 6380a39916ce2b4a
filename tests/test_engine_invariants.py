"""Invariants of one period: capacity, shares, cost allocation, cash flows, determinism."""

from __future__ import annotations

import json

import numpy as np
import pytest

import clustermarketing as cm
from clustermarketing.engine.period import step
from clustermarketing.engine.pricing import solve_packed
from clustermarketing.engine.state import dtype_mismatches
from clustermarketing.games.noncooperative import bertrand_nash_prices
from conftest import BUILT_MODELS, COOPERATIVE_MODELS, small, world_state


@pytest.mark.parametrize("model", BUILT_MODELS)
def test_units_within_capacity_and_channels(model: str) -> None:
    sc = small("optoelectronics")
    w, st, ctx = world_state(sc, model)
    for _ in range(12):
        step(st, ctx)
        cap = w.capacity + 1e-6
        channel = w.own_channel + st.channel_added + st.coop_channel + 1e-6
        assert np.all(st.output <= cap)
        assert np.all(st.output <= channel)
        assert np.all(st.output >= 0)


@pytest.mark.parametrize("model", BUILT_MODELS)
def test_state_keeps_its_declared_dtypes(model: str) -> None:
    """Counters stay int32 and flags bool through entry, exit, joining and exclusion (issue 13:
    the smallest dtype that holds each field); a phase that widened one would fail here."""
    sc = small("footwear", "demography.exit_after=2")
    w, st, ctx = world_state(sc, model)
    for _ in range(12):
        step(st, ctx)
    assert dtype_mismatches(w) == []
    assert dtype_mismatches(st) == []
    assert st.died.max() >= 0  # firms did exit, so the exit path's writes were checked too


def test_dtype_check_reports_a_widened_field() -> None:
    w, st, _ = world_state(small())
    st.losses = st.losses.astype(np.int64)
    st.member = st.member.astype(float)
    assert dtype_mismatches(st) == [("member", "bool", "float64"), ("losses", "int32", "int64")]
    assert dtype_mismatches(w) == []


@pytest.mark.parametrize("model", COOPERATIVE_MODELS)
def test_pooled_costs_fully_allocated_and_cash_balances(model: str) -> None:
    sc = small("optoelectronics")
    _, st, ctx = world_state(sc, model)
    for _ in range(10):
        cash_before = st.cash.copy()
        rec = step(st, ctx)
        # the cooperative's budget balances every period: every CU of pooled cost is paid by
        # subsidies, fines, dues and allocated shares, and a surplus is rebated (nothing carried)
        income = rec["subsidy"] + rec["fees"] + rec["fines"]
        assert rec["allocated_cost"] == pytest.approx(
            rec["to_allocate"] - rec["rebate"], rel=1e-9, abs=1e-6
        )
        assert rec["pooled_cost"] == pytest.approx(
            rec["allocated_cost"] + income, rel=1e-9, abs=1e-6
        )
        assert rec["rebate"] == 0.0 or rec["to_allocate"] == 0.0
        # cash flows: change of cash equals the period's profit, firm by firm (entrants excepted:
        # they arrive with their own starting cash)
        incumbent = st.born != st.t - 1
        assert np.allclose((st.cash - cash_before)[incumbent], st.profit[incumbent], atol=1e-6)
        # and profit is revenue less every cost line, summed over the cluster
        lines = (
            "production_cost",
            "overhead_cost",
            "own_marketing_cost",
            "allocated_cost",
            "fees",
            "transaction_cost",
            "contracting_cost",
            "commission",
            "fines",
        )
        costs = sum(rec[k] for k in lines)
        assert rec["total_profit"] == pytest.approx(
            rec["sales_revenue"] - costs, rel=1e-9, abs=1e-6
        )


def _packed(cost, delta, avail, b, u0, seg, s, p0, **kw):
    """The engine's packed solver on (n, M) arrays: returns prices and shares as (n, M)."""
    n, m = cost.shape
    flat = np.flatnonzero(avail.ravel())
    mk = flat % m
    sol = solve_packed(
        cost.ravel()[flat],
        delta.ravel()[flat],
        b[mk],
        mk * s + seg[flat // m],
        np.exp(u0)[np.arange(m * s) // s],
        p0.ravel()[flat],
        **kw,
    )
    price = np.full(n * m, np.nan)
    share = np.zeros(n * m)
    price[flat], share[flat] = sol.price, sol.share
    return sol, price.reshape(n, m), share.reshape(n, m)


def test_logit_shares_and_outside_option_sum_to_one() -> None:
    rng = np.random.default_rng(3)
    n, m, s = 50, 3, 2
    delta = rng.normal(size=(n, m))
    seg = rng.integers(0, s, n)
    avail = rng.random((n, m)) < 0.7
    b = np.array([0.2, 0.3, 0.1])
    u0 = np.array([0.5, 1.0, 2.0])
    sol, price, share = _packed(
        np.full((n, m), 10.0), delta, avail, b, u0, seg, s, np.full((n, m), 12.0)
    )
    group = np.arange(m)[None, :] * s + seg[:, None]
    inside = np.bincount(group.ravel(), weights=share.ravel(), minlength=m * s)
    e0 = np.exp(u0)[np.arange(m * s) // s]
    assert np.allclose(inside + e0 / (e0 + sol.inclusive), 1.0)
    assert np.all(share[~avail] == 0)
    # the logit formula recomputed from the equilibrium prices
    ev = np.where(avail, np.exp(delta - b[None, :] * np.nan_to_num(price)), 0.0)
    sums = np.bincount(group.ravel(), weights=ev.ravel(), minlength=m * s)
    assert np.allclose(ev / (e0 + sums)[group], share)


def test_nash_prices_match_independent_game_solver() -> None:
    """Cross-check: the engine's vectorised fixed point vs games.noncooperative's solver."""
    rng = np.random.default_rng(11)
    n = 8
    c = rng.uniform(5, 10, n)
    a = rng.normal(0, 1, n)
    b = 0.3
    sol, price, share = _packed(
        c[:, None],
        a[:, None],
        np.ones((n, 1), bool),
        np.array([b]),
        np.array([0.5]),
        np.zeros(n, int),
        1,
        c[:, None] + 3,
        tol=1e-12,
        max_iter=5000,
    )
    ref = bertrand_nash_prices(c, a, b, a0=0.5, tol=1e-12)
    assert sol.converged
    assert np.allclose(price[:, 0], ref.prices, atol=1e-8)
    # first-order condition p = c + 1/(b(1-s))
    assert np.allclose(price[:, 0], c + 1 / (b * (1 - share[:, 0])), atol=1e-8)


def test_cartel_prices_exceed_nash_prices() -> None:
    rng = np.random.default_rng(5)
    n = 10
    c = rng.uniform(5, 10, (n, 1))
    args = (
        c,
        rng.normal(0, 1, (n, 1)),
        np.ones((n, 1), bool),
        np.array([0.3]),
        np.array([0.0]),
        np.zeros(n, int),
        1,
        c + 3,
    )
    members = np.arange(n) < 6
    _, nash, _ = _packed(*args)
    _, cartel, _ = _packed(*args, members=members)
    assert np.all(cartel[members] > nash[members])
    # members share one markup in a logit cartel
    markups = cartel[members, 0] - c[members, 0]
    assert np.ptp(markups) < 1e-6


def test_same_seed_same_bytes_and_different_seed_differs() -> None:
    sc = small()
    a = cm.simulate(sc, replicates=2, periods=6).to_json()
    b = cm.simulate(sc, replicates=2, periods=6).to_json()
    c = cm.simulate(sc, replicates=2, periods=6, seed=99).to_json()
    assert a == b
    assert a != c
    d = json.loads(a)
    assert d["baseline"] == "independent" and d["replicates"] == 2 and d["periods"] == 6
    for name in (
        "member_profit",
        "nonmember_profit",
        "sme_profit",
        "sme_market_access",
        "regional_brand",
        "unit_marketing_cost",
        "mean_price",
        "consumer_surplus",
        "output",
        "output_growth",
        "employment",
        "firms",
        "entries",
        "exits",
        "cooperation_rate",
        "trust",
        "time_to_90pct_awareness",
    ):
        assert set(d["metrics"][name]) == {"model", "baseline", "difference"}
        assert set(d["metrics"][name]["model"]) == {"mean", "ci_low", "ci_high", "ci_clipped"}


def test_model_and_baseline_share_the_cluster() -> None:
    """Common random numbers: both arms start from the same firms and draw the same numbers."""
    from clustermarketing.engine.context import draw

    w1, _, c1 = world_state(small(), "collective_mark")
    w2, _, c2 = world_state(small(), "independent")
    assert np.array_equal(w1.capacity, w2.capacity)
    assert np.array_equal(w1.xi, w2.xi)
    assert (w1.ties != w2.ties).nnz == 0
    # firm i's draw in period t does not depend on the arm nor on how many slots are processed
    d1 = draw(c1.streams, 3, w1.n, w1.n_markets, 4)
    d2 = draw(c2.streams, 3, w2.n // 2, w2.n_markets, 4)
    assert np.array_equal(d1.uniform("catch")[: w2.n // 2], d2.uniform("catch"))
    assert np.array_equal(
        d1.columns("spread", np.array([1]))[: w2.n // 2], d2.columns("spread", np.array([1]))
    )
    assert not np.array_equal(d1.uniform("catch"), d1.uniform("exclude"))


def test_stable_ids_on_entry_and_exit() -> None:
    sc = small("optoelectronics", "burn_in=0")  # every entrant enters in a recorded period
    r = cm.simulate(sc, replicates=1, periods=15, firm_panel=True)
    f = r.firms
    assert f is not None
    m = f[f.arm == "model"]
    # a firm id never changes its segment or leader flag, and ids are never reused after exit
    assert m.groupby("firm").segment.nunique().max() == 1
    entered = m.groupby("firm").period.min()
    assert (entered[entered.index >= 120] > 0).all()


def test_cascade_weights_keep_ties_with_zero_transmission() -> None:
    """Own dissemination travels over every tie, even where p_strong or p_weak is 0."""
    from clustermarketing.engine.signals import tie_log_matrix

    sc = small("footwear", "diffusion.p_strong=0", "diffusion.p_weak=0")
    w, _, _ = world_state(sc, "independent")
    tl = tie_log_matrix(w, sc.diffusion)
    assert tl.nnz == w.ties.nnz
    assert np.allclose(tl.data, 0.0)


def test_results_do_not_depend_on_worker_count() -> None:
    sc = small()
    one = cm.simulate(sc, replicates=3, periods=5).to_json()
    two = cm.simulate(sc, replicates=3, periods=5, workers=2).to_json()
    assert one == two
