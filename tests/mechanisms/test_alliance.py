"""Marketing alliance (engine/mechanisms/alliance.py; seed 000, "marketing alliance model").

Allies, brand sharing, bundles and channel flows against independent per-firm loops; the
membership counterfactual's joiner gets its allies' channels; the effect on the preset's targets
against the baseline (paired CIs on common random numbers) and its removal by the key
parameters; membership as a best response; every parameter's effect; determinism.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import spy
from spy import ci95, stepped

import clustermarketing as cm
from clustermarketing.engine.deviation import membership_values
from clustermarketing.engine.mechanisms import Mechanisms
from clustermarketing.engine.mechanisms.alliance import NEED, SPARE
from clustermarketing.models import PRESETS
from conftest import small, world_state

# graded complementarity for the three optoelectronics segments (fibre, lasers, devices)
COMP = "firms.complementarity=[[0,0.5,1],[0.5,0,0.8],[1,0.8,0.2]]"


@pytest.fixture
def hand() -> Any:
    spy.install()
    yield _hand
    spy.remove()


def _hand(example: str = "footwear", *overrides: str, periods: int = 4, seed: int = 2):
    _w, st, ctx = world_state(small(example, *overrides, firms=100), "marketing_alliance", seed)
    for _ in range(periods):
        stepped(st, ctx)
    return st, ctx


def _allies(p: Any) -> np.ndarray:
    """Dense (n, n): ties or structure links to effective members, no self-links."""
    n = p.eff.size
    links = p.world.ties.toarray() > 0
    if p.structure is not None:
        links |= p.structure.adj.toarray()[:n, :n] > 0
    np.fill_diagonal(links, False)
    return links & p.eff[None, :]


def test_brand_sharing_and_bundles_follow_their_formulas(hand: Any) -> None:
    st, ctx = hand("optoelectronics", COMP)
    _, seen = stepped(st, ctx)
    p, terms = seen["p_mid"], seen["mkt"].terms
    mid = p.state
    cfg, g_c = ctx.model.alliance, ctx.sc.demand.goodwill_weight
    n, m = p.eff.size, p.world.n_markets
    comp = np.array([[0, 0.5, 1], [0.5, 0, 0.8], [1, 0.8, 0.2]])
    seg = p.world.segment
    allies = _allies(p)
    avail = (mid.access | (p.eff[:, None] & mid.coop_access[None, :])) & mid.active[:, None]
    brand = np.zeros(n)
    bundle = np.zeros((n, m))
    for i in range(n):
        js = np.flatnonzero(allies[i])
        if js.size:
            brand[i] = cfg.brand_sharing * g_c * np.log1p(mid.goodwill[js].mean())
            for k in range(m):
                bundle[i, k] = cfg.bundle_utility * np.sum(comp[seg[i], seg[js]] * avail[js, k])
                bundle[i, k] /= js.size
    assert brand[p.eff].max() > 0 and bundle[p.eff].max() > 0
    # the member brand term is the alliance's alone here (no regional brand in this preset)
    np.testing.assert_allclose(terms.member_brand, brand, rtol=1e-12, atol=1e-12)
    alliance = next(mm for mm in ctx.mechanisms.active if mm.name == "alliance")
    np.testing.assert_allclose(alliance.pair_utility(p), bundle, rtol=1e-12, atol=1e-12)


def test_channel_flows_are_rival_and_match_a_loop(hand: Any) -> None:
    st, ctx = hand("footwear", "firms.channel_ratio=0.7", periods=5)
    before, seen = stepped(st, ctx)
    p = seen["p_mid"]
    n = p.eff.size
    allies = _allies(p)
    ci = ctx.model.alliance.channel_interdependence
    need, spare = before.extra[NEED][:n], before.extra[SPARE][:n]
    offer = np.where(p.eff, ci * spare, 0.0)
    k = allies.sum(axis=1)
    asked = np.zeros(n)
    for i in np.flatnonzero(p.eff & (k > 0)):
        asked[allies[i]] += need[i] / k[i]
    received, lent = np.zeros(n), np.zeros(n)
    for i in np.flatnonzero(k > 0):
        for j in np.flatnonzero(allies[i]):
            ask = need[i] / k[i]
            load = asked[j] + (0.0 if p.eff[i] else ask)
            grant = ask * min(1.0, offer[j] / load) if load > 0 else 0.0
            received[i] += grant
            if p.eff[i]:
                lent[j] += grant
    alliance = next(mm for mm in ctx.mechanisms.active if mm.name == "alliance")
    got, gave = alliance._channel_flows(p)
    np.testing.assert_allclose(got, received, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(gave, lent, rtol=1e-12, atol=1e-9)
    eff = p.eff
    assert got[eff].sum() > 0
    # capacity is counted once: what members receive is what members lend
    assert got[eff].sum() == pytest.approx(gave.sum(), rel=1e-12)
    assert (got <= need + 1e-9).all() and (gave <= offer + 1e-9).all()
    # ... and it is what the market used
    np.testing.assert_allclose(alliance.member_channel_extra(p), got - gave, rtol=1e-12)


def test_joiners_counterfactual_includes_allies_channels(hand: Any) -> None:
    st, ctx = hand("footwear", "firms.channel_ratio=0.7", periods=5)
    _, seen = stepped(st, ctx)
    p, mkt, books = seen["p_mid"], seen["mkt"], seen["books"]
    acc = _access_of(p)
    inside = membership_values(p, mkt=mkt, acc=acc, books=books, hooks=ctx.mechanisms)
    alliance = next(mm for mm in ctx.mechanisms.active if mm.name == "alliance")
    got, _ = alliance._channel_flows(p)
    joiners = p.state.active & ~p.eff & (got > 1.0)
    assert joiners.any()
    # the same counterfactual with the channel interdependence off
    cfg = ctx.model
    off = cfg.model_copy(
        update={"alliance": cfg.alliance.model_copy(update={"channel_interdependence": 0.0})}
    )
    without = membership_values(p, mkt=mkt, acc=acc, books=books, hooks=Mechanisms(off, ctx.sc))
    # a joiner whose would-be allies grant it channel earns at least as much inside, and some
    # (those whose own channel binds) more
    assert (inside.joiner[joiners] >= without.joiner[joiners] - 1e-9).all()
    assert (inside.joiner[joiners] > without.joiner[joiners] + 1e-6).any()
    # a member's outside option has no allies' channel either way
    np.testing.assert_allclose(inside.profit_outside, without.profit_outside)


def _access_of(p: Any) -> Any:
    """The period's access as the market saw it (the state after the access phase)."""
    from clustermarketing.engine.access import Access

    st, n = p.state, p.eff.size
    avail = (st.access | (p.eff[:, None] & st.coop_access[None, :])) & st.active[:, None]
    zero = np.zeros(n)
    return Access(st.access, st.coop_access, avail, zero, 0.0, np.zeros_like(avail), zero, 0.0, 0)


def _diff(r: cm.SimulationResult, metric: str) -> dict:
    return r.summary["metrics"][metric]["difference"]


def test_targets_in_the_variant_and_best_response() -> None:
    preset = PRESETS["marketing_alliance"]
    example, overrides = preset.variant
    sc = small(example, *overrides, firms=120)
    r = cm.simulate(
        sc, model="marketing_alliance", replicates=3, periods=20, seed=8, diagnostics=(4, 20)
    )
    for metric, sign in preset.targets.items():
        d = _diff(r, metric)
        assert (d["ci_low"] > 0) if sign == "+" else (d["ci_high"] < 0), (metric, d)
    assert r.summary["diagnostics"]["membership_best_response"] >= 0.9


def test_key_parameters_off_remove_the_effect() -> None:
    preset = PRESETS["marketing_alliance"]
    example, overrides = preset.variant
    sc = small(example, *overrides, *preset.key_off, firms=120)
    r = cm.simulate(sc, model="marketing_alliance", replicates=3, periods=20, seed=8)
    for metric in preset.targets:
        d = _diff(r, metric)
        if d["mean"] is None:  # nobody cooperates: a member mean is undefined in both arms
            assert r.summary["metrics"]["membership_rate"]["model"]["mean"] == 0.0
            continue
        assert d["ci_low"] <= 0 <= d["ci_high"], (metric, d)


def test_alliance_alone_is_a_cooperative_and_helps_its_members() -> None:
    """Without any pooled function the alliance's own mechanisms still run (and pay)."""
    sc = small(
        "footwear",
        "firms.channel_ratio=0.8",
        "model.pooled_functions=[]",
        "solver.cooperative_cost_saving=0",
        firms=120,
    )
    assert sc.model_config_for("marketing_alliance").cooperative
    on = cm.simulate(sc, model="marketing_alliance", replicates=3, periods=16, seed=2)
    assert _diff(on, "bundle_sales")["ci_low"] > 0


@pytest.mark.parametrize(
    ("field", "scenario", "extra"),
    [
        ("brand_sharing", "footwear", ("demography.affordability=0.3",)),
        ("bundle_utility", "footwear", ()),
        ("channel_interdependence", "footwear", ("firms.channel_ratio=0.7",)),
    ],
)
def test_every_parameter_raises_members_sales(
    hand: Any, field: str, scenario: str, extra: tuple[str, ...]
) -> None:
    """One period from the same state, with and without the setting: members sell more."""
    import copy

    st, ctx = hand(scenario, *extra, periods=5)
    runs = {}
    for value in ("on", "off"):
        s2, c2 = copy.deepcopy(st), copy.copy(ctx)
        if value == "off":
            model = ctx.model.model_copy(
                update={"alliance": ctx.model.alliance.model_copy(update={field: 0.0})}
            )
            c2.switch_model(model, ctx.start)
            c2.member_log = list(ctx.member_log)
        _, seen = stepped(s2, c2)
        runs[value] = seen
    eff = runs["on"]["p"].eff
    np.testing.assert_array_equal(eff, runs["off"]["p"].eff)
    gain = runs["on"]["mkt"].units[eff] - runs["off"]["mkt"].units[eff]
    assert gain.sum() > 0
    lo, _ = ci95(gain)
    assert lo > 0 or field == "channel_interdependence"  # lending is a loss to the lender


def test_bundle_sales_need_matching() -> None:
    sc = small("footwear", "model.alliance.bundle_utility=0", firms=60)
    r = cm.simulate(sc, model="marketing_alliance", replicates=1, periods=4, seed=1)
    assert (r.cluster.bundle_sales == 0).all()


def test_deterministic() -> None:
    sc = small("footwear", firms=60)
    a = cm.simulate(sc, model="marketing_alliance", replicates=2, periods=4, seed=3)
    b = cm.simulate(sc, model="marketing_alliance", replicates=2, periods=4, seed=3)
    assert a.to_json() == b.to_json()
