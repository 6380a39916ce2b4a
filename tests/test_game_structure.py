"""Games on a scenario's structure (issue 16): player graphs, Myerson, Owen, Aumann–Drèze, τ.

The scenario ``leather_goods`` below has nine firms in three segments and an edge list in which
the segment ``belts`` has ties only among its own firms: cut off from the others, it must get
its stand-alone value under the Myerson value.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import clustermarketing as cm
from clustermarketing.analysis.coalitions import (
    PlayerGraph,
    ScenarioGame,
    player_graph,
    scenario_game,
)
from clustermarketing.cli.game import read_edges_file, read_unions_file
from clustermarketing.cli.main import app
from clustermarketing.games import aumann_dreze, myerson, owen, quotient_game, shapley

runner = CliRunner()

FIRMS = """employees,unit_cost,quality,segment,market_orientation,growth_propensity,leader
20,8.0,0.9,shoes,0.5,0.5,0
25,7.8,1.0,shoes,0.4,0.5,0
18,8.2,0.8,shoes,0.6,0.5,0
30,7.5,1.1,bags,0.5,0.4,0
22,8.1,0.9,bags,0.5,0.6,0
19,8.3,0.9,bags,0.3,0.5,0
24,7.9,1.0,belts,0.5,0.5,0
21,8.0,0.9,belts,0.6,0.5,0
26,7.7,1.0,belts,0.4,0.5,0
"""
# shoes = firms 0-2, bags = 3-5, belts = 6-8; two ties join shoes and bags (2-3, 0-5), none
# reaches belts
EDGES = """source,target,kind
0,1,strong
1,2,strong
3,4,strong
4,5,weak
2,3,weak
0,5,strong
6,7,strong
7,8,weak
"""
SCENARIO = """name: leather_goods
seed: 7
firms:
  source: csv
  csv: firms.csv
  leaders: 0
  segments:
    - {name: shoes, share: 0.34}
    - {name: bags, share: 0.33}
    - {name: belts, share: 0.33}
ties: {source: edgelist, edgelist: edges.csv}
model: {preset: collective_mark}
"""


@pytest.fixture(scope="module")
def scenario_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("leather_goods")
    (d / "firms.csv").write_text(FIRMS, encoding="utf-8")
    (d / "edges.csv").write_text(EDGES, encoding="utf-8")
    (d / "s.yaml").write_text(SCENARIO, encoding="utf-8")
    return d / "s.yaml"


@pytest.fixture(scope="module")
def segments(scenario_path: Path) -> ScenarioGame:
    return scenario_game(str(scenario_path), players="segment")


@pytest.fixture(scope="module")
def firms(scenario_path: Path) -> ScenarioGame:
    return scenario_game(str(scenario_path), players="firm")


def cli(*args: str) -> Any:
    return runner.invoke(app, ["game", *args])


def cli_json(*args: str) -> dict[str, Any]:
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- player graph


def test_tie_counts_expectation_and_ratio_by_hand(segments: ScenarioGame) -> None:
    g = segments.player_graph("ties")
    assert g.players == ["shoes", "bags", "belts"]
    # ties between segments and inside them, read off the edge list
    assert g.links.tolist() == [[2, 2, 0], [2, 2, 0], [0, 0, 2]]
    # degrees: every shoes and bags firm has 2 ties (D = 6 each), belts 1 + 2 + 1 (D = 4);
    # 2m = 16, so random mixing gives E(shoes, bags) = 36/16, E(·, belts) = 24/16
    assert g.expected is not None and g.ratio is not None
    assert g.expected[0, 1] == pytest.approx(36 / 16)
    assert g.expected[0, 2] == pytest.approx(24 / 16)
    assert g.expected[2, 2] == pytest.approx(16 / 32)  # inside: D² / 4m
    assert g.ratio[0, 1] == pytest.approx(2 / (36 / 16))  # 0.889
    assert g.min_ratio == 0.5
    assert g.edges == [("shoes", "bags")]
    assert g.isolated == ["belts"]
    assert g.components == [["shoes", "bags"], ["belts"]]
    # the threshold decides: above 0.889 shoes and bags are no longer linked, 0 = any tie
    assert segments.player_graph("ties", min_ratio=0.9).edges == []
    assert segments.player_graph("ties", min_ratio=0.0).edges == [("shoes", "bags")]
    # strong ties only: 0-5 joins shoes and bags (2-3 is weak)
    strong = segments.player_graph("strong")
    assert strong.links[0, 1] == 1 and strong.edges == [("shoes", "bags")]
    assert segments.player_graph("weak").links[0, 1] == 1


def test_isolated_segment_gets_its_stand_alone_value(segments: ScenarioGame) -> None:
    g = segments.tu()
    graph = segments.player_graph("ties")
    mu = myerson(g, graph.edges)
    v = g.values
    # belts (player 2) has no tie outside its own firms: it gets v({belts})
    assert mu[2] == pytest.approx(v[0b100], abs=1e-9)
    # the component {shoes, bags} shares exactly its own worth; with two players the Myerson
    # value is the two-player standard solution v(i) + (v(ij) − v(i) − v(j)) / 2
    surplus = v[0b011] - v[0b001] - v[0b010]
    assert mu[0] == pytest.approx(v[0b001] + surplus / 2)
    assert mu[1] == pytest.approx(v[0b010] + surplus / 2)
    # and the same member pays its stand-alone cost in the cost game
    c = segments.tu("cost")
    assert myerson(c, graph.edges)[2] == pytest.approx(c.values[0b100])


def test_firm_graph_is_the_edge_list_and_a_plain_network_structure(scenario_path: Path) -> None:
    sc = cm.load_scenario(
        str(scenario_path), ["model.structure.kind=network", "model.structure.extra_links=0"]
    )
    sg = scenario_game(sc, players="firm")
    ties = sg.player_graph("ties")
    listed = sorted(
        tuple(sorted((f"firm_{a}", f"firm_{b}"), key=lambda s: int(s[5:])))
        for a, b in (line.split(",")[:2] for line in EDGES.splitlines()[1:])
    )
    assert ties.edges == listed
    assert ties.min_ratio is None  # with firm players a tie is a link
    # a network structure without extra links is laid along the ties
    assert sg.player_graph("structure").edges == listed
    with pytest.raises(ValueError, match="with firm players a tie is a link"):
        sg.player_graph("ties", min_ratio=0.5)


def test_star_hub_links_every_player(segments: ScenarioGame) -> None:
    g = segments.player_graph("structure")
    assert g.structure == "star"
    assert g.hub_linked == ["shoes", "bags", "belts"]
    assert g.complete and not g.isolated
    assert g.links.sum() == 0  # a star has no member-to-member links: all goes via the hub
    with pytest.raises(ValueError, match="designed coordination channel"):
        segments.player_graph("structure", min_ratio=1.0)


def test_hierarchy_links_parents_and_children(scenario_path: Path) -> None:
    sc = cm.load_scenario(
        str(scenario_path), ["model.structure.kind=hierarchical", "model.structure.branching=2"]
    )
    g = scenario_game(sc, players="segment").player_graph("structure")
    # firms by capacity (∝ employees): 3 (bags), 8 (belts) under the hub; 1 (shoes), 6 (belts)
    # under 3; 4 (bags), 7 (belts) under 8; 0 (shoes), 5 (bags) under 1; 2 (shoes) under 6
    assert g.hub_linked == ["bags", "belts"]
    assert g.links.tolist() == [[1, 2, 1], [2, 0, 2], [1, 2, 1]]
    assert len(g.components) == 1  # a hierarchy reaches every member


def test_module_level_player_graph_matches_the_method(scenario_path: Path) -> None:
    g = player_graph(str(scenario_path), players="segment", graph="ties", min_ratio=0.2)
    assert g.edges == [("shoes", "bags")] and g.min_ratio == 0.2
    assert g.to_dict()["isolated"] == ["belts"]


def _stub(adj: sp.csr_matrix, groups: np.ndarray, n: int) -> ScenarioGame:
    world = SimpleNamespace(ties=adj, strong=adj, weak=adj)
    return ScenarioGame(
        [f"p{i}" for i in range(n)], groups, SimpleNamespace(world=world), kind="segment"
    )


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    slots=st.integers(2, 30),
    n=st.integers(1, 6),
    r1=st.floats(0, 3),
    r2=st.floats(0, 3),
)
def test_aggregation_properties(
    data: st.DataObject, slots: int, n: int, r1: float, r2: float
) -> None:
    """Link counts match a brute-force count; expectations sum to m; thresholds are monotone."""
    pairs = data.draw(
        st.sets(
            st.tuples(st.integers(0, slots - 1), st.integers(0, slots - 1)).filter(
                lambda p: p[0] < p[1]
            ),
            max_size=60,
        )
    )
    groups = np.array(data.draw(st.lists(st.integers(-1, n - 1), min_size=slots, max_size=slots)))
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    cols = np.array([p[1] for p in pairs], dtype=np.int64)
    adj = sp.csr_matrix(
        (np.ones(2 * len(pairs)), (np.r_[rows, cols], np.r_[cols, rows])), shape=(slots, slots)
    )
    sg = _stub(adj, groups, n)
    g = sg.player_graph("ties", min_ratio=0.0)
    brute = np.zeros((n, n))
    for a, b in pairs:
        if groups[a] >= 0 and groups[b] >= 0:
            i, j = sorted((groups[a], groups[b]))
            brute[i, j] += 1
    assert np.array_equal(np.triu(g.links), brute)
    assert np.array_equal(g.links, g.links.T)
    m = brute.sum()
    assert g.expected is not None
    assert np.triu(g.expected).sum() == pytest.approx(m)  # random mixing keeps every tie
    assert {(f"p{i}", f"p{j}") for i in range(n) for j in range(i + 1, n) if brute[i, j]} == set(
        g.edges
    )
    lo, hi = sorted((r1, r2))
    assert set(sg.player_graph("ties", min_ratio=hi).edges) <= set(
        sg.player_graph("ties", min_ratio=lo).edges
    )


# --------------------------------------------------------------------------- unions


def test_firm_unions_by_segment_and_their_values(firms: ScenarioGame) -> None:
    unions = firms.unions("segment")
    assert unions == {
        "shoes": ["firm_0", "firm_1", "firm_2"],
        "bags": ["firm_3", "firm_4", "firm_5"],
        "belts": ["firm_6", "firm_7", "firm_8"],
    }
    assert firms.unions("leaders") == {"SMEs": [f"firm_{i}" for i in range(9)]}
    g = firms.tu()
    blocks = list(unions.values())
    om = owen(g, blocks)
    ad = aumann_dreze(g, blocks)
    quotient = shapley(quotient_game(g, blocks))
    for k, block in enumerate(blocks):
        idx = [firms.players.index(p) for p in block]
        mask = sum(1 << i for i in idx)
        # Owen: each union gets its Shapley value in the game between unions (Owen 1977);
        # Aumann–Drèze: each union shares exactly its own worth (Aumann & Drèze 1974)
        assert om[idx].sum() == pytest.approx(quotient[k])
        assert ad[idx].sum() == pytest.approx(g.values[mask])
    assert om.sum() == pytest.approx(g.values[-1])


def test_unions_that_do_not_group_whole_players_are_errors(segments: ScenarioGame) -> None:
    with pytest.raises(ValueError, match="every union would hold a single player"):
        segments.unions("segment")
    with pytest.raises(ValueError, match=r"unions size: player 'shoes' has firms in \d size"):
        segments.unions("size")
    with pytest.raises(ValueError, match="expected one of segment, size, leaders"):
        segments.unions("region")


# --------------------------------------------------------------------------- the CLI


def test_cli_isolated_segment_json(scenario_path: Path) -> None:
    data = cli_json("--scenario", str(scenario_path), "--graph", "ties")
    graph = data["graph"]
    assert graph["isolated"] == ["belts"] and graph["edges"] == [["shoes", "bags"]]
    assert graph["min_ratio"] == 0.5
    mu = data["allocations"]["myerson"]
    assert mu["values"]["belts"] == pytest.approx(data["stand_alone"]["belts"])
    assert not mu["efficient"]
    assert mu["total"] == pytest.approx(sum(c["value"] for c in graph["component_values"]))
    assert data["units"]["graph.component_values"] == "CU/period"
    opts = data["provenance"]["options"]
    assert opts["graph"] == "ties" and opts["tie_ratio"] == 0.5 and opts["unions"] is None
    assert "ties.edgelist" in data["provenance"]["inputs"]
    # the tie ratio is an option: above the shoes–bags ratio (0.889) nobody is linked
    cut = cli_json("--scenario", str(scenario_path), "--graph", "ties", "--tie-ratio", "0.95")
    assert cut["graph"]["edges"] == [] and len(cut["graph"]["isolated"]) == 3
    assert cut["allocations"]["myerson"]["values"] == pytest.approx(cut["stand_alone"])


def test_cli_complete_graph_equals_shapley(scenario_path: Path) -> None:
    data = cli_json("--scenario", str(scenario_path), "--graph", "structure")
    assert data["graph"]["complete"] and data["graph"]["structure"] == "star"
    assert data["allocations"]["myerson"]["values"] == pytest.approx(
        data["allocations"]["shapley"]["values"]
    )
    assert data["allocations"]["myerson"]["efficient"]


def test_cli_table_with_graph_and_unions(scenario_path: Path) -> None:
    result = cli(
        "--scenario", str(scenario_path), "--players", "firm", "--graph", "ties", "--unions",
        "segment",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Values on the structure (graph ties; unions segment)" in out
    for column in ("myerson", "owen", "aumann_dreze", "linked to", "union"):
        assert column in out
    assert "a tie joins them" in out  # firm players: a tie is a link
    assert "unions: shoes = {firm_0, firm_1, firm_2}" in out
    assert "owen: the unions first share v(N)" in out
    assert "isolated: none." in out
    assert "Player graph" not in out  # firms are not aggregated: no pair table


def test_cli_segment_table_names_isolated_and_pairs(scenario_path: Path) -> None:
    result = cli("--scenario", str(scenario_path), "--graph", "ties")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "isolated: belts" in out and "stand-alone v({i})" in out
    assert "Player graph (ties): pairs of players" in out
    assert "components (each shares only its own worth v(C))" in out
    assert "myerson: hands out" in out  # the reading says what an inefficient rule shares


def test_cli_tau_shown_or_explained(tmp_path: Path) -> None:
    # Stach (2011): v(12) = 1, v(13) = 2, v(23) = 1, v(N) = 3 → τ = (1.2, 0.6, 1.2)
    game = tmp_path / "stach.csv"
    game.write_text("# kind: value\ncoalition,value\n1,0\n2,0\n3,0\n1+2,1\n1+3,2\n2+3,1\n1+2+3,3\n")
    data = cli_json(str(game))
    assert data["tau"]["defined"]
    assert data["allocations"]["tau"]["values"] == pytest.approx({"1": 1.2, "2": 0.6, "3": 1.2})
    # v(1) = 2 alone but v(N) = 1: not quasi-balanced
    bad = tmp_path / "bad.csv"
    bad.write_text("# kind: value\ncoalition,value\na,2\nb,0\na+b,1\n")
    data = cli_json(str(bad))
    assert not data["tau"]["defined"] and "tau" not in data["allocations"]
    assert "quasi-balanced" in data["tau"]["reason"]
    table = cli(str(bad))
    assert table.exit_code == 0 and "tau not shown: the τ value needs a quasi-balanced" in (
        table.stdout.replace("\n  ", " ")
    )


def test_cli_files_for_a_game_file_majority_example(tmp_path: Path) -> None:
    # Myerson (1977)-style example: majority game, player 0 linked to 1 and 2 → (2/3, 1/6, 1/6)
    game = tmp_path / "majority.yaml"
    game.write_text(
        "kind: value\nplayers: [a, b, c]\nvalues:\n  a: 0\n  b: 0\n  c: 0\n  a,b: 1\n"
        "  a,c: 1\n  b,c: 1\n  a,b,c: 1\n"
    )
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\na,b\nc,a\n")
    unions = tmp_path / "unions.yaml"
    unions.write_text("unions:\n  ab: [a, b]\n  solo: [c]\n")
    data = cli_json(str(game), "--graph", str(edges), "--unions", str(unions))
    assert data["allocations"]["myerson"]["values"] == pytest.approx(
        {"a": 2 / 3, "b": 1 / 6, "c": 1 / 6}
    )
    # docs/games.md: unions {a, b}, {c} → Owen (1/2, 1/2, 0); Aumann–Drèze shares v(ab) = 1
    assert data["allocations"]["owen"]["values"] == pytest.approx({"a": 0.5, "b": 0.5, "c": 0})
    assert data["allocations"]["aumann_dreze"]["values"] == pytest.approx(
        {"a": 0.5, "b": 0.5, "c": 0}
    )
    assert data["graph"]["source"] == str(edges)
    inputs = data["provenance"]["inputs"]
    assert set(inputs) == {"game file", "graph file", "unions file"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--graph", "roads"], "--graph: 'roads' is none of structure, ties, strong, weak"),
        (["--unions", "regions"], "--unions: 'regions' is none of segment, size, leaders"),
        (["--unions", "size"], "--unions size: player 'leather_shoes' has firms in"),
        (["--unions", "segment"], "--unions segment: every union would hold a single player"),
        (["--tie-ratio", "0.3"], "--tie-ratio applies to --graph ties|strong|weak"),
        (["--graph", "structure", "--tie-ratio", "1"], "not to --graph structure"),
        (["--players", "firm", "--graph", "ties", "--tie-ratio", "1"], "a tie between two"),
        (["--graph", "ties", "--tie-ratio", "nan"], "--tie-ratio: nan; expected a finite"),
        (["--players", "firm", "--set", "firms.count=20", "--graph", "ties"], "20 players is too"),
    ],
)
def test_cli_scenario_errors(args: list[str], message: str) -> None:
    result = cli("--scenario", "footwear", "--set", "firms.count=30", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr.replace("\n  ", " ")
    assert "Traceback" not in result.output


def _majority(tmp_path: Path) -> Path:
    game = tmp_path / "g.csv"
    game.write_text("# kind: value\ncoalition,value\na,0\nb,0\nc,0\na+b,1\na+c,1\nb+c,1\na+b+c,1\n")
    return game


@pytest.mark.parametrize(
    ("option", "text", "message"),
    [
        ("--graph", "source,target\na,b\nb,a\n", "row 2: the link b–a repeats row 1"),
        ("--graph", "source,target\na,a\n", "row 1: 'a' linked to itself"),
        ("--graph", "source,target\na,zed\n", "row 1: unknown player 'zed'"),
        ("--graph", "from,to\na,b\n", "header 'from,to'; expected exactly source,target"),
        ("--graph", "source;target\na;b\n", "must be comma-separated"),
        ("--graph", "source,target\na,\n", "row 1, column 'target': (empty)"),
        ("--unions", "player,union\na,x\nb,x\n", "no union for c"),
        ("--unions", "player,union\na,x\nb,x\nc,y\na,y\n", "row 4: player 'a' is already"),
    ],
)
def test_cli_structure_file_errors(tmp_path: Path, option: str, text: str, message: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text)
    result = cli(str(_majority(tmp_path)), option, str(path))
    assert result.exit_code == 2, result.output
    assert str(path) in result.stderr and message in result.stderr.replace("\n  ", " ")


def test_cli_scenario_kinds_need_a_scenario(tmp_path: Path) -> None:
    result = cli(str(_majority(tmp_path)), "--graph", "ties")
    assert result.exit_code == 2 and "--graph ties needs --scenario" in result.stderr
    result = cli(str(_majority(tmp_path)), "--unions", "segment")
    assert result.exit_code == 2 and "--unions segment needs --scenario" in result.stderr


def test_yaml_structure_files(tmp_path: Path) -> None:
    players = ["a", "b", "c"]
    path = tmp_path / "e.yaml"
    path.write_text("edges:\n  - [a, b]\n  - [b, c]\n")
    assert read_edges_file(path, players) == [("a", "b"), ("b", "c")]
    path.write_text("edges: [[a, b]]\nedges: [[b, c]]\n")
    with pytest.raises(ValueError, match="duplicate key 'edges'"):
        read_edges_file(path, players)
    path.write_text("links: [[a, b]]\n")
    with pytest.raises(ValueError, match="single key 'edges'"):
        read_edges_file(path, players)
    u = tmp_path / "u.yaml"
    u.write_text("unions:\n  x: [a, c]\n  y: [b]\n")
    assert read_unions_file(u, players) == {"x": ["a", "c"], "y": ["b"]}
    u.write_text("unions:\n  x: [a, c]\n  y: []\n")
    with pytest.raises(ValueError, match=r"unions.y: \[\]; expected a non-empty list"):
        read_unions_file(u, players)


@settings(max_examples=80, deadline=None)
@given(text=st.text(alphabet="abcz,;\n #source,targetplayerunion", max_size=80))
def test_structure_files_fuzz(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    """Any CSV text either parses into valid links/unions or raises one ValueError naming it."""
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_text(text, encoding="utf-8")
    players = ["a", "b", "c"]
    for reader in (read_edges_file, read_unions_file):
        try:
            out = reader(path, players)
        except ValueError as exc:
            assert str(path) in str(exc)
            continue
        if reader is read_edges_file:
            assert isinstance(out, list)
            PlayerGraph.from_edges(players, out, str(path))  # valid: no repeats or self-links
        else:
            assert isinstance(out, dict)
            assert sorted(p for ps in out.values() for p in ps) == players
