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


def _variant(name: str, *extra: str) -> cm.Scenario:
    example, overrides = PRESETS[name].variant
    return cm.load_scenario(
        example, ["firms.count=150", f"model.preset={name}", *overrides, *extra]
    )


def _excludes_zero(leaf: dict) -> bool:
    return leaf["ci_low"] is not None and (leaf["ci_low"] > 0 or leaf["ci_high"] < 0)


@pytest.mark.parametrize("name", COOPERATIVE_MODELS)
def test_targets_move_as_declared_and_membership_is_a_best_response(name: str) -> None:
    """In its variant scenario each preset moves the metrics its mechanisms target, in the
    declared direction (paired 95% CI excluding zero), and members' status is a best response."""
    preset = PRESETS[name]
    assert preset.targets, f"{name} declares no targets"
    r = cm.simulate(_variant(name), replicates=3, periods=20, seed=21, diagnostics=(3, 20))
    for metric, sign in preset.targets.items():
        d = r.summary["metrics"][metric]["difference"]
        assert _excludes_zero(d), (metric, d)
        assert (d["mean"] > 0) == (sign == "+"), (metric, d)
    assert r.summary["diagnostics"]["membership_best_response"] >= 0.9


@pytest.mark.parametrize("name", COOPERATIVE_MODELS)
def test_zeroing_the_key_parameters_removes_the_effect(name: str) -> None:
    preset = PRESETS[name]
    assert preset.key_off, f"{name} declares no key parameters"
    r = cm.simulate(_variant(name, *preset.key_off), replicates=3, periods=20, seed=21)
    for metric in preset.targets:
        d = r.summary["metrics"][metric]["difference"]
        assert not _excludes_zero(d), (metric, d)
