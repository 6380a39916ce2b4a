"""`compare` of every built cooperative model against the shared baseline, at scale.

Run as a script (not a test; nothing here asserts wall-clock time)::

    python benchmarks/compare.py                  # footwear, 10,000 firms, 8 replicates, 40 periods
    python benchmarks/compare.py --firms 2000 --replicates 4 --periods 20

The scenario is the ``footwear`` example with ``firms.count = N`` and every market's size scaled
by N / 300 (the example's firm count), so a firm faces the same demand as in the example. Prints
the wall time, the arm-periods and firm-periods simulated (burn-in included), firm-periods per
second, and the target (under 30 s for the full size on this machine's 2 cores).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import clustermarketing as cm  # noqa: E402
from clustermarketing.models import BASELINE, PRESETS  # noqa: E402
from clustermarketing.scenario.load import example_dict  # noqa: E402

TARGET_S = 30.0


def scenario(n: int) -> cm.Scenario:
    data = example_dict("footwear")
    scale = n / data["firms"]["count"]
    data["firms"]["count"] = n
    for m in data["markets"]:
        m["size"] = m.get("size", 100_000) * scale
    return cm.load_scenario(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=10_000)
    ap.add_argument("--replicates", type=int, default=8)
    ap.add_argument("--periods", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    sc = scenario(args.firms)
    models = [n for n, p in PRESETS.items() if p.implemented and n != BASELINE]
    print("clustermarketing compare benchmark")
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cpus")
    print(
        f"footwear, {args.firms:,} firms, {len(models)} models + baseline, {args.replicates} "
        f"replicates, {args.periods} periods (+ {sc.burn_in} burn-in), {args.workers} workers"
    )
    t0 = time.perf_counter()
    res = cm.compare(
        sc, models, replicates=args.replicates, periods=args.periods, workers=args.workers
    )
    wall = time.perf_counter() - t0
    arms = (len(models) + 1) * args.replicates
    c = res.cluster
    firm_periods = float(c["firms"].sum())  # firms alive after each recorded period
    print(f"models: {', '.join(models)}")
    print(f"wall time: {wall:.1f} s")
    print(f"arms: {arms}, recorded arm-periods: {arms * args.periods:,}")
    print(f"recorded firm-periods: {firm_periods:,.0f} ({firm_periods / wall:,.0f} per second)")
    verdict = "met" if wall < TARGET_S else "NOT met"
    print(f"target: under {TARGET_S:.0f} s for the full size: {verdict}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
