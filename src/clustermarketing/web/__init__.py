"""The web app of clustermarketing (``clustermarketing serve``; needs the ``[web]`` extra).

A FastAPI application with a JSON API under ``/api`` (OpenAPI schema at ``/openapi.json``) and
server-rendered pages — scenario editor, run/compare, recommend, games, survey, experiments —
whose assets are all served locally. Runs, comparisons and recommendations are background jobs
in a bounded pool of worker processes; their records live in ``DATA/jobs.duckdb`` and their
results as Parquet/JSON/HTML under ``DATA/jobs/<id>/``. See docs/web.md.

>>> from clustermarketing.web import Settings
>>> Settings(data_dir="/tmp/cm-doc", workers=1).max_run_size
5000000
"""

from clustermarketing.web.settings import Settings, default_data_dir

__all__ = ["Settings", "create_app", "default_data_dir"]


def create_app(settings: Settings | None = None):  # type: ignore[no-untyped-def]
    """The FastAPI app (imported lazily: FastAPI is only needed when serving)."""
    from clustermarketing.web.app import create_app as _create

    return _create(settings)
