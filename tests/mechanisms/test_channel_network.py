"""Channel network sharing (engine/mechanisms/channel_network.py; seed 000, seed 001 "1 + 1 > 2").

The rental clearing against an independent per-link loop and its invariants, the books of a
stepped period (grants only over structure links between complementary members, rent paid equals
rent received, the renter pays for what it used), the platform's routes, fees and fixed cost,
the preset's targets against the baseline (paired CIs on common random numbers) and their
removal with renting and the platform off, seed 001's resource complementarity (pooled output
above the sum of solo outputs when segments complement each other, not when they do not),
membership as a best response, every parameter's effect, determinism and a CLI run.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
import spy as spy_mechanism
from hypothesis import given, settings
from hypothesis import strategies as st
from spy import ci95
from typer.testing import CliRunner

import clustermarketing as cm
from clustermarketing.cli.main import app
from clustermarketing.engine.mechanisms.channel_network import carry_weights, clear_rentals
from clustermarketing.engine.period import step
from clustermarketing.models import PRESETS
from conftest import small, world_state

MODEL = "channel_network_sharing"
#: where rentals happen: members linked to each other, own channels below capacity
RENTING = ("model.structure.kind=network", "firms.channel_ratio=0.7")


# ---- the clearing ------------------------------------------------------------------------------
def _one_round_by_hand(n, links, spare, need):
    """One clearing round, link by link (independent of the vectorised code)."""
    rows, cols, w = links
    supply = [0.0] * n
    for i, j, x in zip(rows, cols, w, strict=True):
        supply[j] += x * spare[i]
    requests = []
    for i, j, x in zip(rows, cols, w, strict=True):
        ask = min(need[j], supply[j])
        requests.append(ask * x * spare[i] / supply[j] if supply[j] > 0 else 0.0)
    load = [0.0] * n
    for (i, _, x), r in zip(zip(rows, cols, w, strict=True), requests, strict=True):
        load[i] += r / x
    return [
        r * (min(1.0, spare[i] / load[i]) if load[i] > 0 else 1.0)
        for (i, _, _), r in zip(zip(rows, cols, w, strict=True), requests, strict=True)
    ]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 9), density=st.floats(0.1, 0.9), seed=st.integers(0, 10_000))
def test_clearing_matches_a_link_by_link_round_and_keeps_its_bounds(n, density, seed) -> None:
    rng = np.random.default_rng(seed)
    adj = np.triu(rng.uniform(size=(n, n)) < density, 1)
    adj = adj | adj.T
    segment = rng.integers(0, 3, n)
    comp = rng.uniform(0, 1, (3, 3)) * (rng.uniform(size=(3, 3)) < 0.8)
    members = rng.uniform(size=n) < 0.85
    links = carry_weights(sp.csr_matrix(adj.astype(float)), segment, comp, members)
    rows, cols, w = links
    # links: only between linked members, weighted by c[renter's segment, provider's segment]
    for i, j, x in zip(rows, cols, w, strict=True):
        assert adj[i, j] and members[i] and members[j] and x == comp[segment[j], segment[i]] > 0
    spare = rng.uniform(0, 100, n) * (rng.uniform(size=n) < 0.6)
    need = rng.uniform(0, 100, n) * (spare == 0)
    g1, _, _ = clear_rentals(links, spare, need, rounds=1)
    assert np.allclose(g1, _one_round_by_hand(n, links, spare, need))
    g, rented, lent = clear_rentals(links, spare, need)
    assert (g >= -1e-12).all() and (g >= g1 - 1e-9).all()  # later rounds only add
    assert (rented <= need + 1e-9).all()  # nobody rents more than it needs
    assert (lent <= spare + 1e-9).all()  # nor lends more than it has spare
    assert rented.sum() == pytest.approx(g.sum())
    assert lent.sum() == pytest.approx((g / w).sum() if g.size else 0.0)


def test_substitutes_rent_nothing() -> None:
    adj = sp.csr_matrix(np.ones((4, 4)) - np.eye(4))
    same = carry_weights(adj, np.zeros(4, dtype=int), np.zeros((1, 1)), np.ones(4, dtype=bool))
    _, rented, _ = clear_rentals(same, np.array([50.0, 50, 0, 0]), np.array([0, 0, 40.0, 40]))
    assert rented.sum() == 0.0


# ---- the mechanism in stepped periods -----------------------------------------------------------
@pytest.fixture
def spy() -> Any:
    """The shared spy mechanism (tests/mechanisms/spy.py), registered for one test."""
    spy_mechanism.install()
    yield spy_mechanism.Spy
    spy_mechanism.remove()


def _stepped(*overrides: str, periods: int = 5, seed: int = 3) -> tuple[Any, Any, list[dict]]:
    _, state, ctx = world_state(small("footwear", *RENTING, *overrides, firms=100), MODEL, seed)
    records = [step(state, ctx) for _ in range(periods)]
    return state, ctx, records


def test_books_of_a_renting_period(spy: Any) -> None:
    state, ctx, _ = _stepped("model.channel_network.platform=false", periods=4)
    before = copy.deepcopy(state)
    rec = step(state, ctx)
    p, mkt, books = spy.last["p_mid"], spy.last["mkt"], spy.last["books"]
    n, seg = p.world.n, p.world.segment
    links = p.structure.adj[:n, :n].toarray() > 0
    spare = before.extra["channel_network.spare"]
    need = before.extra["channel_network.need"]
    got = carry_weights(p.structure.adj[:n, :n], seg, 1.0 - np.eye(2), p.eff & p.state.active)
    g, rented, lent = clear_rentals(got, spare, need)
    rows, cols, _ = got
    assert rented.sum() > 0
    # grants flow over member-to-member links, from a spare channel to an unmet need, between
    # different (complementary) segments
    carried = g > 0
    assert links[rows[carried], cols[carried]].all()
    assert (seg[rows[carried]] != seg[cols[carried]]).all()
    assert (spare[rows[carried]] > 0).all() and (need[cols[carried]] > 0).all()
    # the renter pays for what it used, the provider receives it: money only moves
    paid = -books.transfers["channel_rent_paid"]
    received = books.transfers["channel_rent_received"]
    assert paid.sum() == pytest.approx(received.sum())
    own = before.extra["channel_network.own"] + mkt.channel_share
    used = np.clip(mkt.units - own, 0.0, rented)
    assert np.allclose(paid, ctx.model.channel_network.channel_fee * used)
    assert rec["channel_rented"] == pytest.approx(used.sum())
    assert used.sum() > 0
    # a renter's sales stay within its own channel plus what it rented; a provider's within
    # what it kept
    assert (mkt.units <= own + rented - lent + 1e-6).all()


def test_platform_opens_its_markets_to_members_only(spy: Any) -> None:
    state, ctx, _ = _stepped(
        "model.channel_network.rent=false", "model.channel_network.platform_markets=[national]"
    )
    rec = step(state, ctx)
    p, mkt = spy.last["p_mid"], spy.last["mkt"]
    via = mkt.via
    assert via.any()
    assert (mkt.market[via] == 1).all()  # only the platform's market
    assert p.eff[mkt.firm[via]].all()  # only members
    assert rec["platform_sales"] == pytest.approx(mkt.sales[via].sum())


def test_platform_costs() -> None:
    # the fixed cost is the cooperative's (first period: same state, same draws)
    _, _, free = _stepped("model.channel_network.platform_fixed_cost=0", periods=1)
    _, _, paid = _stepped("model.channel_network.platform_fixed_cost=5000", periods=1)
    assert paid[0]["pooled_cost"] - free[0]["pooled_cost"] == pytest.approx(5000.0)
    # the unit fee is a marginal cost of the pairs sold through it: fewer platform sales
    _, _, dear = _stepped("model.channel_network.platform_unit_fee=3", periods=1)
    assert dear[0]["platform_sales"] < free[0]["platform_sales"]


@pytest.mark.parametrize(
    ("override", "metric"),
    [
        ("model.channel_network.rent=false", "channel_rented"),
        ("model.channel_network.channel_fee=3", "membership_rate"),
        ("model.channel_network.platform=false", "platform_sales"),
        ("model.channel_network.platform_markets=[international]", "platform_sales"),
        ("model.channel_network.platform_fixed_cost=0", "pooled_cost"),
        ("model.channel_network.platform_unit_fee=2", "platform_sales"),
        ("firms.complementarity=[[0,0.3],[0.3,0]]", "channel_rented"),
    ],
)
def test_every_parameter_has_an_effect(override: str, metric: str) -> None:
    _, _, base = _stepped(periods=6)
    _, _, other = _stepped(override, periods=6)
    assert [r[metric] for r in base] != [r[metric] for r in other]


# ---- effects against the baseline ---------------------------------------------------------------
def _run(*overrides: str, diagnostics: bool = False, firm_panel: bool = False):
    example, variant = PRESETS[MODEL].variant
    sc = small(example, *variant, *overrides, firms=120)
    return cm.simulate(
        sc,
        model=MODEL,
        replicates=3,
        periods=20,
        seed=7,
        diagnostics=diagnostics,
        firm_panel=firm_panel,
    )


def test_targets_move_against_the_baseline_and_members_stay_by_choice() -> None:
    r = _run(diagnostics=True)
    for metric, sign in PRESETS[MODEL].targets.items():
        d = r.summary["metrics"][metric]["difference"]
        assert (d["ci_low"] > 0) if sign == "+" else (d["ci_high"] < 0), metric
    assert r.summary["diagnostics"]["membership_best_response"] >= 0.9


def test_no_renting_no_platform_no_effect() -> None:
    r = _run(*PRESETS[MODEL].key_off)
    for metric in PRESETS[MODEL].targets:
        d = r.summary["metrics"][metric]["difference"]
        assert d["ci_low"] <= 0 <= d["ci_high"], metric


def _pooled_minus_solo(r: cm.SimulationResult) -> np.ndarray:
    """Per replicate, mean per period: members' total units minus the same firms' units had
    each marketed alone (the baseline arm, same random numbers)."""
    f = r.firms
    key = ["replicate", "period", "firm"]
    m = f[f.arm == "model"].set_index(key)
    b = f[f.arm == "baseline"].set_index(key)["output"].rename("solo")
    j = m[["member", "output"]].join(b)
    j = j[j.member]
    return ((j.output - j.solo).groupby("replicate").sum() / r.cluster.period.nunique()).to_numpy()


def test_resource_complementarity_one_plus_one_above_two_seed_001() -> None:
    """Seed 001 §3.2: partners' different resources make cooperation pay, "1 + 1 > 2".

    Members with spare channels and members with unmet demand pool them. Their output is above
    the sum of their solo outputs by more when they rent to each other than when each keeps to
    its own channel (the same cooperative, renting off) — when their segments complement each
    other. With a zero complementarity matrix nothing is carried and renting adds nothing: the
    run is the no-renting run, firm by firm.
    """
    platform_off = "model.channel_network.platform=false"
    rent = _run(platform_off, firm_panel=True)
    alone = _run(platform_off, "model.channel_network.rent=false", firm_panel=True)
    substitutes = _run(platform_off, "firms.complementarity=[[0,0],[0,0]]", firm_panel=True)
    assert (_pooled_minus_solo(rent) > 0).all()
    lo, _ = ci95(_pooled_minus_solo(rent) - _pooled_minus_solo(alone))
    assert lo > 0
    assert rent.summary["metrics"]["channel_rented"]["model"]["mean"] > 0
    assert substitutes.summary["metrics"]["channel_rented"]["model"]["mean"] == 0.0
    assert np.array_equal(_pooled_minus_solo(substitutes), _pooled_minus_solo(alone))
    cols = ["replicate", "arm", "period", "firm", "output", "profit", "member"]
    assert substitutes.firms[cols].equals(alone.firms[cols])


def test_same_seed_same_output() -> None:
    sc = small("footwear", *RENTING, firms=60)
    a = cm.simulate(sc, model=MODEL, replicates=2, periods=4, seed=5)
    b = cm.simulate(sc, model=MODEL, replicates=2, periods=4, seed=5)
    assert a.to_json() == b.to_json()


def test_cli_run_reports_platform_and_rented_channel(tmp_path) -> None:
    args = ["run", "footwear", "--model", MODEL, "--periods", "4", "--replicates", "2"]
    for o in ("firms.count=60", *RENTING):
        args += ["--set", o]
    res = CliRunner().invoke(app, [*args, "--format", "json", "--out", str(tmp_path / "cn")])
    assert res.exit_code == 0, res.output
    metrics = json.loads(res.stdout)["metrics"]
    assert metrics["platform_sales"]["model"]["mean"] > 0
    assert metrics["channel_rented"]["model"]["mean"] > 0
    assert (tmp_path / "cn" / "summary.json").exists()
    bad = CliRunner().invoke(
        app,
        ["validate", "footwear", "--set", "model.channel_network.platform_markets=[home,home]"],
    )
    assert bad.exit_code == 2 and "platform_markets" in bad.output
    assert "Traceback" not in bad.output
