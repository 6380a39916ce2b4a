"""Mechanism plug-ins: what a marketing model switches on, attached at fixed hook points.

A period (:mod:`clustermarketing.engine.period`) is a fixed sequence of phases. Between and inside
the phases sit *hook points*, declared once in :data:`HOOKS` with what they receive, what they
return and how the returns of several mechanisms are combined. A mechanism is one module: a
:class:`Mechanism` subclass with its name, when it is on (from the resolved model config), its own
named random streams, and the hook methods it implements. Registering it (``@register``) is all
it takes; no phase knows which mechanisms exist (pluggy's hook specification / implementation
split, in miniature).

A new marketing model is therefore: its mechanisms (new modules here, if the existing ones do not
cover it) plus a preset in :mod:`clustermarketing.models` — no edits to unrelated phases.

Hook methods receive the period's frozen input :class:`Period` (``p``) and phase-specific keyword
arguments, and return a value; they never write into the state. The sequencer applies what they
return.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from clustermarketing.engine import streams as _streams

if TYPE_CHECKING:
    from clustermarketing.engine.functions import FunctionPlan
    from clustermarketing.engine.state import State, World
    from clustermarketing.engine.streams import Draws
    from clustermarketing.engine.structures import Structure
    from clustermarketing.models.config import ModelConfig
    from clustermarketing.scenario.schema import Scenario


@dataclass(frozen=True)
class Period:
    """What every phase and hook of one period reads (the references do not change).

    ``state`` is the live state; phases read it and return updates, which only the sequencer
    writes back, so what a hook sees is the state as of the phase it is called from.
    """

    t: int  # periods since the model switched on (0 = its first period, after the burn-in)
    world: World
    state: State
    sc: Scenario
    model: ModelConfig
    draws: Draws
    structure: Structure | None
    eff: np.ndarray  # (n,) bool: effective members (connected by the structure)
    contrib: np.ndarray  # (n,) bool: effective members that contribute this period
    plan: FunctionPlan
    flags: Mapping[str, Any]  # set by the ``flags`` hook (e.g. ``fair``)
    seg_weight: np.ndarray  # (S,) share of each market's buyers in each segment

    def with_flags(self, flags: Mapping[str, Any]) -> Period:
        """This period input with the mechanisms' flags set."""
        return replace(self, flags=dict(flags))


def _merge_flags(values: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for v in values:
        dup = set(out) & set(v)
        if dup:
            raise RuntimeError(f"two mechanisms set the period flag(s) {sorted(dup)}")
        out.update(v)
    return out


def _sum(values: list[Any]) -> Any:
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def _or(values: list[np.ndarray]) -> np.ndarray:
    out = values[0].copy()
    for v in values[1:]:
        out |= v
    return out


def _product(values: list[Any]) -> Any:
    out = values[0]
    for v in values[1:]:
        out = out * v
    return out


def _merge_lines(values: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for v in values:
        dup = set(out) & set(v)
        if dup:
            raise RuntimeError(f"two mechanisms return the same line(s) {sorted(dup)}")
        out.update(v)
    return out


def _merge_states(values: list[tuple[dict, dict]]) -> tuple[dict, dict]:
    return _merge_lines([v[0] for v in values]), _merge_lines([v[1] for v in values])


def _single(values: list[Any]) -> Any:
    if len(values) > 1:
        raise RuntimeError("two mechanisms implement a hook that takes a single implementation")
    return values[0]


@dataclass(frozen=True)
class HookSpec:
    """A hook point: when it is called, what it returns, how several returns combine."""

    doc: str
    combine: Callable[[list[Any]], Any]


#: The hook points of a period, in the order the sequencer reaches them.
HOOKS: dict[str, HookSpec] = {
    "flags": HookSpec(
        "after the structure: period flags, e.g. {'fair': bool} → merged dict", _merge_flags
    ),
    "open_markets": HookSpec(
        "access phase, after own and pooled openings: (n, M) bool markets a firm opens for "
        "good this period → OR",
        _or,
    ),
    "unit_cost_factor": HookSpec(
        "pricing inputs: (n,) factor on each firm's production unit cost *if it is a member* "
        "(applied to effective members; the membership counterfactual uses it for joiners) → "
        "product",
        _product,
    ),
    "brand_utility": HookSpec(
        "pricing inputs: (n,) brand utility each firm gets from the cooperative *if it is a "
        "member* (× each market's brand sensitivity; applied to effective members) → sum",
        _sum,
    ),
    "own_brand_utility": HookSpec(
        "pricing inputs: (n,) brand utility of a firm's own stocks that a mechanism keeps (e.g. "
        "a product brand), whatever its status (× each market's brand sensitivity; added to the "
        "goodwill term, so the membership counterfactual sees it on both sides) → sum",
        _sum,
    ),
    "promotion_multiplier": HookSpec(
        "pricing inputs: {function name: multiplier} of the pooled promotion's effect → product "
        "per function",
        lambda vs: {k: _product([v[k] for v in vs if k in v]) for k in {k for v in vs for k in v}},
    ),
    "extra_access": HookSpec(
        "access phase: (n, M) bool markets each firm could sell in through the mechanism *if it "
        "is an effective member* (intermediaries, a platform, partners' channels) → OR",
        _or,
    ),
    "route_cost": HookSpec(
        "pricing inputs: (n, M) per-unit cost of selling through the mechanism in pairs reached "
        "only that way (a commission, a platform fee) → sum",
        _sum,
    ),
    "pair_utility": HookSpec(
        "pricing inputs: (n, M) utility a member gets in a market through the mechanism (e.g. "
        "a complementary bundle) *if it is an effective member* → sum",
        _sum,
    ),
    "capacity_extra": HookSpec(
        "sales: (n,) production capacity added this period (e.g. subcontracting) → sum", _sum
    ),
    "channel_extra": HookSpec(
        "sales: (n,) channel capacity added this period (e.g. rented from partners) → sum", _sum
    ),
    "member_channel_extra": HookSpec(
        "sales: (n,) channel capacity a firm gets (+) or lends out (−) *if it is an effective "
        "member* (e.g. allies' spare channels); applied to effective members, given to joiners "
        "by the membership counterfactual → sum",
        _sum,
    ),
    "joiner_channel": HookSpec(
        "membership counterfactual: ((n,) channel capacity, (n,) CU money) each non-member would "
        "get from the mechanism if it alone joined this period (e.g. capacity rented from "
        "partners and the rent for it) → summed elementwise",
        lambda vs: (_sum([v[0] for v in vs]), _sum([v[1] for v in vs])),
    ),
    "route_limit": HookSpec(
        "sales: (P,) factor ≤ 1 rationing pairs sold through the mechanism (e.g. an "
        "intermediary's order capacity), given each pair's demand → product",
        _product,
    ),
    "transfers": HookSpec(
        "accounts: {line: (n,) CU} money a mechanism moves (+ received, − paid): licence fees, "
        "channel rent, subcontracting, commissions → merged (line names unique)",
        _merge_lines,
    ),
    "information_links": HookSpec(
        "signals, after the cascade: (n, n) 0/1 sparse links along which a firm learns all its "
        "partner knows (e.g. a leader's research passed to its suppliers) → sum",
        _sum,
    ),
    "quality_gain": HookSpec(
        "stocks: (n,) quality added this period (e.g. pooled R&D innovations) → sum", _sum
    ),
    "goodwill_change": HookSpec(
        "stocks: (n,) goodwill added (spillovers) or lost (damage) this period → sum", _sum
    ),
    "update_state": HookSpec(
        "end of period: ({name: (n,) array}, {name: value}) the mechanism's own new state → merged",
        _merge_states,
    ),
    "record": HookSpec("record: {metric: value} the mechanism's outcomes → merged", _merge_lines),
    "pooled_channel": HookSpec(
        "sales: (n,) pooled channel capacity each effective member may use, given its demand "
        "(single implementation; default: split by capacity)",
        _single,
    ),
    "pooled_cost": HookSpec(
        "accounts: cost the cooperative carries this period besides its functions (CU) → sum",
        _sum,
    ),
    "regional_brand": HookSpec(
        "stocks: the regional brand after this period's feed and damage (single implementation; "
        "default: it decays)",
        _single,
    ),
    "brand_dilution": HookSpec(
        "stocks: share of the regional brand lost this period besides the regional_brand "
        "hook's own damage (e.g. members below the quality standard); R ← R · max(0, 1 − Σ) "
        "→ sum",
        _sum,
    ),
    "entry_pull": HookSpec("demography: added attractiveness for entrants → sum", _sum),
    "pooled_development": HookSpec(
        "stocks: (n,) quality gained this period from the cooperative's pooled product "
        "development, replacing the core rule (single implementation; default: every effective "
        "member gains the function's effect with probability 1 − (1 − success)^min(contributors, "
        "stocks.pooled_development_cap))",
        _single,
    ),
    "member_unit_cost": HookSpec(
        "pricing inputs: (n,) per-unit charge a firm pays through the mechanism *if it is an "
        "effective member* (e.g. a licence fee): part of its marginal cost in pricing and in the "
        "joiner's counterfactual; the money itself moves through `transfers` → sum",
        _sum,
    ),
    "member_transfers": HookSpec(
        "membership value: (n,) net money a firm would receive (+) or pay (−) through the "
        "mechanism's `transfers` *as an effective member*, at this period's outcome, besides the "
        "per-unit charges of `member_unit_cost` (e.g. a supplier's margin on the orders it would "
        "get); the counterfactual adds it to a non-member's inside profit (a leaver's outside "
        "profit has no transfers: they are membership-conditional) → sum",
        _sum,
    ),
    "production_shift": HookSpec(
        "record: (n,) units a firm makes for others (+) minus units others make for it (−) this "
        "period (e.g. subcontracting): employment follows where the work is done → sum",
        _sum,
    ),
}


class Mechanism:
    """Base of every mechanism plug-in. Subclasses set the class attributes and hook methods.

    ``config`` names the :class:`~clustermarketing.scenario.model.ModelConfig` field that holds
    the mechanism's typed settings (or ``None`` if it reads only the scenario); ``streams`` its
    random streams (name → what they draw), declared when the class is registered.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    config: ClassVar[str | None] = None
    streams: ClassVar[dict[str, str]] = {}

    def __init__(self, model: ModelConfig, sc: Scenario) -> None:
        self.model = model
        self.sc = sc
        self.cfg = getattr(model, self.config) if self.config else None

    @classmethod
    def enabled(cls, model: ModelConfig, sc: Scenario) -> bool:
        """Whether a run of ``model`` in ``sc`` uses this mechanism."""
        raise NotImplementedError

    def init_state(self, world: World, state: State) -> tuple[dict[str, Any], dict[str, Any]]:
        """The mechanism's own state when the model switches on: (per-firm arrays over all
        slots, cluster-level values). Names must be unique across mechanisms."""
        return {}, {}

    @classmethod
    def hooks(cls) -> tuple[str, ...]:
        """The hook points this mechanism implements."""
        return tuple(h for h in HOOKS if callable(getattr(cls, h, None)))


#: name → mechanism class, in registration order (the order hooks are called in)
MECHANISMS: dict[str, type[Mechanism]] = {}


def register(cls: type[Mechanism]) -> type[Mechanism]:
    """Class decorator: add a mechanism to the registry and declare its random streams."""
    if not cls.name or cls.name in MECHANISMS:
        raise ValueError(f"mechanism name {cls.name!r} missing or registered twice")
    unknown = [
        m
        for m in vars(cls)
        if not m.startswith("_")
        and callable(vars(cls)[m])
        and m not in HOOKS
        and m not in ("enabled", "init_state")
    ]
    if unknown:
        raise ValueError(f"mechanism {cls.name!r}: {unknown} are not hook points")
    for stream, doc in cls.streams.items():
        _streams.declare(stream, f"{cls.name}: {doc}")
    MECHANISMS[cls.name] = cls
    return cls


class Mechanisms:
    """The mechanisms a run uses, and the calls of each hook point over them."""

    def __init__(self, model: ModelConfig, sc: Scenario) -> None:
        self.active = [cls(model, sc) for cls in MECHANISMS.values() if cls.enabled(model, sc)]
        self._impl = {
            h: [getattr(m, h) for m in self.active if h in type(m).hooks()] for h in HOOKS
        }

    @property
    def names(self) -> list[str]:
        """Names of the mechanisms in use."""
        return [m.name for m in self.active]

    def has(self, hook: str) -> bool:
        """Whether any mechanism in use implements ``hook``."""
        return bool(self._impl[hook])

    def init_state(self, world: World, state: State) -> None:
        """Install every mechanism's own initial state into ``state`` (model switch-on)."""
        for m in self.active:
            firm, cluster = m.init_state(world, state)
            clash = (set(firm) & set(state.extra)) | (set(cluster) & set(state.cluster_extra))
            if clash:
                raise RuntimeError(f"mechanism {m.name!r}: state name(s) {sorted(clash)} taken")
            state.extra.update(firm)
            state.cluster_extra.update(cluster)

    def call(self, hook: str, p: Period, default: Any = None, **kwargs: Any) -> Any:
        """Call ``hook`` on every mechanism implementing it; combine, or return ``default``."""
        impls = self._impl[hook]
        if not impls:
            return default
        return HOOKS[hook].combine([f(p, **kwargs) for f in impls])


def _load_builtin() -> None:
    # importing the modules registers them (order = hook call order)
    from clustermarketing.engine.mechanisms import (  # noqa: F401
        alliance,
        brand_tiers,
        channel_network,
        channel_sharing,
        fairs,
        intermediaries,
        regional_brand,
        rnd,
        sourcing,
        traction,
    )


_load_builtin()

__all__ = ["HOOKS", "MECHANISMS", "HookSpec", "Mechanism", "Mechanisms", "Period", "register"]
