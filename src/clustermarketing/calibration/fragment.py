"""The scenario fragment a demand estimate gives the engine, with the provenance of every number.

Mapping (docs/calibration.md, "What the engine does with it"): each product of the data becomes
an engine firm (the engine's pricing game is single-product), each data market an engine
market with ``price_sensitivity b = −α``, ``quality_weight a = 1`` (quality in utils) and
``outside_utility u_0 = 0`` (pyblp's normalisation). The utility net of price
``v_jm = δ_jm − α p_jm`` is split into the firm's ``quality_j`` (its mean over the firm's markets)
and the taste ``taste_<m> = v_jm − quality_j`` (the engine's ξ_im); the marginal cost of each
(firm, market) is written as ``unit_cost_<m>`` and its mean over markets as ``unit_cost``.
Costs are those of the engine's game (single-product Nash, ``c = p − 1/(b (1 − s))``), so the
engine's Nash prices reproduce the observed prices exactly; with multi-product ownership in the
data the ownership-based costs are reported by ``calibrate demand`` but cannot be represented.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from clustermarketing.calibration.data import CalibrationError
from clustermarketing.calibration.demand import DemandEstimate

__all__ = ["CalibratedScenario", "demand_scenario", "fragment_paths", "write_fragment"]

#: Market size written when the data give none (``--size``): shares are what is estimated;
#: the size only scales units, capacity and profits.
PLACEHOLDER_SIZE = 1_000_000.0
#: Capacity written when the data give no employment: this much above the firm's observed demand.
CAPACITY_HEADROOM = 1.25


@dataclass(frozen=True)
class CalibratedScenario:
    """A scenario dictionary, its firms table and the provenance of every number."""

    scenario: dict[str, Any]
    firms: pd.DataFrame
    provenance: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def fragment_paths(path: str | Path) -> tuple[Path, Path, Path]:
    """The scenario file and its companions: ``NAME.firms.csv`` and ``NAME.provenance.json``."""
    p = Path(path)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    return p, p.with_name(f"{stem}.firms.csv"), p.with_name(f"{stem}.provenance.json")


def _market_order(rows: pd.DataFrame) -> list[str]:
    """Data markets in order of appearance, the first one holding the most products.

    The engine gives every firm its first ("home") market; putting the market where most
    products are sold first keeps that assumption closest to the data.
    """
    order = list(dict.fromkeys(rows["market"]))
    counts = rows.groupby("market", sort=False).size()
    home = str(counts.idxmax())
    return [home, *[m for m in order if m != home]]


def demand_scenario(
    est: DemandEstimate,
    *,
    data_name: str = "products.csv",
    data_sha256: str = "",
    name: str = "calibrated",
    employees: dict[str, float] | None = None,
    productivity: float = 50.0,
    predict: pd.DataFrame | None = None,
    tool_version: str = "",
) -> CalibratedScenario:
    """Build the calibrated scenario from a plain-logit estimate.

    ``employees`` maps product ids to employment (else capacity is set 25% above the observed
    demand at ``productivity`` units per person). ``predict`` (columns market, product and the
    characteristics) adds markets the estimate did not see, with each firm's quality, a taste
    predicted from its characteristics (ξ = 0) and its mean unit cost: how validation predicts
    held-out markets.
    """
    spec = est.spec
    if spec.nest:
        raise CalibrationError(
            "--scenario-out: the engine's demand is a plain logit within each market; a nested "
            "logit estimate (ρ) cannot be written as a scenario; estimate without --nest"
        )
    alpha = est.price_coefficient
    if not alpha < 0:
        raise CalibrationError(
            f"--scenario-out: the price coefficient is {alpha:+.6g} (demand rising with price); "
            "the engine needs price_sensitivity = −α > 0; check the instruments and the data"
        )
    b = -alpha
    rows = est.rows
    markets = _market_order(rows)
    products = list(dict.fromkeys(rows["product"]))
    notes: list[str] = []
    wide = rows.pivot(index="product", columns="market", values="utility").reindex(
        index=products, columns=markets
    )
    cost = rows.pivot(index="product", columns="market", values="cost_single").reindex(
        index=products, columns=markets
    )
    quality = wide.mean(axis=1)
    taste = wide.sub(quality, axis=0)
    unit_cost = cost.mean(axis=1)
    floor = 1e-6 * float(rows["price"].mean())
    low = unit_cost <= 0
    if low.any():
        notes.append(
            f"{int(low.sum())} firm(s) have a mean recovered cost ≤ 0 (e.g. {low.index[low][0]!r}); "
            f"their unit_cost is floored at {floor:.3g} while unit_cost_<market> keeps the "
            "recovered values, so the engine still prices as observed"
        )
    unit_cost = unit_cost.where(~low, floor)

    has_size = "size" in rows.columns
    size = (
        rows.groupby("market", sort=False)["size"].first().reindex(markets)
        if has_size
        else pd.Series(PLACEHOLDER_SIZE, index=markets)
    )
    demand_units = (
        rows.assign(units=rows["share"] * rows["market"].map(size))
        .groupby("product", sort=False)["units"]
        .sum()
    )
    if employees is not None:
        emp = pd.Series({p: employees.get(p, np.nan) for p in products})
        if emp.isna().any():
            raise CalibrationError(
                f"--employees: no employment for product {emp.index[emp.isna()][0]!r}"
            )
        emp_source = "the data's employment column"
    else:
        emp = (CAPACITY_HEADROOM * demand_units.reindex(products) / productivity).clip(lower=1.0)
        emp_source = (
            f"not in the data: set so that capacity (employees × productivity {productivity:g}) "
            f"is {CAPACITY_HEADROOM:g} × the firm's observed demand over all markets"
        )

    pred_markets: list[str] = []
    firms = pd.DataFrame(
        {
            "id": products,
            "employees": emp.to_numpy(float),
            "unit_cost": unit_cost.to_numpy(float),
            "quality": quality.to_numpy(float),
            "segment": "main",
            "market_orientation": 0.5,
            "growth_propensity": 0.5,
            "leader": 0,
        }
    )
    per_market: dict[str, np.ndarray] = {}
    for m in markets:
        per_market[f"access_{m}"] = wide[m].notna().to_numpy().astype(int)
        per_market[f"taste_{m}"] = taste[m].to_numpy(float)
        per_market[f"unit_cost_{m}"] = cost[m].to_numpy(float)
    if predict is not None and len(predict):
        pred_markets = [m for m in dict.fromkeys(predict["market"]) if m not in markets]
        known = predict[predict["product"].isin(products) & predict["market"].isin(pred_markets)]
        chars = [c for c in spec.characteristics if c in est.beta]
        dev = np.zeros(len(known))
        if chars:  # characteristics that vary across markets move the predicted utility
            missing = [c for c in chars if c not in est.rows.columns or c not in known.columns]
            if missing:
                raise CalibrationError(f"prediction: characteristic {missing[0]!r} is missing")
            train_mean = est.rows.groupby("product")[chars].mean()
            for c in chars:
                dev += est.beta[c] * (
                    known[c].to_numpy(float) - known["product"].map(train_mean[c]).to_numpy(float)
                )
        known = known.assign(taste=dev)
        for m in pred_markets:
            sub = known[known["market"] == m].set_index("product")
            there = firms["id"].isin(sub.index)
            per_market[f"access_{m}"] = there.astype(int).to_numpy()
            per_market[f"taste_{m}"] = firms["id"].map(sub["taste"]).where(there).to_numpy(float)
            size[m] = float(sub["size"].iloc[0]) if "size" in sub.columns else PLACEHOLDER_SIZE
    firms = pd.concat([firms, pd.DataFrame(per_market, index=firms.index)], axis=1)

    all_markets = markets + pred_markets
    missing_home = [
        p for p, a in zip(products, firms[f"access_{markets[0]}"], strict=True) if not a
    ]
    if missing_home:
        notes.append(
            f"{len(missing_home)} product(s) (e.g. {missing_home[0]!r}) are not sold in the first "
            f"market {markets[0]!r}; the engine gives every firm its first market, where these "
            "get a drawn taste"
        )
    n_owners = rows.groupby("market")["firm"].nunique()
    n_prod = rows.groupby("market")["product"].nunique()
    if (n_owners < n_prod).any():
        gap = float((rows["cost_single"] - rows["cost"]).mean())
        notes.append(
            "the data's firms own several products; the engine prices each product as its own "
            "firm, so the scenario's costs are recovered under single-product Nash pricing "
            f"(on average {gap:+.4g} above the ownership-based costs)"
        )
    xi_sd = float(np.nanstd(taste.to_numpy(float)))
    scenario = {
        "name": name,
        "description": (
            f"Demand calibrated from {data_name} by clustermarketing calibrate demand: plain "
            f"logit, price coefficient {alpha:.6g} (s.e. {est.price_se:.3g}); "
            "provenance in the .provenance.json file beside this scenario"
        ),
        "firms": {
            "source": "csv",
            "csv": "firms.csv",  # replaced by the companion file's name when written
            "segments": [{"name": "main", "share": 1.0}],
            "taste_sd": round(xi_sd, 12),
            "productivity": productivity,
        },
        "markets": [
            {
                "name": m,
                "size": float(size[m]),
                "price_sensitivity": b,
                "quality_weight": 1.0,
                "outside_utility": 0.0,
            }
            for m in all_markets
        ],
        "demand": {"distribution_cost": 0.0},
    }
    provenance = {
        "tool": f"clustermarketing {tool_version}".strip(),
        "command": "calibrate demand",
        "data": {"file": data_name, "sha256": data_sha256, "rows": len(rows)},
        "specification": spec.to_dict(),
        "instruments": list(est.instruments),
        "estimate": {
            "price_coefficient": alpha,
            "price_se": est.price_se,
            "beta": est.beta,
            "beta_se": est.beta_se,
            "fit": est.fit,
        },
        "numbers": {
            "markets[].price_sensitivity": {
                "value": b,
                "se": est.price_se,
                "source": "−α: minus the estimated price coefficient (utils per CU)",
            },
            "markets[].quality_weight": {
                "value": 1.0,
                "source": "convention: a firm's quality is measured in utils",
            },
            "markets[].outside_utility": {
                "value": 0.0,
                "source": "pyblp's normalisation of the outside good's mean utility",
            },
            "markets[].size": {
                "source": f"column {spec.size!r} of the data"
                if has_size
                else f"not in the data (no --size): placeholder {PLACEHOLDER_SIZE:g} units/period",
            },
            "firms.csv:quality": {
                "source": "mean over the firm's markets of δ − α p (the mean utility net of "
                "price, from pyblp's δ)"
            },
            "firms.csv:taste_<market>": {
                "source": "δ_jm − α p_jm − quality_j: the firm-market taste (engine ξ), "
                "recovered exactly from the observed shares"
            },
            "firms.csv:unit_cost_<market>": {
                "source": "p − 1/(b (1 − s)): marginal cost from the single-product "
                "Bertrand–Nash first-order condition (the engine's pricing game)"
            },
            "firms.csv:unit_cost": {
                "source": "mean of unit_cost_<market> over the firm's markets (used where the "
                "engine has no market-specific cost, e.g. a market the firm opens later)"
            },
            "firms.csv:employees": {"source": emp_source},
            "firms.csv:market_orientation": {
                "value": 0.5,
                "source": "not calibrated: mean of the default Beta(2, 2)",
            },
            "firms.csv:growth_propensity": {
                "value": 0.5,
                "source": "not calibrated: mean of the default Beta(2, 2)",
            },
            "firms.csv:leader": {"value": 0, "source": "not calibrated (see calibrate cluster)"},
            "firms.csv:access_<market>": {"source": "1 where the data observe the firm"},
            "firms.taste_sd": {
                "value": xi_sd,
                "source": "s.d. of the recovered tastes: the spread of the drawn ξ of entrants",
            },
            "demand.distribution_cost": {
                "value": 0.0,
                "source": "the recovered costs already include distribution",
            },
        },
        "notes": notes,
    }
    if pred_markets:
        provenance["predicted_markets"] = {
            "markets": pred_markets,
            "source": "not estimated: each firm's quality, a taste from its characteristics "
            "(ξ = 0) and its mean unit cost",
        }
    return CalibratedScenario(scenario, firms, provenance, notes)


def _yaml_header(cal: CalibratedScenario) -> str:
    p = cal.provenance
    est = p["estimate"]
    lines = [
        f"# Calibrated scenario fragment written by {p['tool']} ({p['command']}).",
        f"# data: {p['data']['file']} (sha256 {p['data']['sha256']}, {p['data']['rows']} rows)",
        f"# model: {p['specification']['model']}, GMM {p['specification']['gmm']}; absorbed: "
        f"{', '.join(p['specification']['absorb']) or 'none'}; instruments: "
        f"{len(p['instruments'])} ({', '.join(p['instruments'][:3])}"
        f"{', …' if len(p['instruments']) > 3 else ''})",
        f"# price coefficient α = {est['price_coefficient']:.6g} (s.e. {est['price_se']:.4g})",
        "# provenance of every number:",
    ]
    for key, info in p["numbers"].items():
        lines.append(f"#   {key}: {info['source']}")
    for note in p["notes"]:
        lines.append(f"# note: {note}")
    lines.append(
        "# Merge these sections into a full scenario, or use this file as it is (every other "
        "field keeps its default)."
    )
    return "\n".join(lines) + "\n"


def write_fragment(cal: CalibratedScenario, path: str | Path) -> list[Path]:
    """Write the scenario YAML, its firms CSV and its provenance JSON (each atomically)."""
    from clustermarketing.io import atomic_write_text, jsonable

    scenario_path, firms_path, prov_path = fragment_paths(path)
    scenario = {**cal.scenario, "firms": {**cal.scenario["firms"], "csv": firms_path.name}}
    body = yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True, width=100)
    firms_text = cal.firms.to_csv(index=False, float_format="%.17g", na_rep="")
    prov = json.dumps(jsonable(cal.provenance), indent=2, sort_keys=False, allow_nan=False)
    atomic_write_text(firms_path, firms_text)
    atomic_write_text(prov_path, prov + "\n")
    atomic_write_text(scenario_path, _yaml_header(cal) + body)
    return [scenario_path, firms_path, prov_path]
