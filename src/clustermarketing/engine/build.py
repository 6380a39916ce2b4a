"""Build the world and the initial state of one run from a scenario and a seed.

The build draws only from its own named streams (``build.*`` in :mod:`.streams`), so a model
and its baseline built from the same seed have the same firms, ties and markets (common random
numbers), and scenarios that differ in one section share every other section's draws.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse as sp

from clustermarketing.engine.state import State, World
from clustermarketing.engine.streams import Streams
from clustermarketing.engine.ties import edgelist_ties, generate_ties
from clustermarketing.models.config import ModelConfig
from clustermarketing.scenario.inputs import read_edgelist, read_firms_csv
from clustermarketing.scenario.schema import Scenario


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(n))


def _positive_normal(
    rng: np.random.Generator, mean: float, sd: float, n: int, floor: float
) -> np.ndarray:
    return np.maximum(rng.normal(mean, sd, n), floor * abs(mean) + 1e-6)


def _sme_access(scenario: Scenario) -> np.ndarray:
    m = len(scenario.markets)
    if scenario.firms.sme_access is not None:
        return np.asarray(scenario.firms.sme_access, dtype=float)
    defaults = [1.0, 0.3, 0.05]
    return np.array([defaults[i] if i < 3 else 0.02 for i in range(m)])


def _traits(scenario: Scenario, n: int, n0: int, streams: Streams) -> dict[str, np.ndarray]:
    """Firm traits for all n slots: the first n0 from the scenario, the rest as SME entrants.

    Each trait has its own named stream, so adding a trait changes none of the others.
    """
    f = scenario.firms
    g = streams.build_gen
    seg_p = np.array([s.share for s in f.segments], dtype=float)
    seg_p /= seg_p.sum()
    m = len(scenario.markets)
    tr = {
        "leader": np.zeros(n, dtype=bool),
        "segment": g("build.segment").choice(len(seg_p), size=n, p=seg_p),
        "employees": _lognormal(
            g("build.employees"), f.sme_employees.median, f.sme_employees.sigma, n
        ),
        "base_cost": _positive_normal(
            g("build.cost"), f.unit_cost.mean, f.unit_cost.sd, n, f.unit_cost_floor
        ),
        "quality": g("build.quality").normal(f.quality.mean, f.quality.sd, n),
        "mo": g("build.orientation").beta(f.market_orientation.a, f.market_orientation.b, n),
        "growth": g("build.growth").beta(f.growth_propensity.a, f.growth_propensity.b, n),
        "access": g("build.access").random((n, m)) < _sme_access(scenario)[None, :],
    }
    if f.source == "generate" and f.leaders:
        lead = g("build.leaders").choice(n0, size=f.leaders, replace=False)
        tr["leader"][lead] = True
        tr["employees"][lead] = _lognormal(
            g("build.leader_employees"),
            f.leader_employees.median,
            f.leader_employees.sigma,
            f.leaders,
        )
        tr["base_cost"][lead] *= 1.0 - f.leader_cost_advantage
        tr["quality"][lead] += f.leader_quality_premium
        tr["access"][lead] = True
    if f.source == "csv":
        assert f.csv is not None
        df = read_firms_csv(f.csv, scenario)
        seg_index = {s.name: i for i, s in enumerate(f.segments)}
        tr["employees"][:n0] = df["employees"].to_numpy(float)
        tr["base_cost"][:n0] = df["unit_cost"].to_numpy(float)
        tr["quality"][:n0] = df["quality"].to_numpy(float)
        tr["segment"][:n0] = df["segment"].astype(str).map(seg_index).to_numpy()
        tr["mo"][:n0] = df["market_orientation"].to_numpy(float)
        tr["growth"][:n0] = df["growth_propensity"].to_numpy(float)
        tr["leader"][:n0] = df["leader"].to_numpy(float) > 0.5
        if "cash" in df.columns:
            tr["cash"] = pd.to_numeric(df["cash"], errors="coerce").to_numpy(float)
        tr["access"][:n0][tr["leader"][:n0]] = True
        for j, mk in enumerate(scenario.markets):
            col = f"access_{mk.name}"
            if col in df.columns:
                tr["access"][:n0, j] = df[col].to_numpy(float) > 0.5
    tr["access"][:, 0] = True  # every firm reaches its home market
    return tr


def _calibrated(
    df: pd.DataFrame,
    scenario: Scenario,
    xi: np.ndarray,
    market_cost: np.ndarray,
    tr: dict[str, np.ndarray],
) -> None:
    """Apply a firms CSV's calibrated ``taste_<market>`` and ``unit_cost_<market>`` columns.

    ``taste_<m>`` replaces the drawn taste ξ_im; ``unit_cost_<m>`` is the firm's full marginal
    cost of a unit sold in market m, stored as the difference to what the engine would charge
    there (``unit_cost`` + the distribution cost outside the home market), so that the cost in
    the pricing game is exactly the calibrated one. Blank cells keep the defaults. Written by
    ``clustermarketing calibrate demand --scenario-out`` (docs/calibration.md).
    """
    n0 = len(df)
    for j, mk in enumerate(scenario.markets):
        taste = f"taste_{mk.name}"
        if taste in df.columns:
            v = pd.to_numeric(df[taste], errors="coerce").to_numpy(float)
            given = np.isfinite(v)
            xi[:n0, j][given] = v[given]
        cost = f"unit_cost_{mk.name}"
        if cost in df.columns:
            v = pd.to_numeric(df[cost], errors="coerce").to_numpy(float)
            given = np.isfinite(v)
            dist = scenario.demand.distribution_cost if j > 0 else 0.0
            market_cost[:n0, j][given] = v[given] - tr["base_cost"][:n0][given] - dist


#: element type of the 0/1 tie matrices' data
TIE_DTYPE = np.float32


def _ties(
    scenario: Scenario, n: int, n0: int, streams: Streams
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    t = scenario.ties
    g = streams.build_gen
    strong = generate_ties(n, t.strong_degree, t.proximity, t.locality, g("build.ties.strong"), n0)
    weak = generate_ties(n, t.weak_degree, t.weak_proximity, t.locality, g("build.ties.weak"), n0)
    weak = weak - weak.multiply(strong)  # a pair is tied once, by its strongest tie
    weak.eliminate_zeros()
    if t.source == "edgelist":
        assert t.edgelist is not None
        es, ew = edgelist_ties(read_edgelist(t.edgelist, n0), n)
        keep = np.ones(n)
        keep[:n0] = 0.0  # generated ties only for entrant slots
        mask = sp.diags(keep)

        def entrant_part(m: sp.csr_matrix) -> sp.csr_matrix:
            return (mask @ m + m @ mask - mask @ m @ mask).tocsr()

        strong = ((entrant_part(strong) + es) > 0).astype(np.float64).tocsr()
        weak = ((entrant_part(weak) + ew) > 0).astype(np.float64).tocsr()
        weak = (weak - weak.multiply(strong)).tocsr()
        weak.eliminate_zeros()
    # 0/1 entries: float32 data halves the matrices' value arrays (exact; products with float64
    # vectors are computed in float64 by scipy and the kernels alike)
    return strong.tocsr().astype(TIE_DTYPE), weak.tocsr().astype(TIE_DTYPE)


def _initial_cash(default: np.ndarray, given: np.ndarray | None, n0: int) -> np.ndarray:
    """Cash at birth: the CSV's ``cash`` column where given, else periods of expected margin."""
    if given is None:
        return default
    out = default.copy()
    ok = np.isfinite(given)
    out[:n0][ok] = given[ok]
    return out


def n_initial(scenario: Scenario) -> int:
    """Number of firms at t = 0."""
    if scenario.firms.source == "csv":
        assert scenario.firms.csv is not None
        return len(read_firms_csv(scenario.firms.csv, scenario))
    return scenario.firms.count


def institution_fields(scenario: Scenario, model: ModelConfig) -> dict[str, float]:
    """The World fields that depend on the model: the hub institution's monitoring and the
    subsidy that reaches the pooled budget (set again when a model switches on after a burn-in).
    """
    # hub: the named institution, else the first one; none when the scenario has none
    names = [i.name for i in scenario.institutions]
    hub = model.structure.hub or (names[0] if names else "")
    inst = [i for i in scenario.institutions if i.name == hub]
    return {
        "institution_monitoring": max((i.monitoring for i in inst), default=0.0),
        "subsidy": sum(i.subsidy for i in scenario.institutions)
        * model.function_interest.subsidy_share,
    }


def build(scenario: Scenario, model: ModelConfig, streams: Streams) -> tuple[World, State]:
    """World and initial state for one run, drawn from the run's named build streams.

    A model and its baseline built from the same streams have the same firms, ties and markets.
    """
    n0 = n_initial(scenario)
    n = max(n0 + 1, math.ceil(n0 * scenario.demography.max_firms_factor))
    mk = scenario.markets
    tr = _traits(scenario, n, n0, streams)
    xi = streams.build_gen("build.taste").normal(0.0, scenario.firms.taste_sd, size=(n, len(mk)))
    market_cost = np.zeros((n, len(mk)))
    if scenario.firms.source == "csv":
        assert scenario.firms.csv is not None
        _calibrated(read_firms_csv(scenario.firms.csv, scenario), scenario, xi, market_cost, tr)
    # scenarios that differ only in their ties share every other draw (own streams)
    strong, weak = _ties(scenario, n, n0, streams)
    capacity = tr["employees"] * scenario.firms.productivity
    price_guess = (
        tr["base_cost"][:, None] + 1.0 / np.array([m.price_sensitivity for m in mk])[None, :]
    )
    # initial cash: a few periods of an expected gross margin at 60% utilisation
    u0 = scenario.demography.initial_utilisation
    margin = u0 * capacity * (price_guess[:, 0] - tr["base_cost"])
    world = World(
        n=n,
        n_initial=n0,
        n_markets=len(mk),
        n_segments=len(scenario.firms.segments),
        strong=strong,
        weak=weak,
        ties=((strong + weak) > 0).astype(TIE_DTYPE).tocsr(),
        a=np.array([m.quality_weight for m in mk]),
        b=np.array([m.price_sensitivity for m in mk]),
        brand_sens=np.array([m.brand_sensitivity for m in mk]),
        u0=np.array([m.outside_utility for m in mk]),
        entry_cost=np.array([m.entry_cost for m in mk]),
        maintenance=np.array([0.0 if j == 0 else m.maintenance_cost for j, m in enumerate(mk)]),
        trend=np.array([m.trend for m in mk]),
        vol=np.array([m.volatility for m in mk]),
        leader=tr["leader"],
        segment=tr["segment"].astype(np.int32),
        employees=tr["employees"],
        capacity=capacity,
        varieties=np.maximum(1.0, tr["employees"] / scenario.firms.employees_per_variety),
        base_cost=tr["base_cost"],
        mo=tr["mo"],
        growth=tr["growth"],
        xi=xi,
        market_cost=market_cost,
        own_channel=capacity * scenario.firms.channel_ratio,
        init_access=tr["access"],
        init_cash=_initial_cash(scenario.firms.initial_cash_periods * margin, tr.get("cash"), n0),
        init_quality=tr["quality"],
        **institution_fields(scenario, model),
    )
    active = np.zeros(n, dtype=bool)
    active[:n0] = True
    k = scenario.diffusion.max_signals
    m = len(mk)
    state = State(
        t=0,
        active=active,
        born=np.where(active, 0, -1).astype(np.int32),
        died=np.full(n, -1, dtype=np.int32),
        quality=tr["quality"].copy(),
        goodwill=np.zeros(n),
        channel_added=np.zeros(n),
        access=tr["access"].copy(),
        pair_margin=np.full((n, len(mk)), np.inf),  # no margin observed yet: nothing lapses
        cash=world.init_cash.copy(),
        member=np.zeros(n, dtype=bool),
        contributes=np.zeros(n, dtype=bool),
        trust=np.full(n, scenario.trust.initial),
        neg_benefit=np.zeros(n, dtype=np.int32),
        losses=np.zeros(n, dtype=np.int32),
        price=price_guess.copy(),
        output=u0 * capacity,
        revenue=u0 * capacity * price_guess[:, 0],
        profit=np.zeros(n),
        net_benefit=np.zeros(n),
        join_value=np.zeros(n),
        barred_until=np.zeros(n, dtype=np.int32),
        joined_at=np.full(n, -1, dtype=np.int32),
        payoff=np.zeros(n),
        market_size=np.array([x.size for x in mk], dtype=float),
        regional_brand=0.0,
        coop_access=np.arange(m) == 0,  # everyone reaches the home market already
        coop_channel=0.0,
        hub_alive=True,
        sig_active=np.zeros(k, dtype=bool),
        sig_start=np.zeros(k, dtype=np.int64),
        sig_market=np.zeros(k, dtype=np.int64),
        sig_segment=np.zeros(k, dtype=np.int64),
        sig_new_market=np.zeros(k, dtype=bool),
        sig_t90=np.full(k, -1),
        aware=np.zeros((n + 1, k), dtype=bool),
        adapted=np.zeros((n, k), dtype=bool),
    )
    return world, state
