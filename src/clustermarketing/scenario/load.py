"""Reading scenarios: files, built-in examples, dictionaries, and ``--set`` overrides.

Every failure becomes a :class:`ScenarioError` whose message names the field, the bad value and
what was expected, so that the CLI can print it without a traceback.
"""

from __future__ import annotations

import json
import re
import warnings
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from clustermarketing.errors import ScenarioError
from clustermarketing.scenario.schema import Scenario
from clustermarketing.scenario.yamlio import DuplicateKeyError, load_json, load_yaml

EXAMPLES: tuple[str, ...] = ("optoelectronics", "footwear", "dispersed")


class ScenarioWarning(UserWarning):
    """Something in a scenario is legal but probably not what the user meant (e.g. an empty file).

    Raised with :func:`warnings.warn`; the CLI prints it as one ``warning:`` line on stderr.
    """


#: What pydantic puts before the message of an error raised inside a validator (also when a
#: message of a nested validation is passed on: ``model: pooled_functions: Value error, …``).
_PYDANTIC_PREFIX = re.compile(r"(^|: )(?:Value error|Assertion failed), ")


def clean_message(msg: str) -> str:
    """A validator's message without pydantic's ``Value error,`` prefixes.

    >>> clean_message("Value error, model: pooled_functions: Value error, unknown function 'x'")
    "model: pooled_functions: unknown function 'x'"
    """
    return _PYDANTIC_PREFIX.sub(r"\1", msg)


def format_validation_error(err: ValidationError, prefix: str = "") -> str:
    """One line per problem: ``field.path: got VALUE; expected …``."""
    lines = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"])
        msg = clean_message(e["msg"])
        if e["type"] == "extra_forbidden":
            msg = "unknown key; remove it or check its spelling"
        elif e["type"] == "missing":
            msg = "required field is missing"
        got = e.get("input")
        shown = "" if e["type"] in ("missing",) or isinstance(got, dict) else f" (got {got!r})"
        # a whole-scenario check names its own fields in the message
        where = f"{loc}: " if e["loc"] else ""
        lines.append(f"{prefix}{where}{msg}{shown}")
    return "\n".join(lines)


def _read_text(text: str, source: str) -> dict[str, Any]:
    try:
        data = load_json(text) if source.endswith(".json") else load_yaml(text)
    except DuplicateKeyError as e:
        raise ScenarioError(f"{source}: {e}; expected each key once") from None
    except (yaml.YAMLError, json.JSONDecodeError) as e:
        raise ScenarioError(f"{source}: not valid YAML/JSON: {e}") from None
    if data is None:
        warnings.warn(
            f"{source}: the file has no settings; every field takes its default "
            "(write one with: clustermarketing new FILE)",
            ScenarioWarning,
            stacklevel=2,
        )
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: expected a mapping of scenario fields, got {type(data).__name__}"
        )
    return data


def example_dict(name: str) -> dict[str, Any]:
    """The raw dictionary of built-in example ``name``."""
    if name not in EXAMPLES:
        raise ScenarioError(
            f"example: unknown example {name!r}; expected one of {', '.join(EXAMPLES)}"
        )
    text = (
        resources.files("clustermarketing.scenario")
        .joinpath("examples", f"{name}.yaml")
        .read_text()
    )
    return _read_text(text, f"{name}.yaml")


def _resolve_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    """Make the input paths a scenario names (``firms.csv``, ``ties.edgelist``) absolute.

    Paths in a scenario file are relative to the file's directory; paths given with ``--set`` or
    in a dictionary are relative to the current directory. Errors then show the resolved path.
    """
    for section, key in (("firms", "csv"), ("ties", "edgelist")):
        sec = data.get(section)
        if isinstance(sec, dict) and isinstance(sec.get(key), str) and sec[key].strip():
            p = Path(sec[key]).expanduser()
            sec[key] = str(p if p.is_absolute() else (base / p).absolute())
    return data


def scenario_dict(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    """The raw scenario dictionary from a file path, an example name or a dictionary."""
    if isinstance(source, dict):
        return json.loads(json.dumps(source, default=str))
    text = str(source)
    path = Path(text)
    if path.is_file():
        try:
            raw = path.read_text()
        except OSError as e:
            raise ScenarioError(f"{text}: cannot read: {e.strerror}") from None
        return _resolve_paths(_read_text(raw, path.name), path.parent.absolute())
    if text in EXAMPLES:
        return example_dict(text)
    raise ScenarioError(
        f"scenario: {text!r} is neither a file nor a built-in example; "
        f"expected a YAML/JSON path or one of {', '.join(EXAMPLES)}"
    )


def parse_set(assignment: str) -> tuple[list[str], Any]:
    """Split ``a.b.c=value`` into a path and a YAML-parsed value."""
    if "=" not in assignment:
        raise ScenarioError(f"--set: {assignment!r}; expected dotted.path=value")
    key, _, value = assignment.partition("=")
    parts = key.strip().split(".")
    if not key.strip() or any(not p for p in parts):
        raise ScenarioError(f"--set: {assignment!r}; expected dotted.path=value")
    try:
        parsed = load_yaml(value) if value.strip() else ""
    except DuplicateKeyError as e:
        raise ScenarioError(f"--set {key.strip()}: {e}; expected each key once") from None
    except yaml.YAMLError:
        parsed = value
    return parts, parsed


def apply_set(data: dict[str, Any], assignment: str) -> dict[str, Any]:
    """Apply one ``--set`` override to a raw scenario dictionary (checked against the schema)."""
    parts, value = parse_set(assignment)
    defaults = Scenario().model_dump(mode="json")
    node: Any = data
    ref: Any = defaults
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = ".".join(parts[: i + 1])
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ScenarioError(
                    f"--set {where}: index {part!r} out of range (0..{len(node) - 1})"
                )
            idx = int(part)
            if last:
                node[idx] = value
            else:
                node = node[idx]
                ref = ref[0] if isinstance(ref, list) and ref else {}
            continue
        if not isinstance(node, dict):
            raise ScenarioError(f"--set {where}: cannot descend into a {type(node).__name__}")
        in_model = parts[0] == "model"
        known = isinstance(ref, dict) and part in ref
        if not known and not in_model and part not in node:
            valid = ", ".join(sorted(ref)) if isinstance(ref, dict) else ""
            raise ScenarioError(f"--set {where}: unknown key {part!r}; expected one of: {valid}")
        if last:
            node[part] = value
        else:
            if part not in node:
                node[part] = (
                    json.loads(json.dumps(ref.get(part, {}))) if isinstance(ref, dict) else {}
                )
            node = node[part]
            ref = ref.get(part, {}) if isinstance(ref, dict) else {}
    return data


def load_scenario(
    source: str | Path | dict[str, Any] | Scenario, overrides: list[str] | tuple[str, ...] = ()
) -> Scenario:
    """Load and validate a scenario from a path, a built-in example name or a dictionary.

    ``overrides`` are ``dotted.path=value`` strings applied before validation.
    """
    if isinstance(source, Scenario):
        if not overrides:
            return source
        # only what was set: defaults stay defaults (firms.count is not "given" with a CSV)
        source = source.model_dump(mode="json", exclude_unset=True)
    data = scenario_dict(source)
    for assignment in overrides:
        data = apply_set(data, assignment)
    data = _resolve_paths(data, Path.cwd())
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(format_validation_error(e)) from None
    from clustermarketing.scenario.inputs import check_inputs

    check_inputs(scenario)
    return scenario


def example(name: str) -> Scenario:
    """Built-in example scenario ``name`` (optoelectronics, footwear, dispersed)."""
    return load_scenario(example_dict(name))
