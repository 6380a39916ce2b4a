"""The contract every registered preset fulfils (one test over the registry).

A new preset is covered by registering it: nothing here names a preset. Its effects on the
metrics its mechanisms target are checked in test_presets.py.
"""

from __future__ import annotations

import pytest

import clustermarketing as cm
from clustermarketing.engine.mechanisms import Mechanisms
from clustermarketing.engine.metrics import METRICS
from clustermarketing.models import PRESETS
from conftest import BUILT_MODELS, COOPERATIVE_MODELS, small


@pytest.mark.parametrize("name", list(PRESETS))
def test_registered_with_metadata(name: str) -> None:
    p = PRESETS[name]
    assert p.title and p.family and p.seed and p.summary
    if p.implemented:
        cfg = p.config  # validated at registration; still a valid ModelConfig
        assert cfg.preset == name


@pytest.mark.parametrize("name", COOPERATIVE_MODELS)
def test_cooperative_presets_switch_a_mechanism_on(name: str) -> None:
    cfg = PRESETS[name].config
    assert cfg.cooperative
    sc = small()
    assert Mechanisms(cfg, sc).names, f"{name} uses no mechanism plug-in"


@pytest.mark.parametrize("name", BUILT_MODELS)
def test_deterministic_worker_independent_and_complete(name: str) -> None:
    sc = small(firms=60)
    kw = {"replicates": 2, "periods": 4, "seed": 5}
    a = cm.simulate(sc, model=name, **kw)
    b = cm.simulate(sc, model=name, **kw)
    c = cm.simulate(sc, model=name, workers=2, **kw)
    assert a.to_json() == b.to_json() == c.to_json()
    assert set(a.summary["metrics"]) == set(METRICS)
    other = cm.simulate(sc, model=name, replicates=2, periods=4, seed=6)
    assert other.to_json() != a.to_json()


@pytest.mark.parametrize("name", BUILT_MODELS)
def test_validate_accepts_the_preset_and_rejects_bad_overrides(name: str) -> None:
    cm.load_scenario("footwear", [f"model.preset={name}"])
    if name in COOPERATIVE_MODELS:
        with pytest.raises(cm.errors.ScenarioError, match=r"regulation\.fine"):
            cm.load_scenario("footwear", [f"model.preset={name}", "model.regulation.fine=-1"])
