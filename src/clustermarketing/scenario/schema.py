"""The scenario: one validated description of a cluster, its markets and its marketing model."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, field_validator, model_validator

from clustermarketing.models import ModelConfig, resolve_model
from clustermarketing.params import STRICT, P
from clustermarketing.scenario.actors import FirmsConfig, Institution, Market, TiesConfig
from clustermarketing.scenario.dynamics import (
    ContributionConfig,
    DemandConfig,
    DemographyConfig,
    DiffusionConfig,
    MembershipConfig,
    PricingConfig,
    StocksConfig,
    TrustConfig,
)
from clustermarketing.scenario.functions import FunctionsConfig


def _default_markets() -> list[Market]:
    return [
        Market(
            name="home",
            size=60_000,
            trend=0.01,
            price_sensitivity=0.25,
            entry_cost=0,
            maintenance_cost=0,
        ),
        Market(
            name="national",
            size=80_000,
            trend=0.015,
            price_sensitivity=0.2,
            entry_cost=2000,
            maintenance_cost=200,
        ),
        Market(
            name="international",
            size=100_000,
            trend=0.02,
            volatility=0.04,
            price_sensitivity=0.15,
            brand_sensitivity=1.5,
            entry_cost=6000,
            maintenance_cost=600,
        ),
    ]


class Scenario(BaseModel):
    """A cluster scenario (YAML/JSON). Unknown keys are rejected; every number is bounded."""

    model_config = STRICT
    name: str = P("custom", "scenario name")
    description: str = P("", "free text")
    seed: int = P(12345, "root seed of numpy.random.SeedSequence", ge=0, le=2**63 - 1)
    horizon: int = P(
        40, "periods simulated (a period is a quarter)", unit="periods", ge=1, le=10_000
    )
    burn_in: int = P(
        12,
        "periods simulated under independent marketing before the model switches on (outputs "
        "cover the periods after it): the initial draw's shake-out of unviable firms happens "
        "here, so the comparison starts from a settled cluster",
        unit="periods",
        seed="choice",
        ge=0,
        le=1000,
    )
    replicates: int = P(8, "independent replicates (children of one SeedSequence)", ge=1, le=10_000)
    pricing: Literal["nash", "cartel"] = P(
        "nash",
        "nash: cooperative-cost Nash pricing; cartel: members maximise joint profit",
        seed="001",
    )
    firms: FirmsConfig = P(FirmsConfig(), "firms")
    ties: TiesConfig = P(TiesConfig(), "ties")
    institutions: list[Institution] = P([], "institutions", seed="000")
    markets: list[Market] = P(_default_markets(), "markets")
    demand: DemandConfig = P(DemandConfig(), "demand")
    solver: PricingConfig = P(PricingConfig(), "pricing solver and cooperative pricing")
    functions: FunctionsConfig = P(FunctionsConfig(), "marketing functions")
    diffusion: DiffusionConfig = P(DiffusionConfig(), "signals and diffusion")
    membership: MembershipConfig = P(MembershipConfig(), "membership")
    contribution: ContributionConfig = P(ContributionConfig(), "contribution dynamics")
    trust: TrustConfig = P(TrustConfig(), "trust")
    stocks: StocksConfig = P(StocksConfig(), "stocks")
    demography: DemographyConfig = P(DemographyConfig(), "entry, exit, employment")
    model: dict[str, Any] = P(
        {"preset": "independent"},
        "marketing model: `preset` plus overrides of any ModelConfig field",
        seed="000",
    )

    @field_validator("markets")
    @classmethod
    def _markets(cls, v: list[Market]) -> list[Market]:
        if not v:
            raise ValueError("empty market list; expected at least one market")
        names = [m.name for m in v]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate market names {names}")
        return v

    @field_validator("model")
    @classmethod
    def _model(cls, v: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(v.get("preset", "independent"), str):
            raise ValueError(f"preset: {v.get('preset')!r}; expected a model name")
        resolve_model(v)  # raises with the field named
        return v

    @model_validator(mode="after")
    def _cross(self) -> Scenario:
        over = self.model.get("structure")
        hub = over.get("hub", "") if isinstance(over, dict) else ""
        hub = hub or self.model_config_for().structure.hub
        names = [i.name for i in self.institutions]
        if hub and hub not in names:
            raise ValueError(
                f"model.structure.hub: {hub!r} is not one of the scenario's institutions; "
                f"expected one of {names}"
            )
        # market names in the mechanisms' settings (checked on the overrides themselves too:
        # the independent baseline ignores them, every other model applies them)
        market_names = [m.name for m in self.markets]
        resolved = self.model_config_for()
        for section, key in (
            ("intermediaries", "markets"),
            ("channel_network", "platform_markets"),
        ):
            field = f"{section}.{key}"
            raw = self.model.get(section)
            named = (
                list(raw[key])
                if isinstance(raw, dict) and isinstance(raw.get(key), list)
                else getattr(getattr(resolved, section), key)
            )
            unknown = [x for x in named if x not in market_names]
            if unknown:
                raise ValueError(
                    f"model.{field}: {unknown[0]!r} is not one of the scenario's markets; "
                    f"expected names from {market_names}"
                )
            if len(set(named)) != len(named):
                raise ValueError(f"model.{field}: {named} names a market twice")
        if self.firms.sme_access is not None and len(self.firms.sme_access) != len(self.markets):
            raise ValueError(
                f"firms.sme_access: {len(self.firms.sme_access)} values; expected one per market "
                f"({len(self.markets)})"
            )
        return self

    def model_config_for(self, model: str | None = None) -> ModelConfig:
        """The resolved model: the scenario's overrides applied to preset ``model``."""
        spec = dict(self.model)
        if model is not None:
            spec["preset"] = model
        return resolve_model(spec)
