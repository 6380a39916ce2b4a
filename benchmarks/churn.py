"""How much exited firms' slots widen each period's arrays over a long run (issue 13).

Run as a script (it asserts nothing about wall-clock time)::

    python benchmarks/churn.py                   # 5,000 firms, 60 periods, both examples and arms
    python benchmarks/churn.py --size 20000 --periods 40

A firm's id is its slot and exited slots are never reused (docs/performance.md, "Data layout"),
so each period runs on the live prefix: every slot used so far, the dead included, plus one free
block. This prints, per example × arm, at a few periods: live firms, prefix slots, their ratio
(the factor by which dead slots widen every per-firm array of the period), the exits so far, and
the measured milliseconds per period per 1,000 live firms over the periods since the previous
mark, and that cost against the first window's (periods 2–3) in the same run. The cost ratio
mixes the widening with the model's own change over the run (firms open markets, signals arrive,
members join), so it is not the widening alone; ``slots/live`` is.
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
from engine import BASELINE, MODEL, _pin, print_head, scenario_for  # noqa: E402


def run(example: str, arm: str, n: int, periods: int, seed: int, marks: list[int]) -> list[dict]:
    from clustermarketing.engine import period
    from clustermarketing.engine.build import build
    from clustermarketing.engine.context import make_streams

    sc = scenario_for(example, n)
    model = sc.model_config_for(arm)
    streams = make_streams(np.random.SeedSequence(seed))
    world, state = build(sc, model, streams)
    ctx = period.Context(world, sc, model, sc.pricing, streams)
    rows, first = [], None
    spent, live_sum, start = 0.0, 0, 2  # period 1 loads (or compiles) the kernels: not timed
    for t in range(1, periods + 1):
        live = int(state.active.sum())
        t0 = time.perf_counter()
        period.step(state, ctx)
        if t >= start:
            spent += time.perf_counter() - t0
            live_sum += live
        if t in marks:
            cost = spent / live_sum * 1000.0  # s per period per 1,000 live firms, this window
            first = first or cost
            rows.append(
                {
                    "period": t,
                    "live": live,
                    "slots": ctx.live.n,
                    "exits": int((state.died >= 0).sum()),
                    "cost": cost,
                    "rel": cost / first,
                }
            )
            spent, live_sum, start = 0.0, 0, t + 1
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=5_000)
    ap.add_argument("--periods", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--examples", nargs="+", default=["footwear", "optoelectronics"])
    args = ap.parse_args(argv)
    marks = sorted({min(3, args.periods), *range(10, args.periods + 1, 10), args.periods})
    print(f"widening by exited slots, {args.size:,} firms, {args.periods} periods, {_pin()}")
    head = (
        f"{'example':16} {'arm':16} {'period':>6} {'live':>7} {'slots':>7} {'slots/live':>10} "
        f"{'exits':>7} {'ms/period/1k live':>18} {'vs first':>12}"
    )
    print_head(head)
    for example in args.examples:
        for arm in (MODEL, BASELINE):
            for r in run(example, arm, args.size, args.periods, args.seed, marks):
                print(
                    f"{example:16} {arm:16} {r['period']:>6} {r['live']:>7,} {r['slots']:>7,} "
                    f"{r['slots'] / r['live']:>10.2f} {r['exits']:>7,} {1e3 * r['cost']:>18.3f} "
                    f"{r['rel']:>12.2f}"
                )


if __name__ == "__main__":
    main()
