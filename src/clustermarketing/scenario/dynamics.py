"""Behavioural and demand parameters of one simulation period (MODEL.md §6 and appendix)."""

from __future__ import annotations

from pydantic import BaseModel

from clustermarketing.params import STRICT, P


class DemandConfig(BaseModel):
    """Logit demand weights shared by all markets (MODEL.md appendix)."""

    model_config = STRICT
    goodwill_weight: float = P(
        0.3, "g_c: utility per ln(1+goodwill)", unit="utils", seed="000", ge=0, le=10
    )
    regional_brand_weight: float = P(
        0.2,
        "g_r: utility per ln(1+regional brand) for members using the mark",
        unit="utils",
        seed="000",
        ge=0,
        le=10,
    )
    signal_value: float = P(
        0.4,
        "utility gained in a market by a firm that adapted to its demand signal",
        unit="utils",
        ge=0,
        le=10,
    )
    distribution_cost: float = P(
        0.5,
        "distribution cost per unit sold outside the home market",
        unit="CU/unit",
        ge=0,
        le=1e6,
    )
    market_size_floor: float = P(
        0.05,
        "a market's size never falls below this share of last period's size (bounds a shock)",
        seed="choice",
        gt=0,
        le=1,
    )


class PricingConfig(BaseModel):
    """Solver settings of the per-market pricing game."""

    model_config = STRICT
    tolerance: float = P(1e-6, "max |Δp| at convergence", unit="CU", gt=0, le=1)
    max_iterations: int = P(200, "iteration cap of the damped fixed point", ge=1, le=100_000)
    damping: float = P(1.0, "initial weight of the new iterate (halved on oscillation)", gt=0, le=1)
    cooperative_cost_saving: float = P(
        0.08,
        "κ: unit-cost saving of a member fully sourcing inside the cooperative",
        seed="001",
        ge=0,
        lt=1,
    )
    sourcing_partners: float = P(
        2.0,
        "member strong ties at which 63% of a member's inputs can be sourced inside the cooperative",
        unit="ties",
        seed="001",
        gt=0,
        le=1000,
    )


class DiffusionConfig(BaseModel):
    """Market signals and their spread (independent cascade; seed 003)."""

    model_config = STRICT
    p_strong: float = P(0.3, "per-period transmission over a strong tie", seed="003", ge=0, le=1)
    p_weak: float = P(0.1, "per-period transmission over a weak tie", seed="003", ge=0, le=1)
    p_structure: float = P(
        0.3, "per-period transmission over a structure link", seed="000", ge=0, le=1
    )
    p_hub: float = P(
        0.6, "per-period broadcast of an aware hub to each member", seed="000", ge=0, le=1
    )
    signal_rate: float = P(0.3, "probability a new signal arrives in a period", ge=0, le=1)
    new_market_share: float = P(
        0.3, "share of signals that open a market instead of shifting demand", ge=0, le=1
    )
    signal_window: int = P(
        12, "periods a signal is tracked and stays valuable", unit="periods", ge=2, le=1000
    )
    max_signals: int = P(4, "signals tracked at once (oldest dropped)", ge=1, le=64)
    base_detection: float = P(
        0.02, "per-period probability a firm notices a signal without research", ge=0, le=1
    )


class MembershipConfig(BaseModel):
    """Join/stay/leave decisions (MODEL.md appendix; manager profile from seed 001)."""

    model_config = STRICT
    initial_share: float = P(
        0.3, "share of firms that are members at t=0 when a model cooperates", ge=0, le=1
    )
    join_rate: float = P(0.8, "max per-period probability of a joining decision", ge=0, le=1)
    decision_scale: float = P(
        0.01,
        "scale of the join decision, as a share of the firm's revenue: a gain of this share of "
        "revenue is what a manager of growth propensity 1 finds clearly worth joining for "
        "(managers weigh a gain against the size of their business)",
        unit="share of revenue",
        seed="choice",
        gt=0,
        le=10,
    )
    leave_after: int = P(
        4, "L: periods of negative net benefit before leaving", unit="periods", ge=1, le=10_000
    )


class ContributionConfig(BaseModel):
    """Contribute-or-free-ride dynamics by Fermi imitation (MODEL.md appendix)."""

    model_config = STRICT
    initial_contribution: float = P(0.9, "share of members contributing at t=0", ge=0, le=1)
    selection_noise: float = P(
        100.0, "K: noise of the Fermi imitation rule", unit="CU", seed="model", gt=0, le=1e9
    )
    mutation: float = P(0.01, "μ: per-period random strategy switch", ge=0, le=1)
    imitation_rate: float = P(
        0.5, "share of members revising their strategy each period", ge=0, le=1
    )


class TrustConfig(BaseModel):
    """Trust dynamics (regulation mechanism, seed 000)."""

    model_config = STRICT
    initial: float = P(0.5, "trust at t=0", ge=0, le=1)
    gain: float = P(0.1, "λ⁺: trust gain after observed cooperation", ge=0, le=1)
    loss: float = P(0.2, "λ⁻: trust loss after observed defection", ge=0, le=1)
    threshold: float = P(
        0.7, "share of cooperating neighbours that counts as cooperation", ge=0, le=1
    )
    transaction_cost: float = P(
        0.3,
        "transaction cost per unit sold through the cooperative at zero trust",
        unit="CU/unit",
        ge=0,
        le=1e6,
    )


class StocksConfig(BaseModel):
    """Goodwill, regional brand and quality stocks (Nerlove–Arrow)."""

    model_config = STRICT
    goodwill_decay: float = P(0.1, "δ_G per period", ge=0, le=1)
    brand_decay: float = P(0.05, "δ_R per period", ge=0, le=1)
    curvature: float = P(0.5, "η: diminishing returns of brand spending", gt=0, lt=1)
    brand_damage: float = P(
        0.5, "share of the regional brand lost per unit share of cheating output", ge=0, le=1
    )
    quality_obsolescence: float = P(
        0.05,
        "share of the quality gained by development that competitors erode each period: "
        "q ← q₀ + (1 − this)(q − q₀), q₀ the quality at birth",
        unit="1/period",
        seed="choice",
        ge=0,
        le=1,
    )
    pooled_development_cap: int = P(
        5,
        "at most this many contributors' projects count towards pooled development success: "
        "P(success) = 1 − (1 − success)^min(contributors, cap)",
        unit="projects",
        seed="choice",
        ge=1,
        le=1000,
    )
    channel_decay: float = P(0.02, "share of added channel capacity lost per period", ge=0, le=1)


class DemographyConfig(BaseModel):
    """Entry, exit and employment (seed 003: jobs, new firms, output growth)."""

    model_config = STRICT
    exit_after: int = P(
        4, "L_exit: periods of negative cash flow before exit", unit="periods", ge=1, le=10_000
    )
    cash_floor: float = P(-5000.0, "exit when cash falls below this", unit="CU", ge=-1e9, le=1e9)
    entry_rate: float = P(
        0.01,
        "λ_entry: expected entrants per firm per period at reference attractiveness",
        ge=0,
        le=1,
    )
    reference_return: float = P(
        0.5,
        "normal profit per unit of capacity; attractiveness = cluster return / this − 1 (free entry)",
        unit="CU/unit/period",
        seed="003",
        gt=0,
        le=1e6,
    )
    max_firms_factor: float = P(
        3.0, "slots reserved for entrants, as a multiple of the initial firm count", ge=1, le=20
    )
    fixed_staff: float = P(0.3, "share of initial employees that are fixed staff", ge=0, le=1)
    initial_utilisation: float = P(
        0.6,
        "capacity utilisation assumed for a firm's first period (its last-period output and "
        "revenue, which size its marketing, and its starting cash)",
        unit="share of capacity",
        seed="choice",
        gt=0,
        le=1,
    )
    affordability: float = P(
        0.12,
        "own marketing budget as a share of last period's revenue (functions run cheapest first)",
        unit="share of revenue",
        seed="000",
        ge=0,
        le=1,
    )
