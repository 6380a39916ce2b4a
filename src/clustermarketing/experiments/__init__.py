"""Experiments at scale: declared sweeps, a Parquet + DuckDB results store, sensitivity analysis
and scenario discovery (docs/experiments.md).

The flow is SALib's ``sample → run → analyze`` with EMA Workbench's pluggable evaluators:

* :func:`read_experiment` — a YAML declaration (base scenario, parameters, design, models,
  replicates, periods, outcomes, seed), validated field by field;
* :func:`run_sweep` — every (design point, replicate) run on any
  :class:`clustermarketing.parallel.Evaluator` (sequential, process pool, Ray), streamed to a
  results directory that survives ``kill -9`` and resumes;
* :func:`connect` — DuckDB views ``runs``, ``metrics``, ``periods``, ``design`` over that store;
* :func:`analyze` — Sobol' and Morris indices (SALib) and PRIM boxes (EMA Workbench) of an
  outcome; :func:`sensitivity` — the same indices of any vectorised function.
"""

from clustermarketing.experiments.analysis import analyze, sensitivity
from clustermarketing.experiments.spec import (
    Experiment,
    ExperimentError,
    parse_experiment,
    read_experiment,
)
from clustermarketing.experiments.store import connect
from clustermarketing.experiments.sweep import plan, run_seed, run_sweep

__all__ = [
    "Experiment",
    "ExperimentError",
    "analyze",
    "connect",
    "parse_experiment",
    "plan",
    "read_experiment",
    "run_seed",
    "run_sweep",
    "sensitivity",
]
