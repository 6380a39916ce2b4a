"""Documentation generated from the scenario schema: an annotated YAML template and a reference.

Both are read off ``Scenario.model_json_schema()`` (descriptions, bounds, enums) and the
``json_schema_extra`` metadata of :func:`~clustermarketing.params.P` (unit, seed), so the
template written by ``clustermarketing new`` and ``docs/scenario-reference.md`` cannot drift from
the validator. ``scripts/gen_docs.py`` regenerates the reference; a test checks it is current.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import yaml

from clustermarketing.models import PRESETS, resolve_model
from clustermarketing.models.config import ModelConfig
from clustermarketing.params import SEEDS
from clustermarketing.scenario.functions import EFFECT_MEANING
from clustermarketing.scenario.schema import Scenario

Schema = dict[str, Any]

#: Top-level scalar fields are grouped under this heading in the reference.
GENERAL = "general"


# --------------------------------------------------------------------------- schema walking


def _deref(node: Schema, defs: Schema) -> Schema:
    """Follow a local ``$ref`` (``#/$defs/Name``)."""
    ref = node.get("$ref")
    if ref is None:
        return node
    return defs[ref.rsplit("/", 1)[-1]]


def _object_schema(prop: Schema, defs: Schema) -> Schema | None:
    """The object schema a property points to (a nested model), or None for anything else."""
    target = _deref(prop, defs)
    return target if "properties" in target else None


def _array_item_schema(prop: Schema, defs: Schema) -> Schema | None:
    """The object schema of a list-of-models property, or None."""
    if prop.get("type") != "array" or "items" not in prop:
        return None
    return _object_schema(prop["items"], defs)


def _num(x: float) -> str:
    """A bound as written in the docs: ``1``, ``0.5``, ``5e6``, ``1e9``."""
    if isinstance(x, int) and abs(x) >= 1e15:
        return str(x)
    if float(x).is_integer() and abs(x) >= 1e6:
        mantissa, _, exponent = f"{float(x):e}".partition("e")
        m = mantissa.rstrip("0").rstrip(".")
        if "." not in m:
            return f"{m}e{int(exponent)}"
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def valid_range(prop: Schema) -> str:
    """Human-readable bounds or choices of a property (``[0, 1]``, ``> 0``, ``one of: a, b``)."""
    for alt in prop.get("anyOf", []):
        text = valid_range(alt)
        if text:
            return text + " (or null)"
    if "enum" in prop:
        return "one of: " + ", ".join(str(v) for v in prop["enum"])
    if "const" in prop:
        return f"exactly {prop['const']}"
    lo = hi = None
    if "minimum" in prop:
        lo = ("[", _num(prop["minimum"]))
    elif "exclusiveMinimum" in prop:
        lo = ("(", _num(prop["exclusiveMinimum"]))
    if "maximum" in prop:
        hi = ("]", _num(prop["maximum"]))
    elif "exclusiveMaximum" in prop:
        hi = (")", _num(prop["exclusiveMaximum"]))
    if lo and hi:
        return f"{lo[0]}{lo[1]}, {hi[1]}{hi[0]}"
    if lo:
        return f"{'≥' if lo[0] == '[' else '>'} {lo[1]}"
    if hi:
        return f"{'≤' if hi[0] == ']' else '<'} {hi[1]}"
    return ""


def type_name(prop: Schema, defs: Schema) -> str:
    """A short type label: number, integer, string, boolean, list of X, path, mapping."""
    if "anyOf" in prop:
        alts = [type_name(a, defs) for a in prop["anyOf"] if a.get("type") != "null"]
        return " or ".join(alts) + " or null"
    if "$ref" in prop:
        return _deref(prop, defs).get("title", "object")
    t = prop.get("type", "any")
    if t == "array":
        return f"list of {type_name(prop.get('items', {}), defs)}"
    if t == "string" and prop.get("format") == "path":
        return "path"
    if t == "object":
        return "mapping"
    return str(t)


@dataclass(frozen=True)
class ParamDoc:
    """Everything the docs say about one scenario parameter."""

    path: str
    type: str
    description: str
    unit: str
    default: Any
    range: str
    seed: str


def _meta(prop: Schema, defs: Schema, path: str, default: Any) -> ParamDoc:
    return ParamDoc(
        path=path,
        type=type_name(prop, defs),
        description=prop.get("description", ""),
        unit=prop.get("unit", "-"),
        default=default,
        range=valid_range(prop),
        seed=prop.get("seed", "model"),
    )


def walk(
    schema: Schema,
    prefix: str = "",
    defs: Schema | None = None,
    defaults: dict[str, Any] | None = None,
    parent: ParamDoc | None = None,
) -> list[ParamDoc]:
    """Every leaf parameter of a model's JSON schema, depth first, in declaration order.

    Nested models recurse (``firms.unit_cost.mean``) with the defaults of the enclosing field
    (a leader's employees default to a median of 1500, not the generic 20). Below a section, a
    nested field's meaning is prefixed by its parent's and inherits the parent's unit and seed
    when it has none of its own. Lists of models are documented by their item fields
    (``markets[].size``) with the item model's own defaults.
    """
    defs = schema.get("$defs", {}) if defs is None else defs
    out: list[ParamDoc] = []
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        default = (defaults or {}).get(name, prop.get("default"))
        doc = _meta(prop, defs, path, default)
        if parent is not None:
            doc = ParamDoc(
                path=path,
                type=doc.type,
                description=f"{parent.description}: {doc.description}",
                unit=doc.unit if doc.unit != "-" else parent.unit,
                default=default,
                range=doc.range,
                seed=doc.seed if doc.seed != "model" else parent.seed,
            )
        obj = _object_schema(prop, defs)
        items = _array_item_schema(prop, defs)
        nested_parent = doc if prefix else None  # no prefix below a top-level section
        if obj is not None:
            sub = default if isinstance(default, dict) else None
            out.extend(walk(obj, f"{path}.", defs, sub, nested_parent))
        elif items is not None:
            out.append(doc)
            out.extend(walk(items, f"{path}[].", defs, None, None))
        else:
            out.append(doc)
    return out


# --------------------------------------------------------------------------- YAML template


def yaml_value(value: Any) -> str:
    """``value`` as a one-line YAML scalar or flow collection that PyYAML reads back unchanged."""
    text = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=math.inf
    )
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _comment(doc: ParamDoc, title: str | None = None) -> str:
    parts = [doc.description or title or ""]
    facts = []
    if doc.unit and doc.unit != "-":
        facts.append(f"unit: {doc.unit}")
    if doc.range:
        facts.append(f"range: {doc.range}")
    facts.append(f"seed: {doc.seed}")
    return f"{parts[0]} [{'; '.join(facts)}]"


def _render(
    schema: Schema, values: dict[str, Any], defs: Schema, indent: int, lines: list[str]
) -> None:
    pad = "  " * indent
    for name, prop in schema.get("properties", {}).items():
        value = values.get(name, prop.get("default"))
        doc = _meta(prop, defs, name, value)
        obj = _object_schema(prop, defs)
        items = _array_item_schema(prop, defs)
        if name == "model" and indent == 0:
            _render_model(value, doc, lines)
            continue
        lines.append(f"{pad}# {_comment(doc)}")
        if obj is not None and isinstance(value, dict):
            lines.append(f"{pad}{name}:")
            _render(obj, value, defs, indent + 1, lines)
        elif items is not None:
            lines.append(f"{pad}#   each item: " + ", ".join(items.get("properties", {})))
            for iname, iprop in items.get("properties", {}).items():
                idoc = _meta(iprop, defs, iname, iprop.get("default"))
                lines.append(f"{pad}#   - {iname}: {_comment(idoc)}")
            if value:
                lines.append(f"{pad}{name}:")
                lines.extend(f"{pad}  - {yaml_value(item)}" for item in value)
            else:
                lines.append(f"{pad}{name}: []")
        else:
            lines.append(f"{pad}{name}: {yaml_value(value)}")
    return None


def _render_model(value: dict[str, Any], doc: ParamDoc, lines: list[str]) -> None:
    spec = dict(value or {"preset": "independent"})
    preset = spec.get("preset", "independent")
    lines.append(f"# {_comment(doc)}")
    lines.append("# Presets: " + ", ".join(n for n, p in PRESETS.items() if p.implemented))
    lines.append("model:")
    lines.append(f"  preset: {yaml_value(preset)}")
    for key, v in spec.items():
        if key != "preset":
            lines.append(f"  {key}: {yaml_value(v)}")
    resolved = resolve_model(spec).model_dump(mode="json")
    schema = ModelConfig.model_json_schema()
    body: list[str] = []
    _render(schema, resolved, schema.get("$defs", {}), 0, body)
    lines.append(
        f"  # Any field below overrides preset {preset!r} (values shown are the preset's);"
    )
    lines.append("  # uncomment and edit to change it. The independent baseline ignores overrides.")
    lines.extend(f"  # {line}" for line in body[2:])  # body[:2] is the `preset:` field


def annotated_template(example: str | None = None, model: str | None = None) -> str:
    """A scenario YAML listing every field with its value and a comment.

    Each comment gives the field's meaning, unit, valid range and source seed. With ``example``
    the values are those of that built-in example, otherwise the schema defaults. ``model``
    replaces the marketing-model preset (keeping the example's overrides of it). The text loads
    back into an equal :class:`Scenario`.
    """
    from clustermarketing.scenario.load import example_dict

    data = {} if example is None else example_dict(example)
    if model is not None:
        data["model"] = {**data.get("model", {}), "preset": model}
    scenario = Scenario.model_validate(data)
    values = scenario.model_dump(mode="json")
    schema = Scenario.model_json_schema()
    origin = [f"example {example!r}"] if example else []
    origin += [f"model {model!r}"] if model else []
    source = f" (from {', '.join(origin)})" if origin else ""
    lines = [
        f"# clustermarketing scenario{source}.",
        "# Every field is listed with its value; comments give meaning [unit; valid range; source",
        "# seed]. Delete any field to use its default. Check with: clustermarketing validate FILE",
        "# Seeds:",
        *(f"#   {k}: {v}" for k, v in SEEDS.items()),
        "",
    ]
    _render(schema, values, schema.get("$defs", {}), 0, lines)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- Markdown reference


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _default_md(value: Any) -> str:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        names = [str(v["name"]) for v in value if "name" in v]
        return f"{len(value)} item{'s' if len(value) > 1 else ''}" + (
            f" ({', '.join(names)})" if names else ""
        )
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"`{value}`" if value else "`''`"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _table(docs: list[ParamDoc]) -> list[str]:
    rows = [
        "| Parameter | Meaning | Unit | Default | Valid range | Seed |",
        "|---|---|---|---|---|---|",
    ]
    for d in docs:
        rows.append(
            f"| `{d.path}` | {_md(d.description)} | {_md(d.unit)} | {_md(_default_md(d.default))} "
            f"| {_md(d.range) or '-'} | {_md(d.seed)} |"
        )
    return rows


def _flatten(settings: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for k, v in settings.items():
        if isinstance(v, dict) and v:
            out.extend(_flatten(v, f"{prefix}{k}."))
        else:
            out.append(f"{prefix}{k}={json.dumps(v, ensure_ascii=False)}")
    return out


def scenario_reference_markdown() -> str:
    """Markdown reference of every scenario parameter, the ``model:`` fields and the presets."""
    schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    out = [
        "# Scenario reference",
        "",
        "<!-- Generated by scripts/gen_docs.py from the scenario schema; do not edit by hand. -->",
        "",
        "Every parameter of a scenario file (YAML or JSON), with its meaning, unit, default, valid",
        "range and the seed paper it comes from. Unknown keys are rejected. `clustermarketing new",
        "FILE` writes a template with all of them; `--set path=value` overrides one on the command",
        "line (list items by index: `markets.0.size=5e4`). `name[].field` denotes a field of each",
        "item of a list.",
        "",
        "## Sources (seed column)",
        "",
        "| Seed | Source |",
        "|---|---|",
        *(f"| {k} | {_md(v)} |" for k, v in SEEDS.items()),
        "",
    ]
    general = []
    sections: list[tuple[str, Schema, ParamDoc]] = []
    for name, prop in schema["properties"].items():
        if name == "model":
            continue
        doc = _meta(prop, defs, name, prop.get("default"))
        if _object_schema(prop, defs) is None and _array_item_schema(prop, defs) is None:
            general.append(doc)
        else:
            sections.append((name, prop, doc))
    out += ["## General", "", *_table(general), ""]
    for name, prop, doc in sections:
        target = _object_schema(prop, defs) or _array_item_schema(prop, defs) or {}
        out += [f"## `{name}` — {doc.description}", ""]
        if target.get("description"):
            out += [_md(target["description"]), ""]
        out += [*_table(walk({"properties": {name: prop}}, "", defs)), ""]
        if name == "functions":
            out += [
                "What `effect` (and `success`) mean for each function (x = a firm's activity, X =",
                "the cooperative's pooled activity; see docs/model.md §4):",
                "",
                "| Function | Effect |",
                "|---|---|",
                *(f"| `{f}` | {_md(m)} |" for f, m in EFFECT_MEANING.items()),
                "",
            ]
    out += _model_section(schema)
    return "\n".join(out).rstrip("\n") + "\n"


def _model_section(schema: Schema) -> list[str]:
    prop = schema["properties"]["model"]
    mschema = ModelConfig.model_json_schema()
    docs = walk(mschema, "model.")
    built = [n for n, p in PRESETS.items() if p.implemented]
    docs[0] = ParamDoc(
        path="model.preset",
        type="string",
        description="name of the marketing-model preset",
        unit="-",
        default=prop.get("default", {}).get("preset", "independent"),
        range="one of: " + ", ".join(built),
        seed=prop.get("seed", "000"),
    )
    out = [
        "## `model` — marketing model",
        "",
        "The `model:` section names a preset and may override any field below; the merged",
        "settings are validated as a whole. Defaults shown are those of the independent",
        "baseline; each preset sets its own (table below). The independent baseline ignores",
        "overrides.",
        "",
        *_table(docs),
        "",
        "### Presets",
        "",
        "| Preset | Title | Family | Seed | Status | Settings |",
        "|---|---|---|---|---|---|",
    ]
    for name, p in PRESETS.items():
        settings = "<br>".join(f"`{_md(s)}`" for s in _flatten(p.settings)) or "-"
        status = "built" if p.implemented else "planned"
        out.append(
            f"| `{name}` | {_md(p.title)} | {_md(p.family)} | {_md(p.seed)} | {status} "
            f"| {settings} |"
        )
    out.append("")
    return out


__all__ = ["ParamDoc", "annotated_template", "scenario_reference_markdown", "valid_range", "walk"]
