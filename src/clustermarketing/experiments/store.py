"""The results store of a sweep: Parquet files written atomically, read through DuckDB views.

Layout of a results directory::

    DIR/manifest.json        experiment hash, declaration, design size, provenance of sessions
    DIR/experiment.yaml      the experiment file as given
    DIR/design.parquet       every design point (values and unit coordinates)
    DIR/runs/                one row per finished run (point, replicate)
    DIR/metrics/             one row per (point, model, arm, replicate) of a successful run
    DIR/periods/             per-period cluster series (when the experiment keeps them)
    DIR/results.duckdb       views ``runs``, ``metrics``, ``periods``, ``design`` over the files

Each finished run is written at once as ``<table>/p<point>-r<replicate>.parquet`` (temporary
file, then rename; no fsync, see :func:`write_table`), the ``runs`` part last: a run counts as done exactly when its ``runs``
part exists, so ``kill -9`` at any moment loses no finished run and leaves no half-written file
under a final name. Every ``compact_every`` runs, parts are merged into
``<table>/chunk-<k>.parquet`` (fsynced): metrics and periods chunks first, the runs chunk last as the commit
mark, then the merged parts are deleted. :func:`repair` (run when a sweep starts) removes a chunk
left without its runs chunk and parts already merged into a committed chunk, so a store after
any crash and resume holds each row once. The views also drop duplicate keys, so a store read
in the middle of a crash window is still exact.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from clustermarketing.experiments.spec import ExperimentError
from clustermarketing.io import atomic_path, atomic_write_text

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
DATABASE = "results.duckdb"
TABLES = ("runs", "metrics", "periods")
#: primary key of each table (the views keep one row per key)
KEYS = {
    "runs": ("point", "replicate"),
    "metrics": ("point", "replicate", "model", "arm"),
    "periods": ("point", "replicate", "model", "arm", "period"),
}
_PART = re.compile(r"^p(\d+)-r(\d+)\.parquet$")
_CHUNK = re.compile(r"^chunk-(\d+)\.parquet$")


def part_name(point: int, replicate: int) -> str:
    return f"p{point}-r{replicate}.parquet"


def write_table(path: Path, rows: pa.Table, durable: bool = True) -> None:
    """Write one Parquet file atomically: temporary name, (fsync,) rename.

    ``durable=False`` skips the fsync: the file still appears whole or not at all to any
    process, and survives the writer being killed (the kernel keeps the page cache); only a
    power loss or kernel crash can lose it or leave it truncated, which :func:`repair` detects.
    """
    if durable:
        with atomic_path(path) as tmp:
            pq.write_table(rows, tmp)
        return
    tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        pq.write_table(rows, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_run(directory: Path, record: dict[str, Any]) -> None:
    """Store one finished run: its metrics and periods parts, then its runs part (the commit)."""
    name = part_name(record["run"]["point"], record["run"]["replicate"])
    for table in ("metrics", "periods"):
        rows = record.get(table)
        if rows is not None and rows.num_rows:
            write_table(directory / table / name, rows, durable=False)
    run = pa.Table.from_pylist([record["run"]])
    i = run.schema.get_field_index("error")
    run = run.set_column(i, "error", run["error"].cast(pa.string()))  # null when ok
    write_table(directory / "runs" / name, run, durable=False)


def _parts(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _PART.match(p.name))


def _chunks(folder: Path) -> dict[int, Path]:
    if not folder.is_dir():
        return {}
    out = {}
    for p in folder.iterdir():
        m = _CHUNK.match(p.name)
        if m:
            out[int(m.group(1))] = p
    return out


def _key(path: Path) -> tuple[int, int]:
    m = _PART.match(path.name)
    assert m is not None
    return int(m.group(1)), int(m.group(2))


def repair(directory: Path) -> None:
    """Finish or undo a compaction that a crash interrupted (idempotent).

    A metrics/periods chunk without the runs chunk of the same number is removed (its parts are
    still there); parts whose run is in a committed runs chunk are removed (already merged).
    Stray temporary files of an interrupted write are deleted.
    """
    committed = _chunks(directory / "runs")
    for table in ("metrics", "periods"):
        for k, p in _chunks(directory / table).items():
            if k not in committed:
                p.unlink()
    merged: set[tuple[int, int]] = set()
    for p in committed.values():
        t = pq.read_table(p, columns=["point", "replicate"])
        merged.update(zip(t["point"].to_pylist(), t["replicate"].to_pylist(), strict=True))
    for table in TABLES:
        folder = directory / table
        for p in _parts(folder):
            if _key(p) in merged:
                p.unlink()
        if folder.is_dir():
            for p in folder.glob(".*.tmp"):
                p.unlink()
    # parts are written without fsync: after a power loss one may be truncated — then the
    # whole run is dropped and will be run again
    for p in _parts(directory / "runs"):
        siblings = [directory / t / p.name for t in TABLES]
        try:
            for q in siblings:
                if q.exists():
                    pq.read_metadata(q)
        except (OSError, pa.ArrowException):
            for q in siblings:
                q.unlink(missing_ok=True)


def finished_runs(directory: Path) -> dict[tuple[int, int], str]:
    """``(point, replicate) → status`` of every stored run (parts and chunks)."""
    done: dict[tuple[int, int], str] = {}
    folder = directory / "runs"
    for p in _chunks(folder).values():
        t = pq.read_table(p, columns=["point", "replicate", "status"])
        for key in zip(
            t["point"].to_pylist(), t["replicate"].to_pylist(), t["status"].to_pylist(), strict=True
        ):
            done[(key[0], key[1])] = key[2]
    for p in _parts(folder):
        t = pq.read_table(p, columns=["status"])
        done[_key(p)] = t["status"][0].as_py()
    return done


def compact(directory: Path) -> int:
    """Merge the parts of committed runs into chunk files; returns the number of runs merged."""
    runs = _parts(directory / "runs")
    if not runs:
        return 0
    keys = {_key(p) for p in runs}
    k = max(_chunks(directory / "runs"), default=-1) + 1
    name = f"chunk-{k:06d}.parquet"
    for table in ("metrics", "periods"):
        parts = [p for p in _parts(directory / table) if _key(p) in keys]
        if parts:
            merged = pa.concat_tables(
                [pq.read_table(p) for p in parts], promote_options="permissive"
            )
            write_table(directory / table / name, merged)
    merged_runs = pa.concat_tables([pq.read_table(p) for p in runs], promote_options="permissive")
    write_table(directory / "runs" / name, merged_runs)  # the commit mark
    for table in TABLES:
        for p in _parts(directory / table):
            if _key(p) in keys:
                p.unlink()
    return len(keys)


@contextlib.contextmanager
def lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on DIR for one sweep (a second sweep on DIR is refused)."""
    import fcntl

    path = directory / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExperimentError(
                f"{directory}: another sweep is writing to this directory; wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)


def read_manifest(directory: Path) -> dict[str, Any] | None:
    path = directory / MANIFEST
    if not path.is_file():
        return None
    return json.loads(path.read_text())


def write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    atomic_write_text(directory / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def check_results_dir(directory: Path) -> dict[str, Any]:
    """The manifest of a results directory, or an error saying why DIR is not one."""
    if not directory.exists():
        raise ExperimentError(f"{directory}: no such directory; expected a sweep's --out DIR")
    if not directory.is_dir():
        raise ExperimentError(f"{directory}: is a file; expected a sweep's --out DIR")
    manifest = read_manifest(directory)
    if manifest is None:
        raise ExperimentError(f"{directory}: no {MANIFEST}; not a sweep results directory")
    return manifest


def _glob(directory: Path, table: str) -> str | None:
    folder = directory / table
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return None
    return str((folder / "*.parquet").resolve()).replace("'", "''")


def view_sql(directory: Path) -> list[str]:
    """``CREATE OR REPLACE VIEW`` statements for the tables present in DIR (absolute paths)."""
    stmts = []
    design = (directory / DESIGN).resolve()
    if design.is_file():
        stmts.append(
            "CREATE OR REPLACE VIEW design AS SELECT * FROM read_parquet('"
            + str(design).replace("'", "''")
            + "')"
        )
    runs = _glob(directory, "runs")
    if runs is None:
        return stmts
    stmts.append(
        f"CREATE OR REPLACE VIEW runs AS SELECT * FROM read_parquet('{runs}', union_by_name=true) "
        "QUALIFY row_number() OVER (PARTITION BY point, replicate "
        "ORDER BY (status = 'ok') DESC) = 1"
    )
    for table in ("metrics", "periods"):
        g = _glob(directory, table)
        if g is None:
            continue
        keys = ", ".join(KEYS[table])
        # only rows of committed runs, each key once (see the module docstring)
        stmts.append(
            f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM ("
            f"SELECT * FROM read_parquet('{g}', union_by_name=true) "
            f"QUALIFY row_number() OVER (PARTITION BY {keys}) = 1) t "
            "SEMI JOIN (SELECT point, replicate FROM runs WHERE status = 'ok') r "
            "USING (point, replicate)"
        )
    return stmts


def connect(directory: Path, database: str = ":memory:") -> Any:
    """A DuckDB connection with the views of DIR (in memory: nothing in DIR is touched)."""
    import duckdb

    con = duckdb.connect(database)
    for stmt in view_sql(directory):
        con.execute(stmt)
    return con


def write_database(directory: Path) -> Path:
    """(Re)write ``results.duckdb`` holding the views, for use with any DuckDB client."""
    path = directory / DATABASE
    with atomic_path(path) as tmp:
        con = connect(directory, str(tmp))
        con.close()
    return path


__all__ = [
    "DATABASE",
    "KEYS",
    "MANIFEST",
    "TABLES",
    "check_results_dir",
    "compact",
    "connect",
    "finished_runs",
    "lock",
    "read_manifest",
    "repair",
    "view_sql",
    "write_database",
    "write_manifest",
    "write_run",
]
