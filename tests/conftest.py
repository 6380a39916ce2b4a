"""Shared fixtures: small, fast scenarios built from the shipped examples."""

from __future__ import annotations

import numpy as np
import pytest

import clustermarketing as cm
from clustermarketing.engine.build import build
from clustermarketing.engine.period import Context, make_streams
from clustermarketing.models import BASELINE, PRESETS

#: every registered preset that is built (the registry is the one list; never hand-kept)
BUILT_MODELS = [name for name, p in PRESETS.items() if p.implemented]
#: the built cooperative models (everything but the independent baseline)
COOPERATIVE_MODELS = [name for name in BUILT_MODELS if name != BASELINE]


def small(example: str = "footwear", *overrides: str, firms: int = 120) -> cm.Scenario:
    """A shipped example shrunk for unit tests."""
    return cm.load_scenario(example, [f"firms.count={firms}", *overrides])


def world_state(
    scenario: cm.Scenario, model: str | None = None, seed: int = 1, pricing: str = "nash"
):
    """A built world, its state and a run context for stepping periods by hand."""
    m = scenario.model_config_for(model)
    streams = make_streams(np.random.SeedSequence(seed))
    w, st = build(scenario, m, streams)
    ctx = Context(w, scenario, m, pricing, streams)
    ctx.mechanisms.init_state(w, st)  # the mechanisms' own state, as when a model switches on
    return w, st, ctx


@pytest.fixture
def planned_model(monkeypatch: pytest.MonkeyPatch) -> str:
    """The name of a model registered as planned but not built.

    Every shipped model is built, so the registry's handling of an unbuilt one (listed, refused
    with the built ones named) is tested on a stand-in registered for the test only."""
    from dataclasses import replace

    from clustermarketing.models import PRESETS

    stand_in = replace(
        PRESETS["collective_mark"],
        name="future_model",
        title="Future model",
        summary="a model registered before it is built",
        implemented=False,
    )
    monkeypatch.setitem(PRESETS, stand_in.name, stand_in)
    return stand_in.name


@pytest.fixture
def footwear_small() -> cm.Scenario:
    return small()
