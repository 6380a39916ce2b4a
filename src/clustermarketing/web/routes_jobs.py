"""API: runs, comparisons, recommendations and scenario games as background jobs.

``POST`` checks everything it can before queueing — the scenario (the loader's messages), the
models, the judgements, the run size against the server's cap — so a bad request is a 422 at
once and a queued job fails only for reasons found while simulating. It answers 202 with the
job's id; ``GET /api/<kind>/{id}`` (or ``/api/jobs/{id}``) reports ``status``, ``progress``
(0–1) and, when done, the ``summary`` exactly as the command line prints it with
``--format json``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from clustermarketing.web import results, scenarios
from clustermarketing.web.problems import ProblemError, invalid, problem_responses
from clustermarketing.web.schemas import (
    CompareRequest,
    JobCreated,
    JobList,
    JobStatus,
    RecommendRequest,
    RunRequest,
    ScenarioGameRequest,
    Series,
)

router = APIRouter(prefix="/api", tags=["jobs"])

JOB_ID = re.compile(r"^[0-9a-f]{16}$")
JobId = Annotated[str, Path(description="a job id (16 hex digits)", max_length=64)]
PATHS = {"run": "runs", "compare": "compare", "recommend": "recommend", "game": "games"}
SUBMIT = {
    202: {"model": JobCreated, "description": "queued"},
    **problem_responses(413, 422, 503),
}


def ctx(request: Request) -> Any:
    return request.app.state.ctx


def job_status(rec: dict[str, Any]) -> dict[str, Any]:
    """The API form of a job record."""
    done, total = int(rec["progress_done"] or 0), int(rec["progress_total"] or 0)
    fraction = 1.0 if rec["status"] == "done" else min(1.0, done / total) if total else 0.0
    return {
        "id": rec["id"],
        "kind": rec["kind"],
        "status": rec["status"],
        "progress": fraction,
        "progress_detail": {"done": done, "total": total, "fraction": fraction},
        "summary": rec.get("summary"),
        "error": rec.get("error"),
        "request": rec["request"],
        "created": rec["created"],
        "started": rec["started"],
        "finished": rec["finished"],
        "files": rec.get("files") or [],
    }


def _created(kind: str, job_id: str) -> JSONResponse:
    url = f"/api/{PATHS[kind]}/{job_id}"
    return JSONResponse(
        {"id": job_id, "kind": kind, "status": "queued", "url": url},
        status_code=202,
        headers={"Location": url},
    )


def _request_json(req: Any) -> dict[str, Any]:
    return req.model_dump(mode="json", by_alias=True)


def _check_models(names: list[str] | None, sc: Any) -> list[str]:
    from clustermarketing.evaluation.runs import check_models

    try:
        out = check_models(names)
    except ValueError as e:
        raise invalid(str(e).removeprefix("--")) from None
    for name in out:
        try:
            sc.model_config_for(name)
        except ValueError as e:
            raise invalid(f"models: {e}") from None
    return out


def _common(c: Any, req: Any) -> tuple[scenarios.Loaded, int, int, int, int]:
    loaded = scenarios.load(req.scenario, req.overrides, c.settings.uploads_dir)
    sc = loaded.scenario
    reps = req.replicates or sc.replicates
    steps = req.periods or sc.horizon
    seed = req.seed if req.seed is not None else sc.seed
    return loaded, scenarios.firm_count(sc), reps, steps, seed


def _args(loaded: scenarios.Loaded, **kw: Any) -> dict[str, Any]:
    return {
        "scenario": loaded.raw,
        "source": loaded.source,
        "overrides": loaded.overrides,
        "uploads": loaded.uploads,
        **kw,
    }


def submit_run(c: Any, req: RunRequest) -> str:
    loaded, n, reps, steps, seed = _common(c, req)
    try:
        loaded.scenario.model_config_for(req.model)
    except ValueError as e:
        raise invalid(f"model: {e}" if req.model is not None else str(e)) from None
    scenarios.check_size(n, steps, reps, 2, c.settings.max_run_size)
    args = _args(
        loaded, model=req.model, replicates=reps, periods=steps, seed=seed,
        pricing=req.pricing, diagnostics=req.diagnostics,
    )  # fmt: skip
    return c.jobs.submit("run", _request_json(req), args, reps * steps * 2)


def submit_compare(c: Any, req: CompareRequest, kind: str = "compare") -> str:
    loaded, n, reps, steps, seed = _common(c, req)
    names = _check_models(req.models, loaded.scenario)
    scenarios.check_size(n, steps, reps, len(names) + 1, c.settings.max_run_size)
    extra: dict[str, Any] = {}
    if isinstance(req, RecommendRequest):
        from clustermarketing.web.tasks import hierarchy

        if req.perturbations > c.settings.max_perturbations:
            raise invalid(
                f"perturbations: {req.perturbations:,} is more than this server allows "
                f"({c.settings.max_perturbations:,}); expected fewer"
            )
        hierarchy(req.judgements, req.hierarchy)  # a 422 naming the judgement now, not later
        extra = {
            "weighting": req.weighting, "perturbations": req.perturbations,
            "perturbation": req.perturbation, "sigma": req.sigma,
            "concentration": req.concentration, "judgements": req.judgements,
            "hierarchy": req.hierarchy,
        }  # fmt: skip
    args = _args(
        loaded, models=names, replicates=reps, periods=steps, seed=seed, pricing=req.pricing,
        **extra,
    )  # fmt: skip
    return c.jobs.submit(kind, _request_json(req), args, reps * steps * (len(names) + 1))


def submit_game(c: Any, req: ScenarioGameRequest) -> str:
    loaded = scenarios.load(req.scenario, req.overrides, c.settings.uploads_dir)
    sc = loaded.scenario
    try:
        cfg = sc.model_config_for(req.model)
    except ValueError as e:
        raise invalid(f"model: {e}" if req.model is not None else str(e)) from None
    if not cfg.cooperative:
        where = "model" if req.model is not None else "model.preset"
        raise invalid(
            f"{where}: {cfg.preset!r} pools nothing, so there is no coalition game; expected a "
            "cooperative model"
        )
    n = {
        "segment": len(sc.firms.segments),
        "size": 4,
        "firm": scenarios.firm_count(sc),
    }[req.players]
    cap = c.settings.max_game_players
    if req.players == "firm" and n > cap:
        raise invalid(
            f"players: {n} firms is more than this server tabulates (2^n coalitions, at most "
            f"{cap} players); use players 'segment' or 'size', or fewer firms (firms.count)"
        )
    seed = req.seed if req.seed is not None else None
    args = _args(
        loaded,
        model=req.model,
        players=req.players,
        cost=req.cost,
        game_seed=seed,
        seed=seed if seed is not None else sc.seed,
    )
    return c.jobs.submit("game", _request_json(req), args, 2 ** min(n, cap))


@router.post("/runs", status_code=202, response_model=JobCreated, responses=SUBMIT,
             summary="Queue `run`: one model vs the independent baseline")  # fmt: skip
def post_run(request: Request, body: RunRequest) -> JSONResponse:
    return _created("run", submit_run(ctx(request), body))


@router.post("/compare", status_code=202, response_model=JobCreated, responses=SUBMIT,
             summary="Queue `compare`: several models vs one shared baseline")  # fmt: skip
def post_compare(request: Request, body: CompareRequest) -> JSONResponse:
    return _created("compare", submit_compare(ctx(request), body))


@router.post("/recommend", status_code=202, response_model=JobCreated, responses=SUBMIT,
             summary="Queue `recommend`: rank the models (and write the HTML report)")  # fmt: skip
def post_recommend(request: Request, body: RecommendRequest) -> JSONResponse:
    return _created("recommend", submit_compare(ctx(request), body, "recommend"))


@router.post("/games/scenario", status_code=202, response_model=JobCreated, responses=SUBMIT,
             summary="Queue the coalition game of a scenario (`game --scenario`)")  # fmt: skip
def post_game(request: Request, body: ScenarioGameRequest) -> JSONResponse:
    return _created("game", submit_game(ctx(request), body))


def _get(request: Request, job_id: str, kind: str | None = None) -> dict[str, Any]:
    if not JOB_ID.match(job_id):
        raise ProblemError(404, f"job {job_id!r}: no such job (ids are 16 hex digits)")
    rec = ctx(request).jobs.get(job_id)
    if rec is None or (kind is not None and rec["kind"] != kind):
        what = f"{kind} job" if kind else "job"
        raise ProblemError(404, f"{what} {job_id!r}: no such job")
    return rec


_GET = {"response_model": JobStatus, "responses": problem_responses(404)}


@router.get("/runs/{job_id}", summary="A run's status, progress and summary", **_GET)
def get_run(request: Request, job_id: JobId) -> dict[str, Any]:
    return job_status(_get(request, job_id, "run"))


@router.get("/compare/{job_id}", summary="A comparison's status, progress and summary", **_GET)
def get_compare(request: Request, job_id: JobId) -> dict[str, Any]:
    return job_status(_get(request, job_id, "compare"))


@router.get("/recommend/{job_id}", summary="A recommendation's status and result", **_GET)
def get_recommend(request: Request, job_id: JobId) -> dict[str, Any]:
    return job_status(_get(request, job_id, "recommend"))


@router.get("/games/{job_id}", summary="A scenario game's status and solution", **_GET)
def get_game(request: Request, job_id: JobId) -> dict[str, Any]:
    return job_status(_get(request, job_id, "game"))


@router.get("/jobs/{job_id}", summary="Any job's status, progress and summary", **_GET)
def get_job(request: Request, job_id: JobId) -> dict[str, Any]:
    return job_status(_get(request, job_id))


@router.get("/jobs", response_model=JobList, summary="Jobs, newest first (summaries left out)",
            responses=problem_responses(422))  # fmt: skip
def list_jobs(
    request: Request,
    kind: Annotated[Literal["run", "compare", "recommend", "game"] | None, Query()] = None,
    status: Annotated[
        Literal["queued", "running", "done", "failed", "interrupted"] | None, Query()
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    c = ctx(request)
    recs, total = c.jobs.store.list(kind, status, limit, offset)
    out = []
    for rec in recs:
        live = c.jobs.get(rec["id"]) if rec["status"] in ("queued", "running") else None
        r = live or rec
        r["summary"] = None
        out.append(job_status(r))
    return {"jobs": out, "total": total}


@router.post("/jobs/{job_id}/rerun", status_code=202, response_model=JobCreated,
             responses={**SUBMIT, **problem_responses(404)},
             summary="Submit a job's request again (e.g. one that was interrupted)")  # fmt: skip
def rerun(request: Request, job_id: JobId) -> JSONResponse:
    rec = _get(request, job_id)
    c = ctx(request)
    kind = rec["kind"]
    model = {"run": RunRequest, "compare": CompareRequest, "recommend": RecommendRequest,
             "game": ScenarioGameRequest}[kind]  # fmt: skip
    body = model.model_validate(rec["request"])
    submit = {"run": submit_run, "compare": submit_compare, "game": submit_game}
    new = submit_compare(c, body, "recommend") if kind == "recommend" else submit[kind](c, body)
    return _created(kind, new)


def _done(request: Request, job_id: str) -> dict[str, Any]:
    rec = _get(request, job_id)
    if rec["status"] != "done":
        raise ProblemError(409, f"job {job_id}: {rec['status']}; its results exist once it is done")
    return rec


@router.get("/jobs/{job_id}/series", response_model=Series,
            summary="Per-period means with 95% bands, and paired differences vs the baseline",
            responses=problem_responses(404, 409, 422))  # fmt: skip
def get_series(
    request: Request,
    job_id: JobId,
    metric: Annotated[str, Query(max_length=100, description="a per-period metric")] = "sme_profit",
) -> dict[str, Any]:
    rec = _done(request, job_id)
    if rec["kind"] == "game":
        raise ProblemError(409, f"job {job_id}: a game has no time series")
    return results.series(ctx(request).settings.jobs_dir / job_id, rec["kind"], metric)


@router.get("/jobs/{job_id}/files/{name}", summary="Download a result file",
            responses={200: {"content": {"application/octet-stream": {}}},
                       **problem_responses(404, 409)},
            response_class=Response)  # fmt: skip
def get_file(
    request: Request,
    job_id: JobId,
    name: Annotated[str, Path(max_length=64, description=", ".join(results.DOWNLOADS))],
) -> Response:
    rec = _done(request, job_id)
    content, media = results.download(ctx(request).settings.jobs_dir / job_id, rec["files"], name)
    filename = f"{rec['kind']}-{job_id}-{name}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if isinstance(content, bytes):
        return Response(content, media_type=media, headers=headers)
    return FileResponse(content, media_type=media, headers=headers)
