"""Sweep throughput, parallel efficiency, store overhead and parent memory (issue 12).

Run as a script (it is not a test and asserts nothing about wall-clock time)::

    python benchmarks/sweep.py                     # 2,000 runs each: sequential, local, ray
    python benchmarks/sweep.py --runs 200 --memory-firms 60 --memory-periods 2   # busy machine
    python benchmarks/sweep.py --executors sequential,local

The sweep: ``footwear`` with ``firms.count = 200``, ``--periods`` (20) periods, one model
(``collective_mark``) against the baseline, a Latin hypercube over ``ties.strong_degree``
(1–8) and ``model.regulation.fine`` (0–500) with one replicate per point, so ``--runs`` runs.

Measured, each in its own subprocess (so the memory figure belongs to that sweep's parent):

* ``runs_per_s`` — finished runs / wall seconds of :func:`run_sweep` (process start-up of the
  pool / Ray instance included, experiment checks excluded);
* ``efficiency`` — (runs/s of the pool with W workers) / (W × runs/s sequential): the share of
  ideal linear speed-up (target ≥ 85% with 2 workers on 2 free cores);
* ``store_ms_per_run`` — parent seconds spent writing parts, compacting and writing the DuckDB
  file, per run;
* ``parent_max_rss_mb`` — ``getrusage(RUSAGE_SELF).ru_maxrss`` of the sweeping parent (its
  workers excluded), for the pool at each of ``--memory-runs``: flat means the 2,000-run figure
  stays within 10% of the 500-run one. The parent only stores results, so its memory does not
  depend on the size of a run: ``--memory-firms`` / ``--memory-periods`` make the memory check
  cheap on a busy machine without changing what it measures.

Every figure depends on how busy the machine is: on a shared machine, compare the ratios of one
run, not absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def experiment(runs: int, firms: int, periods: int) -> dict:
    return {
        "name": "benchmark",
        "base": "footwear",
        "set": {"firms.count": firms},
        "parameters": {
            "ties.strong_degree": {"low": 1, "high": 8},
            "model.regulation.fine": {"low": 0, "high": 500},
        },
        "design": {"kind": "lhs", "points": runs},
        "models": ["collective_mark"],
        "replicates": 1,
        "periods": periods,
        "outcomes": ["sme_profit", "cooperation_rate", "profit", "output", "firms"],
        "seed": 12,
    }


def child(args: argparse.Namespace) -> None:
    """One sweep in this process; prints one JSON line."""
    from clustermarketing.experiments import parse_experiment, plan, run_sweep
    from clustermarketing.parallel import make_evaluator

    exp = parse_experiment(experiment(args.runs, args.firms, args.periods))
    plan(exp)
    out = Path(args.out)
    kwargs = {}
    if args.executor == "ray":
        import clustermarketing.parallel.ray  # noqa: F401

    t0 = time.perf_counter()
    ev = make_evaluator(args.executor, args.workers, **kwargs)
    try:
        rep = run_sweep(exp, out, ev)
    finally:
        ev.close()
    wall = time.perf_counter() - t0
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "executor": args.executor,
                "workers": ev.workers,
                "runs": rep.ran,
                "failed": rep.failed,
                "seconds": wall,
                "runs_per_s": rep.ran / wall,
                "store_ms_per_run": 1000 * rep.store_seconds / max(rep.ran, 1),
                "parent_max_rss_mb": rss_kb / 1024,
            }
        ),
        flush=True,
    )


def measure(
    executor: str,
    runs: int,
    args: argparse.Namespace,
    tmp: Path,
    firms: int | None = None,
    periods: int | None = None,
) -> dict:
    firms = args.firms if firms is None else firms
    periods = args.periods if periods is None else periods
    out = tmp / f"{executor}-{runs}-{firms}-{periods}"
    cmd = [
        sys.executable,
        __file__,
        "--child",
        "--executor",
        executor,
        "--runs",
        str(runs),
        "--workers",
        str(1 if executor == "sequential" else args.workers),
        "--firms",
        str(firms),
        "--periods",
        str(periods),
        "--out",
        str(out),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{executor} ({runs} runs) failed:\n{proc.stderr[-3000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    print(
        f"  {executor:<10} {runs:>6} runs ({firms} firms, {periods} periods)  "
        f"{res['runs_per_s']:8.2f} runs/s  "
        f"store {res['store_ms_per_run']:6.2f} ms/run  parent max RSS "
        f"{res['parent_max_rss_mb']:7.1f} MB  ({res['seconds']:.0f} s)",
        flush=True,
    )
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--memory-runs", default="500,2000", help="pool sizes for the memory check")
    ap.add_argument("--executors", default="sequential,local,ray")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--firms", type=int, default=200)
    ap.add_argument("--periods", type=int, default=20)
    ap.add_argument(
        "--memory-firms", type=int, help="firms per run of the memory check (default: --firms)"
    )
    ap.add_argument(
        "--memory-periods", type=int, help="periods of the memory check (default: --periods)"
    )
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--executor", default="sequential", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    import clustermarketing

    executors = args.executors.split(",")
    mem_sizes = sorted({int(x) for x in args.memory_runs.split(",") if x})
    print(
        f"sweep benchmark: clustermarketing {clustermarketing.__version__}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"footwear, {args.firms} firms, {args.periods} periods, collective_mark vs baseline, "
        f"{args.runs} runs; pool/Ray with {args.workers} workers"
    )
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="cm-sweep-bench-") as t:
        tmp = Path(t)
        for ex in executors:
            results[ex] = measure(ex, args.runs, args, tmp)
        memory = {}
        mf = args.memory_firms or args.firms
        mp = args.memory_periods or args.periods
        same = (mf, mp) == (args.firms, args.periods)
        for n in mem_sizes:
            if same and n == args.runs and "local" in results:
                memory[n] = results["local"]
            else:
                memory[n] = measure("local", n, args, tmp, mf, mp)
    seq = results.get("sequential")
    print("summary:")
    if seq:
        per_run = 1 / seq["runs_per_s"]
        print(
            f"  sequential cost per run: {1000 * per_run:.0f} ms (2 arms × {args.periods} periods)"
        )
    for ex in ("local", "ray"):
        if ex in results and seq:
            eff = results[ex]["runs_per_s"] / (seq["runs_per_s"] * results[ex]["workers"])
            print(
                f"  {ex}: speed-up {results[ex]['runs_per_s'] / seq['runs_per_s']:.2f}× with "
                f"{results[ex]['workers']} workers, parallel efficiency {100 * eff:.0f}%"
            )
    store = [r["store_ms_per_run"] for r in results.values()]
    if store:
        print(f"  store overhead: {min(store):.2f}–{max(store):.2f} ms per run (parent)")
    if len(memory) >= 2:
        lo, hi = memory[min(memory)], memory[max(memory)]
        growth = hi["parent_max_rss_mb"] / lo["parent_max_rss_mb"] - 1
        print(
            f"  parent memory (pool, {mf} firms, {mp} periods per run): "
            f"{lo['parent_max_rss_mb']:.1f} MB at {min(memory)} runs, "
            f"{hi['parent_max_rss_mb']:.1f} MB at {max(memory)} runs ({100 * growth:+.1f}%)"
        )
    print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
