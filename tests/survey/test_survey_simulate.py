"""The measurement model and simulated respondents, including seed 004's direction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from clustermarketing import survey
from clustermarketing.survey.measurement import (
    MeasurementModel,
    ScenarioFacts,
    answer_instrument,
    experience_signals,
    latent_scores,
)
from clustermarketing.survey.side_by_side import agreement_summary, compare_analyses

INST = survey.load_instrument()
SMALL = ["firms.count=120"]


def _panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two firms over three periods; firm 1 gains from the model, firm 2 is a late entrant."""
    rows = []
    for arm in ("model", "baseline"):
        for t in range(3):
            for f in (1, 2):
                if f == 2 and t == 0:
                    continue
                gain = arm == "model" and f == 1
                rows.append(
                    {
                        "replicate": 0,
                        "arm": arm,
                        "period": t,
                        "firm": f,
                        "active": True,
                        "member": gain,
                        "contributes": gain,
                        "output": 120.0 if gain else 100.0,
                        "revenue": 1000.0,
                        "profit": 150.0 if gain else 100.0,
                        "cash": 0.0,
                        "quality": 1.0,
                        "goodwill": 0.0,
                        "trust": 0.75 if arm == "model" else 0.5,
                        "net_benefit": 40.0 if gain else 0.0,
                        "markets": 2 if gain else 1,
                        "aware_share": 1.0 if f == 1 else 0.5,
                        "segment": "s",
                        "leader": False,
                        "employees": 10.0 * f,
                        "market_orientation": 0.75 if f == 1 else 0.5,
                        "growth_propensity": 0.5,
                        "strong_ties": 5,
                        "weak_ties": 10 if f == 1 else 0,
                    }
                )
    cluster = pd.DataFrame(
        {
            "replicate": 0,
            "arm": ["model"] * 3 + ["baseline"] * 3,
            "period": [0, 1, 2] * 2,
            "regional_brand": [np.e - 1] * 3 + [0.0] * 3,
        }
    )
    return pd.DataFrame(rows), cluster


def test_experience_signals_by_hand() -> None:
    firms, cluster = _panel()
    mm = MeasurementModel(recall=None)
    sig = experience_signals(firms, cluster, ScenarioFacts(0.5, brand_weight=0.4), mm)
    one = sig.set_index("firm").loc[1]
    # profit gain 3·50 over baseline revenue 3·1000, on the 0.25 scale, through asinh
    assert one.gain == pytest.approx(math.asinh(0.05 / 0.25))
    assert one.demand == pytest.approx(math.asinh(math.log(1.2) / 0.25))
    assert one.markets == pytest.approx(1 / 0.5)
    assert one.net_benefit == pytest.approx(math.asinh(120 / 3000 / 0.25))
    assert one.member == 1.0
    assert one.brand == pytest.approx(0.4 * 1.0 / 1.0)  # g_r·b̄·ln(1 + R) with ln(e) = 1
    assert one.awareness == pytest.approx((1.0 - 0.5) / 0.25)
    assert one.ties == pytest.approx(math.log((5 + 0.5 * 10) / 5))
    assert one.trust == pytest.approx(0.25 / 0.25)
    assert one.orientation == pytest.approx(1.0)
    assert math.isnan(one.born)
    two = sig.set_index("firm").loc[2]
    assert two.born == 1 and two.gain == 0 and two.member == -1 and two.brand == 0
    # recall of one period: only the last period counts (same numbers here, by construction)
    short = experience_signals(firms, cluster, ScenarioFacts(), MeasurementModel(recall=1))
    assert short.set_index("firm").loc[1].gain == pytest.approx(one.gain)


def test_answers_follow_the_latent_score() -> None:
    mm = MeasurementModel(noise_sd=0.0, style_sd=0.0)
    latent = pd.DataFrame({c: [-5.0, 0.0, 5.0] for c in INST.construct_ids()})
    ans = answer_instrument(latent, INST, mm, np.random.default_rng(0))
    rev = INST.reverse_items()
    plain = [i for i in INST.item_ids() if i not in rev]
    assert (ans.loc[0, plain] == 1).all() and (ans.loc[2, plain] == 7).all()
    assert (ans.loc[0, rev] == 7).all() and (ans.loc[2, rev] == 1).all()
    assert (ans.loc[1] == 4).all()  # z = 0 is the neutral midpoint
    noisy = MeasurementModel()
    z = pd.DataFrame({c: np.linspace(-3, 3, 400) for c in INST.construct_ids()})
    a = answer_instrument(z, INST, noisy, np.random.default_rng(1))
    rec = a[plain].mean(axis=1)
    assert rec.iloc[:100].mean() < rec.iloc[-100:].mean()
    assert a.isna().sum().sum() == 0
    holes = answer_instrument(z, INST, MeasurementModel(missing_rate=0.1), np.random.default_rng(1))
    assert 0.05 < holes.isna().to_numpy().mean() < 0.15


def test_measurement_model_validation() -> None:
    with pytest.raises(ValidationError, match="strictly increasing"):
        MeasurementModel(thresholds=[0.0, -1.0])
    with pytest.raises(ValidationError, match="unknown signal"):
        MeasurementModel(weights={"trust": {"luck": 1.0}})
    with pytest.raises(ValidationError, match="extra"):
        MeasurementModel.model_validate({"noise": 1})
    with pytest.raises(ValueError, match="cut points for a 7-point scale"):
        MeasurementModel(thresholds=[0.0, 1.0]).cut_points(7)
    sig = pd.DataFrame({"trust": [1.0]})
    with pytest.raises(ValueError, match="no rule for construct"):
        latent_scores(sig, ["trust", "loyalty"], {"trust": {"trust": 1.0}})


def test_simulated_responses_are_deterministic_and_valid() -> None:
    kw = {"model": "collective_mark", "periods": 8, "overrides": ["firms.count=60"]}
    a = survey.simulate_responses("footwear", seed=3, **kw)
    b = survey.simulate_responses("footwear", seed=3, **kw)
    c = survey.simulate_responses("footwear", seed=4, **kw)
    pd.testing.assert_frame_equal(a, b)
    assert not a[INST.item_ids()].equals(c[INST.item_ids()])
    assert a.columns.tolist() == INST.columns()
    vals = a[INST.item_ids()].to_numpy(dtype=float)
    assert np.isin(vals, np.arange(1, 8)).all()
    assert a["respondent"].is_unique and (a["clustered"] == "yes").all()
    r = survey.validate_responses(a.astype(object), INST, group=None)
    assert r.n == len(a)
    forced = survey.simulate_responses("footwear", seed=3, clustered=False, **kw)
    assert (forced["clustered"] == "no").all()
    pd.testing.assert_frame_equal(forced[INST.item_ids()], a[INST.item_ids()])


def test_simulation_input_errors() -> None:
    with pytest.raises(ValueError, match="same scenario name given twice"):
        survey.simulate_responses(["footwear", "footwear"], periods=2, overrides=["firms.count=20"])
    bad = MeasurementModel(thresholds=[0.0, 1.0])
    with pytest.raises(ValueError, match="cut points"):
        survey.simulate_responses("footwear", measurement=bad, periods=2)


@pytest.fixture(scope="module")
def seed004() -> survey.SurveyAnalysis:
    """Footwear (clustered) and dispersed (not) under the collective mark, surveyed."""
    df = survey.simulate_responses(
        ["footwear", "dispersed"], model="collective_mark", seed=11, periods=12, overrides=SMALL
    )
    resp = survey.validate_responses(df.astype(object), INST, group="clustered")
    return survey.analyze(resp)


def test_seed_004_direction_clustered_firms_perceive_more_benefit(seed004) -> None:
    """Seed 004: managers in clustered industries perceive more benefits of inter-firm marketing
    cooperation. Measured: the mean rank-biserial effect (clustered − dispersed) of the
    cooperation constructs' scores is positive."""
    eff = seed004.construct_effects().set_index("construct")
    assert seed004.groups == ["yes", "no"]
    coop = eff[eff.kind == "cooperation"]
    assert coop.effect_size.mean() > 0
    # the information-exchange construct (ties and awareness) carries the difference
    assert eff.loc["market_information", "effect_size"] > 0.3
    assert eff.loc["market_information", "p_adjusted"] < 0.05


def test_reliability_of_simulated_scales(seed004) -> None:
    # parallel items with independent noise: every construct is internally consistent
    rel = seed004.reliability.set_index("construct")
    assert (rel.alpha > 0.3).all()
    assert (rel.ci_low < rel.alpha).all() and (rel.alpha < rel.ci_high).all()


def test_compare_analyses_side_by_side(seed004) -> None:
    table = compare_analyses(seed004, seed004)
    assert table["agree"].dropna().all()
    summary = agreement_summary(table)
    assert summary["agree"] == summary["judged"] > 0
    assert summary["mean_cooperation_effect"]["real"] == pytest.approx(
        summary["mean_cooperation_effect"]["simulated"]
    )
