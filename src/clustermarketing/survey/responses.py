"""Checking a table of responses against the questionnaire, and the missing-data policy.

:func:`validate_responses` turns a table of cells (text as read from a file, or numbers from a
DataFrame) into :class:`Responses`: numeric answers, background answers and respondent ids.
Every problem is collected and reported at once in one :class:`ResponseError`, each on its own
line naming the row, the column, the value and what was expected:

- a column that is neither an item, a background question nor ``respondent`` (unknown column), a
  column given twice, a column without a name, an item column that is missing;
- an answer that is not a number, not a whole number, or outside the scale ``1..points``;
- a background answer outside its categories (compared case-insensitively) or, for a number,
  not numeric or outside ``[min, max]``;
- a repeated respondent id;
- with a grouping column: the column is absent, a row has no group (missing group), or fewer than
  two groups remain.

Blank cells and ``NA``/``N/A``/``NaN`` (any case) are missing answers. Rows are numbered as in the
file (header = row 1; see :mod:`clustermarketing.survey.io`); for a DataFrame built in Python the
row of position ``k`` is ``k + 2``, as if it had been saved with a header.

Missing-data policy (:data:`MISSING_POLICIES`)
----------------------------------------------
- ``pairwise`` (default): each statistic uses every respondent who answered what it needs —
  covariances for α and ω from pairwise-complete pairs, item tests from the item's answers, a
  construct score from the answered items when at least ``min_answered`` (default half) of the
  construct's items were answered.
- ``listwise``: respondents with any missing answer on any item are dropped first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.survey.instrument import RESPONDENT_COLUMN, Instrument

__all__ = [
    "MAX_LISTED",
    "MISSING_POLICIES",
    "MISSING_TOKENS",
    "ResponseError",
    "Responses",
    "validate_responses",
]

MISSING_POLICIES: tuple[str, ...] = ("pairwise", "listwise")
MissingPolicy = Literal["pairwise", "listwise"]
#: Cell texts read as a missing answer (case-insensitive), besides the blank cell.
MISSING_TOKENS: frozenset[str] = frozenset({"", "na", "n/a", "nan", "none", "null"})
#: At most this many problems are listed one per line; the rest are counted.
MAX_LISTED = 20


class ResponseError(ClusterMarketingError):
    """Responses do not fit the questionnaire; the message lists row, column and value."""


@dataclass
class Responses:
    """Validated responses.

    ``answers``: one column per item, as answered (float, NaN = missing, reverse items *not* yet
    recoded); ``background``: one column per background question present in the file (category
    answers in the questionnaire's spelling, numbers as float, text as str; missing = None/NaN);
    ``ids``: respondent ids; ``rows``: file row numbers. All share one index (the row numbers).
    """

    instrument: Instrument
    answers: pd.DataFrame
    background: pd.DataFrame
    ids: pd.Series
    source: str = "responses"
    group: str | None = None
    groups: list[str] = field(default_factory=list)
    labels: pd.Series | None = None

    @property
    def n(self) -> int:
        """Number of respondents."""
        return len(self.answers)

    def recoded(self) -> pd.DataFrame:
        """Answers with reverse-coded items recoded ``points + 1 − answer``."""
        out = self.answers.copy()
        rev = [c for c in self.instrument.reverse_items() if c in out.columns]
        out[rev] = self.instrument.scale.points + 1 - out[rev]
        return out

    def group_labels(self) -> pd.Series:
        """The group of every respondent (str); requires a grouping column."""
        if self.labels is None:
            raise ValueError("these responses were validated without a grouping column")
        return self.labels

    def missing_summary(self) -> dict[str, Any]:
        """Counts of missing answers: total cells, respondents with any, and per item."""
        miss = self.answers.isna()
        return {
            "answers": int(miss.to_numpy().sum()),
            "cells": int(miss.size),
            "respondents_with_missing": int(miss.any(axis=1).sum()),
            "per_item": {c: int(miss[c].sum()) for c in self.answers.columns},
        }

    def complete_cases(self) -> Responses:
        """The listwise-deleted responses: only respondents who answered every item."""
        keep = self.answers.notna().all(axis=1)
        return Responses(
            self.instrument,
            self.answers[keep],
            self.background[keep],
            self.ids[keep],
            self.source,
            self.group,
            self.groups,
            None if self.labels is None else self.labels[keep],
        )


def _show(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, str) and v.strip().lower() in MISSING_TOKENS


def _number(v: Any) -> float | None:
    """``v`` as a finite float (a decimal point, not a comma), or None when it is not one."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float | np.integer | np.floating):
        f = float(v)
    else:
        try:
            f = float(str(v).strip())
        except ValueError:
            return None
    return f if math.isfinite(f) else None


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    if frame.index.name == "row" and pd.api.types.is_integer_dtype(frame.index):
        return [int(r) for r in frame.index]
    return list(range(2, len(frame) + 2))


def validate_responses(
    frame: pd.DataFrame,
    instrument: Instrument,
    group: str | None = None,
    source: str | None = None,
) -> Responses:
    """Check ``frame`` against ``instrument`` and return numeric :class:`Responses`.

    Raises :class:`ResponseError` listing every problem (see the module docstring).

    >>> from clustermarketing.survey import load_instrument
    >>> inst = load_instrument()
    >>> ok = pd.DataFrame({c: [4, 5] for c in inst.item_ids()})
    >>> validate_responses(ok, inst).n
    2
    >>> bad = ok.assign(jp1=[4, 9])
    >>> validate_responses(bad, inst)
    Traceback (most recent call last):
    ...
    clustermarketing.survey.responses.ResponseError: responses: 1 problem
    row 3, column jp1: 9 is outside the scale; expected a whole number from 1 to 7, or blank
    """
    source = source or frame.attrs.get("source", "responses")
    problems: list[str] = []
    points = instrument.scale.points
    names = [str(c) for c in frame.columns]
    known = set(instrument.columns())
    items = instrument.item_ids()
    bg_ids = instrument.background_ids()

    # --- the header -------------------------------------------------------------------------
    seen: set[str] = set()
    for k, name in enumerate(names, start=1):
        if not name.strip():
            problems.append(f"column {k} has no name; expected one of the questionnaire's columns")
        elif name in seen:
            problems.append(f"column {name!r} appears more than once (column {k})")
        elif name not in known:
            problems.append(
                f"column {name!r} (column {k}) is unknown; expected an item id, a background "
                f"question ({', '.join(bg_ids) or 'none'}) or {RESPONDENT_COLUMN!r}"
            )
        seen.add(name)
    missing_items = [i for i in items if i not in seen]
    if missing_items:
        problems.append(
            f"item column(s) missing: {', '.join(missing_items)}; expected every item of the "
            "questionnaire (leave cells blank for unanswered items)"
        )
    if group is not None:
        if group not in bg_ids:
            what = (
                "a questionnaire item"
                if group in items
                else (
                    "the respondent id"
                    if group == RESPONDENT_COLUMN
                    else "not a background question"
                )
            )
            problems.append(
                f"--group {group!r} is {what}; expected a background column of the "
                f"questionnaire ({', '.join(bg_ids) or 'none declared'})"
            )
        elif group not in seen:
            problems.append(
                f"grouping column {group!r} is not in the file; its columns are: {', '.join(names)}"
            )
    if problems:
        _raise(source, problems)
    if len(frame) == 0:
        _raise(source, ["the file has a header but no responses; expected one row per respondent"])

    rows = _row_numbers(frame)
    frame = frame.set_axis(range(len(frame)), axis=0)
    index = pd.Index(rows, name="row")

    # --- item answers -----------------------------------------------------------------------
    answers = np.full((len(frame), len(items)), np.nan)
    expect = f"expected a whole number from 1 to {points}, or blank"
    for j, item in enumerate(items):
        for k, v in enumerate(frame[item].tolist()):
            if _is_missing(v):
                continue
            f = _number(v)
            where = f"row {rows[k]}, column {item}"
            if f is None:
                problems.append(f"{where}: {_show(v)} is not a number; {expect}")
            elif not f.is_integer():
                problems.append(f"{where}: {_show(v)} is not a whole number; {expect}")
            elif not 1 <= f <= points:
                problems.append(
                    f"{where}: {_show(v) if isinstance(v, str) else _fmt(f)} is outside the scale; {expect}"
                )
            else:
                answers[k, j] = f

    # --- background answers -----------------------------------------------------------------
    background: dict[str, list[Any]] = {}
    for q in instrument.background:
        if q.id not in frame.columns:
            continue
        values: list[Any] = []
        for k, v in enumerate(frame[q.id].tolist()):
            where = f"row {rows[k]}, column {q.id}"
            if _is_missing(v):
                values.append(None)
                continue
            if q.type == "category":
                cats = {c.lower(): c for c in q.categories or []}
                key = str(v).strip().lower()
                if key not in cats:
                    problems.append(
                        f"{where}: {_show(v)} is not a category; expected one of "
                        f"{', '.join(q.categories or [])}, or blank"
                    )
                values.append(cats.get(key))
            elif q.type == "number":
                f = _number(v)
                expected = _number_range(q.min, q.max, q.unit)
                if f is None:
                    problems.append(f"{where}: {_show(v)} is not a number; expected {expected}")
                    values.append(None)
                elif (q.min is not None and f < q.min) or (q.max is not None and f > q.max):
                    problems.append(f"{where}: {_show(v)} is out of range; expected {expected}")
                    values.append(None)
                else:
                    values.append(f)
            else:
                values.append(str(v).strip())
        background[q.id] = values

    # --- respondent ids ---------------------------------------------------------------------
    if RESPONDENT_COLUMN in frame.columns:
        ids = [None if _is_missing(v) else str(v).strip() for v in frame[RESPONDENT_COLUMN]]
        first: dict[str, int] = {}
        for k, rid in enumerate(ids):
            if rid is None:
                continue
            if rid in first:
                problems.append(
                    f"row {rows[k]}, column {RESPONDENT_COLUMN}: {_show(rid)} repeats the id of "
                    f"row {first[rid]}; expected a unique respondent id"
                )
            first.setdefault(rid, rows[k])
        ids = [rid if rid is not None else f"row{rows[k]}" for k, rid in enumerate(ids)]
    else:
        ids = [f"row{r}" for r in rows]

    # --- groups -----------------------------------------------------------------------------
    groups: list[str] = []
    labels: list[str | None] = []
    if group is not None:
        labels = [None if g is None else _label(g) for g in background[group]]
        for k, g in enumerate(labels):
            if g is None and _is_missing(frame[group].iloc[k]):
                problems.append(
                    f"row {rows[k]}, column {group}: missing group; expected a value in every "
                    "row of the grouping column"
                )
        present = [g for g in labels if g is not None]
        if not problems:
            groups = _group_order(present, instrument, group)
            if len(groups) < 2:
                problems.append(
                    f"grouping column {group!r} has {len(groups)} group(s) "
                    f"({', '.join(groups) or 'none'}); expected at least two"
                )
            counts = pd.Series(present).value_counts()
            problems.extend(
                f"group {g!r} of column {group!r} has 1 respondent; expected at least 2 per group"
                for g in groups
                if counts[g] < 2
            )
    if problems:
        _raise(source, problems)

    bg = pd.DataFrame(background, index=index)
    for q in instrument.background:
        if q.id in bg and q.type == "number":
            bg[q.id] = pd.to_numeric(bg[q.id]).astype(float)
    return Responses(
        instrument=instrument,
        answers=pd.DataFrame(answers, columns=items, index=index),
        background=bg,
        ids=pd.Series(ids, index=index, name=RESPONDENT_COLUMN, dtype=object),
        source=source,
        group=group,
        groups=groups,
        labels=pd.Series(labels, index=index, name=group, dtype=object) if group else None,
    )


def _label(value: Any) -> str:
    return _fmt(value) if isinstance(value, float) else str(value)


def _group_order(present: list[str], instrument: Instrument, group: str) -> list[str]:
    """The declared category order for a category question, else sorted labels."""
    distinct = sorted(set(present))
    if group in instrument.background_ids():
        q = instrument.background_question(group)
        if q.type == "category" and q.categories:
            return [c for c in q.categories if c in set(present)]
    return distinct


def _number_range(lo: float | None, hi: float | None, unit: str | None) -> str:
    text = "a number"
    if lo is not None and hi is not None:
        text += f" from {_fmt(lo)} to {_fmt(hi)}"
    elif lo is not None:
        text += f" ≥ {_fmt(lo)}"
    elif hi is not None:
        text += f" ≤ {_fmt(hi)}"
    return text + (f" ({unit})" if unit else "") + ", or blank"


def _fmt(f: float) -> str:
    return str(int(f)) if float(f).is_integer() and math.isfinite(f) else f"{f:g}"


def _raise(source: str, problems: list[str]) -> None:
    n = len(problems)
    shown = problems[:MAX_LISTED]
    if n > MAX_LISTED:
        shown.append(f"... and {n - MAX_LISTED} more")
    head = f"{source}: {n} problem{'s' if n != 1 else ''}"
    raise ResponseError("\n".join([head, *shown]))
