"""API tests of the jobs: run, compare, recommend, scenario games; results, downloads, the
queue, restarts. A job's summary is what the command line prints with ``--format json`` for
the same input (checked against ``clustermarketing run``/``recommend``/``game``)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from clustermarketing.cli.main import app as cli
from clustermarketing.models import PRESETS
from webapp.webutil import SMALL, make_client, problem, submit, wait

BUILT = [n for n, p in PRESETS.items() if p.implemented and n != "independent"]
RUN = {"scenario": "footwear", "set": SMALL, "replicates": 2, "periods": 6, "seed": 3}


def cli_json(*args: str) -> dict:
    r = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def run_job(shared):
    job = submit(shared, "/api/runs", {**RUN, "model": "collective_mark"})
    assert job["status"] == "done", job
    return job


def test_run_summary_is_the_cli_s(shared, run_job):
    expected = cli_json("run", "footwear", "--set", SMALL[0], "-r", "2", "-p", "6", "--seed", "3",
                        "--model", "collective_mark")  # fmt: skip
    got = run_job["summary"]
    assert got["metrics"] == expected["metrics"]
    assert got["breakdown"] == expected["breakdown"]
    assert got["units"] == expected["units"]
    prov, cprov = got["provenance"], expected["provenance"]
    assert prov["command"] == "run" and prov["seed"] == 3 and prov["scenario"] == cprov["scenario"]
    assert prov["options"]["interface"] == "web" and prov["overrides"] == SMALL
    assert run_job["progress"] == 1.0
    assert run_job["progress_detail"]["done"] == run_job["progress_detail"]["total"] == 2 * 2 * 6
    assert shared.get(f"/api/runs/{run_job['id']}").json()["summary"] == got


def test_same_request_same_result(shared, run_job):
    again = submit(shared, "/api/runs", {**RUN, "model": "collective_mark"})
    assert again["id"] != run_job["id"]
    assert again["summary"]["metrics"] == run_job["summary"]["metrics"]


def test_run_downloads(shared, run_job):
    jid = run_job["id"]
    assert set(run_job["files"]) >= {"cluster.parquet", "summary.json"}
    r = shared.get(f"/api/jobs/{jid}/files/cluster.parquet")
    assert r.status_code == 200 and r.headers["content-disposition"].endswith(
        f'run-{jid}-cluster.parquet"'
    )
    parquet = pd.read_parquet(io.BytesIO(r.content))
    csv = pd.read_csv(io.StringIO(shared.get(f"/api/jobs/{jid}/files/cluster.csv").text))
    assert list(csv.columns) == list(parquet.columns) and len(csv) == len(parquet) == 2 * 2 * 6
    assert csv["profit"].to_numpy() == pytest.approx(parquet["profit"].to_numpy(), rel=1e-12)
    assert json.loads(shared.get(f"/api/jobs/{jid}/files/summary.json").text) == run_job["summary"]
    problem(shared.get(f"/api/jobs/{jid}/files/report.html"), 404)  # a run has no report
    problem(shared.get(f"/api/jobs/{jid}/files/..%2F..%2Fjobs.duckdb"), 404)
    problem(shared.get(f"/api/jobs/{jid}/files/passwd"), 404)


def test_series_bands_and_paired_differences(shared, run_job):
    jid = run_job["id"]
    s = shared.get(f"/api/jobs/{jid}/series?metric=profit").json()
    assert s["periods"] == list(range(6)) and s["unit"] == "CU/firm/period"
    names = [line["name"] for line in s["lines"]]
    assert names == ["collective_mark", "independent"]
    cluster = pd.read_parquet(
        io.BytesIO(shared.get(f"/api/jobs/{jid}/files/cluster.parquet").content)
    )
    model = cluster[cluster.arm == "model"].groupby("period")["profit"].mean()
    base = cluster[cluster.arm == "baseline"].groupby("period")["profit"].mean()
    assert s["lines"][0]["mean"] == pytest.approx(model.to_list())
    assert s["differences"][0]["mean"] == pytest.approx((model - base).to_list())
    for line in s["lines"]:  # 2 replicates: a t interval around each mean
        assert all(
            lo <= m <= hi for lo, m, hi in zip(line["low"], line["mean"], line["high"], strict=True)
        )
    p = problem(shared.get(f"/api/jobs/{jid}/series?metric=nope"), 422)
    assert "expected one of" in p["detail"]


def test_run_errors(shared):
    p = problem(shared.post("/api/runs", json={**RUN, "model": "nope"}), 422)
    assert p["detail"].startswith("model: unknown model 'nope'")
    planned = next((n for n, q in PRESETS.items() if not q.implemented), None)
    if planned:
        assert (
            "planned"
            in problem(shared.post("/api/runs", json={**RUN, "model": planned}), 422)["detail"]
        )
    p = problem(shared.post("/api/runs", json={**RUN, "replicates": 0}), 422)
    assert p["errors"][0]["field"] == "replicates"
    p = problem(shared.post("/api/runs", json={**RUN, "replictes": 2}), 422)
    assert p["errors"][0] == {
        "field": "replictes",
        "message": "unknown key; remove it or check its spelling (got 2)",
    }
    p = problem(shared.post("/api/runs", json={**RUN, "set": ["firms.count=-1"]}), 422)
    assert p["errors"][0]["field"] == "firms.count"
    p = problem(shared.post("/api/runs", json={**RUN, "set": ["nosuchkey=1"]}), 422)
    assert "unknown key 'nosuchkey'" in p["detail"]


def test_run_size_cap(tmp_path):
    with make_client(tmp_path, max_run_size=1000) as c:
        p = problem(c.post("/api/compare", json={**RUN, "models": ["collective_mark"]}), 422)
        assert p["type"] == "urn:clustermarketing:run-too-large"
        assert "1,440 firm-periods (60 firms × 6 periods × 2 replicates × 2 arms)" in p["detail"]
        assert "--max-run-size 1440" in p["detail"]
        r = c.post("/api/compare", json={**RUN, "models": ["collective_mark"], "periods": 2})
        assert r.status_code == 202


def test_compare_all_built_models(shared):
    job = submit(shared, "/api/compare", RUN)
    assert job["status"] == "done", job
    s = job["summary"]
    assert sorted(s["models"]) == sorted(BUILT)  # picked up from the registry
    assert job["progress_detail"]["total"] == 2 * 6 * (len(BUILT) + 1)
    series = shared.get(f"/api/jobs/{job['id']}/series?metric=member_profit").json()
    # the member-group baseline is each model's own members
    assert sorted(d["name"] for d in series["differences"]) == sorted(BUILT)
    assert sum(line["arm"] == "baseline" for line in series["lines"]) == len(BUILT)
    assert set(job["files"]) >= {"cluster.parquet", "baseline_groups.parquet", "replicates.parquet"}
    assert shared.get(f"/api/compare/{job['id']}").status_code == 200
    problem(shared.get(f"/api/runs/{job['id']}"), 404)  # not a run


@pytest.mark.parametrize(
    ("models", "expected"),
    [
        (["nope"], "models: unknown model 'nope'"),
        (["independent"], "baseline every model is compared with"),
        (["collective_mark", "collective_mark"], "listed twice"),
        ([], "empty"),
    ],
)
def test_compare_model_errors(shared, models, expected):
    p = problem(shared.post("/api/compare", json={**RUN, "models": models}), 422)
    assert expected in p["detail"]


REC = {
    **RUN,
    "periods": 12,
    "perturbations": 200,
    "judgements": {"criteria": {"upper": [2, 3, 2, 1, 2, 1, 0.5, 0.5, 0.5, 0.5]}},
}


def test_recommend_is_the_cli_s_and_has_a_report(shared, tmp_path):
    job = submit(shared, "/api/recommend", REC)
    assert job["status"] == "done", job
    d = job["summary"]
    weights = tmp_path / "w.yaml"
    weights.write_text("criteria: {upper: [2, 3, 2, 1, 2, 1, 0.5, 0.5, 0.5, 0.5]}\n")
    expected = cli_json("recommend", "footwear", "--set", SMALL[0], "-r", "2", "-p", "12", "--seed", "3",
                        "--perturbations", "200", "--weights", str(weights))  # fmt: skip
    assert d["best"] == expected["best"]
    for name, m in d["models"].items():
        e = expected["models"][name]
        assert (m["score"], m["p_first"], m["rank_interval"], m["grade"]) == (
            e["score"], e["p_first"], e["rank_interval"], e["grade"])  # fmt: skip
    assert sum(m["p_first"] for m in d["models"].values()) == pytest.approx(1.0)
    assert d["weights"]["criteria"] == expected["weights"]["criteria"]
    html = shared.get(f"/api/jobs/{job['id']}/files/report.html")
    assert html.status_code == 200 and "Which cooperative marketing model" in html.text
    assert "<script src=" not in html.text  # self-contained
    assert shared.get(f"/api/recommend/{job['id']}").json()["kind"] == "recommend"


def test_recommend_errors(tmp_path):
    with make_client(tmp_path, max_perturbations=100) as c:
        small = {**REC, "perturbations": 50}
        p = problem(
            c.post("/api/recommend", json={**small, "judgements": {"criteria": {"upper": [2, 3]}}}),
            422,
        )
        assert p["detail"].startswith("judgements.criteria: upper: 2 values")
        p = problem(
            c.post(
                "/api/recommend", json={**small, "judgements": {"criteria": {"upper": [2, 3, 4]}}}
            ),
            422,
        )
        assert p["detail"].startswith(
            "judgements.criteria: judgements of 3 elements; expected 5 (sme, brand"
        )
        p = problem(
            c.post(
                "/api/recommend",
                json={
                    **small,
                    "judgements": {"criteria": {"upper": [1] * 10, "weights": {"a": 1}}},
                },
            ),
            422,
        )
        assert "exactly one" in p["detail"]
        p = problem(
            c.post(
                "/api/recommend",
                json={**small, "judgements": {"indicators": {"nope": {"weights": {"a": 1}}}}},
            ),
            422,
        )
        assert "judgements.indicators: unknown criterion 'nope'" in p["detail"]
        p = problem(c.post("/api/recommend", json=REC), 422)
        assert "perturbations: 200 is more than this server allows (100)" in p["detail"]
        problem(c.post("/api/recommend", json={**small, "weighting": "vibes"}), 422)


def test_a_failing_evaluation_is_a_failed_job_with_the_message(shared):
    # in 1 period no signal reaches 90% of the firms: the default hierarchy's information-speed
    # indicator is undefined for every model, a user error found while running
    job = submit(shared, "/api/recommend", {**REC, "periods": 1, "perturbations": 50})
    assert job["status"] == "failed"
    assert job["error"]["status"] == 422 and job["error"]["title"] == "Invalid input"
    assert "indicator information_speed" in job["error"]["detail"]
    assert "Traceback" not in json.dumps(job)


def test_recommend_with_a_hierarchy_of_your_own(shared):
    import yaml

    h = yaml.safe_load(shared.get("/api/hierarchy/yaml").text)
    coop = next(c for c in h["criteria"] if c["name"] == "cooperation")
    coop["indicators"] = [i for i in coop["indicators"] if i["metric"] != "time_to_90pct_awareness"]
    coop["judgements"] = {
        "weights": {i["name"]: 1 / len(coop["indicators"]) for i in coop["indicators"]}
    }
    job = submit(
        shared,
        "/api/recommend",
        {**REC, "periods": 2, "perturbations": 50, "hierarchy": yaml.safe_dump(h)},
    )
    assert job["status"] == "done", job["error"]
    assert "information_speed" not in job["summary"]["weights"]["indicators"]
    p = problem(shared.post("/api/recommend", json={**REC, "hierarchy": "criteria: 3\n"}), 422)
    assert p["detail"].startswith("hierarchy")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    p = problem(shared.post("/api/recommend", json={**REC, "hierarchy": bomb}), 413)
    assert "more than 200,000 values" in p["detail"]
    p = problem(shared.post("/api/scenarios/parse", files={"file": ("s.yaml", bomb)}), 413)


def test_scenario_game_is_the_cli_s(shared):
    job = submit(shared, "/api/games/scenario", {"scenario": "footwear", "players": "size"})
    assert job["status"] == "done", job
    expected = cli_json("game", "--scenario", "footwear", "--players", "size")
    got = job["summary"]
    for key in ("players", "kind", "grand_coalition_value", "stand_alone", "core_empty",
                "least_core_epsilon", "coalition_values", "allocations", "reading"):  # fmt: skip
        assert (
            got[key] == pytest.approx(expected[key])
            if isinstance(got[key], float)
            else got[key] == expected[key]
        ), key
    assert shared.get(f"/api/games/{job['id']}").status_code == 200
    p = problem(shared.get(f"/api/jobs/{job['id']}/series"), 409)
    assert "no time series" in p["detail"]


def test_scenario_game_errors(shared):
    p = problem(
        shared.post("/api/games/scenario", json={"scenario": "footwear", "model": "independent"}),
        422,
    )
    assert "pools nothing" in p["detail"]
    p = problem(
        shared.post("/api/games/scenario", json={"scenario": "footwear", "players": "firm"}), 422
    )
    assert (
        "firms is more than this server tabulates (2^n coalitions, at most 12 players)"
        in p["detail"]
    )
    problem(
        shared.post("/api/games/scenario", json={"scenario": "footwear", "players": "cities"}), 422
    )


def test_unknown_jobs(shared):
    for url in (
        "/api/jobs/0123456789abcdef",
        "/api/jobs/../../etc",
        "/api/runs/xyz",
        "/api/jobs/0123456789abcdef/files/summary.json",
    ):
        problem(shared.get(url), 404)
    problem(shared.post("/api/jobs/0123456789abcdef/rerun"), 404)


def test_job_list_and_rerun(shared, run_job):
    data = shared.get("/api/jobs?kind=run&limit=500").json()
    assert run_job["id"] in [j["id"] for j in data["jobs"]]
    assert all(j["kind"] == "run" and j["summary"] is None for j in data["jobs"])
    assert data["total"] >= 1
    problem(shared.get("/api/jobs?limit=0"), 422)
    problem(shared.get("/api/jobs?status=lost"), 422)
    again = shared.post(f"/api/jobs/{run_job['id']}/rerun")
    assert again.status_code == 202
    job = wait(shared, again.json()["id"])
    assert (
        job["request"] == run_job["request"]
        and job["summary"]["metrics"] == run_job["summary"]["metrics"]
    )


def test_results_of_an_unfinished_job_are_409(shared):
    store = shared.app.state.ctx.jobs.store
    store.create("00000000000000aa", "run", {"scenario": "footwear"}, 10)
    job = shared.get("/api/jobs/00000000000000aa").json()
    assert job["status"] == "queued" and job["summary"] is None and job["progress"] == 0
    p = problem(shared.get("/api/jobs/00000000000000aa/series"), 409)
    assert "queued" in p["detail"]
    problem(shared.get("/api/jobs/00000000000000aa/files/summary.json"), 409)


def test_queue_limit_and_no_job_lost(tmp_path):
    body = {"scenario": "footwear", "replicates": 2, "periods": 6}
    with make_client(tmp_path, max_queue=2) as c:
        answers = [c.post("/api/runs", json=body) for _ in range(6)]
        busy = [r for r in answers if r.status_code == 503]
        accepted = [r.json()["id"] for r in answers if r.status_code == 202]
        assert busy, [r.status_code for r in answers]
        p = problem(busy[0], 503)
        assert (
            p["type"] == "urn:clustermarketing:queue-full"
            and busy[0].headers["retry-after"] == "30"
        )
        assert all(wait(c, j)["status"] == "done" for j in accepted)
        assert c.get("/api/health").json()["jobs"]["done"] == len(accepted)


def test_restart_keeps_finished_jobs_and_marks_cut_off_ones(tmp_path):
    with make_client(tmp_path) as c:
        done = submit(c, "/api/runs", {**RUN, "model": "collective_mark"})
        c.app.state.ctx.jobs.store.create(
            "0000000000000bad", "compare", {"scenario": "footwear"}, 5
        )
        c.app.state.ctx.jobs.store.started("0000000000000bad", "2026-01-01T00:00:00Z")
    with make_client(tmp_path) as c:  # the same data directory: a restarted server
        again = c.get(f"/api/jobs/{done['id']}").json()
        assert again["status"] == "done" and again["summary"] == done["summary"]
        assert c.get(f"/api/jobs/{done['id']}/files/cluster.csv").status_code == 200
        cut = c.get("/api/jobs/0000000000000bad").json()
        assert (
            cut["status"] == "interrupted"
            and "stopped before the job finished" in cut["error"]["detail"]
        )
        assert c.post("/api/jobs/0000000000000bad/rerun").status_code == 202
