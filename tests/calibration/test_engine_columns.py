"""The firms-CSV extension: taste_<market> and unit_cost_<market> reach the engine."""

from __future__ import annotations

import numpy as np
import pytest

from clustermarketing.engine.build import build
from clustermarketing.engine.streams import Streams
from clustermarketing.errors import ScenarioError
from clustermarketing.scenario import load_scenario

HEAD = "id,employees,unit_cost,quality,segment,market_orientation,growth_propensity,leader"


def scenario(tmp_path, extra_head: str, rows: list[str]):
    (tmp_path / "f.csv").write_text(f"{HEAD}{extra_head}\n" + "\n".join(rows) + "\n")
    (tmp_path / "s.yaml").write_text(
        "firms: {source: csv, csv: f.csv}\n"
        "markets: [{name: home}, {name: far}]\n"
        "demand: {distribution_cost: 0.5}\n"
    )
    return load_scenario(tmp_path / "s.yaml")


def test_tastes_and_market_costs_replace_the_defaults(tmp_path) -> None:
    sc = scenario(
        tmp_path,
        ",access_far,taste_home,taste_far,unit_cost_far",
        ["a,10,5,1,main,0.5,0.5,0,1,0.3,-0.7,8.0", "b,10,6,1,main,0.5,0.5,0,0,,,"],
    )
    w, _ = build(sc, sc.model_config_for("independent"), Streams(np.random.SeedSequence(3)))
    assert w.xi[0, 0] == 0.3 and w.xi[0, 1] == -0.7
    # a blank keeps the drawn taste (same draw as without the column)
    sc_plain = scenario(
        tmp_path, ",access_far", ["a,10,5,1,main,0.5,0.5,0,1", "b,10,6,1,main,0.5,0.5,0,0"]
    )
    w0, _ = build(
        sc_plain, sc_plain.model_config_for("independent"), Streams(np.random.SeedSequence(3))
    )
    assert w.xi[1, 0] == w0.xi[1, 0] and w.xi[1, 1] == w0.xi[1, 1]
    # full cost in market far = unit_cost + distribution + market cost = 8.0 exactly
    assert w.base_cost[0] + 0.5 + w.market_cost[0, 1] == pytest.approx(8.0)
    assert w.market_cost[1].tolist() == [0.0, 0.0] and w.market_cost[0, 0] == 0.0


@pytest.mark.parametrize(
    ("head", "row", "needle"),
    [
        (",taste_nowhere", "a,10,5,1,main,0.5,0.5,0,0.1", "'taste_nowhere' names no market"),
        (",taste_home", "a,10,5,1,main,0.5,0.5,0,soft", "column 'taste_home': got 'soft'"),
        (",unit_cost_far", "a,10,5,1,main,0.5,0.5,0,inf", "'unit_cost_far'"),
    ],
)
def test_bad_calibrated_columns(tmp_path, head, row, needle) -> None:
    with pytest.raises(ScenarioError, match=needle):
        scenario(tmp_path, head, [row])


def test_duplicate_ids_are_refused(tmp_path) -> None:
    with pytest.raises(ScenarioError, match="repeats an earlier row"):
        scenario(tmp_path, "", ["a,10,5,1,main,0.5,0.5,0", "a,10,5,1,main,0.5,0.5,0"])
