"""Job records in an embedded DuckDB database (``DATA/jobs.duckdb``); results as files.

One row per job: ``id``, ``kind`` (run, compare, recommend, game), ``status`` (queued, running,
done, failed, interrupted), the ``request`` as submitted (JSON), ``progress_done`` /
``progress_total`` (arm-periods, saved when the job ends), the ``summary`` (JSON, as the command
line prints it with ``--format json``), the ``error`` (a problem object) and the ISO-8601 UTC
timestamps ``created``, ``started``, ``finished``. The tables of a finished job (Parquet), its
``summary.json`` and its report live in ``DATA/jobs/<id>/``; the record is marked done only
after they are written, so a done job always has its files.

Every statement commits on its own (DuckDB's write-ahead log makes it durable), so a server
killed at any moment loses no finished job. When the store is opened, jobs still queued or
running were cut off by the end of the previous server: they are marked ``interrupted``.
The database file is locked by the server holding it: a second server on the same data
directory is refused with a clear message.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.io import jsonable

__all__ = ["STATUSES", "JobStore", "now"]

STATUSES = ("queued", "running", "done", "failed", "interrupted")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    request VARCHAR NOT NULL,
    created VARCHAR NOT NULL,
    started VARCHAR,
    finished VARCHAR,
    progress_done BIGINT NOT NULL DEFAULT 0,
    progress_total BIGINT NOT NULL DEFAULT 0,
    summary VARCHAR,
    error VARCHAR,
    files VARCHAR NOT NULL DEFAULT '[]'
)
"""
_COLUMNS = (
    "id",
    "seq",
    "kind",
    "status",
    "request",
    "created",
    "started",
    "finished",
    "progress_done",
    "progress_total",
    "summary",
    "error",
    "files",
)
INTERRUPTED = {
    "status": 503,
    "title": "Interrupted",
    "detail": "the server stopped before the job finished; submit it again",
}


def now() -> str:
    """The current UTC time, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dumps(obj: Any) -> str:
    return json.dumps(jsonable(obj), allow_nan=False, sort_keys=True)


class JobStore:
    """The job table; thread-safe (one connection, one lock: every statement is short)."""

    def __init__(self, path: Path) -> None:
        import duckdb

        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(path))
        except duckdb.IOException as e:
            if "lock" in str(e).lower():
                raise ClusterMarketingError(
                    f"--data {path.parent}: another clustermarketing server is using this data "
                    "directory; stop it or give another --data"
                ) from None
            raise ClusterMarketingError(
                f"--data {path.parent}: cannot open {path.name}: {e}"
            ) from None
        self._lock = threading.Lock()
        self._closed = False
        with self._lock:
            self._con.execute(_SCHEMA)
            row = self._con.execute("SELECT coalesce(max(seq), 0) FROM jobs").fetchone()
        self._seq = int(row[0]) if row else 0

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._con.close()

    def _write(self, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
        """One write statement; after :meth:`close` (server shutdown) writes are dropped."""
        with self._lock:
            if self._closed:
                return []
            return self._con.execute(sql, args).fetchall()

    # ---------------------------------------------------------------- writes
    def interrupt_unfinished(self) -> int:
        """Mark the jobs a previous server left queued or running as interrupted."""
        rows = self._write(
            "UPDATE jobs SET status = 'interrupted', finished = ?, error = ? "
            "WHERE status IN ('queued', 'running') RETURNING id",
            [now(), _dumps(INTERRUPTED)],
        )
        return len(rows)

    def create(self, job_id: str, kind: str, request: dict[str, Any], total: int) -> None:
        with self._lock:
            self._seq += 1
            seq = self._seq
        self._write(
            "INSERT INTO jobs (id, seq, kind, status, request, created, progress_total) "
            "VALUES (?, ?, ?, 'queued', ?, ?, ?)",
            [job_id, seq, kind, _dumps(request), now(), int(total)],
        )

    def started(self, job_id: str, when: str) -> None:
        self._write(
            "UPDATE jobs SET status = 'running', started = ? WHERE id = ? AND status = 'queued'",
            [when, job_id],
        )

    def finish(
        self, job_id: str, summary: dict[str, Any], files: list[str], done: int, total: int
    ) -> None:
        self._write(
            "UPDATE jobs SET status = 'done', finished = ?, summary = ?, files = ?, "
            "progress_done = ?, progress_total = ?, started = coalesce(started, ?) "
            "WHERE id = ? AND status IN ('queued', 'running')",
            [now(), _dumps(summary), _dumps(files), done, total, now(), job_id],
        )

    def fail(
        self, job_id: str, error: dict[str, Any], status: str = "failed", done: int = 0
    ) -> None:
        self._write(
            "UPDATE jobs SET status = ?, finished = ?, error = ?, progress_done = ? "
            "WHERE id = ? AND status IN ('queued', 'running')",
            [status, now(), _dumps(error), done, job_id],
        )

    # ---------------------------------------------------------------- reads
    @staticmethod
    def _record(row: tuple[Any, ...]) -> dict[str, Any]:
        rec = dict(zip(_COLUMNS, row, strict=True))
        for key in ("request", "summary", "error", "files"):
            rec[key] = json.loads(rec[key]) if rec[key] is not None else None
        return rec

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._con.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM jobs WHERE id = ?", [job_id]
            ).fetchone()
        return self._record(row) if row else None

    def list(
        self, kind: str | None = None, status: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """Jobs newest first (without summaries) and the number matching."""
        where, args = [], []
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        cond = f"WHERE {' AND '.join(where)}" if where else ""
        cols = [c if c != "summary" else "NULL AS summary" for c in _COLUMNS]
        with self._lock:
            rows = self._con.execute(
                f"SELECT {', '.join(cols)} FROM jobs {cond} ORDER BY seq DESC LIMIT ? OFFSET ?",
                [*args, int(limit), int(offset)],
            ).fetchall()
            total = self._con.execute(f"SELECT count(*) FROM jobs {cond}", args).fetchone()
        return [self._record(r) for r in rows], int(total[0]) if total else 0

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._con.execute("SELECT status, count(*) FROM jobs GROUP BY status").fetchall()
        out = dict.fromkeys(STATUSES, 0)
        out.update({str(s): int(n) for s, n in rows})
        return out
