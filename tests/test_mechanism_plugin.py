"""A mechanism is a plug-in: adding one touches nothing but its own module (here: this test).

The toy mechanism below gives effective members a fixed brand utility through the
``brand_utility`` hook and a per-period stream of its own. Registering it changes the outcome of
the models it switches on for, leaves every other model's results byte-identical, and leaves every
existing random stream untouched.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest

import clustermarketing as cm
from clustermarketing.engine import mechanisms
from clustermarketing.engine import streams as engine_streams
from clustermarketing.engine.mechanisms import Mechanism, Period
from conftest import small


class ToyBrandBoost(Mechanism):
    """Effective members get ``BOOST`` utility (× brand sensitivity) in every market."""

    name = "toy_brand_boost"
    title = "Toy: a fixed brand utility for members"
    streams: ClassVar[dict[str, str]] = {"toy.noise": "per firm: toy noise (unused draws)"}
    BOOST = 0.5

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        return model.preset == "collective_mark"

    def brand_utility(self, p: Period) -> np.ndarray:
        p.draws.uniform("toy.noise")  # drawing from its own stream shifts no other stream
        return np.where(p.eff, self.BOOST, 0.0)


@pytest.fixture
def toy() -> Any:
    mechanisms.register(ToyBrandBoost)
    yield ToyBrandBoost
    del mechanisms.MECHANISMS[ToyBrandBoost.name]
    engine_streams.DECLARED.pop("toy.noise", None)


def _run(model: str) -> cm.SimulationResult:
    return cm.simulate(small(firms=80), model=model, replicates=2, periods=6, seed=3)


def test_toy_mechanism_changes_only_the_models_it_is_on_for(toy: Any) -> None:
    mark_with = _run("collective_mark")
    channel_with = _run("share_marketing_channel")
    del mechanisms.MECHANISMS[toy.name]
    mark_without = _run("collective_mark")
    channel_without = _run("share_marketing_channel")
    mechanisms.MECHANISMS[toy.name] = toy
    assert channel_with.to_json() == channel_without.to_json()
    gain = mark_with.summary["metrics"]["member_profit"]["model"]["mean"]
    assert gain > mark_without.summary["metrics"]["member_profit"]["model"]["mean"]


def test_hook_methods_must_be_hook_points() -> None:
    class Bad(Mechanism):
        name = "bad"

        @classmethod
        def enabled(cls, model: Any, sc: Any) -> bool:
            return True

        def brand_utilty(self, p: Period) -> np.ndarray:  # misspelt hook
            return np.zeros(p.world.n)

    with pytest.raises(ValueError, match="not hook points"):
        mechanisms.register(Bad)
    assert "bad" not in mechanisms.MECHANISMS


def test_stream_names_are_unique_and_typos_fail() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        engine_streams.declare("join", "something else")
    s = engine_streams.Streams(np.random.SeedSequence(1))
    with pytest.raises(KeyError, match="not declared"):
        s.gen(0, "jion")
