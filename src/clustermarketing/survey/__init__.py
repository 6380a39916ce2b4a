"""Survey analysis (MODEL.md §10, seed 004): the managers' questionnaire, real and simulated.

- :func:`load_instrument` — the shipped questionnaire (or a user's YAML), validated.
- :func:`read_responses` + :func:`validate_responses` — a CSV/Excel response file checked cell
  by cell against the questionnaire.
- :func:`cronbach_alpha`, :func:`scale_reliability` — α with Feldt's CI, item–total
  correlations, α if deleted, McDonald's ω.
- :func:`compare_groups` — Mann–Whitney U + rank-biserial r, Welch t + Hedges' g, chi-square +
  Cramér's V (Kruskal–Wallis + ε² for more than two groups), BH/Holm-adjusted p.
- :func:`analyze` — all of it for a response table; :func:`compare_analyses` puts two analyses
  (e.g. a surveyed and a simulated cluster) side by side.
- :func:`simulate_responses` — simulated firms answering the questionnaire through the
  measurement model (:mod:`clustermarketing.survey.measurement`).

Formulas and conventions: docs/survey.md.

>>> import pandas as pd
>>> from clustermarketing import survey
>>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
>>> alpha, (lo, hi) = survey.cronbach_alpha(df)
>>> round(alpha, 3)
0.954
"""

from __future__ import annotations

from clustermarketing.survey.analysis import SurveyAnalysis, analyze
from clustermarketing.survey.compare import (
    adjust_pvalues,
    compare_groups,
    construct_scores,
)
from clustermarketing.survey.instrument import Instrument, InstrumentError, parse_instrument
from clustermarketing.survey.io import (
    ResponseFileError,
    load_instrument,
    read_responses,
    synthetic_responses_path,
)
from clustermarketing.survey.measurement import MeasurementModel
from clustermarketing.survey.reliability import (
    SurveyError,
    cronbach_alpha,
    mcdonald_omega,
    scale_reliability,
)
from clustermarketing.survey.responses import ResponseError, Responses, validate_responses
from clustermarketing.survey.side_by_side import compare_analyses
from clustermarketing.survey.simulate import simulate_responses

__all__ = [
    "Instrument",
    "InstrumentError",
    "MeasurementModel",
    "ResponseError",
    "ResponseFileError",
    "Responses",
    "SurveyAnalysis",
    "SurveyError",
    "adjust_pvalues",
    "analyze",
    "compare_analyses",
    "compare_groups",
    "construct_scores",
    "cronbach_alpha",
    "load_instrument",
    "mcdonald_omega",
    "parse_instrument",
    "read_responses",
    "scale_reliability",
    "simulate_responses",
    "synthetic_responses_path",
    "validate_responses",
]
