"""Simulated respondents: run a scenario and let every surviving firm answer the questionnaire.

:func:`simulate_responses` runs ``clustermarketing.simulate`` with the per-firm panel, reads each
firm's experience off the panel (:func:`~clustermarketing.survey.measurement.experience_signals`)
and answers the instrument through the measurement model. The result is a response table in the
template layout, so ``survey analyze`` reads it unchanged.

Background answers of a simulated firm:

- ``clustered``: from the scenario — ``yes`` when its ties are mostly local
  (``ties.proximity ≥ 0.5``, :data:`CLUSTERED_PROXIMITY`; footwear 0.9 → yes, dispersed 0 → no),
  unless given explicitly;
- ``sector``: the firm's product segment; ``size``: its employees (rounded);
- ``age``: years since the firm entered, for entrants during the run
  (:data:`PERIODS_PER_YEAR` = 4, one period is a quarter, docs/model.md); blank for firms present
  from the start (the panel does not know when they were founded).

Respondent ids are ``<scenario>-r<replicate>-f<firm>``. Answers are drawn from a generator seeded
by ``SeedSequence(seed, spawn_key=(SURVEY_STREAM, crc32(scenario name), replicate))``: independent
of the engine's streams, the same for the same seed, and unchanged when other scenarios are added
to the call.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from clustermarketing.survey.instrument import RESPONDENT_COLUMN, Instrument
from clustermarketing.survey.measurement import (
    MeasurementModel,
    ScenarioFacts,
    answer_instrument,
    experience_signals,
    latent_scores,
)

__all__ = [
    "CLUSTERED_PROXIMITY",
    "PERIODS_PER_YEAR",
    "SURVEY_STREAM",
    "is_clustered",
    "scenario_facts",
    "simulate_responses",
]

CLUSTERED_PROXIMITY = 0.5
PERIODS_PER_YEAR = 4
#: spawn-key tag of the survey's random stream ("SURV" in ASCII)
SURVEY_STREAM = 0x53555256


def is_clustered(scenario: Any) -> bool:
    """A scenario is a cluster when most ties are local: ``ties.proximity ≥ 0.5``."""
    return float(scenario.ties.proximity) >= CLUSTERED_PROXIMITY


def scenario_facts(scenario: Any, model: str | None) -> ScenarioFacts:
    """Initial trust and the regional-brand utility weight ``g_r·b̄`` of a scenario and model."""
    cfg = scenario.model_config_for(model)
    uses = bool(getattr(cfg, "uses_regional_brand", False))
    g_r = float(getattr(getattr(scenario, "demand", None), "regional_brand_weight", 0.0))
    sens = [float(getattr(m, "brand_sensitivity", 1.0)) for m in scenario.markets]
    trust = float(getattr(getattr(scenario, "trust", None), "initial", 0.5))
    return ScenarioFacts(
        initial_trust=trust, brand_weight=g_r * float(np.mean(sens)) if uses else 0.0
    )


def _one(
    source: Any,
    model: str | None,
    seed: int | None,
    periods: int | None,
    replicates: int,
    instrument: Instrument,
    mm: MeasurementModel,
    clustered: bool | None,
    overrides: Sequence[str],
) -> pd.DataFrame:
    from clustermarketing.analysis import simulate
    from clustermarketing.scenario import load_scenario

    sc = load_scenario(source, list(overrides))
    seed = int(sc.seed if seed is None else seed)
    result = simulate(
        sc, model=model, seed=seed, replicates=replicates, periods=periods, firm_panel=True
    )
    if result.firms is None or result.firms.empty:
        raise ValueError(f"scenario {sc.name}: the simulation produced no firms to survey")
    sig = experience_signals(result.firms, result.cluster, scenario_facts(sc, model), mm)
    latent = latent_scores(sig, instrument.construct_ids(), mm.weights)
    parts = []
    for rep in sorted(sig["replicate"].unique()):
        sel = (sig["replicate"] == rep).to_numpy()
        ss = np.random.SeedSequence(
            seed, spawn_key=(SURVEY_STREAM, zlib.crc32(sc.name.encode()), int(rep))
        )
        parts.append(
            answer_instrument(latent[sel], instrument, mm, np.random.Generator(np.random.PCG64(ss)))
        )
    answers = pd.concat(parts)
    flag = is_clustered(sc) if clustered is None else bool(clustered)
    last = sig["last_period"].to_numpy(dtype=float)
    age = (last + 1 - sig["born"].to_numpy(dtype=float)) / PERIODS_PER_YEAR
    background = {
        "clustered": "yes" if flag else "no",
        "sector": sig["segment"].to_numpy(),
        "size": np.round(sig["employees"].to_numpy(dtype=float)).astype(int),
        "age": age,
    }
    table = pd.DataFrame(
        {
            RESPONDENT_COLUMN: [
                f"{sc.name}-r{int(r)}-f{int(f)}"
                for r, f in zip(sig["replicate"], sig["firm"], strict=True)
            ]
        }
    )
    for q in instrument.background:
        if q.id in background:
            table[q.id] = background[q.id]
    for col in answers.columns:  # whole numbers, <NA> = blank
        table[col] = pd.array(answers[col].to_numpy(), dtype="Int64")
    table.attrs["scenario"] = sc.name
    table.attrs["seed"] = seed
    table.attrs["model"] = result.summary.get("model", model)
    table.attrs["periods"] = result.summary.get("periods", periods)
    table.attrs["clustered"] = flag
    return table


def simulate_responses(
    scenario: Any | Sequence[Any],
    model: str | None = None,
    seed: int | None = None,
    periods: int | None = None,
    replicates: int = 1,
    instrument: Instrument | None = None,
    measurement: MeasurementModel | Mapping[str, Any] | None = None,
    clustered: bool | None = None,
    overrides: Sequence[str] = (),
) -> pd.DataFrame:
    """Simulated answers of every firm of one or more scenarios to the questionnaire.

    ``scenario``: a scenario (file path, example name, dict or Scenario) or a list of them, each
    run under ``model`` (default: its own) with ``seed`` (default: its own), ``periods`` and
    ``replicates``; ``overrides`` are ``--set`` strings applied to each. Respondents are the
    firms active in the last period of the model arm. ``clustered`` overrides the
    ``ties.proximity`` rule for every scenario. Returns a response table: ``respondent``, the
    background columns, one column per item (whole numbers, NaN = blank); ``attrs`` record the
    scenarios, seeds and measurement model.

    >>> df = simulate_responses("footwear", seed=1, periods=6, overrides=["firms.count=40"])
    >>> df.columns[:5].tolist(), sorted(df["clustered"].unique())
    (['respondent', 'clustered', 'sector', 'size', 'age'], ['yes'])
    """
    from clustermarketing.survey.io import load_instrument

    inst = instrument if instrument is not None else load_instrument()
    mm = (
        measurement
        if isinstance(measurement, MeasurementModel)
        else MeasurementModel.model_validate(dict(measurement or {}))
    )
    mm.cut_points(inst.scale.points)  # thresholds must fit the scale: fail before simulating
    latent_check = set(inst.construct_ids()) - set(mm.weights)
    if latent_check:
        raise ValueError(
            f"measurement model: no rule for construct(s) {', '.join(sorted(latent_check))}; "
            f"expected weights for each (known: {', '.join(mm.weights)})"
        )
    if replicates < 1:
        raise ValueError(f"replicates: {replicates}; expected ≥ 1")
    sources = (
        list(scenario) if isinstance(scenario, list | tuple) else [scenario]  # type: ignore[arg-type]
    )
    if not sources:
        raise ValueError("scenario: expected at least one scenario")
    tables = [
        _one(s, model, seed, periods, replicates, inst, mm, clustered, overrides) for s in sources
    ]
    names = [t.attrs["scenario"] for t in tables]
    if len(set(names)) != len(names):
        raise ValueError(
            f"scenario: the same scenario name given twice ({', '.join(names)}); respondent "
            "ids would repeat"
        )
    out = pd.concat(tables, ignore_index=True)
    out.attrs = {
        "scenarios": names,
        "seeds": [t.attrs["seed"] for t in tables],
        "clustered": {t.attrs["scenario"]: t.attrs["clustered"] for t in tables},
        "models": {t.attrs["scenario"]: t.attrs["model"] for t in tables},
        "periods": {t.attrs["scenario"]: t.attrs["periods"] for t in tables},
        "replicates": replicates,
        "measurement": mm.model_dump(),
    }
    return out
