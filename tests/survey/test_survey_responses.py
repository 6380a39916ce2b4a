"""Reading and validating response files; Hypothesis fuzzing of bad files (one clear error each)."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clustermarketing.cli.main import app
from clustermarketing.survey import (
    ResponseError,
    ResponseFileError,
    analyze,
    load_instrument,
    read_responses,
    validate_responses,
)
from clustermarketing.survey.responses import MISSING_TOKENS

INST = load_instrument()
ITEMS = INST.item_ids()
runner = CliRunner()


def _rows(n: int, seed: int) -> list[list[str]]:
    """A valid table: header + n respondents, half clustered."""
    rng = np.random.default_rng(seed)
    rows = [INST.columns()]
    for k in range(n):
        answers = [str(int(v)) for v in rng.integers(1, 8, len(ITEMS))]
        group = "yes" if k % 2 == 0 else "no"
        rows.append([f"r{k}", group, "shoes", str(10 + k), str(k), *answers])
    return rows


def _csv(rows: list[list[str]], comments: tuple[str, ...] = ()) -> str:
    buf = io.StringIO()
    for c in comments:
        buf.write(f"# {c}\n")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _validate(tmp: Path, text: str, group: str | None = "clustered"):
    path = tmp / "r.csv"
    path.write_text(text, encoding="utf-8")
    return validate_responses(read_responses(path), INST, group=group)


def test_valid_file_round_trip(tmp_path: Path) -> None:
    rows = _rows(6, 1)
    rows[2][ITEMS.index("jp2") + 5] = ""  # a missing answer
    rows[3][ITEMS.index("tf1") + 5] = "NA"
    rows[4][1] = "Yes"  # category matched case-insensitively
    r = _validate(tmp_path, _csv(rows, ("synthetic",)))
    assert r.n == 6 and r.groups == ["yes", "no"]
    assert r.answers.index.tolist() == [3, 4, 5, 6, 7, 8]  # file lines (a comment, the header)
    assert r.missing_summary()["answers"] == 2
    assert r.background.loc[5, "clustered"] == "yes"
    recoded = r.recoded()
    assert (recoded["jp3"] == 8 - r.answers["jp3"]).all()
    assert (recoded["jp1"] == r.answers["jp1"]).all()


def test_excel_file_reads_like_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    rows = _rows(8, 2)
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append([int(c) if c.isdigit() else c for c in row])
    wb.save(tmp_path / "r.xlsx")
    (tmp_path / "r.csv").write_text(_csv(rows))
    a = validate_responses(read_responses(tmp_path / "r.xlsx"), INST, group="clustered")
    b = validate_responses(read_responses(tmp_path / "r.csv"), INST, group="clustered")
    pd.testing.assert_frame_equal(a.answers, b.answers)
    ws.cell(row=4, column=INST.columns().index("mo2") + 1, value=9)
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(ResponseError, match="row 4, column mo2: '9' is outside the scale"):
        validate_responses(read_responses(tmp_path / "bad.xlsx"), INST)


# --- fuzzing: each kind of defect gives exactly one named problem -----------------------------
def _one_problem(err: pytest.ExceptionInfo, *parts: str) -> str:
    text = str(err.value)
    assert text.splitlines()[0].endswith(": 1 problem"), text
    for p in parts:
        assert p in text, (p, text)
    assert "np.float64" not in text and "Traceback" not in text
    return text


FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(
    n=st.integers(2, 8),
    seed=st.integers(0, 10_000),
    data=st.data(),
    value=st.one_of(st.integers(-100, 0), st.integers(8, 1000)),
)
def test_fuzz_out_of_scale(tmp_path: Path, n: int, seed: int, data, value: int) -> None:
    rows = _rows(n, seed)
    r = data.draw(st.integers(1, n))
    item = data.draw(st.sampled_from(ITEMS))
    rows[r][INST.columns().index(item)] = str(value)
    with pytest.raises(ResponseError) as err:
        _validate(tmp_path, _csv(rows))
    _one_problem(err, f"row {r + 1}, column {item}", f"'{value}'", "outside the scale", "1 to 7")


def _not_a_number(s: str) -> bool:
    if s.strip().lower() in MISSING_TOKENS or not s.strip() or "\x00" in s:
        return False
    try:
        return not math.isfinite(float(s))
    except ValueError:
        return True


@FUZZ
@given(
    seed=st.integers(0, 10_000),
    data=st.data(),
    value=st.text(min_size=1, max_size=12).filter(_not_a_number),
)
def test_fuzz_non_numeric(tmp_path: Path, seed: int, data, value: str) -> None:
    rows = _rows(4, seed)
    r = data.draw(st.integers(1, 4))
    item = data.draw(st.sampled_from(ITEMS))
    rows[r][INST.columns().index(item)] = value
    text = _csv(rows)
    if list(csv.reader(io.StringIO(text, newline=""))) != rows:
        # an unquoted line break in the value (the writer quotes only "\n", a reader also ends a
        # line at "\r") makes two records of the row: the file is not the table; covered elsewhere
        return
    with pytest.raises(ResponseError) as err:
        _validate(tmp_path, text)
    _one_problem(err, f"row {r + 1}, column {item}", "not a number")


@FUZZ
@given(
    seed=st.integers(0, 10_000), value=st.floats(1.01, 6.99).filter(lambda f: not f.is_integer())
)
def test_fuzz_not_whole(tmp_path: Path, seed: int, value: float) -> None:
    rows = _rows(3, seed)
    rows[2][INST.columns().index("tr2")] = repr(value)
    with pytest.raises(ResponseError) as err:
        _validate(tmp_path, _csv(rows))
    _one_problem(err, "row 3, column tr2", repr(value)[:10], "not a whole number")


@FUZZ
@given(
    seed=st.integers(0, 10_000),
    name=st.from_regex(r"[A-Za-z][A-Za-z0-9_ ]{0,10}", fullmatch=True).filter(
        lambda s: s.strip() not in INST.columns() and s == s.strip()
    ),
    where=st.integers(0, 30),
)
def test_fuzz_unknown_column(tmp_path: Path, seed: int, name: str, where: int) -> None:
    rows = _rows(3, seed)
    for row in rows:
        row.insert(min(where, len(row)), name if row is rows[0] else "1")
    with pytest.raises(ResponseError) as err:
        _validate(tmp_path, _csv(rows))
    _one_problem(err, f"column {name!r}", "is unknown", "expected an item id")


@FUZZ
@given(seed=st.integers(0, 10_000), data=st.data(), blank=st.sampled_from(["", " ", "NA", "n/a"]))
def test_fuzz_missing_group(tmp_path: Path, seed: int, data, blank: str) -> None:
    rows = _rows(5, seed)
    r = data.draw(st.integers(1, 5))
    rows[r][1] = blank
    with pytest.raises(ResponseError) as err:
        _validate(tmp_path, _csv(rows))
    _one_problem(err, f"row {r + 1}, column clustered: missing group")


@FUZZ
@given(seed=st.integers(0, 10_000), item=st.sampled_from(ITEMS))
def test_fuzz_duplicate_column(tmp_path: Path, seed: int, item: str) -> None:
    rows = _rows(3, seed)
    k = INST.columns().index(item)
    for row in rows:
        row.append(row[k])
    with pytest.raises(ResponseError) as err:
        _validate(tmp_path, _csv(rows))
    _one_problem(err, f"column {item!r} appears more than once")


@FUZZ
@given(text=st.sampled_from(["", "\n", "\n\n  \n", "# only a comment\n", "\ufeff"]))
def test_fuzz_empty_file(tmp_path: Path, text: str) -> None:
    with pytest.raises(ResponseFileError, match="the file is empty"):
        _validate(tmp_path, text)


def test_other_defects(tmp_path: Path) -> None:
    rows = _rows(3, 0)
    with pytest.raises(ResponseError, match="header but no responses"):
        _validate(tmp_path, _csv(rows[:1]))
    with pytest.raises(ResponseError, match="item column\\(s\\) missing: mo4"):
        _validate(tmp_path, _csv([r[:-1] for r in rows]))
    bad = [list(r) for r in rows]
    bad[1][1] = "maybe"
    with pytest.raises(ResponseError, match="row 2, column clustered: 'maybe' is not a category"):
        _validate(tmp_path, _csv(bad))
    bad = [list(r) for r in rows]
    bad[2][3] = "-4"
    with pytest.raises(ResponseError, match="row 3, column size: '-4' is out of range"):
        _validate(tmp_path, _csv(bad))
    bad = [list(r) for r in rows]
    bad[2][0] = "r0"
    with pytest.raises(ResponseError, match="repeats the id of row 2"):
        _validate(tmp_path, _csv(bad))
    with pytest.raises(ResponseError, match="is a questionnaire item"):
        _validate(tmp_path, _csv(rows), group="jp1")
    one_group = [list(r) for r in rows]
    for r in one_group[1:]:
        r[1] = "yes"
    with pytest.raises(ResponseError, match="expected at least two"):
        _validate(tmp_path, _csv(one_group))
    with pytest.raises(ResponseFileError, match="not UTF-8"):
        (tmp_path / "l1.csv").write_bytes("respondent,clustered\nr1,s\xed\n".encode("latin-1"))
        read_responses(tmp_path / "l1.csv")
    long = _csv(rows).replace("\nr0,", "\nr0,extra,", 1)
    with pytest.raises(ResponseFileError, match="row 2 has"):
        _validate(tmp_path, long)


def test_many_problems_are_listed_and_capped(tmp_path: Path) -> None:
    rows = _rows(30, 3)
    for r in rows[1:]:
        r[INST.columns().index("jp1")] = "99"
    with pytest.raises(ResponseError) as err:
        _validate(tmp_path, _csv(rows))
    lines = str(err.value).splitlines()
    assert lines[0].endswith("30 problems") and lines[-1] == "... and 10 more"


def test_listwise_drops_incomplete_respondents(tmp_path: Path) -> None:
    rows = _rows(10, 4)
    rows[1][INST.columns().index("jp1")] = ""
    rows[2][INST.columns().index("mo4")] = ""
    r = _validate(tmp_path, _csv(rows))
    pair = analyze(r)
    lw = analyze(r, missing="listwise")
    assert sum(pair.n.values()) == 10 and sum(lw.n.values()) == 8
    assert lw.missing["dropped_listwise"] == 2 and pair.missing["answers"] == 2
    jp = pair.reliability.set_index("construct").loc["joint_promotion"]
    assert jp.n == 10 and lw.reliability.set_index("construct").loc["joint_promotion"].n == 8


# --- the same defects through the CLI: exit 2, one message, no traceback -----------------------
@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda rows: rows[2].__setitem__(5, "12"), "row 3, column jp1: '12' is outside the scale"),
        (
            lambda rows: rows[1].__setitem__(6, "often"),
            "row 2, column jp2: 'often' is not a number",
        ),
        (lambda rows: rows[0].__setitem__(4, "founded"), "column 'founded' (column 5) is unknown"),
        (lambda rows: rows[3].__setitem__(1, ""), "row 4, column clustered: missing group"),
        (lambda rows: rows[0].__setitem__(7, "jp2"), "column 'jp2' appears more than once"),
        (lambda rows: rows.clear(), "the file is empty"),
    ],
)
def test_cli_reports_bad_files(tmp_path: Path, mutate, needle: str) -> None:
    rows = _rows(4, 9)
    mutate(rows)
    path = tmp_path / "bad.csv"
    path.write_text(_csv(rows))
    result = runner.invoke(app, ["survey", "analyze", str(path), "--group", "clustered"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert needle in result.stderr
    assert "Traceback" not in result.stderr and "np.float64" not in result.stderr


def test_problem_row_is_the_line_a_multiline_record_starts_on(tmp_path: Path) -> None:
    """A quoted cell with a line break spans two lines; its problems are reported at the line
    where the respondent's record starts (what a spreadsheet user looks for)."""
    rows = _rows(4, 3)
    rows[1][INST.columns().index("mo4")] = "a,\rb"  # quoted by the writer: one record, 2 lines
    rows[3][INST.columns().index("mo4")] = "x"
    with pytest.raises(ResponseError) as err:
        _validate(tmp_path, _csv(rows))
    text = str(err.value)
    assert "row 2, column mo4: 'a,\\rb' is not a number" in text
    assert "row 5, column mo4: 'x' is not a number" in text  # the next records' lines count on
