"""Costs, the cooperative's budget, allocation, sanctions and membership value (MODEL.md §6.6).

The cooperative's budget balances every period: the pooled cost (pooled functions, coordination
per structure link scaled by distrust, markets it opens, mechanisms' costs such as a fair) is met first by institutions'
subsidies, members' per-unit fees, fines and last period's reserve; the rest is split among the
contributing members by the function–interest rule (any rule of
:mod:`clustermarketing.games.cooperative.allocation`: equal, proportional, dues, commission,
Shapley, nucleolus); a surplus is carried as reserve. Free-riders are detected with the
probability the structure, the hub institution and contract enforcement give, fined, and
excluded with probability ``regulation.exclusion``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustermarketing.engine.access import Access
from clustermarketing.engine.functions import coalition_cost_fn
from clustermarketing.engine.market import Market
from clustermarketing.engine.mechanisms import Mechanisms, Period
from clustermarketing.games.cooperative.allocation import AllocationProblem, allocate


@dataclass(frozen=True)
class Accounts:
    """Every cost line of the period, per firm, and the cooperative's budget."""

    production: np.ndarray
    overhead: np.ndarray  # fixed operating cost
    own_marketing: np.ndarray  # own functions + market entry
    share: np.ndarray  # allocated pooled cost
    fees: np.ndarray
    transaction: np.ndarray
    contracting: np.ndarray
    commission: np.ndarray
    fines: np.ndarray
    profit: np.ndarray
    excluded: np.ndarray  # bool: caught and excluded this period
    pooled_total: float
    coordination: float
    subsidy: float
    to_allocate: float
    reserve: float  # the cooperative's surplus carried to next period


@dataclass(frozen=True)
class OperatingCosts:
    """Each firm's cost lines of running its business this period (CU), before pooled costs."""

    production: np.ndarray  # unit cost × units + distribution
    overhead: np.ndarray  # fixed operating cost of active firms
    fees: np.ndarray  # per-unit fees of effective members
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
    member_units = np.where(eff, units, 0.0)
    return OperatingCosts(
        production=mkt.unit_cost * units + mkt.distribution,
        overhead=np.where(state.active, sc.firms.overhead_per_employee * w.employees, 0.0),
        fees=model.contract.per_unit_fee * member_units,
        transaction=sc.trust.transaction_cost * (1.0 - state.trust) * member_units,
        contracting=np.where(eff, model.contract.contracting_cost * (1.0 - state.trust), 0.0),
        commission=np.where(eff, mkt.commission * revenue, 0.0),
    )


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

    Pure: the new reserve is ``Accounts.reserve``; the sequencer adds ``profit`` to cash.
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
        float(plan.pooled_cost.sum()) + coord + hooks.call("pooled_cost", p, 0.0) + acc.coop_entry
    )
    subsidy = min(w.subsidy, pooled_total) if coop and eff.any() else 0.0
    income = subsidy + float(fees.sum()) + float(fines.sum()) + state.reserve
    to_allocate = max(0.0, pooled_total - income)
    share = np.zeros(n)
    payers = np.flatnonzero(contrib) if contrib.any() else np.flatnonzero(eff)
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
        )
        share[payers] = allocate(model.function_interest.rule, problem)
    reserve = max(0.0, income - pooled_total) if coop else 0.0
    own_marketing = plan.own_cost + acc.entry_paid
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
        pooled_total=pooled_total,
        coordination=coord,
        subsidy=subsidy,
        to_allocate=to_allocate,
        reserve=reserve,
    )


def membership_value(p: Period, *, mkt: Market, books: Accounts) -> np.ndarray:
    """What each member would lose by marketing alone, net of what membership costs it.

    Benefit = the own-function spending the cooperative saves it (within its budget) + the
    margin on the units it sells thanks to the cooperative (in markets it reaches only through
    the cooperative, all of them; elsewhere the logit loss ``1 − e^{−Δ}/(1 − s + s e^{−Δ})`` of
    removing the member utility Δ) + the cost saving of internal sourcing.
    """
    w, plan, eff = p.world, p.plan, p.eff
    n = w.n
    margin_unit = np.divide(
        mkt.revenue - books.production, mkt.units, out=np.zeros(n), where=mkt.units > 0
    )
    e_m = np.exp(-mkt.member_boost)
    keep = e_m / (1.0 - mkt.share + mkt.share * e_m)
    lost = np.where(mkt.only_coop, mkt.sales, mkt.sales * (1.0 - keep))
    lost_units = np.bincount(mkt.firm, weights=lost, minlength=n)
    benefit = plan.saved + margin_unit * lost_units + (w.base_cost - mkt.unit_cost) * mkt.units
    paid = (
        books.share
        + books.fees
        + books.transaction
        + books.contracting
        + books.commission
        + books.fines
    )
    return np.where(eff, benefit - paid, 0.0)
