"""Sweeps: same results whatever the executor; failures recorded; resume after SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from exp_helpers import small_experiment, write_experiment

import clustermarketing as cm
from clustermarketing.experiments import (
    ExperimentError,
    connect,
    parse_experiment,
    read_experiment,
    run_seed,
    run_sweep,
    store,
)
from clustermarketing.parallel import make_evaluator

TIMING = ["started", "seconds", "worker"]


def tables(directory: Path) -> dict[str, pd.DataFrame]:
    """The store's tables without timing columns, in key order (what must be identical)."""
    con = connect(directory)
    out = {
        "runs": con.execute(
            f"SELECT * EXCLUDE ({', '.join(TIMING)}) FROM runs ORDER BY point, replicate"
        ).df(),
        "metrics": con.execute("SELECT * FROM metrics ORDER BY point, replicate, model, arm").df(),
    }
    have = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    if "periods" in have:
        out["periods"] = con.execute(
            "SELECT * FROM periods ORDER BY point, replicate, model, arm, period"
        ).df()
    return out


def assert_same_store(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    assert ta.keys() == tb.keys()
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_like=True)


def test_store_schema_and_values_match_a_direct_simulation(tmp_path: Path) -> None:
    exp = parse_experiment(
        small_experiment(models=["collective_mark", "share_marketing_channel"], keep_periods=True)
    )
    rep = run_sweep(exp, tmp_path / "out")
    assert (rep.total, rep.ran, rep.failed) == (6, 6, 0)
    t = tables(tmp_path / "out")
    m = t["metrics"]
    assert list(m.columns[:5]) == ["point", "model", "arm", "replicate", "seed"]
    assert {"ties.strong_degree", "model.regulation.fine", "sme_profit", "cooperation_rate"} <= set(
        m.columns
    )
    assert len(m) == 3 * 2 * 2 * 2  # points × replicates × models × arms
    assert set(t["runs"]["status"]) == {"ok"}
    assert len(t["periods"]) == 3 * 2 * (2 + 1) * 4  # runs × (models + shared baseline) × periods
    # one row, recomputed by hand with the documented seed rule
    row = m[(m.point == 1) & (m.replicate == 1) & (m.model == "share_marketing_channel")]
    seed = run_seed(7, 1, 1)
    assert (row["seed"] == seed).all()
    sc = cm.load_scenario(
        "footwear",
        [
            "firms.count=60",
            f"ties.strong_degree={float(row['ties.strong_degree'].iloc[0])!r}",
            f"model.regulation.fine={float(row['model.regulation.fine'].iloc[0])!r}",
        ],
    )
    res = cm.simulate(sc, model="share_marketing_channel", replicates=1, periods=4, seed=seed)
    for arm in ("model", "baseline"):
        got = float(row[row.arm == arm]["sme_profit"].iloc[0])
        assert got == res.summary["metrics"]["sme_profit"][arm]["mean"]
    # the DuckDB file holds the same views
    import duckdb

    con = duckdb.connect(str(tmp_path / "out" / store.DATABASE), read_only=True)
    assert con.execute("SELECT count(*) FROM metrics").fetchone()[0] == len(m)


def test_identical_for_sequential_and_process_pool(tmp_path: Path) -> None:
    exp = parse_experiment(small_experiment())
    run_sweep(exp, tmp_path / "seq", make_evaluator("sequential"))
    with make_evaluator("local", 2) as ev:
        run_sweep(exp, tmp_path / "pool", ev)
    assert_same_store(tmp_path / "seq", tmp_path / "pool")


def test_failed_run_is_recorded_and_the_sweep_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = cm.compare
    bad_seed = run_seed(7, 1, 0)

    def flaky(sc, **kw):
        if kw["seed"] == bad_seed:
            raise RuntimeError("boom in the engine")
        return real(sc, **kw)

    monkeypatch.setattr(cm, "compare", flaky)
    exp = parse_experiment(small_experiment())
    rep = run_sweep(exp, tmp_path / "out")
    assert (rep.ran, rep.failed) == (6, 1)
    t = tables(tmp_path / "out")
    failed = t["runs"][t["runs"].status == "failed"]
    assert failed[["point", "replicate"]].values.tolist() == [[1, 0]]
    assert failed["error"].iloc[0].startswith("RuntimeError: boom in the engine")
    assert len(t["metrics"]) == 5 * 2  # no rows of the failed run
    # resuming keeps the failure; --retry-failed runs it again
    assert run_sweep(exp, tmp_path / "out").ran == 0
    monkeypatch.setattr(cm, "compare", real)
    rep = run_sweep(exp, tmp_path / "out", retry_failed=True)
    assert (rep.ran, rep.failed) == (1, 0)
    run_sweep(exp, tmp_path / "ref")
    assert_same_store(tmp_path / "out", tmp_path / "ref")


def test_changed_experiment_is_refused_for_an_existing_dir(tmp_path: Path) -> None:
    run_sweep(parse_experiment(small_experiment()), tmp_path / "out")
    with pytest.raises(ExperimentError, match="holds the results of a different experiment"):
        run_sweep(parse_experiment(small_experiment(replicates=3)), tmp_path / "out")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    with pytest.raises(ExperimentError, match="not empty and holds no sweep"):
        run_sweep(parse_experiment(small_experiment()), tmp_path / "other")


def test_interrupted_compaction_is_repaired(tmp_path: Path) -> None:
    import shutil

    import pyarrow.parquet as pq

    exp = parse_experiment(small_experiment())
    ref = tmp_path / "ref"
    run_sweep(exp, ref)
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    merged = pq.read_table(out / "metrics" / "chunk-000000.parquet")
    runs = pq.read_table(out / "runs" / "chunk-000000.parquet")
    # crash 1: compaction 1 wrote its metrics chunk but not its runs chunk (the commit mark)
    store.write_table(out / "metrics" / "chunk-000001.parquet", merged.slice(0, 3))
    # crash 2: compaction 0 committed but died before deleting the parts it merged
    one = store.part_name(2, 1)
    import pyarrow as pa

    def rows_of(t: pa.Table) -> pa.Table:
        df = t.to_pandas()
        return pa.Table.from_pandas(df[(df.point == 2) & (df.replicate == 1)], preserve_index=False)

    store.write_table(out / "runs" / one, rows_of(runs))
    store.write_table(out / "metrics" / one, rows_of(merged))
    assert_same_store(out, ref)  # the views already show each row once
    store.repair(out)
    assert not (out / "metrics" / "chunk-000001.parquet").exists()
    assert not (out / "runs" / one).exists() and not (out / "metrics" / one).exists()
    assert_same_store(out, ref)


def test_truncated_part_after_a_power_loss_is_run_again(tmp_path: Path) -> None:
    exp = parse_experiment(small_experiment())
    out = tmp_path / "out"
    run_sweep(exp, out, compact_every=10**9)
    # undo the final compaction: every run back in its parts, one of them truncated
    import pyarrow.parquet as pq

    for table in ("runs", "metrics"):
        chunk = out / table / "chunk-000000.parquet"
        df = pq.read_table(chunk).to_pandas()
        for (p, r), rows in df.groupby(["point", "replicate"]):
            rows.to_parquet(out / table / store.part_name(p, r), index=False)
        chunk.unlink()
    part = out / "metrics" / store.part_name(1, 1)
    part.write_bytes(part.read_bytes()[:40])
    rep = run_sweep(exp, out)
    assert (rep.already, rep.ran) == (5, 1)
    run_sweep(exp, tmp_path / "ref")
    assert_same_store(out, tmp_path / "ref")


SWEEP_SCRIPT = """
import sys
from clustermarketing.experiments import sweep
sweep.COMPACT_EVERY = 4   # compactions happen mid-sweep, so the kill can hit one
from clustermarketing.cli.main import main
main(sys.argv[1:])
"""


def test_resume_after_sigkill_equals_an_uninterrupted_sweep(tmp_path: Path) -> None:
    data = small_experiment(design={"kind": "lhs", "points": 8}, keep_periods=True)
    path = write_experiment(tmp_path / "e.yaml", data)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-c", SWEEP_SCRIPT, "sweep", str(path), "--out", str(out)]
    proc = subprocess.Popen(
        [*cmd, "-e", "local", "-w", "2", "--no-progress"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:  # wait for some, not all, finished runs
            done = len(list((out / "runs").glob("*.parquet"))) if (out / "runs").is_dir() else 0
            if done >= 3 or proc.poll() is not None:
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.stderr.read().decode()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its pool workers
        proc.wait()
    before = store.finished_runs(out)
    assert 0 < len(before) < 16
    rep = run_sweep(read_experiment(path), out)
    assert rep.already == len(before) and rep.done == 16
    ref = tmp_path / "ref"
    run_sweep(read_experiment(path), ref)
    assert_same_store(out, ref)
    # nothing left over: no temporary files, each run once
    assert not list(out.rglob(".*.tmp"))
    assert len(tables(out)["runs"]) == 16


def test_run_seeds_are_distinct_and_non_negative() -> None:
    seeds = {run_seed(7, p, r) for p in range(200) for r in range(5)}
    assert len(seeds) == 1000
    assert min(seeds) >= 0 and max(seeds) < 2**63
    assert np.int64(max(seeds)) == max(seeds)
