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
    result = runner.invoke(app, ["validate", name])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"OK: {s.name} ({s.firms.count} firms, model {s.model['preset']}, {s.horizon} periods)\n"
    )
    assert result.stderr == ""


def test_validate_file_with_overrides(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"name": "mine", "firms": {"count": 50, "leaders": 1}}))
    result = runner.invoke(
        app, ["validate", str(path), "--set", "horizon=12", "-s", "firms.count=60"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "OK: mine (60 firms, model independent, 12 periods)\n"


def test_validate_counts_firms_from_csv(tmp_path: Path) -> None:
    (tmp_path / "firms.csv").write_text(
        "employees,unit_cost,quality,segment,market_orientation,growth_propensity,leader\n"
        "10,9,1,main,0.5,0.5,0\n20,8,1.1,main,0.6,0.4,1\n"
    )
    (tmp_path / "s.yaml").write_text("firms: {source: csv, csv: firms.csv}\n")
    result = runner.invoke(app, ["validate", str(tmp_path / "s.yaml")])
    assert result.exit_code == 0, result.output
    assert "(2 firms," in result.stdout


@pytest.mark.parametrize("name", [None, *EXAMPLES])
def test_new_round_trip(tmp_path: Path, name: str | None) -> None:
    path = tmp_path / "new.yaml"
    args = ["new", str(path)] + (["--example", name] if name else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert path.read_text().startswith("# clustermarketing scenario")
    check = runner.invoke(app, ["validate", str(path)])
    assert check.exit_code == 0, check.output
    assert check.stdout.startswith(f"OK: {name or 'custom'} (")


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("keep me")
    result = runner.invoke(app, ["new", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "--force" in result.stderr
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


def test_models_table() -> None:
    result = runner.invoke(app, ["models"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for name in PRESETS:
        assert name in result.stdout
    assert "planned" in result.stdout and "built" in result.stdout


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for cmd in ("validate", "new", "examples", "models", "run"):
        assert cmd in result.stdout


def test_main_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "footwear"])
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
