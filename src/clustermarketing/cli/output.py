"""Rendering a run summary for the terminal: a Rich comparison table, CSV, or JSON.

Pure functions of the summary dictionary (``SimulationResult.summary``), so they are tested
without running a simulation.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from rich.table import Table
from rich.text import Text

from clustermarketing.io import summary_json

ARMS: tuple[str, ...] = ("model", "baseline", "difference")
STATS: tuple[str, ...] = ("mean", "ci_low", "ci_high")


def _num(x: Any) -> str:
    """Four significant digits; blanks for missing/undefined values."""
    if x is None:
        return "-"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(f):
        return "-"
    return f"{f:.4g}"


def _cell(stats: dict[str, Any] | None) -> Text:
    """Mean on the first line, the 95% CI dimmed below it (keeps the table narrow)."""
    if not stats:
        return Text("-")
    cell = Text(_num(stats.get("mean")))
    lo, hi = stats.get("ci_low"), stats.get("ci_high")
    if lo is not None or hi is not None:
        cell.append(f"\n[{_num(lo)}, {_num(hi)}]", style="dim")
    return cell


def summary_table(summary: dict[str, Any]) -> Table:
    """Model vs independent baseline for every metric: mean [95% CI] of each arm and of the gap."""
    title = (
        f"{summary.get('scenario', '?')}: model {summary.get('model', '?')} vs "
        f"{summary.get('baseline', 'independent')} baseline"
    )
    caption = (
        f"{summary.get('replicates', '?')} replicates × {summary.get('periods', '?')} periods, "
        f"pricing {summary.get('pricing', '?')}, seed {summary.get('seed', '?')}; "
        "mean and [95% CI] over replicates; difference = model − baseline on common random numbers"
    )
    table = Table(title=title, caption=caption, show_lines=True)
    table.add_column("metric", style="bold", no_wrap=True)
    table.add_column("model", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column("difference", justify="right")
    for name, arms in summary.get("metrics", {}).items():
        table.add_row(name, *(_cell(arms.get(arm)) for arm in ARMS))
    return table


def print_table(table: Table, file: Any = None) -> None:
    """Print a Rich table without ever cutting a cell.

    Every column folds (wraps) instead of truncating with "…". On a terminal the table fits its
    width; piped or redirected, it is printed at its natural width, so no number or name that a
    user needs is lost. All commands print their tables through this function.
    """
    import sys

    from rich.console import Console

    for col in table.columns:
        col.overflow = "fold"
        col.no_wrap = False
    out = file if file is not None else sys.stdout
    console = Console(file=out, soft_wrap=False)
    if not console.is_terminal:
        width = Console(file=io.StringIO(), width=100_000).measure(table).maximum
        console = Console(file=out, width=max(width, 20), soft_wrap=False)
    console.print(table)


def summary_csv(summary: dict[str, Any]) -> str:
    """One row per metric: ``metric, model_mean, model_ci_low, …, difference_ci_high``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["metric", *(f"{arm}_{stat}" for arm in ARMS for stat in STATS)])
    for name, arms in summary.get("metrics", {}).items():
        row: list[Any] = [name]
        for arm in ARMS:
            stats = arms.get(arm) or {}
            for stat in STATS:
                v = stats.get(stat)
                row.append("" if v is None or _is_nan(v) else repr(float(v)))
        writer.writerow(row)
    return buf.getvalue()


def _is_nan(v: Any) -> bool:
    try:
        return not math.isfinite(float(v))
    except (TypeError, ValueError):
        return True


def summary_to_json(summary: dict[str, Any]) -> str:
    """The summary as one line of canonical JSON (sorted keys)."""
    return summary_json(summary)


__all__ = ["print_table", "summary_csv", "summary_table", "summary_to_json"]
