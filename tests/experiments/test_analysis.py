"""Sensitivity (Sobol', Morris) against closed forms; PRIM on a known box; analyze on a sweep."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from exp_helpers import small_experiment

from clustermarketing.experiments import (
    ExperimentError,
    analyze,
    parse_experiment,
    run_sweep,
    sensitivity,
)
from clustermarketing.experiments.analysis import _prim
from clustermarketing.experiments.report import html_report

PI = math.pi


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990): sin x1 + a sin² x2 + b x3⁴ sin x1 on [−π, π]³."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[list[float], list[float]]:
    """Analytic S1 and ST (Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*,
    §4.9; Sobol' & Levitan 1999): V1 = ½(1 + bπ⁴/5)², V2 = a²/8, V3 = 0,
    V13 = b²π⁸(1/18 − 1/50), V = V1 + V2 + V13."""
    v1 = 0.5 * (1 + b * PI**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * PI**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def test_sobol_on_ishigami_matches_the_analytic_indices() -> None:
    s1, st = ishigami_indices()
    # the published values: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)
    assert np.allclose(s1, [0.3139, 0.4424, 0.0], atol=1e-4)
    assert np.allclose(st, [0.5576, 0.4424, 0.2437], atol=1e-4)
    params = {"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)}
    t = sensitivity(ishigami, params, method="sobol", n=2048, seed=3)
    assert list(t.index) == ["x1", "x2", "x3"]
    assert list(t.columns) == ["S1", "S1_conf", "ST", "ST_conf"]
    assert np.allclose(t["S1"], s1, atol=0.04)
    assert np.allclose(t["ST"], st, atol=0.04)
    assert (t["S1_conf"] > 0).all() and (t["S1_conf"] < 0.1).all()
    s2 = t.attrs["S2"].set_index(["parameter_i", "parameter_j"])["S2"]
    # the only interaction is x1·x3: S13 = V13 / V
    assert abs(s2[("x1", "x3")] - (st[2] - s1[2])) < 0.06
    assert abs(s2[("x1", "x2")]) < 0.06
    again = sensitivity(ishigami, params, method="sobol", n=2048, seed=3)
    pd.testing.assert_frame_equal(t, again)


def test_morris_on_a_linear_function_gives_its_slopes() -> None:
    # EE_i of y = 3 x1 − 2 x2 is the slope, exactly, at every step: μ* = |slope|, σ = 0
    t = sensitivity(
        lambda x: 3 * x[:, 0] - 2 * x[:, 1], {"a": (0, 1), "b": (0, 1)}, method="morris", n=20
    )
    assert list(t.columns) == ["mu_star", "mu_star_conf", "mu", "sigma"]
    assert np.allclose(t["mu_star"], [3, 2])
    assert np.allclose(t["mu"], [3, -2])
    assert np.allclose(t["sigma"], 0, atol=1e-9)


def test_morris_ranks_ishigami_inputs() -> None:
    params = {"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)}
    t = sensitivity(ishigami, params, method="morris", n=200, seed=1)
    assert (t["mu_star"] > 0).all()
    # x2 acts alone (additive term) while x1, x3 interact: σ/μ* is largest for x3
    assert (t["sigma"] / t["mu_star"]).idxmax() in ("x1", "x3")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "fast"}, "method: 'fast'; expected sobol or morris"),
        ({"n": 100}, "n: 100; expected a power of 2"),
        ({"params": {"a": (1, 1)}}, "params.a: (1, 1); expected low < high"),
    ],
)
def test_sensitivity_bad_input(kwargs: dict, message: str) -> None:
    args = {"func": lambda x: x[:, 0], "params": {"a": (0, 1)}, "n": 8} | kwargs
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sensitivity(**args)


def test_prim_finds_a_known_box() -> None:
    rng = np.random.default_rng(4)
    design = pd.DataFrame({"point": np.arange(600), "a": rng.uniform(0, 1, 600)})
    design["b"] = rng.uniform(0, 10, 600)
    design["c"] = rng.uniform(0, 1, 600)
    inside = (design.a > 0.6) & (design.b < 4)
    y = pd.DataFrame({"point": design.point, "y": np.where(inside, 1.0, -1.0)})
    res = _prim(design, y, ["a", "b", "c"], "o", "m", "difference", {}, 0.0, "higher", 0.8)
    box = res.table
    assert list(box.index[box.restricted]) == ["a", "b"]
    # the widest box of density ≥ 0.8 holds the true box a > 0.6, b < 4 and not much more
    assert 0.5 <= box.loc["a", "min"] <= 0.62 and 3.9 <= box.loc["b", "max"] <= 5.5
    sel = res.info["selected_box"]
    assert sel["density"] >= 0.8 and sel["coverage"] > 0.8
    assert res.info["points_of_interest"] == int(inside.sum())
    traj = res.trajectory
    assert traj["mass"].is_monotonic_decreasing and traj["coverage"].iloc[0] == 1.0


@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete Sobol' sweep: 8 × (2·2 + 2) = 48 points, one replicate each."""
    exp = small_experiment(
        set={},
        parameters={
            "firms.count": {"low": 40, "high": 100},
            "model.regulation.fine": {"low": 0, "high": 500},
        },
        design={"kind": "sobol", "n": 8},
        replicates=1,
        outcomes=["sme_profit", "firms", "cooperation_rate"],
        seeds="common",
    )
    out = tmp_path_factory.mktemp("sobol") / "out"
    run_sweep(parse_experiment(exp), out)
    return out


def test_sobol_on_a_sweep_gives_zero_to_a_parameter_the_baseline_ignores(
    sobol_sweep: Path,
) -> None:
    res = analyze(sobol_sweep, "sme_profit", "sobol", arm="baseline")
    # the baseline ignores model.* overrides, so its response does not move with the fine:
    # Saltelli's estimators of S1 and ST are then exactly zero
    assert res.table.loc["model.regulation.fine", "ST"] == 0
    assert res.table.loc["model.regulation.fine", "S1"] == 0
    assert res.table.loc["firms.count", "ST"] > 0
    assert res.s2 is not None and len(res.s2) == 1
    assert res.info["runs_ok"] == 48
    page = html_report(res)
    assert page.count("<svg") == 1 and "Provenance" in page and "http" not in page.split("<svg")[0]


def test_prim_on_a_sweep_restricts_the_firm_count(sobol_sweep: Path) -> None:
    from clustermarketing.experiments import connect

    con = connect(sobol_sweep)
    y = con.execute(
        'SELECT point, "firms.count" AS n0, "model.regulation.fine" AS fine, firms '
        "FROM metrics WHERE arm = 'baseline' ORDER BY point"
    ).df()
    threshold = float(y["firms"].median())  # half the points are of interest
    res = analyze(sobol_sweep, "firms", "prim", arm="baseline", threshold=threshold, density=0.8)
    # the baseline's final firm count depends on the initial count, never on the fine
    assert "model.regulation.fine" not in set(res.table.index[res.table.restricted])
    assert res.table.loc["firms.count", "restricted"]
    assert res.table.loc["firms.count", "min"] > 40
    # coverage and density recomputed from the store agree with the reported box
    lo, hi = res.table.loc["firms.count", ["min", "max"]]
    flo, fhi = res.table.loc["model.regulation.fine", ["min", "max"]]
    inside = y.n0.between(lo, hi) & y.fine.between(flo, fhi)
    hit = y.firms > threshold
    sel = res.info["selected_box"]
    assert sel["density"] == pytest.approx((hit & inside).sum() / inside.sum())
    assert sel["coverage"] == pytest.approx((hit & inside).sum() / hit.sum())
    assert sel["density"] >= 0.8
    assert "<svg" in html_report(res)


def test_analysis_refuses_what_it_cannot_compute(sobol_sweep: Path) -> None:
    with pytest.raises(ExperimentError, match="needs a sweep with design kind morris"):
        analyze(sobol_sweep, "sme_profit", "morris")
    with pytest.raises(ExperimentError, match="'profit' was not kept by this sweep"):
        analyze(sobol_sweep, "profit", "sobol")
    with pytest.raises(ExperimentError, match="'exhibition_promotion' was not run"):
        analyze(sobol_sweep, "sme_profit", "sobol", model="exhibition_promotion")
    # the baseline has no cooperative: its cooperation rate is undefined
    with pytest.raises(ExperimentError, match=r"undefined \(NaN\) at 48 of 48 design points"):
        analyze(sobol_sweep, "cooperation_rate", "sobol", arm="baseline")


def test_morris_sweep_and_incomplete_design(tmp_path: Path) -> None:
    exp = parse_experiment(
        small_experiment(
            set={},
            parameters={
                "firms.count": {"low": 40, "high": 100},
                "ties.strong_degree": {"low": 1, "high": 8},
            },
            design={"kind": "morris", "trajectories": 4, "levels": 4},
            replicates=1,
        )
    )
    run_sweep(exp, tmp_path / "m")
    res = analyze(tmp_path / "m", "sme_profit", "morris", arm="model")
    assert list(res.table.columns) == ["mu_star", "mu_star_conf", "mu", "sigma"]
    assert (res.table["mu_star"] >= 0).all()
    # drop a finished run: the analysis names what is missing instead of guessing
    (next((tmp_path / "m" / "runs").glob("*.parquet"))).unlink()
    for p in (tmp_path / "m" / "metrics").glob("*.parquet"):
        p.unlink()
    with pytest.raises(ExperimentError):
        analyze(tmp_path / "m", "sme_profit", "morris")
