"""The seeds' claims emerge from the mechanisms (replicates, common random numbers).

Nothing here is tuned to the test: the scenarios are the shipped examples, shrunk for speed.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import clustermarketing as cm
from conftest import small

REPS = 6
T = 30


def _paired_gain(r, metric: str) -> np.ndarray:
    g = r.cluster.groupby(["replicate", "arm"])[metric].mean().unstack()
    return (g["model"] - g["baseline"]).to_numpy()


def _lower_ci(x: np.ndarray) -> float:
    return float(x.mean() - stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))


@pytest.mark.xfail(
    reason=(
        "not robust (issue 7): with the random streams re-keyed by name the paired difference's "
        "95% CI covers zero; the claim rests on the assumed sourcing discount κ and is re-checked "
        "over a parameter region in the economics rework"
    ),
    strict=False,
)
def test_clustered_firms_gain_more_from_cooperation_than_dispersed() -> None:
    """Seed 004: clustered industries get more out of inter-firm marketing cooperation."""
    runs = {
        ex: cm.simulate(small(ex, firms=200), replicates=REPS, periods=T)
        for ex in ("footwear", "dispersed")
    }
    # the gain of the cooperating firms themselves (member_profit compares the same firms in both
    # arms, so entry and exit do not change whom we average over)
    did = _paired_gain(runs["footwear"], "member_profit") - _paired_gain(
        runs["dispersed"], "member_profit"
    )
    assert _lower_ci(did) > 0
    assert (
        runs["footwear"].summary["metrics"]["trust"]["model"]["mean"]
        > runs["dispersed"].summary["metrics"]["trust"]["model"]["mean"]
    )


def test_information_reaches_90pct_sooner_with_dense_ties() -> None:
    """Seed 003: information travels faster over abundant strong and weak ties."""
    dense = cm.simulate(
        small("footwear", firms=200), model="independent", replicates=REPS, periods=T
    )
    sparse = cm.simulate(
        small("dispersed", firms=200), model="independent", replicates=REPS, periods=T
    )
    d = dense.summary["metrics"]["time_to_90pct_awareness"]["model"]
    s = sparse.summary["metrics"]["time_to_90pct_awareness"]["model"]
    assert d["ci_high"] < s["ci_low"]


def test_cooperation_brings_jobs_new_firms_and_output_growth() -> None:
    """Seed 003: successful clusters create more jobs, more new firms, stronger output growth."""
    r = cm.simulate(small("footwear", firms=200), replicates=REPS, periods=T)
    m = r.summary["metrics"]
    for metric in ("employment", "entries", "output_growth"):
        assert m[metric]["difference"]["ci_low"] > 0, metric


def test_cooperative_pricing_beats_cartel_for_consumers() -> None:
    """Seed 001: cooperative pricing lowers prices through shared cost, unlike a price alliance."""
    sc = small("footwear", firms=150)
    nash = cm.simulate(sc, replicates=4, periods=15, pricing="nash")
    cartel = cm.simulate(sc, replicates=4, periods=15, pricing="cartel")

    def per_rep(r, k):
        return r.cluster[r.cluster.arm == "model"].groupby("replicate")[k].mean().to_numpy()

    # same seeds, same clusters: paired differences between the two pricing modes
    assert _lower_ci(per_rep(cartel, "mean_price") - per_rep(nash, "mean_price")) > 0
    assert _lower_ci(per_rep(nash, "consumer_surplus") - per_rep(cartel, "consumer_surplus")) > 0
    # cooperative pricing is also below the independent baseline's prices
    assert nash.summary["metrics"]["mean_price"]["difference"]["mean"] < 0


def test_free_riding_spreads_without_regulation_and_is_contained_with_it() -> None:
    """Seed 000 (regulation mechanism): monitoring and sanctions keep members contributing."""
    off = [
        "model.regulation.monitoring=0",
        "model.regulation.fine=0",
        "model.regulation.norm_strength=0",
        "model.regulation.exclusion=0",
        "model.contract.enforcement=0",
    ]
    with_reg = cm.simulate(small("footwear", firms=200), replicates=4, periods=40)
    without = cm.simulate(small("footwear", *off, firms=200), replicates=4, periods=40)

    def late_rate(r):
        c = r.cluster[(r.cluster.arm == "model") & (r.cluster.period >= 30)]
        return c.groupby("replicate").cooperation_rate.mean().to_numpy()

    def early_rate(r):
        c = r.cluster[(r.cluster.arm == "model") & (r.cluster.period < 5)]
        return c.groupby("replicate").cooperation_rate.mean().to_numpy()

    assert np.all(late_rate(without) < early_rate(without))  # free-riding spreads
    # contained: contribution stays at the mutation-selection balance near full contribution
    assert np.all(late_rate(with_reg) > 0.9)
    assert np.all(late_rate(with_reg) > early_rate(with_reg) - 0.02)
    assert late_rate(without).mean() < late_rate(with_reg).mean() - 0.1
