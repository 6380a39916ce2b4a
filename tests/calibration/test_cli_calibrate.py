"""``clustermarketing calibrate``: end-to-end runs and one clear error per bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from clustermarketing.cli.main import app
from clustermarketing.scenario import load_scenario

runner = CliRunner()
FE = ["--product", "product_ids", "--absorb", "product_ids"]


@pytest.fixture(scope="module")
def nevo_csv(tmp_path_factory, nevo_small) -> Path:
    path = tmp_path_factory.mktemp("data") / "cereal.csv"
    nevo_small.to_csv(path, index=False)
    return path


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def _user_error(args: list[str], *expected: str) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    err = result.stderr
    assert err.startswith("error: "), err
    assert "Traceback" not in result.output and "np.float64" not in err
    assert len(err.strip().splitlines()) == 1, err
    for text in expected:
        assert text in err, (text, err)
    return err


def test_demand_json_and_scenario_then_validate(nevo_csv, tmp_path) -> None:
    out = tmp_path / "cal" / "cereal.yaml"
    d = json.loads(
        _ok(
            [
                "calibrate",
                "demand",
                str(nevo_csv),
                *FE,
                "-f",
                "json",
                "--per-row",
                "--scenario-out",
                str(out),
            ]
        )
    )
    assert d["price_coefficient"] < 0 and d["price_se"] > 0
    assert len(d["costs"]["rows"]) == 720 and d["negative_costs"] >= 0
    assert {"own", "cross"} <= set(d["elasticities"])
    sc = load_scenario(out)
    assert sc.markets[0].price_sensitivity == pytest.approx(-d["price_coefficient"])
    prov = json.loads(out.with_name("cereal.provenance.json").read_text())
    assert len(prov["data"]["sha256"]) == 64 and prov["specification"]["absorb"] == ["product_ids"]
    # an existing target is refused before any estimation
    _user_error(
        ["calibrate", "demand", str(nevo_csv), *FE, "--scenario-out", str(out)],
        "already exists",
        "--force",
    )
    html = tmp_path / "v.html"
    v = json.loads(
        _ok(
            [
                "calibrate",
                "validate",
                str(out),
                str(nevo_csv),
                "--holdout",
                "0.1",
                "--seed",
                "2",
                "--html",
                str(html),
                "-f",
                "json",
            ]
        )
    )
    err = {e["split"]: e for e in v["errors"]}
    assert err["in-sample"]["price_mae"] < 1e-12 and err["in-sample"]["share_mae"] < 1e-12
    assert err["held-out"]["markets"] == 3 and err["held-out"]["price_mae"] > 0
    page = html.read_text()
    assert "data:image/png;base64," in page and "held-out" in page
    table = _ok(
        ["calibrate", "validate", str(out), str(nevo_csv), "--holdout", "0", "--html", str(html)]
    )
    assert "in-sample" in table and "held-out" not in table


def _csv(tmp_path: Path, df: pd.DataFrame) -> str:
    p = tmp_path / "p.csv"
    df.to_csv(p, index=False)
    return str(p)


def test_demand_bad_inputs(nevo, tmp_path) -> None:
    small = nevo[
        nevo["market_ids"].isin(nevo["market_ids"].unique()[:12])
    ]  # C65Q2 is not among them
    base = ["calibrate", "demand"]
    _user_error(
        [*base, _csv(tmp_path, small.rename(columns={"prices": "price"})), *FE],
        "'prices'",
        "--price",
        "missing",
        "did you mean 'price'",
    )
    _user_error(
        [*base, _csv(tmp_path, small.assign(shares=small["shares"] * 3)), *FE], "sum to", "below 1"
    )
    _user_error(
        [*base, _csv(tmp_path, small.assign(shares=-small["shares"])), *FE],
        "row 1",
        "'shares'",
        "between 0 and 1",
    )
    _user_error([*base, _csv(tmp_path, small.assign(prices=0.0)), *FE], "'prices'", "> 0")
    one = pd.concat([small, nevo[nevo["market_ids"] == "C65Q2"].iloc[:1]])
    _user_error([*base, _csv(tmp_path, one), *FE], "market 'C65Q2'", "single product")
    dup = small.assign(demand_instruments20=2 * small["demand_instruments3"])
    _user_error(
        [*base, _csv(tmp_path, dup), *FE],
        "collinear instruments",
        "'demand_instruments20'",
        "'demand_instruments3'",
    )
    _user_error(
        [*base, _csv(tmp_path, small), *FE, "--nest", "mushy", "--max-iterations", "1"],
        "did not converge",
    )
    _user_error(
        [
            *base,
            _csv(tmp_path, small),
            *FE,
            "--nest",
            "mushy",
            "--scenario-out",
            str(tmp_path / "x.yaml"),
        ],
        "nested logit",
    )
    _user_error(
        [*base, _csv(tmp_path, small), "--instruments", "iv_*"], "'iv_*'", "matches no column"
    )
    _user_error([*base, str(tmp_path / "nope.csv")], "not found")


def test_validate_needs_provenance(tmp_path, nevo_csv) -> None:
    (tmp_path / "s.yaml").write_text("name: x\n")
    _user_error(
        ["calibrate", "validate", str(tmp_path / "s.yaml"), str(nevo_csv)],
        "no provenance file",
        "s.provenance.json",
    )


def test_cluster_end_to_end(tmp_path) -> None:
    emp = pd.DataFrame(
        {
            "region": ["A", "A", "B", "B", "C", "C"],
            "industry": ["shoes", "food"] * 3,
            "employees": [6000, 4000, 500, 9500, 500, 9500],
        }
    )
    emp.to_csv(tmp_path / "emp.csv", index=False)
    firms = pd.DataFrame({"employees": [4, 6, 9, 12, 15, 22, 30, 41, 300, 1200]})
    firms.to_csv(tmp_path / "firms.csv", index=False)
    pd.DataFrame(
        {
            "source": [0, 1, 2, 3],
            "target": [1, 2, 3, 4],
            "kind": ["strong", "weak", "weak", "strong"],
        }
    ).to_csv(tmp_path / "e.csv", index=False)
    out = tmp_path / "cluster.yaml"
    d = json.loads(
        _ok(
            [
                "calibrate",
                "cluster",
                str(tmp_path / "emp.csv"),
                "--firms",
                str(tmp_path / "firms.csv"),
                "--edges",
                str(tmp_path / "e.csv"),
                "--scenario-out",
                str(out),
                "-f",
                "json",
            ]
        )
    )
    assert [(c["region"], c["industry"]) for c in d["clusters"]] == [("A", "shoes")]
    assert d["scenario"]["firms"]["leaders"] == 2
    assert d["ties"]["strong"]["mean_degree"] == pytest.approx(4 / 10)
    sc = load_scenario(out)  # the written sections form a valid scenario
    assert sc.firms.count == 10 and sc.ties.weak_degree == pytest.approx(0.4)
    assert sc.name == "shoes in A"
    text = _ok(["calibrate", "cluster", str(tmp_path / "emp.csv")])
    assert "Location quotients" in text and "Clusters" in text
    _user_error(["calibrate", "cluster"], "nothing to do")
    emp.assign(employees=["x", 1, 2, 3, 4, 5]).to_csv(tmp_path / "bad.csv", index=False)
    _user_error(["calibrate", "cluster", str(tmp_path / "bad.csv")], "row 1", "'employees'", "'x'")
