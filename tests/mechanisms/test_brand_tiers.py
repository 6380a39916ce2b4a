"""Cluster brand tiers (engine/mechanisms/brand_tiers.py; seed 000, "cluster-brand clusters").

Formulas against an independent calculation from the period's plan, the one-off registration,
dilution by sub-standard members, the product tier on both sides of the membership
counterfactual, the effect on the preset's targets against the baseline (paired CIs on common
random numbers), its removal by the key parameters, membership as a best response, every
parameter's effect, and determinism.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import spy
from spy import stepped

import clustermarketing as cm
from clustermarketing.engine.functions import F_INDEX
from clustermarketing.engine.mechanisms.brand_tiers import PRODUCT, REGISTERED
from clustermarketing.models import PRESETS
from conftest import small, world_state

BJ = F_INDEX["brand_building"]


@pytest.fixture
def hand() -> Any:
    """A hand-stepped cluster_brand cluster (brand building affordable, so firms outside the
    cooperative run it alone and both kinds of feed occur)."""
    spy.install()
    yield _hand
    spy.remove()


def _hand(*overrides: str, periods: int = 4, seed: int = 2):
    sc = small("footwear", "functions.brand_building.fixed_cost=0", *overrides, firms=100)
    w, st, ctx = world_state(sc, "cluster_brand", seed=seed)
    for _ in range(periods):
        stepped(st, ctx)
    return w, st, ctx


def test_tiers_follow_their_formulas(hand: Any) -> None:
    _w, st, ctx = hand()
    before, seen = stepped(st, ctx)
    p = seen["p"]
    cfg, sk = ctx.model.brand_tiers, ctx.sc.stocks
    n = p.eff.size
    plan = p.plan
    alpha = plan.effect[BJ]
    x = np.where(plan.alone[BJ], plan.output * plan.intensity[BJ], 0.0)
    own = alpha * x**sk.curvature
    assert (own > 0).any() and p.eff.any() and plan.pooled[BJ]
    regional_feed = alpha * plan.X_eff[BJ] ** sk.curvature
    corporate = (1 - cfg.product_share) * own + np.where(
        p.eff, cfg.spill_regional_corporate * regional_feed, 0.0
    )
    act = before.active[:n] & st.active[:n]  # alive through the period (no exit, no entrant)
    g_expected = np.maximum(0.0, (1 - sk.goodwill_decay) * before.goodwill[:n] + corporate)
    np.testing.assert_allclose(st.goodwill[:n][act], g_expected[act], rtol=1e-12, atol=1e-12)
    p_expected = (1 - cfg.product_decay) * before.extra[PRODUCT][:n] + (
        cfg.product_share * own + cfg.spill_corporate_product * corporate
    )
    np.testing.assert_allclose(st.extra[PRODUCT][:n][act], p_expected[act], rtol=1e-12)
    # a member gains the regional spillover, a firm running brand building alone its own feed
    gain = st.goodwill[:n] - (1 - sk.goodwill_decay) * before.goodwill[:n]
    assert gain[p.eff & act].min() >= cfg.spill_regional_corporate * regional_feed - 1e-9


def test_product_brand_is_own_utility_on_both_sides(hand: Any) -> None:
    _w, st, ctx = hand()
    before, seen = stepped(st, ctx)
    terms = seen["mkt"].terms
    n = seen["p"].eff.size
    g_c = ctx.sc.demand.goodwill_weight
    expected = g_c * np.log1p(
        before.goodwill[:n]
    ) + ctx.model.brand_tiers.product_weight * np.log1p(before.extra[PRODUCT][:n])
    # the goodwill term (used for members and non-members, in the market and in the membership
    # counterfactual's inside and outside options) carries the product tier
    np.testing.assert_allclose(terms.goodwill, expected, rtol=1e-12)
    assert (before.extra[PRODUCT][:n] > 0).any()


def test_registration_is_charged_once() -> None:
    cost = 12_345.0
    runs = {
        c: cm.simulate(
            small("footwear", f"model.brand_tiers.registration_cost={c}", firms=80),
            model="cluster_brand",
            replicates=1,
            periods=3,
            seed=4,
        ).cluster
        for c in (cost, 0.0)
    }
    a = runs[cost][runs[cost].arm == "model"].set_index("period")
    b = runs[0.0][runs[0.0].arm == "model"].set_index("period")
    assert a.loc[0, "pooled_cost"] - b.loc[0, "pooled_cost"] == pytest.approx(cost)
    # the flag is set after the first period with members
    _w, st, ctx = world_state(small("footwear", firms=80), "cluster_brand", seed=4)
    assert st.cluster_extra[REGISTERED] is False
    from clustermarketing.engine.period import step

    step(st, ctx)
    assert st.cluster_extra[REGISTERED] is True


def test_dilution_lowers_the_regional_brand(hand: Any) -> None:
    """Members admitted under the standard whose quality is now below it dilute the mark:
    R after the period = R without dilution × (1 − dilution · their share of members' units)."""
    out = {}
    for dilution in (0.0, 2.0):
        _w, st, ctx = hand(f"model.brand_tiers.dilution={dilution}", periods=4, seed=7)
        # the standard is raised above part of the members' quality (their quality eroded)
        members = np.flatnonzero(st.member & st.active)
        assert members.size > 4
        st.quality[members[::2]] = ctx.model.regulation.quality_standard - 0.1
        _before, seen = stepped(st, ctx)
        out[dilution] = (st.regional_brand, seen)
    r0, seen0 = out[0.0]
    r2, seen2 = out[2.0]
    p = seen2["p"]
    units = seen2["mkt"].units
    mem = p.eff & p.state.active
    below = mem & (p.state.quality < ctx.model.regulation.quality_standard)
    sigma = units[below].sum() / units[mem].sum()
    assert 0 < sigma < 0.5
    assert r2 < r0
    assert r2 == pytest.approx(r0 * max(0.0, 1 - 2.0 * sigma), rel=1e-12)
    # nothing before the stock update depends on dilution: same market both ways
    np.testing.assert_array_equal(seen0["mkt"].units, units)


def _diff(r: cm.SimulationResult, metric: str) -> dict:
    return r.summary["metrics"][metric]["difference"]


def test_targets_in_the_variant_and_best_response() -> None:
    preset = PRESETS["cluster_brand"]
    example, overrides = preset.variant
    sc = small(example, *overrides, firms=120)
    r = cm.simulate(
        sc, model="cluster_brand", replicates=3, periods=20, seed=8, diagnostics=(4, 20)
    )
    for metric, sign in preset.targets.items():
        d = _diff(r, metric)
        assert (d["ci_low"] > 0) if sign == "+" else (d["ci_high"] < 0), (metric, d)
    assert r.summary["diagnostics"]["membership_best_response"] >= 0.9


def test_key_parameters_off_remove_the_effect() -> None:
    preset = PRESETS["cluster_brand"]
    example, overrides = preset.variant
    sc = small(example, *overrides, *preset.key_off, firms=120)
    r = cm.simulate(sc, model="cluster_brand", replicates=3, periods=20, seed=8)
    for metric in preset.targets:
        d = _diff(r, metric)
        if d["mean"] is None:  # nobody cooperates: a member mean is undefined in both arms
            assert r.summary["metrics"]["membership_rate"]["model"]["mean"] == 0.0
            continue
        assert d["ci_low"] <= 0 <= d["ci_high"], (metric, d)


@pytest.mark.parametrize(
    ("field", "value", "metric", "sign"),
    [
        ("product_share", 0.0, "product_brand", "-"),
        ("product_weight", 0.0, "output", "-"),
        ("product_decay", 0.6, "product_brand", "-"),
        ("spill_regional_corporate", 0.0, "corporate_goodwill", "-"),
        ("spill_corporate_product", 0.0, "product_brand", "-"),
        ("registration_cost", 60_000.0, "allocated_cost", "+"),
        ("enabled", False, "product_brand", "-"),
    ],
)
def test_every_parameter_acts(field: str, value: Any, metric: str, sign: str) -> None:
    """Changing each setting moves the metric it drives, on the same random numbers."""
    base = ("functions.brand_building.fixed_cost=0",)

    def run(*extra: str) -> float:
        sc = small("footwear", *base, *extra, firms=80)
        r = cm.simulate(sc, model="cluster_brand", replicates=1, periods=8, seed=9)
        c = r.cluster[r.cluster.arm == "model"]
        return float(c[metric].mean())

    v = str(value).lower()
    default, changed = run(), run(f"model.brand_tiers.{field}={v}")
    assert (changed < default) if sign == "-" else (changed > default), (default, changed)


def test_deterministic() -> None:
    sc = small("footwear", firms=60)
    a = cm.simulate(sc, model="cluster_brand", replicates=2, periods=4, seed=3)
    b = cm.simulate(sc, model="cluster_brand", replicates=2, periods=4, seed=3)
    assert a.to_json() == b.to_json()
