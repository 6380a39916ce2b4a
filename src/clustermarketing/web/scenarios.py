"""Scenarios as the web app receives them: a built-in example's name or a scenario object.

The web app never reads a file a request names. A string must be a built-in example; an object
is a scenario as JSON (the same fields as a YAML file). Its two path fields, ``firms.csv`` and
``ties.edgelist``, accept only ``upload:<sha256>`` references returned by ``POST /api/uploads``
(:mod:`clustermarketing.web.uploads`), resolved here to the stored file. ``--set``-style
overrides (``"set": ["firms.count=60"]``) are applied with the scenario loader's own
:func:`~clustermarketing.scenario.load.apply_set`, and validation is the loader's, so every
message is the one the command line prints (with an uploaded file named by its reference).
"""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clustermarketing.errors import ScenarioError
from clustermarketing.scenario import Scenario, load_scenario
from clustermarketing.scenario.load import EXAMPLES, apply_set, example_dict
from clustermarketing.web.problems import ProblemError, invalid
from clustermarketing.web.uploads import bounded, reference_path

__all__ = ["PATH_FIELDS", "Loaded", "firm_count", "load", "raw_scenario", "run_size"]

#: the scenario fields that name a file: (section, key)
PATH_FIELDS = (("firms", "csv"), ("ties", "edgelist"))


@dataclass
class Loaded:
    """A validated scenario with what it was made from."""

    scenario: Scenario
    raw: dict[str, Any]  # the scenario as given (overrides applied, uploads resolved)
    source: str  # an example's name, or "scenario object"
    overrides: list[str]
    warnings: list[str] = field(default_factory=list)
    uploads: dict[str, str] = field(default_factory=dict)  # resolved path → reference


def _resolve_uploads(data: dict[str, Any], uploads_dir: Path) -> dict[str, str]:
    """Replace ``upload:<sha256>`` references by the stored files; refuse any other path."""
    resolved: dict[str, str] = {}
    for section, key in PATH_FIELDS:
        sec = data.get(section)
        if not isinstance(sec, dict) or key not in sec:
            continue
        value = sec[key]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        where = f"{section}.{key}"
        if not isinstance(value, str):
            raise invalid(f"{where}: got {value!r}; expected an upload reference (upload:…)")
        path = reference_path(uploads_dir, value)
        if path is None:
            raise invalid(
                f"{where}: {value!r} is a file path; the web app reads only uploaded files: "
                "upload the CSV (POST /api/uploads, or the editor's upload button) and give the "
                "reference it returns (upload:<sha256>)"
            )
        if not path.is_file():
            raise invalid(
                f"{where}: {value!r} is not an upload of this server; upload the file again"
            )
        sec[key] = str(path)
        resolved[str(path)] = value.strip()
    return resolved


def raw_scenario(
    spec: str | dict[str, Any], overrides: Sequence[str], uploads_dir: Path
) -> tuple[dict[str, Any], str, dict[str, str]]:
    """The raw scenario dictionary of a request: (data, source label, uploads resolved)."""
    if isinstance(spec, str):
        if spec not in EXAMPLES:
            raise invalid(
                f"scenario: {spec!r} is not a built-in example; expected one of "
                f"{', '.join(EXAMPLES)}, or a scenario object (the web app reads no files by name)"
            )
        data = example_dict(spec)
        source = spec
    elif isinstance(spec, dict):
        data = copy.deepcopy(spec)
        source = "scenario object"
    else:
        raise invalid(f"scenario: got {type(spec).__name__}; expected an example name or an object")
    try:
        # JSON round trip: only plain data reaches the loader (no NaN: JSON has none)
        data = json.loads(json.dumps(data, allow_nan=False))
    except (TypeError, ValueError) as e:
        raise invalid(f"scenario: not plain JSON data ({e})") from None
    for assignment in overrides:
        if not isinstance(assignment, str):
            raise invalid(f"set: {assignment!r}; expected 'dotted.path=value'")
        try:
            data = apply_set(data, assignment)
        except ScenarioError as e:
            raise invalid(str(e)) from None
    if overrides:  # a --set value is YAML: its aliases could expand
        data = bounded(data, "set")  # type: ignore[assignment]
    resolved = _resolve_uploads(data, uploads_dir)
    return data, source, resolved


def _unresolve(message: str, uploads: dict[str, str]) -> str:
    for path, ref in uploads.items():
        message = message.replace(repr(path), repr(ref)).replace(path, ref)
    return message


def load(spec: str | dict[str, Any], overrides: Sequence[str], uploads_dir: Path) -> Loaded:
    """Resolve and validate a scenario of a request; a problem (422) names the field."""
    from clustermarketing.scenario.load import ScenarioWarning

    data, source, uploads = raw_scenario(spec, overrides, uploads_dir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        try:
            sc = load_scenario(copy.deepcopy(data))
        except ScenarioError as e:
            raise invalid(_unresolve(str(e), uploads)) from None
        except ValueError as e:  # a validator's own ValueError outside pydantic
            raise invalid(_unresolve(str(e), uploads)) from None
    notes = [_unresolve(str(w.message), uploads) for w in caught]
    return Loaded(sc, data, source, list(overrides), notes, uploads)


def firm_count(sc: Scenario) -> int:
    """Firms at t = 0: the generated count, or the rows of the firms CSV."""
    if sc.firms.source == "csv" and sc.firms.csv is not None:
        from clustermarketing.scenario.inputs import read_firms_csv

        return len(read_firms_csv(sc.firms.csv, sc))
    return int(sc.firms.count)


def run_size(firms: int, periods: int, replicates: int, arms: int) -> int:
    """Firm-periods of a run: firms × periods × replicates × arms (models + the baseline).

    >>> run_size(60, 6, 2, 4)
    2880
    """
    return int(firms) * int(periods) * int(replicates) * int(arms)


def check_size(firms: int, periods: int, replicates: int, arms: int, limit: int) -> int:
    """Refuse (422) a run larger than the server's cap, saying what to change."""
    size = run_size(firms, periods, replicates, arms)
    if size > limit:
        raise ProblemError(
            422,
            f"run size: {size:,} firm-periods ({firms:,} firms × {periods:,} periods × "
            f"{replicates:,} replicates × {arms} arms) is more than this server runs "
            f"({limit:,}); use fewer firms, periods, replicates or models, or start the server "
            f"with --max-run-size {size}",
            title="Run too large",
            type_="urn:clustermarketing:run-too-large",
            errors=[{"field": "run size", "message": f"{size:,} firm-periods; at most {limit:,}"}],
        )
    return size
