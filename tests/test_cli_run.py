"""``clustermarketing run``: output formats, files, progress, determinism."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import clustermarketing
from clustermarketing.cli import main as cli_main
from clustermarketing.cli.main import app

runner = CliRunner()

REQUIRED_KEYS = {
    "scenario",
    "model",
    "baseline",
    "seed",
    "replicates",
    "periods",
    "pricing",
    "metrics",
}


# --------------------------------------------------------------------------- with a stand-in engine


@dataclass
class FakeResult:
    summary: dict[str, Any]
    cluster: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {
                "replicate": [0, 0],
                "arm": ["model", "baseline"],
                "period": [0, 0],
                "output": [2.0, 1.0],
            }
        )
    )
    firms: pd.DataFrame | None = None


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace ``clustermarketing.simulate``; returns the recorded calls."""
    calls: list[dict[str, Any]] = []

    def simulate(scenario: Any, **kw: Any) -> FakeResult:
        calls.append({"scenario": scenario, **kw})
        if kw["progress"] is not None:
            for done in range(1, 5):
                kw["progress"](done, 4)
        stats = {"mean": 2.5, "ci_low": 1.0, "ci_high": float("nan")}
        summary = {
            "scenario": scenario.name,
            "model": kw["model"] or scenario.model["preset"],
            "baseline": "independent",
            "seed": kw["seed"] if kw["seed"] is not None else scenario.seed,
            "replicates": kw["replicates"] or scenario.replicates,
            "periods": kw["periods"] or scenario.horizon,
            "pricing": kw["pricing"] or scenario.pricing,
            "metrics": {
                "output": {"model": stats, "baseline": stats, "difference": stats},
                "trust": {"model": {"mean": None, "ci_low": None, "ci_high": None}},
            },
            "solver": {"all_converged": True},
        }
        panel = pd.DataFrame({"replicate": [0], "firm": [1]}) if kw["firm_panel"] else None
        return FakeResult(summary, firms=panel)

    monkeypatch.setattr(clustermarketing, "simulate", simulate, raising=False)
    return calls


def test_run_passes_options(fake_engine: list[dict[str, Any]]) -> None:
    args = [
        "run", "footwear", "--model", "share_marketing_channel", "--seed", "7",
        "--replicates", "3", "--periods", "5", "--pricing", "cartel", "--firm-panel",
        "--set", "firms.count=90", "--format", "json",
    ]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (call,) = fake_engine
    assert call["scenario"].firms.count == 90
    assert (call["model"], call["seed"], call["replicates"], call["periods"]) == (
        "share_marketing_channel", 7, 3, 5,
    )  # fmt: skip
    assert call["pricing"] == "cartel" and call["firm_panel"] is True
    assert call["progress"] is None  # stderr is not a terminal and the run is short
    assert result.stderr == ""


def test_run_defaults(fake_engine: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["run", "--format", "json"])
    assert result.exit_code == 0, result.output
    (call,) = fake_engine
    assert call["scenario"].name == "optoelectronics"
    assert all(call[k] is None for k in ("model", "seed", "replicates", "periods", "pricing"))


def test_json_is_one_strict_object(fake_engine: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["run", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    data = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))
    assert set(data) >= REQUIRED_KEYS
    assert data["metrics"]["output"]["model"]["ci_high"] is None  # NaN written as null
    assert result.stdout == json.dumps(data, sort_keys=True) + "\n"


def test_csv_format(fake_engine: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["run", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["metric"] for r in rows] == ["output", "trust"]
    assert float(rows[0]["model_mean"]) == 2.5 and rows[0]["model_ci_high"] == ""
    assert rows[1]["baseline_mean"] == ""


def test_table_format(fake_engine: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["run", "footwear"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "collective_mark" in out and "baseline" in out and "difference" in out
    assert "output" in out and "2.5" in out and "[1, -]" in out


def test_out_writes_files(fake_engine: list[dict[str, Any]], tmp_path: Path) -> None:
    out = tmp_path / "run1"
    result = runner.invoke(app, ["run", "--firm-panel", "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "cluster.parquet", "firms.parquet", "summary.json",
    ]  # fmt: skip
    assert json.loads((out / "summary.json").read_text()) == json.loads(result.stdout)
    assert "wrote" in result.stderr  # the note goes to stderr, stdout stays pure JSON


def test_progress_lines_for_long_runs(
    fake_engine: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_main, "LONG_RUN_WORK", 1)
    result = runner.invoke(app, ["run", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "progress: 4/4 arm-periods" in result.stderr
    json.loads(result.stdout)
    quiet = runner.invoke(app, ["run", "--format", "json", "--no-progress"])
    assert quiet.stderr == ""


# --------------------------------------------------------------------------- end to end

E2E = ["run", "--periods", "3", "--replicates", "2"]


def test_e2e_json_and_determinism() -> None:
    first = runner.invoke(app, [*E2E, "--format", "json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert set(data) >= REQUIRED_KEYS
    assert data["baseline"] == "independent" and data["periods"] == 3 and data["replicates"] == 2
    for arms in data["metrics"].values():
        assert {"model", "baseline", "difference"} <= set(arms)
    second = runner.invoke(app, [*E2E, "--format", "json"])
    assert second.stdout == first.stdout


def test_e2e_out_and_csv(tmp_path: Path) -> None:
    result = runner.invoke(app, [*E2E, "dispersed", "--format", "csv", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and "difference_mean" in rows[0]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["cluster.parquet", "summary.json"]
    cluster = pd.read_parquet(tmp_path / "cluster.parquet")
    assert {"replicate", "arm", "period"} <= set(cluster.columns)
    assert set(cluster["arm"]) == {"model", "baseline"}


def test_e2e_firm_panel_and_table(tmp_path: Path) -> None:
    result = runner.invoke(app, [*E2E, "footwear", "--firm-panel", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "firms.parquet").exists()
    assert "collective_mark" in result.stdout


def test_out_is_a_file(fake_engine: list[dict[str, Any]], tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    result = runner.invoke(app, ["run", "--out", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "taken" in result.stderr
    assert "Traceback" not in result.output
