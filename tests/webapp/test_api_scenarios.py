"""API tests: health, examples, models, schema, validation, scenario files, uploads, limits.

Every error path answers a problem document (RFC 7807) whose ``detail`` is the message the
command line prints for the same input (checked against ``clustermarketing validate``).
"""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from clustermarketing.cli.main import app as cli
from clustermarketing.models import PRESETS
from clustermarketing.scenario import load_scenario
from clustermarketing.scenario.load import EXAMPLES
from webapp.webutil import make_client, problem

FIRMS = (
    "employees,unit_cost,quality,segment,market_orientation,growth_propensity,leader\n"
    "10,9,1,main,0.5,0.5,0\n20,8,1.1,main,0.6,0.4,1\n12,9.5,0.9,main,0.4,0.5,0\n"
)


def cli_error(*args: str) -> str:
    r = CliRunner().invoke(cli, ["validate", *args, "--no-estimate"])
    assert r.exit_code == 2, r.output
    return r.stderr.removeprefix("error: ").strip()


def test_health_examples_models_schema(shared):
    h = shared.get("/api/health").json()
    assert h["status"] == "ok" and h["workers"] == 1 and set(h["jobs"]) >= {"done", "failed"}
    ex = shared.get("/api/examples").json()
    assert [e["name"] for e in ex] == list(EXAMPLES)
    assert shared.get("/api/examples/footwear").json()["name"] == "footwear"
    models = shared.get("/api/models").json()
    # listed from the registry, never a hand-kept list
    assert [m["name"] for m in models] == list(PRESETS)
    assert {m["name"] for m in models if m["implemented"]} == {
        n for n, p in PRESETS.items() if p.implemented
    }
    assert not next(m for m in models if m["name"] == "independent")["cooperative"]
    schema = shared.get("/api/schema/scenario").json()
    count = schema["$defs"]["FirmsConfig"]["properties"]["count"]
    assert count["unit"] == "firms" and count["minimum"] == 1 and "seed" in count
    assert "000" in schema["x-seeds"]


def test_unknown_example_and_route(shared):
    p = problem(shared.get("/api/examples/nowhere"), 404)
    assert "unknown example 'nowhere'" in p["detail"]
    problem(shared.get("/api/no/such/thing"), 404)
    problem(shared.delete("/api/health"), 405)


def test_validate_ok(shared):
    r = shared.post("/api/validate", json={"name": "mine", "firms": {"count": 60}, "horizon": 6})
    assert r.status_code == 200, r.text
    v = r.json()
    assert (v["name"], v["firms"], v["periods"], v["replicates"]) == ("mine", 60, 6, 8)
    assert v["run_size"] == 60 * 6 * 8 * 2
    assert v["scenario"]["firms"]["leaders"] == 2  # defaults filled in


@pytest.mark.parametrize(
    ("body", "args"),
    [
        ({"diffusion": {"p_strong": 1.5}}, ["optoelectronics", "--set", "diffusion.p_strong=1.5"]),
        ({"markets": [{"volatility": True}]}, ["footwear", "--set", "markets.0.volatility=true"]),
        ({"firms": {"count": 0}}, ["footwear", "--set", "firms.count=0"]),
        ({"horizon": "soon"}, ["footwear", "--set", "horizon=soon"]),
    ],
)
def test_validate_errors_are_the_cli_messages(shared, body, args):
    p = problem(shared.post("/api/validate", json=body), 422)
    expected = cli_error(*args)
    assert p["detail"] == expected
    field = expected.split(":")[0]
    assert p["errors"][0]["field"] == field


def test_validate_names_unknown_keys_and_lists_every_problem(shared):
    p = problem(shared.post("/api/validate", json={"firms": {"cuont": 3}, "horizon": 0}), 422)
    fields = {e["field"] for e in p["errors"]}
    assert {"firms.cuont", "horizon"} <= fields
    assert "unknown key" in p["detail"]


@pytest.mark.parametrize(
    "raw",
    [b"[1, 2]", b'{"horizon": ', b'"footwear"', b'{"horizon": NaN}'],
)
def test_validate_rejects_non_scenarios(shared, raw):
    p = problem(
        shared.post("/api/validate", content=raw, headers={"content-type": "application/json"}),
        422,
    )
    assert p["detail"]


def test_check_is_always_200_for_the_editor(shared):
    ok = shared.post("/api/scenarios/check", json={"horizon": 6}).json()
    assert ok["valid"] and ok["validation"]["periods"] == 6 and ok["problem"] is None
    bad = shared.post("/api/scenarios/check", json={"horizon": 0})
    assert bad.status_code == 200
    assert not bad.json()["valid"]
    assert bad.json()["problem"]["errors"][0]["field"] == "horizon"


@pytest.mark.parametrize("path", ["/etc/passwd", "../data/firms.csv", "firms.csv", "upload:1234"])
def test_scenario_paths_are_refused(shared, path):
    p = problem(shared.post("/api/validate", json={"firms": {"source": "csv", "csv": path}}), 422)
    assert p["errors"][0]["field"] == "firms.csv"
    assert "upload" in p["detail"]
    p = problem(
        shared.post("/api/validate", json={"ties": {"source": "edgelist", "edgelist": path}}), 422
    )
    assert p["errors"][0]["field"] == "ties.edgelist"
    # an override cannot smuggle a path in either
    r = shared.post("/api/runs", json={"scenario": "footwear", "set": [f"firms.csv={path}"]})
    assert problem(r, 422)["errors"][0]["field"] == "firms.csv"


def test_a_name_is_an_example_never_a_file(shared, tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("horizon: 3\n")
    for name in (str(f), "../../etc/passwd", "footwear.yaml"):
        p = problem(shared.post("/api/runs", json={"scenario": name}), 422)
        assert "not a built-in example" in p["detail"]


def test_upload_firms_csv_and_use_it(shared):
    r = shared.post("/api/uploads", files={"file": ("my firms.csv", FIRMS, "text/csv")})
    assert r.status_code == 201, r.text
    up = r.json()
    assert up["rows"] == 3 and up["reference"] == f"upload:{up['id']}" and len(up["id"]) == 64
    sc = {"firms": {"source": "csv", "csv": up["reference"]}, "horizon": 4}
    v = shared.post("/api/validate", json=sc).json()
    assert v["firms"] == 3
    assert v["scenario"]["firms"]["csv"] == up["reference"]  # never the server's path
    # a count that contradicts the file: the loader's message, naming the reference
    p = problem(shared.post("/api/validate", json={"firms": {**sc["firms"], "count": 5}}), 422)
    assert "firms.count: 5 contradicts firms.csv, which has 3 firms" in p["detail"]
    assert up["reference"] in p["detail"] and "/uploads/" not in p["detail"]


def test_upload_errors(tmp_path):
    with make_client(tmp_path, max_upload_rows=5, max_upload_bytes=4096) as c:
        bad = FIRMS.replace("10,9,1", "10,nine,1")
        ref = c.post("/api/uploads", files={"file": ("f.csv", bad)}).json()["reference"]
        p = problem(c.post("/api/validate", json={"firms": {"source": "csv", "csv": ref}}), 422)
        assert "row 1, column 'unit_cost'" in p["detail"] and "nine" in p["detail"]
        rows = FIRMS + "10,9,1,main,0.5,0.5,0\n" * 3
        p = problem(c.post("/api/uploads", files={"file": ("f.csv", rows)}), 413)
        assert "6 rows" in p["detail"] and "--max-upload-rows" in p["detail"]
        p = problem(c.post("/api/uploads", files={"file": ("f.csv", "a" * 5000)}), 413)
        assert "--max-upload-mb" in p["detail"]
        p = problem(c.post("/api/uploads", files={"file": ("f.csv", b"\xff\xfe\x00bin")}), 422)
        assert "UTF-8" in p["detail"]
        problem(c.post("/api/uploads", files={"file": ("f.csv", b"")}), 422)
        problem(c.post("/api/uploads"), 422)  # no file at all


def test_body_limit_without_content_length(tmp_path):
    with make_client(tmp_path, max_upload_bytes=1000) as c:

        def chunks():
            for _ in range(20):
                yield b'{"name": "' + b"x" * 100 + b'",'

        r = c.post("/api/validate", content=chunks(), headers={"content-type": "application/json"})
        assert problem(r, 413)["title"] == "Too large"


def test_parse_and_download_yaml_round_trip(shared):
    text = "name: round\nhorizon: 7\nfirms: {count: 50}\nmarkets:\n  - {name: home, size: 1e5}\n"
    r = shared.post("/api/scenarios/parse", files={"file": ("s.yaml", text)})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["markets"][0]["size"] == 100000.0
    r = shared.post("/api/scenarios/yaml", json=doc)
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="round.yaml"'
    assert load_scenario(yaml.safe_load(r.text)) == load_scenario(doc)
    problem(shared.post("/api/scenarios/yaml", json={"horizon": -1}), 422)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("s.yaml", "a: 1\nb: 2\na: 3\n", "line 3: duplicate key 'a' (first given on line 1)"),
        ("s.yaml", "- 1\n- 2\n", "expected a mapping"),
        ("s.json", '{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("s.yaml", "a: [1, 2\n", "not valid YAML/JSON"),
    ],
)
def test_parse_errors(shared, name, text, expected):
    p = problem(shared.post("/api/scenarios/parse", files={"file": (name, text)}), 422)
    assert expected in p["detail"] and p["detail"].startswith(name)


def test_security_headers(shared):
    r = shared.get("/run")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    # every script and stylesheet of every page is served here (works offline)
    for page in (
        "/",
        "/scenario",
        "/run",
        "/recommend",
        "/games",
        "/survey",
        "/experiments",
        "/jobs",
    ):
        html = shared.get(page).text
        assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html
    assert shared.get("/static/vendor/plotly.min.js").status_code == 200
    assert json.loads(shared.get("/openapi.json").text)["openapi"].startswith("3.")


def test_internal_errors_are_problems_without_traceback(tmp_path):
    def boom():
        raise RuntimeError("secret internals")

    with make_client(tmp_path) as c:
        c.app.state.ctx.jobs.store.counts = boom  # the health route reads it
        p = problem(c.get("/api/health"), 500)
        assert "secret" not in p["detail"] and "reference" in p["detail"]
