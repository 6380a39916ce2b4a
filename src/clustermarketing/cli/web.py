"""``clustermarketing serve``: start the web app (FastAPI + uvicorn; the ``[web]`` extra).

Binds to 127.0.0.1 by default. ``--host 0.0.0.0`` serves every network interface: the app has
no authentication of its own, so put it behind a reverse proxy that authenticates users
(docs/web.md); a warning says so.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register", "serve"]

LOOPBACK_NAMES = ("localhost",)


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
        import uvicorn

        from clustermarketing.web import Settings, create_app
    except ImportError as e:
        fail(f"serve: the web app needs the [web] extra ({e}); pip install 'clustermarketing[web]'")
    if log_level not in ("critical", "error", "warning", "info", "debug"):
        fail(f"--log-level: {log_level!r}; expected critical, error, warning, info or debug")
    kw = {"workers": workers} if workers is not None else {}
    try:
        settings = Settings(
            data_dir=data if data is not None else Settings().data_dir,
            max_run_size=max_run_size,
            max_upload_bytes=int(max_upload_mb * 2**20),
            max_upload_rows=max_upload_rows,
            max_queue=max_queue,
            **kw,
        )
    except ValueError as e:
        fail(str(e))
    d = settings.data_dir
    if d.exists() and not d.is_dir():
        fail(f"--data {d}: is a file; expected a directory")
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(f"--data {d}: cannot create it ({e.strerror or e})")
    _check_port(host, port)
    from clustermarketing.errors import ClusterMarketingError
    from clustermarketing.web.store import JobStore

    try:  # a second server on the same data directory is refused here, before starting
        JobStore(settings.database).close()
    except ClusterMarketingError as e:
        fail(str(e))
    if not _is_loopback(host):
        warn(
            f"serving on {host}: the app has no authentication of its own; anyone who can reach "
            "this address can run simulations. Put it behind a reverse proxy that authenticates "
            "users (docs/web.md)."
        )
    shown = f"[{host}]" if ":" in host else host
    print(
        f"clustermarketing web app on http://{shown}:{port}/ (data in {d}, "
        f"{settings.workers} worker(s)); Ctrl-C stops it",
        file=sys.stderr,
        flush=True,
    )
    app = create_app(settings)
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=True)
    except OSError as e:  # the port is taken, no permission to bind
        fail(f"--port {port}: cannot listen on {host}:{port} ({e.strerror or e})")


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the command line."""
    app.command("serve")(serve)
