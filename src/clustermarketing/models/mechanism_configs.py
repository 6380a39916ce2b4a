"""Typed settings of the mechanisms the six further models of seed 000 switch on.

Each is a field of :class:`~clustermarketing.models.config.ModelConfig`; its defaults switch the
mechanism off, so a model has it only when its preset (or a scenario override) turns it on. The
engine's plug-in for each lives in :mod:`clustermarketing.engine.mechanisms` under the same name.
"""

from __future__ import annotations

from pydantic import BaseModel

from clustermarketing.params import STRICT, P


class IntermediaryConfig(BaseModel):
    """Marketing intermediaries ("see the customer" workers, seed 000 Table 1; seed 001 §3.3).

    Intermediaries bring members buyers in markets a member cannot reach alone. The commission per
    unit is the generalized Nash bargaining solution over the margin of an order:
    ``τ = d_I + β (m − d_I − d_F)`` with β the intermediary's bargaining power, ``m`` the margin
    per unit, ``d_I`` and ``d_F`` the two disagreement payoffs per unit. An intermediary that
    earns less than its own cost for ``exit_after`` periods leaves.
    """

    model_config = STRICT
    count: int = P(
        0, "intermediaries at the start (0 = none)", unit="intermediaries", ge=0, le=1000
    )
    markets: list[str] = P(
        [],
        "markets the intermediaries cover (names; empty = every market but home); intermediary "
        "k reaches `reach` consecutive markets of this list from position k on (round robin), "
        "so more intermediaries cover more of the list",
        seed="000",
    )
    reach: int = P(
        1,
        "markets each intermediary reaches (consecutive in `markets`, round robin; capped at the "
        "length of the list)",
        unit="markets",
        seed="choice",
        ge=1,
        le=1000,
    )
    order_capacity: float = P(
        15_000.0,
        "units an intermediary can carry per period (orders beyond are rationed pro rata)",
        unit="units/period",
        ge=0,
        le=1e9,
    )
    fixed_cost: float = P(
        1500.0, "an intermediary's own cost per period", unit="CU/period", ge=0, le=1e9
    )
    bargaining_power: float = P(
        0.4, "β: the intermediary's bargaining power in the generalized Nash bargain", ge=0, le=1
    )
    intermediary_disagreement: float = P(
        0.2,
        "d_I: what the intermediary earns per unit elsewhere (its disagreement payoff)",
        unit="CU/unit",
        ge=0,
        le=1e6,
    )
    firm_disagreement: float = P(
        0.0,
        "d_F: the firm's margin per unit without the order (0: it cannot reach the buyer alone)",
        unit="CU/unit",
        ge=0,
        le=1e6,
    )
    exit_after: int = P(
        4, "periods in a row of losses after which an intermediary leaves", unit="periods", ge=1
    )
    min_trust: float = P(
        0.0,
        "relationship rule (regulation, seed 000 Table 1): intermediaries take orders only from "
        "members whose trust is at least this (0 = from every member)",
        seed="000",
        ge=0,
        le=1,
    )


class BrandTiersConfig(BaseModel):
    """Cluster brand: regional, corporate and product brand tiers with spillovers (seed 000).

    The regional tier is the regional brand (``uses_regional_brand``), the corporate tier the
    firm's goodwill, the product tier a stock of this mechanism; see
    ``docs/mechanisms/brand_tiers.md``.
    """

    model_config = STRICT
    enabled: bool = P(False, "keep three brand tiers (regional, corporate, product)", seed="000")
    product_share: float = P(
        0.5,
        "share of a firm's own brand-building activity that builds its product brand (the rest "
        "builds its corporate goodwill)",
        ge=0,
        le=1,
    )
    product_weight: float = P(
        0.2, "utility per ln(1 + product brand)", unit="utils", seed="000", ge=0, le=100
    )
    product_decay: float = P(0.15, "product brand decay per period", unit="1/period", ge=0, le=1)
    spill_regional_corporate: float = P(
        0.05,
        "corporate goodwill a member gains per unit of the regional brand's feed this period",
        seed="000",
        ge=0,
        le=10,
    )
    spill_corporate_product: float = P(
        0.1,
        "product brand gained per unit of the firm's corporate goodwill feed this period",
        seed="000",
        ge=0,
        le=10,
    )
    registration_cost: float = P(
        20_000.0,
        "one-off cost of registering the collective mark, in the model's first period",
        unit="CU",
        ge=0,
        le=1e9,
    )
    dilution: float = P(
        1.0,
        "regional brand lost per unit sales share of members below the quality standard",
        ge=0,
        le=10,
    )


class ChannelNetworkConfig(BaseModel):
    """Channel network sharing: spare channel capacity rented out, and an online platform."""

    model_config = STRICT
    rent: bool = P(
        False,
        "members rent spare own-channel capacity to linked members of complementary segments",
        seed="000",
    )
    channel_fee: float = P(
        0.3,
        "fee per unit of the renter's goods carried through rented channel capacity, paid by "
        "the renter to the member whose channel carried them",
        unit="CU/unit",
        ge=0,
        le=1e6,
    )
    platform: bool = P(False, "an online B2B/B2C platform opens markets to members", seed="000")
    platform_markets: list[str] = P(
        [], "markets the platform opens (names; empty = every market but home)", seed="000"
    )
    platform_fixed_cost: float = P(
        3000.0, "the platform's cost per period (pooled budget)", unit="CU/period", ge=0, le=1e9
    )
    platform_unit_fee: float = P(
        0.4, "platform fee per unit sold through it", unit="CU/unit", ge=0, le=1e6
    )


class TractionConfig(BaseModel):
    """Leading enterprise traction: licensing, subcontracting, research passed on (seed 000)."""

    model_config = STRICT
    licensing: bool = P(
        False,
        "SME members license the brand of a member leader of a complementary segment (the "
        "largest one they are tied to, else the largest)",
        seed="000",
    )
    licence_fee: float = P(
        0.3, "licence fee per unit a licensee sells, paid to the leader", unit="CU/unit", ge=0
    )
    goodwill_share: float = P(
        0.5,
        "share of the leader's goodwill utility a licensee gets in its demand",
        ge=0,
        le=1,
    )
    licence_damage: float = P(
        0.5,
        "share of the leader's goodwill stock lost per period per unit of D, its licensees' "
        "quality shortfall below it weighted by their share of the brand's sales",
        ge=0,
        le=10,
    )
    subcontracting: bool = P(
        False,
        "leaders source demand beyond their capacity from SME member suppliers tied to them "
        "(strong tie or the leader's branch of the structure)",
        seed="000",
    )
    supplier_price: float = P(
        1.4,
        "price a supplier gets per unit, as a share of the leader's own (base) unit cost: a "
        "premium for capacity the leader lacks (SMEs' unit costs exceed leaders'; a supplier "
        "whose cost is above the price takes no orders, and a leader whose home price last "
        "period was not above it sources nothing)",
        unit="share of unit cost",
        ge=0,
        le=10,
    )
    supplier_quality: float = P(
        0.0,
        "quality a supplier must have (the leader's requirement)",
        unit="index",
        ge=0,
        le=1e3,
    )
    share_research: bool = P(
        False,
        "leaders pass what they learn of the market (signals) and their quality know-how to "
        "their suppliers and licensees",
        seed="000",
    )
    know_how: float = P(
        0.05,
        "share of its quality gap to its leader that a supplier or licensee closes per period "
        "when leaders share research (quality know-how passed on)",
        unit="1/period",
        seed="000",
        ge=0,
        le=1,
    )


class RnDConfig(BaseModel):
    """Cooperative R&D with research institutes and academic groups (seed 000)."""

    model_config = STRICT
    enabled: bool = P(False, "pooled product development with research institutes", seed="000")
    budget_effect: float = P(
        0.5,
        "λ: innovation rate per unit of (pooled budget B / 1000)^γ: P(innovation) = "
        "1 − exp(−(λ + institute_boost · institutes) (B/1000)^γ)",
        ge=0,
        le=100,
    )
    budget_exponent: float = P(0.5, "γ: diminishing returns of the pooled R&D budget", gt=0, le=1)
    innovation_size: float = P(
        0.05, "quality a successful innovation adds", unit="index", ge=0, le=100
    )
    institute_boost: float = P(
        0.5,
        "added innovation rate per research institute or academic group in the scenario",
        ge=0,
        le=100,
    )
    ip_share: float = P(
        1.0,
        "share of an innovation's quality gain each contributor obtains under the IP contract "
        "(free-riding members get none)",
        ge=0,
        le=1,
    )
    spillover: float = P(
        0.1,
        "probability per tie to a contributing member that another firm (a non-member or a "
        "free-rider) picks up an innovation",
        seed="003",
        ge=0,
        le=1,
    )


class AllianceConfig(BaseModel):
    """Marketing alliance: brand sharing, product matching, channel interdependence (seed 000).

    Allies are the effective members a firm is linked to (structure links and ties); any of the
    three settings above 0 makes the model a cooperative even without pooled functions; see
    ``docs/mechanisms/alliance.md``.
    """

    model_config = STRICT
    brand_sharing: float = P(
        0.0,
        "weight of the allies' pooled goodwill in a member's brand utility: brand_sharing · "
        "g_c · ln(1 + mean goodwill of its allies)",
        seed="000",
        ge=0,
        le=10,
    )
    bundle_utility: float = P(
        0.0,
        "utility of a complementary bundle: per share of a member's allies of complementary "
        "segments that sell in the same market",
        unit="utils",
        seed="000",
        ge=0,
        le=100,
    )
    channel_interdependence: float = P(
        0.0,
        "share of its spare own channel (last period) a member lends its allies, rationed by "
        "their unmet channel need; allies pay no fee",
        seed="000",
        ge=0,
        le=1,
    )
