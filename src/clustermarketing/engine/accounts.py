"""Costs, the cooperative's budget, allocation, sanctions and membership value (MODEL.md §6.6).

**Contributions are private costs** (seed 000's function–interest mechanism, "no free dinner").
A contributing member pays its dues (``contract.per_unit_fee`` per unit sold) and its share of
the rest of the pooled cost under the function–interest rule (equal, proportional, dues,
commission, Shapley, nucleolus — :mod:`clustermarketing.games.cooperative.allocation`); a
free-rider withholds both while it keeps the non-excluded benefits (club promotion, the regional
brand, the cooperative's markets and channel, sourcing), so without monitoring, sanctions and
norms free-riding pays. The pooled cost (pooled functions, coordination per structure link
scaled by distrust, markets the cooperative opens, mechanisms' costs such as a fair) is met by
institutions' subsidies, fines, dues and the allocated shares; the budget balances every period:
a surplus is rebated to the contributors, nothing is carried. Free-riders are detected with the
probability the structure, the hub institution and contract enforcement give, fined, and
excluded with probability ``regulation.exclusion``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from clustermarketing.engine import kernels
from clustermarketing.engine.access import Access
from clustermarketing.engine.functions import coalition_cost_fn
from clustermarketing.engine.market import Market
from clustermarketing.engine.mechanisms import Mechanisms, Period
from clustermarketing.engine.state import World
from clustermarketing.games.cooperative.allocation import (
    AllocationProblem,
    allocate,
    shapley_with_error,
)


@dataclass(frozen=True)
class Accounts:
    """Every cost line of the period, per firm, and the cooperative's budget."""

    production: np.ndarray
    overhead: np.ndarray  # fixed operating cost
    own_marketing: np.ndarray  # own functions + market entry + upkeep of own access
    share: np.ndarray  # allocated pooled cost, net of the rebate of a surplus
    fees: np.ndarray
    transaction: np.ndarray
    contracting: np.ndarray
    commission: np.ndarray
    fines: np.ndarray
    profit: np.ndarray
    excluded: np.ndarray  # bool: caught and excluded this period
    detection: np.ndarray  # (n,) probability a free-rider is detected this period
    pooled_total: float
    coordination: float
    subsidy: float
    to_allocate: float
    rebate: float  # surplus returned to the contributors this period (CU)
    transfers: dict[str, np.ndarray] = field(default_factory=dict)  # mechanisms' money flows
    allocation_se: float = 0.0  # mean standard error of a sampled Shapley charge (CU)


@dataclass(frozen=True)
class OperatingCosts:
    """Each firm's cost lines of running its business this period (CU), before pooled costs."""

    production: np.ndarray  # unit cost × units + distribution
    overhead: np.ndarray  # fixed operating cost of active firms
    fees: np.ndarray  # per-unit fees (dues) of contributing members
    transaction: np.ndarray  # per-unit transaction cost through the cooperative, × (1 − trust)
    contracting: np.ndarray  # contract upkeep of effective members, × (1 − trust)
    commission: np.ndarray  # commission on members' revenue


def operating_costs(p: Period, *, mkt: Market) -> OperatingCosts:
    """The cost lines every firm carries whatever the cooperative's budget does.

    One source of truth: :func:`settle` and the steady-state coalition analysis
    (:mod:`clustermarketing.analysis.steady`) both charge these.
    """
    state, w, sc, model, eff = p.state, p.world, p.sc, p.model, p.eff
    units, revenue = mkt.units, mkt.revenue
    if kernels.compiled():
        n = units.size
        return OperatingCosts(
            *kernels.operating_costs_kernel(
                kernels.per_firm(mkt.unit_cost, n),
                units,
                kernels.per_firm(mkt.distribution, n),
                state.active,
                float(sc.firms.overhead_per_employee),
                kernels.per_firm(w.employees, n),
                float(model.contract.per_unit_fee),
                np.broadcast_to(p.contrib, (n,)),
                float(sc.trust.transaction_cost),
                kernels.per_firm(state.trust, n),
                np.broadcast_to(eff, (n,)),
                float(model.contract.contracting_cost),
                float(mkt.commission),
                revenue,
            )
        )
    member_units = np.where(eff, units, 0.0)
    return OperatingCosts(
        production=mkt.unit_cost * units + mkt.distribution,
        overhead=np.where(state.active, sc.firms.overhead_per_employee * w.employees, 0.0),
        # dues per unit: part of a member's contribution, withheld by a free-rider
        fees=model.contract.per_unit_fee * np.where(p.contrib, units, 0.0),
        transaction=sc.trust.transaction_cost * (1.0 - state.trust) * member_units,
        contracting=np.where(eff, model.contract.contracting_cost * (1.0 - state.trust), 0.0),
        commission=np.where(eff, mkt.commission * revenue, 0.0),
    )


def _payer_edges(w: World, payers: np.ndarray) -> np.ndarray:
    """The ties among the payers as (k, 2) pairs of payer indices: the Myerson rule's graph."""
    sub = w.ties[payers][:, payers].tocoo()
    keep = sub.row < sub.col
    return np.column_stack([sub.row[keep], sub.col[keep]]).astype(np.int64)


def _payer_unions(w: World, payers: np.ndarray, by: str) -> list[np.ndarray]:
    """The payers grouped by product segment or size class (leaders / SMEs): the Owen unions."""
    key = w.segment[payers] if by == "segment" else w.leader[payers].astype(np.int64)
    return [np.flatnonzero(key == k) for k in np.unique(key)]


def coordination_cost(p: Period) -> float:
    """Coordination cost of the structure: per link, scaled by the members' distrust."""
    structure, eff = p.structure, p.eff
    if structure is None or not eff.any():
        return 0.0
    distrust = 1.0 - float(p.state.trust[eff].mean())
    cfg = p.model.structure
    floor = cfg.coordination_floor
    return cfg.coordination_cost * structure.links * (floor + (1.0 - floor) * distrust)


def settle(p: Period, *, mkt: Market, acc: Access, hooks: Mechanisms) -> Accounts:
    """Charge every cost and run the cooperative's budget.

    Pure: the sequencer adds ``profit`` to cash.
    """
    state, w, model, structure, plan = p.state, p.world, p.model, p.structure, p.plan
    eff, contrib, d = p.eff, p.contrib, p.draws
    n = w.n
    coop = model.cooperative
    units, revenue = mkt.units, mkt.revenue
    ops = operating_costs(p, mkt=mkt)
    production, overhead, fees = ops.production, ops.overhead, ops.fees
    transaction, contracting, commission = ops.transaction, ops.contracting, ops.commission
    reg = model.regulation
    monitor = structure.monitor if structure is not None else np.zeros(n)
    p_catch = 1.0 - (1.0 - reg.monitoring * monitor) * (
        1.0 - reg.monitoring * w.institution_monitoring * state.hub_alive
    ) * (1.0 - model.contract.enforcement)
    caught = mkt.free_rider & (d.uniform("catch") < p_catch)
    fines = np.where(caught, reg.fine + model.contract.breach_penalty, 0.0)
    excluded = caught & (d.uniform("exclude") < reg.exclusion)
    coord = coordination_cost(p)
    pooled_total = (
        float(plan.pooled_cost.sum())
        + coord
        + hooks.call("pooled_cost", p, 0.0)
        + acc.coop_entry
        + acc.coop_maintenance
    )
    payers = np.flatnonzero(contrib)
    fine_income = float(fines.sum())
    if coop and not payers.size:
        # nobody contributes: the cooperative does only what subsidies and fines pay for
        pooled_total = min(pooled_total, w.subsidy + fine_income) if eff.any() else 0.0
    subsidy = min(w.subsidy, pooled_total) if coop and eff.any() else 0.0
    fee_income = float(fees.sum())
    to_allocate = max(0.0, pooled_total - subsidy - fine_income - fee_income)
    share = np.zeros(n)
    rule = model.function_interest.rule
    allocation_se = 0.0
    if to_allocate > 0 and payers.size:
        x_pay = plan.output[payers][:, None] * plan.intensity[None, :]
        problem = AllocationProblem(
            total=to_allocate,
            weights=revenue[payers]
            if model.function_interest.rule == "commission"
            else units[payers],
            coalition_cost=coalition_cost_fn(
                plan, x_pay, (to_allocate - float(plan.pooled_cost.sum())) / payers.size
            ),
            dues_fixed_share=model.function_interest.dues_fixed_share,
            samples=model.function_interest.shapley_samples,
            seed=d.integer_seed("allocation"),
            edges=_payer_edges(w, payers) if rule == "myerson" else None,
            unions=_payer_unions(w, payers, model.function_interest.unions)
            if rule == "owen"
            else None,
        )
        if rule == "shapley":
            charges, se = shapley_with_error(problem)
            charges = charges + (to_allocate - charges.sum()) / charges.size
            allocation_se = float(se.mean())
        else:
            charges = allocate(rule, problem)
        share[payers] = charges
        if rule == "myerson" and charges.sum() > to_allocate:
            # connected groups share their own cost, isolated members pay their stand-alone
            # cost; what the joint operation saves beyond that goes back to the connected members
            linked = np.zeros(payers.size, dtype=bool)
            edges = problem.edges if problem.edges is not None else np.zeros((0, 2), int)
            linked[edges.ravel()] = True
            excess = charges.sum() - to_allocate
            if linked.any():
                base = charges * linked
                share[payers] -= excess * base / base.sum() if base.sum() > 0 else 0.0
    # a surplus (fees and fines above the cost) is returned to the contributors pro rata to the
    # fees they paid (equally if they paid none): the budget balances every period, nothing is
    # hoarded
    surplus = max(0.0, subsidy + fine_income + fee_income - pooled_total)
    rebate = np.zeros(n)
    if surplus > 0:
        # to the contributors (pro rata to their dues), or, if nobody contributed, to the members
        takers = payers if payers.size else np.flatnonzero(eff)
        base = fees[takers] if fee_income > 0 else np.ones(takers.size)
        rebate[takers] = surplus * base / base.sum()
    share -= rebate
    if kernels.compiled():
        own_marketing, profit = kernels.profit_kernel(
            revenue,
            production,
            overhead,
            *(
                kernels.per_firm(x, n)
                for x in (plan.own_cost, acc.entry_paid, acc.own_maintenance, share, fees)
            ),
            transaction,
            contracting,
            commission,
            np.ascontiguousarray(fines, dtype=np.float64),
        )
    else:
        own_marketing = plan.own_cost + acc.entry_paid + acc.own_maintenance
        profit = (
            revenue
            - production
            - overhead
            - own_marketing
            - share
            - fees
            - transaction
            - contracting
            - commission
            - fines
        )
    transfers = hooks.call("transfers", p, {}, mkt=mkt)
    for line in transfers.values():  # licence fees, channel rent, subcontracting, commissions
        profit = profit + line
    return Accounts(
        production=production,
        overhead=overhead,
        own_marketing=own_marketing,
        share=share,
        fees=fees,
        transaction=transaction,
        contracting=contracting,
        commission=commission,
        fines=fines,
        profit=profit,
        excluded=excluded,
        detection=p_catch,
        pooled_total=pooled_total,
        coordination=coord,
        subsidy=subsidy,
        to_allocate=to_allocate,
        rebate=float(rebate.sum()),
        transfers=transfers,
        allocation_se=allocation_se,
    )


def strategy_payoff(p: Period, *, mkt: Market, books: Accounts) -> np.ndarray:
    """What a member's contribution strategy itself earned it this period (CU), for imitation.

    A contributor pays its dues and share; a free-rider saves them and the corners it cuts on the
    cooperative's rules (``regulation.cheat_cost_saving`` of its unit cost), but pays any fine
    and bears the norm's social cost ``ν · trust``. The rest of a firm's profit (its size,
    quality, tastes, markets) does not depend on its strategy, so members compare these terms:
    imitation then follows the replicator dynamics of the contribution game instead of copying
    whoever is richer for other reasons (a modelling choice, docs/model.md).
    """
    reg = p.model.regulation
    free = mkt.free_rider
    saved = np.where(free, mkt.cheat_saved, 0.0)
    norm = np.where(free, reg.norm_strength * p.state.trust, 0.0)
    return saved - books.fees - books.share - books.fines - norm
