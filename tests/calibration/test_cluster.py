"""Location quotients, Herfindahl, cluster identification, firm sizes, tie degrees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from clustermarketing.calibration import location_quotients
from clustermarketing.calibration.cluster import (
    cluster_scenario,
    firm_sizes,
    fit_lognormal,
    herfindahl,
    identify_clusters,
    tie_degrees,
)
from clustermarketing.calibration.data import CalibrationError

pytest.importorskip("statsmodels")


def employment() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["A", "A", "B", "B", "C", "C"],
            "industry": ["shoes", "food", "shoes", "food", "shoes", "food"],
            "employees": [6000, 4000, 500, 9500, 500, 9500],
        }
    )


def test_location_quotient_by_hand() -> None:
    lq = location_quotients(employment()).set_index(["region", "industry"])["lq"]
    # A: shoes 6000/10000 of the region vs 7000/30000 overall → 0.6 / (7/30) = 2.571…
    assert lq["A", "shoes"] == pytest.approx(0.6 / (7000 / 30000))
    assert lq["B", "food"] == pytest.approx(0.95 / (23000 / 30000))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=6, max_size=6).filter(lambda v: sum(v) > 0))
def test_lq_weighted_mean_is_one_and_hhi_bounded(values) -> None:
    df = employment().assign(employees=values)
    lq = location_quotients(df)
    total = lq["employees"].sum()
    for _, g in lq[lq["industry_total"] > 0].groupby("industry"):
        ok = g["region_total"] > 0
        # Σ_r e_r LQ_ri / e = 1 for every industry with employment
        assert float((g["region_total"][ok] * g["lq"][ok]).sum() / total) == pytest.approx(1.0)
    h = herfindahl(lq)["industry"].dropna()
    assert ((h >= 1 / 3 - 1e-12) & (h <= 1 + 1e-12)).all()


def test_identify_clusters_applies_every_threshold() -> None:
    lq = location_quotients(employment())
    assert identify_clusters(lq)[["region", "industry"]].values.tolist() == [["A", "shoes"]]
    assert identify_clusters(lq, min_employees=7000).empty
    assert identify_clusters(lq, lq_min=1.2)["region"].tolist() == ["A", "B", "C"]
    assert identify_clusters(lq, lq_min=1.2, min_share=0.45)["region"].tolist() == ["A"]
    with pytest.raises(CalibrationError, match="--lq-min"):
        identify_clusters(lq, lq_min=0)


def test_lognormal_mle_matches_scipy_and_detects_misfit() -> None:
    rng = np.random.default_rng(11)
    x = np.exp(rng.normal(np.log(20), 0.6, 400))
    f = fit_lognormal(x)
    shape, _loc, scale = stats.lognorm.fit(x, floc=0)  # independent MLE
    assert f.median == pytest.approx(scale, rel=1e-6) and f.sigma == pytest.approx(shape, rel=1e-6)
    assert f.ks_p > 0.05
    bad = fit_lognormal(rng.uniform(1, 2, 400) ** 8 + rng.integers(0, 2, 400) * 1000)
    assert bad.ks_p < 0.01


def test_firm_sizes_split_smes_and_leaders() -> None:
    e = [5, 8, 12, 20, 30, 45, 300, 800, 1200]
    out = firm_sizes(pd.DataFrame({"name": list("abcdefghi"), "employees": e}), firm="name")
    assert [r["firm"] for r in out["leader_list"]] == ["i", "h", "g"]
    assert out["sme"]["median"] == pytest.approx(np.exp(np.mean(np.log(e[:6]))))
    sc = cluster_scenario(out, None, None)
    assert sc["firms"]["count"] == 9 and sc["firms"]["leaders"] == 3
    with pytest.raises(CalibrationError, match="row 2, column 'employees'"):
        firm_sizes(pd.DataFrame({"employees": [3, 0, 5]}))


def test_tie_degrees_merge_duplicates_and_prefer_strong() -> None:
    edges = pd.DataFrame(
        {
            "source": [1, 2, 1, 3, 2],
            "target": [2, 1, 3, 4, 3],
            "kind": ["strong", "strong", "weak", "weak", "Strong"],
        }
    )
    out = tie_degrees(edges, n_firms=5)
    assert out["strong"]["ties"] == 2  # 1–2 (twice) and 2–3
    assert out["weak"]["ties"] == 2  # 1–3 and 3–4
    assert out["strong"]["mean_degree"] == pytest.approx(4 / 5)
    assert out["strong"]["isolated_share"] == pytest.approx(2 / 5)  # firm 4 and the unlisted firm
    with pytest.raises(CalibrationError, match="'kind': got 'close'"):
        tie_degrees(edges.assign(kind="close"))
