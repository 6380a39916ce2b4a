"""Parameter helper: every scenario and model number carries its unit, source seed, meaning and
a finite range.

The lowest layer of the package (it imports only pydantic): the model vocabulary
(:mod:`clustermarketing.models`) and the scenario (:mod:`clustermarketing.scenario`) both
declare their fields with :func:`P`.

The metadata ends up in the JSON schema (``json_schema_extra``), from which ``docs/model.md``
and the annotated template of ``clustermarketing new`` are generated, so the docs cannot drift
from the validator.

Numbers are checked centrally, so that a scenario that validates can be simulated:

- NaN and ±infinity are rejected in every float field, lists included (``allow_inf_nan=False``
  in :data:`STRICT`);
- a boolean is not a number: ``volatility: true`` is rejected instead of read as 1
  (:func:`not_a_boolean`, attached by :func:`P` to every field whose default is a number);
- ``-0.0`` is read as ``0.0`` (NumPy treats a scale of ``-0.0`` as negative);
- every numeric field has a finite range: its own bounds where given, else
  ``[-MAX_MAGNITUDE, MAX_MAGNITUDE]`` (:func:`P` fills in whichever side is missing).
"""

from __future__ import annotations

from typing import Any

from pydantic import BeforeValidator, ConfigDict, Field

STRICT = ConfigDict(extra="forbid", validate_assignment=True, frozen=False, allow_inf_nan=False)

#: Bound of any numeric field that declares no bound of its own on that side. Far beyond any
#: plausible cluster quantity, far below float overflow in products of a few such values.
MAX_MAGNITUDE = 1e9

SEEDS = {
    "000": "Tu, Cluster marketing models and strategies (seed 000)",
    "001": "Cooperative marketing game based on industrial cluster (seed 001/002)",
    "003": "Eisingerich & Bhardwaj, market orientation in clusters (seed 003)",
    "004": "Felzensztein, Gimmon & Aqueveque 2012 (seed 004)",
    "model": "MODEL.md appendix (standard functional form)",
    "choice": "our modelling choice (documented in docs/model.md)",
}


def _clean(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number, not a boolean")
    if isinstance(value, float) and value == 0.0:
        return 0.0  # -0.0 → 0.0
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def not_a_boolean(value: Any) -> Any:
    """Before-validator of numeric fields: reject booleans (also inside lists), map -0.0 to 0.0.

    >>> not_a_boolean(-0.0), not_a_boolean([1, -0.0])
    (0.0, [1, 0.0])
    >>> not_a_boolean(True)
    Traceback (most recent call last):
    ...
    ValueError: expected a number, not a boolean
    """
    return _clean(value)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


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
    numeric: bool | None = None,
) -> Any:
    """A documented, bounded scenario parameter.

    A field is numeric when its default is a number (or ``numeric=True``, for a list of numbers
    or an optional number): it then rejects booleans, reads ``-0.0`` as 0 and gets the finite
    fallback bound ``±MAX_MAGNITUDE`` on any side it leaves open.
    """
    is_num = _is_number(default) if numeric is None else numeric
    if is_num and _is_number(default):
        if ge is None and gt is None:
            ge = -MAX_MAGNITUDE
        if le is None and lt is None:
            le = MAX_MAGNITUDE
    info = Field(
        default,
        description=desc,
        ge=ge,
        le=le,
        gt=gt,
        lt=lt,
        json_schema_extra={"unit": unit, "seed": seed},
    )
    if is_num:
        info.metadata.append(BeforeValidator(not_a_boolean))
    return info
