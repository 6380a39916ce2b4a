"""API tests: AHP, the game calculator, the survey, the experiments in the data directory."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from clustermarketing.cli.main import app as cli
from clustermarketing.survey import synthetic_responses_path
from webapp.webutil import make_client, problem

STAND = """# kind: cost
# unit: CU/period
coalition,value
a,60
b,60
c,60
a+b,90
a+c,90
b+c,90
a+b+c,120
"""
#: the three-player majority game: the core is empty, the least core ε = 1/3
MAJORITY = {
    "players": ["x", "y", "z"],
    "values": {"x": 0, "y": 0, "z": 0, "x,y": 1, "x,z": 1, "y,z": 1, "x,y,z": 1},
}
NUMBERS = ("grand_coalition_value", "stand_alone", "core_empty", "least_core_epsilon",
           "coalition_values", "allocations", "tau", "reading", "units", "players", "kind", "unit")  # fmt: skip


def cli_game(path) -> dict:
    r = CliRunner().invoke(cli, ["game", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_stand_game_same_as_the_cli(shared, tmp_path):
    f = tmp_path / "stand.csv"
    f.write_text(STAND)
    expected = cli_game(f)
    up = shared.post("/api/games/upload", files={"file": ("stand.csv", STAND)}).json()
    body = {"players": ["a", "b", "c"], "kind": "cost", "unit": "CU/period",
            "values": {"a": 60, "b": 60, "c": 60, "a+b": 90, "a+c": 90, "b+c": 90, "a+b+c": 120}}  # fmt: skip
    solved = shared.post("/api/games/solve", json=body).json()
    for key in NUMBERS:
        assert up[key] == expected[key] == solved[key], key
    # docs/cli.md: every rule gives each of the three 40, and each split is in the core
    for rule in ("equal", "shapley", "banzhaf", "nucleolus", "tau"):
        assert solved["allocations"][rule]["values"] == pytest.approx(
            {"a": 40.0, "b": 40.0, "c": 40.0}
        )
        assert solved["allocations"][rule]["in_core"]


def test_majority_game_has_an_empty_core(shared, tmp_path):
    r = shared.post("/api/games/solve", json=MAJORITY).json()
    assert r["core_empty"] and r["least_core_epsilon"] == pytest.approx(1 / 3)
    assert r["allocations"]["shapley"]["values"] == pytest.approx(
        {"x": 1 / 3, "y": 1 / 3, "z": 1 / 3}
    )
    f = tmp_path / "majority.yaml"
    f.write_text(yaml.safe_dump({"kind": "value", **MAJORITY}))
    expected = cli_game(f)
    for key in NUMBERS:
        if key not in ("unit", "units"):
            assert r[key] == expected[key], key


def test_bitmask_list_form(shared):
    r = shared.post("/api/games/solve", json={"values": [0, 1, 0, 3]}).json()
    assert r["allocations"]["shapley"]["values"] == {"0": 2.0, "1": 1.0}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"players": ["a", "b"], "values": {"a": 1, "b": 1}}, "missing coalition {a,b}"),
        ({"values": {"a": 1, "q+a": 2}}, "missing coalition"),
        ({"players": ["a"], "values": {"a": 1, "z": 2}}, "unknown player 'z'"),
        ({"players": ["a", "a"], "values": {"a": 1}}, "players are not distinct"),
        ({"values": [1, 2, 3]}, "not 2**n"),
        ({"values": {}}, "empty"),
        ({"values": {"a+a": 1}}, "appears twice"),
    ],
)
def test_game_errors(shared, body, expected):
    p = problem(shared.post("/api/games/solve", json=body), 422)
    assert expected in p["detail"]


def test_game_type_errors_and_caps(tmp_path):
    with make_client(tmp_path, max_table_players=3) as c:
        problem(c.post("/api/games/solve", json={"values": {"a": True}}), 422)
        problem(c.post("/api/games/solve", json={"values": {"a": "lots"}}), 422)
        problem(c.post("/api/games/solve", json={"values": {"a": 1}, "kind": "both"}), 422)
        problem(c.post("/api/games/solve", json={"values": {"a": 1}, "extra": 1}), 422)
        four = {"players": list("abcd"), "values": [0.0] * 16}
        assert "at most 3" in problem(c.post("/api/games/solve", json=four), 422)["detail"]


def test_game_file_errors_name_the_uploaded_file(shared):
    p = problem(
        shared.post(
            "/api/games/upload", files={"file": ("mine.yaml", "values:\n  a: 1\n  a: 2\n")}
        ),
        422,
    )
    assert "mine.yaml" in p["detail"] and "twice" in p["detail"] and "/tmp" not in p["detail"]
    p = problem(
        shared.post("/api/games/upload", files={"file": ("g.csv", STAND)}, data={"kind": "value"}),
        422,
    )
    assert "holds a cost game but a value game was asked for" in p["detail"]
    r = shared.post(
        "/api/games/upload", files={"file": ("g.yaml", "values: {a: 1, b: 1, a+b: 3}\n")}
    )
    assert r.status_code == 200 and "solved as a value game" in r.json()["warnings"][0]


def test_ahp(shared):
    # a consistent matrix: λmax = n and CR = 0 (the evaluation package's doctest)
    r = shared.post("/api/ahp", json={"upper": [2, 4, 2], "labels": ["a", "b", "c"]}).json()
    assert [round(w, 4) for w in r["weights"].values()] == [0.5714, 0.2857, 0.1429]
    assert (
        r["lambda_max"] == pytest.approx(3.0) and r["consistent"] and r["most_inconsistent"] is None
    )
    bad = shared.post("/api/ahp", json={"upper": [9, 1 / 9, 9]}).json()
    assert (
        not bad["consistent"]
        and bad["cr"] >= 0.1
        and bad["most_inconsistent"]["cr_after"] < bad["cr"]
    )
    full = shared.post("/api/ahp", json={"matrix": [[1, 2], [0.5, 1]]}).json()
    assert full["weights"] == pytest.approx({"1": 2 / 3, "2": 1 / 3})


@pytest.mark.parametrize(
    "body",
    [{"upper": [2, -1, 2]}, {"upper": [2, 3]}, {}, {"upper": [2], "matrix": [[1, 2], [0.5, 1]]},
     {"upper": [2], "labels": ["a"]}, {"upper": [2], "labels": ["a", "a"]}, {"matrix": [[1, 2], [2, 1]]},
     {"upper": [2], "method": "magic"}],
)  # fmt: skip
def test_ahp_errors(shared, body):
    problem(shared.post("/api/ahp", json=body), 422)


def test_hierarchy(shared):
    h = shared.get("/api/hierarchy").json()
    assert [c["name"] for c in h["criteria"]] == [
        "sme",
        "brand",
        "cooperation",
        "cost",
        "performance",
    ]
    assert sum(c["weight"] for c in h["criteria"]) == pytest.approx(1.0)
    assert len(h["judgements"]["upper"]) == 10


def test_survey_instrument(shared):
    html = shared.get("/api/survey/instrument?format=html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    csv = shared.get("/api/survey/instrument?format=csv")
    assert csv.text.splitlines()[0].startswith("respondent")
    assert "constructs" in shared.get("/api/survey/instrument?format=yaml").text
    problem(shared.get("/api/survey/instrument?format=pdf"), 422)


def test_survey_synthetic_and_the_same_file_uploaded(shared):
    a = shared.post("/api/survey/analyze", data={"synthetic": "true", "group": "clustered"})
    assert a.status_code == 200, a.text
    a = a.json()
    assert a["groups"] and len(a["reliability"]) >= 3 and a["constructs"] and a["likert"]
    data = synthetic_responses_path().read_bytes()
    b = shared.post(
        "/api/survey/analyze", files={"file": ("answers.csv", data)}, data={"group": "clustered"}
    ).json()
    assert b["comparisons"] == a["comparisons"]
    # McDonald's ω comes from an iterative factor fit: equal to ~1e-7, not bit for bit
    assert b["reliability"] == [
        {**r, "omega": pytest.approx(r["omega"], rel=1e-6)} for r in a["reliability"]
    ]
    assert b["source"] == "answers.csv"
    no_group = shared.post("/api/survey/analyze", data={"synthetic": "true", "group": ""}).json()
    assert no_group["group"] is None and no_group["comparisons"] == []


def test_survey_errors(tmp_path):
    data = synthetic_responses_path().read_text()
    with make_client(tmp_path, max_upload_rows=5) as c:
        p = problem(c.post("/api/survey/analyze", data={"group": "clustered"}), 422)
        assert "upload a response file" in p["detail"]
        p = problem(
            c.post(
                "/api/survey/analyze", files={"file": ("a.csv", data)}, data={"synthetic": "true"}
            ),
            422,
        )
        p = problem(c.post("/api/survey/analyze", files={"file": ("a.csv", data)}), 413)
        assert "rows is more than this server accepts (5)" in p["detail"]
        lines = data.splitlines()
        head = [ln for ln in lines if not ln.startswith("#")][:4]
        cells = head[2].split(",")
        cells[-1] = "99"
        bad = "\n".join([head[0], head[1], ",".join(cells)]) + "\n"
        p = problem(c.post("/api/survey/analyze", files={"file": ("bad answers.csv", bad)}), 422)
        assert (
            "row 3, column" in p["detail"]
            and "99" in p["detail"]
            and "bad answers.csv" in p["detail"]
        )
        assert "/tmp" not in p["detail"]
        p = problem(c.post("/api/survey/analyze", data={"synthetic": "true", "group": "nope"}), 422)
        assert "nope" in p["detail"]
        problem(
            c.post("/api/survey/analyze", files={"file": ("a.xlsx", b"PK\x03\x04 not a workbook")}),
            422,
        )


@pytest.fixture(scope="module")
def sweep_client(tmp_path_factory):
    from clustermarketing.experiments import parse_experiment, run_sweep

    root = tmp_path_factory.mktemp("exp")
    with make_client(root) as c:
        exp = parse_experiment({
            "base": "footwear", "set": {"firms.count": 40},
            "parameters": {"ties.strong_degree": {"low": 1, "high": 6}},
            "design": {"kind": "lhs", "points": 2}, "models": ["collective_mark"],
            "replicates": 1, "periods": 3, "outcomes": ["sme_profit"], "seed": 1,
        })  # fmt: skip
        run_sweep(exp, root / "data" / "experiments" / "tiny")
        (root / "data" / "experiments" / "not-a-sweep").mkdir()
        yield c


def test_experiments_listed_with_progress(sweep_client):
    sweeps = sweep_client.get("/api/experiments").json()
    assert [s["name"] for s in sweeps] == ["tiny"]
    s = sweeps[0]
    assert (s["runs_done"], s["total_runs"], s["progress"]) == (2, 2, 1.0)
    assert s["models"] == ["collective_mark"] and s["outcomes"] == ["sme_profit"]
    assert sweep_client.get("/api/experiments/tiny").json() == s
    for name in ("nope", "not-a-sweep", "..", "%2e%2e"):
        problem(sweep_client.get(f"/api/experiments/{name}"), 404)


def test_experiment_queries(sweep_client):
    q = "SELECT model, arm, count(*) AS n FROM metrics GROUP BY model, arm ORDER BY arm"
    r = sweep_client.post("/api/experiments/tiny/query", json={"sql": q}).json()
    assert r["columns"] == ["model", "arm", "n"]
    assert r["rows"] == [["collective_mark", "baseline", 2], ["collective_mark", "model", 2]]
    assert not r["truncated"]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("COPY metrics TO 'x.csv'", "only SELECT"),
        ("SELECT 1; SELECT 2", "2 statements"),
        ("SELECT * FROM read_csv('/etc/passwd')", "sql:"),
        ("ATTACH '/tmp/x.db'", "only SELECT"),
        ("SET enable_external_access = true", "only SELECT"),
        ("SELECT * FROM nowhere", "sql:"),
        ("SELEC 1", "sql:"),
    ],
)
def test_experiment_queries_are_read_only(sweep_client, sql, expected):
    p = problem(sweep_client.post("/api/experiments/tiny/query", json={"sql": sql}), 422)
    assert expected in p["detail"]


def test_query_row_cap(tmp_path_factory, sweep_client):
    settings = sweep_client.app.state.ctx.settings
    object.__setattr__(settings, "max_query_rows", 1)
    try:
        r = sweep_client.post(
            "/api/experiments/tiny/query", json={"sql": "SELECT * FROM metrics"}
        ).json()
    finally:
        object.__setattr__(settings, "max_query_rows", 5000)
    assert r["truncated"] and r["row_count"] == 1
