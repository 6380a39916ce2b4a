"""API: AHP judgements, the game calculator, the survey, and the experiments in the data dir."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.web import experiments as exp_mod
from clustermarketing.web.games import analyse, game_from_request
from clustermarketing.web.problems import ProblemError, invalid, only_form_fields, problem_responses
from clustermarketing.web.schemas import (
    AHPRequest,
    AHPResult,
    ExperimentSummary,
    GameRequest,
    QueryRequest,
    QueryResult,
)
from clustermarketing.web.uploads import check_rows, display, scrub, temporary_copy

router = APIRouter(prefix="/api", tags=["tools"])


def ctx(request: Request) -> Any:
    return request.app.state.ctx


# ------------------------------------------------------------------------------- evaluation
@router.get("/hierarchy", response_model=dict[str, Any],
            summary="The default indicator hierarchy: criteria, indicators, judgements")  # fmt: skip
def hierarchy() -> dict[str, Any]:
    from clustermarketing.evaluation.io import load_hierarchy

    h = load_hierarchy(None)
    spec = h.spec.model_dump(mode="json", exclude_none=True)
    cw, _local = h.weights()
    return {
        "name": spec["name"],
        "goal": spec.get("goal", ""),
        "criteria": [
            {
                "name": c["name"],
                "label": c.get("label", ""),
                "weight": float(w),
                "indicators": [i["name"] for i in c["indicators"]],
            }
            for c, w in zip(spec["criteria"], cw, strict=True)
        ],
        "judgements": spec.get("judgements"),
        "consistency": h.consistency(),
        "grades": list(h.grades),
    }


@router.get("/hierarchy/yaml", summary="The default indicator hierarchy as YAML (to edit)",
            responses={200: {"content": {"application/yaml": {}}}}, response_class=Response)  # fmt: skip
def hierarchy_yaml() -> Response:
    from clustermarketing.evaluation.io import default_hierarchy_text

    return Response(
        default_hierarchy_text(),
        media_type="application/yaml",
        headers={"Content-Disposition": 'attachment; filename="hierarchy.yaml"'},
    )


@router.post("/ahp", response_model=AHPResult, responses=problem_responses(413, 422),
             summary="AHP weights, λmax, CI, CR and the judgement to repair (as `ahp`)")  # fmt: skip
def ahp(body: AHPRequest) -> dict[str, Any]:
    from clustermarketing.evaluation import pairwise

    given = [k for k in ("matrix", "upper") if getattr(body, k) is not None]
    if len(given) != 1:
        raise invalid(
            "matrix/upper: give exactly one of 'matrix' (rows) or 'upper' (upper triangle)"
        )
    try:
        a = pairwise.as_matrix(body.matrix if body.matrix is not None else body.upper)
        n = a.shape[0]
        labels = body.labels if body.labels is not None else [str(k + 1) for k in range(n)]
        if len(labels) != n:
            raise invalid(f"labels: {len(labels)} names; expected {n} (one per row)")
        if len(set(labels)) != n:
            raise invalid(f"labels: duplicate names {labels}")
        res = pairwise.ahp(a, method=body.method, ri=body.ri, labels=labels)
    except ValueError as e:
        raise invalid(f"{given[0]}: {e}") from None
    return res.to_dict(labels)


# ------------------------------------------------------------------------------- games
def _solve(
    players: list[str] | None, values: Any, kind: str, unit: str | None, cap: int
) -> dict[str, Any]:
    from clustermarketing.games.cooperative.io import GameFileError

    n = len(players) if players else None
    if n is None and isinstance(values, list) and values:
        n = max(0, int(np.log2(len(values) + 1)))
    if n is not None and n > cap:
        raise invalid(f"players: {n} players is more than this server solves (at most {cap})")
    try:
        game = game_from_request(players, values, kind)
    except (GameFileError, ValueError) as e:
        raise invalid(str(e)) from None
    if game.n > cap:
        raise invalid(f"players: {game.n} players is more than this server solves (at most {cap})")
    return analyse(game, unit)


@router.post("/games/solve", response_model=dict[str, Any], responses=problem_responses(413, 422),
             summary="Shapley, Banzhaf, nucleolus, core check of a TU game (as `game --format json`)")  # fmt: skip
def games_solve(request: Request, body: GameRequest) -> dict[str, Any]:
    return _solve(
        body.players, body.values, body.kind, body.unit, ctx(request).settings.max_table_players
    )


@router.post("/games/upload", response_model=dict[str, Any], responses=problem_responses(413, 422),
             summary="Solve a game file (YAML or CSV, the format of `game FILE`)",
             dependencies=[Depends(only_form_fields("file", "kind"))])  # fmt: skip
async def games_upload(
    request: Request,
    file: Annotated[UploadFile, File(description="a game file: .yaml/.yml or .csv")],
    kind: Annotated[Literal["value", "cost"] | None, Form()] = None,
) -> dict[str, Any]:
    from clustermarketing.games.cooperative.io import GameFileError, read_game_file

    c = ctx(request)
    data = await file.read()
    name = display(file.filename, "game.yaml")
    with temporary_copy(data, file.filename, "game", ".yaml") as path:
        try:
            gf = read_game_file(path, kind)
        except (GameFileError, ValueError, UnicodeDecodeError) as e:
            raise invalid(scrub(str(e), path, name)) from None
    if gf.game.n > c.settings.max_table_players:
        raise invalid(f"{name}: {gf.game.n} players is more than this server solves")
    out = analyse(gf.game, gf.unit)
    if not gf.kind_given:
        out["warnings"] = [
            f"{name} does not say whether it is a value or a cost game; solved as a value game "
            "(add 'kind: cost' (YAML) or '# kind: cost' (CSV), or choose the kind)"
        ]
    return out


# ------------------------------------------------------------------------------- survey
@router.get("/survey/instrument", summary="The questionnaire: printable HTML, CSV template or YAML",
            responses={200: {"content": {"text/html": {}, "text/csv": {}, "application/yaml": {}}},
                       **problem_responses(422)},
            response_class=Response)  # fmt: skip
def survey_instrument(
    format: Annotated[Literal["html", "csv", "yaml"], Query()] = "html",
) -> Response:
    from clustermarketing.survey import load_instrument
    from clustermarketing.survey.io import instrument_yaml_text, template_csv_text
    from clustermarketing.survey.report import questionnaire_html

    inst = load_instrument()
    if format == "html":
        return Response(questionnaire_html(inst), media_type="text/html; charset=utf-8")
    text, media, name = (
        (template_csv_text(inst), "text/csv; charset=utf-8", "responses.csv")
        if format == "csv"
        else (instrument_yaml_text(), "application/yaml", "questionnaire.yaml")
    )
    return Response(
        text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _jsonable_frame(df: Any) -> list[dict[str, Any]]:
    from clustermarketing.io import jsonable

    return jsonable(df.to_dict("records"))


@router.post("/survey/analyze", response_model=dict[str, Any],
             responses=problem_responses(413, 422),
             summary="Analyse responses (CSV/Excel upload, or the shipped synthetic example)",
             dependencies=[Depends(only_form_fields("file", "synthetic", "group", "missing",
                                                    "correction", "family", "min_answered"))])  # fmt: skip
async def survey_analyze(
    request: Request,
    file: Annotated[UploadFile | None, File(description="responses: CSV or .xlsx")] = None,
    synthetic: Annotated[bool, Form(description="use the shipped synthetic responses")] = False,
    group: Annotated[str | None, Form(max_length=100)] = None,
    missing: Annotated[Literal["pairwise", "listwise"], Form()] = "pairwise",
    correction: Annotated[Literal["bh", "holm"], Form()] = "bh",
    family: Annotated[Literal["table", "test"], Form()] = "table",
    min_answered: Annotated[float, Form(ge=0, le=1)] = 0.5,
) -> dict[str, Any]:
    from clustermarketing.survey import (
        analyze,
        load_instrument,
        read_responses,
        synthetic_responses_path,
        validate_responses,
    )

    c = ctx(request)
    if (file is None) == (not synthetic):
        raise invalid("file: upload a response file, or choose the synthetic example (not both)")
    inst = load_instrument()
    group = group.strip() if group and group.strip() else None
    try:
        if file is None:
            frame = read_responses(synthetic_responses_path())
            name = "synthetic"
            resp = validate_responses(frame, inst, group=group, source=name)
        else:
            data = await file.read()
            name = display(file.filename, "responses.csv")
            with temporary_copy(data, file.filename, "responses", ".csv") as path:
                try:
                    frame = read_responses(path)
                except (ClusterMarketingError, ValueError, OSError) as e:
                    raise invalid(scrub(str(e), path, name)) from None
            check_rows(len(frame), c.settings.max_upload_rows, name)
            resp = validate_responses(frame, inst, group=group, source=name)
        a = analyze(resp, missing=missing, correction=correction, family=family,
                    min_answered=min_answered)  # fmt: skip
    except ClusterMarketingError as e:
        raise invalid(str(e)) from None
    out = a.to_dict()
    out["constructs"] = _jsonable_frame(a.construct_effects())
    from clustermarketing.survey.report import likert_shares

    out["likert"] = _jsonable_frame(likert_shares(a))
    out["scale_labels"] = list(inst.scale.labels or [])
    out["background"] = inst.background_ids()
    return out


# ------------------------------------------------------------------------------- experiments
@router.get("/experiments", response_model=list[ExperimentSummary],
            summary="Sweeps in the data directory (DATA/experiments/NAME) and their progress")  # fmt: skip
def experiments(request: Request) -> list[dict[str, Any]]:
    return exp_mod.list_sweeps(ctx(request).settings.experiments_dir)


SweepName = Annotated[str, PathParam(max_length=128)]


@router.get("/experiments/{name}", response_model=ExperimentSummary,
            responses=problem_responses(404), summary="One sweep's progress")  # fmt: skip
def experiment(request: Request, name: SweepName) -> dict[str, Any]:
    return exp_mod.summary(exp_mod.sweep_dir(ctx(request).settings.experiments_dir, name))


@router.post("/experiments/{name}/query", response_model=QueryResult,
             responses=problem_responses(404, 413, 422),
             summary="A read-only DuckDB query over the sweep's runs, metrics, periods, design")  # fmt: skip
def experiment_query(request: Request, name: SweepName, body: QueryRequest) -> dict[str, Any]:
    c = ctx(request)
    path = exp_mod.sweep_dir(c.settings.experiments_dir, name)
    return exp_mod.query(path, body.sql, c.settings.query_timeout, c.settings.max_query_rows)


__all__ = ["router"]
_ = ProblemError
