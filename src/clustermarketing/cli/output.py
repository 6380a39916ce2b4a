"""Rendering for the terminal: tables that never cut a number or a name, run summaries as a Rich
comparison table, CSV or JSON.

The summary functions are pure functions of the summary dictionary
(``SimulationResult.summary``), so they are tested without running a simulation.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from typing import Any

from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from clustermarketing.io import summary_json
from clustermarketing.units import unit_of

ARMS: tuple[str, ...] = ("model", "baseline", "difference")
STATS: tuple[str, ...] = ("mean", "ci_low", "ci_high")

#: Footer line explaining "-" in a table of statistics.
DASH_NOTE = (
    "- = undefined: nothing to average (no members in the baseline, no leaders, no signal that "
    "spread) or, for an interval, fewer than 2 replicates"
)
CLIPPED_NOTE = (
    "* = interval clipped to the metric's possible range (a share in [0, 1], a count or price ≥ 0)"
)

_BIG = 100_000


def number(x: Any, digits: int = 4) -> str:
    """``digits`` significant digits; "-" for missing/undefined values; never "-0".

    >>> number(-0.0), number(1234567.0), number(None), number(float("nan")), number(-1e-20)
    ('0', '1.235e+06', '-', '-', '-1e-20')
    """
    if x is None:
        return "-"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(f):
        return "-"
    text = f"{f + 0.0:.{digits}g}"
    return "0" if text in ("-0", "0") else text


_num = number  # the name used before


def _cell(stats: dict[str, Any] | None) -> Text:
    """Mean on the first line, the 95% CI dimmed below it (keeps the table narrow)."""
    if not stats:
        return Text("-")
    cell = Text(number(stats.get("mean")))
    lo, hi = stats.get("ci_low"), stats.get("ci_high")
    if lo is not None or hi is not None:
        mark = "*" if stats.get("ci_clipped") else ""
        cell.append(f"\n[{number(lo)}, {number(hi)}]{mark}", style="dim")
    return cell


def _all_zero(arms: dict[str, Any]) -> bool:
    """True when every arm's mean and interval are exactly 0 (a mechanism the model lacks)."""
    stats = [arms.get(arm) for arm in ARMS]
    return all(isinstance(st, dict) and all(st.get(k) == 0 for k in STATS) for st in stats)


def summary_table(summary: dict[str, Any]) -> Table:
    """Model vs independent baseline for every metric: mean [95% CI] of each arm and of the gap.

    Metrics that are exactly 0 in both arms and in the difference (the outcomes of mechanisms
    the model does not have: intermediated sales under a fair model, say) are left out of the
    table and named in its caption; ``--format json`` and ``csv`` keep every metric."""
    title = (
        f"{summary.get('scenario', '?')}: model {summary.get('model', '?')} vs "
        f"{summary.get('baseline', 'independent')} baseline"
    )
    metrics = summary.get("metrics", {})
    zero = [name for name, arms in metrics.items() if _all_zero(arms)]
    metrics = {name: arms for name, arms in metrics.items() if name not in zero}
    units = summary.get("units", {})
    clipped = any(
        (arms.get(arm) or {}).get("ci_clipped") for arms in metrics.values() for arm in ARMS
    )
    notes = [
        f"{summary.get('replicates', '?')} replicates × {summary.get('periods', '?')} periods, "
        f"pricing {summary.get('pricing', '?')}, seed {summary.get('seed', '?')}; "
        "mean and [95% CI] over replicates; difference = model − baseline on common random "
        "numbers",
        DASH_NOTE,
    ]
    if clipped:
        notes.append(CLIPPED_NOTE)
    if zero:
        notes.append(
            f"0 in both arms, not shown (mechanisms this model does not have): {', '.join(zero)}"
        )
    table = Table(title=title, caption="\n".join(notes), show_lines=True, caption_justify="left")
    table.add_column(Text("metric [unit]"))
    table.add_column("model", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column("difference", justify="right")
    for name, arms in metrics.items():
        label = Text(name, style="bold")
        label.append(f"\n[{units.get(name, unit_of(name))}]", style="dim")
        table.add_row(label, *(_cell(arms.get(arm)) for arm in ARMS))
    return table


# --------------------------------------------------------------------------- table layout


def _natural_width(table: Table) -> int:
    return Console(file=io.StringIO(), width=_BIG).measure(table).maximum


def _min_width(table: Table) -> int:
    return Console(file=io.StringIO(), width=_BIG).measure(table).minimum


def _fix_widths(table: Table, width: int) -> None:
    """Give every column at least its longest word and share the rest of ``width``.

    Rich would shrink the widest columns first, splitting words (numbers, names) once they get
    narrower than their longest word; fixed widths keep every word whole. Requires the table's
    minimum width to fit in ``width``.
    """
    console = Console(file=io.StringIO(), width=_BIG)
    options = console.options
    ranges = []
    for i, col in enumerate(table.columns):
        col.width = None
        m = table._measure_column(console, options, col)
        ranges.append((m.minimum, m.maximum, table._get_padding_width(i)))
    avail = width - table._extra_width
    base = sum(lo for lo, _, _ in ranges)
    spare = max(0, avail - base)
    flex = [hi - lo for lo, hi, _ in ranges]
    total_flex = sum(flex)
    alloc = [lo for lo, _, _ in ranges]
    if total_flex > 0:
        shares = [spare * f / total_flex for f in flex]
        extra = [min(int(s), f) for s, f in zip(shares, flex, strict=True)]
        left = min(spare, total_flex) - sum(extra)
        order = sorted(range(len(flex)), key=lambda i: shares[i] - int(shares[i]), reverse=True)
        for i in order:
            if left <= 0:
                break
            if extra[i] < flex[i]:
                extra[i] += 1
                left -= 1
        alloc = [a + e for a, e in zip(alloc, extra, strict=True)]
    for col, w, (_, _, pad) in zip(table.columns, alloc, ranges, strict=True):
        col.width = max(1, w - pad)


def _sub_table(table: Table, indices: list[int], part: int, parts: int) -> Table:
    """The columns ``indices`` of ``table`` as a table of their own (rows kept)."""
    title = table.title
    if parts > 1 and title is not None:
        title = f"{title} ({part}/{parts})"
    sub = Table(
        title=title,
        caption=table.caption if part == parts else None,
        box=table.box,
        show_lines=table.show_lines,
        show_header=table.show_header,
        show_edge=table.show_edge,
        title_justify=table.title_justify,
        caption_justify=table.caption_justify,
    )
    for i in indices:
        col: Column = table.columns[i]
        sub.add_column(
            col.header,
            justify=col.justify,
            style=col.style,
            header_style=col.header_style,
            overflow="fold",
            no_wrap=False,
        )
    cells = [list(table.columns[i].cells) for i in indices]
    for r in range(table.row_count):
        sub.add_row(*(c[r] for c in cells))
    return sub


def split_columns(table: Table, width: int) -> list[Table]:
    """Split a table too wide for ``width`` into tables of its first column plus a few others.

    Each part keeps every row and repeats the first (key) column, so every number stays next to
    its name; columns are added to a part while its minimum width (longest word per column)
    fits. A column too wide even alone with the key gets a part of its own.
    """
    n = len(table.columns)
    groups: list[list[int]] = []
    current = [0]
    for i in range(1, n):
        trial = [*current, i]
        if len(current) > 1 and _min_width(_sub_table(table, trial, 1, 1)) > width:
            groups.append(current)
            current = [0, i]
        else:
            current = trial
    groups.append(current)
    return [_sub_table(table, g, k + 1, len(groups)) for k, g in enumerate(groups)]


def _plain_text(table: Table) -> None:
    """Make string cells, headers and titles literal text: a player called "[b]" stays "[b]".

    Rich would read ``[...]`` in a string as console markup and drop it.
    """
    for col in table.columns:
        if isinstance(col.header, str):
            col.header = Text(col.header)
        cells = getattr(col, "_cells", None)
        if cells is not None:
            col._cells = [Text(c) if isinstance(c, str) else c for c in cells]
    if isinstance(table.title, str):
        table.title = Text(table.title, style="table.title")
    if isinstance(table.caption, str):
        table.caption = Text(table.caption, style="table.caption")


def layout(table: Table, width: int | None) -> list[tuple[Table, int]]:
    """The table(s) to print and the width of each, for a terminal of ``width`` (None: a file).

    - not a terminal: the table at its natural width (nothing is wrapped or cut);
    - fits: as is; fits once long text wraps at spaces: fixed column widths;
    - else: split by columns (:func:`split_columns`), each part laid out the same way.
    """
    _plain_text(table)
    for col in table.columns:
        col.overflow = "fold"
        col.no_wrap = False
    natural = _natural_width(table)
    if width is None or natural <= width:
        return [(table, max(natural, 20))]
    if _min_width(table) <= width:
        _fix_widths(table, width)
        return [(table, width)]
    out = []
    for part in split_columns(table, width):
        if _min_width(part) <= width:
            if _natural_width(part) > width:
                _fix_widths(part, width)
            out.append((part, width))
        else:  # a single word longer than the terminal: print it whole, the terminal wraps
            out.append((part, max(_natural_width(part), 20)))
    return out


def print_table(table: Table, file: Any = None, width: int | None = None) -> None:
    """Print a Rich table without ever cutting a number or a name.

    Piped or redirected, the table is printed at its natural width. On a terminal (or with an
    explicit ``width``, as the tests do) it is fitted to the width by wrapping long text at
    spaces, and a table whose numbers and names cannot fit side by side is split into several
    tables that each repeat the first column. All commands print their tables through this
    function.
    """
    out = file if file is not None else sys.stdout
    console = Console(file=out, soft_wrap=False)
    target = width if width is not None else (console.width if console.is_terminal else None)
    for part, w in layout(table, target):
        Console(file=out, width=w, soft_wrap=False, force_terminal=console.is_terminal).print(part)


def print_notes(
    lines: list[str], file: Any = None, width: int | None = None, indent: str = ""
) -> None:
    """Print explanatory lines wrapped at spaces (terminal width; 100 columns when piped).

    Words are never split; continuation lines are indented two more spaces.
    """
    import textwrap

    out = file if file is not None else sys.stdout
    if width is None:
        console = Console(file=out)
        width = console.width if console.is_terminal else 100
    for line in lines:
        out.write(
            textwrap.fill(
                line,
                width=max(40, width),
                initial_indent=indent,
                subsequent_indent=indent + "  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            + "\n"
        )


# --------------------------------------------------------------------------- CSV and JSON


def breakdown_table(summary: dict[str, Any], by: str) -> Table:
    """The key metrics by market, segment or size class: model, baseline and difference."""
    groups = summary.get("breakdown", {}).get(by, {})
    table = Table(
        title=f"{summary.get('scenario', '?')}: {summary.get('model', '?')} by {by}",
        caption="mean [95% CI] over replicates of each period mean; difference = model − baseline "
        "on common random numbers; - = undefined (an empty group)",
        show_lines=True,
    )
    table.add_column(by, style="bold")
    table.add_column("metric")
    for arm in ARMS:
        table.add_column(arm, justify="right")
    for group, metrics in groups.items():
        for i, (metric, arms) in enumerate(metrics.items()):
            table.add_row(group if i == 0 else "", metric, *(_cell(arms.get(arm)) for arm in ARMS))
    return table


def summary_csv(summary: dict[str, Any]) -> str:
    """One row per metric: ``metric, unit, model_mean, model_ci_low, …, difference_ci_high``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    units = summary.get("units", {})
    writer.writerow(["metric", "unit", *(f"{arm}_{stat}" for arm in ARMS for stat in STATS)])
    for name, arms in summary.get("metrics", {}).items():
        row: list[Any] = [name, units.get(name, unit_of(name))]
        for arm in ARMS:
            stats = arms.get(arm) or {}
            for stat in STATS:
                v = stats.get(stat)
                row.append("" if v is None or _is_nan(v) else repr(float(v) + 0.0))
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


__all__ = [
    "layout",
    "number",
    "print_notes",
    "print_table",
    "split_columns",
    "summary_csv",
    "summary_table",
    "summary_to_json",
]
