"""Server-rendered pages (Jinja2). Each page is a form and a results area; a small script per
page (``static/*.js``, no build step) talks to the JSON API and draws charts with Plotly."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

router = APIRouter(include_in_schema=False)

templates = Jinja2Templates(directory=str(resources.files("clustermarketing.web") / "templates"))

#: (path, template, title, one-line description) of every page, in the menu's order
PAGES = (
    ("/", "index.html", "Home", "What the app does and the latest jobs"),
    (
        "/scenario",
        "scenario.html",
        "Scenario",
        "Edit a scenario: example or upload, live validation, YAML",
    ),
    ("/run", "run.html", "Run & compare", "Models against independent marketing, with charts"),
    ("/recommend", "recommend.html", "Recommend", "Rank the models; AHP judgements; HTML report"),
    (
        "/games",
        "games.html",
        "Games",
        "Shapley, Banzhaf, nucleolus and the core of a coalition game",
    ),
    ("/survey", "survey.html", "Survey", "The managers' questionnaire and its analysis"),
    ("/experiments", "experiments.html", "Experiments", "Sweeps in the data directory; queries"),
    ("/jobs", "jobs.html", "Jobs", "Every job, its status and results"),
)


def _render(request: Request, template: str, title: str, **extra: Any) -> HTMLResponse:
    import clustermarketing

    settings = request.app.state.settings
    return templates.TemplateResponse(
        request,
        template,
        {
            "title": title,
            "pages": PAGES,
            "version": clustermarketing.__version__,
            "limits": {
                "max_run_size": settings.max_run_size,
                "max_upload_bytes": settings.max_upload_bytes,
                "max_upload_rows": settings.max_upload_rows,
                "workers": settings.workers,
            },
            **extra,
        },
    )


def _page(path: str, template: str, title: str) -> None:
    def view(request: Request) -> HTMLResponse:
        return _render(request, template, title)

    view.__name__ = f"page_{template.split('.')[0]}"
    router.add_api_route(path, view, methods=["GET"], response_class=HTMLResponse)


for _path, _template, _title, _ in PAGES:
    _page(_path, _template, _title)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> HTMLResponse:
    return _render(request, "job.html", "Job", job_id=job_id)
