"""Sweeps: every (design point, replicate) run, spread by an evaluator, streamed to the store.

One run is one design point × one replicate: every requested model and the independent baseline
on common random numbers, seeded with

    seed(point, replicate) = SeedSequence(experiment seed, spawn_key=(point, replicate))
                             → first 64-bit word, shifted right by one (a non-negative int64),

so a run's numbers depend on nothing but the experiment and its own coordinates — not on the
executor, the worker count, the completion order or an interruption and resume.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import socket
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import yaml

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.experiments import store
from clustermarketing.experiments.design import (
    UNIT_PREFIX,
    ResolvedParameter,
    base_value,
    build_design,
    resolve_parameters,
)
from clustermarketing.experiments.spec import Experiment, ExperimentError

#: compaction period of the store (runs between merges of per-run files into chunks)
COMPACT_EVERY = 500


def run_seed(seed: int, point: int, replicate: int, common: bool = False) -> int:
    """The seed of run (point, replicate): independent streams for every run.

    With ``common`` (experiment ``seeds: common``) replicate r uses the same seed at every
    design point, ``SeedSequence(seed, spawn_key=(r,))``: common random numbers across points,
    so differences between points are due to the parameters alone.

    >>> run_seed(7, 0, 0) == run_seed(7, 0, 0) != run_seed(7, 0, 1)
    True
    >>> run_seed(7, 0, 1, common=True) == run_seed(7, 5, 1, common=True)
    True
    """
    key = (replicate,) if common else (point, replicate)
    ss = np.random.SeedSequence(seed, spawn_key=key)
    return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


def yaml_value(value: Any) -> str:
    """A value as a ``--set`` right-hand side that YAML reads back as the same value.

    >>> yaml_value(1e-05), yaml_value(3), yaml_value("yes"), yaml_value("a b")
    ('1.0e-05', '3', "'yes'", 'a b')
    """
    if isinstance(value, np.generic):
        value = value.item()
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def assignments(values: dict[str, Any]) -> list[str]:
    """``path=value`` overrides for :func:`clustermarketing.scenario.load_scenario`."""
    return [f"{path}={yaml_value(v)}" for path, v in values.items()]


@dataclass(frozen=True)
class Job:
    """Everything a worker needs for one run (picklable, self-contained)."""

    point: int
    replicate: int
    seed: int
    values: dict[str, Any]
    base: dict[str, Any]
    models: tuple[str, ...]
    periods: int
    outcomes: tuple[str, ...]
    keep_periods: bool


@dataclass
class Plan:
    """A checked experiment: the base scenario, resolved parameters and the design."""

    experiment: Experiment
    base: dict[str, Any]
    parameters: list[ResolvedParameter]
    design: Any  # pandas.DataFrame
    periods: int
    outcomes: list[str]

    @property
    def total(self) -> int:
        return len(self.design) * self.experiment.replicates

    @property
    def param_names(self) -> list[str]:
        return [c for c in self.design.columns if c != "point" and not c.startswith(UNIT_PREFIX)]

    def jobs(self, skip: set[tuple[int, int]] | frozenset = frozenset()) -> Iterator[Job]:
        """The runs not in ``skip``, lazily, in (point, replicate) order."""
        exp = self.experiment
        names = self.param_names
        columns = [self.design[n].tolist() for n in names]
        for i in range(len(self.design)):
            values = {n: _plain(col[i]) for n, col in zip(names, columns, strict=True)}
            for r in range(exp.replicates):
                if (i, r) in skip:
                    continue
                yield Job(
                    i,
                    r,
                    run_seed(exp.seed, i, r, exp.seeds == "common"),
                    values,
                    self.base,
                    tuple(exp.models),
                    self.periods,
                    tuple(self.outcomes),
                    exp.keep_periods,
                )


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _scenario(base: dict[str, Any], values: dict[str, Any], models: tuple[str, ...]) -> Any:
    from clustermarketing.scenario.load import load_scenario

    sc = load_scenario(base, assignments(values))
    for m in models:
        sc.model_config_for(m)
    return sc


def plan(exp: Experiment) -> Plan:
    """Check an experiment against its base scenario and draw its design (before any run).

    Checks, each failing with a message naming the field: the base scenario with the ``set``
    overrides; every model on it; every parameter path (it must exist: scenario field paths as in
    ``--set``, ``model.*`` fields of every requested model) at its low and high bound and at
    every categorical level; and the corners of the parameter box (all 2^d of them for d ≤ 8,
    else all-low and all-high). A run whose interior point is still rejected by a cross-field
    rule is recorded as failed with the message.
    """
    from clustermarketing.scenario.load import scenario_dict

    try:
        raw = scenario_dict(exp.base_source())
    except ClusterMarketingError as e:
        raise ExperimentError(f"base: {e}") from None
    clash = sorted(set(exp.overrides) & set(exp.parameters))
    if clash:
        raise ExperimentError(
            f"parameters.{clash[0]}: also fixed under set; vary it or fix it, not both"
        )
    models = tuple(exp.models)
    try:
        from clustermarketing.scenario.load import apply_set

        for a in assignments(exp.overrides):
            raw = apply_set(raw, a)
        sc = _scenario(raw, {}, models)
    except (ClusterMarketingError, ValueError) as e:
        raise ExperimentError(f"set: {str(e).removeprefix('--set ')}") from None
    sc_json = sc.model_dump(mode="json")
    model_json = sc.model_config_for(models[0]).model_dump(mode="json")
    bases = {n: base_value(sc_json, model_json, n) for n in exp.parameters}
    params = resolve_parameters(exp, bases)
    for p in params:
        if p.kind == "categorical":
            probes = list(p.spec.levels or [])
        else:
            lo, hi = p.from_unit(np.array([0.0])), p.from_unit(np.array([1.0]))
            probes = [_plain(lo[0]), _plain(hi[0])]
        for v in probes:
            try:
                _scenario(raw, {p.name: v}, models)
            except (ClusterMarketingError, ValueError) as e:
                raise ExperimentError(
                    f"parameters.{p.name}: value {v!r} gives an invalid scenario: "
                    f"{str(e).removeprefix('--set ')}"
                ) from None
    design = build_design(exp, params)
    if params:
        _check_corners(raw, params, models)
    if exp.design.kind == "list":
        names = [c for c in design.columns if c != "point" and not c.startswith(UNIT_PREFIX)]
        for i in range(len(design)):
            values = {n: _plain(design[n].iloc[i]) for n in names}
            try:
                _scenario(raw, values, models)
            except (ClusterMarketingError, ValueError) as e:
                raise ExperimentError(
                    f"design.points.{i}: invalid scenario: {str(e).removeprefix('--set ')}"
                ) from None
    return Plan(exp, raw, params, design, exp.periods or sc.horizon, exp.outcome_names)


def _check_corners(
    raw: dict[str, Any], params: list[ResolvedParameter], models: tuple[str, ...]
) -> None:
    import itertools

    d = len(params)
    corners = itertools.product((0.0, 1.0), repeat=d) if d <= 8 else [(0.0,) * d, (1.0,) * d]
    for corner in corners:
        values = {
            p.name: _plain(p.from_unit(np.array([u]))[0])
            for p, u in zip(params, corner, strict=True)
        }
        try:
            _scenario(raw, values, models)
        except (ClusterMarketingError, ValueError) as e:
            shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
            raise ExperimentError(
                f"parameters: the corner {shown} gives an invalid scenario: "
                f"{str(e).removeprefix('--set ')}"
            ) from None


def _run_job(job: Job) -> dict[str, Any]:
    """Run one (point, replicate): every model and the baseline, summarised per arm.

    :func:`clustermarketing.compare` runs the baseline once and each model once, all from the
    run's seed (common random numbers). Returns ``{"run": record, "metrics": pyarrow.Table,
    "periods": pyarrow.Table | None}``. An exception is caught and recorded (status ``failed``
    with the error) instead of raised, so one bad run never stops a sweep.
    """
    import clustermarketing as cm

    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    run: dict[str, Any] = {
        "point": job.point,
        "replicate": job.replicate,
        "seed": job.seed,
        "models": ",".join(job.models),
        **job.values,
    }
    metrics = periods = None
    try:
        sc = _scenario(job.base, job.values, job.models)
        res = cm.compare(
            sc, models=list(job.models), replicates=1, periods=job.periods, seed=job.seed
        )
        v = res.replicate_values
        rows = {
            "point": np.full(len(v), job.point, dtype=np.int64),
            "model": v["model"].astype(str).to_numpy(),
            "arm": v["arm"].astype(str).to_numpy(),
            "replicate": np.full(len(v), job.replicate, dtype=np.int64),
            "seed": np.full(len(v), job.seed, dtype=np.int64),
        }
        for name, value in job.values.items():
            rows[name] = [value] * len(v)
        for name in job.outcomes:
            rows[name] = v[name].to_numpy(dtype=float)
        metrics = pa.table(rows)
        if job.keep_periods:
            c = res.cluster.drop(columns=["replicate"])
            c.insert(0, "replicate", job.replicate)
            c.insert(0, "point", job.point)
            periods = pa.Table.from_pandas(c, preserve_index=False)
        run.update(status="ok", error=None)
    except Exception as e:  # recorded, never raised: see the docstring
        last = traceback.extract_tb(e.__traceback__)[-1:]
        where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
        run.update(status="failed", error=f"{type(e).__name__}: {e}{where}")
        metrics = periods = None
    run["started"] = started.isoformat(timespec="milliseconds")
    run["seconds"] = time.perf_counter() - t0
    run["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return {"run": run, "metrics": metrics, "periods": periods}


@dataclass
class SweepReport:
    """What a call to :func:`run_sweep` did."""

    directory: Path
    total: int
    already: int
    ran: int = 0
    failed: int = 0
    seconds: float = 0.0
    store_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.already + self.ran


def open_results_dir(directory: Path, exp: Experiment, plan_: Plan, source_text: str) -> dict:
    """Create DIR for this experiment, or check that an existing DIR belongs to it."""
    from clustermarketing import __version__

    if directory.exists() and not directory.is_dir():
        raise ExperimentError(f"--out {directory}: is a file; expected a directory")
    h = exp.experiment_hash()
    manifest = store.read_manifest(directory) if directory.is_dir() else None
    if manifest is not None:
        if manifest.get("experiment_hash") != h:
            raise ExperimentError(
                f"--out {directory}: holds the results of a different experiment "
                f"(hash {str(manifest.get('experiment_hash'))[:12]}…, this file "
                f"{h[:12]}…); use a new --out directory, or restore the experiment file "
                "that filled it to resume"
            )
        return manifest
    if directory.is_dir() and any(directory.iterdir()):
        raise ExperimentError(
            f"--out {directory}: not empty and holds no sweep ({store.MANIFEST} missing); "
            "use a new or empty directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
    from clustermarketing.io import atomic_write_text, atomic_write_with

    atomic_write_text(directory / "experiment.yaml", source_text)
    design = plan_.design
    atomic_write_with(directory / store.DESIGN, lambda p: design.to_parquet(p, index=False))
    manifest = {
        "tool": "clustermarketing",
        "version": __version__,
        "experiment_hash": h,
        "experiment": exp.canonical(),
        "base_scenario": plan_.base,
        "parameters": [
            {
                "path": p.name,
                "kind": p.kind,
                "low": p.spec.low,
                "high": p.spec.high,
                "levels": p.spec.levels,
            }
            for p in plan_.parameters
        ],
        "design_points": len(design),
        "replicates": exp.replicates,
        "total_runs": plan_.total,
        "periods": plan_.periods,
        "outcomes": plan_.outcomes,
        "models": list(exp.models),
        "seed_rule": (
            "SeedSequence(seed, spawn_key="
            + ("(replicate,)" if exp.seeds == "common" else "(point, replicate)")
            + ").generate_state(1, uint64)[0] >> 1"
        ),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sessions": [],
    }
    store.write_manifest(directory, manifest)
    return manifest


def run_sweep(
    exp: Experiment,
    directory: str | Path,
    evaluator: Any = None,
    *,
    source_text: str | None = None,
    retry_failed: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
    compact_every: int = COMPACT_EVERY,
    options: dict[str, Any] | None = None,
) -> SweepReport:
    """Run (or resume) every run of ``exp`` not yet in ``directory``.

    ``evaluator`` is a :class:`clustermarketing.parallel.Evaluator` (default: sequential), or a
    function returning one, called only when runs remain (a cluster is not started for a
    finished sweep); an evaluator made here or by such a function is closed here.
    ``progress(done, total, failed)`` is called after each stored run. Runs recorded as failed
    are kept unless ``retry_failed``. Returns a :class:`SweepReport`.
    """
    from clustermarketing import __version__
    from clustermarketing.parallel import make_evaluator

    directory = Path(directory)
    plan_ = plan(exp)
    text = source_text if source_text is not None else yaml.safe_dump(exp.canonical())
    manifest = open_results_dir(directory, exp, plan_, text)
    # resume from the design as stored (a newer SciPy/SALib could draw a different one)
    import pandas as pd

    plan_.design = pd.read_parquet(directory / store.DESIGN)
    with store.lock(directory):
        store.repair(directory)
        done = store.finished_runs(directory)
        skip = {k for k, s in done.items() if s == "ok" or not retry_failed}
        report = SweepReport(directory, plan_.total, len(skip))
        report.failed = sum(1 for k in skip if done[k] != "ok")
        manifest["sessions"].append(
            {
                "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "version": __version__,
                "python": platform.python_version(),
                "host": socket.gethostname(),
                "already_done": len(skip),
                **(options or {}),
            }
        )
        store.write_manifest(directory, manifest)
        from clustermarketing.parallel import Evaluator

        own = not isinstance(evaluator, Evaluator)
        ev: Any = None
        if report.already < report.total:
            if evaluator is None:
                ev = make_evaluator("sequential")
            else:
                ev = evaluator() if own else evaluator
        t0 = time.perf_counter()
        since_compact = 0
        if progress is not None:
            progress(report.done, report.total, report.failed)
        try:
            results = ev.imap_unordered(_run_job, plan_.jobs(skip)) if ev is not None else ()
            for _, result in results:
                s0 = time.perf_counter()
                store.write_run(directory, result)
                report.ran += 1
                since_compact += 1
                if result["run"]["status"] != "ok":
                    report.failed += 1
                    if len(report.failures) < 20:
                        r = result["run"]
                        report.failures.append(
                            f"point {r['point']} replicate {r['replicate']}: {r['error']}"
                        )
                if since_compact >= compact_every:
                    store.compact(directory)
                    since_compact = 0
                report.store_seconds += time.perf_counter() - s0
                del result
                if progress is not None:
                    progress(report.done, report.total, report.failed)
        finally:
            if own and ev is not None:
                ev.close()
        s0 = time.perf_counter()
        store.compact(directory)
        store.write_database(directory)
        report.store_seconds += time.perf_counter() - s0
        report.seconds = time.perf_counter() - t0
    return report


__all__ = ["Job", "Plan", "SweepReport", "plan", "run_seed", "run_sweep"]
