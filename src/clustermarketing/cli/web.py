"""``clustermarketing serve``: start the web app (FastAPI + uvicorn; the ``[web]`` extra).

Binds to 127.0.0.1 by default. ``--host 0.0.0.0`` serves every network interface: the app has
no authentication of its own, so put it behind a reverse proxy that authenticates users
(docs/web.md); a warning says so.
"""

from __future__ import annotations

import ipaddress
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register", "serve"]

LOOPBACK_NAMES = ("localhost",)
#: the app, loaded by uvicorn by name (``cli`` and ``web`` are independent layers: the command
#: does not import the web package) with its settings in this environment variable (JSON)
APP_FACTORY = "clustermarketing.web.app:from_environment"
SETTINGS_ENV = "CLUSTERMARKETING_WEB_SETTINGS"
#: the job store in the data directory (clustermarketing.web.settings.Settings.database)
DATABASE = "jobs.duckdb"


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_port(host: str, port: int) -> None:
    """Fail (exit 2, naming --port/--host) before starting when the address cannot be bound."""
    import socket

    from clustermarketing.cli.main import fail

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        fail(f"--host {host}: not an address of this machine ({e.strerror})")
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            fail(
                f"--port {port}: cannot listen on {host}:{port} ({e.strerror or e}); is another server using it?"
            )


def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind (0.0.0.0: every interface; see docs/web.md).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8000,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Data directory: job records, results, uploads, experiments "
            "(default: the user's data directory, e.g. ~/.local/share/clustermarketing).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, help="Jobs run at once (default: 1–2 by CPU count)."
        ),
    ] = None,
    max_run_size: Annotated[
        int,
        typer.Option(
            min=1, help="Largest run: firms × periods × replicates × arms (firm-periods)."
        ),
    ] = 5_000_000,
    max_upload_mb: Annotated[
        float, typer.Option(min=0.001, help="Largest request body (upload), MB.")
    ] = 10.0,
    max_upload_rows: Annotated[
        int, typer.Option(min=1, help="Most data rows of an uploaded CSV/Excel file.")
    ] = 100_000,
    max_queue: Annotated[int, typer.Option(min=1, help="Most jobs waiting in the queue.")] = 100,
    log_level: Annotated[
        str, typer.Option(help="uvicorn log level: critical, error, warning, info, debug.")
    ] = "info",
) -> None:
    """Start the web app: scenario editor, runs and comparisons, recommendation, games, survey,
    experiments; JSON API under /api (schema at /openapi.json)."""
    from clustermarketing.cli.main import fail, warn

    try:
        import duckdb
        import fastapi  # noqa: F401
        import platformdirs
        import uvicorn
    except ImportError as e:
        fail(f"serve: the web app needs the [web] extra ({e}); pip install 'clustermarketing[web]'")
    if log_level not in ("critical", "error", "warning", "info", "debug"):
        fail(f"--log-level: {log_level!r}; expected critical, error, warning, info or debug")
    # the same default as clustermarketing.web.settings.default_data_dir (the layers keep the
    # command from importing the web package: uvicorn loads it by name below)
    d = data or Path(platformdirs.user_data_dir("clustermarketing", appauthor=False))
    d = d.expanduser().absolute()
    n_workers = workers if workers is not None else max(1, min(2, os.cpu_count() or 1))
    if d.exists() and not d.is_dir():
        fail(f"--data {d}: is a file; expected a directory")
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(f"--data {d}: cannot create it ({e.strerror or e})")
    _check_port(host, port)
    try:  # a second server on the same data directory is refused here, before starting
        duckdb.connect(str(d / DATABASE)).close()
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            fail(
                f"--data {d}: another clustermarketing server is using this data directory; "
                "stop it or give another --data"
            )
        fail(f"--data {d}: cannot open {DATABASE}: {e}")
    if not _is_loopback(host):
        warn(
            f"serving on {host}: the app has no authentication of its own; anyone who can reach "
            "this address can run simulations. Put it behind a reverse proxy that authenticates "
            "users (docs/web.md)."
        )
    shown = f"[{host}]" if ":" in host else host
    print(
        f"clustermarketing web app on http://{shown}:{port}/ (data in {d}, "
        f"{n_workers} worker(s)); Ctrl-C stops it",
        file=sys.stderr,
        flush=True,
    )
    settings = {
        "data_dir": str(d),
        "workers": n_workers,
        "max_run_size": max_run_size,
        "max_upload_bytes": int(max_upload_mb * 2**20),
        "max_upload_rows": max_upload_rows,
        "max_queue": max_queue,
    }
    os.environ[SETTINGS_ENV] = json.dumps(settings)
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=True,
    )


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the command line."""
    app.command("serve")(serve)
