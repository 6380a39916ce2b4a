"""The marketing model: structure + pooled functions + operating mechanisms (seed 000, Fig. 1).

A preset (:mod:`clustermarketing.models.presets`) is a set of these fields, validated when it is
registered; a scenario names a preset and may override any field. The merged dictionary is
validated into ``ModelConfig`` (:func:`clustermarketing.models.resolve_model`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, field_validator

from clustermarketing.models.mechanism_configs import (
    AllianceConfig,
    BrandTiersConfig,
    ChannelNetworkConfig,
    IntermediaryConfig,
    RnDConfig,
    TractionConfig,
)
from clustermarketing.params import STRICT, P

#: the nine marketing functions of seed 000 (MODEL.md §3), in the engine's array order
FUNCTION_NAMES: tuple[str, ...] = (
    "market_research",
    "new_market_development",
    "market_access",
    "customer_acquisition",
    "product_development",
    "brand_building",
    "channel_development",
    "information_dissemination",
    "sales_promotion",
)

StructureKind = Literal["none", "star", "hierarchical", "chain", "network"]
RuleName = Literal[
    "equal", "proportional", "dues", "commission", "shapley", "nucleolus", "myerson", "owen"
]


class StructureConfig(BaseModel):
    """Organisational structure laid over the members (seed 000, Figure 2; MODEL.md §2)."""

    model_config = STRICT
    kind: StructureKind = P("none", "none | star | hierarchical | chain | network", seed="000")
    hub: str = P(
        "",
        "institution whose monitoring the centre/top node carries ('' = the first listed); the "
        "node is the organising body itself, not a firm",
        seed="000",
    )
    branching: int = P(4, "children per node in the hierarchy", ge=2, le=1000)
    extra_links: float = P(
        2.0, "random member-to-member links per member added to a network", ge=0, le=100
    )
    coordination_cost: float = P(
        20.0,
        "cost per structure link per period (× (1 − trust) + 50% floor)",
        unit="CU",
        ge=0,
        le=1e9,
    )
    peer_monitoring: float = P(
        0.1, "probability a structure neighbour detects a free-rider", seed="000", ge=0, le=1
    )
    centre_monitoring: float = P(
        0.8, "probability the centre (star) or parent (hierarchy) detects a free-rider", ge=0, le=1
    )
    chain_unit_capacity: float = P(
        2.0, "activity a chain unit can process per unit of its members' capacity", ge=0, le=1000
    )
    coordination_floor: float = P(
        0.5,
        "share of the coordination cost that trust cannot remove: cost per link × "
        "(floor + (1 − floor)·(1 − mean member trust))",
        seed="choice",
        ge=0,
        le=1,
    )
    fail_period: int = P(
        -1, "period at which a node fails (-1 = never)", unit="period", ge=-1, le=10_000
    )
    fail_node: Literal["hub", "random"] = P(
        "hub", "which node fails: the centre or a random member"
    )


class FunctionInterestConfig(BaseModel):
    """Function–interest mechanism: how pooled costs are split ("no free dinner")."""

    model_config = STRICT
    rule: RuleName = P("proportional", "allocation rule for pooled costs", seed="000")
    dues_fixed_share: float = P(0.5, "share of pooled cost paid as equal dues", ge=0, le=1)
    subsidy_share: float = P(
        1.0, "share of institutions' subsidies that reaches the pooled budget", ge=0, le=1
    )
    unions: Literal["segment", "size"] = P(
        "segment",
        "a priori unions of the Owen rule: members grouped by product segment or size class",
        seed="choice",
    )
    shapley_samples: int = P(
        200,
        "random orders of the sampled Shapley value (used beyond 16 payers)",
        unit="orders",
        seed="choice",
        ge=10,
        le=100_000,
    )


class RegulationConfig(BaseModel):
    """Regulation mechanism: standards, monitoring, sanctions, norms (seed 000)."""

    model_config = STRICT
    quality_standard: float = P(0.0, "minimum quality to be admitted", unit="index", ge=0, le=100)
    monitoring: float = P(
        1.0, "scales all detection probabilities (0 = no monitoring)", seed="000", ge=0, le=1
    )
    fine: float = P(300.0, "fine on a detected free-rider", unit="CU", ge=0, le=1e9)
    cheat_cost_saving: float = P(
        0.05,
        "share of its unit cost a free-rider saves by not keeping the cooperative's rules (quality "
        "standard, channel obligations): the private temptation of free-riding besides the "
        "contribution it withholds (an assumption, see docs/model.md)",
        unit="share of unit cost",
        seed="choice",
        ge=0,
        lt=1,
    )
    exclusion: float = P(0.5, "probability a detected free-rider is excluded", ge=0, le=1)
    exclusion_periods: int = P(
        8,
        "periods an excluded firm may not rejoin (what exclusion costs it: the value of "
        "membership it forgoes meanwhile)",
        unit="periods",
        seed="choice",
        ge=0,
        le=1000,
    )
    norm_strength: float = P(
        100.0, "ν: social cost of free-riding per unit of trust", unit="CU", ge=0, le=1e9
    )


class ContractConfig(BaseModel):
    """Contract mechanism: explicit terms, enforcement, breach penalty (seed 000)."""

    model_config = STRICT
    per_unit_fee: float = P(
        0.0,
        "trademark/channel fee per unit sold through the cooperative",
        unit="CU/unit",
        ge=0,
        le=1e6,
    )
    commission_rate: float = P(
        0.0, "commission on revenue of orders brought by intermediaries", unit="share", ge=0, le=1
    )
    enforcement: float = P(0.0, "probability a breach (free-riding) is enforced", ge=0, le=1)
    breach_penalty: float = P(0.0, "penalty for an enforced breach", unit="CU", ge=0, le=1e9)
    term: int = P(
        0,
        "committed term in periods: a new member may not leave before it ends (0 = no term)",
        unit="periods",
        seed="000",
        ge=0,
        le=1000,
    )
    contracting_cost: float = P(
        10.0,
        "cost per member per period of writing/keeping contracts at zero trust",
        unit="CU",
        ge=0,
        le=1e9,
    )


class FairConfig(BaseModel):
    """Periodic government-led fair (exhibition promotion model, seed 000)."""

    model_config = STRICT
    interval: int = P(0, "periods between fairs (0 = no fairs)", unit="periods", ge=0, le=10_000)
    promotion_multiplier: float = P(
        3.0, "promotion effect multiplier in a fair period", ge=1, le=100
    )
    buyer_matching: float = P(
        0.3, "probability a participant gains a market it lacked at a fair", ge=0, le=1
    )
    entry_boost: float = P(1.0, "added attractiveness for entrants in a fair period", ge=0, le=100)
    cost: float = P(5000.0, "cost of staging a fair", unit="CU", ge=0, le=1e9)


class ModelConfig(BaseModel):
    """A fully resolved marketing model."""

    model_config = STRICT
    preset: str = P("independent", "name of the preset this model started from")
    structure: StructureConfig = P(StructureConfig(), "organisational structure")
    pooled_functions: list[str] = P([], "marketing functions pooled by the cooperative", seed="000")
    uses_regional_brand: bool = P(False, "members sell under the regional/collective mark")
    shared_channel: bool = P(False, "pooled channel capacity is rival and allocated by need")
    function_interest: FunctionInterestConfig = P(FunctionInterestConfig(), "function–interest")
    regulation: RegulationConfig = P(RegulationConfig(), "regulation")
    contract: ContractConfig = P(ContractConfig(), "contract")
    fairs: FairConfig = P(FairConfig(), "fairs")
    intermediaries: IntermediaryConfig = P(
        IntermediaryConfig(), "marketing intermediaries (see the customer)"
    )
    brand_tiers: BrandTiersConfig = P(BrandTiersConfig(), "brand tiers (cluster brand)")
    channel_network: ChannelNetworkConfig = P(
        ChannelNetworkConfig(), "channel renting and platform (channel network sharing)"
    )
    traction: TractionConfig = P(TractionConfig(), "leading enterprise traction")
    rnd: RnDConfig = P(RnDConfig(), "cooperative R&D")
    alliance: AllianceConfig = P(AllianceConfig(), "marketing alliance")

    @field_validator("pooled_functions")
    @classmethod
    def _known_functions(cls, v: list[str]) -> list[str]:
        bad = [f for f in v if f not in FUNCTION_NAMES]
        if bad:
            raise ValueError(
                f"unknown function {bad[0]!r}; expected one of {', '.join(FUNCTION_NAMES)}"
            )
        if len(set(v)) != len(v):
            raise ValueError(f"duplicate functions in {v}")
        return v

    @property
    def cooperative(self) -> bool:
        """Whether this model has a cooperative organisation at all."""
        a = self.alliance  # an alliance cooperates even when it pools no function
        alliance = a.brand_sharing > 0 or a.bundle_utility > 0 or a.channel_interdependence > 0
        return bool(self.pooled_functions) or self.uses_regional_brand or alliance
