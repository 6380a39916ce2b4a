r"""The measurement model: how a simulated firm answers the questionnaire.

A simulated manager answers from the firm's own simulated experience, never from the scenario's
labels. Three steps (all parameters in :class:`MeasurementModel`, defaults documented there and
in docs/survey.md):

1. **Experience signals** (:func:`experience_signals`) — each a number on a fixed, documented
   reference scale where 0 means "no difference / neutral" and ±1 a clearly felt effect. They
   are computed over the last ``recall`` periods in which the firm was active in the model arm,
   compared with *the same firm* in the independent baseline arm (same firm id, same periods;
   common random numbers make this the firm's counterfactual):

   ===============  ==============================================================================
   ``gain``         asinh(Σ(π_model − π_base) / Σ revenue_base / gain_scale): pooled profit gain
   ``demand``       asinh(ln(Σ output_model / Σ output_base) / demand_scale): demand gain
   ``markets``      (mean markets_model − mean markets_base) / market_scale: markets gained
   ``net_benefit``  asinh(Σ net_benefit / Σ revenue_base / gain_scale): own membership benefit
   ``member``       2·(share of the periods as a member) − 1
   ``brand``        Σ_{member periods} g_r·ln(1 + R_t)·b̄ / (periods · brand_scale): the regional-
                    brand utility premium earned, averaged over the window (0 without the mark;
                    b̄ = mean brand sensitivity of the markets)
   ``awareness``    (mean aware_share − awareness_ref) / awareness_scale: how much of the market
                    news the firm knew (its awareness lag)
   ``ties``         ln((strong + weak_weight·weak) / ties_half): tie strength
   ``trust``        (mean trust − initial trust) / trust_scale
   ``orientation``  (market_orientation − mo_ref) / mo_scale
   ===============  ==============================================================================

   Scales are fixed, not estimated from the data: standardising within a run would erase the
   very differences between scenarios that a comparison is after.

2. **Latent construct score** — ``z_ik = Σ_s w_ks·x_is / Σ_s w_ks`` with the weights
   ``weights[construct][signal]`` (:data:`DEFAULT_WEIGHTS`).

3. **Answers** — for item ``j`` of construct ``k``:
   ``y*_ij = z_ik + u_i + ε_ij``, ``u_i ~ N(0, style_sd²)`` a respondent's response style
   (acquiescence, common to all items), ``ε_ij ~ N(0, noise_sd²)`` item noise; the answer is
   ``1 + #{τ_m < y*_ij}`` for the thresholds ``τ_1 < … < τ_{K−1}`` (default equally spaced on
   [−1.5, 1.5], so z = 0 gives the neutral midpoint on average), flipped to ``K + 1 − answer``
   for reverse-coded items; each answer is left blank with probability ``missing_rate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from clustermarketing.survey.instrument import Instrument

__all__ = [
    "DEFAULT_WEIGHTS",
    "SIGNALS",
    "MeasurementModel",
    "ScenarioFacts",
    "answer_instrument",
    "experience_signals",
    "latent_scores",
]

SIGNALS: tuple[str, ...] = (
    "gain",
    "demand",
    "markets",
    "net_benefit",
    "member",
    "brand",
    "awareness",
    "ties",
    "trust",
    "orientation",
)

#: construct → {signal: weight}: which experience each construct is read off.
DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "joint_promotion": {"gain": 1.0, "demand": 1.0},
    "trade_fairs": {"markets": 1.0, "demand": 1.0},
    "shared_channels": {"markets": 1.0, "gain": 1.0},
    "market_information": {"awareness": 1.0, "ties": 1.0},
    "regional_brand": {"brand": 1.0},
    "institutions": {"member": 1.0, "net_benefit": 1.0},
    "trust": {"trust": 1.0},
    "market_orientation": {"orientation": 1.0, "awareness": 0.5},
}


class MeasurementModel(BaseModel):
    """Parameters of the simulated respondents (latent units unless stated)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    noise_sd: float = Field(0.6, ge=0, description="item-level answer noise")
    style_sd: float = Field(0.25, ge=0, description="respondent response-style shift")
    thresholds: list[float] | None = Field(
        None, description="K−1 increasing cut points; default equally spaced on [−1.5, 1.5]"
    )
    missing_rate: float = Field(0.0, ge=0, lt=1, description="chance an answer is left blank")
    recall: int | None = Field(
        8, ge=1, description="periods of experience recalled (8 quarters = two years); None = all"
    )
    gain_scale: float = Field(0.25, gt=0, description="profit gain per unit of baseline revenue")
    demand_scale: float = Field(0.25, gt=0, description="log ratio of output, model/baseline")
    market_scale: float = Field(0.5, gt=0, description="markets gained (count)")
    brand_scale: float = Field(1.0, gt=0, description="regional-brand utility premium (utils)")
    awareness_ref: float = Field(0.5, ge=0, le=1, description="neutral share of signals known")
    awareness_scale: float = Field(0.25, gt=0, description="share of signals known")
    ties_half: float = Field(5.0, gt=0, description="tie strength giving a neutral ties signal")
    weak_weight: float = Field(0.5, ge=0, le=1, description="weight of a weak tie vs a strong one")
    trust_scale: float = Field(0.25, gt=0, description="trust above its initial value")
    mo_ref: float = Field(0.5, ge=0, le=1, description="neutral market orientation")
    mo_scale: float = Field(0.25, gt=0, description="market orientation")
    weights: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_WEIGHTS.items()}
    )

    @model_validator(mode="after")
    def _check(self) -> MeasurementModel:
        if self.thresholds is not None and any(
            b <= a for a, b in zip(self.thresholds, self.thresholds[1:], strict=False)
        ):
            raise ValueError(f"thresholds: {self.thresholds}; expected strictly increasing")
        for c, w in self.weights.items():
            bad = sorted(set(w) - set(SIGNALS))
            if bad:
                raise ValueError(
                    f"weights.{c}: unknown signal(s) {', '.join(bad)}; expected {', '.join(SIGNALS)}"
                )
            if any(v < 0 for v in w.values()) or sum(w.values()) <= 0:
                raise ValueError(f"weights.{c}: {w}; expected non-negative weights, not all 0")
        return self

    def cut_points(self, points: int) -> np.ndarray:
        """The K−1 thresholds for a ``points``-point scale."""
        if self.thresholds is not None:
            if len(self.thresholds) != points - 1:
                raise ValueError(
                    f"thresholds: {len(self.thresholds)} cut points for a {points}-point scale; "
                    f"expected {points - 1}"
                )
            return np.asarray(self.thresholds, dtype=float)
        return np.linspace(-1.5, 1.5, points - 1) if points > 2 else np.zeros(1)


@dataclass(frozen=True)
class ScenarioFacts:
    """What the measurement model needs to know about a scenario besides the firm panel."""

    initial_trust: float = 0.5
    #: g_r·b̄ when members sell under the regional brand (0 otherwise): utility per ln(1 + R)
    brand_weight: float = 0.0


def _asinh(x: np.ndarray | pd.Series) -> np.ndarray:
    return np.arcsinh(np.asarray(x, dtype=float))


def experience_signals(
    firms: pd.DataFrame,
    cluster: pd.DataFrame,
    facts: ScenarioFacts,
    mm: MeasurementModel,
) -> pd.DataFrame:
    """One row per respondent (firm active in the model arm's last period, per replicate).

    ``firms`` is ``SimulationResult.firms`` (arms ``model`` and ``baseline``), ``cluster`` the
    cluster table (``regional_brand`` per replicate, arm and period). Returns the signals of
    :data:`SIGNALS` and the background facts: replicate, firm, segment, employees, born (first
    period in the panel; NaN for firms present from the start), last period.
    """
    need = {"replicate", "arm", "period", "firm", "active", "member", "output", "revenue"}
    need |= {"profit", "trust", "net_benefit", "markets", "aware_share", "segment", "employees"}
    need |= {"market_orientation", "strong_ties", "weak_ties"}
    absent = sorted(need - set(firms.columns))
    if absent:
        raise ValueError(f"firm panel: column(s) {', '.join(absent)} missing")
    start = int(firms["period"].min())
    out = []
    for rep, panel in firms.groupby("replicate", sort=True):
        m = panel[panel["arm"] == "model"]
        b = panel[panel["arm"] == "baseline"]
        last = int(m["period"].max())
        respondents = m.loc[(m["period"] == last) & m["active"].astype(bool), "firm"].to_numpy()
        lo = last - mm.recall + 1 if mm.recall is not None else start
        mw = m[(m["period"] >= lo) & m["active"].astype(bool) & m["firm"].isin(respondents)]
        bw = b[(b["period"] >= lo) & b["active"].astype(bool)]
        both = mw.merge(bw, on=["firm", "period"], how="left", suffixes=("", "_b"))
        brand = cluster[(cluster["replicate"] == rep) & (cluster["arm"] == "model")]
        r_t = brand.set_index("period")["regional_brand"]
        both["premium"] = facts.brand_weight * np.log1p(
            r_t.reindex(both["period"]).to_numpy(dtype=float)
        )
        sig = both.groupby("firm").apply(_firm_signals, mm, facts, include_groups=False)
        first = m[m["active"].astype(bool)].groupby("firm")["period"].min()
        info = m[m["period"] == last].set_index("firm").loc[respondents]
        frame = pd.DataFrame(
            {
                "replicate": int(rep),
                "firm": respondents,
                "segment": info["segment"].astype(str).to_numpy(),
                "employees": info["employees"].to_numpy(dtype=float),
                "born": [float(first[f]) if first[f] > start else np.nan for f in respondents],
                "last_period": last,
            }
        )
        frame = frame.join(sig.reindex(respondents).reset_index(drop=True))
        out.append(frame)
    result = pd.concat(out, ignore_index=True) if out else pd.DataFrame()
    return result


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else 0.0


def _firm_signals(g: pd.DataFrame, mm: MeasurementModel, facts: ScenarioFacts) -> pd.Series:
    """Signals of one firm from its rows in the recall window (model columns + ``_b`` baseline)."""
    matched = g["profit_b"].notna()
    gm, gb = g[matched], g.loc[matched, [c for c in g.columns if c.endswith("_b")]]
    rev_b = float(gb["revenue_b"].sum())
    if rev_b <= 0:
        rev_b = float(gm["revenue"].sum())
    gain = _ratio(float(gm["profit"].sum() - gb["profit_b"].sum()), rev_b)
    out_m, out_b = float(gm["output"].sum()), float(gb["output_b"].sum())
    demand = float(np.log(out_m / out_b)) if out_m > 0 and out_b > 0 else 0.0
    markets = float(gm["markets"].mean() - gb["markets_b"].mean()) if matched.any() else 0.0
    member = g["member"].astype(float)
    aware = g["aware_share"].astype(float)
    strength = float(g["strong_ties"].iloc[-1]) + mm.weak_weight * float(g["weak_ties"].iloc[-1])
    mo = float(g["market_orientation"].iloc[-1])
    prem = g.loc[member > 0, "premium"]
    return pd.Series(
        {
            "gain": float(_asinh(gain / mm.gain_scale)),
            "demand": float(_asinh(demand / mm.demand_scale)),
            "markets": markets / mm.market_scale,
            "net_benefit": float(
                _asinh(_ratio(float(g["net_benefit"].sum()), rev_b) / mm.gain_scale)
            ),
            "member": 2.0 * float(member.mean()) - 1.0,
            "brand": float(prem.sum()) / len(g) / mm.brand_scale if len(prem) else 0.0,
            "awareness": (float(aware.mean()) - mm.awareness_ref) / mm.awareness_scale
            if aware.notna().any()
            else 0.0,
            "ties": float(np.log(max(strength, 1e-3) / mm.ties_half)),
            "trust": (float(g["trust"].mean()) - facts.initial_trust) / mm.trust_scale,
            "orientation": (mo - mm.mo_ref) / mm.mo_scale,
        }
    )


def latent_scores(
    signals: pd.DataFrame, constructs: list[str], weights: Mapping[str, Mapping[str, float]]
) -> pd.DataFrame:
    """``z_ik = Σ_s w_ks·x_is / Σ_s w_ks`` for each construct (rows as ``signals``)."""
    missing = [c for c in constructs if c not in weights]
    if missing:
        raise ValueError(
            f"measurement model: no rule for construct(s) {', '.join(missing)}; expected "
            f"weights for each (known: {', '.join(weights)})"
        )
    out = {}
    for c in constructs:
        w = weights[c]
        total = sum(w.values())
        out[c] = sum(v * signals[s].to_numpy(dtype=float) for s, v in w.items()) / total
    return pd.DataFrame(out, index=signals.index)


def answer_instrument(
    latent: pd.DataFrame,
    instrument: Instrument,
    mm: MeasurementModel,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Likert answers (float, NaN = blank) to every item from the latent construct scores.

    Draw order is fixed — response styles for all respondents, then item noise respondent by
    item, then the blanks — so the same generator state gives the same answers.
    """
    n = len(latent)
    points = instrument.scale.points
    tau = mm.cut_points(points)
    items = instrument.items
    style = rng.normal(0.0, 1.0, n) * mm.style_sd
    noise = rng.normal(0.0, 1.0, (n, len(items))) * mm.noise_sd
    blank = rng.random((n, len(items))) < mm.missing_rate
    z = np.column_stack([latent[i.construct].to_numpy(dtype=float) for i in items])
    ystar = z + style[:, None] + noise
    ans = 1.0 + (ystar[:, :, None] > tau[None, None, :]).sum(axis=2)
    rev = np.array([i.reverse for i in items])
    ans[:, rev] = points + 1 - ans[:, rev]
    ans[blank] = np.nan
    return pd.DataFrame(ans, columns=[i.id for i in items], index=latent.index)
