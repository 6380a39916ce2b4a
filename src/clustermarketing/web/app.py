"""The FastAPI application: JSON API under ``/api``, server-rendered pages, local assets.

:func:`create_app` builds one app for a :class:`~clustermarketing.web.settings.Settings`; its
lifespan opens the job store (``DATA/jobs.duckdb``), marks jobs cut off by a previous server as
interrupted, and starts the worker pool; on shutdown running jobs are stopped and recorded as
interrupted. Every asset the pages use (CSS, the pages' JavaScript, ``plotly.min.js`` from the
installed Plotly package) is served by the app itself, so it works offline; a
Content-Security-Policy allowing only this origin enforces that.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from clustermarketing.web import pages, problems, routes_jobs, routes_scenarios, routes_tools
from clustermarketing.web.jobs import JobManager
from clustermarketing.web.settings import Settings
from clustermarketing.web.store import JobStore

__all__ = ["SETTINGS_ENV", "Context", "create_app", "from_environment"]

#: ``clustermarketing serve`` passes the settings to :func:`from_environment` in this variable
SETTINGS_ENV = "CLUSTERMARKETING_WEB_SETTINGS"

log = logging.getLogger("clustermarketing.web")

#: only this origin; Plotly sets inline styles on its SVG (style-src 'unsafe-inline')
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


@dataclass
class Context:
    """What the routes need: the settings and the job manager (with its store)."""

    settings: Settings
    jobs: JobManager


class SecurityHeaders:
    """ASGI middleware adding the CSP and related headers to every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers += [h for h in SECURITY_HEADERS if h[0] not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def plotly_js() -> Path:
    """``plotly.min.js`` of the installed Plotly package (served at /static/vendor/plotly.min.js)."""
    path = Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))
    if not path.is_file():  # pragma: no cover - every Plotly wheel ships it
        raise FileNotFoundError(path)
    return path


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI schema, with problem details declared for every error response."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    comps = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (problems.FieldError, problems.Problem):
        comps[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for path in schema.get("paths", {}).values():
        for op in path.values():
            for status, resp in op.get("responses", {}).items():
                if str(status).startswith(("4", "5")):
                    resp["content"] = {
                        problems.PROBLEM_MEDIA_TYPE: {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    }
    for name in ("HTTPValidationError", "ValidationError"):
        comps.pop(name, None)
    app.openapi_schema = schema
    return schema


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web app for ``settings`` (default: the user's data directory, 1–2 workers)."""
    import clustermarketing

    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for d in (
            settings.data_dir,
            settings.jobs_dir,
            settings.uploads_dir,
            settings.experiments_dir,
        ):
            d.mkdir(parents=True, exist_ok=True)
        store = JobStore(settings.database)
        jobs = JobManager(settings, store)
        jobs.start()
        app.state.ctx = Context(settings, jobs)
        log.info(
            "clustermarketing web: data in %s, %d worker(s)", settings.data_dir, settings.workers
        )
        try:
            yield
        finally:
            jobs.shutdown()
            store.close()

    app = FastAPI(
        title="clustermarketing",
        version=clustermarketing.__version__,
        description=(
            "Simulate, compare and evaluate cooperative marketing in industrial clusters. "
            "Errors are RFC 7807 problem details (application/problem+json) whose `detail` is "
            "the command line's message. See docs/web.md."
        ),
        lifespan=lifespan,
        docs_url=None,  # Swagger UI loads its assets from a CDN: not offline
        redoc_url=None,
    )
    app.state.settings = settings
    problems.install(app)
    app.include_router(routes_scenarios.router)
    app.include_router(routes_jobs.router)
    app.include_router(routes_tools.router)
    app.include_router(pages.router)

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def _plotly() -> FileResponse:
        return FileResponse(
            plotly_js(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    static = Path(str(resources.files("clustermarketing.web") / "static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    app.add_middleware(problems.BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def from_environment() -> FastAPI:
    """The app for uvicorn's factory mode: settings (JSON) from ``CLUSTERMARKETING_WEB_SETTINGS``,
    as ``clustermarketing serve`` writes them (defaults for anything missing)."""
    import json
    import os

    raw = os.environ.get(SETTINGS_ENV)
    return create_app(Settings(**json.loads(raw)) if raw else None)
