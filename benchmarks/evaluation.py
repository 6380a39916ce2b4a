"""Benchmark of the evaluation system (issue 10).

1. ``recommend`` on the default example: the evaluation part (indicators → AHP weights → fuzzy
   evaluation → TOPSIS → 1,000 weight perturbations → replicate ranking → drivers), after the
   simulations, target < 1 s. The simulations are timed too, for the ratio.
2. AHP on a 15 × 15 matrix (eigenvector, CR, most inconsistent judgement), target < 1 ms;
   reference: pymcdm's AHP weights + CR on the same matrix, measured in the same run.

Run: ``python benchmarks/evaluation.py`` (about a minute on the project's 2-core machine).
"""

from __future__ import annotations

import platform
import time

import numpy as np


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    import clustermarketing
    from clustermarketing.evaluation import ahp, from_upper, recommend
    from clustermarketing.evaluation.io import load_hierarchy
    from clustermarketing.evaluation.recommend import RobustnessOptions
    from clustermarketing.evaluation.runs import run_comparison

    print("clustermarketing evaluation benchmark")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
        f"clustermarketing {clustermarketing.__version__}"
    )
    sc = clustermarketing.example("optoelectronics")
    t = time.perf_counter()
    comp = run_comparison(sc)
    sim = time.perf_counter() - t
    models = sorted(set(comp.replicate_values["model"]))
    print(
        f"\n1. recommend optoelectronics (default example: {sc.replicates} replicates × "
        f"{sc.horizon} periods, models {', '.join(models)})"
    )
    h = load_hierarchy()
    opts = RobustnessOptions(perturbations=1000)

    def evaluation() -> None:
        recommend(comp.replicate_values, h, rng=0, options=opts)

    ev = best_of(evaluation, 5)
    print(f"   simulations (all models vs baseline): {sim:8.3f} s")
    print(f"   evaluation with 1,000 perturbations:  {ev:8.3f} s  (best of 5)")
    print(f"   evaluation / simulation:              {ev / sim:8.4f}")
    print(f"   target < 1 s: {'met' if ev < 1 else 'NOT met'}")

    rng = np.random.default_rng(15)
    w = rng.uniform(1, 9, 15)
    iu = np.triu_indices(15, 1)
    ratio = (w[:, None] / w[None, :])[iu] * np.exp(rng.normal(0, 0.2, iu[0].size))
    scale = np.array([1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, *range(1, 10)])
    # judgements on Saaty's scale (pymcdm accepts only those): nearest in log terms
    upper = scale[np.abs(np.log(ratio)[:, None] - np.log(scale)[None, :]).argmin(axis=1)]
    a = from_upper(upper)
    ours = best_of(lambda: ahp(a), 200)
    from pymcdm.weights.subjective import AHP

    def ref() -> None:
        m = AHP(matrix=a)
        m()
        m.get_cr()

    theirs = best_of(ref, 200)
    r = ahp(a)
    print(
        "\n2. AHP on a 15 × 15 matrix (noisy consistent judgements rounded to Saaty's scale), best of 200"
    )
    print(f"   ahp() incl. CR and most inconsistent judgement: {ours * 1e3:7.3f} ms")
    print(f"   pymcdm AHP weights + CR (reference):            {theirs * 1e3:7.3f} ms")
    print(f"   ratio ours / pymcdm:                            {ours / theirs:7.2f}")
    print(
        f"   (CR = {r.cr:.4f}; weights agree with pymcdm: {np.allclose(r.weights, AHP(matrix=a)(), atol=1e-9)})"
    )
    print(f"   target < 1 ms: {'met' if ours < 1e-3 else 'NOT met'}")
    bad = from_upper(rng.choice(scale, iu[0].size))
    slow = best_of(lambda: ahp(bad), 50)
    rb = ahp(bad)
    print(
        f"   random (inconsistent, CR = {rb.cr:.2f}) 15 × 15 incl. the search for the repairing "
        f"value: {slow * 1e3:.3f} ms"
    )


if __name__ == "__main__":
    main()
