"""Invariants of the engine on randomly drawn scenarios and models (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clustermarketing as cm
from clustermarketing.engine.period import step
from conftest import BUILT_MODELS, world_state

STRUCTURES = ["star", "hierarchical", "chain", "network"]
RULES = ["equal", "proportional", "dues", "commission", "shapley", "nucleolus"]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[cm.Scenario, str]:
    example = draw(st.sampled_from(["optoelectronics", "footwear", "dispersed"]))
    model = draw(st.sampled_from(BUILT_MODELS))
    overrides = [
        f"firms.count={draw(st.integers(5, 60))}",
        f"ties.strong_degree={draw(st.floats(0, 8))}",
        f"ties.weak_degree={draw(st.floats(0, 12))}",
        f"ties.proximity={draw(st.floats(0, 1))}",
        f"diffusion.signal_rate={draw(st.floats(0, 1))}",
        f"membership.initial_share={draw(st.floats(0, 1))}",
        f"contribution.mutation={draw(st.floats(0, 0.5))}",
        f"solver.cooperative_cost_saving={draw(st.floats(0, 0.5))}",
        f"model.structure.kind={draw(st.sampled_from(STRUCTURES))}",
        f"model.function_interest.rule={draw(st.sampled_from(RULES))}",
        f"model.regulation.monitoring={draw(st.floats(0, 1))}",
    ]
    return cm.load_scenario(example, overrides), model


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**31 - 1))
def test_invariants_hold_on_random_scenarios(case: tuple[cm.Scenario, str], seed: int) -> None:
    sc, model = case
    w, state, ctx = world_state(sc, model, seed=seed)
    for _ in range(6):
        reserve = state.reserve
        rec = step(state, ctx)
        assert np.all(state.output <= w.capacity + 1e-6)
        assert np.all(state.output >= 0)
        assert np.all(np.isfinite(state.cash))
        assert np.all((state.trust >= 0) & (state.trust <= 1))
        assert not np.any(state.member & ~state.active)
        assert not np.any(state.contributes & ~state.member)
        income = rec["subsidy"] + rec["fees"] + rec["fines"] + reserve
        assert np.isclose(rec["allocated_cost"], rec["to_allocate"], rtol=1e-9, atol=1e-6)
        assert np.isclose(
            rec["pooled_cost"] + rec["reserve"],
            rec["allocated_cost"] + income,
            rtol=1e-9,
            atol=1e-6,
        )
        assert rec["price_converged"] == 1.0


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**31 - 1))
def test_same_seed_same_result_on_random_scenarios(
    case: tuple[cm.Scenario, str], seed: int
) -> None:
    sc, model = case
    a = cm.simulate(sc, model=model, seed=seed, replicates=1, periods=4).to_json()
    b = cm.simulate(sc, model=model, seed=seed, replicates=1, periods=4).to_json()
    assert a == b
