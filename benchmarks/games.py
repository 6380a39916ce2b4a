"""Benchmark of the cooperative-game solvers (a script, not a test).

Run: ``python benchmarks/games.py``. Measures, on random superadditive games
``v(S) = a(S)^1.5 if a(S) ≥ 0.3·a(N) else 0`` (monotone and superadditive, not convex):

* exact Shapley (n = 12, 16, 20, 24) and nucleolus (n = 12, 16, 20), seconds per call;
* the same against straightforward references measured in the same run — Shapley as a Python
  loop over coalitions, nucleolus as the Maschler–Peleg–Shapley LPs with *all* ``2^n`` rows
  (no constraint generation) — where they finish in reasonable time; larger sizes are
  extrapolated (marked ``~``) or skipped;
* ``coopgame-py`` (a Rust implementation) if it is importable;
* sampled Shapley for 1,000 players of the cost game ``C(S) = F + c·(Σ_{i∈S} w_i)^0.8``;
* games on the cluster's structure: the exact Myerson value on a random sparse graph (a random
  spanning tree plus ``n/4`` extra links, mean degree 2.5) at n = 16 and 20, and the Owen value
  with 4 unions of 5 at n = 20 (and 4 unions of 6 at n = 24), each side by side with
  ``coopgame-py`` in the same run (best of several calls, time ratio, agreement); the sampled
  Myerson value for 1,000 players on a sparse graph.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from clustermarketing.games.cooperative import (
    TUGame,
    myerson,
    myerson_sampled,
    nucleolus,
    owen,
    shapley,
    shapley_sampled,
)
from clustermarketing.games.cooperative._excess_lp import restricted_run
from clustermarketing.games.cooperative.tu import subset_sums

try:
    import coopgame  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - optional
    coopgame = None

REF_SHAPLEY_MAX_N = 16
REF_NUCLEOLUS_MAX_N = 16


def random_superadditive(n: int, rng: np.random.Generator) -> TUGame:
    """``v(S) = a(S)^1.5`` when ``a(S) ≥ 0.3 a(N)``, else 0: monotone and superadditive."""
    a = subset_sums(rng.uniform(0.5, 1.5, n))
    return TUGame(np.where(a >= 0.3 * a[-1], a**1.5, 0.0))


def timed(f: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, out = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - start)
    return best, out


def shapley_loop(game: TUGame) -> np.ndarray:
    """Reference: the Shapley formula with a Python loop over players and coalitions."""
    n, v = game.n, game.values
    fact = [math.factorial(k) for k in range(n + 1)]
    phi = np.zeros(n)
    for i in range(n):
        bit = 1 << i
        for mask in range(1 << n):
            if not mask & bit:
                s = mask.bit_count()
                phi[i] += fact[s] * fact[n - s - 1] / fact[n] * (v[mask | bit] - v[mask])
    return phi


def nucleolus_full_lp(game: TUGame) -> np.ndarray:
    """Reference: the same sequential LPs with every coalition as a row."""
    v, n = game.values, game.n
    return restricted_run(v, n, set(range(1, (1 << n) - 1)), v[1 << np.arange(n)]).x


def fmt(seconds: float | None, estimated: bool = False) -> str:
    if seconds is None:
        return "—"
    return ("~" if estimated else "") + (f"{seconds:.4f}" if seconds < 10 else f"{seconds:.1f}")


def main() -> None:
    rng = np.random.default_rng(2024)
    rows = []
    ref_shapley_per_unit = ref_nucl_time = None
    for n in (12, 16, 20, 24):
        game = random_superadditive(n, rng)
        t_sh, phi = timed(lambda g=game: shapley(g), repeat=3 if n < 24 else 1)
        row = {"n": n, "shapley": t_sh}
        if n <= REF_SHAPLEY_MAX_N:
            t_ref, phi_ref = timed(lambda g=game: shapley_loop(g))
            assert np.allclose(phi, phi_ref)
            ref_shapley_per_unit = t_ref / (n * 2**n)
            row["shapley_ref"], row["shapley_ref_est"] = t_ref, False
        elif ref_shapley_per_unit is not None:
            row["shapley_ref"], row["shapley_ref_est"] = ref_shapley_per_unit * n * 2**n, True
        if n <= 20:
            t_nu, nu = timed(lambda g=game: nucleolus(g))
            row["nucleolus"] = t_nu
            if n <= REF_NUCLEOLUS_MAX_N:
                t_ref, nu_ref = timed(lambda g=game: nucleolus_full_lp(g))
                assert np.allclose(nu, nu_ref, atol=1e-6)
                ref_nucl_time = (n, t_ref)
                row["nucleolus_ref"], row["nucleolus_ref_est"] = t_ref, False
            elif ref_nucl_time is not None:  # LP work grows at least like the row count 2^n
                n0, t0 = ref_nucl_time
                row["nucleolus_ref"], row["nucleolus_ref_est"] = t0 * 2 ** (n - n0), True
            if coopgame is not None:
                cg = coopgame.Game(game.values[1:].tolist())
                row["coop_shapley"], cg_phi = timed(lambda c=cg: coopgame.shapley(c))
                row["coop_nucleolus"], cg_out = timed(lambda c=cg: coopgame.nucleolus(c))
                cg_nu = cg_out["allocation"] if isinstance(cg_out, dict) else cg_out
                row["coop_agree"] = bool(
                    np.allclose(np.asarray(cg_phi, dtype=float), phi, atol=1e-6)
                    and np.allclose(np.asarray(cg_nu, dtype=float), nu, atol=1e-5)
                )
        rows.append(row)

    print("Exact solutions on random superadditive games (seconds per call; ~ = extrapolated)")
    header = (
        f"{'n':>3} | {'shapley':>8} {'loop ref':>9} {'ratio':>8} | "
        f"{'nucleolus':>9} {'full-LP ref':>11} {'ratio':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        sr = r.get("shapley_ref")
        nr, nu = r.get("nucleolus_ref"), r.get("nucleolus")
        s_ratio = f"{sr / r['shapley']:.0f}x" if sr else "—"
        n_ratio = f"{nr / nu:.1f}x" if nr and nu else "—"
        print(
            f"{r['n']:>3} | {fmt(r['shapley']):>8} {fmt(sr, r.get('shapley_ref_est', False)):>9} "
            f"{s_ratio:>8} | {fmt(nu):>9} "
            f"{fmt(nr, r.get('nucleolus_ref_est', False)):>11} "
            f"{n_ratio:>7}"
        )
    print(
        f"(loop reference run for n <= {REF_SHAPLEY_MAX_N}, full-LP nucleolus for n <= "
        f"{REF_NUCLEOLUS_MAX_N}; beyond that extrapolated as n·2^n resp. 2^n, not run)"
    )
    if coopgame is None:
        print("coopgame-py: unavailable (not importable; pip install coopgame-py to compare)")
    else:
        print(f"coopgame-py {getattr(coopgame, '__version__', '')} (Rust), same games:")
        for r in rows:
            if "coop_shapley" in r:
                print(
                    f"  n={r['n']:>2}: shapley {fmt(r['coop_shapley'])} s "
                    f"(time ratio coopgame/ours {r['coop_shapley'] / r['shapley']:.1f}), "
                    "nucleolus "
                    f"{fmt(r['coop_nucleolus'])} s (time ratio "
                    f"{r['coop_nucleolus'] / r['nucleolus']:.1f}), "
                    f"results agree: {r['coop_agree']}"
                )

    n, fixed, unit = 1000, 50.0, 1.0
    w = rng.uniform(1, 10, n)

    def cost(members: np.ndarray) -> np.ndarray:
        return np.where(members.any(axis=1), fixed + unit * (members @ w) ** 0.8, 0.0)

    print(f"\nSampled Shapley, {n} players, C(S) = {fixed:g} + (Σ w)^0.8, w ~ U(1, 10)")
    print(
        f"{'method':>11} {'orders':>7} {'seconds':>8} {'median rel s.e.':>16} {'max rel s.e.':>13}"
    )
    for method in ("antithetic", "stratified", "plain"):
        for samples in (400, 1000):
            t, est = timed(
                lambda m=method, s=samples: shapley_sampled(cost, n, s, seed=1, method=m)
            )
            rel = est.stderr / np.abs(est.values)
            print(f"{method:>11} {samples:>7} {t:>8.2f} {np.median(rel):>16.4f} {rel.max():>13.4f}")


def random_sparse_graph(n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """A random spanning tree (each player links to a random earlier one) plus ``n // 4`` links."""
    edges = {(int(rng.integers(0, i)), i) for i in range(1, n)}
    while len(edges) < n - 1 + n // 4:
        a, b = sorted(rng.choice(n, 2, replace=False).tolist())
        edges.add((a, b))
    return sorted(edges)


def best_of(f: Callable[[], Any], seconds: float = 1.0, max_repeat: int = 50) -> tuple[float, Any]:
    """Best time per call: calls are batched so that a batch lasts ≥ 1 ms, best batch wins."""
    out = f()
    start = time.perf_counter()
    f()
    once = max(time.perf_counter() - start, 1e-7)
    per_batch = max(1, int(1e-3 / once))
    repeat = max(3, min(max_repeat, int(seconds / (once * per_batch))))
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(per_batch):
            f()
        best = min(best, (time.perf_counter() - start) / per_batch)
    return best, out


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def structure_benchmark(rng: np.random.Generator) -> None:
    """Myerson and Owen values against coopgame-py, same games, same run."""
    print("\nGames on the cluster's structure (best time per call; ratio = coopgame / ours)")
    header = f"{'case':<38} {'ours':>9} {'coopgame':>9} {'ratio':>6}  agree"
    print(header)
    print("-" * len(header))
    cases = []
    for n in (16, 20):
        game = random_superadditive(n, rng)
        edges = random_sparse_graph(n, rng)
        cases.append(
            (
                f"Myerson, n={n}, {len(edges)} links",
                game,
                lambda g=game, e=edges: myerson(g, e),
                lambda c, e=edges: coopgame.myerson(c, e),
            )
        )
    for n, size in ((20, 5), (24, 6)):
        game = random_superadditive(n, rng)
        order = rng.permutation(n)
        unions = [sorted(order[k : k + size].tolist()) for k in range(0, n, size)]
        cases.append(
            (
                f"Owen, n={n}, 4 unions of {size}",
                game,
                lambda g=game, u=unions: owen(g, u),
                lambda c, u=unions: coopgame.owen(c, u),
            )
        )
    for name, game, ours, theirs in cases:
        t_ours, x_ours = best_of(ours)
        if coopgame is None:
            print(f"{name:<38} {fmt_time(t_ours):>9} {'—':>9} {'—':>6}  —")
            continue
        peer = coopgame.Game(game.values[1:].tolist())
        t_peer, x_peer = best_of(lambda p=peer, th=theirs: th(p))
        agree = bool(np.allclose(x_ours, np.asarray(x_peer, dtype=float), rtol=1e-9, atol=1e-9))
        print(
            f"{name:<38} {fmt_time(t_ours):>9} {fmt_time(t_peer):>9} "
            f"{t_peer / t_ours:>5.2f}x  {agree}"
        )
    if coopgame is None:
        print("coopgame-py: unavailable (pip install coopgame-py to compare)")

    n = 1000
    w = rng.uniform(1, 10, n)
    edges = random_sparse_graph(n, rng)

    def worth(members: np.ndarray) -> np.ndarray:
        return (members @ w) ** 1.5

    for samples in (100, 400):
        t, est = timed(lambda s=samples: myerson_sampled(worth, edges, n=n, samples=s, seed=1))
        rel = est.stderr / np.abs(est.values)
        print(
            f"Myerson sampled, {n} players, {len(edges)} links, v(S) = (Σw)^1.5, {samples} "
            f"orders: {t:.2f} s, median rel s.e. {np.median(rel):.4f}, max {rel.max():.4f}"
        )


if __name__ == "__main__":
    main()
    structure_benchmark(np.random.default_rng(2025))
