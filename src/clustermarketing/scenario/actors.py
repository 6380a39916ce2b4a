"""Scenario sections for actors and ties: firms, institutions, ties, markets (MODEL.md §1)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, model_validator

from clustermarketing.params import STRICT, P

InstitutionKind = Literal[
    "trade_association",
    "chamber_of_commerce",
    "research_institute",
    "government_agency",
    "marketing_intermediary",
    "academic_group",
]


class LogNormal(BaseModel):
    """A log-normal distribution given by its median and the s.d. of the log."""

    model_config = STRICT
    median: float = P(20.0, "median of the distribution", gt=0, le=1e6)
    sigma: float = P(0.6, "standard deviation of the natural log", ge=0, le=5)


class Normal(BaseModel):
    """A normal distribution of an index (quality): mean and s.d. in the index's units."""

    model_config = STRICT
    mean: float = P(1.0, "mean", ge=-10, le=10)
    sd: float = P(0.2, "standard deviation", ge=0, le=5)


class PositiveNormal(BaseModel):
    """A normal distribution of a positive quantity (a cost), truncated at a small positive floor."""

    model_config = STRICT
    mean: float = P(10.0, "mean", gt=0, le=1e6)
    sd: float = P(1.0, "standard deviation", ge=0, le=1e6)


class Beta(BaseModel):
    """A beta distribution on [0, 1]."""

    model_config = STRICT
    a: float = P(2.0, "first shape parameter", gt=0, le=1000)
    b: float = P(2.0, "second shape parameter", gt=0, le=1000)


class Segment(BaseModel):
    """A product segment: firms in one segment are substitutes, across segments complements."""

    model_config = STRICT
    name: str = P("main", "segment name", seed="000")
    share: float = P(1.0, "share of firms in this segment (normalised over segments)", gt=0, le=1e6)


class FirmsConfig(BaseModel):
    """How the cluster's firms are made: generated from distributions or read from a CSV."""

    model_config = STRICT
    source: Literal["generate", "csv"] = P("generate", "generate firms or load them from `csv`")
    csv: Path | None = P(
        None,
        "CSV of real firms; columns employees, unit_cost, quality, segment, "
        "market_orientation, growth_propensity, leader (0/1), and optionally cash, id, "
        "access_<market> (0/1), taste_<market> (ξ, utils) and unit_cost_<market> (CU/unit) "
        "— the last two written by `calibrate demand --scenario-out`",
    )
    count: int = P(
        200, "number of firms at t=0 (leaders included)", unit="firms", ge=1, le=5_000_000
    )
    leaders: int = P(2, "number of leading enterprises", unit="firms", seed="000", ge=0, le=100_000)
    segments: list[Segment] = P(
        [Segment()], "product segments (same segment = substitutes)", seed="000"
    )
    sme_employees: LogNormal = P(LogNormal(), "employees of an SME", unit="persons", seed="000")
    leader_employees: LogNormal = P(
        LogNormal(median=1500.0, sigma=0.3), "employees of a leading enterprise", unit="persons"
    )
    employees_per_variety: float = P(
        300.0,
        "employees per product variety: a firm carries V = max(1, employees / this) symmetric "
        "varieties, adding ln V to its utility (a leader's wider line)",
        unit="persons/variety",
        seed="choice",
        gt=0,
    )
    productivity: float = P(
        50.0, "capacity per employee", unit="units/person/period", seed="choice", gt=0, le=1e6
    )
    unit_cost: PositiveNormal = P(
        PositiveNormal(), "production unit cost of an SME", unit="CU/unit"
    )
    unit_cost_floor: float = P(
        0.05,
        "draws of unit cost are truncated below at this share of the mean",
        unit="share of mean",
        seed="choice",
        gt=0,
        le=1,
    )
    leader_cost_advantage: float = P(
        0.1, "relative unit-cost advantage of leaders (scale)", seed="000", ge=0, lt=1
    )
    quality: Normal = P(Normal(mean=1.0, sd=0.2), "product quality index", unit="index")
    leader_quality_premium: float = P(0.3, "quality added for leaders", unit="index", ge=0, le=10)
    taste_sd: float = P(
        0.5,
        "s.d. of the firm-market taste shock ξ (horizontal differentiation)",
        unit="utils",
        ge=0,
        le=10,
    )
    market_orientation: Beta = P(
        Beta(a=2.0, b=2.0), "market orientation: probability of acting on information", seed="003"
    )
    growth_propensity: Beta = P(
        Beta(a=2.0, b=2.0),
        "manager profile: 1 growth-seeking, 0 stability-seeking (cooperation/expansion)",
        seed="001",
    )
    channel_ratio: float = P(
        1.1,
        "own channel capacity / production capacity",
        unit="ratio",
        seed="000",
        gt=0,
        le=100,
    )
    overhead_per_employee: float = P(
        10.0,
        "fixed operating cost per employee and period (rent, fixed staff): what makes weak "
        "firms lose money and exit",
        unit="CU/person/period",
        seed="choice",
        ge=0,
        le=1e6,
    )
    initial_cash_periods: float = P(
        4.0, "initial cash in periods of expected gross margin", unit="periods", ge=0, le=1000
    )
    complementarity: list[list[float]] | None = P(
        None,
        "segment × segment complementarity in [0, 1] (row: a firm's segment, column: a "
        "partner's): how well their products combine in channels and bundles (default: 1 "
        "between different segments, 0 within one)",
        seed="001",
    )
    sme_access: list[float] | None = P(
        None,
        "probability that an SME starts with access to each market (default 1, 0.3, 0.05...)",
        seed="000",
        numeric=True,
    )

    @model_validator(mode="after")
    def _check(self) -> FirmsConfig:
        if self.source == "csv" and self.csv is None:
            raise ValueError("firms.csv: a path is required when firms.source is 'csv'")
        if self.source == "generate" and self.leaders > self.count:
            raise ValueError(
                f"firms.leaders: {self.leaders} exceeds firms.count {self.count}; "
                "expected at most the number of firms"
            )
        if not self.segments:
            raise ValueError("firms.segments: empty list; expected at least one segment")
        if self.sme_access is not None and any(not 0 <= p <= 1 for p in self.sme_access):
            raise ValueError(
                f"firms.sme_access: {self.sme_access}; expected probabilities in [0, 1]"
            )
        if self.complementarity is not None:
            k = len(self.segments)
            rows = self.complementarity
            if len(rows) != k or any(len(r) != k for r in rows):
                raise ValueError(
                    f"firms.complementarity: expected a {k} × {k} matrix (one row and column per "
                    f"segment), got {len(rows)} rows"
                )
            bad = [x for r in rows for x in r if not 0 <= x <= 1]
            if bad:
                raise ValueError(f"firms.complementarity: {bad[0]}; expected values in [0, 1]")
        return self


class TiesConfig(BaseModel):
    """Strong and weak inter-firm ties (MODEL.md §1; seed 003)."""

    model_config = STRICT
    source: Literal["generate", "edgelist"] = P("generate", "generate ties or read `edgelist`")
    edgelist: Path | None = P(
        None, "CSV edge list with columns source, target, kind (strong|weak); ids are firm rows"
    )
    strong_degree: float = P(
        4.0, "mean strong ties per firm", unit="ties", seed="003", ge=0, le=200
    )
    weak_degree: float = P(8.0, "mean weak ties per firm", unit="ties", seed="003", ge=0, le=500)
    proximity: float = P(
        0.8,
        "share of strong ties formed with geographic neighbours (clustered ≈ 0.8, dispersed 0)",
        seed="003",
        ge=0,
        le=1,
    )
    weak_proximity: float = P(
        0.2,
        "share of weak ties formed with geographic neighbours: weak ties are mostly long-range "
        "acquaintances that bridge neighbourhoods (Granovetter 1973; seed 003)",
        seed="003",
        ge=0,
        le=1,
    )
    locality: float = P(
        0.03, "size of a geographic neighbourhood as a share of all firms", ge=0.0001, le=1
    )

    @model_validator(mode="after")
    def _check(self) -> TiesConfig:
        if self.source == "edgelist" and self.edgelist is None:
            raise ValueError("ties.edgelist: a path is required when ties.source is 'edgelist'")
        return self


class Institution(BaseModel):
    """A non-firm actor: association, chamber, institute, agency, intermediary, academic group."""

    model_config = STRICT
    kind: InstitutionKind = P("trade_association", "kind of institution", seed="000")
    name: str = P("association", "display name")
    monitoring: float = P(
        0.0, "extra probability that this body detects a free-rider", seed="000", ge=0, le=1
    )
    subsidy: float = P(
        0.0,
        "funding of pooled marketing per period (e.g. a fair)",
        unit="CU/period",
        ge=0,
        le=1e9,
    )


class Market(BaseModel):
    """A final market: size, trend and shocks, sensitivities, entry cost (MODEL.md §1)."""

    model_config = STRICT
    name: str = P("home", "market name")
    size: float = P(100_000.0, "potential buyers at t=0", unit="units/period", gt=0, le=1e10)
    trend: float = P(0.01, "mean growth rate of size", unit="1/period", seed="001", ge=-0.5, le=0.5)
    volatility: float = P(0.02, "s.d. of the size shock", unit="1/period", seed="001", ge=0, le=1)
    quality_weight: float = P(
        1.0, "a_m: utility per quality point", unit="utils/index", ge=0, le=10
    )
    price_sensitivity: float = P(
        0.2, "b_m: utility lost per CU of price", unit="utils/CU", gt=0, le=100
    )
    brand_sensitivity: float = P(
        1.0, "multiplier of goodwill and regional-brand utility", ge=0, le=10
    )
    entry_cost: float = P(
        2000.0, "one-off cost of opening own access to this market", unit="CU", ge=0, le=1e9
    )
    maintenance_cost: float = P(
        200.0,
        "per-period cost of keeping own access (logistics, a local agent); access lapses when "
        "last period's margin there did not cover it. The first market is home: no maintenance",
        unit="CU/period",
        ge=0,
        le=1e9,
    )
    outside_utility: float = P(
        3.0,
        "u_0m: utility of buying elsewhere (other regions' products); sets the cluster's reach",
        unit="utils",
        ge=-50,
        le=50,
    )
