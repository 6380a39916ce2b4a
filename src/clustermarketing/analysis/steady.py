"""Steady-state market model of a cluster for a given set of cooperating firms.

Used by the game analysis (MODEL.md §8): what does a coalition of firms earn when it pools its
marketing under a model while everybody else markets alone? For a coalition the pooled
functions run on the coalition's activity, stocks sit at their steady state
(``G* = α x^η / δ_G`` for own brand building, ``R* = α X^η / δ_R`` for the pooled regional
brand), the cooperative reaches every market when it pools market access or new-market
development, members all contribute and trust is at its initial level. Prices and sales come
from the same pricing game and capacity rules as the simulation (:mod:`clustermarketing.engine.market`), and costs from the same cost lines (:func:`clustermarketing.engine.accounts.operating_costs`); activity
levels are iterated twice from the built cluster's initial output so that marketing effort
matches the sales it supports.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace

import numpy as np

from clustermarketing.engine.accounts import coordination_cost, operating_costs
from clustermarketing.engine.build import build
from clustermarketing.engine.functions import F_INDEX, FunctionPlan, function_arrays, plan_functions
from clustermarketing.engine.market import clear_market
from clustermarketing.engine.mechanisms import Mechanisms, Period
from clustermarketing.engine.state import State, World
from clustermarketing.engine.streams import Streams, child
from clustermarketing.engine.structures import build_structure
from clustermarketing.models.config import ModelConfig
from clustermarketing.scenario.schema import Scenario


@dataclass(frozen=True)
class CoalitionOutcome:
    """Per-firm operating profit (before any pooled cost) and the coalition's pooled cost."""

    operating_profit: np.ndarray  # (n,) revenue − production − own marketing − fees − transaction
    pooled_cost: float  # pooled functions + coordination − subsidy (≥ 0)
    members: np.ndarray  # (n,) bool


class SteadyCluster:
    """A built cluster whose steady state can be evaluated for any coalition of firms."""

    def __init__(self, scenario: Scenario, model: ModelConfig, seed: int | None = None) -> None:
        self.sc = scenario
        self.model = model
        root = np.random.SeedSequence(scenario.seed if seed is None else seed)
        self.world, self.state0 = build(scenario, model, Streams(child(root, 0)))
        w = np.array([s.share for s in scenario.firms.segments], dtype=float)
        self.seg_weight = w / w.sum()
        self.fn = function_arrays(scenario.functions)
        self.hooks = Mechanisms(model, scenario)
        self.hooks.init_state(self.world, self.state0)  # the mechanisms' own initial state

    @property
    def firms(self) -> np.ndarray:
        """Ids of the firms present at t = 0."""
        return np.flatnonzero(self.state0.active)

    def _state(self, members: np.ndarray) -> State:
        s = self.state0
        copy = {f.name: getattr(s, f.name) for f in dataclasses.fields(State)}
        for k, v in copy.items():
            if isinstance(v, np.ndarray):
                copy[k] = v.copy()
            elif isinstance(v, dict):
                copy[k] = {
                    key: val.copy() if hasattr(val, "copy") else val for key, val in v.items()
                }
        st = State(**copy)
        st.member = members.copy()
        st.contributes = members.copy()
        return st

    def _stocks(self, st: State, plan: FunctionPlan) -> None:
        sk = self.sc.stocks
        bj = F_INDEX["brand_building"]
        e = plan.effect[bj]
        st.goodwill = e * np.power(plan.alone_x(bj), sk.curvature) / max(sk.goodwill_decay, 1e-9)
        st.regional_brand = (
            e * plan.X_eff[bj] ** sk.curvature / max(sk.brand_decay, 1e-9)
            if plan.pooled[bj]
            else 0.0
        )
        cj = F_INDEX["channel_development"]
        decay = max(sk.channel_decay, 1e-9)
        st.channel_added = plan.effect[cj] * plan.alone_x(cj) / decay
        st.coop_channel = plan.effect[cj] * plan.X_eff[cj] / decay if plan.pooled[cj] else 0.0
        opening = [F_INDEX[f] for f in ("market_access", "new_market_development")]
        opens = any(plan.pooled[j] and plan.X_eff[j] > 0 for j in opening)
        st.coop_access[:] = True if opens else np.arange(st.coop_access.size) == 0

    def evaluate(self, members: np.ndarray) -> CoalitionOutcome:
        """Steady-state outcome when exactly ``members`` (bool over slots) cooperate."""
        w: World = self.world
        sc, model = self.sc, self.model
        active = self.state0.active
        eff = members & active & model.cooperative
        st = self._state(eff)
        output, revenue = st.output.copy(), st.revenue.copy()
        pooled = model.pooled_functions if eff.any() else []
        mkt = p = None
        for _ in range(2):
            plan = plan_functions(
                self.fn,
                pooled,
                active=active,
                output=output,
                revenue=revenue,
                effective_member=eff,
                contributor=eff,
                affordability=sc.demography.affordability,
                throughput=np.inf,
            )
            self._stocks(st, plan)
            avail = (st.access | (eff[:, None] & st.coop_access[None, :])) & active[:, None]
            p = Period(
                t=0,
                world=w,
                state=st,
                sc=sc,
                model=model,
                draws=None,  # type: ignore[arg-type]  (the market phase draws nothing)
                structure=None,
                eff=eff,
                contrib=eff,
                plan=plan,
                flags={"fair": False},
                seg_weight=self.seg_weight,
            )
            mkt = clear_market(p, avail=avail, hooks=self.hooks, pricing="nash")
            st.price = mkt.prices(st.price)
            output, revenue = mkt.units, mkt.revenue
        assert mkt is not None and p is not None
        structure = None
        if eff.any() and model.structure.kind != "none":
            structure = build_structure(
                model.structure,
                members=np.flatnonzero(eff),
                ties=w.ties,
                capacity=w.capacity,
                hub_alive=True,
                removed=None,
                n_units=max(1, len(model.pooled_functions)),
                rng=np.random.default_rng(0),
            )
        p = replace(p, structure=structure)
        # the simulation's own cost lines (one source of truth)
        ops = operating_costs(p, mkt=mkt)
        operating = (
            mkt.revenue
            - ops.production
            - ops.overhead
            - plan.own_cost
            - ops.fees
            - ops.transaction
            - ops.contracting
            - ops.commission
        )
        cost = float(plan.pooled_cost.sum()) + coordination_cost(p)
        subsidy = min(w.subsidy, cost) if eff.any() else 0.0
        fees = ops.fees
        # fees are paid to the cooperative: they fund its cost, so they are not lost to members
        return CoalitionOutcome(operating + fees, max(0.0, cost - subsidy), eff)
