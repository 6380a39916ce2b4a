"""Files of the survey module: questionnaire YAML in, response tables (CSV/Excel) in, CSV out.

Everything that touches the file system is here; the analysis modules take and return data.

Response files
--------------
- **CSV** (UTF-8, a byte-order mark is ignored) or **Excel** (``.xlsx``/``.xlsm``, first sheet),
  one row per respondent, the first non-comment row holding the column names.
- Lines starting with ``#`` before the header are comments (the simulator writes its provenance
  there); they are skipped but still counted, so row numbers are the file's own line numbers.
- Rows are numbered as in a spreadsheet: the header is row 1 when there are no comment lines.
- Every cell is read as text; :func:`clustermarketing.survey.responses.validate_responses`
  decides what it means, so an error can quote the cell exactly as the user typed it.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.survey.instrument import Instrument, InstrumentError, parse_instrument

__all__ = [
    "QUESTIONNAIRE_NAME",
    "SYNTHETIC_NAME",
    "ResponseFileError",
    "instrument_yaml_text",
    "load_instrument",
    "read_responses",
    "responses_csv_text",
    "synthetic_responses_path",
    "template_csv_text",
]

QUESTIONNAIRE_NAME = "questionnaire.yaml"
SYNTHETIC_NAME = "synthetic_responses.csv"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


class ResponseFileError(ClusterMarketingError):
    """A response file cannot be read as a table (empty, not CSV/Excel, bad encoding)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects a key given twice in one mapping (YAML would keep the last)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    keys: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {keys[key] + 1})",
                key_node.start_mark,
            )
        keys[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)


def _data_file(name: str) -> Any:
    return resources.files("clustermarketing.survey").joinpath("data", name)


def instrument_yaml_text(path: str | Path | None = None) -> str:
    """The text of a questionnaire file (the shipped one when ``path`` is None)."""
    if path is None:
        return _data_file(QUESTIONNAIRE_NAME).read_text(encoding="utf-8")
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InstrumentError(
            f"{p}: not a UTF-8 text file; expected a YAML questionnaire"
        ) from None


def load_instrument(path: str | Path | None = None) -> Instrument:
    """Read and validate a questionnaire YAML file; the shipped questionnaire when ``path`` is None.

    Raises :class:`~clustermarketing.survey.instrument.InstrumentError` naming every problem
    (duplicate YAML keys, unknown keys, unknown construct, duplicate item, bad scale).

    >>> load_instrument().name
    'inter-firm marketing cooperation'
    """
    source = QUESTIONNAIRE_NAME if path is None else str(path)
    text = instrument_yaml_text(path)
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as e:
        raise InstrumentError(f"{source}: not valid YAML: {e}") from None
    return parse_instrument(data, source)


def synthetic_responses_path() -> Path:
    """Path of the shipped synthetic response file (simulated firms; see its header)."""
    return Path(str(_data_file(SYNTHETIC_NAME)))


# --- response tables ---------------------------------------------------------------------------
def _table(rows: list[tuple[int, list[str]]], source: str) -> pd.DataFrame:
    """``rows`` = (file row number, cells); the first is the header. Index = file row numbers."""
    if not rows:
        raise ResponseFileError(
            f"{source}: the file is empty; expected a header row of column names "
            "(see 'clustermarketing survey instrument --format csv')"
        )
    (_, header), body = rows[0], rows[1:]
    header = [h.strip() for h in header]
    while header and header[-1] == "":  # trailing unnamed, empty columns (spreadsheet exports)
        j = len(header) - 1
        if any(len(c) > j and c[j].strip() for _, c in body):
            break
        header.pop()
    width = len(header)
    cells = []
    for r, c in body:
        if len(c) > width and any(x.strip() for x in c[width:]):
            raise ResponseFileError(
                f"{source}: row {r} has {len(c)} cells but the header has {width} columns"
            )
        cells.append([*c[:width], *([""] * (width - len(c)))])
    frame = pd.DataFrame(cells, columns=header, dtype=object)
    frame.index = pd.Index([r for r, _ in body], name="row")
    return frame


def _blank(cells: list[str]) -> bool:
    return all(not c.strip() for c in cells)


def _read_csv(path: Path) -> list[tuple[int, list[str]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ResponseFileError(
            f"{path}: byte {e.start} is not UTF-8; save the file as UTF-8 CSV (or give an .xlsx file)"
        ) from None
    if "\x00" in text:
        raise ResponseFileError(f"{path}: contains NUL bytes; expected a UTF-8 CSV text file")
    rows: list[tuple[int, list[str]]] = []
    header_seen = False
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        end = 0  # the line the previous record ended on
        for cells in reader:
            # a record's row is the line it starts on (a quoted cell may span several lines)
            line, end = end + 1, reader.line_num
            if not header_seen and (_blank(cells) or cells[0].lstrip().startswith("#")):
                continue  # comment or blank line before the header
            if header_seen and _blank(cells):
                continue
            header_seen = True
            rows.append((line, cells))
    except csv.Error as e:
        raise ResponseFileError(f"{path}: not a valid CSV file: {e}") from None
    return rows


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _read_excel(path: Path) -> list[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        if isinstance(e, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        raise ResponseFileError(f"{path}: not a readable Excel workbook ({e})") from None
    try:
        ws = wb.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        header_seen = False
        for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not header_seen and (_blank(cells) or cells[0].lstrip().startswith("#")):
                continue
            if header_seen and _blank(cells):
                continue
            header_seen = True
            rows.append((r, cells))
        return rows
    finally:
        wb.close()


def read_responses(path: str | Path) -> pd.DataFrame:
    """Read a response file into a table of text cells indexed by file row number.

    CSV unless the name ends in ``.xlsx``/``.xlsm``. Raises :class:`ResponseFileError` for an
    empty file, a file that is not CSV/Excel, or rows longer than the header.
    """
    p = Path(path)
    if p.is_dir():
        raise IsADirectoryError(21, "is a directory", str(p))
    if p.suffix.lower() == ".xls":
        raise ResponseFileError(f"{p}: old .xls workbooks are not supported; save as .xlsx or CSV")
    rows = _read_excel(p) if p.suffix.lower() in EXCEL_SUFFIXES else _read_csv(p)
    frame = _table(rows, str(p))
    frame.attrs["source"] = str(p)
    return frame


def template_csv_text(instrument: Instrument) -> str:
    """A response template: the header row the analysis reads back (respondent, background, items)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(instrument.columns())
    return buf.getvalue()


def responses_csv_text(frame: pd.DataFrame, comments: list[str] = ()) -> str:  # type: ignore[assignment]
    """A response table as CSV, preceded by ``# comment`` lines (provenance)."""
    head = "".join(f"# {c}\n" for c in comments)
    return head + frame.to_csv(index=False, lineterminator="\n")
