"""Per-period cost of small clusters, the size sweeps run at (issue 13, third round).

Run as a script (it asserts nothing about wall-clock time)::

    python benchmarks/small.py                       # 300, 1,000 and 3,000 firms
    python benchmarks/small.py --sizes 300 --periods 50

The scenario is the ``footwear`` example with ``firms.count`` = N and its own markets (not
scaled with N, unlike ``benchmarks/engine.py``: this is what a sweep over the example runs). At a
few hundred firms a period is a few milliseconds of fixed cost (some 2,000 Python and NumPy
calls, ~20 random streams) rather than work per firm, so a sweep of thousands of runs of the
300-firm examples pays that fixed cost every period. This prints, per size and arm, milliseconds
per period and firm-periods per second for the engine as it is (``numba``) and for a reference
measured in the same process, alternating, minimum of ``--repeats``: the same engine with the
random streams seeded through ``numpy.random.SeedSequence`` and the kernels' per-firm arguments
built by ``np.broadcast_to`` — what the compiled path did before the third round (the results
are identical; only the time differs).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine import BASELINE, MODEL, _pin, print_head  # noqa: E402


def _reference_paths(on: bool) -> None:
    """Switch the engine to (or back from) the pre-third-round stream seeding and per_firm."""
    from clustermarketing.engine import kernels, streams

    if not hasattr(_reference_paths, "saved"):
        _reference_paths.saved = (streams.Streams.gen, kernels.per_firm)

    def seeded_by_numpy(self, t, use, slot=0):
        return np.random.Generator(np.random.PCG64(self.seq(t, use, slot)))

    def broadcast(x, n):
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=np.float64), (n,)))

    gen, per_firm = (seeded_by_numpy, broadcast) if on else _reference_paths.saved
    streams.Streams.gen = gen
    kernels.per_firm = per_firm


def ms_per_period(n: int, arm: str, periods: int, seed: int) -> tuple[float, float]:
    """(ms per period, mean live firms) over ``periods`` after three untimed periods."""
    import clustermarketing as cm
    from clustermarketing.engine import period
    from clustermarketing.engine.build import build
    from clustermarketing.engine.context import make_streams

    sc = cm.load_scenario("footwear", [f"firms.count={n}"])
    model = sc.model_config_for(arm)
    streams = make_streams(np.random.SeedSequence(seed))
    world, state = build(sc, model, streams)
    ctx = period.Context(world, sc, model, sc.pricing, streams)
    ctx.mechanisms.init_state(world, state)
    for _ in range(3):
        period.step(state, ctx)
    live, t0 = 0, time.perf_counter()
    for _ in range(periods):
        live += int(state.active.sum())
        period.step(state, ctx)
    return (time.perf_counter() - t0) / periods * 1e3, live / periods


def main(argv: list[str] | None = None) -> None:
    from clustermarketing.engine import kernels

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[300, 1000, 3000])
    ap.add_argument("--periods", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    print(
        f"small clusters (footwear example), {_pin()}, backend {kernels.backend()}, "
        f"{args.periods} timed periods, minimum of {args.repeats} alternating runs"
    )
    head = (
        f"{'firms':>7} {'arm':16} {'ms/period':>10} {'firm-periods/s':>15} "
        f"{'ref ms/period':>14} {'ref firm-periods/s':>19} {'speed-up':>9}"
    )
    print_head(head)
    for n in args.sizes:
        for arm in (MODEL, BASELINE):
            times: dict[bool, list[float]] = {True: [], False: []}
            live = 0.0
            for _ in range(args.repeats):
                for ref in (True, False):
                    _reference_paths(ref)
                    ms, live = ms_per_period(n, arm, args.periods, args.seed)
                    times[ref].append(ms)
            _reference_paths(False)
            now, before = min(times[False]), min(times[True])
            print(
                f"{n:>7,} {arm:16} {now:>10.2f} {live / now * 1e3:>15,.0f} {before:>14.2f} "
                f"{live / before * 1e3:>19,.0f} {before / now:>9.2f}"
            )
    print("ref = the same engine with SeedSequence seeding and broadcast per-firm arguments")


if __name__ == "__main__":
    main()
