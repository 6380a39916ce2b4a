"""The indicator system: goal → criteria → indicators, with judgements and grades.

A hierarchy is plain data (usually a YAML file; the default ships as
``clustermarketing/evaluation/default_hierarchy.yaml``). Each criterion holds indicators; each
indicator names the simulation **metric** it is computed from, how it is compared with the
independent baseline (**transform**), its **direction** (benefit: more is better; cost: less is
better), its **unit**, and its membership functions for the grades. Weights come from
**judgements** at each node: a pairwise matrix (``matrix`` or ``upper``), several experts'
matrices (``experts``, aggregated by the element-wise geometric mean) or direct ``weights``.

Transforms (x = model arm, b = baseline arm, each the mean over replicates of one metric):

- ``difference``: x − b (in the metric's unit);
- ``relative``: (x − b) / |b| (fraction; undefined when b = 0);
- ``log1p_difference``: ln(1 + x) − ln(1 + b) (for non-negative stocks such as the regional
  brand, which enters demand as ln(1 + R));
- ``model``: x alone (for rates that have no baseline, e.g. the cooperation rate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.evaluation import pairwise as ahp_mod
from clustermarketing.evaluation.fuzzy import (
    DEFAULT_GRADES,
    DEFAULT_SCORES,
    Membership,
    membership,
    partition,
)
from clustermarketing.evaluation.weights import direct_weights

TRANSFORMS: tuple[str, ...] = ("difference", "relative", "log1p_difference", "model")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MatrixSpec(_Strict):
    """One pairwise comparison matrix: full rows or the upper triangle row by row."""

    matrix: list[list[float]] | None = None
    upper: list[float] | None = None

    @model_validator(mode="after")
    def _one(self) -> MatrixSpec:
        if (self.matrix is None) == (self.upper is None):
            raise ValueError("give exactly one of 'matrix' (rows) or 'upper' (upper triangle)")
        return self

    def array(self) -> np.ndarray:
        return ahp_mod.as_matrix(self.matrix if self.matrix is not None else self.upper)


class Judgements(_Strict):
    """How the weights of a node's children are set (exactly one of the four forms)."""

    matrix: list[list[float]] | None = None
    upper: list[float] | None = None
    weights: dict[str, float] | None = None
    experts: list[MatrixSpec] | None = None
    expert_weights: list[float] | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one(self) -> Judgements:
        given = [
            k for k in ("matrix", "upper", "weights", "experts") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of 'matrix', 'upper', 'weights' or 'experts'"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.expert_weights is not None and self.experts is None:
            raise ValueError("'expert_weights' needs 'experts'")
        return self

    @property
    def kind(self) -> str:
        if self.weights is not None:
            return "direct"
        if self.experts is not None:
            return "group"
        return "pairwise"

    def pairwise_matrix(self) -> np.ndarray | None:
        """The (aggregated) pairwise matrix, or None for direct weights."""
        if self.matrix is not None or self.upper is not None:
            return ahp_mod.as_matrix(self.matrix if self.matrix is not None else self.upper)
        if self.experts is not None:
            return ahp_mod.group_matrix([e.array() for e in self.experts], self.expert_weights)
        return None


class IndicatorSpec(_Strict):
    name: str = Field(min_length=1)
    metric: str = Field(min_length=1)
    label: str = ""
    transform: Literal["difference", "relative", "log1p_difference", "model"] = "difference"
    direction: Literal["benefit", "cost"] = "benefit"
    unit: str = ""
    peaks: list[float] | None = None
    membership: dict[str, dict[str, Any]] | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one(self) -> IndicatorSpec:
        if (self.peaks is None) == (self.membership is None):
            raise ValueError(
                "give exactly one of 'peaks' (one value per grade) or 'membership' "
                "(a shape and params per grade)"
            )
        return self


class CriterionSpec(_Strict):
    name: str = Field(min_length=1)
    label: str = ""
    source: str = ""
    judgements: Judgements | None = None
    indicators: list[IndicatorSpec] = Field(min_length=1)


class GradesSpec(_Strict):
    names: list[str] = Field(default_factory=lambda: list(DEFAULT_GRADES), min_length=2)
    scores: list[float] = Field(default_factory=lambda: list(DEFAULT_SCORES), min_length=2)


class AHPSpec(_Strict):
    method: Literal["eigenvector", "geometric_mean", "arithmetic_mean"] = "eigenvector"
    ri: Literal["saaty1980", "saaty2005", "donegan_dodd"] = "saaty1980"


class HierarchySpec(_Strict):
    name: str = "evaluation"
    goal: str = ""
    description: str = ""
    grades: GradesSpec = GradesSpec()
    operator: Literal["weighted_average", "min_max", "product_max", "bounded_sum"] = (
        "weighted_average"
    )
    ahp: AHPSpec = AHPSpec()
    judgements: Judgements | None = None
    criteria: list[CriterionSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Indicator:
    """One indicator, resolved: membership functions ready, position in the hierarchy."""

    name: str
    metric: str
    label: str
    transform: str
    direction: str
    unit: str
    criterion: str
    functions: tuple[Membership, ...]
    peaks: tuple[float, ...] | None

    @property
    def benefit(self) -> bool:
        return self.direction == "benefit"


@dataclass(frozen=True)
class Node:
    """The weights of one node's children and where they came from."""

    name: str
    children: tuple[str, ...]
    weights: np.ndarray
    kind: str  # "pairwise" | "group" | "direct" | "equal"
    result: ahp_mod.AHPResult | None

    def consistency(self) -> dict[str, Any]:
        if self.result is None:
            return {"kind": self.kind, "cr": None, "consistent": True}
        d = self.result.to_dict(self.children)
        d["kind"] = self.kind
        return d


@dataclass(frozen=True)
class Hierarchy:
    """A validated hierarchy: criteria, indicators, grades, operator and AHP weights."""

    spec: HierarchySpec
    indicators: tuple[Indicator, ...]
    criteria: tuple[str, ...]
    criterion_nodes: Node
    indicator_nodes: dict[str, Node]

    @property
    def grades(self) -> tuple[str, ...]:
        return tuple(self.spec.grades.names)

    @property
    def scores(self) -> np.ndarray:
        return np.asarray(self.spec.grades.scores, dtype=float)

    @property
    def operator(self) -> str:
        return self.spec.operator

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.indicators)

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(i.metric for i in self.indicators)

    def criterion_index(self) -> np.ndarray:
        """For each indicator, the index of its criterion."""
        pos = {c: k for k, c in enumerate(self.criteria)}
        return np.array([pos[i.criterion] for i in self.indicators])

    def weights(self) -> tuple[np.ndarray, np.ndarray]:
        """(criterion weights, local indicator weights within each criterion)."""
        local = np.concatenate([self.indicator_nodes[c].weights for c in self.criteria])
        return self.criterion_nodes.weights, local

    def global_weights(self) -> np.ndarray:
        """Indicator weight in the goal: criterion weight × local weight."""
        cw, local = self.weights()
        return cw[self.criterion_index()] * local

    def consistency(self) -> dict[str, Any]:
        out = {"goal": self.criterion_nodes.consistency()}
        out.update({c: self.indicator_nodes[c].consistency() for c in self.criteria})
        return out

    def with_judgements(self, overrides: dict[str, Judgements | None]) -> Hierarchy:
        """A copy with the judgements of some nodes replaced (key ``goal`` or a criterion)."""
        data = self.spec.model_dump()
        for key, j in overrides.items():
            jd = j.model_dump(exclude_none=True) if j is not None else None
            if key == "goal":
                data["judgements"] = jd
                continue
            for c in data["criteria"]:
                if c["name"] == key:
                    c["judgements"] = jd
                    break
            else:
                raise ClusterMarketingError(
                    f"weights: unknown criterion {key!r}; expected one of "
                    f"{', '.join(self.criteria)} or 'goal'"
                )
        return build_hierarchy(data)


def _node(
    name: str, children: Sequence[str], j: Judgements | None, method: str, ri: str, where: str
) -> Node:
    kids = tuple(children)
    if j is None:
        return Node(name, kids, np.full(len(kids), 1.0 / len(kids)), "equal", None)
    try:
        if j.weights is not None:
            missing = [c for c in kids if c not in j.weights]
            extra = [k for k in j.weights if k not in kids]
            if missing or extra:
                raise ClusterMarketingError(
                    f"weights: {'missing ' + ', '.join(missing) if missing else ''}"
                    f"{'; ' if missing and extra else ''}"
                    f"{'unknown ' + ', '.join(extra) if extra else ''}; expected one weight for each of "
                    f"{', '.join(kids)}"
                )
            w = direct_weights([j.weights[c] for c in kids], kids)
            return Node(name, kids, w, "direct", None)
        a = j.pairwise_matrix()
        assert a is not None
        if a.shape[0] != len(kids):
            raise ClusterMarketingError(
                f"{a.shape[0]} × {a.shape[0]} matrix; expected {len(kids)} × {len(kids)} "
                f"(one row per element: {', '.join(kids)})"
            )
        res = ahp_mod.ahp(a, method=method, ri=ri, labels=kids)
        return Node(name, kids, res.weights, j.kind, res)
    except ClusterMarketingError as e:
        raise ClusterMarketingError(f"{where}: {e}") from None


def _functions(ind: IndicatorSpec, grades: Sequence[str], where: str) -> tuple[Membership, ...]:
    if ind.peaks is not None:
        if len(ind.peaks) != len(grades):
            raise ClusterMarketingError(
                f"{where}.peaks: {len(ind.peaks)} values; expected one per grade ({', '.join(grades)})"
            )
        p = np.asarray(ind.peaks, dtype=float)
        d = np.diff(p)
        want = "decreasing" if ind.direction == "benefit" else "increasing"
        ok = np.all(d < 0) if ind.direction == "benefit" else np.all(d > 0)
        if not ok:
            raise ClusterMarketingError(
                f"{where}.peaks: {p.tolist()}; expected strictly {want} values for a "
                f"{ind.direction} indicator (grades in the order {', '.join(grades)})"
            )
        return tuple(partition(p))
    assert ind.membership is not None
    missing = [g for g in grades if g not in ind.membership]
    extra = [g for g in ind.membership if g not in grades]
    if missing or extra:
        raise ClusterMarketingError(
            f"{where}.membership: grades {'missing ' + ', '.join(missing) if missing else ''}"
            f"{'; ' if missing and extra else ''}{'unknown ' + ', '.join(extra) if extra else ''}; "
            f"expected exactly {', '.join(grades)}"
        )
    fns = []
    for g in grades:
        spec = ind.membership[g]
        keys = set(spec)
        if keys != {"shape", "params"}:
            raise ClusterMarketingError(
                f"{where}.membership.{g}: keys {sorted(keys)}; expected 'shape' and 'params'"
            )
        fns.append(membership(str(spec["shape"]), spec["params"], f"{where}.membership.{g}"))
    return tuple(fns)


def build_hierarchy(data: dict[str, Any], source: str = "hierarchy") -> Hierarchy:
    """Validate a hierarchy dictionary and compute its AHP weights.

    Errors name the place (``criteria[2].indicators[1].peaks``), the value and what was expected.
    """
    try:
        spec = HierarchySpec.model_validate(data)
    except ValidationError as e:
        from clustermarketing.scenario.load import format_validation_error

        raise ClusterMarketingError(format_validation_error(e, prefix=f"{source}: ")) from None
    grades = spec.grades.names
    if len(spec.grades.scores) != len(grades):
        raise ClusterMarketingError(
            f"{source}: grades.scores: {len(spec.grades.scores)} values; expected one per grade "
            f"({len(grades)})"
        )
    if len(set(grades)) != len(grades):
        raise ClusterMarketingError(f"{source}: grades.names: {grades}; expected distinct names")
    cnames = [c.name for c in spec.criteria]
    dup = sorted({c for c in cnames if cnames.count(c) > 1})
    if dup:
        raise ClusterMarketingError(f"{source}: criteria: duplicate name(s) {', '.join(dup)}")
    inames = [i.name for c in spec.criteria for i in c.indicators]
    dup = sorted({i for i in inames if inames.count(i) > 1})
    if dup:
        raise ClusterMarketingError(f"{source}: indicators: duplicate name(s) {', '.join(dup)}")
    indicators = []
    nodes = {}
    for ci, c in enumerate(spec.criteria):
        for ii, ind in enumerate(c.indicators):
            where = f"{source}: criteria[{ci}].indicators[{ii}] ({ind.name})"
            indicators.append(
                Indicator(
                    ind.name, ind.metric, ind.label or ind.name, ind.transform, ind.direction,
                    ind.unit, c.name, _functions(ind, grades, where),
                    tuple(ind.peaks) if ind.peaks is not None else None,
                )
            )  # fmt: skip
        nodes[c.name] = _node(
            c.name, [i.name for i in c.indicators], c.judgements, spec.ahp.method, spec.ahp.ri,
            f"{source}: criteria[{ci}] ({c.name}).judgements",
        )  # fmt: skip
    goal = _node(
        "goal", cnames, spec.judgements, spec.ahp.method, spec.ahp.ri, f"{source}: judgements"
    )
    return Hierarchy(spec, tuple(indicators), tuple(cnames), goal, nodes)


def parse_judgements(data: Any, where: str) -> Judgements:
    """A :class:`Judgements` from a dictionary, with located errors."""
    try:
        return Judgements.model_validate(data)
    except ValidationError as e:
        from clustermarketing.scenario.load import format_validation_error

        raise ClusterMarketingError(format_validation_error(e, prefix=f"{where}: ")) from None


__all__ = [
    "TRANSFORMS",
    "Hierarchy",
    "HierarchySpec",
    "Indicator",
    "Judgements",
    "Node",
    "build_hierarchy",
    "parse_judgements",
]
