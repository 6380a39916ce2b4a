"""The experiment file: the issue's minimal file works as written; bad input names the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from exp_helpers import MINIMAL, small_experiment, write_experiment
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustermarketing.experiments import ExperimentError, parse_experiment, plan, read_experiment
from clustermarketing.experiments.template import TEMPLATE


def test_minimal_file_from_the_issue(tmp_path: Path) -> None:
    exp = read_experiment(write_experiment(tmp_path / "e.yaml", MINIMAL))
    p = plan(exp)
    assert len(p.design) == 16 and p.total == 32
    assert p.periods == 12 and p.outcomes == ["sme_profit", "cooperation_rate"]
    # strong_degree is a float field → uniform; the design stays in its bounds
    assert [q.kind for q in p.parameters] == ["uniform", "uniform"]
    assert p.design["ties.strong_degree"].between(1, 8).all()
    assert p.design["model.regulation.fine"].between(0, 500).all()


def test_template_is_a_valid_experiment(tmp_path: Path) -> None:
    exp = read_experiment(write_experiment(tmp_path / "t.yaml", TEMPLATE))
    assert plan(exp).total == 32


def test_integer_kind_inferred_from_base_value() -> None:
    exp = parse_experiment(
        small_experiment(parameters={"firms.count": {"low": 40, "high": 80}}, set={})
    )
    p = plan(exp)
    assert p.parameters[0].kind == "integer"
    assert all(isinstance(v, int) for v in p.design["firms.count"])


def test_hash_changes_with_any_field_and_with_the_base_file(tmp_path: Path) -> None:
    a = parse_experiment(small_experiment())
    b = parse_experiment(small_experiment(seed=8))
    assert a.experiment_hash() == parse_experiment(small_experiment()).experiment_hash()
    assert a.experiment_hash() != b.experiment_hash()
    sc = tmp_path / "sc.yaml"
    sc.write_text("name: x\nfirms: {count: 60}\n")
    e = write_experiment(tmp_path / "e.yaml", small_experiment(base="sc.yaml", set={}))
    h1 = read_experiment(e).experiment_hash()
    sc.write_text("name: x\nfirms: {count: 61}\n")
    assert read_experiment(e).experiment_hash() != h1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"replicate": 2}, "replicate: unknown key"),
        ({"replicates": 0}, "replicates: Input should be greater than or equal to 1 (got 0)"),
        ({"models": ["nope"]}, "models: unknown model 'nope'; expected one of"),
        ({"models": ["independent"]}, "models: 'independent' is the baseline"),
        ({"outcomes": ["profits"]}, "outcomes: unknown metric 'profits'"),
        ({"design": {"kind": "lhs"}}, "design.points: required field is missing"),
        ({"design": {"kind": "sobol", "n": 12}}, "design.n: 12; expected a power of 2"),
        ({"design": {"kind": "box"}}, "design: kind: expected one of grid, lhs, sobol"),
        (
            {"parameters": {"ties.strong_degree": {"low": 5, "high": 1}}},
            "parameters.ties.strong_degree: low (5) must be below high (1)",
        ),
        (
            {"parameters": {"ties.strong_degree": {"low": 0, "high": 1, "kind": "log_uniform"}}},
            "log_uniform needs low > 0",
        ),
    ],
)
def test_bad_fields_are_named(change: dict, message: str) -> None:
    with pytest.raises(ExperimentError) as err:
        parse_experiment(small_experiment(**change), "e.yaml")
    assert message in str(err.value)
    assert str(err.value).startswith("e.yaml: ")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"parameters": {"ties.strong_degre": {"low": 1, "high": 2}}},
            "parameters.ties.strong_degre: value 1.0 gives an invalid scenario: ties.strong_degre: unknown key",
        ),
        (
            {"parameters": {"model.regulation.fiine": {"low": 1, "high": 2}}},
            "parameters.model.regulation.fiine: value 1",
        ),
        (
            {"parameters": {"ties.strong_degree": {"low": 1, "high": 900}}},
            "parameters.ties.strong_degree: value 900.0 gives an invalid scenario",
        ),
        ({"set": {"firms.count": -3}}, "set: firms.count"),
        ({"base": "nowhere"}, "base: scenario: 'nowhere' is neither a file"),
        (
            {"set": {"ties.strong_degree": 3}},
            "parameters.ties.strong_degree: also fixed under set",
        ),
    ],
)
def test_paths_and_bounds_checked_before_any_run(change: dict, message: str) -> None:
    with pytest.raises(ExperimentError) as err:
        plan(parse_experiment(small_experiment(**change)))
    assert message in str(err.value)


def test_duplicate_yaml_key_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + "seed: 8\n"
    with pytest.raises(ExperimentError, match=r"key 'seed' given twice \(first on line 11\)"):
        read_experiment(write_experiment(tmp_path / "e.yaml", text))


def test_list_design_points_are_checked() -> None:
    exp = small_experiment(
        parameters={},
        design={"kind": "list", "points": [{"ties.strong_degree": 2}, {"ties.strong_degree": -1}]},
    )
    with pytest.raises(ExperimentError, match=r"design.points.1: invalid scenario"):
        plan(parse_experiment(exp))
    exp["design"]["points"][1] = {"ties.weak_degree": 3}
    with pytest.raises(ExperimentError, match=r"design.points.1: parameters"):
        parse_experiment(exp)


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from([*sorted(yaml.safe_load(MINIMAL)), "bogus"]), value=_values)
def test_fuzzed_fields_give_one_clear_error_or_a_valid_experiment(key: str, value: object) -> None:
    data = small_experiment()
    data[key] = value
    try:
        exp = parse_experiment(data, "e.yaml")
    except ExperimentError as e:
        assert str(e).startswith("e.yaml: ")
        assert "Traceback" not in str(e) and "np.float64" not in str(e)
        return
    try:
        plan(exp)
    except ExperimentError as e:
        assert "np.float64" not in str(e)
