"""Mutation fuzz: the template of ``clustermarketing new`` with 1–3 fields set to junk either
fails validation with a ScenarioError or simulates without any exception (issue 8).

The junk is what a user or a broken script produces: -1, ±1e308, ±inf, NaN, -0.0, 2^63, "",
lists, booleans, None, text. A scenario that validates must simulate; a run whose numbers turn
non-finite must stop with a SimulationError naming period and quantity (tested with a patched
period step, because no validated scenario is known to do it).
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clustermarketing as cm
from clustermarketing.engine import runner as engine_run
from clustermarketing.engine.guard import SimulationError
from clustermarketing.errors import ScenarioError
from clustermarketing.models import resolve_model
from clustermarketing.models.config import ModelConfig
from clustermarketing.scenario import load_scenario
from clustermarketing.scenario.template import annotated_template

COOPERATIVE = ["collective_mark", "share_marketing_channel", "exhibition_promotion"]


def _template(model: str) -> dict[str, Any]:
    """The ``new`` template with every model field written out, small and short, so that a
    simulated mutation takes ~0.1 s (a mutation may override these)."""
    data = yaml.safe_load(annotated_template(model=model))
    data["firms"]["count"] = 40
    data["horizon"] = 4
    data["replicates"] = 1
    data["model"] = resolve_model(data["model"]).model_dump(mode="json")
    return data


TEMPLATES = {m: _template(m) for m in COOPERATIVE}
TEMPLATE = TEMPLATES["collective_mark"]


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, (*path, k))]
    if isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
        return [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))]
    return [path]


LEAVES = [p for p in _leaves(TEMPLATE) if p[0] not in ("name", "description")]

JUNK: list[Any] = [
    -1,
    0,
    1,
    -0.0,
    0.5,
    1e9,
    1e308,
    -1e308,
    math.inf,
    -math.inf,
    math.nan,
    2**63,
    "",
    "abc",
    [],
    [1, 2],
    {},
    True,
    False,
    None,
]


def _get(data: dict[str, Any], path: tuple[Any, ...]) -> Any:
    node: Any = data
    for key in path:
        node = node[key]
    return node


def _near(current: Any, factor: float) -> Any:
    """A scaled copy of a template value (numbers only; anything else as it is)."""
    if isinstance(current, bool) or not isinstance(current, int | float):
        return current
    value = current * factor
    return int(value) if isinstance(current, int) else value


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _simulate_small(sc: cm.Scenario) -> None:
    cm.simulate(sc, periods=min(sc.horizon, 4), replicates=1)


#: Besides junk, values near the template's (×0, ×0.1, ×10, ×100, negated): most of these
#: validate, so the simulation path is exercised too, at the edges of the ranges.
FACTORS = [0.0, 0.1, 10.0, 100.0, -1.0]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(LEAVES),
            st.one_of(st.sampled_from(JUNK), st.sampled_from(FACTORS).map(lambda f: ("×", f))),
        ),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(COOPERATIVE),
)
def test_mutated_template_is_rejected_or_simulates(
    mutations: list[tuple[Any, Any]], model: str
) -> None:
    data = copy.deepcopy(TEMPLATES[model])
    for path, value in mutations:
        if isinstance(value, tuple):  # a scaled template value
            value = _near(_get(data, path), value[1])
        _set(data, path, value)
    try:
        sc = load_scenario(data)
    except ScenarioError as e:
        message = str(e)
        assert "np.float64" not in message and "np.int64" not in message
        assert "Value error," not in message
        return
    _simulate_small(sc)  # any exception here fails the test


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [  # the mutations of issue 8 that validated and then crashed or computed garbage
        ("functions.brand_building.fixed_cost", -1e308, "greater than or equal to 0"),
        ("functions.brand_building.variable_cost", math.inf, "finite number"),
        ("markets.0.quality_weight", math.inf, "finite number"),
        ("markets.0.volatility", True, "not a boolean"),
        ("firms.count", 2**63, "less than or equal to 5000000"),
        ("markets.0.size", 1e308, "less than or equal to"),
        ("firms.unit_cost.mean", -1, "greater than 0"),
        ("demand.distribution_cost", math.nan, "finite number"),
        ("firms.sme_access", [1, True, 0.1], "not a boolean"),
    ],
)
def test_issue_junk_is_rejected(path: str, value: Any, expected: str) -> None:
    data = copy.deepcopy(TEMPLATE)
    _set(data, tuple(int(p) if p.isdigit() else p for p in path.split(".")), value)
    with pytest.raises(ScenarioError, match=expected) as info:
        load_scenario(data)
    assert path in str(info.value)


@pytest.mark.parametrize("path", ["firms.unit_cost.sd", "firms.quality.sd", "firms.taste_sd"])
def test_negative_zero_sd_simulates(path: str) -> None:
    data = copy.deepcopy(TEMPLATE)
    _set(data, tuple(path.split(".")), -0.0)
    sc = load_scenario(data)
    node: Any = sc
    for part in path.split("."):
        node = getattr(node, part)
    assert node == 0.0 and math.copysign(1.0, node) == 1.0
    _simulate_small(sc)


def test_every_numeric_field_is_bounded() -> None:
    from clustermarketing.scenario.schema import Scenario
    from clustermarketing.scenario.template import walk

    docs = walk(Scenario.model_json_schema()) + walk(ModelConfig.model_json_schema(), "model.")
    for d in docs:
        if d.type in ("number", "integer"):
            assert "[" in d.range or "(" in d.range, (d.path, d.range)


def test_non_finite_period_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    real_step = engine_run.step

    def step(state: Any, ctx: Any) -> dict[str, float]:
        record = real_step(state, ctx)
        if record["period"] == 2:
            record["consumer_surplus"] = math.inf
        return record

    monkeypatch.setattr(engine_run, "step", step)
    sc = load_scenario("footwear", ["firms.count=40", "burn_in=0"])
    with pytest.raises(SimulationError) as info:
        cm.simulate(sc, periods=4, replicates=1)
    message = str(info.value)
    assert "'consumer_surplus' became inf in period 2" in message
    assert "replicate 0" in message
