"""Throughput and memory of the array engine, against a one-object-per-firm reference.

Run as a script (it is not a test and asserts nothing about wall-clock time)::

    python benchmarks/engine.py                      # 10,000 and 100,000 firms
    python benchmarks/engine.py --sizes 10000 --periods 5
    python benchmarks/engine.py --quick              # 10,000 firms, few periods

What it measures, per size and per arm (``collective_mark``: cooperative, star structure; and the
``independent`` baseline):

* ``firm_periods_per_s`` — active firms × periods / wall seconds of
  ``clustermarketing.engine.period.step``, excluding the build and two warm-up periods;
* peak memory, two ways: ``tracemalloc_peak_mb`` (Python-side allocations, including NumPy
  buffers, which NumPy reports to tracemalloc) over build + warm-up, and ``max_rss_mb``
  (``resource.getrusage`` maximum resident set of the whole process, interpreter and imported
  libraries included);
* the ratio against ``benchmarks/reference_objects.py``: the same period written in the Mesa
  idiom (a ``Firm`` class, a ``Model`` with a list of agents and a Python loop over firms for
  every phase), measured in the same run on the same worlds. Where the reference would take
  longer than ``--ref-budget`` seconds it is not run, and its throughput is extrapolated
  linearly from the smallest size (constant firm-periods/s); the output says so.

Every measurement runs in its own subprocess (so ``max_rss_mb`` belongs to that measurement),
with ``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS`` / ``MKL_NUM_THREADS`` = 1 set before NumPy is
imported and the process pinned to one core with ``os.sched_setaffinity`` where available.

The scenario is the ``footwear`` example (or ``--example optoelectronics``) with
``firms.count = N``, ``ties.strong_degree = 4``, ``ties.weak_degree = 6`` (about 10 ties per
firm), the default three markets, and every market's size scaled by N / (the example's firm
count) so that a firm faces the same demand as in the example (otherwise a 100,000-firm cluster
would share a 300-firm market and collapse into exits within a few periods).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
MODEL = "collective_mark"
BASELINE = "independent"
WARMUP = 2
TARGET_FPS = 2_000_000
TARGET_FPS_SIZE = 100_000
TARGET_MEM_MB = 2048.0
TARGET_RATIO = 50.0


# ----------------------------------------------------------------------------- worker side
def _pin() -> str:
    if hasattr(os, "sched_setaffinity"):
        try:
            cpu = max(os.sched_getaffinity(0))
            os.sched_setaffinity(0, {cpu})
            return f"cpu {cpu}"
        except OSError:
            return "not pinned"
    return "not pinned (no sched_setaffinity)"


def _rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / (1024.0 * 1024.0) if sys.platform == "darwin" else kb / 1024.0


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def scenario_for(example: str, n: int):
    """The benchmark scenario: the example at ``n`` firms, ~10 ties per firm, scaled markets."""
    import clustermarketing as cm
    from clustermarketing.scenario.load import example_dict

    raw = example_dict(example)
    base = cm.load_scenario(raw)
    factor = n / base.firms.count
    overrides = [
        f"firms.count={n}",
        "ties.strong_degree=4",
        "ties.weak_degree=6",
        *(f"markets.{i}.size={mk.size * factor!r}" for i, mk in enumerate(base.markets)),
    ]
    return cm.load_scenario(raw, overrides=overrides)


def worker(impl: str, arm: str, n: int, periods: int, example: str, seed: int) -> dict:
    """One measurement; returns a JSON-able dict."""
    pinned = _pin()
    import numpy as np

    from clustermarketing.engine.build import build
    from clustermarketing.engine.context import make_streams

    rss_imports = _current_rss_mb()
    sc = scenario_for(example, n)
    model = sc.model_config_for(arm)
    tracemalloc.start()
    t0 = time.perf_counter()
    streams = make_streams(np.random.SeedSequence(seed))
    world, state = build(sc, model, streams)
    iterations: list[float] = []
    if impl == "engine":
        from clustermarketing.engine.period import Context, step

        ctx = Context(world, sc, model, sc.pricing, streams)
        build_s = time.perf_counter() - t0
        for _ in range(WARMUP):
            step(state, ctx)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        firm_periods = 0
        t1 = time.perf_counter()
        for _ in range(periods):
            firm_periods += int(state.active.sum())
            rec = step(state, ctx)
            iterations.append(rec["price_iterations"])
        wall = time.perf_counter() - t1
        members = float(state.member[state.active].mean()) if state.active.any() else 0.0
        warmup = WARMUP
        traced = f"build + {WARMUP} warm-up periods"
    else:
        sys.path.insert(0, str(HERE))
        from reference_objects import ReferenceModel

        ref = ReferenceModel(world, state, sc, model, seed=seed)
        del world, state
        build_s = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()  # tracing every small Python allocation would distort the timing
        ref.step()  # one untimed warm-up: the t > 0 phases (membership, imitation) then run
        firm_periods = 0
        t1 = time.perf_counter()
        for _ in range(periods):
            firm_periods += len(ref.live())
            rec = ref.step()
            iterations.append(rec["price_iterations"])
        wall = time.perf_counter() - t1
        live = ref.live()
        members = sum(f.member for f in live) / max(1, len(live))
        warmup = 1
        traced = "build + agent construction"
    return {
        "impl": impl,
        "arm": arm,
        "size": n,
        "periods": periods,
        "warmup": warmup,
        "build_s": build_s,
        "wall_s": wall,
        "firm_periods": firm_periods,
        "firm_periods_per_s": firm_periods / wall if wall > 0 else float("inf"),
        "s_per_period": wall / periods,
        "tracemalloc_peak_mb": peak / 2**20,
        "traced": traced,
        "max_rss_mb": _rss_mb(),
        "rss_after_imports_mb": rss_imports,
        "mean_price_iterations": sum(iterations) / len(iterations) if iterations else 0.0,
        "member_share": members,
        "pinned": pinned,
    }


# ----------------------------------------------------------------------------- parent side
def _spawn(impl: str, arm: str, n: int, periods: int, example: str, seed: int) -> dict:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        impl,
        arm,
        str(n),
        str(periods),
        "--example",
        example,
        "--seed",
        str(seed),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"worker failed: {' '.join(cmd)}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fmt(x: float) -> str:
    return f"{x:,.0f}"


def _mark(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=None, help="firm counts")
    ap.add_argument("--periods", type=int, default=None, help="timed engine periods (default 5)")
    ap.add_argument("--ref-periods", type=int, default=None, help="timed reference periods")
    ap.add_argument(
        "--ref-budget",
        type=float,
        default=120.0,
        help="run the reference at a size only if its estimated time is below this (s)",
    )
    ap.add_argument("--quick", action="store_true", help="10,000 firms, 3 periods")
    ap.add_argument("--example", default="footwear", choices=("footwear", "optoelectronics"))
    ap.add_argument("--seed", type=int, default=20240)
    ap.add_argument(
        "--worker", nargs=4, metavar=("IMPL", "ARM", "N", "PERIODS"), help=argparse.SUPPRESS
    )
    args = ap.parse_args(argv)

    if args.worker:
        impl, arm, n, periods = args.worker
        print(json.dumps(worker(impl, arm, int(n), int(periods), args.example, args.seed)))
        return

    sizes = sorted(args.sizes or ([10_000] if args.quick else [10_000, 100_000]))
    periods = args.periods or (3 if args.quick else 5)
    ref_periods = args.ref_periods or 2
    import numpy as np
    import scipy

    print("clustermarketing engine benchmark")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} logical cpus; each measurement in its own "
        "process, pinned to one core, BLAS/OpenMP threads = 1"
    )
    print(
        f"scenario: {args.example} example, firms.count=N, ties 4 strong + 6 weak per firm, "
        "default 3 markets, market sizes scaled by N / example firm count; "
        f"model {MODEL} (cooperative, star) and {BASELINE}; Nash pricing; seed {args.seed}"
    )
    print(
        f"engine: {WARMUP} warm-up + {periods} timed periods; object reference: 1 warm-up + "
        f"{ref_periods} timed periods; build excluded everywhere"
    )
    print()

    results: dict[tuple[str, str, int], dict] = {}
    for n in sizes:
        for arm in (MODEL, BASELINE):
            results[("engine", arm, n)] = _spawn("engine", arm, n, periods, args.example, args.seed)
    # the reference: measured at the smallest size, then at larger sizes if the estimate fits
    extrapolated: dict[tuple[str, int], str] = {}
    base_n = sizes[0]
    for arm in (MODEL, BASELINE):
        r0 = _spawn("reference", arm, base_n, ref_periods, args.example, args.seed)
        results[("reference", arm, base_n)] = r0
        for n in sizes[1:]:
            scale = n / base_n
            est = scale * (r0["build_s"] + (1 + ref_periods) * r0["s_per_period"])
            if est <= args.ref_budget:
                results[("reference", arm, n)] = _spawn(
                    "reference", arm, n, ref_periods, args.example, args.seed
                )
            else:
                results[("reference", arm, n)] = dict(
                    r0,
                    size=n,
                    s_per_period=r0["s_per_period"] * scale,
                    tracemalloc_peak_mb=float("nan"),
                    max_rss_mb=float("nan"),
                )
                extrapolated[(arm, n)] = (
                    f"reference at {n:,} firms NOT run (estimated {est:,.0f} s > budget "
                    f"{args.ref_budget:.0f} s): throughput extrapolated linearly from {base_n:,} "
                    "firms (time per period ∝ firms, so firm-periods/s held constant)"
                )

    head = (
        f"{'firms':>8} {'arm':<16} {'impl':<10} {'firm_periods_per_s':>19} {'s/period':>9} "
        f"{'tracemalloc_peak_mb':>20} {'max_rss_mb':>11} {'price_it':>8} {'members':>7}"
    )
    print(head)
    print("-" * len(head))
    for n in sizes:
        for arm in (MODEL, BASELINE):
            for impl in ("engine", "reference"):
                r = results[(impl, arm, n)]
                tag = " (extrapolated)" if impl == "reference" and (arm, n) in extrapolated else ""
                print(
                    f"{n:>8,} {arm:<16} {impl:<10} {_fmt(r['firm_periods_per_s']):>19} "
                    f"{r['s_per_period']:>9.3f} {r['tracemalloc_peak_mb']:>20.1f} "
                    f"{r['max_rss_mb']:>11.1f} {r['mean_price_iterations']:>8.1f} "
                    f"{r['member_share']:>7.2f}{tag}"
                )
    print()
    print(
        "memory: tracemalloc_peak_mb = peak of Python-side allocations incl. NumPy buffers "
        "(engine: build + 2 warm-up periods; reference: build + agent construction); "
        "max_rss_mb = getrusage max resident set of the whole measuring process "
        f"(≈{results[('engine', MODEL, sizes[0])]['rss_after_imports_mb']:.0f} MB of it is "
        "the interpreter and imported libraries)"
    )
    for note in extrapolated.values():
        print("NOTE:", note)
    print()
    print("targets")
    for n in sizes:
        for arm in (MODEL, BASELINE):
            e, r = results[("engine", arm, n)], results[("reference", arm, n)]
            ratio = e["firm_periods_per_s"] / r["firm_periods_per_s"]
            mem = max(e["max_rss_mb"], e["tracemalloc_peak_mb"])
            line = f"  {n:>8,} {arm:<16} "
            if n == TARGET_FPS_SIZE:
                line += (
                    f"throughput {_fmt(e['firm_periods_per_s'])} firm-periods/s vs ≥ "
                    f"{_fmt(TARGET_FPS)}: {_mark(e['firm_periods_per_s'] >= TARGET_FPS)}; "
                    f"peak memory {mem:,.0f} MB vs < {TARGET_MEM_MB:,.0f} MB: "
                    f"{_mark(mem < TARGET_MEM_MB)}; "
                )
            tag = " (reference extrapolated)" if (arm, n) in extrapolated else ""
            line += (
                f"speed-up {ratio:,.1f}× vs ≥ {TARGET_RATIO:.0f}×: {_mark(ratio >= TARGET_RATIO)}"
            )
            print(line + tag)
    if TARGET_FPS_SIZE not in sizes:
        print(f"  (throughput and memory targets apply at {TARGET_FPS_SIZE:,} firms: not measured)")


if __name__ == "__main__":
    main()
