"""The compiled kernels agree with the NumPy reference (issue 13)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clustermarketing.engine import kernels

pytestmark = pytest.mark.skipif(not kernels._HAVE_NUMBA, reason="numba not installed")


@st.composite
def packed(draw: st.DrawFn):
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    groups = draw(st.integers(1, 6))
    n = draw(st.integers(1, 60))
    group = rng.integers(0, groups, n)
    cost = rng.uniform(1, 20, n)
    delta = rng.normal(0, 2, n)
    b = rng.uniform(0.05, 0.5, n)
    exp_u0 = np.exp(rng.normal(1, 1, groups))
    p0 = cost + rng.uniform(0, 10, n)
    members = rng.random(n) < draw(st.floats(0, 1))
    return cost, delta, b, group, exp_u0, p0, members


@contextlib.contextmanager
def _backend(name: str):
    old = kernels.backend()
    kernels.set_backend(name)
    try:
        yield
    finally:
        kernels.set_backend(old)


def _simulate_comparing(phase: str, compare, example: str, model: str, periods: int, seed: int):
    """A 60-firm run in which every call of ``engine.period.<phase>`` is evaluated on both
    backends and ``compare(p, reference, compiled)`` checks them; the run goes on with the
    reference's result. Returns what ``compare`` returned at each call."""
    import clustermarketing as cm
    from clustermarketing.engine import period

    phase_fn = getattr(period, phase)
    checked = []

    def both(p, **kw):
        ref, fast = _both(phase_fn, p, **kw)
        checked.append(compare(p, ref, fast))
        return ref

    sc = cm.load_scenario(example, ["firms.count=60"])
    setattr(period, phase, both)
    try:
        cm.simulate(sc, model=model, periods=periods, replicates=1, seed=seed)
    finally:
        setattr(period, phase, phase_fn)
    return checked


def _both(fn, *args, **kw):
    old = kernels.backend()
    try:
        kernels.set_backend("numpy")
        ref = fn(*args, **kw)
        kernels.set_backend("numba")
        fast = fn(*args, **kw)
    finally:
        kernels.set_backend(old)
    return ref, fast


@settings(max_examples=60, deadline=None)
@given(packed(), st.booleans())
def test_pricing_kernel_matches_numpy(case, cartel: bool) -> None:
    from clustermarketing.engine.pricing import solve_packed

    cost, delta, b, group, exp_u0, p0, members = case
    kw = {"members": members if cartel else None, "tol": 1e-10, "max_iter": 500}
    ref, fast = _both(solve_packed, cost, delta, b, group, exp_u0, p0, **kw)
    assert ref.iterations == fast.iterations and ref.converged == fast.converged
    # the same arithmetic in the same order and NumPy's exp on both paths: equal to the bit
    np.testing.assert_array_equal(fast.price, ref.price)
    np.testing.assert_array_equal(fast.share, ref.share)
    np.testing.assert_array_equal(fast.inclusive, ref.inclusive)


@settings(max_examples=60, deadline=None)
@given(packed())
def test_best_response_kernel_matches_numpy(case) -> None:
    from clustermarketing.engine.deviation import best_response_prices

    cost, delta, b, _, exp_u0, _, _ = case
    others = np.resize(exp_u0, cost.size) + 1.0
    ref, fast = _both(best_response_prices, delta, cost, b, others)
    np.testing.assert_array_equal(fast[0], ref[0])  # NumPy's exp on both paths: to the bit
    np.testing.assert_array_equal(fast[1], ref[1])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 200))
def test_plan_kernel_is_identical(seed: int, n: int) -> None:
    from clustermarketing.engine.functions import function_arrays, plan_functions
    from clustermarketing.scenario.functions import FunctionsConfig

    rng = np.random.default_rng(seed)
    arrays = function_arrays(FunctionsConfig())
    kw = {
        "active": rng.random(n) < 0.9,
        "output": rng.uniform(0, 3000, n),
        "revenue": rng.uniform(0, 40000, n),
        "effective_member": rng.random(n) < 0.5,
        "contributor": rng.random(n) < 0.4,
        "affordability": 0.12,
        "throughput": np.inf,
    }
    pooled = ["brand_building", "sales_promotion"]
    ref, fast = _both(plan_functions, arrays, pooled, **kw)
    for field in ("alone", "outside", "own_cost", "saved", "pooled_cost", "X"):
        assert np.array_equal(getattr(ref, field), getattr(fast, field)), field


def test_whole_runs_are_identical_across_backends() -> None:
    """Every preset: the compiled path's summary JSON is the NumPy reference's, byte for byte.

    Every kernel does the reference's arithmetic in the reference's order and leaves the
    transcendental functions to NumPy, so nothing may differ, not even in the last bit."""
    code = (
        "import hashlib, clustermarketing as cm\n"
        "from clustermarketing.models import PRESETS\n"
        "for i, model in enumerate(sorted(PRESETS)):\n"
        "    ex = ('footwear', 'optoelectronics')[i % 2]\n"
        "    sc = cm.load_scenario(ex, ['firms.count=100'])\n"
        "    r = cm.simulate(sc, model=model, replicates=2, periods=6, seed=3)\n"
        "    print(model, hashlib.sha256(r.to_json().encode()).hexdigest())\n"
    )
    out = {}
    for backend in ("numpy", "numba"):
        env = dict(os.environ, CLUSTERMARKETING_KERNELS=backend)
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        out[backend] = run.stdout.split("\n")
    assert len(out["numba"]) > 10
    assert out["numba"] == out["numpy"]


@st.composite
def cascades(draw: st.DrawFn):
    """A random small tie matrix (CSR, as ``tie_log_matrix`` builds it) and cascade state."""
    import scipy.sparse as sp

    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    n = draw(st.integers(1, 40))
    k_sig = draw(st.integers(1, 4))
    density = draw(st.floats(0.0, 0.5))
    upper = sp.random(n, n, density=density, random_state=rng, format="csr")
    sym = (upper + upper.T).tocsr()
    sym.sort_indices()
    ls, lw = np.log1p(-rng.uniform(0, 0.9)), np.log1p(-rng.uniform(0, 0.9))
    tie_log = sym.copy()
    tie_log.data = np.where(rng.random(sym.nnz) < 0.4, ls, lw)
    aware = rng.random((n + 1, k_sig)) < draw(st.floats(0, 1))
    alive = rng.random(n) < draw(st.floats(0.3, 1))
    cols = np.flatnonzero(rng.random(k_sig) < 0.8)
    if cols.size == 0:
        cols = np.array([0])
    m = cols.size
    diss = draw(st.booleans())
    ld = np.log1p(-np.minimum(rng.uniform(0, 1, n) * (rng.random(n) < 0.5), 1 - 1e-12))
    kind = draw(st.sampled_from(["none", "star", "extra"]))
    hub_col = hub_add = extra = None
    if kind == "star":
        hub_col = rng.random(n) < 0.6
        hub_add = np.log1p(-rng.uniform(0, 0.9)) * aware[n, cols].astype(np.float64)
    elif kind == "extra":
        extra = -rng.exponential(0.5, (n, m)) * (rng.random((n, m)) < 0.5)
    return {
        "tie_log": tie_log,
        "prev": aware,
        "alive": alive,
        "cols": cols,
        "ld": ld if diss else None,
        "hub_col": hub_col,
        "hub_add": hub_add,
        "extra": extra,
        "p_det": 1.0 - 0.98 * (1.0 - rng.uniform(0, 0.3, n)),
        "u_detect": rng.random((n, m), dtype=np.float32),
        "u_spread": rng.random((n, m), dtype=np.float32),
    }


@settings(max_examples=150, deadline=None)
@given(cascades())
def test_cascade_kernel_matches_numpy(case) -> None:
    """Log-survival to 1e-9 relative; the same firms learn each signal (bar threshold ties)."""
    from clustermarketing.engine.signals import cascade

    n, cols = case["alive"].size, case["cols"]
    out = {}
    for name in ("numpy", "numba"):
        old = kernels.backend()
        try:
            kernels.set_backend(name)
            newly, log_surv, reporters = cascade(**case)
        finally:
            kernels.set_backend(old)
        aware = case["prev"].copy()
        aware[:n, cols] |= newly
        out[name] = (aware, log_surv, reporters)
    (a_ref, ls_ref, r_ref), (a_fast, ls_fast, r_fast) = out["numpy"], out["numba"]
    alive = case["alive"]
    # continuous: the log-survival of live firms that did not know the signal (the compiled path
    # skips the rows whose outcome it cannot change)
    open_ = alive[:, None] & ~case["prev"][:n, cols]
    np.testing.assert_allclose(ls_fast[open_], ls_ref[open_], rtol=1e-9, atol=1e-300)
    if r_ref is None:
        assert r_fast is None
    else:
        np.testing.assert_array_equal(r_fast, r_ref)
    # discrete: who becomes aware, except where the spread draw lies within 1e-9 of 1 − survival
    assert np.array_equal(a_fast[n], a_ref[n])
    near = np.abs(case["u_spread"].astype(np.float64) + np.expm1(ls_ref)) <= 1e-9
    differ = a_fast[:n, cols] != a_ref[:n, cols]
    assert not np.any(differ & ~near)
    others = np.setdiff1d(np.arange(a_ref.shape[1]), cols)
    assert np.array_equal(a_fast[:, others], a_ref[:, others])
    # counts of live aware firms per slot, used for the cascade's slots and the 90% time
    from clustermarketing.engine.signals import _alive_counts

    ref_counts = _alive_counts(a_ref[:n], alive, fast=False)
    assert np.array_equal(_alive_counts(a_ref[:n], alive, fast=True), ref_counts)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 60), st.integers(1, 4))
def test_adapt_kernel_is_identical(seed: int, n: int, k_sig: int) -> None:
    """Adaptation (aware, live, not yet adapted, draw below market orientation) on both paths."""
    rng = np.random.default_rng(seed)
    aware = rng.random((n + 1, k_sig)) < 0.5
    adapted = (rng.random((n, k_sig)) < 0.3) & aware[:n]
    alive = rng.random(n) < 0.8
    acting = np.flatnonzero(rng.random(k_sig) < 0.7)
    u_act = rng.random((n, acting.size), dtype=np.float32)
    mo = rng.uniform(0, 1, n)
    ref = adapted.copy()
    tries = aware[:n, acting] & ~ref[:, acting] & alive[:, None]
    assert kernels.any_tries_kernel(aware, adapted, alive, acting) == bool(tries.any())
    if tries.any():
        ref[:, acting] |= tries & (u_act < mo[:, None])
    fast = adapted.copy()
    kernels.adapt_kernel(aware, fast, alive, acting, u_act, mo)
    assert np.array_equal(fast, ref)


@st.composite
def market_pairs(draw: st.DrawFn):
    """Random packed (firm, market) pairs with firm, market and signal terms."""
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    n = draw(st.integers(1, 50))
    m_count = draw(st.integers(1, 5))
    n_seg = draw(st.integers(1, 3))
    k_sig = draw(st.integers(0, 4))
    flat = np.flatnonzero(rng.random(n * m_count) < draw(st.floats(0.05, 1)))
    dist = np.zeros(m_count)
    dist[1:] = rng.uniform(0, 2)
    sig_market = rng.integers(0, m_count, k_sig)
    sig_segment = rng.integers(0, n_seg, k_sig)
    route = rng.uniform(0, 3, flat.size) * (rng.random(flat.size) < 0.5)
    kw = {
        "firm_cost": rng.uniform(1, 20, n),
        "scale": np.where(rng.random(n) < 0.5, 1.0 / (1.0 - rng.uniform(0, 0.3)), 1.0),
        "brand": rng.normal(0, 1, n),
        "promo": rng.uniform(0, 2, n),
        "quality": rng.uniform(0, 3, n),
        "log_var": np.log(rng.integers(1, 8, n)),
        "segment": rng.integers(0, n_seg, n),
        "dist": dist,
        "a": rng.uniform(0.5, 2, m_count),
        "brand_sens": rng.uniform(0, 1, m_count),
        "b": rng.uniform(0.05, 0.5, m_count),
        "market_cost": rng.uniform(0, 2, (n, m_count)),
        "xi": rng.normal(0, 1, (n, m_count)),
        "price": rng.uniform(1, 30, (n, m_count)),
        "sig_market": sig_market,
        "sig_segment": sig_segment,
        "sig_adapted": rng.random((n, k_sig)) < 0.5,
        "signal_value": rng.uniform(0, 1),
        "route": route if draw(st.booleans()) else None,
    }
    return flat, m_count, n_seg, kw, rng


@settings(max_examples=60, deadline=None)
@given(market_pairs(), st.booleans())
def test_market_kernels_match_numpy(case, routed: bool) -> None:
    """Per-pair terms, demand and sales of market clearing: compiled == NumPy reference."""
    from clustermarketing.engine.market import pair_demand, pair_sales, pair_terms

    flat, m_count, n_seg, kw, rng = case
    n = kw["firm_cost"].size
    ref, fast = _both(pair_terms, flat, m_count, n_seg, **kw)
    names = ("fi", "fm", "extra", "cost", "persuasive", "delta", "group", "b", "p0")
    for name, r, f in zip(names, ref, fast, strict=True):
        if name in ("fi", "fm", "group"):  # discrete: identical
            assert np.array_equal(r, f), name
        else:
            np.testing.assert_allclose(f, r, rtol=1e-9, atol=0, err_msg=name)
    fi, fm, extra, cost, persuasive, delta, _, b_pair, _ = ref
    share = rng.uniform(0, 0.5, flat.size)
    size, weight = rng.uniform(10, 1000, m_count), rng.uniform(0.1, 1, n_seg)
    seg = kw["segment"]
    ref_d, fast_d = _both(pair_demand, fi, fm, seg, size, weight, share, n)
    for r, f in zip(ref_d, fast_d, strict=True):
        np.testing.assert_allclose(f, r, rtol=1e-9, atol=0)
    demand, _ = ref_d
    factor = np.where(rng.random(n) < 0.5, rng.uniform(0, 1, n), 1.0)
    route_factor = rng.uniform(0, 1, flat.size) if routed else None
    price = cost + rng.uniform(0, 10, flat.size)
    args = (fi, demand, factor, price, cost, extra, delta, persuasive, b_pair, n, route_factor)
    ref_s, fast_s = _both(pair_sales, *args)
    names = ("sales", "margin", "fixed_arg", "units", "revenue", "distribution")
    for name, r, f in zip(names, ref_s, fast_s, strict=True):
        np.testing.assert_allclose(f, r, rtol=1e-9, atol=1e-12, err_msg=name)
        assert (f > 0).tolist() == (r > 0).tolist(), name  # same sold / not sold


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 200), st.booleans())
def test_market_firms_kernel_matches_numpy(seed: int, n: int, scalar_hooks: bool) -> None:
    """Per-firm costs and utility terms of market clearing: compiled == NumPy reference."""
    from clustermarketing.engine.market import FirmTerms, firm_costs

    rng = np.random.default_rng(seed)
    terms = FirmTerms(
        goodwill=rng.uniform(0, 3, n),
        member_brand=0.4 if scalar_hooks else rng.uniform(0, 1, n),
        promo_member=rng.uniform(0, 1, n),
        promo_outside=rng.uniform(0, 1, n),
        club=float(rng.uniform(0, 1)),
        cost_factor=1.0 if scalar_hooks else rng.uniform(0.8, 1, n),
        unit_charge=rng.uniform(0, 0.5, n),
    )
    args = (rng.random(n) < 0.5, rng.random(n) < 0.5, rng.random(n) < 0.4, rng.uniform(1, 9, n))
    kw = {
        "trust": rng.uniform(0, 1, n),
        "saving": float(rng.uniform(0, 0.3)),
        "fee": float(rng.uniform(0, 1)),
        "transaction_cost": float(rng.uniform(0, 1)),
        "commission": float(rng.uniform(0, 0.2)),
    }
    ref, fast = _both(firm_costs, *args, terms, **kw)
    assert np.array_equal(ref[0], fast[0])  # free-riders
    for r, f in zip(ref[1:], fast[1:], strict=True):
        np.testing.assert_allclose(f, r, rtol=1e-9, atol=0)


# every cooperative preset, so every mechanism hook the deviation calls is exercised
PRESET_NAMES = sorted(
    set(__import__("clustermarketing.models", fromlist=["PRESETS"]).PRESETS) - {"independent"}
)


@settings(max_examples=12, deadline=None)
@given(
    st.sampled_from(PRESET_NAMES),
    st.integers(0, 2**16),
    st.sampled_from(["footwear", "optoelectronics"]),
)
def test_membership_values_kernel_matches_numpy(model: str, seed: int, example: str) -> None:
    """Every period of a run: the compiled deviation (both sides) == the NumPy reference, to the
    bit.

    The run goes on with the reference's values; at each period both backends evaluate the same
    inputs."""

    def compare(p, ref, fast) -> int:
        for name in ("member", "joiner", "profit_outside", "profit_inside"):
            r, f = getattr(ref, name), getattr(fast, name)
            np.testing.assert_array_equal(f, r, err_msg=name)  # to the bit
        return int(p.eff.sum())

    checked = _simulate_comparing("membership_values", compare, example, model, 4, seed)
    assert checked and max(checked) > 0  # members existed, so both sides were evaluated


@st.composite
def sparse_graphs(draw: st.DrawFn):
    import scipy.sparse as sp

    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    n = draw(st.integers(1, 80))
    density = draw(st.floats(0.0, 0.3))
    mat = sp.random(n, n, density=density, random_state=rng, format="csr")
    mat.data = rng.integers(1, 3, mat.data.size).astype(np.float64)  # ties (1) and tie+link (2)
    if draw(st.booleans()) and mat.nnz:  # an explicit zero weight counts as no neighbour
        mat.data[0] = 0.0
    return rng, n, mat


@settings(max_examples=80, deadline=None)
@given(sparse_graphs())
def test_neighbour_kernels_are_identical(case) -> None:
    """Who hears of a member (`informed`) and trust from observed cooperation: compiled ==
    NumPy/SciPy reference, to the bit."""
    from types import SimpleNamespace

    from clustermarketing.engine.cooperation import update_trust

    rng, n, mat = case
    member = rng.random(n) < 0.5
    informed = kernels.any_neighbour_kernel(mat.indptr, mat.indices, mat.data, member)
    assert informed.tolist() == ((mat @ member.astype(float)) > 0).tolist()
    state = SimpleNamespace(
        member=member,
        contributes=rng.random(n) < 0.6,
        active=rng.random(n) < 0.9,
        trust=rng.uniform(0, 1, n),
    )
    cfg = SimpleNamespace(trust=SimpleNamespace(threshold=0.5, gain=0.1, loss=0.2))
    ref, fast = _both(update_trust, state=state, sc=cfg, observers=mat)
    assert np.array_equal(ref, fast)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 60), st.integers(1, 4))
def test_access_kernels_are_identical(seed: int, n: int, m: int) -> None:
    """Lapsed access, available pairs, own upkeep and the cooperative's users: compiled ==
    the NumPy expressions of :func:`.access.update_access`, to the bit."""
    rng = np.random.default_rng(seed)
    access = rng.random((n, m)) < 0.5
    margin = rng.normal(5, 5, (n, m))
    margin[rng.random((n, m)) < 0.1] = np.nan  # never sold there
    maint = rng.uniform(0, 8, m) * (rng.random(m) < 0.8)
    eff, active = rng.random(n) < 0.5, rng.random(n) < 0.9
    coop = rng.random(m) < 0.5
    kept, lapsed = kernels.access_lapse_kernel(access, margin, maint)
    lapse = access & (margin < maint[None, :]) & (maint[None, :] > 0)
    assert np.array_equal(kept, access & ~lapse) and lapsed == int(lapse.sum())
    avail, own_maint, users = kernels.access_final_kernel(kept, eff, coop, active, maint)
    ref_avail = (kept | (eff[:, None] & coop[None, :])) & active[:, None]
    assert np.array_equal(avail, ref_avail)
    ref_maint = np.zeros(n)
    for k in range(m):  # the reference's market-by-market sum
        ref_maint += np.where(kept[:, k] & active, maint[k], 0.0)
    assert np.array_equal(own_maint, ref_maint)
    ref_users = (eff[:, None] & ~kept & coop[None, :] & active[:, None]).sum(axis=0)
    assert np.array_equal(users, ref_users)


@settings(max_examples=60, deadline=None)
@given(sparse_graphs())
def test_flag_count_kernel_is_identical(case) -> None:
    """Strong-tie partners among members (cooperative sourcing): compiled == SciPy, to the bit."""
    rng, n, mat = case
    flag = rng.random(n) < 0.5
    fast = kernels.flag_count_kernel(mat.indptr, mat.indices, mat.data, flag)
    assert np.array_equal(fast, mat @ flag.astype(float))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 200), st.booleans(), st.booleans())
def test_promotion_args_kernel_is_identical(seed: int, n: int, pool_a: bool, pool_b: bool) -> None:
    """The own-promotion arguments of `firm_terms`: compiled == the NumPy expressions."""
    rng = np.random.default_rng(seed)
    n_f = 5
    output = rng.uniform(0, 500, n)
    intensity = rng.uniform(0, 2, n_f)
    outside = rng.random((n_f, n)) < 0.6
    pooled = np.zeros(n_f, dtype=bool)
    pooled[[1, 3]] = pool_a, pool_b
    funcs = np.array([1, 3], dtype=np.int64)
    scale = float(rng.uniform(1, 100))
    args = kernels.promotion_args_kernel(output, intensity, outside, pooled, funcs, scale)
    for c, j in enumerate(funcs):
        x = output * intensity[j]
        kept = outside[j] & ~pooled[j]
        assert np.array_equal(args[2 * c], np.where(kept, x, 0.0) / scale)
        assert np.array_equal(args[2 * c + 1], np.where(outside[j], x, 0.0) / scale)


@settings(max_examples=80, deadline=None)
@given(sparse_graphs(), st.floats(0.0, 1.0))
def test_csr_prefix_is_scipys_slice(case, frac: float) -> None:
    """The live prefix of a tie matrix: compiled slice == SciPy's ``M[:L, :L]``, entry for entry
    and in the same order."""
    from clustermarketing.engine.live import csr_prefix

    _, n, mat = case
    length = round(frac * n)
    ref = mat[:length, :length].tocsr()
    old = kernels.backend()
    kernels.set_backend("numba")
    try:
        fast = csr_prefix(mat, length)
    finally:
        kernels.set_backend(old)
    assert fast.shape == ref.shape
    assert np.array_equal(fast.indptr, ref.indptr)
    assert np.array_equal(fast.indices, ref.indices)
    assert np.array_equal(fast.data, ref.data)


@settings(max_examples=60, deadline=None)
@given(sparse_graphs(), st.floats(0.0, 1.0))
def test_tie_log_kernel_is_the_reference_matrix(case, weak_share: float) -> None:
    """The cascade's weights from the strong and weak ties: the compiled merge gives SciPy's
    ``strong + 2 weak`` matrix with sorted rows and the same weights, entry for entry."""
    from types import SimpleNamespace

    import scipy.sparse as sp

    from clustermarketing.engine.signals import tie_log_matrix

    rng, n, mat = case
    mat = ((mat + mat.T) > 0).astype(np.float64).tocsr()  # symmetric 0/1 ties
    upper = sp.triu(mat, k=1).tocoo()
    is_weak = rng.random(upper.nnz) < weak_share

    def part(sel):
        m = sp.coo_matrix((np.ones(sel.sum()), (upper.row[sel], upper.col[sel])), shape=(n, n))
        return (m + m.T).tocsr()

    world = SimpleNamespace(strong=part(~is_weak), weak=part(is_weak))
    assert world.strong.has_sorted_indices and world.weak.has_sorted_indices  # the merge path
    cfg = SimpleNamespace(p_strong=0.3, p_weak=0.05)
    ref, fast = _both(tie_log_matrix, world, cfg)
    assert fast.shape == ref.shape
    assert np.array_equal(fast.indptr, ref.indptr)
    assert np.array_equal(fast.indices, ref.indices)
    assert np.array_equal(fast.data, ref.data)


@settings(max_examples=8, deadline=None)
@given(st.sampled_from([*PRESET_NAMES, "independent"]), st.integers(0, 2**16))
def test_settle_kernels_are_identical(model: str, seed: int) -> None:
    """Every period of a run: the compiled cost lines and profit == the NumPy reference, to the
    bit (the same elementwise expressions in the same order)."""

    def compare(p, ref, fast) -> None:
        for name in ("production", "overhead", "fees", "transaction", "contracting",
                     "commission", "own_marketing", "profit"):  # fmt: skip
            assert np.array_equal(getattr(ref, name), getattr(fast, name)), name

    assert _simulate_comparing("settle", compare, "footwear", model, 3, seed)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 60), st.integers(1, 5))
def test_or_columns_kernel_is_identical(seed: int, n: int, k_sig: int) -> None:
    """Writing the newly aware into the awareness matrix (hub row last, left alone)."""
    rng = np.random.default_rng(seed)
    aware = rng.random((n + 1, k_sig)) < 0.3
    cols = np.sort(rng.choice(k_sig, size=rng.integers(1, k_sig + 1), replace=False))
    newly = rng.random((n, cols.size)) < 0.3
    ref = aware.copy()
    ref[:n, cols] |= newly
    kernels.or_columns_kernel(aware, cols, newly)
    assert np.array_equal(aware, ref)


def test_uncached_kernels_reports_an_empty_cache(tmp_path) -> None:
    """With an empty numba cache every kernel is reported (the CLI then says the first period
    compiles); on the NumPy path nothing is."""
    code = (
        "from numba.core.registry import CPUDispatcher\n"
        "from clustermarketing.engine import kernels\n"
        "every = sorted(k for k, v in vars(kernels).items() if isinstance(v, CPUDispatcher))\n"
        "print(kernels.uncached_kernels() == every, len(every))\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "CLUSTERMARKETING_KERNELS": "numba"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    same, count = out.stdout.split()
    assert same == "True" and int(count) >= 20
    env["CLUSTERMARKETING_KERNELS"] = "numpy"
    code = "from clustermarketing.engine import kernels\nprint(kernels.uncached_kernels())\n"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr


_UINT = st.one_of(st.sampled_from([0, 1, 2**32 - 1, 2**32, 2**64 - 1]), st.integers(0, 2**130))


@settings(max_examples=300, deadline=None)
@given(
    entropy=st.one_of(_UINT, st.lists(st.integers(0, 2**70), min_size=1, max_size=6)),
    key=st.lists(_UINT, max_size=3),
    t=st.one_of(st.integers(0, 200), st.just(2**32 - 1)),
    use=st.sampled_from(["join", "spread", "detect", "act"]),
    slot=st.integers(0, 40),
)
def test_stream_seeding_kernel_is_numpys_seed_sequence(entropy, key, t, use, slot) -> None:
    """The compiled path seeds each stream from the run's cached SeedSequence prefix; it must give
    NumPy's SeedSequence state (and so the same numbers) for any entropy and spawn key."""
    from clustermarketing.engine.streams import Streams, stream_id

    root = np.random.SeedSequence(entropy, spawn_key=tuple(key))
    streams = Streams(root)
    ref = np.random.SeedSequence(entropy, spawn_key=(*key, t, stream_id(use), slot))
    with _backend("numba"):
        fast = streams.gen(t, use, slot)
    assert fast.bit_generator.state == np.random.PCG64(ref).state
    assert fast.random(3).tolist() == np.random.Generator(np.random.PCG64(ref)).random(3).tolist()
    with _backend("numpy"):
        assert streams.gen(t, use, slot).bit_generator.state == np.random.PCG64(ref).state


def test_stream_seeding_checks_its_key() -> None:
    from clustermarketing.engine.streams import Streams

    streams = Streams(np.random.SeedSequence(5))
    with _backend("numba"), pytest.raises(KeyError, match="not declared"):
        streams.gen(0, "no such stream")
    with _backend("numba"), pytest.raises(ValueError, match="non-negative"):
        streams.gen(-1, "join")


@pytest.mark.parametrize(
    "x",
    [
        np.arange(6.0),
        2.0,
        3,
        True,
        np.float32(2.5),
        np.arange(6, dtype=np.float32),
        np.arange(12.0)[::2],
        np.ones(1),
        np.int64(4),
    ],
)
def test_per_firm_is_the_broadcast(x) -> None:
    """per_firm's fast paths return what the broadcast does, writability included (numba types a
    read-only array differently, so a change would compile a second signature)."""
    ref = np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (6,)))
    got = kernels.per_firm(x, 6)
    assert got.dtype == ref.dtype and got.flags.c_contiguous
    assert got.tolist() == ref.tolist() and got.flags.writeable == ref.flags.writeable
