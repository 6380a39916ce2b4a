"""Atomic output files: a reader never sees a half-written file under its final name.

Every file is written to a temporary file in the same directory, flushed to disk and then moved
over its final name with :func:`os.replace` (atomic on POSIX and Windows within one file system).
:func:`write_outputs` writes ``summary.json`` last, so its presence marks a complete run.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

SUMMARY_NAME = "summary.json"
CLUSTER_NAME = "cluster.parquet"
FIRMS_NAME = "firms.parquet"


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success move it over ``path``.

    If the body raises (or the process dies), the temporary file is removed (or left under a
    hidden ``.<name>.*.tmp`` name) and ``path`` is untouched.
    """
    path = Path(path)
    _ensure_dir(path.parent)
    # Not mkstemp: its 0600 mode would survive the rename; a random name created by the writer
    # gets the usual umask-based permissions.
    tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _ensure_dir(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(directory))
    directory.mkdir(parents=True, exist_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the final path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; returns the final path."""
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_write_with(path: str | Path, writer: Callable[[Path], Any]) -> Path:
    """Call ``writer(tmp_path)`` and move the result over ``path`` atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        writer(tmp)
    return path


def jsonable(obj: Any) -> Any:
    """``obj`` with numpy scalars/arrays made plain and non-finite floats replaced by ``None``.

    Strict JSON has no NaN or Infinity; an undefined statistic is written as ``null``.
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "tolist") and not isinstance(obj, str | bytes):
        return jsonable(obj.tolist())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, str | int | bool) or obj is None:
        return obj
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    return str(obj)


def summary_json(summary: dict[str, Any], indent: int | None = None) -> str:
    """Canonical JSON of a run summary: sorted keys, strict JSON (no NaN)."""
    return json.dumps(jsonable(summary), sort_keys=True, indent=indent, allow_nan=False)


def _write_parquet(df: pd.DataFrame, tmp: Path) -> None:
    df.to_parquet(tmp, index=False)


def write_outputs(result: Any, out_dir: str | Path) -> list[Path]:
    """Write a simulation result to ``out_dir``: Parquet tables, then ``summary.json``.

    ``result`` has ``cluster`` (DataFrame), ``firms`` (DataFrame or None) and ``summary`` (dict).
    Files: ``cluster.parquet``, ``firms.parquet`` (when a firm panel was kept) and
    ``summary.json``, each written atomically. A stale ``summary.json`` from an earlier run is
    removed first and the new one is written last, so ``summary.json`` exists only when every
    table of this run is complete. Returns the written paths in order.
    """
    out = Path(out_dir)
    _ensure_dir(out)
    summary_path = out / SUMMARY_NAME
    summary_path.unlink(missing_ok=True)
    written: list[Path] = []
    tables: list[tuple[str, pd.DataFrame]] = [(CLUSTER_NAME, result.cluster)]
    firms = getattr(result, "firms", None)
    if firms is not None:
        tables.append((FIRMS_NAME, firms))
    for name, df in tables:
        written.append(atomic_write_with(out / name, lambda tmp, df=df: _write_parquet(df, tmp)))
    written.append(atomic_write_text(summary_path, summary_json(result.summary, indent=2) + "\n"))
    return written


def write_tables(
    out_dir: str | Path, tables: dict[str, pd.DataFrame], summary: dict[str, Any]
) -> list[Path]:
    """Write named Parquet tables, then ``summary.json``, to ``out_dir`` (each atomically).

    As :func:`write_outputs`: a stale ``summary.json`` is removed first and the new one written
    last, so its presence marks a complete set of tables.
    """
    out = Path(out_dir)
    _ensure_dir(out)
    summary_path = out / SUMMARY_NAME
    summary_path.unlink(missing_ok=True)
    written = [
        atomic_write_with(out / name, lambda tmp, df=df: _write_parquet(df, tmp))
        for name, df in tables.items()
    ]
    written.append(atomic_write_text(summary_path, summary_json(summary, indent=2) + "\n"))
    return written


__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_with",
    "jsonable",
    "summary_json",
    "write_outputs",
    "write_tables",
]
