"""The seed papers' claims as checks on simulations, and the region of parameters they hold over.

Each claim is a function ``claim(overrides, size, runs=None) -> ClaimResult``: it runs the shipped
examples (``footwear``: a clustered industry; ``dispersed``: the same industry with sparse,
non-local ties) with the ``--set``-style ``overrides`` applied to both, on common random numbers
(replicate *r* of every run uses the same streams, so differences are paired per replicate), and
says whether the claim holds together with the numbers behind it: every check's paired mean
difference and 95 % Student-t interval over replicates (:func:`.stats.mean_ci`, unclipped).

A claim *holds* when every one of its checks does; a check on a difference holds when its 95 %
interval lies on the claimed side of zero (so a claim with few replicates fails rather than
passes by luck), a check on a level (the free-riding claim's cooperation rates, which seed 000
states as levels) when the mean over replicates lies on the claimed side of the threshold.
Each check also carries a **margin**, positive exactly when it holds: for an interval check
``|mean| / half-width − 1`` signed by the claimed direction (the t-statistic in units of the
critical value, minus one), for a level check the distance of the mean from its threshold. A
claim's margin is the smallest of its checks' margins; :func:`region_summary` ranks parameters by
their rank correlation with it.

The region (MODEL.md §6, "claims hold over regions, not points"): :data:`UNCERTAIN` lists the
parameters whose values no seed pins down, each with a plausible range; :func:`lhs_design` draws
a seeded Latin hypercube over them (:class:`scipy.stats.qmc.LatinHypercube`), :func:`point_overrides`
turns a point into overrides, and :data:`CHANNELS` lists the assumed channels that are switched
off one at a time to see whether a claim rests on one of them alone. Everything here is pure
(no files): ``scripts/claims_region.py`` runs the region and writes docs/model.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from clustermarketing.analysis.compare import Comparison, compare
from clustermarketing.analysis.stats import mean_ci
from clustermarketing.scenario.load import load_scenario

__all__ = [
    "ALL_ON",
    "CHANNELS",
    "CHANNELS_BY_NAME",
    "CLAIMS",
    "CLAIMS_BY_ID",
    "REGULATION_OFF",
    "UNCERTAIN",
    "Channel",
    "Check",
    "Claim",
    "ClaimResult",
    "ClaimRuns",
    "PointJob",
    "RegionResult",
    "RunSize",
    "UncertainParameter",
    "clustered_gain",
    "cooperative_pricing",
    "cost_reduction",
    "diff_check",
    "evaluate_claims",
    "faster_information",
    "jobs_firms_growth",
    "level_check",
    "lhs_design",
    "point_overrides",
    "region_from_records",
    "region_summary",
    "regulation_contains_free_riding",
    "run_point",
    "run_region",
]

CLUSTERED, DISPERSED = "footwear", "dispersed"
MODEL = "collective_mark"

#: regulation switched off: monitoring, fines, exclusion, norms, contract enforcement and breach
#: penalty (seed 000's regulation and contract mechanisms)
REGULATION_OFF: tuple[str, ...] = (
    "model.regulation.monitoring=0",
    "model.regulation.fine=0",
    "model.regulation.exclusion=0",
    "model.regulation.norm_strength=0",
    "model.contract.enforcement=0",
    "model.contract.breach_penalty=0",
)
#: free-riding "spreads" when late cooperation without regulation is below this, and is
#: "contained" when late cooperation with the defaults is at least CONTAINED (issue 7)
SPREAD_BELOW, CONTAINED = 0.2, 0.8
#: criteria of the interval checks (a level check's criterion names its threshold)
CI_ABOVE, CI_BELOW = "95% CI > 0", "95% CI < 0"


@dataclass(frozen=True)
class RunSize:
    """How big each simulation of a claim is, and its root seed (common to every run)."""

    firms: int = 150
    periods: int = 40
    replicates: int = 4
    seed: int = 2024
    workers: int = 1

    def __post_init__(self) -> None:
        if self.firms < 2 or self.periods < 2 or self.replicates < 2 or self.seed < 0:
            raise ValueError(
                f"run size: firms={self.firms}, periods={self.periods}, "
                f"replicates={self.replicates}, seed={self.seed}; expected firms ≥ 2, "
                "periods ≥ 2, replicates ≥ 2 (a confidence interval needs two) and seed ≥ 0"
            )
        if self.workers < 1:
            raise ValueError(f"run size: workers={self.workers}; expected ≥ 1")

    @property
    def late(self) -> int:
        """Periods that count as "late in the run": the last fifth (8 of the default 40)."""
        return max(1, math.ceil(self.periods / 5))


@dataclass(frozen=True)
class Check:
    """One comparison behind a claim: a paired difference (or a level) and whether it holds."""

    name: str
    estimate: float
    ci_low: float
    ci_high: float
    criterion: str
    holds: bool
    margin: float


@dataclass(frozen=True)
class ClaimResult:
    """A claim at one parameter point: holds iff every check holds; ``notes`` add context."""

    claim: str
    seed_paper: str
    statement: str
    holds: bool
    checks: tuple[Check, ...]
    notes: dict[str, float] = field(default_factory=dict)

    @property
    def margin(self) -> float:
        """The smallest check margin (> 0 exactly when the claim holds)."""
        return min(c.margin for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for JSON or a table)."""
        return {
            "claim": self.claim,
            "seed": self.seed_paper,
            "holds": self.holds,
            "margin": self.margin,
            "checks": [c.__dict__ for c in self.checks],
            "notes": dict(self.notes),
        }


def _ci(x: np.ndarray) -> tuple[float, float, float]:
    r = mean_ci(np.asarray(x, dtype=float))
    nan = float("nan")
    mean = nan if r["mean"] is None else float(r["mean"])
    lo = nan if r["ci_low"] is None else float(r["ci_low"])
    hi = nan if r["ci_high"] is None else float(r["ci_high"])
    return mean, lo, hi


def diff_check(name: str, x: np.ndarray, sign: int) -> Check:
    """Paired differences ``x`` (one per replicate) claimed ``> 0`` (sign 1) or ``< 0`` (−1):
    holds when the 95 % t-interval lies entirely on that side.

    >>> diff_check("d", np.array([1.0, 1.1, 1.2]), 1).holds
    True
    >>> diff_check("d", np.array([-1.0, 2.0, 3.0]), 1).holds
    False
    """
    mean, lo, hi = _ci(x)
    if sign > 0:
        holds, criterion = bool(lo > 0), CI_ABOVE
    else:
        holds, criterion = bool(hi < 0), CI_BELOW
    half = (hi - lo) / 2
    if not math.isfinite(mean) or not math.isfinite(half):
        margin = -math.inf
    elif half == 0:
        margin = math.inf if sign * mean > 0 else -math.inf
    else:
        margin = sign * mean / half - 1.0
    return Check(name, mean, lo, hi, criterion, holds, float(margin))


def level_check(name: str, x: np.ndarray, threshold: float, below: bool) -> Check:
    """Replicate values ``x`` whose mean is claimed ``< threshold`` (``below``) or ``≥`` it.

    >>> level_check("c", np.array([0.9, 0.95]), 0.8, below=False).holds
    True
    """
    mean, lo, hi = _ci(x)
    if below:
        holds, criterion, margin = bool(mean < threshold), f"mean < {threshold:g}", threshold - mean
    else:
        holds, criterion, margin = (
            bool(mean >= threshold),
            f"mean ≥ {threshold:g}",
            mean - threshold,
        )
    if not math.isfinite(mean):
        holds, margin = False, -math.inf
    return Check(name, mean, lo, hi, criterion, holds, float(margin))


class ClaimRuns:
    """Memo of the comparisons the claims need, so claims evaluated together share runs.

    Keyed by (example, overrides, pricing, size); :meth:`get` runs ``compare`` of the
    collective mark against the independent baseline once per key.
    """

    def __init__(self) -> None:
        self._memo: dict[tuple[Any, ...], Comparison] = {}

    def get(
        self, example: str, overrides: Sequence[str], size: RunSize, pricing: str = "nash"
    ) -> Comparison:
        key = (example, tuple(overrides), pricing, size)
        if key not in self._memo:
            sc = load_scenario(example, [f"firms.count={size.firms}", *overrides])
            self._memo[key] = compare(
                sc,
                [MODEL],
                replicates=size.replicates,
                periods=size.periods,
                seed=size.seed,
                pricing=pricing,
                workers=size.workers,
            )
        return self._memo[key]


def _values(c: Comparison, arm: str) -> pd.DataFrame:
    v = c.replicate_values
    return v[(v["model"] == MODEL) & (v["arm"] == arm)].set_index("replicate").sort_index()


def _gain(c: Comparison, metric: str) -> np.ndarray:
    return (_values(c, "model")[metric] - _values(c, "baseline")[metric]).to_numpy(float)


def _late_rate(c: Comparison, late: int) -> np.ndarray:
    df = c.cluster[(c.cluster["model"] == MODEL) & (c.cluster["arm"] == "model")]
    df = df[df["period"] > df["period"].max() - late]
    return df.groupby("replicate")["cooperation_rate"].mean().sort_index().to_numpy(float)


def _result(claim: Claim, checks: list[Check], notes: dict[str, float]) -> ClaimResult:
    return ClaimResult(
        claim.id,
        claim.seed,
        claim.statement,
        all(c.holds for c in checks),
        tuple(checks),
        notes,
    )


def clustered_gain(
    overrides: Sequence[str] = (), size: RunSize = RunSize(), runs: ClaimRuns | None = None
) -> ClaimResult:
    """Seed 004: members in a clustered industry gain more from cooperation than in a dispersed
    one. Difference-in-differences of ``member_profit`` (collective mark − independent, the same
    firms) footwear − dispersed, CI > 0; and trust under the model higher in footwear, CI > 0.
    """
    runs = runs or ClaimRuns()
    cl, di = runs.get(CLUSTERED, overrides, size), runs.get(DISPERSED, overrides, size)
    g_cl, g_di = _gain(cl, "member_profit"), _gain(di, "member_profit")
    trust = (_values(cl, "model")["trust"] - _values(di, "model")["trust"]).to_numpy(float)
    checks = [
        diff_check("member profit gain, clustered − dispersed (CU/period)", g_cl - g_di, 1),
        diff_check("trust under the model, clustered − dispersed", trust, 1),
    ]
    notes = {
        "member_gain_clustered": float(np.mean(g_cl)),
        "member_gain_dispersed": float(np.mean(g_di)),
    }
    return _result(CLAIMS_BY_ID["004_clustered_gain"], checks, notes)


def faster_information(
    overrides: Sequence[str] = (), size: RunSize = RunSize(), runs: ClaimRuns | None = None
) -> ClaimResult:
    """Seed 003: information reaches 90 % of firms sooner over dense ties. Under independent
    marketing (the baseline arms), ``time_to_90pct_awareness`` footwear − dispersed, CI < 0.
    Signals that never reach 90 % count as the signal window (right-censored), see docs/model.md.
    """
    runs = runs or ClaimRuns()
    cl, di = runs.get(CLUSTERED, overrides, size), runs.get(DISPERSED, overrides, size)
    m = "time_to_90pct_awareness"
    t_cl = _values(cl, "baseline")[m].to_numpy(float)
    t_di = _values(di, "baseline")[m].to_numpy(float)
    checks = [diff_check("periods to 90% awareness, clustered − dispersed", t_cl - t_di, -1)]
    notes = {"t90_clustered": float(np.mean(t_cl)), "t90_dispersed": float(np.mean(t_di))}
    return _result(CLAIMS_BY_ID["003_faster_information"], checks, notes)


def jobs_firms_growth(
    overrides: Sequence[str] = (), size: RunSize = RunSize(), runs: ClaimRuns | None = None
) -> ClaimResult:
    """Seed 003: cooperation brings jobs, new firms and output growth. In footwear, collective
    mark − independent for ``employment``, ``entries`` and ``output_growth``, each CI > 0 (each
    is its own check, reported separately).
    """
    runs = runs or ClaimRuns()
    cl = runs.get(CLUSTERED, overrides, size)
    checks = [
        diff_check("employment (persons)", _gain(cl, "employment"), 1),
        diff_check("entries (firms over the run)", _gain(cl, "entries"), 1),
        diff_check("output growth (log per period)", _gain(cl, "output_growth"), 1),
    ]
    return _result(CLAIMS_BY_ID["003_jobs_firms_growth"], checks, {})


def cooperative_pricing(
    overrides: Sequence[str] = (), size: RunSize = RunSize(), runs: ClaimRuns | None = None
) -> ClaimResult:
    """Seed 001: cooperative pricing (Nash prices after members' costs fall) beats a price
    cartel for consumers: cartel − Nash ``mean_price`` CI > 0, Nash − cartel
    ``consumer_surplus`` CI > 0 (footwear, collective mark arms, paired by replicate); and Nash
    prices below the independent baseline's, CI < 0.

    Notes: the consumer-surplus gain of cooperation over the baseline and the part of it that
    is persuasion (``1 − Δ consumer_surplus_fixed_tastes / Δ consumer_surplus``).
    """
    runs = runs or ClaimRuns()
    nash = runs.get(CLUSTERED, overrides, size)
    cartel = runs.get(CLUSTERED, overrides, size, pricing="cartel")
    pn, pc = _values(nash, "model")["mean_price"], _values(cartel, "model")["mean_price"]
    cn, cc = (
        _values(nash, "model")["consumer_surplus"],
        _values(cartel, "model")["consumer_surplus"],
    )
    checks = [
        diff_check("mean price, cartel − cooperative (CU)", (pc - pn).to_numpy(float), 1),
        diff_check("consumer surplus, cooperative − cartel (CU)", (cn - cc).to_numpy(float), 1),
        diff_check("mean price, cooperative − independent (CU)", _gain(nash, "mean_price"), -1),
    ]
    cs = float(np.mean(_gain(nash, "consumer_surplus")))
    fixed = float(np.mean(_gain(nash, "consumer_surplus_fixed_tastes")))
    fcn = _values(nash, "model")["consumer_surplus_fixed_tastes"]
    fcc = _values(cartel, "model")["consumer_surplus_fixed_tastes"]
    notes = {
        "cs_gain_vs_independent": cs,
        "cs_fixed_tastes_gain_vs_independent": fixed,
        "persuasion_share_of_cs_gain": 1.0 - fixed / cs if cs != 0 else float("nan"),
        "cs_fixed_tastes_cooperative_minus_cartel": float(np.mean(fcn - fcc)),
    }
    return _result(CLAIMS_BY_ID["001_cooperative_pricing"], checks, notes)


def regulation_contains_free_riding(
    overrides: Sequence[str] = (), size: RunSize = RunSize(), runs: ClaimRuns | None = None
) -> ClaimResult:
    """Seed 000: free-riding spreads without regulation and is contained with it. Footwear,
    collective mark: mean cooperation rate over the last fifth of the run < 0.2 with
    :data:`REGULATION_OFF` applied, ≥ 0.8 without (both means over replicates).
    """
    runs = runs or ClaimRuns()
    on = runs.get(CLUSTERED, overrides, size)
    off = runs.get(CLUSTERED, [*overrides, *REGULATION_OFF], size)
    checks = [
        level_check(
            "late cooperation rate, regulation off", _late_rate(off, size.late), SPREAD_BELOW, True
        ),
        level_check(
            "late cooperation rate, regulation on", _late_rate(on, size.late), CONTAINED, False
        ),
    ]
    return _result(CLAIMS_BY_ID["000_regulation"], checks, {})


def cost_reduction(
    overrides: Sequence[str] = (), size: RunSize = RunSize(), runs: ClaimRuns | None = None
) -> ClaimResult:
    """Seed 000, advantage (4) cost reduction: cooperation lowers the unit marketing cost.
    Footwear, collective mark − independent ``unit_marketing_cost`` (own functions, market entry
    and upkeep, dues and allocated shares, per unit sold), CI < 0.
    """
    runs = runs or ClaimRuns()
    cl = runs.get(CLUSTERED, overrides, size)
    checks = [diff_check("unit marketing cost (CU/unit)", _gain(cl, "unit_marketing_cost"), -1)]
    return _result(CLAIMS_BY_ID["000_cost_reduction"], checks, {})


ClaimFn = Callable[[Sequence[str], RunSize, "ClaimRuns | None"], ClaimResult]


@dataclass(frozen=True)
class Claim:
    """A seed claim: id, source, statement and the function that checks it."""

    id: str
    seed: str
    statement: str
    fn: ClaimFn


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "004_clustered_gain",
        "004",
        "members of a clustered industry gain more from cooperation than members of a dispersed "
        "one, and trust more",
        clustered_gain,
    ),
    Claim(
        "003_faster_information",
        "003",
        "information reaches 90% of firms sooner over dense strong and weak ties",
        faster_information,
    ),
    Claim(
        "003_jobs_firms_growth",
        "003",
        "cooperation brings more jobs, more new firms and faster output growth",
        jobs_firms_growth,
    ),
    Claim(
        "001_cooperative_pricing",
        "001",
        "cooperative pricing gives consumers lower prices and more surplus than a cartel, and "
        "prices below independent marketing",
        cooperative_pricing,
    ),
    Claim(
        "000_regulation",
        "000",
        "free-riding spreads without regulation and is contained with it",
        regulation_contains_free_riding,
    ),
    Claim(
        "000_cost_reduction",
        "000",
        "cooperation lowers the unit marketing cost (advantage 4)",
        cost_reduction,
    ),
)
CLAIMS_BY_ID: dict[str, Claim] = {c.id: c for c in CLAIMS}


def evaluate_claims(
    overrides: Sequence[str] = (),
    size: RunSize = RunSize(),
    claims: Sequence[str] | None = None,
    runs: ClaimRuns | None = None,
) -> dict[str, ClaimResult]:
    """Every claim (or the listed ids) at one parameter point, sharing the runs they need."""
    ids = [c.id for c in CLAIMS] if claims is None else list(claims)
    unknown = [i for i in ids if i not in CLAIMS_BY_ID]
    if unknown:
        raise ValueError(
            f"claims: unknown {unknown[0]!r}; expected one of {', '.join(CLAIMS_BY_ID)}"
        )
    runs = runs or ClaimRuns()
    return {i: CLAIMS_BY_ID[i].fn(overrides, size, runs) for i in ids}


# ---------------------------------------------------------------------------------------------
# the region


@dataclass(frozen=True)
class UncertainParameter:
    """A parameter no seed pins down: its scenario path(s), plausible range and why uncertain.

    ``paths`` all receive the same value (e.g. θ of both pooled functions); with ``factor`` the
    sampled value multiplies each path's value in the clustered example instead.
    """

    name: str
    paths: tuple[str, ...]
    low: float
    high: float
    default: float
    why: str
    log: bool = False
    factor: bool = False

    def value(self, u: float) -> float:
        """The parameter value at unit coordinate ``u`` ∈ [0, 1] (log-uniform if ``log``)."""
        if self.log:
            return float(
                math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
            )
        return float(self.low + u * (self.high - self.low))


UNCERTAIN: tuple[UncertainParameter, ...] = (
    UncertainParameter(
        "kappa",
        ("solver.cooperative_cost_saving",),
        0.0,
        0.16,
        0.08,
        "κ, joint-sourcing saving on a member's unit cost: assumed, no seed measures it; from "
        "none to twice the default",
    ),
    UncertainParameter(
        "transaction_cost",
        ("trust.transaction_cost",),
        0.0,
        0.6,
        0.3,
        "per-unit transaction cost through the cooperative at zero trust (the channel through "
        "which trust pays); no data",
    ),
    UncertainParameter(
        "contracting_cost",
        ("model.contract.contracting_cost",),
        0.0,
        20.0,
        10.0,
        "cost per member and period of writing and keeping contracts at zero trust; no data",
    ),
    UncertainParameter(
        "trust_gain",
        ("trust.gain",),
        0.03,
        0.2,
        0.1,
        "λ⁺, how fast observed cooperation builds trust; behavioural, unmeasured",
    ),
    UncertainParameter(
        "trust_loss",
        ("trust.loss",),
        0.05,
        0.4,
        0.2,
        "λ⁻, how fast observed defection destroys trust; behavioural, unmeasured",
    ),
    UncertainParameter(
        "theta_pooled",
        (
            "functions.brand_building.scale_exponent",
            "functions.information_dissemination.scale_exponent",
        ),
        0.6,
        1.0,
        0.8,
        "θ of the collective mark's pooled functions (brand building, dissemination): scale "
        "economies of pooling, from strong to none",
    ),
    UncertainParameter(
        "regional_brand_weight",
        ("demand.regional_brand_weight",),
        0.0,
        0.4,
        0.2,
        "g_r, utility of the regional brand (persuasive term); no demand estimate for a "
        "collective mark",
    ),
    UncertainParameter(
        "goodwill_weight",
        ("demand.goodwill_weight",),
        0.1,
        0.5,
        0.3,
        "g_c, utility of a firm's own goodwill; no demand estimate",
    ),
    UncertainParameter(
        "brand_decay",
        ("stocks.brand_decay",),
        0.02,
        0.15,
        0.05,
        "δ_R, quarterly depreciation of the regional brand (advertising-stock estimates range "
        "widely)",
    ),
    UncertainParameter(
        "p_strong",
        ("diffusion.p_strong",),
        0.15,
        0.5,
        0.3,
        "per-period transmission over a strong tie (seed 003 ranks strong above weak, gives no "
        "number)",
    ),
    UncertainParameter(
        "p_weak",
        ("diffusion.p_weak",),
        0.03,
        0.2,
        0.1,
        "per-period transmission over a weak tie",
    ),
    UncertainParameter(
        "selection_noise",
        ("contribution.selection_noise",),
        30.0,
        300.0,
        100.0,
        "K, noise of the Fermi imitation rule (how imperfectly members compare payoffs); "
        "log-uniform",
        log=True,
    ),
    UncertainParameter(
        "cheat_cost_saving",
        ("model.regulation.cheat_cost_saving",),
        0.0,
        0.1,
        0.05,
        "share of unit cost a free-rider saves by cutting the mark's corners: an assumed "
        "temptation",
    ),
    UncertainParameter(
        "maintenance",
        ("markets.1.maintenance_cost", "markets.2.maintenance_cost"),
        0.5,
        2.0,
        1.0,
        "multiplier of the per-period upkeep of access to the national and international "
        "markets (150 and 500 CU in the examples); log-uniform",
        log=True,
        factor=True,
    ),
    UncertainParameter(
        "overhead_per_employee",
        ("firms.overhead_per_employee",),
        5.0,
        15.0,
        10.0,
        "fixed operating cost per employee and period: decides which firms are viable",
    ),
    UncertainParameter(
        "join_rate",
        ("membership.join_rate",),
        0.3,
        1.0,
        0.8,
        "largest per-period probability that a firm acts on a positive value of joining",
    ),
)


@dataclass(frozen=True)
class Channel:
    """An assumed channel of the model and the overrides that switch it off."""

    name: str
    overrides: tuple[str, ...]
    what: str


CHANNELS: tuple[Channel, ...] = (
    Channel(
        "kappa",
        ("solver.cooperative_cost_saving=0",),
        "κ = 0: no joint-sourcing saving on members' unit costs",
    ),
    Channel(
        "brand_persuasion",
        ("demand.regional_brand_weight=0",),
        "g_r = 0: the regional brand adds no utility (no persuasion by the mark)",
    ),
    Channel(
        "cheat_temptation",
        ("model.regulation.cheat_cost_saving=0",),
        "free-riders cut no corners (they only withhold their contribution)",
    ),
    Channel(
        "norms",
        ("model.regulation.norm_strength=0",),
        "ν = 0: no social cost of free-riding (monitoring and sanctions remain)",
    ),
    Channel(
        "trust_costs",
        ("trust.transaction_cost=0", "model.contract.contracting_cost=0"),
        "no transaction or contracting cost at zero trust, so trust saves nothing there",
    ),
    Channel(
        "information_value",
        ("demand.signal_value=0",),
        "adapting to a demand signal adds no utility (information is worthless)",
    ),
    Channel(
        "scale_economies",
        (
            "functions.brand_building.scale_exponent=1",
            "functions.information_dissemination.scale_exponent=1",
        ),
        "θ = 1 for the pooled functions: pooling saves only the repeated fixed costs",
    ),
)
CHANNELS_BY_NAME: dict[str, Channel] = {c.name: c for c in CHANNELS}


def lhs_design(n: int, seed: int, params: Sequence[UncertainParameter] = UNCERTAIN) -> pd.DataFrame:
    """A Latin hypercube of ``n`` points over ``params`` (scrambled, seeded; one row per point,
    one column per parameter, in the parameters' own units).

    >>> d = lhs_design(8, seed=1)
    >>> d.shape == (8, len(UNCERTAIN)), bool(d["kappa"].between(0, 0.16).all())
    (True, True)
    """
    if n < 2:
        raise ValueError(f"points: {n}; expected at least 2")
    u = qmc.LatinHypercube(d=len(params), seed=np.random.default_rng(seed)).random(n)
    return pd.DataFrame({p.name: [p.value(x) for x in u[:, j]] for j, p in enumerate(params)})


def point_overrides(
    point: dict[str, float] | pd.Series, params: Sequence[UncertainParameter] = UNCERTAIN
) -> list[str]:
    """The ``--set`` overrides of one design point (factors applied to the clustered example;
    the dispersed example shares its markets, so the same values apply to both)."""
    base = None
    out = []
    for p in params:
        v = float(point[p.name])
        for path in p.paths:
            if p.factor:
                if base is None:
                    base = load_scenario(CLUSTERED).model_dump(mode="json")
                node: Any = base
                for part in path.split("."):
                    node = node[int(part)] if isinstance(node, list) else node[part]
                out.append(f"{path}={float(node) * v!r}")
            else:
                out.append(f"{path}={v!r}")
    return out


def _stump(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, int, int]:
    """Best single split ``x ≤ c`` for the binary ``y``: (accuracy, c, share holding at or
    below c, share holding above, points below)."""
    order = np.argsort(x)
    xs, ys = x[order], y[order].astype(float)
    n = xs.size
    best = (float(max(ys.mean(), 1 - ys.mean())), float("nan"), float("nan"), float("nan"), n)
    cum = np.cumsum(ys)
    for k in range(1, n):
        if xs[k] == xs[k - 1]:
            continue
        lo, hi = cum[k - 1] / k, (cum[-1] - cum[k - 1]) / (n - k)
        acc = (max(lo, 1 - lo) * k + max(hi, 1 - hi) * (n - k)) / n
        if acc > best[0] + 1e-12:
            best = (float(acc), float((xs[k - 1] + xs[k]) / 2), float(lo), float(hi), k)
    return best


def region_summary(
    design: pd.DataFrame, holds: pd.DataFrame, margins: pd.DataFrame, level: float = 0.95
) -> pd.DataFrame:
    """Per claim (columns of ``holds``/``margins``, one row per design point): the share of the
    region where it holds with its exact (Clopper–Pearson) binomial interval, the parameters that
    decide it and how.

    Deciding parameters: the three with the largest |Spearman ρ| between the parameter and the
    claim's margin (which also ranks parameters where the claim holds everywhere), with ρ and
    its p-value; and the best single split of the binary outcome on one parameter (a depth-1
    decision tree), given only where the claim both holds and fails somewhere.
    """
    rows = []
    for claim in holds.columns:
        y = holds[claim].to_numpy(bool)
        n, k = y.size, int(y.sum())
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
        m = margins[claim].to_numpy(float)
        # ranks: ±inf margins are fine, NaN (an undefined run) ranks lowest
        m = np.where(np.isnan(m), -np.inf, m)
        cors = []
        for name in design.columns:
            x = design[name].to_numpy(float)
            if np.unique(m).size < 2 or np.unique(x).size < 2:
                rho, pv = float("nan"), float("nan")
            else:
                rho, pv = stats.spearmanr(x, m)
            cors.append((name, float(rho), float(pv)))
        cors.sort(key=lambda t: -abs(t[1]) if math.isfinite(t[1]) else 0.0)
        split: dict[str, Any] = {}
        if 0 < k < n:
            best = None
            for name in design.columns:
                s = _stump(design[name].to_numpy(float), y)
                if best is None or s[0] > best[1][0] + 1e-12:
                    best = (name, s)
            assert best is not None
            name, (acc, cut, lo, hi, below) = best
            split = {
                "split_parameter": name,
                "split_at": cut,
                "share_below": lo,
                "share_above": hi,
                "points_below": below,
                "split_accuracy": acc,
            }
        rows.append(
            {
                "claim": claim,
                "points": n,
                "holds": k,
                "share": k / n,
                "ci_low": float(ci.low),
                "ci_high": float(ci.high),
                "deciding": [c for c in cors[:3] if math.isfinite(c[1])],
            }
            | split
        )
    return pd.DataFrame(rows).set_index("claim")


# ---------------------------------------------------------------------------------------------
# running the region

#: the label of the runs with every channel on
ALL_ON = "all on"


@dataclass(frozen=True)
class PointJob:
    """One evaluation: every claim at one point (``point`` = −1: the scenarios' defaults) with
    one assumed channel switched off (``channel`` = :data:`ALL_ON`: none)."""

    point: int
    channel: str
    overrides: tuple[str, ...]
    size: RunSize


def run_point(job: PointJob) -> list[dict[str, Any]]:
    """Evaluate every claim for ``job``: one row per (claim, check) with the claim's verdict,
    margin and notes (plain data, picklable)."""
    rows = []
    for claim, r in evaluate_claims(job.overrides, job.size).items():
        for c in r.checks:
            rows.append(
                {
                    "point": job.point,
                    "channel": job.channel,
                    "claim": claim,
                    "claim_holds": r.holds,
                    "claim_margin": r.margin,
                    "check": c.name,
                    "criterion": c.criterion,
                    "estimate": c.estimate,
                    "ci_low": c.ci_low,
                    "ci_high": c.ci_high,
                    "holds": c.holds,
                    "margin": c.margin,
                }
                | {f"note:{k}": v for k, v in r.notes.items()}
            )
    return rows


@dataclass
class RegionResult:
    """The design and every evaluation of a region run (``rows``: one per point, channel,
    claim and check; point −1 are the defaults)."""

    design: pd.DataFrame
    rows: pd.DataFrame
    size: RunSize
    default_size: RunSize | None
    lhs_seed: int
    channels: tuple[str, ...]
    base: tuple[str, ...] = ()

    def outcomes(self, channel: str = ALL_ON) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(holds, margins): one row per design point, one column per claim."""
        r = self.rows[(self.rows["point"] >= 0) & (self.rows["channel"] == channel)]
        first = r.drop_duplicates(["point", "claim"])
        holds = first.pivot(index="point", columns="claim", values="claim_holds").astype(bool)
        margins = first.pivot(index="point", columns="claim", values="claim_margin")
        order = [c.id for c in CLAIMS if c.id in holds.columns]
        return holds[order].sort_index(), margins[order].sort_index()

    def check_outcomes(self, channel: str = ALL_ON) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(holds, margins) per check: columns ``claim / check``."""
        r = self.rows[(self.rows["point"] >= 0) & (self.rows["channel"] == channel)].copy()
        r["key"] = r["claim"] + " / " + r["check"]
        holds = r.pivot(index="point", columns="key", values="holds").astype(bool)
        margins = r.pivot(index="point", columns="key", values="margin")
        order = list(dict.fromkeys(r["key"]))
        return holds[order].sort_index(), margins[order].sort_index()

    def summary(self, channel: str = ALL_ON, by_check: bool = False) -> pd.DataFrame:
        """:func:`region_summary` of the claims (or of each check) with ``channel`` off, plus
        ``direction``: the share of points where every check's point estimate lies on the
        claimed side (a claim can fail its interval yet point the claimed way)."""
        holds, margins = self.check_outcomes(channel) if by_check else self.outcomes(channel)
        out = region_summary(self.design.loc[holds.index], holds, margins)
        r = self.rows[(self.rows["point"] >= 0) & (self.rows["channel"] == channel)].copy()
        est = r["estimate"].to_numpy(float)
        crit = r["criterion"].to_numpy(str)
        r["direction"] = np.where(
            crit == CI_ABOVE, est > 0, np.where(crit == CI_BELOW, est < 0, r["holds"])
        ).astype(bool)
        key = r["claim"] + " / " + r["check"] if by_check else r["claim"]
        per_point = r.assign(key=key).groupby(["key", "point"])["direction"].all()
        out["direction"] = per_point.groupby(level="key").mean().reindex(out.index)
        return out

    def defaults(self) -> pd.DataFrame:
        """Verdicts at the scenarios' defaults: one row per claim, one column per channel off
        (``"holds (margin)"`` data: a (bool, float) pair)."""
        r = self.rows[self.rows["point"] < 0].drop_duplicates(["channel", "claim"])
        t = r.pivot(index="claim", columns="channel", values="claim_holds")
        cols = [c for c in (ALL_ON, *self.channels) if c in t.columns]
        return t.loc[[c.id for c in CLAIMS if c.id in t.index], cols]


def region_from_records(
    design: list[dict[str, float]],
    rows: list[dict[str, Any]],
    *,
    size: RunSize,
    default_size: RunSize | None,
    lhs_seed: int,
    channels: Sequence[str],
    base: Sequence[str] = (),
) -> RegionResult:
    """A :class:`RegionResult` from stored records (JSON: NaN and ±∞ stored as null). An
    infinite margin comes back with the sign its verdict implies (+∞ if the check holds)."""
    d = pd.DataFrame(design)
    d = d[[p.name for p in UNCERTAIN if p.name in d.columns]]
    r = pd.DataFrame(rows)
    for col, verdict in (("margin", "holds"), ("claim_margin", "claim_holds")):
        m = r[col].astype(float)
        r[col] = m.where(m.notna(), np.where(r[verdict].astype(bool), math.inf, -math.inf))
    return RegionResult(d, r, size, default_size, lhs_seed, tuple(channels), tuple(base))


def run_region(
    points: int,
    *,
    lhs_seed: int,
    size: RunSize,
    channels: Sequence[str] = tuple(c.name for c in CHANNELS),
    default_size: RunSize | None = None,
    base: Sequence[str] = (),
    workers: int = 1,
    progress: Callable[[int, int, PointJob, float], None] | None = None,
) -> RegionResult:
    """Every claim at every point of a Latin hypercube of ``points`` over :data:`UNCERTAIN`,
    with all channels on and with each of ``channels`` off in turn; with ``default_size``, also
    at the scenarios' defaults (with each channel off) at that size. ``base`` overrides apply
    to every run before the point's and the channel's (e.g. to study the region around a
    variant of the examples).

    Every evaluation uses the same root seed (``size.seed``): the points differ only by their
    parameters (common random numbers across the region). Jobs run on a
    :mod:`clustermarketing.parallel` evaluator with ``workers`` processes; results do not
    depend on it. ``progress(done, total, job, seconds)`` is called as jobs finish.
    """
    import time

    from clustermarketing.parallel import make_evaluator

    unknown = [c for c in channels if c not in CHANNELS_BY_NAME]
    if unknown:
        raise ValueError(
            f"channels: unknown {unknown[0]!r}; expected any of {', '.join(CHANNELS_BY_NAME)}"
        )
    design = lhs_design(points, lhs_seed)
    variants = [(ALL_ON, ())] + [(c, CHANNELS_BY_NAME[c].overrides) for c in channels]
    jobs: list[PointJob] = []
    if default_size is not None:
        jobs += [PointJob(-1, name, (*base, *ov), default_size) for name, ov in variants]
    for i in range(points):
        at = (*base, *point_overrides(design.iloc[i]))
        jobs += [PointJob(i, name, (*at, *ov), size) for name, ov in variants]
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    with make_evaluator("local", workers=workers) as ev:
        for done, (i, out) in enumerate(ev.imap_unordered(run_point, jobs), start=1):
            rows.extend(out)
            if progress is not None:
                progress(done, len(jobs), jobs[i], time.perf_counter() - start)
    table = pd.DataFrame(rows).sort_values(["point", "channel", "claim"], kind="stable")
    return RegionResult(
        design,
        table.reset_index(drop=True),
        size,
        default_size,
        lhs_seed,
        tuple(channels),
        tuple(base),
    )
