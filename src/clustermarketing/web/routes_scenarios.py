"""API: health, examples, models, the scenario schema, validation, scenario files, uploads."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Request, UploadFile
from fastapi.responses import Response

from clustermarketing.web import scenarios
from clustermarketing.web.problems import ProblemError, invalid, only_form_fields, problem_responses
from clustermarketing.web.schemas import Check, Example, Health, ModelInfo, UploadResult, Validation
from clustermarketing.web.uploads import bounded, display, store_upload, text_of

router = APIRouter(prefix="/api", tags=["scenarios"])

ScenarioBody = Annotated[
    dict[str, Any],
    Body(
        description="a scenario object: the fields of a scenario YAML file, as JSON",
        examples=[{"name": "my cluster", "firms": {"count": 60}, "horizon": 6}],
    ),
]


def ctx(request: Request) -> Any:
    return request.app.state.ctx


@router.get("/health", response_model=Health, summary="Is the server up; jobs by status")
def health(request: Request) -> dict[str, Any]:
    import clustermarketing

    c = ctx(request)
    return {
        "status": "ok",
        "version": clustermarketing.__version__,
        "workers": c.settings.workers,
        "queued": c.jobs.queued(),
        "running": c.jobs.running(),
        "jobs": c.jobs.store.counts(),
    }


@router.get("/examples", response_model=list[Example], summary="The built-in example scenarios")
def examples() -> list[dict[str, Any]]:
    from clustermarketing.scenario.load import EXAMPLES, example

    out = []
    for name in EXAMPLES:
        s = example(name)
        out.append(
            {
                "name": name,
                "description": s.description,
                "firms": scenarios.firm_count(s),
                "model": s.model.get("preset", "independent"),
            }
        )
    return out


@router.get(
    "/examples/{name}",
    response_model=dict[str, Any],
    summary="A built-in example as given (a scenario object)",
    responses=problem_responses(404),
)
def example_scenario(name: str) -> dict[str, Any]:
    from clustermarketing.scenario.load import EXAMPLES, example_dict

    if name not in EXAMPLES:
        raise ProblemError(
            404, f"example: unknown example {name!r}; expected one of {', '.join(EXAMPLES)}"
        )
    return example_dict(name)


@router.get("/models", response_model=list[ModelInfo], summary="The marketing-model presets")
def models() -> list[dict[str, Any]]:
    from clustermarketing.models import PRESETS, resolve_model

    out = []
    for p in PRESETS.values():
        # a planned preset's settings are registered too: whether it pools anything is known
        try:
            coop = bool(resolve_model({"preset": p.name}).cooperative)
        except ValueError:
            coop = p.family != "baseline"
        out.append(
            {
                "name": p.name,
                "title": p.title,
                "family": p.family,
                "seed": p.seed,
                "summary": p.summary,
                "implemented": bool(p.implemented),
                "cooperative": coop,
            }
        )
    return out


@router.get(
    "/schema/scenario",
    response_model=dict[str, Any],
    summary="JSON Schema of a scenario (units, ranges and seed sources in each field)",
)
def scenario_schema() -> dict[str, Any]:
    from clustermarketing.params import SEEDS
    from clustermarketing.scenario import Scenario

    schema = Scenario.model_json_schema()
    schema["x-seeds"] = dict(SEEDS)
    return schema


@router.post(
    "/validate",
    response_model=Validation,
    summary="Validate a scenario: 200, or 422 with the command line's field-naming messages",
    responses=problem_responses(413, 422),
)
def validate(request: Request, scenario: ScenarioBody) -> dict[str, Any]:
    c = ctx(request)
    loaded = scenarios.load(scenario, (), c.settings.uploads_dir)
    sc = loaded.scenario
    n = scenarios.firm_count(sc)
    dump = sc.model_dump(mode="json")
    for path, ref in loaded.uploads.items():  # show references, not the server's paths
        for section, key in scenarios.PATH_FIELDS:
            if dump.get(section, {}).get(key) == path:
                dump[section][key] = ref
    return {
        "valid": True,
        "name": sc.name,
        "firms": n,
        "periods": sc.horizon,
        "replicates": sc.replicates,
        "model": sc.model.get("preset", "independent"),
        "run_size": scenarios.run_size(n, sc.horizon, sc.replicates, 2),
        "max_run_size": c.settings.max_run_size,
        "warnings": loaded.warnings,
        "scenario": dump,
    }


@router.post(
    "/scenarios/check",
    response_model=Check,
    summary="Like /api/validate, but always 200: {valid, validation | problem} (live checks)",
    responses=problem_responses(413, 422),
)
def check(request: Request, scenario: ScenarioBody) -> dict[str, Any]:
    """The editor checks as the user types: an invalid scenario is an answer, not an error
    (a 422 would be logged by the browser as a failed request on every keystroke)."""
    try:
        return {"valid": True, "validation": validate(request, scenario), "problem": None}
    except ProblemError as e:
        if e.status != 422:
            raise
        return {
            "valid": False,
            "validation": None,
            "problem": {"type": e.type, "title": e.title, "status": e.status, "detail": e.detail,
                        "errors": e.errors},
        }  # fmt: skip


def _file_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:60]
    return stem or "scenario"


@router.post(
    "/scenarios/yaml",
    summary="A scenario object as a YAML file (validated first)",
    responses={
        200: {"content": {"application/yaml": {}}},
        **problem_responses(413, 422),
    },
    response_class=Response,
)
def scenario_yaml(request: Request, scenario: ScenarioBody) -> Response:
    import yaml

    import clustermarketing

    c = ctx(request)
    loaded = scenarios.load(scenario, (), c.settings.uploads_dir)
    head = (
        f"# Scenario written by the clustermarketing {clustermarketing.__version__} web app.\n"
        "# Check it with: clustermarketing validate FILE   Run it with: clustermarketing run FILE\n"
    )
    if loaded.uploads:
        head += (
            "# upload:<sha256> names a file uploaded to the web app; for the command line,\n"
            "# replace it by the path of your CSV.\n"
        )
    text = head + yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True)
    name = _file_name(loaded.scenario.name)
    return Response(
        text,
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}.yaml"'},
    )


@router.post(
    "/scenarios/parse",
    response_model=dict[str, Any],
    summary="Read an uploaded scenario file (YAML or JSON) into a scenario object",
    responses=problem_responses(413, 422),
    dependencies=[Depends(only_form_fields("file"))],
)
async def parse_scenario(
    file: Annotated[UploadFile, File(description="a scenario YAML or JSON file")],
) -> dict[str, Any]:
    import json

    import yaml

    from clustermarketing.scenario.yamlio import DuplicateKeyError, load_json, load_yaml

    data = await file.read()
    name = display(file.filename, "scenario.yaml")
    text = text_of(data, name)
    try:
        parsed = load_json(text) if name.lower().endswith(".json") else load_yaml(text)
    except DuplicateKeyError as e:
        raise invalid(f"{name}: {e}; expected each key once") from None
    except (yaml.YAMLError, json.JSONDecodeError) as e:
        raise invalid(f"{name}: not valid YAML/JSON: {e}") from None
    if parsed is None:
        parsed = {}
    parsed = bounded(parsed, name)
    if not isinstance(parsed, dict):
        raise invalid(f"{name}: expected a mapping of scenario fields, got {type(parsed).__name__}")
    try:
        return json.loads(json.dumps(parsed, allow_nan=False, default=str))
    except ValueError as e:
        raise invalid(f"{name}: {e}") from None


@router.post(
    "/uploads",
    response_model=UploadResult,
    status_code=201,
    summary="Upload a firms CSV or an edge list; give the reference as firms.csv / ties.edgelist",
    responses=problem_responses(413, 422),
    dependencies=[Depends(only_form_fields("file"))],
)
async def upload(
    request: Request,
    file: Annotated[UploadFile, File(description="a CSV file (UTF-8)")],
) -> dict[str, Any]:
    c = ctx(request)
    data = await file.read()
    up = store_upload(c.settings.uploads_dir, data, file.filename, c.settings.max_upload_rows)
    return {
        "reference": up.reference,
        "id": up.id,
        "rows": up.rows,
        "bytes": up.bytes,
        "name": up.name,
    }
