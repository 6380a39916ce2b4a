"""Atomic outputs: no file ever appears half-written under its final name."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clustermarketing import io as cmio


@dataclass
class FakeResult:
    cluster: pd.DataFrame
    firms: pd.DataFrame | None
    summary: dict


def _result(panel: bool = True) -> FakeResult:
    cluster = pd.DataFrame(
        {"replicate": [0, 0], "arm": ["model", "baseline"], "period": [0, 0], "output": [1.0, 2.0]}
    )
    firms = pd.DataFrame({"replicate": [0], "firm": [3], "output": [0.5]}) if panel else None
    summary = {"scenario": "x", "metrics": {"output": {"model": {"mean": np.float64(1.0)}}}}
    return FakeResult(cluster, firms, summary)


def _names(d: Path) -> set[str]:
    return {p.name for p in d.iterdir()}


def test_atomic_write_text_and_bytes(tmp_path: Path) -> None:
    p = cmio.atomic_write_text(tmp_path / "sub" / "a.txt", "héllo\n")
    assert p.read_text(encoding="utf-8") == "héllo\n"
    cmio.atomic_write_bytes(p, b"\x00\x01")
    assert p.read_bytes() == b"\x00\x01"
    assert _names(p.parent) == {"a.txt"}


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")

    def boom(tmp: Path) -> None:
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        cmio.atomic_write_with(target, boom)
    assert target.read_text() == "old"
    assert _names(tmp_path) == {"a.txt"}


def test_write_outputs_files_and_order(tmp_path: Path) -> None:
    written = cmio.write_outputs(_result(), tmp_path / "out")
    assert [p.name for p in written] == ["cluster.parquet", "firms.parquet", "summary.json"]
    out = tmp_path / "out"
    assert _names(out) == {"cluster.parquet", "firms.parquet", "summary.json"}
    pd.testing.assert_frame_equal(pd.read_parquet(out / "cluster.parquet"), _result().cluster)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["metrics"]["output"]["model"]["mean"] == 1.0


def test_write_outputs_without_panel(tmp_path: Path) -> None:
    cmio.write_outputs(_result(panel=False), tmp_path)
    assert _names(tmp_path) == {"cluster.parquet", "summary.json"}


@pytest.mark.parametrize("fail_on", ["cluster", "firms", "summary"])
def test_interrupted_write_leaves_no_partial_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_on: str
) -> None:
    """Simulate a crash while writing one file: no final-named partial file, no summary.json."""
    real_write_parquet = cmio._write_parquet
    real_write_text = cmio.atomic_write_text

    def flaky_write_parquet(df: pd.DataFrame, path: Path, *a: object) -> None:
        is_firms = "firm" in df.columns
        if fail_on == ("firms" if is_firms else "cluster"):
            Path(path).write_bytes(b"PAR1 partial")  # half a file, then the crash
            raise KeyboardInterrupt
        real_write_parquet(df, path, *a)

    def flaky_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
        def half(tmp: Path) -> None:
            tmp.write_text(text[: len(text) // 2])
            raise KeyboardInterrupt

        if fail_on == "summary":
            return cmio.atomic_write_with(path, half)
        return real_write_text(path, text, encoding)

    monkeypatch.setattr(cmio, "_write_parquet", flaky_write_parquet)
    monkeypatch.setattr(cmio, "atomic_write_text", flaky_write_text)
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("{}")  # a stale summary from an earlier run
    with pytest.raises(KeyboardInterrupt):
        cmio.write_outputs(_result(), out)
    names = _names(out)
    assert "summary.json" not in names  # the stale marker is gone; the run is incomplete
    assert not [n for n in names if n.endswith(".tmp")]
    for name in names:  # whatever exists under a final name is complete and readable
        pd.read_parquet(out / name)
    expected = {
        "cluster": set(),
        "firms": {"cluster.parquet"},
        "summary": {"cluster.parquet", "firms.parquet"},
    }
    assert names == expected[fail_on]


def test_jsonable_strict_json() -> None:
    data = {"a": np.float64("nan"), "b": [np.int64(3), float("inf")], "c": Path("x"), 1: None}
    assert cmio.jsonable(data) == {"a": None, "b": [3, None], "c": "x", "1": None}
    assert cmio.summary_json({"b": 1, "a": np.array([1.5])}) == '{"a": [1.5], "b": 1}'
