"""Sweeps in the data directory: their progress and read-only queries of their results.

A sweep is any folder ``DATA/experiments/<name>/`` holding a sweep's ``manifest.json`` — made
with ``clustermarketing sweep EXP.yaml --out DATA/experiments/<name>`` (the web app lists and
queries sweeps; it does not start them). Progress is the number of runs stored
(:func:`clustermarketing.experiments.store.finished_runs`) against the manifest's total, so a
sweep still running shows how far it is.

A query runs in a fresh in-memory DuckDB with the store's views (``runs``, ``metrics``,
``periods``, ``design``, :func:`clustermarketing.experiments.store.view_sql`) and then locked
down: file access only inside the sweep's folder, the configuration locked, and only one
``SELECT`` (or ``DESCRIBE``/``SUMMARIZE``/``EXPLAIN``) statement accepted — no ``COPY``,
``ATTACH``, ``INSTALL`` or ``SET``. It is interrupted after ``query_timeout`` seconds and returns
at most ``max_query_rows`` rows.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from clustermarketing.io import jsonable
from clustermarketing.web.problems import ProblemError

__all__ = ["NAME", "list_sweeps", "query", "summary", "sweep_dir"]

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def sweep_dir(root: Path, name: str) -> Path:
    """The folder of sweep ``name`` (a plain name: no path parts); 404 if it is not a sweep."""
    if not NAME.match(name) or ".." in name:
        raise ProblemError(404, f"experiment {name!r}: no such sweep in the data directory")
    path = root / name
    if not (path / "manifest.json").is_file():
        raise ProblemError(404, f"experiment {name!r}: no such sweep in the data directory")
    return path


def summary(path: Path) -> dict[str, Any]:
    """Name, progress (runs stored / total) and what the sweep varies and measures."""
    from clustermarketing.experiments import store

    out: dict[str, Any] = {
        "name": path.name,
        "runs_done": 0,
        "runs_failed": 0,
        "total_runs": 0,
        "progress": 0.0,
        "design_points": None,
        "replicates": None,
        "models": [],
        "outcomes": [],
        "experiment_hash": None,
        "error": None,
    }
    try:
        manifest = store.read_manifest(path) or {}
        runs = store.finished_runs(path)
    except Exception as e:  # a damaged store is shown, not fatal to the page
        out["error"] = f"cannot read this sweep: {type(e).__name__}: {e}"
        return out
    total = int(manifest.get("total_runs") or 0)
    ok = sum(1 for s in runs.values() if s == "ok")
    bad = sum(1 for s in runs.values() if s != "ok")
    out.update(
        runs_done=ok,
        runs_failed=bad,
        total_runs=total,
        progress=min(1.0, (ok + bad) / total) if total else 0.0,
        design_points=manifest.get("design_points"),
        replicates=manifest.get("replicates"),
        models=list(manifest.get("models") or []),
        outcomes=list(manifest.get("outcomes") or []),
        experiment_hash=manifest.get("experiment_hash"),
    )
    return out


def list_sweeps(root: Path) -> list[dict[str, Any]]:
    """Every sweep under ``root``, by name."""
    if not root.is_dir():
        return []
    return [
        summary(p)
        for p in sorted(root.iterdir())
        if p.is_dir() and NAME.match(p.name) and (p / "manifest.json").is_file()
    ]


_ALLOWED = ("SELECT", "EXPLAIN")


def query(path: Path, sql: str, timeout: float, max_rows: int) -> dict[str, Any]:
    """Run one read-only query over the sweep's views (see the module docstring)."""
    import duckdb

    from clustermarketing.experiments import store

    con = duckdb.connect(":memory:")
    try:
        for stmt in store.view_sql(path):
            con.execute(stmt)
        folder = str(path.resolve()) + "/"
        con.execute("SET allowed_directories = ['" + folder.replace("'", "''") + "']")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error as e:
            raise ProblemError(422, f"sql: {str(e).splitlines()[0]}") from None
        if len(statements) != 1:
            raise ProblemError(
                422, f"sql: {len(statements)} statements; expected exactly one SELECT query"
            )
        kind = str(statements[0].type).rsplit(".", 1)[-1]
        if kind not in _ALLOWED:
            raise ProblemError(
                422, f"sql: a {kind} statement; only SELECT queries (read-only) are accepted"
            )
        timer = threading.Timer(timeout, con.interrupt)
        timer.start()
        try:
            rel = con.execute(sql)
            columns = [d[0] for d in rel.description or []]
            rows = rel.fetchmany(max_rows + 1)
        except duckdb.InterruptException:
            raise ProblemError(
                422, f"sql: the query took longer than {timeout:g} s and was stopped"
            ) from None
        except duckdb.Error as e:
            have = {
                r[0]
                for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
            }
            missing = sorted({"runs", "metrics", "periods", "design"} - have)
            hint = f" (no {', '.join(missing)} in this store yet)" if missing else ""
            raise ProblemError(422, f"sql: {str(e).splitlines()[0]}{hint}") from None
        finally:
            timer.cancel()
    finally:
        con.close()
    truncated = len(rows) > max_rows
    rows = rows[:max_rows]
    return {
        "columns": columns,
        "rows": jsonable([list(r) for r in rows]),
        "truncated": truncated,
        "row_count": len(rows),
    }
