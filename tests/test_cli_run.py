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
        "--replicates", "4", "--periods", "5", "--pricing", "cartel", "--firm-panel",
        "--set", "firms.count=90", "--format", "json",
    ]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (call,) = fake_engine
    assert call["scenario"].firms.count == 90
    assert (call["model"], call["seed"], call["replicates"], call["periods"]) == (
        "share_marketing_channel", 7, 4, 5,
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
    assert data["units"]["output"] == "units/period"
    prov = data["provenance"]
    assert prov["version"] == clustermarketing.__version__ and prov["command"] == "run"
    assert prov["scenario"]["name"] == "optoelectronics" and prov["seed"] == 2026


def test_csv_format(fake_engine: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["run", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["metric"] for r in rows] == ["output", "trust"]
    assert rows[0]["unit"] == "units/period"
    assert float(rows[0]["model_mean"]) == 2.5 and rows[0]["model_ci_high"] == ""
    assert rows[1]["baseline_mean"] == ""


def test_table_format(fake_engine: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["run", "footwear"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "collective_mark" in out and "baseline" in out and "difference" in out
    assert "output" in out and "2.5" in out and "[1, -]" in out
    assert "units/period" in out and "- = undefined" in out


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
    assert "progress: 4/4 arm-periods (100%)" in result.stderr
    json.loads(result.stdout)
    quiet = runner.invoke(app, ["run", "--format", "json", "--no-progress"])
    assert quiet.stderr == ""


@pytest.mark.parametrize("uncached", [["cascade_kernel"], []])
def test_progress_says_when_the_first_period_compiles(
    fake_engine: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, uncached: list[str]
) -> None:
    """An empty numba cache makes the first period pause ~10 s: progress says why, once."""
    from clustermarketing.engine import kernels

    monkeypatch.setattr(cli_main, "LONG_RUN_WORK", 1)
    monkeypatch.setattr(kernels, "uncached_kernels", lambda: uncached)
    result = runner.invoke(app, ["run", "--format", "json"])
    assert result.exit_code == 0, result.output
    notes = [x for x in result.stderr.splitlines() if "compiling the engine's kernels" in x]
    assert len(notes) == (1 if uncached else 0)
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
    assert names == ["breakdown.parquet", "cluster.parquet", "summary.json"]
    cluster = pd.read_parquet(tmp_path / "cluster.parquet")
    assert {"replicate", "arm", "period"} <= set(cluster.columns)
    assert set(cluster["arm"]) == {"model", "baseline"}


def test_e2e_firm_panel_and_table(tmp_path: Path) -> None:
    result = runner.invoke(app, [*E2E, "footwear", "--firm-panel", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "firms.parquet").exists()
    assert "collective_mark" in result.stdout
    firms = pd.read_parquet(tmp_path / "firms.parquet")
    assert firms["period"].dtype == "int64"
    assert set(firms["segment"]) <= {"leather_shoes", "sports_shoes"}  # names, not codes
    cluster = pd.read_parquet(tmp_path / "cluster.parquet")
    assert cluster["period"].dtype == "int64" and cluster["replicate"].dtype == "int64"
    assert sorted(cluster["period"].unique()) == [0, 1, 2]


def test_e2e_progress_counts_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_main, "LONG_RUN_WORK", 1)
    result = runner.invoke(app, [*E2E, "--format", "json"])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.stderr.splitlines() if x.startswith("progress:")]
    # 2 replicates × 2 arms × 3 periods = 12 periods, reported every period or 10%
    assert lines[-1] == "progress: 12/12 arm-periods (100%)"
    assert len(lines) >= 6


def test_out_is_a_file(fake_engine: list[dict[str, Any]], tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    result = runner.invoke(app, ["run", "--out", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --out: ") and "taken" in result.stderr
    assert "is a file" in result.stderr
    assert "Traceback" not in result.output
    assert fake_engine == []  # refused before simulating


def test_out_under_a_file(fake_engine: list[dict[str, Any]], tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    result = runner.invoke(app, ["run", "--out", str(tmp_path / "f" / "sub")])
    assert result.exit_code == 2 and result.stderr.startswith("error: --out: ")
    assert fake_engine == []


def test_out_non_empty_dir_needs_force(fake_engine: list[dict[str, Any]], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "firms.parquet").write_text("from an earlier, different scenario")
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["run", "--out", str(out)])
    assert result.exit_code == 2 and fake_engine == []
    assert "not empty" in result.stderr and "--force" in result.stderr
    forced = runner.invoke(app, ["run", "--out", str(out), "--force", "--format", "json"])
    assert forced.exit_code == 0, forced.output
    # the run's files are replaced (no stale panel), everything else is kept
    assert sorted(p.name for p in out.iterdir()) == ["cluster.parquet", "notes.txt", "summary.json"]
    assert (out / "notes.txt").read_text() == "mine"
    from clustermarketing.io import read_provenance

    prov = read_provenance(out / "cluster.parquet")
    assert prov is not None and prov["options"]["force"] is True
    assert prov == json.loads((out / "summary.json").read_text())["provenance"]


def test_out_empty_dir_is_fine(fake_engine: list[dict[str, Any]], tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_few_replicates_warn(fake_engine: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["run", "--replicates", "2", "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: 2 replicates") and "12.7" in result.stderr
    one = runner.invoke(app, ["run", "--replicates", "1", "--format", "json"])
    assert "no confidence intervals" in one.stderr
    many = runner.invoke(app, ["run", "--replicates", "4", "--format", "json"])
    assert many.stderr == ""


def test_provenance_records_overrides_and_options(fake_engine: list[dict[str, Any]]) -> None:
    args = ["run", "footwear", "-s", "firms.count=90", "--seed", "5", "--format", "json"]
    data = json.loads(runner.invoke(app, args).stdout)
    prov = data["provenance"]
    assert prov["overrides"] == ["firms.count=90"] and prov["source"] == "footwear"
    assert prov["seed"] == 5 and prov["options"]["seed"] == 5
    assert prov["scenario"]["firms"]["count"] == 90
    assert prov["options"]["model"] == "collective_mark"
    assert set(prov["environment"]) >= {"python", "numpy"}


def test_provenance_hashes_input_files(fake_engine: list[dict[str, Any]], tmp_path: Path) -> None:
    import hashlib

    (tmp_path / "firms.csv").write_text(
        "employees,unit_cost,quality,segment,market_orientation,growth_propensity,leader\n"
        "10,9,1,main,0.5,0.5,0\n20,8,1.1,main,0.6,0.4,1\n"
    )
    scen = tmp_path / "s.yaml"
    scen.write_text("firms: {source: csv, csv: firms.csv}\n")
    data = json.loads(runner.invoke(app, ["run", str(scen), "--format", "json"]).stdout)
    inputs = data["provenance"]["inputs"]
    digest = hashlib.sha256((tmp_path / "firms.csv").read_bytes()).hexdigest()
    assert inputs["firms.csv"]["sha256"] == digest
    assert inputs["scenario"]["path"] == str(scen.absolute())


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"clustermarketing {clustermarketing.__version__}\n"


def test_breakdown_by_market_shows_a_market_the_user_added(tmp_path) -> None:
    """`run --by market|segment|size`: a market a user adds is in the output (issue 8)."""
    import yaml

    from clustermarketing.scenario.load import example_dict

    data = example_dict("footwear")
    data["firms"]["count"] = 60
    data["markets"].append(
        {"name": "export_eu", "size": 50000, "entry_cost": 3000, "maintenance_cost": 300}
    )
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    args = ["run", str(path), "-r", "2", "-p", "3", "--no-progress"]
    r = runner.invoke(app, [*args, "--by", "market"])
    assert r.exit_code == 0, r.output
    assert "export_eu" in r.stdout and "units" in r.stdout
    js = runner.invoke(app, [*args, "--format", "json"])
    summary = json.loads(js.stdout)
    assert set(summary["breakdown"]) == {"market", "segment", "size"}
    assert "export_eu" in summary["breakdown"]["market"]
    assert set(summary["breakdown"]["size"]) == {"leaders", "SMEs"}
    r = runner.invoke(app, [*args, "--by", "planet"])
    assert r.exit_code == 2 and "--by" in r.output


def test_table_leaves_out_metrics_zero_in_both_arms() -> None:
    """A mechanism the model lacks gives 0 in both arms: the row is left out and named in the
    caption; a metric that is 0 in one arm only stays (it is a result)."""
    from rich.console import Console

    from clustermarketing.cli.output import summary_table

    zero = {"mean": 0.0, "ci_low": 0.0, "ci_high": 0.0}
    some = {"mean": 1.5, "ci_low": 1.0, "ci_high": 2.0}
    summary = {
        "metrics": {
            "output": {"model": some, "baseline": some, "difference": zero},
            "innovations": {"model": zero, "baseline": zero, "difference": zero},
            "trust": {"model": some, "baseline": zero, "difference": some},
        }
    }
    console = Console(width=200, record=True)
    console.print(summary_table(summary))
    text = console.export_text()
    rows = [line for line in text.splitlines() if line.startswith("│")]
    assert any("output" in r for r in rows) and any("trust" in r for r in rows)
    assert not any("innovations" in r for r in rows)
    caption = " ".join(text.split())  # the caption wraps at the table's width
    assert "not shown (mechanisms this model does not have): innovations" in caption
