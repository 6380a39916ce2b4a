"""Output files: checked before any work, written atomically, carrying their provenance.

Every file is written to a temporary file in the same directory, flushed to disk and then moved
over its final name with :func:`os.replace` (atomic on POSIX and Windows within one file system).
:func:`write_outputs` writes ``summary.json`` last, so its presence marks a complete run.

:func:`check_output_dir` and :func:`check_output_file` are called by the commands *before* they
simulate or solve anything, so that an unusable target (a file where a directory is needed, a
non-empty directory, no permission) costs the user nothing. :func:`provenance` is the record every
output carries: tool version, command, options, ``--set`` overrides, seed, the fully resolved
scenario and checksums of the input files; ``write_outputs`` also stores it in the metadata of
each Parquet file (key ``clustermarketing``), so a table can be told apart from another run's.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import math
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from clustermarketing.errors import ClusterMarketingError

SUMMARY_NAME = "summary.json"
CLUSTER_NAME = "cluster.parquet"
FIRMS_NAME = "firms.parquet"
BREAKDOWN_NAME = "breakdown.parquet"
#: The files ``run --out DIR`` writes; ``--force`` replaces these and nothing else in DIR.
RUN_FILES: tuple[str, ...] = (CLUSTER_NAME, BREAKDOWN_NAME, FIRMS_NAME, SUMMARY_NAME)
#: Key of the provenance JSON in the metadata of every Parquet file written here.
PARQUET_PROVENANCE_KEY = b"clustermarketing"
#: Columns stored as integers when all their values are whole numbers.
INTEGER_COLUMNS: tuple[str, ...] = ("replicate", "period", "firm", "entries", "exits", "firms")


class OutputError(ClusterMarketingError):
    """An output target cannot be used; the message names it and says what to do."""


def _existing_ancestor(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _check_parent(path: Path) -> None:
    """The directory that will hold ``path`` exists or can be created, and is writable."""
    anc = _existing_ancestor(path.parent)
    if not anc.is_dir():
        raise OutputError(f"{path}: {anc} is a file, so no directory can be created there")
    if not os.access(anc, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: permission denied in {anc}; expected a writable directory")


def check_output_dir(
    path: str | Path, force: bool = False, owned: Iterable[str] = RUN_FILES
) -> Path:
    """Check before any work that ``path`` can take a run's files; returns it.

    A new directory (its parent writable) or an empty one is fine. A non-empty directory is
    refused unless ``force``: then the files named in ``owned`` are replaced and every other
    file is left alone. A file at ``path`` is refused.
    """
    p = Path(path)
    owned = tuple(owned)
    if p.exists() and not p.is_dir():
        raise OutputError(f"{p} is a file; expected a directory (new or empty)")
    if p.is_dir():
        try:
            entries = sorted(x.name for x in p.iterdir())
        except OSError as e:
            raise OutputError(f"{p}: cannot list it ({e.strerror or e})") from None
        if entries and not force:
            shown = ", ".join(entries[:5]) + (
                f" and {len(entries) - 5} more" if len(entries) > 5 else ""
            )
            raise OutputError(
                f"{p} is not empty ({shown}); give a new or empty directory, or use --force to "
                f"replace the run's files in it ({', '.join(owned)}) and keep everything else"
            )
        if not os.access(p, os.W_OK | os.X_OK):
            raise OutputError(f"{p}: permission denied; expected a writable directory")
    else:
        _check_parent(p / "x")
    return p


def check_output_file(path: str | Path, force: bool = False) -> Path:
    """Check before any work that a file can be written at ``path``; returns it.

    An existing file is refused unless ``force``; a directory is always refused.
    """
    p = Path(path)
    if p.is_dir():
        raise OutputError(f"{p} is a directory; expected a file name")
    if p.exists() and not force:
        raise OutputError(f"{p} already exists; use --force to overwrite it")
    _check_parent(p)
    if p.exists() and not os.access(p, os.W_OK):
        raise OutputError(f"{p}: permission denied; expected a writable file")
    return p


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


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def provenance(
    command: str,
    options: Mapping[str, Any],
    *,
    source: str | None = None,
    scenario: Mapping[str, Any] | None = None,
    overrides: Iterable[str] = (),
    seed: int | None = None,
    inputs: Mapping[str, str | Path | None] | None = None,
) -> dict[str, Any]:
    """Where an output came from, enough to reproduce it.

    ``command`` and ``options`` (every option with its effective value), the scenario ``source``
    as given (a path or an example name), the ``--set`` ``overrides`` in order, the ``seed``, the
    fully resolved ``scenario`` (every field, defaults filled in), and for each input file
    (scenario file, firms CSV, edge list) its path and SHA-256. Versions of the tool, Python and
    the numerical libraries complete it. Nothing depends on the time, so the same command gives
    byte-identical output.
    """
    import platform

    import numpy
    import pydantic
    import scipy

    from clustermarketing import __version__

    files = {
        name: {"path": str(Path(p).absolute()), "sha256": file_digest(p)}
        for name, p in (inputs or {}).items()
        if p is not None and Path(p).is_file()
    }
    return {
        "tool": "clustermarketing",
        "version": __version__,
        "command": command,
        "options": dict(options),
        "source": source,
        "overrides": list(overrides),
        "seed": seed,
        "scenario": dict(scenario) if scenario is not None else None,
        "inputs": files,
        "environment": {
            "python": platform.python_version(),
            "numpy": numpy.__version__,
            "scipy": scipy.__version__,
            "pandas": pd.__version__,
            "pydantic": pydantic.VERSION,
        },
    }


def _integer_columns(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with whole-number float columns of :data:`INTEGER_COLUMNS` stored as int64."""
    out = df
    for col in INTEGER_COLUMNS:
        if col in df.columns and pd.api.types.is_float_dtype(df[col]):
            vals = df[col].to_numpy()
            if len(vals) and math.isfinite(vals.sum()) and (vals == vals.round()).all():
                if out is df:
                    out = df.copy()
                out[col] = vals.astype("int64")
    return out


def _write_parquet(df: pd.DataFrame, tmp: Path, meta: bytes | None = None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(_integer_columns(df), preserve_index=False)
    if meta is not None:
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), PARQUET_PROVENANCE_KEY: meta}
        )
    pq.write_table(table, tmp)


def read_provenance(path: str | Path) -> dict[str, Any] | None:
    """The provenance stored in a Parquet file written here (None if it has none)."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(PARQUET_PROVENANCE_KEY)
    return json.loads(raw) if raw else None


def write_outputs(result: Any, out_dir: str | Path) -> list[Path]:
    """Write a simulation result to ``out_dir``: Parquet tables, then ``summary.json``.

    ``result`` has ``cluster`` (DataFrame), ``firms`` (DataFrame or None) and ``summary`` (dict).
    Files: ``cluster.parquet``, ``breakdown.parquet`` (key metrics by market, segment and size
    class per replicate and arm), ``firms.parquet`` (when a firm panel was kept) and
    ``summary.json``, each written atomically (see :func:`write_tables`). A ``firms.parquet`` of
    an earlier run is removed when this run keeps no panel. Returns the written paths in order.
    """
    tables: dict[str, pd.DataFrame] = {CLUSTER_NAME: result.cluster}
    breakdown = getattr(result, "breakdown", None)
    if breakdown is not None and not breakdown.empty:
        tables[BREAKDOWN_NAME] = breakdown
    firms = getattr(result, "firms", None)
    if firms is not None:
        tables[FIRMS_NAME] = firms
    return write_tables(out_dir, tables, result.summary, owned=RUN_FILES)


def write_tables(
    out_dir: str | Path,
    tables: dict[str, pd.DataFrame],
    summary: dict[str, Any],
    owned: tuple[str, ...] = (),
) -> list[Path]:
    """Write named Parquet tables, then ``summary.json``, to ``out_dir`` (each atomically).

    A stale ``summary.json`` is removed first and the new one written last, so its presence
    marks a complete set of tables. Files named in ``owned`` that this call does not write
    (a firm panel of an earlier run) are removed; other files in the directory are left alone.
    When the summary has a ``provenance`` key it is also stored in each Parquet file's metadata
    (:func:`read_provenance`); whole-number ``period``/``replicate``/count columns are stored as
    integers.
    """
    out = Path(out_dir)
    _ensure_dir(out)
    summary_path = out / SUMMARY_NAME
    summary_path.unlink(missing_ok=True)
    for name in owned:
        if name != SUMMARY_NAME and name not in tables:
            (out / name).unlink(missing_ok=True)
    prov = summary.get("provenance") if isinstance(summary, dict) else None
    meta = summary_json(prov).encode() if prov is not None else None
    written = [
        atomic_write_with(out / name, lambda tmp, df=df: _write_parquet(df, tmp, meta))
        for name, df in tables.items()
    ]
    written.append(atomic_write_text(summary_path, summary_json(summary, indent=2) + "\n"))
    return written


__all__ = [
    "RUN_FILES",
    "OutputError",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_with",
    "check_output_dir",
    "check_output_file",
    "file_digest",
    "jsonable",
    "provenance",
    "read_provenance",
    "summary_json",
    "write_outputs",
    "write_tables",
]
