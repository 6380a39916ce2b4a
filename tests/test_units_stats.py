"""Units of every metric; confidence intervals that never leave a metric's possible range."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from typer.testing import CliRunner

from clustermarketing.analysis.stats import comparison_cis, mean_ci
from clustermarketing.cli.main import app
from clustermarketing.engine import METRICS
from clustermarketing.units import METRIC_RANGE, METRIC_UNITS, difference_range, metric_range


def test_every_metric_has_a_unit() -> None:
    assert set(METRICS) <= set(METRIC_UNITS), set(METRICS) - set(METRIC_UNITS)
    assert set(METRIC_RANGE) <= set(METRICS)  # no range for a metric that does not exist
    for name in METRICS:
        assert METRIC_UNITS[name].strip()


def test_ranges() -> None:
    for rate in ("membership_rate", "cooperation_rate", "trust", "sme_market_access"):
        assert metric_range(rate) == (0.0, 1.0) and difference_range(rate) == (-1.0, 1.0)
    for count in ("entries", "exits", "firms", "output", "employment"):
        assert metric_range(count) == (0.0, math.inf)
        assert difference_range(count) == (-math.inf, math.inf)
    assert metric_range("profit") == (-math.inf, math.inf)


def test_unbounded_interval_is_the_t_interval() -> None:
    x = np.array([3.0, 5.0, 4.5, 6.5])
    r = mean_ci(x)
    lo, hi = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((lo, hi))
    assert r["ci_clipped"] is False


finite = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=2, max_size=8))
def test_rate_intervals_stay_in_0_1(values: list[float]) -> None:
    x = np.array(values)
    r = mean_ci(x, bounds=(0.0, 1.0))
    assert 0.0 <= r["ci_low"] <= r["mean"] + 1e-12 and r["mean"] - 1e-12 <= r["ci_high"] <= 1.0
    raw = mean_ci(x)
    clipped = raw["ci_low"] < 0.0 or raw["ci_high"] > 1.0
    assert r["ci_clipped"] == clipped
    if not clipped:
        assert (r["ci_low"], r["ci_high"]) == (raw["ci_low"], raw["ci_high"])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=50), min_size=2, max_size=6),
    st.lists(st.integers(min_value=0, max_value=50), min_size=2, max_size=6),
)
def test_count_intervals_never_negative(a: list[int], b: list[int]) -> None:
    n = min(len(a), len(b))
    r = comparison_cis("exits", np.array(a[:n], float), np.array(b[:n], float))
    assert r["model"]["ci_low"] >= 0 and r["baseline"]["ci_low"] >= 0
    # a difference of counts may be negative: not clipped at 0
    d = mean_ci(np.array(a[:n], float) - np.array(b[:n], float))
    assert r["difference"]["ci_low"] == d["ci_low"]


def test_compare_json_has_units_and_provenance() -> None:
    args = ["compare", "footwear", "--models", "collective_mark", "-r", "2", "-p", "3"]
    args += ["--set", "firms.count=40", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["units"]["member_profit"] == "CU/firm/period"
    assert data["provenance"]["command"] == "compare"
    assert data["provenance"]["overrides"] == ["firms.count=40"]
    table = CliRunner().invoke(app, args[:-2])
    assert "[CU/firm/period]" in table.stdout
