"""Reference implementation of one period in the one-object-per-firm (Mesa) idiom.

This is *not* part of the package: it exists only so that ``benchmarks/engine.py`` can compare
the array engine (``clustermarketing.engine.period.step``) with the way agent-based models are
usually written — a ``Firm`` class with attributes and per-phase methods, a ``Model`` holding a
list of agents and a Python loop over the firms for every phase (as ``mesa.Model`` /
``AgentSet.do("step")`` would do).

The per-firm work follows the engine's phases and formulas (MODEL.md §6):

1. signals — arrival, own detection, independent cascade over each firm's neighbour list
   (strong ``p_strong``, weak ``p_weak``, sender-side dissemination), the star's centre
   broadcasting to members with ``p_hub``, adaptation with probability = market orientation;
2. membership — leave after ``leave_after`` periods of negative net benefit; join with
   probability ``join_rate · max(0, tanh(g_i E_i / scale))`` from member neighbours' benefit;
3. contribution — Fermi imitation of a random member neighbour, then mutation;
4. functions and prices — own marketing functions within the affordability budget (cheapest
   fixed cost first), pooled functions for members, member cost saving from cooperating strong
   partners, logit utilities, damped Nash best-response fixed point with a per-firm loop in
   every iteration (same tolerance, damping and iteration cap as the engine);
5. demand — logit shares per (market, segment) times market size, limited by capacity/channel;
6. costs — production, distribution, own marketing, fees, transaction and contracting costs,
   fines on caught free-riders, pooled cost split by dues;
7. stocks — goodwill, regional brand, quality, channel, trust from observed cooperation, cash,
   exit after sustained losses.

Simplified (noted so that nobody mistakes this for a second engine): no new-market development
or cooperative market reach, no fairs, no entry of new firms, the pooled cost is split by the
``dues`` rule only (fixed share equally, the rest by units), no net-benefit counterfactual on
lost sales (benefit = saved marketing cost + cost gain − payments), no per-period record beyond
a few totals. Random numbers come from one ``random.Random`` per model, as in Mesa. The world
(firm traits, ties, markets) is taken from the engine's ``build`` so both start from the same
cluster; build time is excluded from every measurement.
"""

from __future__ import annotations

import math
import random

import numpy as np

from clustermarketing.engine.functions import F_INDEX, function_arrays
from clustermarketing.engine.state import State, World
from clustermarketing.models.config import ModelConfig
from clustermarketing.scenario.schema import Scenario


class Firm:
    """One firm: attributes plus one method per phase."""

    __slots__ = (
        "access",
        "active",
        "adapted",
        "alone",
        "avail",
        "aware",
        "base_cost",
        "capacity",
        "cash",
        "channel",
        "contributes",
        "delta",
        "ev",
        "goodwill",
        "growth",
        "losses",
        "mc",
        "member",
        "mo",
        "model",
        "neg_benefit",
        "neighbours",
        "net_benefit",
        "newly",
        "next_contributes",
        "output",
        "own_cost",
        "payoff",
        "price",
        "profit",
        "promo",
        "quality",
        "revenue",
        "saved",
        "segment",
        "share",
        "strong",
        "trust",
        "uid",
        "unit_cost",
        "weak",
        "xi",
    )

    def __init__(self, uid: int, model: ReferenceModel, w: World, s: State) -> None:
        self.uid = uid
        self.model = model
        self.segment = int(w.segment[uid])
        self.capacity = float(w.capacity[uid])
        self.base_cost = float(w.base_cost[uid])
        self.mo = float(w.mo[uid])
        self.growth = float(w.growth[uid])
        self.xi = [float(v) for v in w.xi[uid]]
        self.strong: list[Firm] = []
        self.weak: list[Firm] = []
        self.neighbours: list[Firm] = []
        self.active = True
        self.member = False
        self.contributes = False
        self.quality = float(s.quality[uid])
        self.goodwill = 0.0
        self.channel = float(w.own_channel[uid])
        self.trust = float(s.trust[uid])
        self.cash = float(s.cash[uid])
        self.access = [bool(v) for v in s.access[uid]]
        self.avail = list(self.access)
        self.price = [float(v) for v in s.price[uid]]
        m = len(self.price)
        self.mc = [0.0] * m
        self.delta = [0.0] * m
        self.ev = [0.0] * m
        self.share = [0.0] * m
        self.output = float(s.output[uid])
        self.revenue = float(s.revenue[uid])
        self.profit = 0.0
        self.payoff = 0.0
        self.net_benefit = 0.0
        self.neg_benefit = 0
        self.losses = 0
        k = model.k_signals
        self.aware = [False] * k
        self.adapted = [False] * k
        self.alone = [False] * len(F_INDEX)
        self.own_cost = 0.0
        self.saved = 0.0
        self.unit_cost = self.base_cost
        self.promo = 0.0
        self.next_contributes = False
        self.newly = [False] * k

    # ---- 1. signals ----
    def detect(self) -> None:
        mdl = self.model
        cfg = mdl.sc.diffusion
        rnd = mdl.random
        p_det = 1.0 - (1.0 - cfg.base_detection) * (1.0 - self.rate_alone("market_research"))
        diss = self.model.dissem_pooled if self.member else 0.0
        for k in mdl.live_signals:
            if self.aware[k]:
                self.newly[k] = False
                continue
            hit = rnd.random() < p_det
            if not hit:
                survive = 1.0
                for j in self.strong:
                    if j.active and j.aware[k]:
                        survive *= (1.0 - cfg.p_strong) * (1.0 - j.rate_alone("info"))
                for j in self.weak:
                    if j.active and j.aware[k]:
                        survive *= (1.0 - cfg.p_weak) * (1.0 - j.rate_alone("info"))
                if self.member and mdl.hub_aware[k]:
                    survive *= (1.0 - cfg.p_hub) * (1.0 - diss)
                hit = rnd.random() < 1.0 - survive
            self.newly[k] = hit

    def adapt(self) -> None:
        rnd = self.model.random
        for k in self.model.live_signals:
            if self.newly[k]:
                self.aware[k] = True
            if self.aware[k] and not self.adapted[k] and rnd.random() < self.mo:
                self.adapted[k] = True

    def rate_alone(self, name: str) -> float:
        j = F_INDEX["information_dissemination" if name == "info" else name]
        if not self.alone[j]:
            return 0.0
        fa = self.model.fa
        return -math.expm1(-fa["effect"][j] * fa["intensity"][j] * self.output / 1000.0)

    # ---- 2. membership ----
    def decide_membership(self) -> None:
        mdl = self.model
        cfg = mdl.sc.membership
        u = mdl.random.random()
        if self.member:
            if self.neg_benefit >= cfg.leave_after:
                self.member = self.contributes = False
                self.neg_benefit = 0
            return
        if not mdl.coop or self.quality < mdl.model.regulation.quality_standard:
            return
        n_obs, total = 0, 0.0
        for j in self.neighbours:
            if j.member:
                n_obs += 1
                total += j.net_benefit
        expected = total / n_obs if n_obs else mdl.mean_member_benefit
        p = cfg.join_rate * max(0.0, math.tanh(self.growth * expected / cfg.decision_scale))
        if u < p:
            self.member = self.contributes = True

    # ---- 3. contribution ----
    def imitate(self) -> None:
        mdl = self.model
        cfg = mdl.sc.contribution
        rnd = mdl.random
        self.next_contributes = self.contributes
        if not self.member:
            return
        if self.neighbours and rnd.random() < cfg.imitation_rate:
            j = self.neighbours[
                min(int(rnd.random() * len(self.neighbours)), len(self.neighbours) - 1)
            ]
            if j.member:
                z = max(-50.0, min(50.0, (j.payoff - self.payoff) / cfg.selection_noise))
                if rnd.random() < 1.0 / (1.0 + math.exp(-z)):
                    self.next_contributes = j.contributes
        if rnd.random() < cfg.mutation:
            self.next_contributes = not self.next_contributes

    # ---- 4a. marketing functions and utilities ----
    def plan(self) -> None:
        mdl = self.model
        fa = mdl.fa
        budget = mdl.sc.demography.affordability * self.revenue
        spent = own = saved = 0.0
        for j in mdl.f_order:
            x = fa["intensity"][j] * self.output
            cost = fa["fixed"][j] + fa["var"][j] * x
            if self.member and mdl.pooled[j]:
                self.alone[j] = False
                saved += cost
                continue
            spent += cost
            self.alone[j] = spent <= budget
            if self.alone[j]:
                own += cost
        self.own_cost = own
        self.saved = min(budget, saved)

    def utilities(self) -> None:
        mdl = self.model
        sc, w = mdl.sc, mdl.world
        fa = mdl.fa
        partners = sum(1 for j in self.strong if j.member) if self.member else 0
        coverage = -math.expm1(-partners / sc.solver.sourcing_partners) if self.member else 0.0
        self.unit_cost = self.base_cost * (1.0 - sc.solver.cooperative_cost_saving * coverage)
        fee = (
            mdl.model.contract.per_unit_fee + sc.trust.transaction_cost * (1.0 - self.trust)
            if self.member
            else 0.0
        )
        promo = 0.0
        for name in ("customer_acquisition", "sales_promotion"):
            j = F_INDEX[name]
            if self.alone[j]:
                promo += fa["effect"][j] * math.log1p(fa["intensity"][j] * self.output / 1000.0)
            elif self.member and mdl.pooled[j]:
                promo += mdl.club_promo[j]
        self.promo = promo
        brand_user = self.member and mdl.model.uses_regional_brand
        q = self.quality
        brand = sc.demand.goodwill_weight * math.log1p(self.goodwill)
        if brand_user:
            brand += sc.demand.regional_brand_weight * math.log1p(mdl.regional_brand)
        for m in range(w.n_markets):
            self.avail[m] = self.access[m]
            dist = sc.demand.distribution_cost if m else 0.0
            self.mc[m] = self.unit_cost + dist + fee
            bonus = 0.0
            for k in mdl.live_signals:
                if (
                    self.adapted[k]
                    and mdl.sig_market[k] == m
                    and mdl.sig_segment[k] == self.segment
                    and not mdl.sig_new_market[k]
                ):
                    bonus += sc.demand.signal_value
            self.delta[m] = mdl.a[m] * q + brand * mdl.brand_sens[m] + promo + self.xi[m] + bonus
            if self.avail[m]:
                self.price[m] = max(self.price[m], self.mc[m] + 1.0 / mdl.b[m])
            else:
                self.price[m] = self.mc[m] + 1.0 / mdl.b[m]

    # ---- 4b. one Nash iteration, split in two passes ----
    def exp_utility(self, sums: list[float]) -> None:
        mdl = self.model
        for m in range(len(self.price)):
            if self.avail[m]:
                ev = math.exp(self.delta[m] - mdl.b[m] * self.price[m])
                self.ev[m] = ev
                sums[m * mdl.n_seg + self.segment] += ev
            else:
                self.ev[m] = 0.0

    def best_response(self, denom: list[float], damping: float) -> float:
        mdl = self.model
        resid = 0.0
        for m in range(len(self.price)):
            if not self.avail[m]:
                continue
            s = self.ev[m] / denom[m * mdl.n_seg + self.segment]
            self.share[m] = s
            target = self.mc[m] + 1.0 / (mdl.b[m] * (1.0 - s))
            new = (1.0 - damping) * self.price[m] + damping * target
            d = abs(new - self.price[m])
            if d > resid:
                resid = d
            self.price[m] = new
        return resid

    def final_shares(self, denom: list[float]) -> None:
        for m in range(len(self.price)):
            self.share[m] = (
                self.ev[m] / denom[m * self.model.n_seg + self.segment] if self.avail[m] else 0.0
            )

    # ---- 5–6. demand, costs, profit ----
    def sell(self) -> None:
        mdl = self.model
        sc = mdl.sc
        seg_w = mdl.seg_weight[self.segment]
        demand = [mdl.market_size[m] * seg_w * self.share[m] for m in range(len(self.share))]
        total = sum(demand)
        limit = min(self.capacity, self.channel)
        factor = min(1.0, limit / total) if total > limit else 1.0
        units = revenue = production = 0.0
        for m, d in enumerate(demand):
            q = d * factor
            units += q
            revenue += self.price[m] * q
            production += q * (sc.demand.distribution_cost if m else 0.0)
        production += self.unit_cost * units
        self.output, self.revenue = units, revenue
        self.profit = revenue - production - self.own_cost

    def pay(self, dues_fixed: float, dues_per_unit: float) -> None:
        mdl = self.model
        sc, cfg = mdl.sc, mdl.model
        rnd = mdl.random
        u_catch, u_excl = rnd.random(), rnd.random()
        paid = 0.0
        fine = 0.0
        if self.member:
            paid += cfg.contract.per_unit_fee * self.output
            paid += sc.trust.transaction_cost * (1.0 - self.trust) * self.output
            paid += cfg.contract.contracting_cost * (1.0 - self.trust)
            paid += dues_fixed + dues_per_unit * self.output
            if not self.contributes:
                p_catch = 1.0 - (1.0 - cfg.regulation.monitoring * mdl.monitor) * (
                    1.0 - cfg.regulation.monitoring * mdl.world.institution_monitoring
                ) * (1.0 - cfg.contract.enforcement)
                if u_catch < p_catch:
                    fine = cfg.regulation.fine + cfg.contract.breach_penalty
                    if u_excl < cfg.regulation.exclusion:
                        mdl.excluded.append(self)
        self.profit -= paid + fine
        self.cash += self.profit
        if self.member:
            benefit = self.saved + (self.base_cost - self.unit_cost) * self.output
            self.net_benefit = benefit - paid - fine
            self.neg_benefit = self.neg_benefit + 1 if self.net_benefit < 0 else 0
        else:
            self.net_benefit = 0.0
        norm = (
            cfg.regulation.norm_strength * self.trust
            if self.member and not self.contributes
            else 0.0
        )
        self.payoff = (self.profit - norm) / self.capacity * mdl.cap_mean

    # ---- 7. stocks ----
    def update_stocks(self) -> None:
        mdl = self.model
        sk = mdl.sc.stocks
        fa = mdl.fa
        rnd = mdl.random
        bj, pj, cj = (
            F_INDEX["brand_building"],
            F_INDEX["product_development"],
            F_INDEX["channel_development"],
        )
        spend = fa["intensity"][bj] * self.output if self.alone[bj] else 0.0
        self.goodwill = (1.0 - sk.goodwill_decay) * self.goodwill + fa["effect"][bj] * spend ** (
            sk.curvature
        )
        self.quality = max(0.0, self.quality - sk.quality_obsolescence)
        if self.alone[pj] and rnd.random() < fa["success"][pj]:
            self.quality += fa["effect"][pj]
        if self.alone[cj]:
            self.channel += fa["effect"][cj] * fa["intensity"][cj] * self.output
        if mdl.coop:
            cfg = mdl.sc.trust
            seen = good = 0
            for j in self.neighbours:
                if j.member:
                    seen += 1
                    good += j.contributes
            if seen:
                if good >= cfg.threshold * seen:
                    self.trust += cfg.gain * (1.0 - self.trust)
                else:
                    self.trust *= 1.0 - cfg.loss
        dg = mdl.sc.demography
        self.losses = self.losses + 1 if self.profit < 0 else 0
        if self.losses >= dg.exit_after or self.cash < dg.cash_floor:
            self.active = self.member = self.contributes = False


class ReferenceModel:
    """A Mesa-style model: a list of agents and one Python loop over them per phase."""

    def __init__(
        self, world: World, state: State, sc: Scenario, model: ModelConfig, seed: int = 0
    ) -> None:
        self.world, self.sc, self.model = world, sc, model
        self.random = random.Random(seed)
        self.coop = model.cooperative
        self.k_signals = sc.diffusion.max_signals
        arrays = function_arrays(sc.functions)
        self.scale = float(arrays.pop("scale"))
        self.fa = {k: [float(x) for x in v] for k, v in arrays.items()}
        self.f_order = [int(j) for j in np.argsort(self.fa["fixed"], kind="stable")]
        self.pooled = [False] * len(F_INDEX)
        if self.coop:
            for f in model.pooled_functions:
                self.pooled[F_INDEX[f]] = True
        self.a = [float(v) for v in world.a]
        self.b = [float(v) for v in world.b]
        self.brand_sens = [float(v) for v in world.brand_sens]
        self.exp_u0 = [math.exp(float(v)) for v in world.u0]
        self.n_seg = world.n_segments
        w_seg = [s.share for s in sc.firms.segments]
        self.seg_weight = [v / sum(w_seg) for v in w_seg]
        self.market_size = [float(v) for v in state.market_size]
        self.regional_brand = 0.0
        self.t = 0
        self.sig_market = [0] * self.k_signals
        self.sig_segment = [0] * self.k_signals
        self.sig_new_market = [False] * self.k_signals
        self.sig_start = [0] * self.k_signals
        self.live_signals: list[int] = []
        self.hub_aware = [False] * self.k_signals
        self.club_promo = [0.0] * len(F_INDEX)
        self.dissem_pooled = 0.0
        self.mean_member_benefit = 0.0
        self.monitor = model.structure.centre_monitoring if self.coop else 0.0
        self.excluded: list[Firm] = []
        self.cap_mean = 1.0
        # agents: the initial firms only (a Mesa model adds entrants as new agents)
        self.agents = [Firm(i, self, world, state) for i in range(world.n_initial)]
        by_id = {f.uid: f for f in self.agents}
        for f in self.agents:
            for mat, out in ((world.strong, f.strong), (world.weak, f.weak)):
                row = mat.indices[mat.indptr[f.uid] : mat.indptr[f.uid + 1]]
                out.extend(by_id[int(j)] for j in row if int(j) in by_id)
            f.neighbours = f.strong + f.weak
        if self.coop:  # founding members, as in the engine's first period
            cfg = sc.membership
            for f in self.agents:
                p = min(1.0, max(0.0, 2.0 * cfg.initial_share * f.growth))
                ok = f.quality >= model.regulation.quality_standard
                f.member = ok and self.random.random() < p
                f.contributes = (
                    f.member and self.random.random() < sc.contribution.initial_contribution
                )

    def live(self) -> list[Firm]:
        return [f for f in self.agents if f.active]

    def step(self) -> dict[str, float]:
        sc, cfg = self.sc, self.model
        rnd = self.random
        firms = self.live()
        self.cap_mean = sum(f.capacity for f in firms) / max(1, len(firms))
        # ---- 2. membership ----
        if self.coop and self.t > 0:
            mem = [f.net_benefit for f in firms if f.member]
            self.mean_member_benefit = sum(mem) / len(mem) if mem else 0.0
            for f in firms:
                f.decide_membership()
        # ---- functions ----
        for f in firms:
            f.plan()
        pooled_x = [0.0] * len(F_INDEX)
        n_members = 0
        for f in firms:
            if f.member:
                n_members += 1
                if f.contributes:
                    for j, on in enumerate(self.pooled):
                        if on:
                            pooled_x[j] += self.fa["intensity"][j] * f.output
        pooled_cost = 0.0
        for j, on in enumerate(self.pooled):
            if on and pooled_x[j] > 0:
                pooled_cost += (
                    self.fa["fixed"][j] + self.fa["var"][j] * pooled_x[j] ** (self.fa["theta"][j])
                )
        info = F_INDEX["information_dissemination"]
        self.dissem_pooled = -math.expm1(-self.fa["effect"][info] * pooled_x[info] / 1000.0)
        for j in (F_INDEX["customer_acquisition"], F_INDEX["sales_promotion"]):
            if self.pooled[j]:
                self.club_promo[j] = self.fa["effect"][j] * math.log1p(
                    pooled_x[j] / 1000.0 / math.sqrt(max(1, n_members))
                )
        # ---- 1. signals ----
        dcfg = sc.diffusion
        self.live_signals = [
            k for k in self.live_signals if self.t - self.sig_start[k] < dcfg.signal_window
        ]
        if rnd.random() < dcfg.signal_rate:
            free = [k for k in range(self.k_signals) if k not in self.live_signals]
            k = free[0] if free else min(self.live_signals, key=lambda s: self.sig_start[s])
            if k in self.live_signals:
                self.live_signals.remove(k)
            self.live_signals.append(k)
            self.sig_start[k] = self.t
            self.sig_market[k] = min(int(rnd.random() * len(self.b)), len(self.b) - 1)
            self.sig_segment[k] = min(int(rnd.random() * self.n_seg), self.n_seg - 1)
            self.sig_new_market[k] = rnd.random() < dcfg.new_market_share
            self.hub_aware[k] = False
            for f in firms:
                f.aware[k] = f.adapted[k] = False
        if self.coop:  # the star's centre hears from aware members
            p_rep = 1.0 - (1.0 - dcfg.p_structure) * (1.0 - self.dissem_pooled)
            for k in self.live_signals:
                reporters = sum(1 for f in firms if f.member and f.aware[k])
                if rnd.random() < 1.0 - (1.0 - p_rep) ** reporters:
                    self.hub_aware[k] = True
        for f in firms:
            f.detect()
        for f in firms:
            f.adapt()
        # ---- 3. contribution ----
        if self.coop and self.t > 0:
            for f in firms:
                f.imitate()
            for f in firms:
                f.contributes = f.next_contributes and f.member
        # ---- 4. prices: damped Nash fixed point, a loop over firms in every iteration ----
        for f in firms:
            f.utilities()
        damping = sc.solver.damping
        n_groups = len(self.b) * self.n_seg
        iterations = 0
        for iterations in range(1, sc.solver.max_iterations + 1):  # noqa: B007
            sums = [0.0] * n_groups
            for f in firms:
                f.exp_utility(sums)
            denom = [self.exp_u0[g // self.n_seg] + sums[g] for g in range(n_groups)]
            resid = 0.0
            for f in firms:
                r = f.best_response(denom, damping)
                if r > resid:
                    resid = r
            if resid <= sc.solver.tolerance:
                break
        sums = [0.0] * n_groups
        for f in firms:
            f.exp_utility(sums)
        denom = [self.exp_u0[g // self.n_seg] + sums[g] for g in range(n_groups)]
        for f in firms:
            f.final_shares(denom)
        # ---- 5. demand ----
        for f in firms:
            f.sell()
        # ---- 6. costs: pooled cost by dues (fixed share equally, the rest per unit) ----
        payers = [f for f in firms if f.member and f.contributes] or [f for f in firms if f.member]
        links = n_members
        trust_m = sum(f.trust for f in firms if f.member) / max(1, n_members)
        pooled_cost += cfg.structure.coordination_cost * links * (0.5 + 0.5 * (1.0 - trust_m))
        income = sum(cfg.contract.per_unit_fee * f.output for f in firms if f.member)
        to_allocate = max(0.0, pooled_cost - income)
        fixed_each = per_unit = 0.0
        if payers and to_allocate > 0:
            share = cfg.function_interest.dues_fixed_share
            fixed_each = share * to_allocate / len(payers)
            units = sum(f.output for f in payers)
            per_unit = (1.0 - share) * to_allocate / units if units > 0 else 0.0
        self.excluded = []
        paying = {f.uid for f in payers}
        for f in firms:
            if f.uid in paying:
                f.pay(fixed_each, per_unit)
            else:
                f.pay(0.0, 0.0)
        # ---- 7. stocks ----
        sk = sc.stocks
        bj = F_INDEX["brand_building"]
        brand_units = sum(f.output for f in firms if f.member)
        cheat_units = sum(f.output for f in firms if f.member and not f.contributes)
        cheat = cheat_units / brand_units if brand_units > 0 else 0.0
        pooled_brand = (
            self.fa["effect"][bj] * pooled_x[bj] ** sk.curvature if self.pooled[bj] else 0.0
        )
        self.regional_brand = ((1.0 - sk.brand_decay) * self.regional_brand + pooled_brand) * (
            1.0 - sk.brand_damage * cheat
        )
        for f in firms:
            f.update_stocks()
        for f in self.excluded:
            f.member = f.contributes = False
        for m in range(len(self.market_size)):
            shock = float(self.world.trend[m]) + float(self.world.vol[m]) * rnd.gauss(0.0, 1.0)
            self.market_size[m] *= max(0.05, 1.0 + shock)
        self.t += 1
        return {
            "firms": float(sum(1 for f in self.agents if f.active)),
            "members": float(sum(1 for f in self.agents if f.member)),
            "output": sum(f.output for f in firms),
            "price_iterations": float(iterations),
        }
