"""Property tests: whatever a user feeds the loader, the only failure is a ScenarioError."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clustermarketing.errors import ScenarioError
from clustermarketing.scenario import Scenario, load_scenario

SECTIONS = list(Scenario.model_fields)
SUBKEYS = sorted(
    {k for f in Scenario.model_fields.values() for k in getattr(f.annotation, "model_fields", {})}
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["csv", "generate", "edgelist", "", ".", "nash", "star", "independent"]),
)
keys = st.one_of(st.sampled_from(SECTIONS + SUBKEYS + ["preset"]), st.text(max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)


def _load(data: Any) -> None:
    with contextlib.suppress(ScenarioError):
        load_scenario(data)


@pytest.mark.parametrize(
    "section,key,source", [("firms", "csv", "csv"), ("ties", "edgelist", "edgelist")]
)
def test_directory_as_input_file_is_a_scenario_error(section: str, key: str, source: str) -> None:
    with pytest.raises(ScenarioError):
        load_scenario({section: {"source": source, key: "."}})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, values, max_size=5))
def test_random_dicts_raise_only_scenario_error(data: dict[str, Any]) -> None:
    _load(data)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(SECTIONS),
    st.one_of(st.sampled_from(SUBKEYS), st.text(max_size=6)),
    values,
)
def test_random_section_values_raise_only_scenario_error(
    section: str, key: str, value: Any
) -> None:
    _load({section: {key: value}})
    _load({section: value})


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_random_overrides_raise_only_scenario_error(assignment: str) -> None:
    assume(".csv" not in assignment and ".edgelist" not in assignment)
    with contextlib.suppress(ScenarioError):
        load_scenario("dispersed", [assignment])
