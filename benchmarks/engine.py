"""Throughput and memory of the array engine (compiled and NumPy paths) and a Mesa-style reference.

Run as a script (it is not a test and asserts nothing about wall-clock time)::

    python benchmarks/engine.py                      # 10,000 and 100,000 firms
    python benchmarks/engine.py --sizes 10000 --periods 5
    python benchmarks/engine.py --quick              # 10,000 firms, few periods
    python benchmarks/engine.py --profile            # + time per phase per period
    python benchmarks/engine.py --sizes 1000000 --periods 3 --no-reference --no-compile-time

What it measures, per size × arm × implementation. The arms are ``collective_mark``
(cooperative, star structure) and the ``independent`` baseline. The implementations are
``numba`` (the compiled kernels of ``clustermarketing.engine.kernels``, the default),
``numpy`` (the NumPy reference path of the same engine, ``CLUSTERMARKETING_KERNELS=numpy``
set in the measuring process) and ``objects`` (``benchmarks/reference_objects.py``, one Python
object per firm):

* ``firm_periods_per_s`` — active firms × periods / wall seconds of
  ``clustermarketing.engine.period.step``, excluding the build and two warm-up periods (the
  warm-up also absorbs the numba compilation or cache load);
* ``s/period`` — wall seconds per timed period;
* peak memory, two ways: ``tracemalloc_peak_mb`` (Python-side allocations, including NumPy
  buffers, which NumPy reports to tracemalloc) over build + warm-up, and ``max_rss_mb``
  (``resource.getrusage`` maximum resident set of the whole process over the whole measurement,
  interpreter, imported libraries and numba's compiled code included);
* ``x_objects`` — the ratio of the row's firm-periods/s to the object reference's at the same
  size and arm. The object reference is measured at the smallest size only (it does not model
  everything the engine does: see its docstring); at larger sizes its throughput is extrapolated
  linearly (constant firm-periods/s), and the output says so.

Separately (``--no-compile-time`` skips it) it measures the first-call cost of the numba
kernels: a fresh process with an empty numba cache (``NUMBA_CACHE_DIR`` pointed at a new
temporary directory) against a second fresh process on the now-warm cache, each timing the
first and the second period at a small size; compile (or cache-load) time ≈ first − second.

With ``--profile`` it times the phases of ``clustermarketing.engine.period`` (the phase functions
are wrapped in this process only; the engine is unchanged) at ``--profile-size`` firms and prints
milliseconds per phase per period for both arms and both implementations.

Every measurement runs in its own subprocess (so ``max_rss_mb`` belongs to that measurement),
with ``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS`` / ``MKL_NUM_THREADS`` = 1 set before NumPy is
imported and the process pinned to one core with ``os.sched_setaffinity`` where available.
Measurements run one after another, never two at a time.

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
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
MODEL = "collective_mark"
BASELINE = "independent"
ARMS = (MODEL, BASELINE)
KERNEL_IMPLS = ("numba", "numpy")  # the engine's two paths (CLUSTERMARKETING_KERNELS)
OBJECTS = "objects"  # the one-object-per-firm reference
WARMUP = 2
COMPILE_SIZE = 2_000
# the targets of issue 13
TARGET_FPS = 5_000_000
TARGET_FPS_SIZE = 100_000
TARGET_RATIO = {10_000: 50.0, 100_000: 100.0}
TARGET_BIG = 1_000_000
TARGET_BIG_MEM_MB = 4096.0
TARGET_BIG_COST = 1.5  # per-firm cost at 1M within this factor of the 100k cost


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


def print_head(head: str) -> None:
    """A table's header line and a rule as wide (the benchmarks' tables)."""
    print(head)
    print("-" * len(head))


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


# the phases of engine/period.py that --profile times: (label, module, attribute, nested?)
PHASES = (
    ("live prefix (view/commit)", None, None, False),
    ("draws", "clustermarketing.engine.period", "draw", False),
    ("1 organise (membership, structure)", "clustermarketing.engine.period", "_organise", False),
    ("  neighbours (ties + structure)", "clustermarketing.engine.period", "_neighbours", False),
    ("2 contribution (imitation)", "clustermarketing.engine.cooperation", "imitate", False),
    ("3 plan (functions)", "clustermarketing.engine.period", "_plan", False),
    ("4 signals (arrival, cascade)", "clustermarketing.engine.period", "_signals", False),
    ("    of which cascade (spread)", "clustermarketing.engine.signals", "spread", True),
    ("5 access", "clustermarketing.engine.period", "update_access", False),
    ("6 market (pricing, demand)", "clustermarketing.engine.period", "clear_market", False),
    ("    of which Nash pricing", "clustermarketing.engine.market", "solve_packed", True),
    ("7 accounts (settle)", "clustermarketing.engine.period", "settle", False),
    ("8 membership values", "clustermarketing.engine.period", "membership_values", False),
    (
        "    of which best responses",
        "clustermarketing.engine.deviation",
        "best_response_prices",
        True,
    ),
    ("8 strategy payoff", "clustermarketing.engine.period", "strategy_payoff", False),
    ("9 stocks", "clustermarketing.engine.period", "update_stocks", False),
    ("9 trust", "clustermarketing.engine.cooperation", "update_trust", False),
    ("10 record", "clustermarketing.engine.period", "period_record", False),
    ("10 group record", "clustermarketing.engine.period", "group_record", False),
    ("10 exit and entry", "clustermarketing.engine.period", "exit_and_entry", False),
    ("other (state updates in _step)", None, None, False),
)


def _install_timers(acc: dict[str, float]) -> None:
    """Wrap the phase functions (module attributes) so each call adds its wall time to ``acc``."""
    import importlib

    def wrap(label: str, fn):
        def timed(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                acc[label] += time.perf_counter() - t0

        return timed

    for label, mod, attr, _ in PHASES:
        if mod is not None:
            m = importlib.import_module(mod)
            setattr(m, attr, wrap(label, getattr(m, attr)))
    period = importlib.import_module("clustermarketing.engine.period")
    period._step = wrap("_step", period._step)
    period.step = wrap("step", period.step)


def _engine_run(sc, model, seed: int, periods: int, profile: bool) -> dict:
    import numpy as np

    from clustermarketing.engine import kernels
    from clustermarketing.engine.build import build
    from clustermarketing.engine.context import make_streams

    acc: dict[str, float] = defaultdict(float)
    if profile:
        _install_timers(acc)
    from clustermarketing.engine import period

    tracemalloc.start()
    t0 = time.perf_counter()
    streams = make_streams(np.random.SeedSequence(seed))
    world, state = build(sc, model, streams)
    ctx = period.Context(world, sc, model, sc.pricing, streams)
    build_s = time.perf_counter() - t0
    _, build_peak = tracemalloc.get_traced_memory()
    after_build = tracemalloc.get_traced_memory()[0]
    rss_build = _current_rss_mb()
    tracemalloc.reset_peak()
    for _ in range(WARMUP):
        period.step(state, ctx)
    _, warm_peak = tracemalloc.get_traced_memory()
    peak = max(build_peak, warm_peak)
    tracemalloc.stop()
    acc.clear()
    iterations: list[float] = []
    firm_periods = 0
    t1 = time.perf_counter()
    for _ in range(periods):
        firm_periods += int(state.active.sum())
        rec = period.step(state, ctx)
        iterations.append(rec["price_iterations"])
    wall = time.perf_counter() - t1
    rss_end = _current_rss_mb()  # while the world and state are still alive
    members = float(state.member[state.active].mean()) if state.active.any() else 0.0
    out = {
        "rss_end_mb": rss_end,
        "backend": kernels.backend(),
        "build_s": build_s,
        "wall_s": wall,
        "firm_periods": firm_periods,
        "peak": peak,
        "iterations": iterations,
        "members": members,
        "warmup": WARMUP,
        "traced": f"build + {WARMUP} warm-up periods",
        "stages": {
            "build_peak_mb": build_peak / 2**20,
            "after_build_mb": after_build / 2**20,
            "rss_after_build_mb": rss_build,
            "warmup_peak_mb": warm_peak / 2**20,
        },
    }
    if profile:
        phases = {lab: acc.get(lab, 0.0) / periods for lab, mod, _, _ in PHASES if mod}
        nested = sum(acc.get(lab, 0.0) for lab, mod, _, sub in PHASES if mod and not sub)
        phases["live prefix (view/commit)"] = (acc["step"] - acc["_step"]) / periods
        phases["other (state updates in _step)"] = (acc["_step"] - nested) / periods
        out["phases"] = phases
        out["profiled_s_per_period"] = acc["step"] / periods
    return out


def worker(impl: str, arm: str, n: int, periods: int, example: str, seed: int, profile: bool):
    """One measurement; returns a JSON-able dict."""
    pinned = _pin()
    import numpy  # noqa: F401  (imports counted in rss_after_imports_mb)

    import clustermarketing.engine.period  # noqa: F401

    rss_imports = _current_rss_mb()
    sc = scenario_for(example, n)
    model = sc.model_config_for(arm)
    if impl in KERNEL_IMPLS:
        r = _engine_run(sc, model, seed, periods, profile)
        if r["backend"] != impl:
            raise SystemExit(f"asked for {impl}, engine used {r['backend']}")
    else:
        import numpy as np

        from clustermarketing.engine.build import build
        from clustermarketing.engine.context import make_streams

        sys.path.insert(0, str(HERE))
        from reference_objects import ReferenceModel

        tracemalloc.start()
        t0 = time.perf_counter()
        streams = make_streams(np.random.SeedSequence(seed))
        world, state = build(sc, model, streams)
        ref = ReferenceModel(world, state, sc, model, seed=seed)
        del world, state
        build_s = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()  # tracing every small Python allocation would distort the timing
        ref.step()  # one untimed warm-up: the t > 0 phases (membership, imitation) then run
        iterations: list[float] = []
        firm_periods = 0
        t1 = time.perf_counter()
        for _ in range(periods):
            firm_periods += len(ref.live())
            rec = ref.step()
            iterations.append(rec["price_iterations"])
        wall = time.perf_counter() - t1
        rss_end = _current_rss_mb()
        live = ref.live()
        r = {
            "rss_end_mb": rss_end,
            "build_s": build_s,
            "wall_s": wall,
            "firm_periods": firm_periods,
            "peak": peak,
            "iterations": iterations,
            "members": sum(f.member for f in live) / max(1, len(live)),
            "warmup": 1,
            "traced": "build + agent construction",
        }
    wall, fp, its = r["wall_s"], r["firm_periods"], r["iterations"]
    out = {
        "impl": impl,
        "arm": arm,
        "size": n,
        "periods": periods,
        "warmup": r["warmup"],
        "build_s": r["build_s"],
        "wall_s": wall,
        "firm_periods": fp,
        "firm_periods_per_s": fp / wall if wall > 0 else float("inf"),
        "s_per_period": wall / periods,
        "tracemalloc_peak_mb": r["peak"] / 2**20,
        "traced": r["traced"],
        "max_rss_mb": _rss_mb(),
        "rss_end_mb": r["rss_end_mb"],
        "rss_after_imports_mb": rss_imports,
        "mean_price_iterations": sum(its) / len(its) if its else 0.0,
        "member_share": r["members"],
        "pinned": pinned,
    }
    for key in ("phases", "profiled_s_per_period", "stages"):
        if key in r:
            out[key] = r[key]
    return out


def compile_worker(arm: str, n: int, example: str, seed: int) -> dict:
    """Time the import of the kernels module and the first two periods (numba backend)."""
    _pin()
    t0 = time.perf_counter()
    import numpy as np

    from clustermarketing.engine import kernels
    from clustermarketing.engine.build import build
    from clustermarketing.engine.context import make_streams
    from clustermarketing.engine.period import Context, step

    import_s = time.perf_counter() - t0
    sc = scenario_for(example, n)
    model = sc.model_config_for(arm)
    streams = make_streams(np.random.SeedSequence(seed))
    world, state = build(sc, model, streams)
    ctx = Context(world, sc, model, sc.pricing, streams)
    times = []
    for _ in range(3):
        t1 = time.perf_counter()
        step(state, ctx)
        times.append(time.perf_counter() - t1)
    return {
        "backend": kernels.backend(),
        "import_s": import_s,
        "first_s": times[0],
        "second_s": times[1],
        "third_s": times[2],
        "cache_dir": os.environ.get("NUMBA_CACHE_DIR", ""),
    }


# ----------------------------------------------------------------------------- parent side
def _run(args: list[str], env_extra: dict[str, str]) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    env = dict(os.environ, **env_extra)
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"worker failed: {' '.join(cmd)}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _spawn(
    impl: str, arm: str, n: int, periods: int, example: str, seed: int, profile: bool = False
) -> dict:
    args = ["--worker", impl, arm, str(n), str(periods), "--example", example, "--seed", str(seed)]
    if profile:
        args.append("--profile")
    env = {"CLUSTERMARKETING_KERNELS": impl} if impl in KERNEL_IMPLS else {}
    return _run(args, env)


def _fmt(x: float) -> str:
    return f"{x:,.0f}"


def _mark(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _print_compile(example: str, seed: int) -> None:
    with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
        args = ["--compile-worker", MODEL, str(COMPILE_SIZE), "--example", example]
        args += ["--seed", str(seed)]
        env = {"CLUSTERMARKETING_KERNELS": "numba", "NUMBA_CACHE_DIR": cache}
        cold = _run(args, env)
        warm = _run(args, env)
        ref = _run(args, {"CLUSTERMARKETING_KERNELS": "numpy"})
    print(
        f"first-call cost of the compiled kernels ({MODEL}, {COMPILE_SIZE:,} firms; each a fresh "
        "process; numba cache in a new temporary directory, so 'cold' compiles and 'warm' loads "
        "the cache that 'cold' wrote):"
    )
    head = (
        f"  {'run':<28} {'import_s':>8} {'period_1_s':>10} {'period_2_s':>10} "
        f"{'period_3_s':>10} {'first-call_s':>12}"
    )
    print(head)
    for label, r in (
        ("numba, cold cache", cold),
        ("numba, warm cache", warm),
        ("numpy (no compilation)", ref),
    ):
        extra = r["first_s"] - r["third_s"]
        print(
            f"  {label:<28} {r['import_s']:>8.2f} {r['first_s']:>10.3f} {r['second_s']:>10.3f} "
            f"{r['third_s']:>10.3f} {extra:>12.3f}"
        )
    print(
        "  first-call_s = period 1 − period 3 (compile or cache-load time, plus the first "
        "period's own extra work: founding members, first structure)"
    )
    print()


def _print_profile(profiles: dict[tuple[str, str], dict], size: int, periods: int) -> None:
    cols = [(arm, impl) for arm in ARMS for impl in KERNEL_IMPLS]
    print(
        f"profile: milliseconds per period by phase, {size:,} firms, {periods} timed periods after "
        f"{WARMUP} warm-up (phase functions of engine/period.py wrapped with timers)"
    )
    names = {MODEL: "coop", BASELINE: "indep"}
    head = f"  {'phase':<36}" + "".join(f" {names[a] + '/' + i:>12}" for a, i in cols)
    print(head)
    print("  " + "-" * (len(head) - 2))
    for label, *_ in PHASES:
        vals = [profiles[c]["phases"].get(label, 0.0) * 1e3 for c in cols]
        print(f"  {label:<36}" + "".join(f" {v:>12.2f}" for v in vals))
    print("  " + "-" * (len(head) - 2))
    tot = [profiles[c]["profiled_s_per_period"] * 1e3 for c in cols]
    print(f"  {'total (step, timers on)':<36}" + "".join(f" {v:>12.2f}" for v in tot))
    fps = [profiles[c]["firm_periods_per_s"] for c in cols]
    print(f"  {'firm-periods/s (timers on)':<36}" + "".join(f" {_fmt(v):>12}" for v in fps))
    print("  ('of which' rows are included in the phase above them)")
    print()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=None, help="firm counts")
    ap.add_argument("--periods", type=int, default=None, help="timed engine periods (default 5)")
    ap.add_argument("--ref-periods", type=int, default=None, help="timed reference periods")
    ap.add_argument("--quick", action="store_true", help="10,000 firms, 3 periods")
    ap.add_argument("--example", default="footwear", choices=("footwear", "optoelectronics"))
    ap.add_argument("--seed", type=int, default=20240)
    ap.add_argument("--impls", nargs="+", default=list(KERNEL_IMPLS), choices=KERNEL_IMPLS)
    ap.add_argument("--arms", nargs="+", default=list(ARMS), choices=ARMS)
    ap.add_argument("--no-reference", action="store_true", help="skip the object reference")
    ap.add_argument("--no-compile-time", action="store_true", help="skip the compile-time runs")
    ap.add_argument("--profile", action="store_true", help="print time per phase per period")
    ap.add_argument("--profile-size", type=int, default=100_000)
    ap.add_argument("--profile-periods", type=int, default=3)
    ap.add_argument(
        "--worker", nargs=4, metavar=("IMPL", "ARM", "N", "PERIODS"), help=argparse.SUPPRESS
    )
    ap.add_argument("--compile-worker", nargs=2, metavar=("ARM", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        impl, arm, n, periods = args.worker
        r = worker(impl, arm, int(n), int(periods), args.example, args.seed, args.profile)
        print(json.dumps(r))
        return
    if args.compile_worker:
        arm, n = args.compile_worker
        print(json.dumps(compile_worker(arm, int(n), args.example, args.seed)))
        return

    sizes = sorted(args.sizes or ([10_000] if args.quick else [10_000, 100_000]))
    periods = args.periods or (3 if args.quick else 5)
    ref_periods = args.ref_periods or 2
    impls = tuple(args.impls)
    import numba
    import numpy as np
    import scipy

    print(f"clustermarketing engine benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"numba {numba.__version__}, {platform.machine()}, {os.cpu_count()} logical cpus; "
        "each measurement in its own process, one at a time, pinned to one core, "
        "BLAS/OpenMP threads = 1"
    )
    print(
        f"scenario: {args.example} example, firms.count=N, ties 4 strong + 6 weak per firm, "
        "default 3 markets, market sizes scaled by N / example firm count; "
        f"model {MODEL} (cooperative, star) and {BASELINE}; Nash pricing; seed {args.seed}"
    )
    ref_note = (
        "object reference not run"
        if args.no_reference
        else f"object reference: 1 warm-up + {ref_periods} timed periods, at {sizes[0]:,} firms "
        "only (extrapolated above)"
    )
    print(
        f"engine ({' and '.join(impls)}): {WARMUP} warm-up + {periods} timed periods; "
        f"{ref_note}; build excluded everywhere"
    )
    print()
    if not args.no_compile_time and "numba" in impls:
        _print_compile(args.example, args.seed)

    results: dict[tuple[str, str, int], dict] = {}
    arms = tuple(args.arms)
    for n in sizes:
        for arm in arms:
            for impl in impls:
                results[(impl, arm, n)] = _spawn(impl, arm, n, periods, args.example, args.seed)
    # the object reference: measured at the smallest size only, extrapolated above it
    extrapolated: set[tuple[str, int]] = set()
    base_n = sizes[0]
    if not args.no_reference:
        for arm in arms:
            r0 = _spawn(OBJECTS, arm, base_n, ref_periods, args.example, args.seed)
            results[(OBJECTS, arm, base_n)] = r0
            for n in sizes[1:]:
                results[(OBJECTS, arm, n)] = dict(
                    r0,
                    size=n,
                    s_per_period=r0["s_per_period"] * n / base_n,
                    tracemalloc_peak_mb=float("nan"),
                    max_rss_mb=float("nan"),
                    rss_end_mb=float("nan"),
                )
                extrapolated.add((arm, n))

    head = (
        f"{'firms':>9} {'arm':<16} {'impl':<8} {'firm_periods_per_s':>19} {'s/period':>9} "
        f"{'tracemalloc_peak_mb':>20} {'max_rss_mb':>11} {'x_objects':>9} {'price_it':>8} "
        f"{'members':>7} {'rss_end_mb':>10}"
    )
    print_head(head)
    for n in sizes:
        for arm in arms:
            ref = results.get((OBJECTS, arm, n))
            for impl in (*impls, OBJECTS):
                r = results.get((impl, arm, n))
                if r is None:
                    continue
                ratio = r["firm_periods_per_s"] / ref["firm_periods_per_s"] if ref else None
                tag = " (extrapolated)" if impl == OBJECTS and (arm, n) in extrapolated else ""
                print(
                    f"{n:>9,} {arm:<16} {impl:<8} {_fmt(r['firm_periods_per_s']):>19} "
                    f"{r['s_per_period']:>9.3f} {r['tracemalloc_peak_mb']:>20.1f} "
                    f"{r['max_rss_mb']:>11.1f} "
                    f"{(f'{ratio:,.1f}' if ratio is not None else '-'):>9} "
                    f"{r['mean_price_iterations']:>8.1f} {r['member_share']:>7.2f} "
                    f"{r.get('rss_end_mb', float('nan')):>10.1f}{tag}"
                )
    print()
    first = results[(impls[0], arms[0], sizes[0])]
    print(
        "memory: tracemalloc_peak_mb = peak of Python-side allocations incl. NumPy buffers "
        "(engine: build + 2 warm-up periods; objects: build + agent construction); "
        "max_rss_mb = getrusage max resident set of the whole measuring process over the whole "
        f"measurement (≈{first['rss_after_imports_mb']:.0f} MB of it is the interpreter and "
        "imported libraries before the build); rss_end_mb = resident set after the last timed "
        "period (the steady state; where max_rss_mb is higher, the peak came from the build or "
        "a warm-up); price_it = mean Nash iterations per period; members = member share of "
        "active firms at the end"
    )
    big = [k for k in results if k[0] in KERNEL_IMPLS and k[2] >= 1_000_000]
    if big:
        print(
            "memory by stage (tracemalloc, MB): peak during the build, held after the build, "
            "peak during the warm-up periods; resident set after the build"
        )
        for impl, arm, n in big:
            st = results[(impl, arm, n)]["stages"]
            print(
                f"  {n:>9,} {arm:<16} {impl:<6} build peak {st['build_peak_mb']:,.0f}, "
                f"after build {st['after_build_mb']:,.0f}, warm-up peak "
                f"{st['warmup_peak_mb']:,.0f}; RSS after build {st['rss_after_build_mb']:,.0f}"
            )
    if not args.no_reference:
        print(
            f"NOTE: the object reference (benchmarks/reference_objects.py) runs at {base_n:,} "
            "firms only; at larger sizes its row is extrapolated linearly (time per period ∝ "
            "firms, firm-periods/s held constant) and x_objects there is against that "
            "extrapolation. It omits parts of the engine's period (see its docstring: "
            + ", ".join(_reference_omits())
            + "); it therefore does less work per firm than the engine, and x_objects "
            "is a conservative (low) estimate of the engine's advantage."
        )
    print()
    _print_targets(results, sizes, impls, extrapolated, args.no_reference)
    if args.profile:
        print()
        profiles = {}
        for arm in ARMS:
            for impl in KERNEL_IMPLS:
                profiles[(arm, impl)] = _spawn(
                    impl,
                    arm,
                    args.profile_size,
                    args.profile_periods,
                    args.example,
                    args.seed,
                    profile=True,
                )
        _print_profile(profiles, args.profile_size, args.profile_periods)


def _reference_omits() -> list[str]:
    sys.path.insert(0, str(HERE))
    from reference_objects import NOT_MODELLED

    return list(NOT_MODELLED)


def _print_targets(results, sizes, impls, extrapolated, no_reference: bool) -> None:
    print("targets of issue 13 (the compiled path unless stated; numpy path in brackets)")

    def fps(impl, arm, n):
        r = results.get((impl, arm, n))
        return r["firm_periods_per_s"] if r else None

    for n in sizes:
        for arm in ARMS:
            e = fps("numba", arm, n)
            if e is None:
                continue
            npy = fps("numpy", arm, n)
            bracket = f" [numpy {_fmt(npy)}]" if npy else ""
            parts = []
            if n == TARGET_FPS_SIZE:
                parts.append(
                    f"throughput {_fmt(e)}{bracket} firm-periods/s vs ≥ {_fmt(TARGET_FPS)}: "
                    f"{_mark(e >= TARGET_FPS)}"
                )
            if n in TARGET_RATIO and not no_reference:
                ref = fps(OBJECTS, arm, n)
                ratio = e / ref
                tag = " (reference extrapolated)" if (arm, n) in extrapolated else ""
                np_ratio = f" [numpy {npy / ref:,.1f}×]" if npy else ""
                parts.append(
                    f"speed-up {ratio:,.1f}×{np_ratio} vs ≥ {TARGET_RATIO[n]:.0f}×: "
                    f"{_mark(ratio >= TARGET_RATIO[n])}{tag}"
                )
            if n == TARGET_BIG:
                r = results[("numba", arm, n)]
                mem = r["max_rss_mb"]
                parts.append(
                    f"peak RSS {mem:,.0f} MB vs < {TARGET_BIG_MEM_MB:,.0f} MB: "
                    f"{_mark(mem < TARGET_BIG_MEM_MB)}"
                )
                small = fps("numba", arm, TARGET_FPS_SIZE)
                if small:
                    cost = small / e  # per-firm cost ratio, 1M over 100k
                    parts.append(
                        f"per-firm cost {cost:.2f}× the {TARGET_FPS_SIZE:,}-firm cost vs ≤ "
                        f"{TARGET_BIG_COST}×: {_mark(cost <= TARGET_BIG_COST)}"
                    )
            if parts:
                print(f"  {n:>9,} {arm:<16} " + "; ".join(parts))
    if TARGET_FPS_SIZE not in sizes:
        print(f"  (throughput target applies at {TARGET_FPS_SIZE:,} firms: not measured here)")
    if TARGET_BIG not in sizes:
        print(f"  (memory target applies at {TARGET_BIG:,} firms: not measured here)")


if __name__ == "__main__":
    main()
