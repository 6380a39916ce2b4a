"""Validation by re-simulation: does the calibrated engine reproduce what was observed?

:func:`resimulate` builds the scenario's world with the engine (:func:`engine.build.build`, which
reads the calibrated ``taste_<market>`` and ``unit_cost_<market>`` columns) and solves the
engine's pricing game (:func:`engine.pricing.solve_packed`) in every market at the start of a
run — before any marketing has moved goodwill, promotion or access: utility ``a_m q_i + ξ_im``,
cost ``unit_cost_i + distribution_m + market cost_im``, competition among the firms that reach
the market. The simulated prices and shares are compared with the data.

:func:`validate_demand` does this in-sample (the markets the scenario was calibrated on: with
the recovered tastes and costs the error must be zero up to solver tolerance, anything else is
a bug), with firm-level traits only (ξ = 0 and each firm's mean cost: how much the structural
part explains), and on held-out markets: a seeded share of markets is set aside, the demand is
re-estimated on the others with the same specification, and the held-out markets are predicted
from each firm's quality and mean cost.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.calibration.data import CalibrationError, DemandSpec, check_products
from clustermarketing.engine.build import build
from clustermarketing.engine.pricing import solve_packed
from clustermarketing.engine.streams import Streams, child
from clustermarketing.scenario.inputs import read_firms_csv
from clustermarketing.scenario.schema import Scenario

__all__ = ["ValidationReport", "error_table", "resimulate", "split_markets", "validate_demand"]


def resimulate(
    scenario: Scenario, *, structural: bool = False, tol: float = 1e-12, max_iter: int = 20_000
) -> pd.DataFrame:
    """Engine Nash prices and logit shares of every (firm, market) pair at the start of a run.

    Returns one row per available pair: ``product`` (the firms CSV's ``id``, or the row
    number), ``market`` (name), ``price``, ``share`` and ``cost``. ``structural`` drops the
    firm-market detail (ξ = 0, market costs = 0): the prediction from firm-level traits alone.
    """
    model = scenario.model_config_for("independent")
    # the build streams of replicate 0 of a run with the scenario's seed (as SteadyCluster)
    streams = Streams(child(np.random.SeedSequence(scenario.seed), 0))
    world, state = build(scenario, model, streams)
    n0 = world.n_initial
    ids: list[str] = [str(i) for i in range(n0)]
    if scenario.firms.source == "csv":
        assert scenario.firms.csv is not None
        df = read_firms_csv(scenario.firms.csv, scenario)
        if "id" in df.columns:
            ids = df["id"].astype(str).tolist()
    m_count, n_seg = world.n_markets, world.n_segments
    avail = world.init_access[:n0]
    flat = np.flatnonzero(avail.ravel())
    fi, fm = flat // m_count, flat % m_count
    xi = np.zeros_like(world.xi) if structural else world.xi
    extra = np.zeros_like(world.market_cost) if structural else world.market_cost
    dist = np.zeros(m_count)
    dist[1:] = scenario.demand.distribution_cost
    # the engine's utility before any marketing: goodwill 0, no promotion, no signal
    goodwill = scenario.demand.goodwill_weight * np.log1p(state.goodwill[fi]) * world.brand_sens[fm]
    delta = world.a[fm] * world.init_quality[fi] + goodwill + xi[:n0].ravel()[flat]
    cost = world.base_cost[fi] + dist[fm] + extra[:n0].ravel()[flat]
    b = world.b[fm]
    sol = solve_packed(
        cost,
        delta,
        b,
        fm * n_seg + world.segment[fi],
        np.exp(world.u0)[np.arange(m_count * n_seg) // n_seg],
        cost + 1.0 / b,
        tol=tol,
        max_iter=max_iter,
    )
    if not sol.converged:
        raise CalibrationError(
            f"validate: the engine's pricing game did not converge in {max_iter} iterations "
            f"(residual {sol.residual:.3g})"
        )
    names = [m.name for m in scenario.markets]
    return pd.DataFrame(
        {
            "product": [ids[i] for i in fi],
            "market": [names[m] for m in fm],
            "price": sol.price,
            "share": sol.share,
            "cost": cost,
        }
    )


def compare(observed: pd.DataFrame, simulated: pd.DataFrame, split: str) -> pd.DataFrame:
    """Observed rows joined with the simulated pair (market, product); unmatched rows dropped."""
    merged = observed[["market", "product", "price", "share"]].merge(
        simulated[["market", "product", "price", "share"]],
        on=["market", "product"],
        how="inner",
        suffixes=("_observed", "_simulated"),
    )
    merged.insert(0, "split", split)
    return merged


def error_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """Mean absolute and mean relative errors of prices and shares by split."""
    out = []
    for split, g in pairs.groupby("split", sort=False):
        row: dict[str, Any] = {
            "split": split,
            "rows": len(g),
            "markets": g["market"].nunique(),
        }
        for what in ("price", "share"):
            obs = g[f"{what}_observed"].to_numpy(float)
            sim = g[f"{what}_simulated"].to_numpy(float)
            row[f"{what}_mae"] = float(np.mean(np.abs(sim - obs)))
            row[f"{what}_mre"] = float(np.mean(np.abs(sim - obs) / np.abs(obs)))
        out.append(row)
    return pd.DataFrame(out)


def split_markets(markets: list[str], holdout: float, seed: int) -> list[str]:
    """A seeded random ``holdout`` share of markets (at least one, at least one left)."""
    if not 0 <= holdout < 1:
        raise CalibrationError(f"--holdout: got {holdout}; expected a share in [0, 1)")
    if holdout == 0:
        return []
    uniq = sorted(dict.fromkeys(markets))
    if len(uniq) < 2:
        raise CalibrationError(
            f"--holdout: the data have {len(uniq)} market; expected at least 2 to hold one out"
        )
    k = min(len(uniq) - 1, max(1, round(holdout * len(uniq))))
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    return sorted(rng.choice(np.array(uniq, dtype=object), size=k, replace=False).tolist())


@dataclass(frozen=True)
class ValidationReport:
    """Errors by split and the row-level comparison behind them."""

    errors: pd.DataFrame
    pairs: pd.DataFrame
    holdout_markets: list[str]
    seed: int
    holdout: float
    notes: list[str] = field(default_factory=list)
    holdout_estimate: dict[str, Any] | None = None

    def to_dict(self, per_row: bool = False) -> dict[str, Any]:
        """JSON-ready report."""
        d: dict[str, Any] = {
            "errors": self.errors.to_dict(orient="records"),
            "holdout": self.holdout,
            "seed": self.seed,
            "holdout_markets": self.holdout_markets,
            "holdout_estimate": self.holdout_estimate,
            "notes": self.notes,
        }
        if per_row:
            d["rows"] = self.pairs.to_dict(orient="records")
        return d


def validate_demand(
    scenario: Scenario,
    data: pd.DataFrame,
    spec: DemandSpec,
    *,
    holdout: float = 0.2,
    seed: int = 0,
    data_name: str = "data",
) -> ValidationReport:
    """Compare the calibrated scenario's engine prices and shares with the data.

    Splits: ``in-sample`` (every data row whose firm and market the scenario has),
    ``in-sample, firm-level only`` (ξ = 0, mean costs) and, when ``holdout`` > 0,
    ``held-out`` (re-estimated without those markets, then predicted).
    """
    from clustermarketing.calibration.demand import estimate_demand
    from clustermarketing.calibration.fragment import demand_scenario, write_fragment

    checked = check_products(data, spec, where=data_name)
    obs = checked.frame
    notes: list[str] = []
    pieces = []
    sim = resimulate(scenario)
    inside = compare(obs, sim, "in-sample")
    if inside.empty:
        raise CalibrationError(
            f"{data_name}: no row matches a (firm id, market) of the scenario; expected the data "
            "the scenario was calibrated on (firms CSV column 'id' = the data's "
            f"{spec.product_column!r}, market names = the data's {spec.market!r})"
        )
    unmatched = len(obs) - len(inside)
    if unmatched:
        notes.append(f"{unmatched} data row(s) have no (firm, market) in the scenario")
    pieces += [inside, compare(obs, resimulate(scenario, structural=True), "firm-level only")]
    held = split_markets(obs["market"].tolist(), holdout, seed)
    est_info = None
    if held:
        train_rows = ~obs["market"].isin(held).to_numpy()
        train = data.reset_index(drop=True).loc[train_rows]
        test = data.reset_index(drop=True).loc[~train_rows]
        est = estimate_demand(train, spec)
        test_frame = check_products(
            test, dataclasses.replace(spec), where=f"{data_name} (held out)"
        )
        predict = test_frame.frame.copy()
        for c in spec.characteristics:
            predict[c] = pd.to_numeric(test_frame.raw[c]).to_numpy(float)
        with tempfile.TemporaryDirectory(prefix="cm-validate-") as tmp:
            cal = demand_scenario(est, predict=predict, name="holdout")
            path, *_ = write_fragment(cal, Path(tmp) / "holdout.yaml")
            from clustermarketing.scenario import load_scenario

            sc_hold = load_scenario(path)
            sim_hold = resimulate(sc_hold)
        out = compare(test_frame.frame, sim_hold, "held-out")
        dropped = len(test_frame.frame) - len(out)
        if dropped:
            notes.append(
                f"{dropped} held-out row(s) belong to products absent from the training markets "
                "and cannot be predicted"
            )
        pieces.append(out)
        est_info = {
            "price_coefficient": est.price_coefficient,
            "price_se": est.price_se,
            "training_markets": int(est.counts["markets"]),
        }
    pairs = pd.concat(pieces, ignore_index=True)
    return ValidationReport(
        errors=error_table(pairs),
        pairs=pairs,
        holdout_markets=held,
        seed=seed,
        holdout=holdout,
        notes=notes,
        holdout_estimate=est_info,
    )


def html_report(report: ValidationReport, title: str, provenance: dict[str, Any]) -> str:
    """A self-contained HTML page: error table, observed-vs-simulated plots (inline PNG)."""
    import base64
    import html
    import io
    import json

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 5))
    colours = {"in-sample": "#1f77b4", "firm-level only": "#aaaaaa", "held-out": "#d62728"}
    for ax, what, unit in ((axes[0], "price", "CU/unit"), (axes[1], "share", "share")):
        lo, hi = np.inf, -np.inf
        for split, g in report.pairs.groupby("split", sort=False):
            x, y = g[f"{what}_observed"], g[f"{what}_simulated"]
            ax.scatter(x, y, s=9, alpha=0.6, label=split, color=colours.get(str(split)))
            lo, hi = min(lo, x.min(), y.min()), max(hi, x.max(), y.max())
        ax.plot([lo, hi], [lo, hi], color="black", lw=0.8, label="simulated = observed")
        ax.set_xlabel(f"observed {what} ({unit})")
        ax.set_ylabel(f"simulated {what} ({unit})")
        ax.set_title(f"{what}: observed vs engine Nash equilibrium")
        ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    png = base64.b64encode(buf.getvalue()).decode("ascii")
    img = f'<img alt="observed vs simulated prices and shares" src="data:image/png;base64,{png}">'
    table = report.errors.to_html(index=False, float_format=lambda v: f"{v:.6g}", border=0)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in report.notes)
    held = ", ".join(report.holdout_markets) or "none"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}td,th{{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}}
pre{{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Prices and shares of the engine's Nash equilibrium at the start of a run, against the data.
<b>in-sample</b>: the markets the scenario was calibrated on (zero error up to solver tolerance
by construction); <b>firm-level only</b>: the same markets with each firm's quality and mean
cost but no firm-market taste or cost; <b>held-out</b>: markets set aside (share
{report.holdout:g}, seed {report.seed}: {html.escape(held)}), demand re-estimated without them
and predicted. MAE = mean absolute error, MRE = mean relative error |sim − obs| / obs.</p>
{table}
<ul>{notes}</ul>
{img}
<h2>Provenance</h2><pre>{html.escape(json.dumps(provenance, indent=2, default=str))}</pre>
</body></html>
"""
