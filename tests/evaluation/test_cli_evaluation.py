"""End-to-end runs of ahp, fuzzy, evaluate, recommend (and the report's file checks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clustermarketing.cli.main import app

runner = CliRunner()
SMALL = ["--set", "firms.count=120", "--periods", "8", "--replicates", "2"]


def run(*args: str):
    return runner.invoke(app, list(args))


def write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_ahp_file_table_and_json(tmp_path):
    f = write(tmp_path, "a.yaml", "labels: [x, y, z]\nupper: [2, 4, 2]\n")
    r = run("ahp", f)
    assert r.exit_code == 0, r.output
    assert "0.5714" in r.output and "consistent" in r.output
    r = run("ahp", f, "--format", "json", "--method", "geometric_mean")
    d = json.loads(r.stdout)
    assert d["weights"]["x"] == pytest.approx(4 / 7)
    assert d["tool"]["name"] == "clustermarketing" and d["input"] == f


def test_ahp_inconsistent_names_the_judgement(tmp_path):
    f = write(tmp_path, "a.yaml", "labels: [a, b, c]\nupper: [9, 0.111111, 9]\n")
    r = run("ahp", f)
    assert r.exit_code == 0
    assert "INCONSISTENT" in r.output and "most inconsistent judgement" in r.output


def test_ahp_whole_hierarchy():
    import clustermarketing.evaluation as ev

    f = str(Path(ev.__file__).parent / "default_hierarchy.yaml")
    r = run("ahp", f, "--format", "json")
    d = json.loads(r.stdout)
    assert sum(d["criteria"].values()) == pytest.approx(1)
    assert set(d["criteria"]) == {"sme", "brand", "cooperation", "cost", "performance"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("matrix: [[1, 2], [0.4, 1]]\n", "× matrix[2][1]"),
        ("matrix: [[1, 2, 3], [0.5, 1]]\n", "square"),
        ("upper: [2, -1, 3]\n", "upper[1]: -1"),
        ("upper: [2]\nupper: [3]\n", "duplicate key 'upper'"),
        ("upper: [2]\nfoo: 1\n", "unknown key(s) foo"),
        ("upper: [2, 3, 4]\nlabels: [a, b]\n", "labels: expected a list of 3"),
    ],
)
def test_ahp_bad_files_exit_2(tmp_path, text, message):
    r = run("ahp", write(tmp_path, "bad.yaml", text))
    assert r.exit_code == 2
    assert message in r.output
    assert "Traceback" not in r.output and "np.float64" not in r.output


def test_fuzzy_file(tmp_path):
    f = write(tmp_path, "f.yaml", "weights: [0.1, 0.2, 0.3, 0.4]\nR:\n  - [0.2, 0.5, 0.2, 0.1]\n"
              "  - [0.7, 0.2, 0.1, 0]\n  - [0, 0.4, 0.5, 0.1]\n  - [0.2, 0.3, 0.5, 0]\n"
              "grades: [very, rather, not too, not]\noperator: min_max\n")  # fmt: skip
    r = run("fuzzy", f, "--format", "json")
    d = json.loads(r.stdout)
    assert d["b"] == {"very": 0.2, "rather": 0.3, "not too": 0.4, "not": 0.1}
    assert d["grade"] == "not too"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("weights: [0.5, 0.6]\nR: [[0.5, 0.5], [0.5, 0.5]]\n", "sum to 1.1"),
        ("weights: [0.5, 0.5]\nR: [[0.5, 1.5], [0.5, 0.5]]\n", "R row 1"),
        ("weights: [1]\n", "'R' is missing"),
    ],
)
def test_fuzzy_bad_files(tmp_path, text, message):
    r = run("fuzzy", write(tmp_path, "bad.yaml", text))
    assert r.exit_code == 2 and message in r.output


def test_evaluate_measured_clusters_with_baseline_row(tmp_path):
    from clustermarketing.evaluation.io import load_hierarchy

    metrics = sorted(set(load_hierarchy().metrics))
    rows = {"before": 100.0, "after": 120.0, "other": 95.0}
    lines = ["cluster," + ",".join(metrics)]
    for name, v in rows.items():
        vals = dict.fromkeys(metrics, v)
        vals.update(membership_rate=0.5, cooperation_rate=0.7, trust=0.5, sme_market_access=0.5,
                    output_growth=0.01)  # fmt: skip
        lines.append(name + "," + ",".join(str(vals[m]) for m in metrics))
    f = write(tmp_path, "d.csv", "\n".join(lines) + "\n")
    r = run("evaluate", f, "--baseline", "before", "--format", "json", "--perturbations", "100")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d["models"]) == {"after", "other"}
    assert sum(m["p_first"] for m in d["models"].values()) == pytest.approx(1)
    r = run("evaluate", f, "--format", "csv")  # metric columns without --baseline
    assert r.exit_code == 2 and "unknown column(s)" in r.output


def test_evaluate_bad_cell(tmp_path):
    from clustermarketing.evaluation.io import load_hierarchy

    names = load_hierarchy().names
    f = write(
        tmp_path,
        "d.csv",
        "c," + ",".join(names) + "\nA," + ",".join(["0.1"] * (len(names) - 1)) + ",x\n",
    )
    r = run("evaluate", f)
    assert r.exit_code == 2 and "row A, column output_growth: 'x'; expected a number" in r.output


def test_recommend_json_end_to_end_and_deterministic():
    r1 = run("recommend", "footwear", *SMALL, "--format", "json", "--perturbations", "200")
    assert r1.exit_code == 0, r1.output
    d = json.loads(r1.stdout)
    assert set(d) >= {"models", "weights", "consistency", "scenario", "seed", "best", "drivers"}
    from clustermarketing.evaluation.runs import built_models

    assert set(d["models"]) == set(built_models())
    for m in d["models"].values():
        assert set(m) >= {"score", "grade", "memberships", "topsis", "rank", "p_first",
                          "rank_interval", "indicators"}  # fmt: skip
    assert sum(m["p_first"] for m in d["models"].values()) == pytest.approx(1)
    assert d["consistency"]["cr"] < 0.1
    r2 = run("recommend", "footwear", *SMALL, "--format", "json", "--perturbations", "200")
    assert r2.stdout == r1.stdout


def test_recommend_table_csv_and_options(tmp_path):
    w = write(tmp_path, "w.yaml", "criteria:\n  weights: {sme: 0.4, brand: 0.1, cooperation: 0.1, "
              "cost: 0.2, performance: 0.2}\n")  # fmt: skip
    r = run("recommend", "footwear", *SMALL, "--models", "collective_mark,exhibition_promotion",
            "--weights", w, "--format", "csv", "--perturbations", "50")  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("model,rank,score,grade") and len(lines) == 3
    r = run("recommend", "footwear", *SMALL, "--models", "collective_mark", "--perturbations", "20")
    assert r.exit_code == 0 and "collective_mark" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--models", "nonsense"], "unknown model 'nonsense'"),
        (["--models", "independent"], "baseline"),
        (["--weighting", "magic"], "magic"),
    ],
)
def test_recommend_bad_options(args, message):
    r = run("recommend", "footwear", *SMALL, *args)
    assert r.exit_code == 2 and message in r.output


def test_recommend_refuses_an_unbuilt_model(planned_model):
    r = run("recommend", "footwear", *SMALL, "--models", planned_model)
    assert r.exit_code == 2 and "planned but not built" in r.output


def test_recommend_bad_weights_file(tmp_path):
    w = write(tmp_path, "w.yaml", "criteria:\n  weights: {sme: 0.5, brand: 0.1}\n")
    r = run("recommend", "footwear", *SMALL, "--weights", w)
    assert r.exit_code == 2 and "missing cooperation, cost, performance" in r.output


def test_report_refuses_existing_file_before_running(tmp_path):
    out = tmp_path / "r.html"
    out.write_text("keep")
    r = run("report", "footwear", "--out", str(out))
    assert r.exit_code == 2 and "already exists" in r.output and out.read_text() == "keep"
    r = run("report", "footwear", "--out", str(tmp_path / "missing" / "r.html"))
    assert r.exit_code == 2 and "does not exist" in r.output


def test_recommend_from_compare_out_dir(tmp_path):
    out = tmp_path / "cmp"
    r = run("compare", "footwear", *SMALL, "--out", str(out))
    assert r.exit_code == 0, r.output
    a = run("recommend", "--from", str(out), "--format", "json", "--perturbations", "100")
    assert a.exit_code == 0, a.output
    d = json.loads(a.stdout)
    assert d["from"] == str(out) and d["scenario"] == "footwear"
    assert sum(m["p_first"] for m in d["models"].values()) == pytest.approx(1)
    b = run("recommend", "--from", str(out), "--replicates", "3")
    assert b.exit_code == 2 and "--from reads a finished comparison" in b.output
