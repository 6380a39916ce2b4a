"""Parameter helper: every scenario and model number carries its unit, source seed and meaning.

The lowest layer of the package (it imports only pydantic): the model vocabulary
(:mod:`clustermarketing.models`) and the scenario (:mod:`clustermarketing.scenario`) both
declare their fields with :func:`P`.

The metadata ends up in the JSON schema (``json_schema_extra``), from which ``docs/model.md``
and the annotated template of ``clustermarketing new`` are generated, so the docs cannot drift
from the validator.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

STRICT = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

SEEDS = {
    "000": "Tu, Cluster marketing models and strategies (seed 000)",
    "001": "Cooperative marketing game based on industrial cluster (seed 001/002)",
    "003": "Eisingerich & Bhardwaj, market orientation in clusters (seed 003)",
    "004": "Felzensztein, Gimmon & Aqueveque 2012 (seed 004)",
    "model": "MODEL.md appendix (standard functional form)",
    "choice": "our modelling choice (documented in docs/model.md)",
}


def P(
    default: Any,
    desc: str,
    *,
    unit: str = "-",
    seed: str = "model",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
) -> Any:
    """A documented, bounded scenario parameter."""
    return Field(
        default,
        description=desc,
        ge=ge,
        le=le,
        gt=gt,
        lt=lt,
        json_schema_extra={"unit": unit, "seed": seed},
    )
