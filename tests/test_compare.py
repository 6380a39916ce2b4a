"""compare(): several models against one shared baseline, and the `compare` command."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import clustermarketing as cm
from clustermarketing.cli.main import app
from clustermarketing.engine.metrics import METRICS
from conftest import COOPERATIVE_MODELS, small

MODELS = ["collective_mark", "share_marketing_channel"]


@pytest.fixture(scope="module")
def comparison() -> cm.Comparison:
    return cm.compare(small(firms=80), MODELS, replicates=2, periods=5, seed=9)


def test_baseline_runs_once_per_replicate(comparison: cm.Comparison) -> None:
    c = comparison.cluster
    assert (c["model"] == "independent").sum() == 2 * 5
    for name in MODELS:
        assert ((c["model"] == name) & (c["arm"] == "model")).sum() == 2 * 5
    assert set(comparison.baseline_groups["model"]) == set(MODELS)


def test_summary_shape(comparison: cm.Comparison) -> None:
    s = comparison.summary
    assert {"scenario", "periods", "replicates", "seed", "models"} <= set(s)
    for name in MODELS:
        for metric in METRICS:
            leaf = s["models"][name]["metrics"][metric]
            assert set(leaf) == {"model", "baseline", "difference"}
            assert set(leaf["difference"]) == {"mean", "ci_low", "ci_high", "ci_clipped"}
    json.loads(comparison.to_json())


def test_compare_agrees_with_simulate(comparison: cm.Comparison) -> None:
    """One code path: each model's summary equals simulate() of that model on the same seed."""
    for name in MODELS:
        sim = cm.simulate(small(firms=80), model=name, replicates=2, periods=5, seed=9)
        assert sim.summary["metrics"] == comparison.summary["models"][name]["metrics"]


def test_baseline_member_profit_is_over_the_models_members(comparison: cm.Comparison) -> None:
    """The baseline's member profit of model M is averaged over M's members: differs by model."""
    g = comparison.baseline_groups.groupby("model")["member_profit"].mean()
    assert g["collective_mark"] != g["share_marketing_channel"]
    rv = comparison.replicate_values
    assert set(rv["arm"]) == {"model", "baseline"}
    assert len(rv) == len(MODELS) * 2 * 2


def test_workers_do_not_change_results(comparison: cm.Comparison) -> None:
    again = cm.compare(small(firms=80), MODELS, replicates=2, periods=5, seed=9, workers=2)
    assert again.to_json() == comparison.to_json()


def test_seed_sequence_is_accepted() -> None:
    ss = np.random.SeedSequence(9)
    a = cm.compare(small(firms=60), ["collective_mark"], replicates=1, periods=3, seed=ss)
    b = cm.compare(small(firms=60), ["collective_mark"], replicates=1, periods=3, seed=ss)
    assert a.to_json() == b.to_json()
    assert a.summary["seed"] == {"entropy": 9, "spawn_key": []}


def test_bad_model_lists() -> None:
    with pytest.raises(ValueError, match="baseline"):
        cm.compare(small(firms=60), ["independent"], replicates=1, periods=2)
    with pytest.raises(ValueError, match="twice"):
        cm.compare(small(firms=60), ["collective_mark", "collective_mark"], replicates=1, periods=2)


def test_cli_compare_json_and_out(tmp_path) -> None:
    runner = CliRunner()
    out = tmp_path / "res"
    args = ["compare", "footwear", "--set", "firms.count=60", "-r", "2", "-p", "3"]
    r = runner.invoke(app, [*args, "-m", "collective_mark", "--format", "json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert list(summary["models"]) == ["collective_mark"]
    names = {p.name for p in out.iterdir()}
    assert {"cluster.parquet", "replicates.parquet", "summary.json"} <= names
    # a non-empty --out is refused before running, without --force
    r = runner.invoke(app, [*args, "-m", "collective_mark", "--out", str(out)])
    assert r.exit_code == 2 and "--force" in r.output
    r = runner.invoke(app, [*args, "-m", "nope"])
    assert r.exit_code == 2 and "--models" in r.output and "nope" in r.output
    r = runner.invoke(app, [*args, "--sort", "happiness"])
    assert r.exit_code == 2 and "happiness" in r.output


def test_cli_compare_table_names_every_model() -> None:
    r = CliRunner().invoke(
        app, ["compare", "footwear", "--set", "firms.count=60", "-r", "2", "-p", "3"]
    )
    assert r.exit_code == 0, r.output
    for name in COOPERATIVE_MODELS:
        assert name in r.stdout


def test_table_shows_the_level_where_the_baseline_has_none() -> None:
    """cooperation_rate is undefined in the baseline (no members): the cell shows the model's
    level marked †, not a dash; a defined difference is shown as before."""
    from rich.console import Console

    from clustermarketing.cli.compare import comparison_table

    leaf = {"mean": 0.9, "ci_low": 0.85, "ci_high": 0.95}
    none = {"mean": None, "ci_low": None, "ci_high": None}
    diff = {"mean": -2.5, "ci_low": -3.0, "ci_high": -2.0}
    summary = {
        "scenario": "s",
        "replicates": 2,
        "periods": 3,
        "seed": 1,
        "models": {
            "m": {
                "metrics": {
                    "cooperation_rate": {"model": leaf, "baseline": none, "difference": none},
                    "profit": {"model": leaf, "baseline": leaf, "difference": diff},
                }
            }
        },
    }
    console = Console(width=300, record=True)
    console.print(comparison_table(summary, ["cooperation_rate", "profit"], None))
    row = next(line for line in console.export_text().splitlines() if "│ m " in line)
    assert "0.9†" in row and "-2.5*" in row
