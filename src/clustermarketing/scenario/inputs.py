"""Real-data inputs named by a scenario: a CSV of firms and an edge list of ties."""

from __future__ import annotations

from pathlib import Path

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


def _read_csv(path: Path, field: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
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


def read_firms_csv(path: Path, scenario: Scenario) -> pd.DataFrame:
    """Firms from a CSV, checked column by column."""
    df = _read_csv(path, "firms.csv")
    missing = [c for c in FIRM_COLUMNS if c not in df.columns]
    if missing:
        raise ScenarioError(
            f"firms.csv: column {missing[0]!r} is missing from {str(path)!r}; "
            f"expected columns {', '.join(FIRM_COLUMNS)}"
        )
    if df.empty:
        raise ScenarioError(f"firms.csv: {str(path)!r} has no firms; expected at least one row")
    segs = [s.name for s in scenario.firms.segments]
    checks = {
        "employees": (0, None, True),
        "unit_cost": (0, None, True),
        "quality": (None, None, False),
        "market_orientation": (0, 1, False),
        "growth_propensity": (0, 1, False),
        "leader": (0, 1, False),
    }
    if "cash" in df.columns:
        checks["cash"] = (None, None, False)
    markets = [m.name for m in scenario.markets]
    blank_ok: set[str] = set()
    for col in map(str, df.columns):
        prefix = next((p for p in MARKET_PREFIXES if col.startswith(p)), None)
        if prefix is None or col in FIRM_COLUMNS:
            continue
        if col.removeprefix(prefix) not in markets:
            raise ScenarioError(
                f"firms.csv: column {col!r} names no market of the scenario; "
                f"expected {prefix}<market> with a market in {markets}"
            )
        checks[col] = (0, 1, False) if prefix == "access_" else (None, None, False)
        if prefix != "access_":
            blank_ok.add(col)
    for col, (lo, hi, strict) in checks.items():
        vals = pd.to_numeric(df[col], errors="coerce")
        bad = (vals.isna() & ~(df[col].isna() & (col in blank_ok))) | (
            vals.notna() & ~np.isfinite(vals)
        )
        if lo is not None:
            bad |= (vals <= lo) if strict else (vals < lo)
        if hi is not None:
            bad |= vals > hi
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            rng = f"> {lo}" if strict else f"in [{lo}, {hi}]" if hi is not None else "a number"
            if col in blank_ok:
                rng += " or blank"
            raise ScenarioError(
                f"firms.csv row {row + 1}, column {col!r}: got {df[col].tolist()[row]!r}; "
                f"expected {rng}"
            )
    if "id" in df.columns:
        dup = df["id"].astype(str).duplicated()
        if dup.any():
            row = int(np.flatnonzero(dup.to_numpy())[0])
            raise ScenarioError(
                f"firms.csv row {row + 1}, column 'id': {df['id'].tolist()[row]!r} repeats an "
                "earlier row; expected one row per firm"
            )
    bad_seg = ~df["segment"].astype(str).isin(segs)
    if bad_seg.any():
        row = int(np.flatnonzero(bad_seg.to_numpy())[0])
        raise ScenarioError(
            f"firms.csv row {row + 1}, column 'segment': got {df['segment'].iloc[row]!r}; "
            f"expected one of the scenario's segments {segs}"
        )
    return df


def read_edgelist(path: Path, n_firms: int) -> pd.DataFrame:
    """Ties from an edge list CSV with columns source, target, kind (strong|weak)."""
    df = _read_csv(path, "ties.edgelist")
    missing = [c for c in EDGE_COLUMNS if c not in df.columns]
    if missing:
        raise ScenarioError(
            f"ties.edgelist: column {missing[0]!r} is missing from {str(path)!r}; "
            f"expected columns {', '.join(EDGE_COLUMNS)}"
        )
    for col in ("source", "target"):
        vals = pd.to_numeric(df[col], errors="coerce")
        bad = vals.isna() | (vals < 0) | (vals >= n_firms) | (vals != np.floor(vals))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ScenarioError(
                f"ties.edgelist row {row + 1}, column {col!r}: firm {df[col].iloc[row]!r} does not "
                f"exist; expected a firm id in 0..{n_firms - 1}"
            )
    kinds = df["kind"].astype(str).str.strip().str.lower()
    bad = ~kinds.isin(["strong", "weak"])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ScenarioError(
            f"ties.edgelist row {row + 1}, column 'kind': got {df['kind'].iloc[row]!r}; "
            "expected 'strong' or 'weak'"
        )
    out = df[["source", "target"]].astype(np.int64)
    out["kind"] = kinds
    return out


def check_inputs(scenario: Scenario) -> None:
    """Read and check the CSV inputs a scenario names (so errors surface at validation)."""
    n = scenario.firms.count
    if scenario.firms.source == "csv":
        assert scenario.firms.csv is not None
        n = len(read_firms_csv(scenario.firms.csv, scenario))
    if scenario.ties.source == "edgelist":
        assert scenario.ties.edgelist is not None
        read_edgelist(scenario.ties.edgelist, n)
