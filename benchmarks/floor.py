"""The machine's floor under one period: how fast could any implementation of this model go here?

Run as a script (it asserts nothing about wall-clock time)::

    python benchmarks/floor.py                 # 100,000 firms, both arms
    python benchmarks/floor.py --size 10000 --periods 5

Issue 13 asks for 5,000,000 firm-periods per second at 100,000 firms, i.e. 20 ms per period.
This benchmark measures, in the same process and on the same state as the engine's own timed
periods, three costs that no implementation of the model as it stands can avoid, and prints them
beside the engine's measured time per period:

* **touch** — one pass over the period's data with nothing computed: every per-firm array of the
  live prefix read once (the world's traits, the state) and the state's arrays written once
  (``np.copyto`` into preallocated buffers, so it is a read + a write), plus one read of the tie
  structure the cascade walks (the live prefix's CSR ``indices`` / ``data`` of the ties and of
  the cascade's log-weights). A fused single-pass period could not touch less; the engine's
  phases touch most arrays several times.
* **draws** — the random numbers the period draws (counted by wrapping
  ``engine.context.Draws`` during one real period of the same state), drawn again from fresh
  ``PCG64`` generators, one per stream, seeded and drawn as the engine does.
* **transcendentals** — the ``exp`` / ``log1p`` / ``expm1`` evaluations the period makes
  (counted by wrapping NumPy's functions during that period), evaluated again with NumPy's SIMD
  routines (the fastest available here, ~1 ns each).

* **gather** — one neighbour sum over the ties (``ties @ x``, SciPy's CSR product, which a
  numba loop did not beat here): information spreads over the ties every period, and the
  cascade, trust, the join information and sourcing each need at least one such pass (the
  engine makes several).

``floor = touch + draws + transcendentals + gather``; ``max firm-periods/s = live firms /
floor``. The floor is optimistic (it leaves out every arithmetic operation, all but one pass over
the ties, the pricing game's iterations except their ``exp``), so the engine cannot reach it;
what it shows is how much of a target's budget is left for the model's computation.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine import BASELINE, MODEL, TARGET_FPS, _pin, print_head, scenario_for  # noqa: E402

TRANSCENDENTALS = ("exp", "log1p", "expm1")


def _best(fn, repeat: int) -> float:
    """Minimum wall seconds of ``repeat`` calls (the machine is shared and noisy)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _count_one_period(state, ctx) -> tuple[Counter, Counter]:
    """Step one period with the draws and the transcendental functions counted."""
    from clustermarketing.engine import period, streams

    draws: Counter = Counter()
    calls: Counter = Counter()
    orig_gen = streams.Streams.gen

    def counting_gen(self, t, use, slot=0):
        g = orig_gen(self, t, use, slot)
        calls["generators"] += 1
        return _CountingGenerator(g, draws)

    saved = {name: getattr(np, name) for name in TRANSCENDENTALS}

    def counting(name):
        ufunc = saved[name]

        def f(x, *a, **k):
            calls[name] += int(np.size(x))
            return ufunc(x, *a, **k)

        return f

    streams.Streams.gen = counting_gen
    for name in TRANSCENDENTALS:
        setattr(np, name, counting(name))
    try:
        period.step(state, ctx)
    finally:
        streams.Streams.gen = orig_gen
        for name, ufunc in saved.items():
            setattr(np, name, ufunc)
    return draws, calls


class _CountingGenerator:
    """A generator that counts what is drawn from it (by method and dtype)."""

    def __init__(self, gen: np.random.Generator, counter: Counter) -> None:
        self._gen, self._counter = gen, counter

    def __getattr__(self, name: str):
        attr = getattr(self._gen, name)
        if not callable(attr):
            return attr

        def counted(*a, **k):
            out = attr(*a, **k)
            dtype = k.get("dtype", np.float64)
            self._counter[(name, np.dtype(dtype).name)] += int(np.size(out))
            return out

        return counted


def _touch_seconds(world, state, ctx, repeat: int) -> tuple[float, dict]:
    """Best time of one read of every per-firm array and tie index of the live prefix and one
    write of the state's arrays; and the bytes involved."""
    from clustermarketing.engine.live import STATE_FIRM_FIELDS, STATE_HUB_FIELDS, WORLD_FIRM_FIELDS

    live = ctx.live  # the live prefix the last period ran on (ties sliced, cascade weights)
    length = live.n
    reads = [getattr(live, f) for f in WORLD_FIRM_FIELDS]
    writes = [getattr(state, f)[:length] for f in STATE_FIRM_FIELDS + STATE_HUB_FIELDS]
    writes += [v[:length] for v in state.extra.values()]
    structure = [live.ties.indptr, live.ties.indices, ctx.tie_log.data]
    reads += structure
    out = [np.empty_like(a) for a in writes]
    views = [np.ascontiguousarray(a).view(np.uint8).ravel() for a in reads]

    def touch() -> None:
        for v in views:
            v.max()
        for src, dst in zip(writes, out, strict=True):
            np.copyto(dst, src)

    nbytes = {
        "read_mb": sum(v.nbytes for v in views) / 2**20,
        "written_mb": sum(a.nbytes for a in writes) / 2**20,
        "tie_structure_mb": sum(a.nbytes for a in structure) / 2**20,
        "slots": length,
    }
    return _best(touch, repeat), nbytes


def _draw_seconds(draws: Counter, generators: int, repeat: int) -> float:
    """Best time to draw the counted numbers again from ``generators`` fresh PCG64 streams,
    seeded as the engine seeds its streams (``Streams.gen``)."""
    from clustermarketing.engine.streams import Streams

    sizes = [(name, dtype, count) for (name, dtype), count in draws.items()]
    per = max(1, generators)
    streams = Streams(np.random.SeedSequence(1))

    def draw() -> None:
        for i in range(per):
            g = streams.gen(i, "spread")
            for name, dtype, count in sizes:
                share = count // per + (1 if i < count % per else 0)
                if name == "random":
                    g.random(share, dtype=np.dtype(dtype).type)
                elif name == "standard_normal":
                    g.standard_normal(share)
                else:
                    g.random(share)

    return _best(draw, repeat)


def _transcendental_seconds(calls: Counter, repeat: int) -> float:
    # arguments in (-1, 0], valid for all three functions; results go to separate buffers
    x = {name: -np.random.default_rng(2).random(max(1, calls[name])) for name in TRANSCENDENTALS}
    out = {name: np.empty_like(v) for name, v in x.items()}

    def run() -> None:
        for name in TRANSCENDENTALS:
            if calls[name]:
                getattr(np, name)(x[name], out=out[name])

    return _best(run, repeat)


def measure(arm: str, n: int, periods: int, seed: int, repeat: int) -> dict:
    from clustermarketing.engine import kernels, period
    from clustermarketing.engine.build import build
    from clustermarketing.engine.context import make_streams

    sc = scenario_for("footwear", n)
    model = sc.model_config_for(arm)
    streams = make_streams(np.random.SeedSequence(seed))
    world, state = build(sc, model, streams)
    ctx = period.Context(world, sc, model, sc.pricing, streams)
    for _ in range(2):  # warm-up (compilation or cache load)
        period.step(state, ctx)
    live = int(state.active.sum())
    touch_s, nbytes = _touch_seconds(world, state, ctx, repeat)
    draws, calls = _count_one_period(state, ctx)
    draw_s = _draw_seconds(draws, calls["generators"], repeat)
    trans_s = _transcendental_seconds(calls, repeat)
    ties, x = ctx.live.ties, np.random.default_rng(3).random(ctx.live.n)
    gather_s = _best(lambda: ties @ x, repeat)  # one neighbour sum: scipy's CSR product
    fp, t0 = 0, time.perf_counter()
    for _ in range(periods):
        fp += int(state.active.sum())
        period.step(state, ctx)
    engine_s = (time.perf_counter() - t0) / periods
    floor_s = touch_s + draw_s + trans_s + gather_s
    return {
        "arm": arm,
        "backend": kernels.backend(),
        "live": live,
        "touch_ms": 1e3 * touch_s,
        "draw_ms": 1e3 * draw_s,
        "trans_ms": 1e3 * trans_s,
        "gather_ms": 1e3 * gather_s,
        "floor_ms": 1e3 * floor_s,
        "engine_ms": 1e3 * engine_s,
        "engine_fps": fp / periods / engine_s,
        "floor_fps": live / floor_s,
        "draws": sum(draws.values()),
        "transcendentals": sum(calls[name] for name in TRANSCENDENTALS),
        **nbytes,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--periods", type=int, default=3, help="timed engine periods (default 3)")
    ap.add_argument("--repeat", type=int, default=5, help="repeats of each floor measurement")
    ap.add_argument("--arms", nargs="+", default=[MODEL, BASELINE], choices=[MODEL, BASELINE])
    ap.add_argument("--seed", type=int, default=20240)
    args = ap.parse_args(argv)
    print(f"floor of one period, {args.size:,} firms, {_pin()}, best of {args.repeat}")
    rows = [measure(arm, args.size, args.periods, args.seed, args.repeat) for arm in args.arms]
    target_ms = 1e3 * args.size / TARGET_FPS
    head = (
        f"{'arm':16} {'impl':6} {'slots':>8} {'read_MB':>8} {'write_MB':>8} {'draws':>10} "
        f"{'exp-like':>10} {'touch_ms':>9} {'draws_ms':>9} {'exp_ms':>7} {'gather_ms':>9} "
        f"{'floor_ms':>9} "
        f"{'floor_fp/s':>11} {'engine_ms':>10} {'engine_fp/s':>12} {'engine/floor':>13} "
        f"{'target_ms':>10} {'target/floor':>13}"
    )
    print_head(head)
    for r in rows:
        print(
            f"{r['arm']:16} {r['backend']:6} {r['slots']:>8,} {r['read_mb']:>8.1f} "
            f"{r['written_mb']:>8.1f} {r['draws']:>10,} {r['transcendentals']:>10,} "
            f"{r['touch_ms']:>9.2f} {r['draw_ms']:>9.2f} {r['trans_ms']:>7.2f} "
            f"{r['gather_ms']:>9.2f} {r['floor_ms']:>9.2f} {r['floor_fps']:>11,.0f} {r['engine_ms']:>10.2f} "
            f"{r['engine_fps']:>12,.0f} {r['engine_ms'] / r['floor_ms']:>13.2f} "
            f"{target_ms:>10.2f} {target_ms / r['floor_ms']:>13.2f}"
        )
    print(
        f"target: {TARGET_FPS:,} firm-periods/s = {target_ms:.1f} ms per period at {args.size:,} "
        "firms; target/floor is the budget in units of the floor (< 1: no implementation of this "
        "model can meet it here; the model's computation must fit in the rest), engine/floor is "
        "how far the engine is from that floor."
    )


if __name__ == "__main__":
    main()
