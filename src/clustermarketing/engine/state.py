"""Simulation state as a structure of arrays (one slot per firm, stable ids), declared once.

Firms live in ``N`` slots fixed at build time: the initial firms and reserved slots for entrants
(``demography.max_firms_factor``). A firm's id is its slot; exit clears ``active`` but never
reuses the slot, so panels stay aligned. Fixed-shape arrays also keep random draws aligned across
a model and its baseline (common random numbers).

Every field is declared here once, with its meaning and its *axis*: ``firm`` arrays have one
entry (row) per slot and are sliced to the live prefix each period (:mod:`.live`), ``firm+hub``
arrays have one extra last row for the structure's hub, everything else is cluster-level. The
live prefix, the firm panel and the docs derive their field lists from these declarations, so a
new state array cannot be forgotten by one of them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

FIRM = "firm"
FIRM_HUB = "firm+hub"
FIRM_DICT = "firm dict"  # a dict of per-firm arrays (mechanisms' own state), each sliced like FIRM
SLOTS = "slots"  # (n, n) matrices over slots
CLUSTER = "cluster"


def declared(
    doc: str,
    axis: str = CLUSTER,
    *,
    unit: str = "-",
    panel: bool = False,
    dtype: str | None = None,
) -> Any:
    """A state field with its meaning, axis (firm / firm+hub / slots / cluster), unit and dtype.

    ``panel=True`` puts a firm field into the per-firm panel (``run --firm-panel``). ``dtype`` is
    the one element type a per-firm array keeps for the whole run (the smallest that holds it:
    ``bool`` flags, ``int32`` periods and indices, ``float64`` for continuous quantities);
    :func:`dtype_mismatches` checks it.
    """
    meta = {"doc": doc, "axis": axis, "unit": unit, "panel": panel, "dtype": dtype}
    return field(metadata=meta)


def dtype_mismatches(obj: Any) -> list[tuple[str, str, str]]:
    """(field, declared dtype, actual dtype) of every array field of ``obj`` that drifted.

    A phase that widens a counter to ``int64`` or turns a flag into floats would silently double
    the memory of every period's arrays; the tests call this after runs of every preset.
    """
    out = []
    for f in dataclasses.fields(obj):
        want = f.metadata.get("dtype")
        if want is None:
            continue
        got = getattr(obj, f.name).dtype
        if got != np.dtype(want):
            out.append((f.name, want, str(got)))
    return out


def fields_on(cls: type, axis: str) -> tuple[str, ...]:
    """Names of the fields of dataclass ``cls`` declared on ``axis``."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("axis") == axis)


def panel_fields(cls: type) -> tuple[str, ...]:
    """Names of the firm fields of ``cls`` that go into the per-firm panel."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("panel"))


def describe(cls: type) -> list[dict[str, str]]:
    """Name, axis, unit and meaning of every declared field (for the docs)."""
    return [
        {
            "name": f.name,
            "axis": f.metadata["axis"],
            "unit": f.metadata["unit"],
            "dtype": f.metadata.get("dtype") or "-",
            "doc": f.metadata["doc"],
        }
        for f in dataclasses.fields(cls)
        if "doc" in f.metadata
    ]


@dataclass
class World:
    """What does not change within a run: ties, markets, firm traits fixed at birth."""

    n: int = declared("slots (initial firms + reserved entrant slots)")
    n_initial: int = declared("firms at t = 0")
    n_markets: int = declared("markets")
    n_segments: int = declared("product segments")
    strong: sp.csr_matrix = declared("strong ties, symmetric 0/1 (float32 data)", SLOTS)
    weak: sp.csr_matrix = declared(
        "weak ties, symmetric 0/1, never overlapping strong (float32 data)", SLOTS
    )
    ties: sp.csr_matrix = declared("strong + weak ties, 0/1 (float32 data)", SLOTS)
    a: np.ndarray = declared("(M,) quality weight a_m", unit="utils/index")
    b: np.ndarray = declared("(M,) price sensitivity b_m", unit="utils/CU")
    brand_sens: np.ndarray = declared("(M,) multiplier of brand utility")
    u0: np.ndarray = declared("(M,) outside utility", unit="utils")
    entry_cost: np.ndarray = declared("(M,) one-off cost of opening access", unit="CU")
    maintenance: np.ndarray = declared(
        "(M,) per-period cost of keeping own access (0 at home)", unit="CU/period"
    )
    trend: np.ndarray = declared("(M,) mean growth of market size", unit="1/period")
    vol: np.ndarray = declared("(M,) s.d. of the market-size shock", unit="1/period")
    leader: np.ndarray = declared("leading enterprise", FIRM, panel=True, dtype="bool")
    segment: np.ndarray = declared("product segment index", FIRM, dtype="int32")
    employees: np.ndarray = declared("employees", FIRM, unit="persons", panel=True, dtype="float64")
    capacity: np.ndarray = declared(
        "production capacity", FIRM, unit="units/period", dtype="float64"
    )
    varieties: np.ndarray = declared(
        "product varieties V ≥ 1 (adds ln V to utility)", FIRM, dtype="float64"
    )
    base_cost: np.ndarray = declared("unit production cost", FIRM, unit="CU/unit", dtype="float64")
    mo: np.ndarray = declared(
        "market orientation: P(act on known information)", FIRM, dtype="float64"
    )
    growth: np.ndarray = declared("manager growth propensity", FIRM, dtype="float64")
    xi: np.ndarray = declared(
        "(n, M) firm-market taste shocks ξ (drawn, or a firms CSV's taste_<market>)",
        FIRM,
        unit="utils",
        dtype="float64",
    )
    market_cost: np.ndarray = declared(
        "(n, M) extra cost per unit sold in a market (from a firms CSV's unit_cost_<market>)",
        FIRM,
        unit="CU/unit",
        dtype="float64",
    )
    own_channel: np.ndarray = declared(
        "initial own channel capacity", FIRM, unit="units/period", dtype="float64"
    )
    init_access: np.ndarray = declared("(n, M) own access at birth", FIRM, dtype="bool")
    init_cash: np.ndarray = declared("cash at birth", FIRM, unit="CU", dtype="float64")
    init_quality: np.ndarray = declared("quality at birth", FIRM, unit="index", dtype="float64")
    institution_monitoring: float = declared("detection probability of the hub institution")
    subsidy: float = declared("institutions' subsidy to the pooled budget", unit="CU/period")


@dataclass
class State:
    """What changes each period."""

    t: int = declared("current period")
    active: np.ndarray = declared("alive", FIRM, panel=True, dtype="bool")
    born: np.ndarray = declared("period of entry (-1 = not yet)", FIRM, dtype="int32")
    died: np.ndarray = declared("period of exit (-1 = alive or unborn)", FIRM, dtype="int32")
    quality: np.ndarray = declared(
        "product quality", FIRM, unit="index", panel=True, dtype="float64"
    )
    goodwill: np.ndarray = declared(
        "corporate brand goodwill stock", FIRM, panel=True, dtype="float64"
    )
    channel_added: np.ndarray = declared(
        "channel capacity added by own development",
        FIRM,
        unit="units/period",
        dtype="float64",
    )
    access: np.ndarray = declared("(n, M) own market access", FIRM, dtype="bool")
    pair_margin: np.ndarray = declared(
        "(n, M) last period's margin in each market (price − marginal cost) × units",
        FIRM,
        unit="CU",
        dtype="float64",
    )
    cash: np.ndarray = declared("cash", FIRM, unit="CU", panel=True, dtype="float64")
    member: np.ndarray = declared("member of the cooperative", FIRM, panel=True, dtype="bool")
    contributes: np.ndarray = declared(
        "member contributing (not free-riding)", FIRM, panel=True, dtype="bool"
    )
    trust: np.ndarray = declared("trust in the other members", FIRM, panel=True, dtype="float64")
    neg_benefit: np.ndarray = declared(
        "periods in a row of negative membership value", FIRM, dtype="int32"
    )
    losses: np.ndarray = declared("periods in a row of losses", FIRM, dtype="int32")
    price: np.ndarray = declared(
        "(n, M) last prices (warm start of the pricing game)", FIRM, dtype="float64"
    )
    output: np.ndarray = declared(
        "units sold last period", FIRM, unit="units", panel=True, dtype="float64"
    )
    revenue: np.ndarray = declared(
        "revenue last period", FIRM, unit="CU", panel=True, dtype="float64"
    )
    profit: np.ndarray = declared(
        "profit last period", FIRM, unit="CU", panel=True, dtype="float64"
    )
    net_benefit: np.ndarray = declared(
        "last period's value of membership (members)",
        FIRM,
        unit="CU",
        panel=True,
        dtype="float64",
    )
    payoff: np.ndarray = declared("last imitation payoff", FIRM, unit="CU", dtype="float64")
    joined_at: np.ndarray = declared(
        "period a member joined (its contract term runs from it)",
        FIRM,
        dtype="int32",
    )
    barred_until: np.ndarray = declared(
        "first period in which an excluded firm may rejoin",
        FIRM,
        unit="period",
        dtype="int32",
    )
    join_value: np.ndarray = declared(
        "last period's profit gain a non-member would have had as a member",
        FIRM,
        unit="CU",
        dtype="float64",
    )
    market_size: np.ndarray = declared("(M,) potential buyers", unit="units/period")
    regional_brand: float = declared("regional brand stock")
    coop_access: np.ndarray = declared("(M,) markets the cooperative reaches")
    coop_channel: float = declared("pooled channel capacity stock", unit="units/period")
    hub_alive: bool = declared("the structure's centre works")
    # signals (K slots)
    sig_active: np.ndarray = declared("(K,) signal slot in use")
    sig_start: np.ndarray = declared("(K,) period the signal arrived")
    sig_market: np.ndarray = declared("(K,) market of the signal")
    sig_segment: np.ndarray = declared("(K,) segment of the signal")
    sig_new_market: np.ndarray = declared("(K,) the signal opens a market")
    sig_t90: np.ndarray = declared("(K,) periods to 90% awareness (-1 = not yet)")
    aware: np.ndarray = declared(
        "(n + 1, K) knows signal k; last row: the hub", FIRM_HUB, dtype="bool"
    )
    adapted: np.ndarray = declared("(n, K) acted on signal k", FIRM, dtype="bool")
    extra: dict[str, np.ndarray] = field(
        default_factory=dict,
        metadata={
            "doc": "mechanisms' own per-firm state, by name (declared by each mechanism)",
            "axis": FIRM_DICT,
            "unit": "-",
            "panel": False,
        },
    )
    cluster_extra: dict[str, Any] = field(
        default_factory=dict,
        metadata={
            "doc": "mechanisms' own cluster-level state, by name",
            "axis": CLUSTER,
            "unit": "-",
            "panel": False,
        },
    )
    signal_log: list[tuple[int, int]] = field(
        default_factory=list,
        metadata={
            "doc": "closed signals: (start, t90 or -1)",
            "axis": CLUSTER,
            "unit": "-",
            "panel": False,
        },
    )
