"""CLI smoke tests: validate, new, examples, models, help."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from clustermarketing.cli.main import app, main
from clustermarketing.models import PRESETS
from clustermarketing.scenario import EXAMPLES, example

runner = CliRunner()


@pytest.mark.parametrize("name", EXAMPLES)
def test_validate_examples(name: str) -> None:
    s = example(name)
    result = runner.invoke(app, ["validate", name, "--no-estimate"])
    assert result.exit_code == 0, result.output
    size = s.firms.count * s.horizon * s.replicates * 2
    assert result.stdout == (
        f"OK: {s.name} ({s.firms.count} firms, model {s.model['preset']}, {s.horizon} periods)\n"
        f"run size: {s.firms.count:,} firms × {s.horizon} periods × {s.replicates} replicates "
        f"× 2 arms = {size:,} firm-periods\n"
    )
    assert result.stderr == ""


def test_validate_estimates_time_and_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["validate", "dispersed", "-s", "firms.count=60", "-s", "horizon=6"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].endswith("= 5,760 firm-periods")  # 60 × 6 × 8 × 2
    assert lines[2].startswith("estimate on this machine (rough): ")
    assert " s and " in lines[2] and " MB for `clustermarketing run`" in lines[2]
    assert result.stderr == ""
    from clustermarketing.cli import estimate

    monkeypatch.setattr(estimate, "LONG_SECONDS", 0.0)
    monkeypatch.setattr(estimate, "MEMORY_SHARE", 0.0)
    warned = runner.invoke(app, args)
    assert warned.exit_code == 0
    assert "warning: a long run" in warned.stderr and "of memory is more than" in warned.stderr


def test_estimate_extrapolates_measurements() -> None:
    """With a stand-in measurement (time and memory linear in firms) the fit is exact."""
    from clustermarketing.cli.estimate import CALIBRATION_PERIODS, estimate_run

    def measure(sc: object, n: int, reps: int, traced: bool) -> tuple[float, float]:
        per_arm_period = 0.001 + 0.0001 * n
        return per_arm_period * 2 * CALIBRATION_PERIODS * reps, 1e6 + 1e3 * n * reps

    sc = example("dispersed").model_copy(update={"replicates": 3, "horizon": 8})
    sc = sc.model_copy(update={"firms": sc.firms.model_copy(update={"count": 2000})})
    est = estimate_run(sc, measure=measure)
    assert est.firm_periods == 2000 * 8 * 3 * 2
    assert est.seconds == pytest.approx((0.001 + 0.0001 * 2000) * 2 * 8 * 3)
    base = 1e6 + 1e3 * 2000
    assert est.memory == pytest.approx(base + 1e3 * 2000 * (8 / CALIBRATION_PERIODS) * 2)


def test_validate_file_with_overrides(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"name": "mine", "firms": {"count": 50, "leaders": 1}}))
    result = runner.invoke(
        app,
        ["validate", str(path), "--set", "horizon=12", "-s", "firms.count=60", "--no-estimate"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: mine (60 firms, model independent, 12 periods)\n")


def test_validate_counts_firms_from_csv(tmp_path: Path) -> None:
    (tmp_path / "firms.csv").write_text(
        "employees,unit_cost,quality,segment,market_orientation,growth_propensity,leader\n"
        "10,9,1,main,0.5,0.5,0\n20,8,1.1,main,0.6,0.4,1\n"
    )
    (tmp_path / "s.yaml").write_text("firms: {source: csv, csv: firms.csv}\n")
    result = runner.invoke(app, ["validate", str(tmp_path / "s.yaml"), "--no-estimate"])
    assert result.exit_code == 0, result.output
    assert "(2 firms," in result.stdout


def test_validate_empty_file_warns(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing here yet\n")
    result = runner.invoke(app, ["validate", str(path), "--no-estimate"])
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: empty.yaml: the file has no settings")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("name", [None, *EXAMPLES])
def test_new_round_trip(tmp_path: Path, name: str | None) -> None:
    path = tmp_path / "new.yaml"
    args = ["new", str(path)] + (["--example", name] if name else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert path.read_text().startswith("# clustermarketing scenario")
    check = runner.invoke(app, ["validate", str(path), "--no-estimate"])
    assert check.exit_code == 0, check.output
    assert check.stdout.startswith(f"OK: {name or 'custom'} (")
    if name is None:  # a cooperative model, so that the first run compares something
        assert "model collective_mark" in check.stdout


def test_new_with_model(tmp_path: Path, planned_model: str) -> None:
    path = tmp_path / "s.yaml"
    result = runner.invoke(app, ["new", str(path), "--model", "share_marketing_channel"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(path.read_text())["model"] == {"preset": "share_marketing_channel"}
    for bad, message in (("nope", "unknown model 'nope'"), (planned_model, "planned")):
        r = runner.invoke(app, ["new", str(tmp_path / "t.yaml"), "--model", bad])
        assert r.exit_code == 2 and r.stderr.startswith("error: --model: ") and message in r.stderr
        assert not (tmp_path / "t.yaml").exists()


def test_new_checks_the_target(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    result = runner.invoke(app, ["new", str(tmp_path / "f" / "s.yaml")])
    assert result.exit_code == 2 and "is a file" in result.stderr
    result = runner.invoke(app, ["new", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("keep me")
    result = runner.invoke(app, ["new", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: FILE: ") and "--force" in result.stderr
    assert path.read_text() == "keep me"
    forced = runner.invoke(app, ["new", str(path), "--force"])
    assert forced.exit_code == 0, forced.output
    assert path.read_text() != "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]  # no temp files left


def test_new_unknown_example(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", str(tmp_path / "x.yaml"), "--example", "nope"])
    assert result.exit_code == 2
    assert "unknown example 'nope'" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_examples_table() -> None:
    result = runner.invoke(app, ["examples"])
    assert result.exit_code == 0, result.output
    for name in EXAMPLES:
        assert name in result.stdout
        assert example(name).model["preset"] in result.stdout


@pytest.mark.parametrize("columns", ["250", "80", "40"])
def test_models_table(columns: str, planned_model: str) -> None:
    """Piped (as here) the table is printed whole whatever COLUMNS says: no name is cut."""
    result = runner.invoke(app, ["models"], env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    for name, preset in PRESETS.items():
        assert name in result.stdout
        assert preset.summary in result.stdout  # on one line, whole
    assert "planned" in result.stdout and "built" in result.stdout
    assert "…" not in result.stdout


def test_main_version(capsys: pytest.CaptureFixture[str]) -> None:
    import clustermarketing

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"clustermarketing {clustermarketing.__version__}\n"


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for cmd in ("validate", "new", "examples", "models", "run"):
        assert cmd in result.stdout


def test_main_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "footwear", "--no-estimate"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("OK: footwear")
    with pytest.raises(SystemExit) as exc:
        main(["run", "--replicates", "abc"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--replicates" in err and "Traceback" not in err


def test_game_extension_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    import clustermarketing.cli
    from clustermarketing.cli import main as cli_main

    seen = []
    stub = types.ModuleType("clustermarketing.cli.game")
    stub.register = seen.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "clustermarketing.cli.game", stub)
    monkeypatch.setattr(clustermarketing.cli, "game", stub, raising=False)
    cli_main._register_extensions()
    assert seen == [cli_main.app]


def test_models_table_is_seed_000_table_1() -> None:
    from typer.testing import CliRunner

    from clustermarketing.cli.main import app

    r = CliRunner().invoke(app, ["models", "--table"])
    assert r.exit_code == 0, r.output
    for name in ("collective_mark", "share_marketing_channel", "see_the_customer"):
        assert name in r.stdout
    for mechanism in ("function-interest", "regulation", "contract"):
        assert mechanism in r.stdout
    assert "exhibition_promotion" not in r.stdout  # a high-tech model, not in Table 1
