"""Uploaded files: bounded in size and rows, stored under names the server chooses.

An uploaded file never becomes a path the user named. A firms CSV or an edge list is stored
content-addressed as ``DATA/uploads/<sha256>.csv`` and referred to in a scenario as
``upload:<sha256>`` (the reference :func:`store_upload` returns); the scenario resolver
(:mod:`clustermarketing.web.scenarios`) accepts only such references in the scenario's path
fields. Files that a reader needs as a path for one request (survey responses, game files) are
written to a fresh private temporary directory under a fixed name with an extension from a
short allow-list (:func:`temporary_copy`), and removed afterwards. Messages of the readers
name the file by the name the user uploaded it under (:func:`display`), never by the server's
path.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from clustermarketing.io import atomic_write_bytes
from clustermarketing.web.problems import ProblemError

__all__ = [
    "REFERENCE",
    "Upload",
    "count_rows",
    "display",
    "reference_path",
    "store_upload",
    "temporary_copy",
]

#: how a scenario refers to an uploaded file
REFERENCE = re.compile(r"^upload:([0-9a-f]{64})$")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass(frozen=True)
class Upload:
    """A stored upload: its reference for a scenario, rows and bytes."""

    id: str
    reference: str
    rows: int
    bytes: int
    name: str


def display(filename: str | None, default: str = "upload") -> str:
    """A harmless display name for an uploaded file (directory parts and odd characters gone).

    >>> display("../../etc/passwd"), display(None), display("C:\\\\x\\\\firms.csv")
    ('passwd', 'upload', 'firms.csv')
    """
    if not filename:
        return default
    name = re.split(r"[\\\\/]", str(filename))[-1]
    name = _SAFE_NAME.sub("_", name).strip(". ")[:100]
    return name or default


def text_of(data: bytes, name: str) -> str:
    """UTF-8 text of an upload (a BOM is dropped); a binary or non-UTF-8 file is a 422."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ProblemError(
            422, f"{name}: byte {e.start} is not UTF-8; save the file as UTF-8 text (CSV)"
        ) from None
    if "\x00" in text:
        raise ProblemError(422, f"{name}: contains NUL bytes; expected a text (CSV) file")
    return text


def count_rows(text: str) -> int:
    """Data rows of a CSV text: non-blank lines that are not comments, minus the header.

    >>> count_rows("# note\\na,b\\n1,2\\n\\n3,4\\n")
    2
    """
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return max(0, len(lines) - 1)


def check_rows(rows: int, limit: int, name: str) -> None:
    """Refuse (413) an upload with more data rows than the server accepts."""
    if rows > limit:
        raise ProblemError(
            413,
            f"{name}: {rows:,} rows is more than this server accepts ({limit:,}); send fewer rows "
            "or start the server with a larger --max-upload-rows",
            errors=[{"field": "file", "message": f"{rows:,} rows; at most {limit:,}"}],
        )


def store_upload(directory: Path, data: bytes, filename: str | None, max_rows: int) -> Upload:
    """Check a CSV upload (UTF-8 text, at most ``max_rows`` rows) and store it by content hash."""
    name = display(filename, "upload.csv")
    if not data.strip():
        raise ProblemError(422, f"{name}: the file is empty; expected a CSV with a header row")
    text = text_of(data, name)
    rows = count_rows(text)
    check_rows(rows, max_rows, name)
    digest = hashlib.sha256(data).hexdigest()
    path = directory / f"{digest}.csv"
    if not path.is_file():
        atomic_write_bytes(path, data)
    return Upload(digest, f"upload:{digest}", rows, len(data), name)


def reference_path(directory: Path, value: str) -> Path | None:
    """The stored file of an ``upload:<sha256>`` reference (None if ``value`` is not one)."""
    m = REFERENCE.match(value.strip())
    if not m:
        return None
    return directory / f"{m.group(1)}.csv"


#: extensions a temporary copy may have (chosen from the upload's name, nothing else of it kept)
EXTENSIONS = (".csv", ".xlsx", ".xlsm", ".yaml", ".yml", ".json")


@contextlib.contextmanager
def temporary_copy(data: bytes, filename: str | None, stem: str, default: str) -> Iterator[Path]:
    """``data`` as ``<private temp dir>/<stem><ext>``; ``ext`` from ``filename`` if allowed."""
    ext = Path(display(filename)).suffix.lower()
    if ext not in EXTENSIONS:
        ext = default
    with tempfile.TemporaryDirectory(prefix="clustermarketing-") as tmp:
        path = Path(tmp) / f"{stem}{ext}"
        path.write_bytes(data)
        yield path


def scrub(message: str, path: Path, name: str) -> str:
    """``message`` with the server's temporary path replaced by the uploaded file's name.

    >>> scrub("/tmp/x/responses.csv: row 3 ...", Path("/tmp/x/responses.csv"), "answers.csv")
    'answers.csv: row 3 ...'
    """
    return str(message).replace(str(path), name)


#: most values (scalars, lists, mappings) a parsed YAML/JSON document may hold
MAX_NODES = 200_000


def bounded(data: object, name: str, limit: int = MAX_NODES) -> object:
    """A plain copy of parsed YAML/JSON, refused (413) beyond ``limit`` values.

    YAML aliases let a few hundred bytes stand for billions of values (the "billion laughs"
    document); copying with a budget stops such a document before it costs memory or time.

    >>> bounded({"a": [1, 2, {"b": None}]}, "x")
    {'a': [1, 2, {'b': None}]}
    """
    budget = [limit]

    def copy(x: object) -> object:
        budget[0] -= 1
        if budget[0] < 0:
            raise ProblemError(
                413,
                f"{name}: more than {limit:,} values (YAML aliases can expand a short file); "
                "expected a scenario-sized document",
            )
        if isinstance(x, dict):
            return {k: copy(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [copy(v) for v in x]
        return x

    return copy(data)
