"""End-to-end: experiment new → sweep → results → analyze, and bad input (exit 2, one line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from exp_helpers import small_experiment, write_experiment
from typer.testing import CliRunner

from clustermarketing.cli.main import app

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_experiment_new_writes_a_template_that_sweeps(tmp_path: Path) -> None:
    path = tmp_path / "exp.yaml"
    r = cli("experiment", "new", path)
    assert r.exit_code == 0, r.output
    assert "clustermarketing sweep" in r.stdout
    assert cli("experiment", "new", path).exit_code == 2  # no silent overwrite
    assert "already exists" in cli("experiment", "new", path).stderr
    assert cli("experiment", "new", path, "--force").exit_code == 0


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("cli")
    exp = write_experiment(
        d / "e.yaml",
        small_experiment(
            models=["collective_mark", "share_marketing_channel"],
            design={"kind": "lhs", "points": 12},
            replicates=1,
            keep_periods=True,
        ),
    )
    out = d / "out"
    r = cli("sweep", exp, "--out", out, "--executor", "sequential")
    assert r.exit_code == 0, r.output
    assert "progress: 12/12 runs (100%), 0 failed" in r.stderr
    assert "12/12 runs in" in r.stderr
    return exp, out


def test_sweep_again_resumes_with_nothing_to_do(swept: tuple[Path, Path]) -> None:
    exp, out = swept
    r = cli("sweep", exp, "--out", out, "-e", "local", "-w", "2")
    assert r.exit_code == 0, r.output
    assert "0 now" in r.stderr and "12 already done" in r.stderr


def test_results_summary_and_sql(swept: tuple[Path, Path]) -> None:
    _, out = swept
    r = cli("results", out, "--format", "csv")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "outcome,model,arm,n,mean,sd,min,max"
    assert len(lines) == 1 + 2 * 2 * 2  # outcomes × models × arms
    r = cli(
        "results",
        out,
        "--sql",
        'SELECT model, arm, count(*) AS n, count(DISTINCT "ties.strong_degree") AS k '
        "FROM metrics GROUP BY ALL ORDER BY ALL",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert rows[0] == {"model": "collective_mark", "arm": "baseline", "n": 12, "k": 12}
    r = cli("results", out, "--sql", "SELECT count(*) AS n FROM periods")
    assert r.exit_code == 0 and "144" in r.stdout  # 12 runs × (2 models + baseline) × 4 periods
    r = cli("results", out)
    assert r.exit_code == 0
    assert "12/12 runs done (12 ok, 0 failed)" in r.stderr


def test_analyze_prim_with_html(swept: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = swept
    page = tmp_path / "prim.html"
    r = cli(
        "analyze", out, "--outcome", "sme_profit", "--method", "prim", "--html", page,
        "--format", "json", "--density", "0.5",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["method"] == "prim" and data["model"] == "collective_mark"
    assert data["info"]["points_used"] == 12
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "Provenance" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outcome", "profit"], "--outcome: 'profit' was not kept by this sweep"),
        (["--outcome", "sme_profit"], "--method sobol: needs a sweep with design kind sobol"),
        (["--outcome", "sme_profit", "--model", "x"], "--model: 'x' was not run"),
    ],
)
def test_analyze_errors(swept: tuple[Path, Path], args: list[str], message: str) -> None:
    _, out = swept
    r = cli("analyze", out, *args)
    assert r.exit_code == 2
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert "Traceback" not in r.output


def test_bad_input_is_one_line_exit_2(swept: tuple[Path, Path], tmp_path: Path) -> None:
    exp, out = swept
    changed = write_experiment(tmp_path / "c.yaml", small_experiment(seed=99))
    r = cli("sweep", changed, "--out", out)
    assert r.exit_code == 2 and "holds the results of a different experiment" in r.stderr
    bad = write_experiment(tmp_path / "b.yaml", small_experiment(replicates="two"))
    r = cli("sweep", bad, "--out", tmp_path / "o")
    assert r.exit_code == 2
    assert "replicates: Input should be a valid integer" in r.stderr
    assert not (tmp_path / "o").exists()  # nothing created before the checks pass
    r = cli("sweep", exp, "--out", tmp_path / "o2", "--address", "x:1")
    assert r.exit_code == 2 and "--address: only used with --executor ray" in r.stderr
    r = cli("results", tmp_path / "nowhere")
    assert r.exit_code == 2 and "no such directory" in r.stderr
    r = cli("results", out, "--sql", "SELECT nope FROM metrics")
    assert r.exit_code == 2 and r.stderr.startswith("error: --sql: ")
    r = cli("sweep", tmp_path / "missing.yaml", "--out", tmp_path / "o3")
    assert r.exit_code == 2 and "missing.yaml: file not found" in r.stderr
