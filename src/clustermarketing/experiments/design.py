"""Design points: where in the parameter space each run sits.

Every design is first drawn in the unit hypercube ``u ∈ [0, 1]^d`` and then mapped, parameter by
parameter, through the inverse CDF of that parameter's distribution:

* uniform ``x = low + u (high − low)``;
* log-uniform ``x = low · (high / low)^u``;
* integer ``x = low + ⌊u (high − low + 1)⌋`` (clipped to ``high``): every whole value equally
  likely;
* categorical ``x = levels[⌊u k⌋]`` for ``k`` levels.

So Sobol' indices computed on the mapped design are indices of the parameters *with* those
distributions, and Morris elementary effects are per unit of the parameter's range (``Δu``).
The unit coordinates are kept next to the values (columns ``u.<path>``) for the analysis.

Random designs draw from ``SeedSequence(seed, spawn_key=(DESIGN_STREAM,))``: the design depends
on the experiment seed only, never on the run seeds ``(seed, point, replicate)``.

>>> from clustermarketing.experiments.spec import Parameter
>>> ps = [ResolvedParameter("a", Parameter(low=1, high=4, kind="integer"))]
>>> ps[0].from_unit(np.array([0.0, 0.24, 0.26, 0.999])).tolist()
[1, 1, 2, 4]
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.experiments.spec import (
    Experiment,
    ExperimentError,
    GridDesign,
    LhsDesign,
    ListDesign,
    MorrisDesign,
    Parameter,
    SobolDesign,
)

#: spawn key of the design's random stream ("design" in ASCII); runs use (point, replicate)
DESIGN_STREAM = 0x64657369676E
UNIT_PREFIX = "u."


@dataclass(frozen=True)
class ResolvedParameter:
    """A parameter with its kind settled (see :func:`resolve_parameters`)."""

    name: str
    spec: Parameter

    @property
    def kind(self) -> str:
        return self.spec.kind or "uniform"

    @property
    def bounds(self) -> tuple[float, float]:
        """(low, high) of a range; (0, k − 1) level indices of a categorical parameter."""
        if self.kind == "categorical":
            return 0.0, float(len(self.spec.levels or []) - 1)
        return float(self.spec.low), float(self.spec.high)  # type: ignore[arg-type]

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map unit coordinates to parameter values (inverse CDF)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        s = self.spec
        if self.kind == "categorical":
            levels = np.array(s.levels, dtype=object)
            idx = np.minimum((u * len(levels)).astype(int), len(levels) - 1)
            return levels[idx]
        lo, hi = float(s.low), float(s.high)  # type: ignore[arg-type]
        if self.kind == "integer":
            v = lo + np.floor(u * (hi - lo + 1))
            return np.minimum(v, hi).astype(np.int64)
        if self.kind == "log_uniform":
            return lo * (hi / lo) ** u
        return lo + u * (hi - lo)

    def to_unit(self, x: Any) -> float:
        """Unit coordinate of a value (centre of its cell for integer and categorical)."""
        s = self.spec
        if self.kind == "categorical":
            k = len(s.levels or [])
            return (list(s.levels or []).index(x) + 0.5) / k
        lo, hi = float(s.low), float(s.high)  # type: ignore[arg-type]
        if self.kind == "integer":
            return (float(x) - lo + 0.5) / (hi - lo + 1)
        if self.kind == "log_uniform":
            return math.log(float(x) / lo) / math.log(hi / lo)
        return (float(x) - lo) / (hi - lo)

    def grid(self, n: int) -> list[Any]:
        """``n`` evenly spaced values (all values of a shorter integer range, every level)."""
        s = self.spec
        if self.kind == "categorical":
            return list(s.levels or [])
        lo, hi = float(s.low), float(s.high)  # type: ignore[arg-type]
        if self.kind == "integer":
            return sorted({round(v) for v in np.linspace(lo, hi, min(n, int(hi - lo) + 1))})
        if self.kind == "log_uniform":
            return [float(v) for v in np.geomspace(lo, hi, n)]
        return [float(v) for v in np.linspace(lo, hi, n)]


def _lookup(tree: Any, parts: list[str]) -> Any:
    node = tree
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def resolve_parameters(exp: Experiment, base_values: dict[str, Any]) -> list[ResolvedParameter]:
    """Settle each parameter's kind: a range without ``kind`` over a field whose base value is
    an integer is ``integer``, else ``uniform``. ``base_values`` maps path → base value."""
    out = []
    for name, spec in exp.parameters.items():
        if spec.kind is None:
            v = base_values.get(name)
            integral = isinstance(v, int) and not isinstance(v, bool)
            kind = "integer" if integral else "uniform"
            if integral and not (float(spec.low).is_integer() and float(spec.high).is_integer()):  # type: ignore[arg-type]
                kind = "uniform"
            spec = spec.model_copy(update={"kind": kind})
        out.append(ResolvedParameter(name, spec))
    return out


def base_value(scenario_json: dict[str, Any], model_json: dict[str, Any], path: str) -> Any:
    """The base scenario's value at ``path`` (a ``model.*`` path is read from the resolved
    model of the first arm)."""
    parts = path.split(".")
    if parts[0] == "model":
        found = _lookup(scenario_json.get("model", {}), parts[1:])
        return found if found is not None else _lookup(model_json, parts[1:])
    return _lookup(scenario_json, parts)


def design_seed(seed: int) -> int:
    """Integer seed of the design's random stream (independent of every run's stream)."""
    ss = np.random.SeedSequence(seed, spawn_key=(DESIGN_STREAM,))
    return int(ss.generate_state(1, np.uint32)[0])


def unit_design(exp: Experiment, params: list[ResolvedParameter]) -> np.ndarray:
    """The design in the unit hypercube, one row per point (not for grid and list designs)."""
    d = exp.design
    k = len(params)
    seed = design_seed(exp.seed)
    problem = {"num_vars": k, "names": [p.name for p in params], "bounds": [[0.0, 1.0]] * k}
    if isinstance(d, LhsDesign):
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=k, rng=np.random.default_rng(seed)).random(d.points)
    if isinstance(d, SobolDesign):
        from SALib.sample import sobol

        return sobol.sample(problem, d.n, calc_second_order=d.second_order, seed=seed)
    if isinstance(d, MorrisDesign):
        from SALib.sample import morris

        return morris.sample(problem, d.trajectories, num_levels=d.levels, seed=seed)
    raise AssertionError(d.kind)


def build_design(exp: Experiment, params: list[ResolvedParameter]) -> pd.DataFrame:
    """All design points: column ``point`` (0, 1, …), one column per parameter path holding its
    value, and ``u.<path>`` unit coordinates."""
    d = exp.design
    if isinstance(d, ListDesign):
        keys = list(d.points[0])
        by_name = {p.name: p for p in params}
        frame: dict[str, Any] = {k: [pt[k] for pt in d.points] for k in keys}
        for k in keys:
            p = by_name.get(k)
            vals = frame[k]
            if p is not None:
                _check_in_space(p, vals)
                frame[UNIT_PREFIX + k] = [p.to_unit(v) for v in vals]
            else:
                frame[UNIT_PREFIX + k] = [math.nan] * len(vals)
        df = pd.DataFrame(frame)
    elif isinstance(d, GridDesign):
        per = [
            p.grid(d.levels.get(p.name, 5) if isinstance(d.levels, dict) else d.levels)
            for p in params
        ]
        rows = list(itertools.product(*per))
        df = pd.DataFrame(rows, columns=[p.name for p in params])
        for p in params:
            df[UNIT_PREFIX + p.name] = [p.to_unit(v) for v in df[p.name]]
    else:
        u = unit_design(exp, params)
        df = pd.DataFrame({p.name: p.from_unit(u[:, j]) for j, p in enumerate(params)})
        for j, p in enumerate(params):
            df[UNIT_PREFIX + p.name] = u[:, j]
    for c in df.columns:
        if df[c].dtype == object and not c.startswith(UNIT_PREFIX):
            # categorical levels of one type stay that type (Parquet needs one type per column)
            types = {type(v) for v in df[c]}
            if len(types) > 1:
                df[c] = df[c].map(str)
    df.insert(0, "point", np.arange(len(df), dtype=np.int64))
    return df


def _check_in_space(p: ResolvedParameter, values: list[Any]) -> None:
    for i, v in enumerate(values):
        if p.kind == "categorical":
            if v not in (p.spec.levels or []):
                raise ExperimentError(
                    f"design.points.{i}.{p.name}: {v!r} is not one of the levels {p.spec.levels}"
                )
            continue
        lo, hi = p.bounds
        if not isinstance(v, int | float) or isinstance(v, bool) or not lo <= v <= hi:
            raise ExperimentError(
                f"design.points.{i}.{p.name}: {v!r}; expected a number in [{lo:g}, {hi:g}]"
            )


def design_size(exp: Experiment) -> int:
    """Number of design points, without drawing them."""
    d = exp.design
    k = len(exp.parameters)
    if isinstance(d, ListDesign):
        return len(d.points)
    if isinstance(d, LhsDesign):
        return d.points
    if isinstance(d, SobolDesign):
        return d.n * (2 * k + 2 if d.second_order else k + 2)
    if isinstance(d, MorrisDesign):
        return d.trajectories * (k + 1)
    raise ExperimentError("grid size depends on the parameter kinds; build the design")


__all__ = [
    "DESIGN_STREAM",
    "UNIT_PREFIX",
    "ResolvedParameter",
    "base_value",
    "build_design",
    "design_seed",
    "resolve_parameters",
    "unit_design",
]
