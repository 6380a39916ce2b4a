"""The experiment file: a base scenario, parameters to vary, a design, models, outcomes, a seed.

An experiment is declared once (YAML) and hashed; the hash ties a results directory to the exact
declaration that filled it. Every key is checked (pydantic, ``extra="forbid"``): an unknown key
or a bad value is reported as one line naming the field, the value and what was expected.

>>> exp = Experiment.model_validate({
...     "base": "footwear", "set": {"firms.count": 60},
...     "parameters": {"ties.strong_degree": {"low": 1, "high": 8}},
...     "design": {"kind": "lhs", "points": 4}, "models": ["collective_mark"],
...     "periods": 4, "outcomes": ["sme_profit"], "seed": 7})
>>> exp.design.kind, exp.replicates, len(exp.experiment_hash())
('lhs', 1, 64)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from clustermarketing.errors import ClusterMarketingError

STRICT = ConfigDict(extra="forbid", populate_by_name=True)

Kind = Literal["uniform", "log_uniform", "integer", "categorical"]


class ExperimentError(ClusterMarketingError):
    """An experiment file, its parameters or its results directory is unusable."""


class Parameter(BaseModel):
    """One varied scenario field: a range (uniform / log-uniform / integer) or categorical levels.

    Without ``kind``, a range is ``integer`` when the base scenario's value at the path is an
    integer and ``uniform`` otherwise; ``levels`` alone means ``categorical``.
    """

    model_config = STRICT
    low: float | None = Field(None, description="lower bound (inclusive)")
    high: float | None = Field(None, description="upper bound (inclusive for integers)")
    kind: Kind | None = Field(None, description="uniform, log_uniform, integer or categorical")
    levels: list[Any] | None = Field(
        None, description="categorical values, tried with equal weight"
    )

    @model_validator(mode="after")
    def _shape(self) -> Parameter:
        if self.levels is not None:
            if self.kind not in (None, "categorical"):
                raise ValueError(f"levels are given, so kind must be categorical (got {self.kind})")
            if self.low is not None or self.high is not None:
                raise ValueError("give either low/high or levels, not both")
            if len(self.levels) < 1:
                raise ValueError("levels: empty list; expected at least one value")
            seen = [json.dumps(v, sort_keys=True, default=str) for v in self.levels]
            if len(set(seen)) != len(seen):
                raise ValueError(f"levels: duplicate values in {self.levels}")
            self.kind = "categorical"
            return self
        if self.kind == "categorical":
            raise ValueError("kind categorical needs levels: [...]")
        if self.low is None or self.high is None:
            raise ValueError("expected low and high (a range) or levels (categorical values)")
        if not self.low < self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        if self.kind == "log_uniform" and self.low <= 0:
            raise ValueError(f"log_uniform needs low > 0 (got {self.low:g})")
        if self.kind == "integer" and not (
            float(self.low).is_integer() and float(self.high).is_integer()
        ):
            raise ValueError(f"integer range needs whole bounds (got {self.low:g}..{self.high:g})")
        return self


class GridDesign(BaseModel):
    """Full factorial: ``levels`` evenly spaced values per range (all values of small integer
    ranges and every categorical level)."""

    model_config = STRICT
    kind: Literal["grid"]
    levels: int | dict[str, int] = Field(5, description="values per parameter (≥ 2)")

    @field_validator("levels")
    @classmethod
    def _levels(cls, v: int | dict[str, int]) -> int | dict[str, int]:
        for n in v.values() if isinstance(v, dict) else [v]:
            if n < 2:
                raise ValueError(f"{n}; expected at least 2 values per parameter")
        return v


class LhsDesign(BaseModel):
    """Latin hypercube of ``points`` points (scipy.stats.qmc.LatinHypercube)."""

    model_config = STRICT
    kind: Literal["lhs"]
    points: int = Field(description="number of design points", ge=1, le=10_000_000)


class SobolDesign(BaseModel):
    """Saltelli's extension of the Sobol' sequence (SALib ``sample.sobol``): ``n`` × (2d + 2)
    points with second-order terms, ``n`` × (d + 2) without. ``n`` should be a power of 2."""

    model_config = STRICT
    kind: Literal["sobol"]
    n: int = Field(64, description="base sample size N (a power of 2)", ge=2, le=1_048_576)
    second_order: bool = Field(True, description="also estimate second-order indices S2")

    @field_validator("n")
    @classmethod
    def _pow2(cls, v: int) -> int:
        if v & (v - 1):
            raise ValueError(f"{v}; expected a power of 2 (Sobol' sequence balance)")
        return v


class MorrisDesign(BaseModel):
    """Morris elementary-effects trajectories (SALib ``sample.morris``): ``trajectories`` ×
    (d + 1) points on a ``levels``-level grid."""

    model_config = STRICT
    kind: Literal["morris"]
    trajectories: int = Field(10, description="number of trajectories r", ge=2, le=100_000)
    levels: int = Field(4, description="grid levels p (even)", ge=2, le=100)


class ListDesign(BaseModel):
    """Explicit design points: each a mapping from parameter path to value."""

    model_config = STRICT
    kind: Literal["list"]
    points: list[dict[str, Any]] = Field(description="design points", min_length=1)


Design = Annotated[
    GridDesign | LhsDesign | SobolDesign | MorrisDesign | ListDesign,
    Field(discriminator="kind"),
]


class Experiment(BaseModel):
    """A declared experiment (see docs/experiments.md for every field)."""

    model_config = STRICT
    name: str = Field("experiment", description="free-text name")
    description: str = Field("", description="free text")
    base: str = Field(description="built-in example name or scenario path (relative to the file)")
    overrides: dict[str, Any] = Field(
        default_factory=dict, alias="set", description="fixed --set overrides, path: value"
    )
    parameters: dict[str, Parameter] = Field(
        default_factory=dict, description="varied scenario field paths"
    )
    design: Design
    models: list[str] = Field(description="marketing models run against the baseline")
    replicates: int = Field(1, ge=1, le=100_000, description="replicates per design point")
    periods: int | None = Field(None, ge=1, le=10_000, description="periods (default: horizon)")
    outcomes: list[str] | None = Field(None, description="summary metrics kept (default: all)")
    seed: int = Field(0, ge=0, description="root seed of every run and of the design")
    keep_periods: bool = Field(False, description="also store per-period cluster series")
    seeds: Literal["per_point", "common"] = Field(
        "per_point",
        description="per_point: every run its own seed; common: replicate r shares its seed "
        "across design points (common random numbers)",
    )
    _base_dir: Path | None = PrivateAttr(None)

    @field_validator("models")
    @classmethod
    def _models(cls, v: list[str]) -> list[str]:
        from clustermarketing.analysis import BASELINE
        from clustermarketing.models import preset_settings

        if not v:
            raise ValueError("empty list; expected at least one model")
        if len(set(v)) != len(v):
            raise ValueError(f"duplicate models in {v}")
        for m in v:
            if m == BASELINE:
                raise ValueError(f"{m!r} is the baseline, run with every model; remove it")
            preset_settings(m)  # unknown / planned → ValueError naming the valid ones
        return v

    @field_validator("outcomes")
    @classmethod
    def _outcomes(cls, v: list[str] | None) -> list[str] | None:
        from clustermarketing.engine import METRICS

        if v is None:
            return v
        if not v:
            raise ValueError("empty list; expected summary metric names (or omit for all)")
        if len(set(v)) != len(v):
            raise ValueError(f"duplicate outcomes in {v}")
        bad = [m for m in v if m not in METRICS]
        if bad:
            raise ValueError(f"unknown metric {bad[0]!r}; expected some of {', '.join(METRICS)}")
        return v

    @model_validator(mode="after")
    def _design_fits(self) -> Experiment:
        names = list(self.parameters)
        d = self.design
        if isinstance(d, ListDesign):
            keys = list(d.points[0])
            for i, p in enumerate(d.points):
                if sorted(p) != sorted(keys):
                    raise ValueError(
                        f"design.points.{i}: parameters {sorted(p)}; every point must set the "
                        f"same parameters as point 0 ({sorted(keys)})"
                    )
            if names and sorted(keys) != sorted(names):
                raise ValueError(
                    f"design.points set {sorted(keys)} but parameters declares {sorted(names)}"
                )
            return self
        if not names:
            raise ValueError(f"design {d.kind} needs at least one entry under parameters")
        if isinstance(d, GridDesign) and isinstance(d.levels, dict):
            extra = sorted(set(d.levels) - set(names))
            if extra:
                raise ValueError(f"design.levels: {extra[0]!r} is not a declared parameter")
        return self

    @property
    def outcome_names(self) -> list[str]:
        """The kept summary metrics (all of them when ``outcomes`` is omitted)."""
        from clustermarketing.engine import METRICS

        return list(self.outcomes) if self.outcomes is not None else list(METRICS)

    def base_source(self) -> str:
        """The base scenario: a built-in example name, or its path resolved against the file."""
        from clustermarketing.scenario.load import EXAMPLES

        if self.base in EXAMPLES or self._base_dir is None or Path(self.base).is_absolute():
            return self.base
        return str(self._base_dir / self.base)

    def canonical(self) -> dict[str, Any]:
        """The declaration as plain data with every default filled in (what the hash covers)."""
        return self.model_dump(mode="json", by_alias=True)

    def experiment_hash(self) -> str:
        """SHA-256 of the canonical JSON of the declaration and of the base scenario's content.

        A base given as a file is hashed by content, so editing that scenario file also counts
        as a changed experiment.
        """
        from clustermarketing.scenario.load import scenario_dict

        try:
            base = scenario_dict(self.base_source())
        except ClusterMarketingError:
            base = None
        doc = {"experiment": self.canonical(), "base_scenario": base}
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects a key given twice in one mapping (PyYAML keeps the last)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise ExperimentError(
                f"line {key_node.start_mark.line + 1}: key {key!r} given twice "
                f"(first on line {seen[key] + 1}); remove one"
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)


def format_error(err: ValidationError, source: str) -> str:
    """One line per problem, ``source: field.path: message (got value)``."""
    lines = []
    for e in err.errors():
        # the discriminated union puts the design kind into the location: drop it
        loc = [str(x) for x in e["loc"]]
        if (
            len(loc) >= 2
            and loc[0] == "design"
            and loc[1]
            in (
                "grid",
                "lhs",
                "sobol",
                "morris",
                "list",
            )
        ):
            loc.pop(1)
        where = ".".join(loc)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key; remove it or check its spelling"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif e["type"] == "union_tag_invalid":
            msg = "kind: expected one of grid, lhs, sobol, morris, list"
        got = e.get("input")
        shown = (
            ""
            if e["type"] in ("missing", "union_tag_invalid") or isinstance(got, dict | list)
            else f" (got {got!r})"
        )
        lines.append(f"{source}: {where + ': ' if where else ''}{msg}{shown}")
    return "\n".join(lines)


def parse_experiment(data: Any, source: str = "experiment") -> Experiment:
    """Validate a raw experiment mapping; errors become one :class:`ExperimentError`."""
    if not isinstance(data, dict):
        raise ExperimentError(
            f"{source}: expected a mapping of experiment fields, got {type(data).__name__}"
        )
    try:
        return Experiment.model_validate(data)
    except ValidationError as e:
        raise ExperimentError(format_error(e, source)) from None


def read_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment YAML file.

    A relative ``base`` path is resolved against the file's directory (a built-in example name
    stays a name).
    """
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise ExperimentError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ExperimentError(f"{path}: is a directory; expected an experiment file") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as e:
        raise ExperimentError(f"{path}: not valid YAML: {e}") from None
    except ExperimentError as e:
        raise ExperimentError(f"{path}: {e}") from None
    exp = parse_experiment(data if data is not None else {}, str(path))
    exp._base_dir = path.parent
    return exp


__all__ = [
    "Experiment",
    "ExperimentError",
    "GridDesign",
    "LhsDesign",
    "ListDesign",
    "MorrisDesign",
    "Parameter",
    "SobolDesign",
    "parse_experiment",
    "read_experiment",
]
