"""The Ray backend on a private local instance: same store as the sequential evaluator."""

from __future__ import annotations

from pathlib import Path

import pytest
from exp_helpers import small_experiment
from test_sweep import assert_same_store

from clustermarketing.experiments import parse_experiment, run_sweep
from clustermarketing.parallel import EVALUATORS, make_evaluator

ray = pytest.importorskip("ray")


def test_ray_evaluator_matches_sequential(tmp_path: Path) -> None:
    import clustermarketing.parallel.ray as backend

    assert EVALUATORS["ray"] is backend.RayEvaluator
    exp = parse_experiment(small_experiment())  # 3 points × 2 replicates
    run_sweep(exp, tmp_path / "seq", make_evaluator("sequential"))
    with make_evaluator("ray", 2) as ev:
        assert ray.is_initialized()
        # results of a plain function come back with their job index, in any order
        assert sorted(ev.imap_unordered(abs, [-3, 1, -2])) == [(0, 3), (1, 1), (2, 2)]
        node = ray.nodes()[0]["NodeManagerAddress"]
        assert node.startswith("127."), node  # the local instance stays on loopback
        run_sweep(exp, tmp_path / "ray", ev)
    assert not ray.is_initialized()  # the instance it started is shut down
    assert_same_store(tmp_path / "seq", tmp_path / "ray")
