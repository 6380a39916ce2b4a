"""User errors: one ``error:`` line on stderr naming field, value and expectation; exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clustermarketing.cli.main import app

runner = CliRunner()

FIRM_HEADER = "employees,unit_cost,quality,segment,market_orientation,growth_propensity,leader"


def _user_error(args: list[str], *expected: str) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith("error: "), err
    assert "Traceback" not in result.output
    assert len(err.strip().splitlines()) == 1, err
    for text in expected:
        assert text in err, (text, err)
    return err


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("firms.count=abc", ["firms.count", "'abc'", "integer"]),
        ("firms.productivity=-1", ["firms.productivity", "-1", "greater than 0"]),
        ("diffusion.p_strong=1.5", ["diffusion.p_strong", "1.5", "less than or equal to 1"]),
        ("firms.nonsense=1", ["firms.nonsense", "unknown key 'nonsense'", "expected one of"]),
        ("markets.7.size=1", ["markets.7", "out of range"]),
        ("no_equals_sign", ["--set", "dotted.path=value"]),
        ("model.preset=nope", ["unknown model 'nope'"]),
    ],
)
def test_bad_overrides(assignment: str, expected: list[str]) -> None:
    _user_error(["validate", "optoelectronics", "--set", assignment], *expected)


def test_run_bad_override_fails_before_simulating() -> None:
    _user_error(["run", "--set", "firms.count=abc"], "firms.count")


def test_unknown_model() -> None:
    _user_error(["run", "footwear", "--model", "nope"], "--model", "'nope'", "expected one of")


def test_planned_model(planned_model: str) -> None:
    _user_error(["run", "--model", planned_model], "--model", "planned")
    _user_error(
        ["validate", "optoelectronics", "--set", f"model.preset={planned_model}"],
        "planned but not built",
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--replicates", "0"], "--replicates"),
        (["run", "--periods", "abc"], "--periods"),
        (["run", "--seed", "-1"], "--seed"),
        (["run", "--pricing", "monopoly"], "--pricing"),
        (["run", "--format", "xml"], "--format"),
        (["run", "--bogus"], "--bogus"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_bad_options(args: list[str], expected: str) -> None:
    _user_error(args, expected)


def test_missing_file() -> None:
    _user_error(["validate", "no/such/file.yaml"], "'no/such/file.yaml'", "neither a file")


def _scenario(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def _firms_csv(tmp_path: Path, rows: list[str], header: str = FIRM_HEADER) -> str:
    path = tmp_path / "firms.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path.name


def test_tie_to_missing_firm(tmp_path: Path) -> None:
    (tmp_path / "edges.csv").write_text("source,target,kind\n0,1,strong\n2,99999,weak\n")
    path = _scenario(
        tmp_path, {"firms": {"count": 10}, "ties": {"source": "edgelist", "edgelist": "edges.csv"}}
    )
    _user_error(["validate", path], "ties.edgelist row 2", "'target'", "99999", "0..9")


def test_empty_firm_list(tmp_path: Path) -> None:
    csv = _firms_csv(tmp_path, [])
    path = _scenario(tmp_path, {"firms": {"source": "csv", "csv": csv}})
    _user_error(["validate", path], "firms.csv", "no firms")


def test_csv_missing_column(tmp_path: Path) -> None:
    header = FIRM_HEADER.replace(",quality", "")
    csv = _firms_csv(tmp_path, ["10,9,main,0.5,0.5,0"], header=header)
    path = _scenario(tmp_path, {"firms": {"source": "csv", "csv": csv}})
    _user_error(["validate", path], "firms.csv", "'quality'", "missing")


def test_csv_bad_value(tmp_path: Path) -> None:
    csv = _firms_csv(tmp_path, ["10,9,1,main,1.5,0.5,0"])
    path = _scenario(tmp_path, {"firms": {"source": "csv", "csv": csv}})
    _user_error(["validate", path], "row 1", "market_orientation", "1.5")


def test_csv_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "dir.csv").mkdir()
    path = _scenario(tmp_path, {"firms": {"source": "csv", "csv": "dir.csv"}})
    _user_error(["validate", path], "dir.csv")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = _scenario(tmp_path, {"name": "x", "colour": "blue"})
    _user_error(["validate", path], "colour", "unknown key")


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", "42\n"])
def test_non_mapping_yaml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    _user_error(["validate", str(path)], "s.yaml", "expected a mapping")


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: [unclosed\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: s.yaml: not valid YAML/JSON")
    assert "Traceback" not in result.output


def test_several_problems_one_message(tmp_path: Path) -> None:
    path = _scenario(tmp_path, {"horizon": 0, "seed": -3})
    result = runner.invoke(app, ["validate", path])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ") and all(line.startswith("  ") for line in lines[1:])
    assert "horizon" in result.stderr and "seed" in result.stderr


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=30), min_size=1, max_size=3))
def test_random_overrides_never_traceback(assignments: list[str]) -> None:
    args = ["validate", "dispersed", "--no-estimate", *(f"--set={a}" for a in assignments)]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), (args, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("error: ")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(
        ["firms.count", "horizon", "diffusion.p_weak", "markets.0.size", "model.preset"]
    ),
    st.one_of(st.text(max_size=10), st.integers().map(str), st.floats().map(str)),
)
def test_random_values_never_traceback(path: str, value: str) -> None:
    result = runner.invoke(app, ["validate", "footwear", "--no-estimate", f"--set={path}={value}"])
    assert result.exit_code in (0, 2), (path, value, result.output, result.exception)
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- issue 8: input messages


def _csv_scenario(
    tmp_path: Path, rows: list[str], header: str = FIRM_HEADER, **firms: object
) -> str:
    csv = _firms_csv(tmp_path, rows, header=header)
    return _scenario(tmp_path, {"firms": {"source": "csv", "csv": csv, **firms}})


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            ["10,abc,1,main,0.5,0.5,0"],
            ["row 1", "'unit_cost'", "got 'abc'", "expected a number > 0"],
        ),
        (["10,9,1,main,0.5,0.5,0", "20,,1,main,0.5,0.5,0"], ["row 2", "(empty)", "a number"]),
        (["10,-3,1,main,0.5,0.5,0"], ["'unit_cost'", "got -3", "> 0"]),
        (["10,9,1,main,0.5,0.5,0.5"], ["'leader'", "got 0.5", "0 or 1"]),
        (["10,9,1,mens,0.5,0.5,0"], ["'segment'", "'mens'", "segment name", "main"]),
    ],
)
def test_csv_cell_messages(tmp_path: Path, rows: list[str], expected: list[str]) -> None:
    err = _user_error(["validate", _csv_scenario(tmp_path, rows)], "firms.csv", *expected)
    assert "np." not in err and "nan" not in err


def test_semicolon_csv_gets_a_delimiter_hint(tmp_path: Path) -> None:
    header = FIRM_HEADER.replace(",", ";")
    path = _csv_scenario(tmp_path, ["10;9;1;main;0.5;0.5;0"], header=header)
    _user_error(["validate", path], "'employees' is missing", "semicolons", "commas")


def test_unknown_access_column(tmp_path: Path) -> None:
    path = _csv_scenario(tmp_path, ["10,9,1,main,0.5,0.5,0,1"], header=FIRM_HEADER + ",access_mars")
    _user_error(["validate", path], "'access_mars'", "names no market", "home")


def test_unknown_firm_column(tmp_path: Path) -> None:
    path = _csv_scenario(tmp_path, ["10,9,1,main,0.5,0.5,0,x"], header=FIRM_HEADER + ",colour")
    _user_error(["validate", path], "unknown column 'colour'")


def test_known_access_column_is_read(tmp_path: Path) -> None:
    path = _csv_scenario(
        tmp_path, ["10,9,1,main,0.5,0.5,0,1"], header=FIRM_HEADER + ",access_national"
    )
    result = runner.invoke(app, ["validate", path, "--no-estimate"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("firms", "expected"),
    [
        ({"count": 200}, ["firms.count: 200 contradicts firms.csv", "has 2 firms"]),
        ({"leaders": 0}, ["firms.leaders: 0 contradicts firms.csv", "has 1 leaders"]),
    ],
)
def test_count_contradicting_csv(tmp_path: Path, firms: dict, expected: list[str]) -> None:
    rows = ["10,9,1,main,0.5,0.5,0", "20,8,1,main,0.5,0.5,1"]
    _user_error(["validate", _csv_scenario(tmp_path, rows, **firms)], *expected)
    agreeing = {k: (2 if k == "count" else 1) for k in firms}
    ok = runner.invoke(
        app, ["validate", _csv_scenario(tmp_path, rows, **agreeing), "--no-estimate"]
    )
    assert ok.exit_code == 0, ok.output


def test_edge_list_self_loop(tmp_path: Path) -> None:
    (tmp_path / "edges.csv").write_text("source,target,kind\n0,1,strong\n3,3,weak\n")
    path = _scenario(
        tmp_path, {"firms": {"count": 10}, "ties": {"source": "edgelist", "edgelist": "edges.csv"}}
    )
    _user_error(["validate", path], "ties.edgelist row 2", "firm 3 to itself")


def test_edge_list_values_without_numpy_reprs(tmp_path: Path) -> None:
    (tmp_path / "edges.csv").write_text("source,target,kind\n0,1,strong\n,2,weak\n")
    path = _scenario(
        tmp_path, {"firms": {"count": 10}, "ties": {"source": "edgelist", "edgelist": "edges.csv"}}
    )
    err = _user_error(["validate", path], "row 2", "'source'", "(empty)")
    assert "np." not in err


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: a\nfirms:\n  count: 50\n  leaders: 1\n  count: 60\n")
    _user_error(["validate", str(path)], "s.yaml", "line 5", "duplicate key 'count'", "line 3")


def test_duplicate_key_in_override() -> None:
    _user_error(
        ["validate", "footwear", "--set", "model.structure={kind: star, kind: chain}"],
        "duplicate key 'kind'",
    )


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("markets.0.volatility=true", ["markets.0.volatility", "not a boolean"]),
        ("firms.unit_cost.mean=.inf", ["firms.unit_cost.mean", "finite number"]),
        ("markets.0.size=1e308", ["markets.0.size", "less than or equal to 10000000000"]),
        ("firms.count=9223372036854775808", ["firms.count", "less than or equal to 5000000"]),
        ("model.pooled_functions=[nope]", ["unknown function 'nope'"]),
    ],
)
def test_junk_numbers(assignment: str, expected: list[str]) -> None:
    err = _user_error(["validate", "footwear", "--set", assignment], *expected)
    assert "Value error" not in err


def test_exponent_notation_is_a_number() -> None:
    result = runner.invoke(
        app, ["validate", "footwear", "--set", "firms.count=1e3", "--no-estimate"]
    )
    assert result.exit_code == 0, result.output
    assert "(1000 firms" in result.stdout


def test_set_path_resolved_against_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    err = _user_error(
        ["validate", "footwear", "--set", "firms.source=csv", "--set", "firms.csv=nowhere.csv"],
        "firms.csv",
    )
    assert str(tmp_path / "nowhere.csv") in err  # the resolved path
