"""Indicators from compare-shaped frames, the recommendation and its robustness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.evaluation import compute_indicators, recommend, recommend_from_table
from clustermarketing.evaluation.io import load_hierarchy
from clustermarketing.evaluation.recommend import RobustnessOptions
from clustermarketing.evaluation.robustness import rank_stats

H = load_hierarchy()
METRICS = sorted(set(H.metrics))


def frame(effects: dict[str, float], reps: int = 4, seed: int = 0) -> pd.DataFrame:
    """replicate_values: baseline metric = 100 (+ noise), model = baseline · (1 + effect)."""
    rng = np.random.default_rng(seed)
    rows = []
    for model, eff in effects.items():
        for r in range(reps):
            base = {m: 100.0 + rng.normal(0, 1) for m in METRICS}
            base.update(membership_rate=0.0, cooperation_rate=np.nan, trust=0.5,
                        sme_market_access=0.5, output_growth=0.01)  # fmt: skip
            mod = {m: v * (1 + eff) for m, v in base.items()}
            mod.update(membership_rate=0.8, cooperation_rate=0.9, trust=0.5 + eff,
                       sme_market_access=0.5 + eff, output_growth=0.01 + eff / 10)  # fmt: skip
            rows.append({"model": model, "replicate": r, "arm": "baseline", **base})
            rows.append({"model": model, "replicate": r, "arm": "model", **mod})
    return pd.DataFrame(rows)


def test_indicators_follow_their_transforms():
    t = compute_indicators(frame({"a": 0.2}), H)
    v = dict(zip(t.indicators, t.values[0], strict=True))
    assert v["employment"] == pytest.approx(0.2, abs=1e-9)  # relative
    assert v["trust"] == pytest.approx(0.2)  # difference
    assert v["membership_rate"] == pytest.approx(0.8)  # model
    assert v["new_firms"] == pytest.approx(np.log(1 + 120) - np.log(1 + 100), abs=0.05)
    assert np.all(t.ci_low[0] <= t.values[0] + 1e-9)


def test_better_model_ranks_first_and_p_first_sums_to_one():
    rec = recommend(frame({"weak": -0.1, "strong": 0.3, "mid": 0.1}), H, rng=3)
    d = rec.to_dict()
    assert d["best"] == "strong"
    assert [d["models"][m]["rank"] for m in ("strong", "mid", "weak")] == [1, 2, 3]
    assert sum(m["p_first"] for m in d["models"].values()) == pytest.approx(1.0)
    assert sum(m["p_first_replicates"] for m in d["models"].values()) == pytest.approx(1.0)
    assert d["models"]["strong"]["topsis"] > d["models"]["weak"]["topsis"]
    assert d["models"]["weak"]["grade"] in ("weak", "poor", "fair")
    lo, hi = d["models"]["strong"]["rank_interval"]
    assert 1 <= lo <= hi <= 3
    assert d["drivers"]["top"] == "strong" and d["drivers"]["runner_up"] == "mid"


def test_same_seed_same_result_and_seed_matters():
    f = frame({"x": 0.05, "y": 0.06})
    a, b, c = (recommend(f, H, rng=s) for s in (7, 7, 8))
    assert a.to_dict() == b.to_dict()
    np.testing.assert_array_equal(a.weight_scores, b.weight_scores)
    assert not np.array_equal(a.weight_scores, c.weight_scores)


def test_missing_metric_fails_clearly():
    f = frame({"a": 0.1}).drop(columns=["trust"])
    with pytest.raises(
        ClusterMarketingError, match="metric 'trust' is not in the simulation output"
    ):
        compute_indicators(f, H)


def test_zero_baseline_relative_change_is_reported():
    f = frame({"a": 0.1})
    f.loc[f["arm"] == "baseline", "employment"] = 0.0
    with pytest.raises(ClusterMarketingError, match=r"indicator employment .* baseline mean is 0"):
        compute_indicators(f, H)


@pytest.mark.parametrize("weighting", ["entropy", "critic", "equal"])
def test_objective_weightings_give_weights_summing_to_one(weighting):
    rec = recommend(frame({"a": 0.1, "b": 0.2, "c": -0.1}), H, weighting=weighting)
    d = rec.to_dict()
    assert sum(d["weights"]["criteria"].values()) == pytest.approx(1)
    assert sum(v["global"] for v in d["weights"]["indicators"].values()) == pytest.approx(1)


def test_dirichlet_and_no_perturbation():
    f = frame({"a": 0.1, "b": 0.12})
    d = recommend(f, H, options=RobustnessOptions(200, "dirichlet", 0.25, 50.0)).to_dict()
    assert sum(m["p_first"] for m in d["models"].values()) == pytest.approx(1)
    d0 = recommend(f, H, options=RobustnessOptions(0)).to_dict()
    assert [m["p_first"] for m in d0["models"].values()] == [1.0, 0.0]


def test_drivers_changes_would_close_the_gap():
    rec = recommend(frame({"lead": 0.15, "second": 0.1}), H, rng=1)
    dr = rec.drivers
    assert dr["score_gap"] > 0
    total = sum(c["contribution"] for c in dr["contributions"])
    assert total == pytest.approx(dr["score_gap"], rel=1e-6)  # exact for the weighted average
    # applying a reported needed value makes the runner-up draw level
    ev = rec.evaluation
    need = next(n for n in dr["indicator_values_needed"] if n["needed"] is not None)
    j = ev.hierarchy.names.index(need["indicator"])
    table = ev.table
    vals = table.values.copy()
    run = ev.names.index(dr["runner_up"])
    vals[run, j] = need["needed"]
    from dataclasses import replace

    rec2 = recommend_from_table(replace(table, values=vals), H, options=RobustnessOptions(0))
    s = {n: m["score"] for n, m in rec2.to_dict()["models"].items()}
    assert s["second"] == pytest.approx(s["lead"], abs=0.05)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(2, 6), st.integers(0, 2**16))
def test_rank_stats_p_first_sums_to_one_even_with_ties(draws, models, seed):
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 3, size=(draws, models)).astype(float)  # many ties
    s = rank_stats(scores)
    assert s.p_first.sum() == pytest.approx(1.0)
    assert np.all(s.rank_low >= 1) and np.all(s.rank_high <= models)
