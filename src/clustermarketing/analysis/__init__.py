"""Analysis on top of the engine: running arms and comparing them, statistics, steady states.

* :mod:`.compare` — :func:`simulate` (one model vs the baseline) and :func:`compare` (many
  models vs one shared baseline) on common random numbers, spread over an evaluator;
* :mod:`.stats` — confidence intervals over replicates;
* :mod:`.steady` and :mod:`.coalitions` — the steady-state market of a coalition and the
  coalition (TU) games a scenario induces, using the engine's own market and cost functions.
"""

from clustermarketing.analysis.compare import (
    BASELINE,
    Comparison,
    SimulationResult,
    compare,
    simulate,
)

__all__ = ["BASELINE", "Comparison", "SimulationResult", "compare", "simulate"]
