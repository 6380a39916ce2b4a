"""End-to-end runs of ``clustermarketing survey``: instrument, analyze, simulate, compare."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import clustermarketing
from clustermarketing.cli.main import app
from clustermarketing.survey import load_instrument, read_responses, synthetic_responses_path

runner = CliRunner()
INST = load_instrument()
SHIPPED = str(synthetic_responses_path())


def _ok(args: list[str]) -> CliRunner:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result


def _err(args: list[str], needle: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and needle in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_instrument_formats(tmp_path: Path) -> None:
    table = _ok(["survey", "instrument"]).stdout
    for item in INST.items:
        assert item.text in table
    html = _ok(["survey", "instrument", "--format", "html"]).stdout
    assert html.startswith("<!DOCTYPE html>") and html.count("class=choice") == 7 * len(INST.items)
    assert "<script" not in html
    header = _ok(["survey", "instrument", "-f", "csv"]).stdout
    first, second = header.splitlines()
    assert first.startswith("# response template") and clustermarketing.__version__ in first
    assert next(csv.reader(io.StringIO(second))) == INST.columns()
    template = tmp_path / "t.csv"
    _ok(["survey", "instrument", "-f", "csv", "--out", str(template)])
    _err(["survey", "analyze", str(template)], "header but no responses")
    text = _ok(["survey", "instrument", "-f", "yaml"]).stdout
    assert yaml.safe_load(text)["scale"]["points"] == 7
    out = tmp_path / "q.html"
    _ok(["survey", "instrument", "-f", "html", "--out", str(out)])
    assert out.read_text() == html
    _err(["survey", "instrument", "-f", "html", "--out", str(out)], "already exists")
    _ok(["survey", "instrument", "-f", "html", "--out", str(out), "--force"])
    _err(["survey", "instrument", "-f", "csv", "--out", str(tmp_path)], "is a directory")


def test_custom_instrument_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    data = yaml.safe_load(_ok(["survey", "instrument", "-f", "yaml"]).stdout)
    data["items"][0]["construct"] = "nope"
    bad.write_text(yaml.safe_dump(data))
    _err(["survey", "instrument", "--instrument", str(bad)], "unknown construct 'nope'")
    _err(["survey", "instrument", "--instrument", str(tmp_path / "none.yaml")], "file not found")


def test_shipped_example_is_labelled_synthetic_and_analyses() -> None:
    first = Path(SHIPPED).read_text().splitlines()[0]
    assert first.startswith("# SYNTHETIC DATA")
    frame = read_responses(SHIPPED)
    assert set(frame["clustered"]) == {"yes", "no"}
    table = _ok(["survey", "analyze", SHIPPED, "--group", "clustered"]).stdout
    assert "Reliability per construct" in table and "Comparison by clustered" in table
    assert "Benjamini–Hochberg" in table


def test_analyze_json_has_the_issue_structure() -> None:
    out = json.loads(_ok(["survey", "analyze", SHIPPED, "-g", "clustered", "-f", "json"]).stdout)
    assert set(out["n"]) == {"yes", "no"} and sum(out["n"].values()) == len(read_responses(SHIPPED))
    rel = out["reliability"][0]
    assert {"construct", "alpha", "ci_low", "ci_high", "items", "omega"} <= set(rel)
    comp = out["comparisons"]
    keys = {"construct", "item", "test", "statistic", "p", "p_adjusted", "effect_size"}
    keys |= {"effect_measure", "group_means"}
    assert all(keys <= set(c) for c in comp)
    assert {c["test"] for c in comp} == {"mann_whitney", "welch_t", "chi_square"}
    assert any(c["item"] is None for c in comp)  # construct-score rows
    assert out["missing"]["answers"] > 0  # the shipped file has blanks (2% missing rate)
    prov = out["provenance"]
    assert prov["tool"] == f"clustermarketing {clustermarketing.__version__}"
    assert any(v.startswith("sha256:") for v in prov["inputs"].values())
    assert out["options"]["missing"] == "pairwise" and out["options"]["correction"] == "bh"


def test_analyze_options_change_the_output() -> None:
    base = json.loads(_ok(["survey", "analyze", SHIPPED, "-g", "clustered", "-f", "json"]).stdout)
    holm = json.loads(
        _ok(
            ["survey", "analyze", SHIPPED, "-g", "clustered", "-f", "json", "--correction", "holm"]
        ).stdout
    )
    lw = json.loads(
        _ok(
            ["survey", "analyze", SHIPPED, "-g", "clustered", "-f", "json", "--missing", "listwise"]
        ).stdout
    )
    flip = json.loads(
        _ok(
            ["survey", "analyze", SHIPPED, "-g", "clustered", "-f", "json", "--groups", "no,yes"]
        ).stdout
    )
    ps = [c["p_adjusted"] for c in base["comparisons"]]
    assert [c["p_adjusted"] for c in holm["comparisons"]] != ps
    assert sum(lw["n"].values()) < sum(base["n"].values())
    e0 = [c["effect_size"] for c in base["comparisons"] if c["test"] == "mann_whitney"]
    e1 = [c["effect_size"] for c in flip["comparisons"] if c["test"] == "mann_whitney"]
    assert e1 == pytest.approx([-e for e in e0])
    nogroup = json.loads(_ok(["survey", "analyze", SHIPPED, "-f", "json"]).stdout)
    assert nogroup["comparisons"] == [] and list(nogroup["n"]) == ["all"]


def test_analyze_csv_and_html(tmp_path: Path) -> None:
    text = _ok(["survey", "analyze", SHIPPED, "-g", "clustered", "-f", "csv"]).stdout
    lines = text.splitlines()
    assert lines[0].startswith("# provenance: ")
    header = next(csv.reader([lines[1]]))
    assert header[:4] == ["construct", "title", "item", "test"] and "p_adjusted" in header
    assert "mean:yes" in header and "median:no" in header
    out = tmp_path / "report.html"
    _ok(["survey", "analyze", SHIPPED, "-g", "clustered", "-f", "html", "-o", str(out)])
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "</html>" in html
    assert "<script" not in html and 'src="http' not in html  # self-contained
    assert "Strongly agree" in html and "α" in html
    again = tmp_path / "again.html"
    _ok(["survey", "analyze", SHIPPED, "-g", "clustered", "-f", "html", "-o", str(again)])
    assert again.read_text() == html  # deterministic


def test_analyze_user_errors(tmp_path: Path) -> None:
    _err(["survey", "analyze", SHIPPED, "-g", "region"], "'region' is not a background question")
    _err(["survey", "analyze", SHIPPED, "-g", "jp1"], "is a questionnaire item")
    _err(["survey", "analyze", str(tmp_path / "none.csv")], "file not found")
    _err(["survey", "analyze", SHIPPED, "-g", "clustered", "--groups", "yes,maybe"], "--groups")
    _err(["survey", "analyze", SHIPPED, "--out", str(tmp_path / "x.txt")], "table format")
    _err(["survey", "analyze", SHIPPED, "--missing", "mean"], "--missing")
    _err(["survey", "analyze", SHIPPED, "--no-items"], "--no-items: needs --group")
    _err(["survey", "analyze", SHIPPED, "--groups", "yes,no"], "--groups: needs --group")


def test_simulate_then_analyze_and_compare(tmp_path: Path) -> None:
    sim = tmp_path / "sim.csv"
    args = ["survey", "simulate", "footwear", "dispersed", "--model", "collective_mark"]
    args += ["--seed", "5", "--periods", "8", "--set", "firms.count=50", "--out", str(sim)]
    result = _ok(args)
    assert "footwear:" in result.stderr and "clustered=no" in result.stderr
    text = sim.read_text()
    assert text.startswith("# SYNTHETIC DATA")
    assert '"seeds": [5, 5]' in text.splitlines()[1]
    _err(args, "already exists")
    table = _ok(["survey", "analyze", str(sim), "--group", "clustered"]).stdout
    assert "Comparison by clustered" in table
    cmp = _ok(["survey", "compare", SHIPPED, str(sim)]).stdout
    assert "signs agree" in cmp.lower() and "Trust among firms" in cmp
    out = json.loads(_ok(["survey", "compare", SHIPPED, str(sim), "-f", "json"]).stdout)
    assert out["groups"] == ["yes", "no"] and len(out["constructs"]) == len(INST.constructs)
    row = out["constructs"][0]
    assert set(row["real"]) >= {"group_means", "effect_size", "p_adjusted", "alpha"}
    assert out["summary"]["judged"] >= out["summary"]["agree"]
    csv_text = _ok(["survey", "compare", SHIPPED, str(sim), "-f", "csv"]).stdout
    assert "real:effect" in csv_text.splitlines()[1]


def test_simulate_user_errors(tmp_path: Path) -> None:
    out = str(tmp_path / "s.csv")
    _err(["survey", "simulate", "footwear", "--model", "nope", "--out", out], "--model")
    _err(["survey", "simulate", "nowhere", "--out", out], "neither a file nor a built-in example")
    mm = tmp_path / "mm.yaml"
    mm.write_text("noise: 1\n")
    _err(["survey", "simulate", "footwear", "--measurement", str(mm), "--out", out], "noise")
    mm.write_text("noise_sd: 1\nnoise_sd: 2\n")
    _err(
        ["survey", "simulate", "footwear", "--measurement", str(mm), "--out", out], "duplicate key"
    )
    _err(["survey", "simulate", "footwear", "--out", str(tmp_path)], "is a directory")
    assert not (tmp_path / "s.csv").exists()


def test_synthetic_name_and_construct_only_rows(tmp_path: Path, monkeypatch) -> None:
    out = json.loads(
        _ok(
            ["survey", "analyze", "synthetic", "-g", "clustered", "--no-items", "-f", "json"]
        ).stdout
    )
    assert out["source"] == "synthetic" and out["comparisons"]
    assert all(c["item"] is None for c in out["comparisons"])
    assert list(out["provenance"]["inputs"]) == ["synthetic"]
    # a real file called "synthetic" wins over the shipped example
    monkeypatch.chdir(tmp_path)
    Path("synthetic").write_text("")
    _err(["survey", "analyze", "synthetic"], "the file is empty")
