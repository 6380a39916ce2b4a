"""Real-data inputs named by a scenario: a CSV of firms and an edge list of ties.

Both are read with pandas and checked cell by cell before anything is simulated. A problem is
reported once, naming the file's field (``firms.csv`` / ``ties.edgelist``), the row (1 = the first
data row below the header) and column, the value as written in the file and what was expected.

Firms CSV columns: ``employees`` (> 0), ``unit_cost`` (> 0, CU/unit), ``quality`` (index),
``segment`` (a segment *name* of the scenario), ``market_orientation`` and ``growth_propensity``
(in [0, 1]), ``leader`` (0 or 1); optional ``cash`` (CU), ``id`` (an identifier, unique; the engine
does not read it) and per market of the scenario ``access_<market>`` (0 or 1: whether the firm
starts with its own access to that market), ``taste_<market>`` (the taste ξ that replaces the
drawn one) and ``unit_cost_<market>`` (the firm's full marginal cost of a unit sold there) — the
last two come from calibration and may be blank (= not given). Any other column is rejected, so
that a misspelt market (``access_mars``) or column is not silently ignored.

Edge list columns: ``source``, ``target`` (firm rows, 0-based), ``kind`` (``strong`` or
``weak``). Ties are undirected: ``0,1`` and ``1,0`` are the same tie, and a pair listed as both
strong and weak is strong. A tie from a firm to itself is rejected.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.errors import ScenarioError
from clustermarketing.scenario.schema import Scenario

FIRM_COLUMNS = (
    "employees",
    "unit_cost",
    "quality",
    "segment",
    "market_orientation",
    "growth_propensity",
    "leader",
)
EDGE_COLUMNS = ("source", "target", "kind")
#: Optional per-market columns, ``<prefix><market name>``: channel access (0/1), the taste ξ_im
#: that replaces the drawn one, and the firm's full marginal cost of a unit sold in that market.
#: ``taste_`` and ``unit_cost_`` come from calibration (``calibrate demand --scenario-out``); a
#: blank cell means "not given": ξ is drawn as usual, the cost is unit_cost (+ distribution).
MARKET_PREFIXES = ("access_", "taste_", "unit_cost_")
#: Optional columns besides the per-market ones: initial cash and an identifier (``id``, used to
#: match calibrated firms with data rows; the engine does not read it).
OPTIONAL_COLUMNS = ("cash", "id")

#: numeric column → (lower bound, upper bound, is the lower bound strict)
_FIRM_CHECKS: dict[str, tuple[float | None, float | None, bool]] = {
    "employees": (0, None, True),
    "unit_cost": (0, None, True),
    "quality": (-1e6, 1e6, False),
    "market_orientation": (0, 1, False),
    "growth_propensity": (0, 1, False),
    "leader": (0, 1, False),
    "cash": (-1e12, 1e12, False),
}


def show(value: Any) -> str:
    """A cell value as the user wrote it: plain Python, no NumPy repr, '(empty)' for a blank.

    >>> show(np.float64(1.5)), show(np.int64(99)), show(float("nan")), show("abc")
    ('1.5', '99', '(empty)', "'abc'")
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "(empty)"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return repr(value)


def _delimiter_hint(df: pd.DataFrame) -> str:
    """A hint when the header looks like another delimiter than ',' was used."""
    if len(df.columns) == 1:
        header = str(df.columns[0])
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
            if sep in header:
                return (
                    f"; the header {header!r} looks separated by {name}: save the file with "
                    "commas as the delimiter"
                )
    return ""


def _read_csv(path: Path, field: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, skipinitialspace=True)
    except FileNotFoundError:
        raise ScenarioError(
            f"{field}: file {str(path)!r} not found; expected an existing CSV"
        ) from None
    except OSError as e:  # a directory, no permission, …
        raise ScenarioError(
            f"{field}: cannot read {str(path)!r} ({e.strerror or e}); expected a CSV file"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise ScenarioError(f"{field}: {str(path)!r} is not a readable CSV ({e})") from None


def _first_bad(mask: pd.Series) -> int | None:
    bad = np.flatnonzero(mask.to_numpy())
    return int(bad[0]) if bad.size else None


def _expected(lo: float | None, hi: float | None, strict: bool) -> str:
    if lo is not None and hi is not None:
        return f"a number in [{show(lo)}, {show(hi)}]"
    if lo is not None:
        return f"a number {'>' if strict else '≥'} {show(lo)}"
    return "a number"


def _check_numeric(
    df: pd.DataFrame,
    col: str,
    lo: float | None,
    hi: float | None,
    strict: bool,
    field: str,
    blank_ok: bool = False,
) -> None:
    """Every cell of ``col`` is a finite number within the bounds (or blank, where allowed),
    else one ScenarioError naming row, column, value and expectation."""
    raw = df[col]
    vals = pd.to_numeric(raw, errors="coerce")
    missing = vals.isna() & ~(raw.isna() & blank_ok)
    row = _first_bad(missing | ~np.isfinite(vals.fillna(0.0)))
    if row is not None:
        raise ScenarioError(
            f"{field} row {row + 1}, column {col!r}: got {show(raw.iloc[row])}; "
            f"expected {_expected(lo, hi, strict)}{' or blank' if blank_ok else ''}"
        )
    bad = pd.Series(False, index=vals.index)
    if lo is not None:
        bad |= (vals <= lo) if strict else (vals < lo)
    if hi is not None:
        bad |= vals > hi
    row = _first_bad(bad)
    if row is not None:
        raise ScenarioError(
            f"{field} row {row + 1}, column {col!r}: got {show(raw.iloc[row])}; "
            f"expected {_expected(lo, hi, strict)}"
        )


def read_firms_csv(path: Path, scenario: Scenario) -> pd.DataFrame:
    """Firms from a CSV, checked column by column (format in the module docstring)."""
    field = "firms.csv"
    df = _read_csv(path, field)
    missing = [c for c in FIRM_COLUMNS if c not in df.columns]
    if missing:
        raise ScenarioError(
            f"{field}: column {missing[0]!r} is missing from {str(path)!r}; "
            f"expected columns {', '.join(FIRM_COLUMNS)}{_delimiter_hint(df)}"
        )
    markets = [m.name for m in scenario.markets]
    per_market: dict[str, str] = {}  # column → its prefix
    for col in map(str, df.columns):
        if col in FIRM_COLUMNS or col in OPTIONAL_COLUMNS:
            continue
        prefix = next((p for p in MARKET_PREFIXES if col.startswith(p)), None)
        if prefix is None:
            raise ScenarioError(
                f"{field}: unknown column {col!r} in {str(path)!r}; expected "
                f"{', '.join(FIRM_COLUMNS)}, optionally {', '.join(OPTIONAL_COLUMNS)} and "
                f"{', '.join(p + '<market>' for p in MARKET_PREFIXES)}"
            )
        if col.removeprefix(prefix) not in markets:
            raise ScenarioError(
                f"{field}: column {col!r} names no market of the scenario (in {str(path)!r}); "
                f"expected {prefix}<market> for one of {', '.join(markets)}"
            )
        per_market[col] = prefix
    if df.empty:
        raise ScenarioError(f"{field}: {str(path)!r} has no firms; expected at least one row")
    for col, (lo, hi, strict) in _FIRM_CHECKS.items():
        if col in df.columns:
            _check_numeric(df, col, lo, hi, strict, field)
    access = sorted(c for c, p in per_market.items() if p == "access_")
    for col in access:
        _check_numeric(df, col, 0, 1, False, field)
    for col in sorted(c for c, p in per_market.items() if p != "access_"):
        _check_numeric(df, col, -1e12, 1e12, False, field, blank_ok=True)
    if "id" in df.columns:
        row = _first_bad(df["id"].astype(str).duplicated())
        if row is not None:
            raise ScenarioError(
                f"{field} row {row + 1}, column 'id': {show(df['id'].iloc[row])} repeats an "
                "earlier row; expected one row per firm"
            )
    for col in ("leader", *access):
        vals = pd.to_numeric(df[col])
        row = _first_bad(~vals.isin([0, 1]))
        if row is not None:
            raise ScenarioError(
                f"{field} row {row + 1}, column {col!r}: got {show(df[col].iloc[row])}; "
                "expected 0 or 1"
            )
    segs = [s.name for s in scenario.firms.segments]
    seg = df["segment"].astype(str).str.strip()
    row = _first_bad(~seg.isin(segs))
    if row is not None:
        raise ScenarioError(
            f"{field} row {row + 1}, column 'segment': got {show(df['segment'].iloc[row])}; "
            f"expected a segment name of the scenario: {', '.join(segs)}"
        )
    df["segment"] = seg
    return df


def read_edgelist(path: Path, n_firms: int) -> pd.DataFrame:
    """Ties from an edge list CSV with columns source, target, kind (strong|weak)."""
    field = "ties.edgelist"
    df = _read_csv(path, field)
    missing = [c for c in EDGE_COLUMNS if c not in df.columns]
    if missing:
        raise ScenarioError(
            f"{field}: column {missing[0]!r} is missing from {str(path)!r}; "
            f"expected columns {', '.join(EDGE_COLUMNS)}{_delimiter_hint(df)}"
        )
    extra = [str(c) for c in df.columns if c not in EDGE_COLUMNS]
    if extra:
        raise ScenarioError(
            f"{field}: unknown column {extra[0]!r} in {str(path)!r}; "
            f"expected columns {', '.join(EDGE_COLUMNS)}"
        )
    for col in ("source", "target"):
        vals = pd.to_numeric(df[col], errors="coerce")
        bad = vals.isna() | (vals < 0) | (vals >= n_firms) | (vals != np.floor(vals))
        row = _first_bad(bad)
        if row is not None:
            raise ScenarioError(
                f"{field} row {row + 1}, column {col!r}: got {show(df[col].iloc[row])}; "
                f"expected a firm id (a row of the firms) in 0..{n_firms - 1}"
            )
    out = df[["source", "target"]].astype(np.int64)
    row = _first_bad(out["source"] == out["target"])
    if row is not None:
        raise ScenarioError(
            f"{field} row {row + 1}: a tie from firm {int(out['source'].iloc[row])} to itself; "
            "expected two different firms"
        )
    kinds = df["kind"].astype(str).str.strip().str.lower()
    row = _first_bad(~kinds.isin(["strong", "weak"]))
    if row is not None:
        raise ScenarioError(
            f"{field} row {row + 1}, column 'kind': got {show(df['kind'].iloc[row])}; "
            "expected 'strong' or 'weak'"
        )
    out["kind"] = kinds
    return out


def check_inputs(scenario: Scenario) -> None:
    """Read and check the CSV inputs a scenario names (so errors surface at validation).

    With firms from a CSV, ``firms.count`` and ``firms.leaders`` are taken from the file; a
    value given explicitly in the scenario that contradicts the file is an error.
    """
    n = scenario.firms.count
    if scenario.firms.source == "csv":
        assert scenario.firms.csv is not None
        df = read_firms_csv(scenario.firms.csv, scenario)
        n = len(df)
        given = scenario.firms.model_fields_set
        leaders = int(pd.to_numeric(df["leader"]).sum())
        for key, actual, what in (("count", n, "firms"), ("leaders", leaders, "leaders")):
            value = getattr(scenario.firms, key)
            if key in given and value != actual:
                raise ScenarioError(
                    f"firms.{key}: {value} contradicts firms.csv, which has {actual} {what} "
                    f"({str(scenario.firms.csv)!r}); expected {actual} or no firms.{key} "
                    "(with firms from a CSV it is taken from the file)"
                )
    if scenario.ties.source == "edgelist":
        assert scenario.ties.edgelist is not None
        read_edgelist(scenario.ties.edgelist, n)
