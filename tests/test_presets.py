"""Each built preset changes what it should, from its mechanism (MODEL.md §5)."""

from __future__ import annotations

import numpy as np
import pytest

import clustermarketing as cm
from clustermarketing.models import PRESETS
from conftest import BUILT_MODELS, small

BUILT = BUILT_MODELS


def _diff(r, metric):
    return r.summary["metrics"][metric]["difference"]


def test_registry_lists_ten_presets_all_built() -> None:
    assert len(PRESETS) == 10
    assert sorted(n for n, p in PRESETS.items() if p.implemented) == sorted(BUILT)


def test_registry_refuses_unbuilt_models(planned_model: str) -> None:
    with pytest.raises(cm.errors.ScenarioError, match="planned but not built"):
        cm.load_scenario("footwear", [f"model.preset={planned_model}"])


def test_presets_differ_by_more_than_name() -> None:
    sc = cm.example("footwear")
    dumps = {n: sc.model_config_for(n).model_dump(exclude={"preset"}) for n in BUILT}
    for i, a in enumerate(BUILT):
        for b in BUILT[i + 1 :]:
            assert dumps[a] != dumps[b], (a, b)


def test_collective_mark_raises_regional_brand() -> None:
    r = cm.simulate(small(), model="collective_mark", replicates=3, periods=20)
    d = _diff(r, "regional_brand")
    assert d["ci_low"] > 0
    # the mark is fed by pooled brand building: without it there is no regional brand
    sc = small("footwear", "model.pooled_functions=[information_dissemination]")
    r2 = cm.simulate(sc, model="collective_mark", replicates=2, periods=20)
    assert r2.summary["metrics"]["regional_brand"]["model"]["mean"] == 0.0


def test_share_marketing_channel_raises_sme_market_access() -> None:
    r = cm.simulate(small(), model="share_marketing_channel", replicates=3, periods=20)
    assert _diff(r, "sme_market_access")["ci_low"] > 0.1
    # with the channel function but without pooled market access, reach comes only from own entry
    sc = small("footwear", "model.pooled_functions=[channel_development]")
    r2 = cm.simulate(sc, model="share_marketing_channel", replicates=3, periods=20)
    assert (
        r2.summary["metrics"]["sme_market_access"]["model"]["mean"]
        < r.summary["metrics"]["sme_market_access"]["model"]["mean"]
    )


def test_exhibition_raises_access_and_entry_around_fairs() -> None:
    r = cm.simulate(
        small("optoelectronics"), model="exhibition_promotion", replicates=3, periods=24
    )
    c = r.cluster
    m = c[c.arm == "model"].sort_values(["replicate", "period"]).copy()
    fair = m.period % 4 == 3
    assert m[fair].entries.mean() > m[~fair].entries.mean()
    m["access_gain"] = m.groupby("replicate").sme_market_access.diff()
    assert m[fair].access_gain.mean() > m[~fair].access_gain.mean()
    g = c.groupby(["replicate", "arm"]).sme_market_access.mean().unstack()
    assert ((g["model"] - g["baseline"]) > 0.05).all()  # in every replicate, same random numbers
    # no fairs, no fair-period surge
    sc = small("optoelectronics", "model.fairs.interval=0")
    r2 = cm.simulate(sc, model="exhibition_promotion", replicates=3, periods=24)
    m2 = r2.cluster[r2.cluster.arm == "model"]
    f2 = m2.period % 4 == 3
    assert (
        m2[f2].entries.mean() - m2[~f2].entries.mean()
        < m[fair].entries.mean() - m[~fair].entries.mean()
    )


def test_independent_has_no_cooperation() -> None:
    r = cm.simulate(small(), model="independent", replicates=2, periods=8)
    c = r.cluster
    assert (c.membership_rate == 0).all()
    assert (c.pooled_cost == 0).all()
    assert np.allclose(
        c[c.arm == "model"].output.to_numpy(), c[c.arm == "baseline"].output.to_numpy()
    )


@pytest.mark.parametrize(
    "rule", ["equal", "proportional", "dues", "commission", "shapley", "nucleolus"]
)
def test_any_allocation_rule_plugs_in(rule: str) -> None:
    sc = small("footwear", f"model.function_interest.rule={rule}", firms=40)
    r = cm.simulate(sc, model="collective_mark", replicates=1, periods=4)
    c = r.cluster[r.cluster.arm == "model"]
    assert np.allclose(c.allocated_cost, c.to_allocate - c.rebate)
