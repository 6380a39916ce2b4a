"""The compiled kernels agree with the NumPy reference (issue 13)."""

from __future__ import annotations

import json
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
    np.testing.assert_allclose(fast.price, ref.price, rtol=1e-9)
    np.testing.assert_allclose(fast.share, ref.share, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(fast.inclusive, ref.inclusive, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(packed())
def test_best_response_kernel_matches_numpy(case) -> None:
    from clustermarketing.engine.deviation import best_response_prices

    cost, delta, b, _, exp_u0, _, _ = case
    others = np.resize(exp_u0, cost.size) + 1.0
    ref, fast = _both(best_response_prices, delta, cost, b, others)
    np.testing.assert_allclose(fast[0], ref[0], rtol=1e-9)
    np.testing.assert_allclose(fast[1], ref[1], rtol=1e-9, atol=1e-15)


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


def test_whole_runs_agree_across_backends() -> None:
    """Every summary metric of a run agrees between the backends (here to rounding)."""
    code = (
        "import json, clustermarketing as cm\n"
        "r = cm.simulate(cm.load_scenario('footwear', ['firms.count=100']), replicates=2,"
        " periods=6, seed=3)\n"
        "print(json.dumps(r.summary['metrics']))\n"
    )
    out = {}
    for backend in ("numpy", "numba"):
        env = dict(os.environ, CLUSTERMARKETING_KERNELS=backend)
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        out[backend] = json.loads(run.stdout)
    for metric, arms in out["numpy"].items():
        for arm, leaf in arms.items():
            a, b = leaf["mean"], out["numba"][metric][arm]["mean"]
            if a is None or b is None:
                assert a is b, (metric, arm)
                continue
            assert b == pytest.approx(a, rel=1e-9, abs=1e-9), (metric, arm)
