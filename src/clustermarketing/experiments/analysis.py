"""Which parameters matter, and where a model pays off: Sobol', Morris and PRIM.

* **Sobol'** (SALib ``analyze.sobol``, Saltelli 2002/2010 estimators): first-order
  ``S1_i = V[E(Y|X_i)] / V(Y)``, total ``ST_i = E[V(Y|X_~i)] / V(Y)`` and second-order
  ``S2_ij`` indices with bootstrap confidence intervals (``conf_level``, default 95%).
* **Morris** (SALib ``analyze.morris``, Campolongo et al. 2007): over ``r`` trajectories, the
  elementary effect ``EE_i = [Y(x + Δe_i) − Y(x)] / Δ``; ``μ*_i = mean |EE_i|`` (importance),
  ``σ_i = sd EE_i`` (interactions / non-linearity), ``μ_i = mean EE_i``. On a sweep, ``x`` is
  the unit coordinate, so effects are per unit of each parameter's range.
* **PRIM** (Friedman & Fisher 1999, as implemented in EMA Workbench's ``analysis.prim``): peel
  the parameter box to find where ``Y > threshold`` (e.g. "model beats the baseline") is
  dense; each box on the peeling trajectory has *coverage* (share of all cases of interest that
  are in the box), *density* (share of points in the box that are cases of interest), *mass*
  (share of all points in the box) and the parameters it restricts.

:func:`sensitivity` serves any vectorised ``func(X) -> y``; :func:`analyze` reads a sweep's
store. Both are pure apart from reading the store: plotting lives in ``report.py``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.experiments.spec import ExperimentError

METHODS = ("sobol", "morris", "prim")
ARMS = ("difference", "model", "baseline")


def _problem(names: list[str], bounds: list[tuple[float, float]]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": names, "bounds": [list(b) for b in bounds]}


def sobol_indices(
    problem: dict[str, Any],
    y: np.ndarray,
    second_order: bool = True,
    conf_level: float = 0.95,
    num_resamples: int = 100,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """S1, S1_conf, ST, ST_conf per parameter, and the S2 table (pairs) when asked."""
    from SALib.analyze import sobol

    si = sobol.analyze(
        problem,
        np.asarray(y, dtype=float),
        calc_second_order=second_order,
        num_resamples=num_resamples,
        conf_level=conf_level,
        seed=seed,
    )
    names = problem["names"]
    table = pd.DataFrame(
        {k: si[k] for k in ("S1", "S1_conf", "ST", "ST_conf")},
        index=pd.Index(names, name="parameter"),
    )
    s2 = None
    if second_order:
        rows = []
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                rows.append(
                    {
                        "parameter_i": names[i],
                        "parameter_j": names[j],
                        "S2": float(si["S2"][i, j]),
                        "S2_conf": float(si["S2_conf"][i, j]),
                    }
                )
        s2 = pd.DataFrame(rows, columns=["parameter_i", "parameter_j", "S2", "S2_conf"])
    return table, s2


def morris_indices(
    problem: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    num_levels: int = 4,
    conf_level: float = 0.95,
    num_resamples: int = 100,
    seed: int = 0,
) -> pd.DataFrame:
    """mu_star, mu_star_conf, mu, sigma per parameter."""
    from SALib.analyze import morris

    si = morris.analyze(
        problem,
        np.asarray(x, dtype=float),
        np.asarray(y, dtype=float),
        num_resamples=num_resamples,
        conf_level=conf_level,
        num_levels=num_levels,
        seed=seed,
    )
    return pd.DataFrame(
        {k: np.asarray(si[k], dtype=float) for k in ("mu_star", "mu_star_conf", "mu", "sigma")},
        index=pd.Index(problem["names"], name="parameter"),
    )


def sensitivity(
    func: Callable[[np.ndarray], Any],
    params: dict[str, tuple[float, float]],
    method: str = "sobol",
    n: int = 1024,
    seed: int = 0,
    *,
    second_order: bool = True,
    levels: int = 4,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Global sensitivity indices of a vectorised ``func(X) -> y`` over a box of parameters.

    ``X`` has one row per design point and one column per parameter, in the order of
    ``params`` (a dict name → (low, high), uniform). ``method="sobol"`` evaluates ``func`` on
    Saltelli's ``n·(2d+2)`` points (``n·(d+2)`` without second order; ``n`` a power of 2) and
    returns S1, S1_conf, ST, ST_conf (S2 pairs in ``.attrs["S2"]``); ``method="morris"`` on
    ``n`` trajectories of ``d+1`` points on a ``levels`` grid, returns mu_star, mu_star_conf,
    mu, sigma (effects per unit of the parameter, as SALib scales them to the bounds). The
    same ``seed`` gives the same design and bootstrap.

    >>> import numpy as np
    >>> t = sensitivity(lambda X: X[:, 0] + 0 * X[:, 1], {"a": (0, 1), "b": (0, 1)}, n=64)
    >>> bool(t.loc["a", "ST"] > 0.95), float(t.loc["b", "ST"])  # b does nothing: exactly 0
    (True, 0.0)
    """
    if not params:
        raise ValueError("params: empty; expected a dict name -> (low, high)")
    names = list(params)
    bounds = []
    for name, b in params.items():
        lo, hi = (float(v) for v in b)
        if not lo < hi:
            raise ValueError(f"params.{name}: ({lo:g}, {hi:g}); expected low < high")
        bounds.append((lo, hi))
    problem = _problem(names, bounds)
    if method == "sobol":
        from SALib.sample import sobol

        if n < 2 or n & (n - 1):
            raise ValueError(f"n: {n}; expected a power of 2 for Sobol'")
        x = sobol.sample(problem, n, calc_second_order=second_order, seed=seed)
    elif method == "morris":
        from SALib.sample import morris

        if n < 2:
            raise ValueError(f"n: {n}; expected at least 2 trajectories")
        x = morris.sample(problem, n, num_levels=levels, seed=seed)
    else:
        raise ValueError(f"method: {method!r}; expected sobol or morris")
    y = np.asarray(func(x), dtype=float).reshape(-1)
    if y.size != len(x):
        raise ValueError(f"func returned {y.size} values for {len(x)} design points")
    if not np.isfinite(y).all():
        raise ValueError(f"func returned {int((~np.isfinite(y)).sum())} non-finite values")
    if method == "morris":
        return morris_indices(problem, x, y, num_levels=levels, conf_level=conf_level, seed=seed)
    table, s2 = sobol_indices(problem, y, second_order, conf_level, seed=seed)
    if s2 is not None:
        table.attrs["S2"] = s2
    return table


@dataclass
class Analysis:
    """The result of :func:`analyze`: tables plus what they were computed from."""

    method: str
    outcome: str
    model: str
    arm: str
    table: pd.DataFrame
    info: dict[str, Any]
    s2: pd.DataFrame | None = None
    trajectory: pd.DataFrame | None = None
    box: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data (NaN → None)."""
        from clustermarketing.io import jsonable

        def records(df: pd.DataFrame | None, index: bool = False) -> Any:
            if df is None:
                return None
            d = df.reset_index() if index else df
            return d.astype(object).where(pd.notna(d), None).to_dict(orient="records")

        return jsonable(
            {
                "method": self.method,
                "outcome": self.outcome,
                "model": self.model,
                "arm": self.arm,
                "info": self.info,
                "table": records(self.table, index=True),
                "second_order": records(self.s2),
                "peeling_trajectory": records(self.trajectory),
                "box": records(self.box),
                "notes": self.notes,
            }
        )


def point_outcomes(
    directory: Path, outcome: str, model: str, arm: str
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per design point: mean over successful replicates of ``outcome`` for ``arm``
    (``difference`` = model − baseline, paired on common random numbers)."""
    from clustermarketing.experiments import store

    manifest = store.check_results_dir(directory)
    if outcome not in manifest["outcomes"]:
        raise ExperimentError(
            f"--outcome: {outcome!r} was not kept by this sweep; expected one of "
            f"{', '.join(manifest['outcomes'])}"
        )
    if model not in manifest["models"]:
        raise ExperimentError(
            f"--model: {model!r} was not run in this sweep; expected one of "
            f"{', '.join(manifest['models'])}"
        )
    if arm not in ARMS:
        raise ExperimentError(f"--arm: {arm!r}; expected one of {', '.join(ARMS)}")
    con = store.connect(directory)
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    col = '"' + outcome.replace('"', '""') + '"'
    if "metrics" in tables:
        if arm == "difference":
            expr = (
                f"avg(CASE WHEN arm = 'model' THEN {col} END) "
                f"- avg(CASE WHEN arm = 'baseline' THEN {col} END)"
            )
        else:
            expr = f"avg(CASE WHEN arm = '{arm}' THEN {col} END)"
        y = con.execute(
            f"SELECT point, {expr} AS y, count(DISTINCT replicate) AS replicates "
            "FROM metrics WHERE model = ? GROUP BY point ORDER BY point",
            [model],
        ).df()
    else:
        y = pd.DataFrame({"point": [], "y": [], "replicates": []})
    runs = (
        con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall()
        if "runs" in tables
        else []
    )
    counts = dict(runs)
    info = {
        "directory": str(directory),
        "experiment_hash": manifest["experiment_hash"],
        "design": manifest["experiment"]["design"],
        "design_points": manifest["design_points"],
        "replicates": manifest["replicates"],
        "runs_total": manifest["total_runs"],
        "runs_ok": int(counts.get("ok", 0)),
        "runs_failed": int(counts.get("failed", 0)),
        "parameters": manifest["parameters"],
    }
    con.close()
    return y, info


def _complete(y: pd.DataFrame, n: int, method: str) -> np.ndarray:
    have = dict(zip(y["point"].astype(int), y["y"].astype(float), strict=True))
    missing = [i for i in range(n) if i not in have]
    if missing:
        raise ExperimentError(
            f"--method {method}: {len(missing)} of {n} design points have no successful run "
            f"(first: point {missing[0]}); {method} needs every point of its design — finish "
            "or resume the sweep (runs that failed: --retry-failed), or use --method prim"
        )
    vals = np.array([have[i] for i in range(n)])
    bad = np.flatnonzero(~np.isfinite(vals))
    if bad.size:
        raise ExperimentError(
            f"--method {method}: the outcome is undefined (NaN) at {bad.size} of {n} design "
            f"points (first: point {int(bad[0])}); choose an outcome defined everywhere"
        )
    return vals


def analyze(
    directory: str | Path,
    outcome: str,
    method: str = "sobol",
    model: str | None = None,
    arm: str = "difference",
    *,
    threshold: float = 0.0,
    better: str = "higher",
    density: float = 0.8,
    conf_level: float = 0.95,
    seed: int = 0,
) -> Analysis:
    """Analyse ``outcome`` of a sweep stored in ``directory``.

    The response of a design point is the mean over its replicates of the outcome for ``arm``:
    ``difference`` (model − baseline on common random numbers, default), ``model`` or
    ``baseline``; ``model`` defaults to the sweep's first model. ``sobol`` needs a sweep with a
    ``sobol`` design, ``morris`` a ``morris`` design, both complete; ``prim`` works on any
    design, on the points with results, and looks for boxes where the response is above
    ``threshold`` (``better="higher"``) or below it (``"lower"``) with density ≥ ``density``.
    """
    from clustermarketing.experiments.design import UNIT_PREFIX
    from clustermarketing.experiments.store import DESIGN

    if method not in METHODS:
        raise ExperimentError(f"--method: {method!r}; expected one of {', '.join(METHODS)}")
    if better not in ("higher", "lower"):
        raise ExperimentError(f"--better: {better!r}; expected higher or lower")
    if not 0 < density <= 1:
        raise ExperimentError(f"--density: {density}; expected a share in (0, 1]")
    directory = Path(directory)
    from clustermarketing.experiments import store

    manifest = store.check_results_dir(directory)
    model = model or manifest["models"][0]
    y, info = point_outcomes(directory, outcome, model, arm)
    params = manifest["parameters"]
    names = [p["path"] for p in params]
    design = pd.read_parquet(directory / DESIGN)
    kind = manifest["experiment"]["design"]["kind"]
    info.update(conf_level=conf_level, seed=seed)
    if method in ("sobol", "morris"):
        if kind != method:
            raise ExperimentError(
                f"--method {method}: needs a sweep with design kind {method} (this one is "
                f"{kind}); use --method prim, or sweep a {method} design"
            )
        vals = _complete(y, len(design), method)
        problem = _problem(names, [(0.0, 1.0)] * len(names))
        if method == "sobol":
            so = bool(manifest["experiment"]["design"].get("second_order", True))
            table, s2 = sobol_indices(problem, vals, so, conf_level, seed=seed)
            return Analysis(method, outcome, model, arm, table, info, s2=s2)
        x = design[[UNIT_PREFIX + n for n in names]].to_numpy(dtype=float)
        levels = int(manifest["experiment"]["design"].get("levels", 4))
        table = morris_indices(problem, x, vals, levels, conf_level, seed=seed)
        return Analysis(
            method,
            outcome,
            model,
            arm,
            table,
            info,
            notes=["elementary effects per unit of each parameter's range (Δu)"],
        )
    return _prim(design, y, names, outcome, model, arm, info, threshold, better, density)


def _prim(
    design: pd.DataFrame,
    y: pd.DataFrame,
    names: list[str],
    outcome: str,
    model: str,
    arm: str,
    info: dict[str, Any],
    threshold: float,
    better: str,
    density: float,
) -> Analysis:
    if not names:  # a list design without declared parameters: its point columns
        from clustermarketing.experiments.design import UNIT_PREFIX

        names = [c for c in design.columns if c != "point" and not c.startswith(UNIT_PREFIX)]
    y = y[np.isfinite(y["y"].astype(float))]
    data = design.set_index("point").loc[y["point"].astype(int), names].reset_index(drop=True)
    vals = y["y"].to_numpy(dtype=float)
    hit = vals > threshold if better == "higher" else vals < threshold
    cmp = ">" if better == "higher" else "<"
    what = (
        f"{outcome} ({arm}{' model − baseline' if arm == 'difference' else ''}) {cmp} {threshold:g}"
    )
    info.update(
        threshold=threshold,
        better=better,
        density_threshold=density,
        condition=what,
        points_used=len(vals),
        points_of_interest=int(hit.sum()),
    )
    empty = pd.DataFrame(columns=["parameter", "restricted", "min", "max"])
    if len(vals) < 10:
        raise ExperimentError(
            f"--method prim: only {len(vals)} design points have results; expected at least 10"
        )
    if hit.all() or not hit.any():
        note = (
            f"{what} at every one of the {len(vals)} points: no box needed"
            if hit.all()
            else f"{what} at none of the {len(vals)} points: nothing to discover"
        )
        return Analysis(
            "prim", outcome, model, arm, empty.set_index("parameter"), info, notes=[note]
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim as ema_prim

        x = data.copy()
        for c in x.columns:
            if x[c].dtype == object or pd.api.types.is_string_dtype(x[c]):
                x[c] = x[c].astype("category")
            elif x[c].dtype.kind in "iub":
                # EMA Workbench writes peeled limits (e.g. 76.5) into the box frame, which
                # pandas ≥ 3 refuses for an integer column: integers are treated as floats
                x[c] = x[c].astype(float)
        p = ema_prim.Prim(x, hit, threshold=density)
        box = p.find_box()
    traj = box.peeling_trajectory.copy()
    traj = traj[["id", "coverage", "density", "mass", "res_dim", "mean", "n"]].reset_index(
        drop=True
    )
    ok = traj[traj["density"] >= density]
    if len(ok):
        # widest coverage; among equals the denser, then the simpler box
        best = ok.sort_values(
            ["coverage", "density", "res_dim"], ascending=[False, False, True], kind="stable"
        ).iloc[0]
    else:
        best = traj.sort_values(["density", "coverage"], ascending=False).iloc[0]
        info["note"] = f"no box reaches density {density:g}; the densest box is shown"
    i = int(best["id"])
    lims = box.box_lims[i]
    init = p.box_init
    rows = []
    for name in names:
        lo, hi = lims[name].iloc[0], lims[name].iloc[1]
        lo0, hi0 = init[name].iloc[0], init[name].iloc[1]
        if isinstance(lo, set):  # categorical: the kept levels
            restricted = lo != lo0
            rows.append(
                {
                    "parameter": name,
                    "restricted": restricted,
                    "min": sorted(map(str, lo)),
                    "max": None,
                }
            )
            continue
        restricted = not (
            math.isclose(float(lo), float(lo0)) and math.isclose(float(hi), float(hi0))
        )
        rows.append(
            {"parameter": name, "restricted": restricted, "min": float(lo), "max": float(hi)}
        )
    limits = pd.DataFrame(rows).set_index("parameter")
    stats = {k: float(best[k]) for k in ("coverage", "density", "mass")}
    stats.update(res_dim=int(best["res_dim"]), box=i, points_in_box=int(best["n"]))
    info["selected_box"] = stats
    return Analysis(
        "prim",
        outcome,
        model,
        arm,
        limits,
        info,
        trajectory=traj,
        box=limits.reset_index(),
        notes=[f"cases of interest: {what}"],
    )


__all__ = [
    "ARMS",
    "METHODS",
    "Analysis",
    "analyze",
    "morris_indices",
    "sensitivity",
    "sobol_indices",
]
