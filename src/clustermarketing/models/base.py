"""The preset registry: marketing models as data, found by name, validated when registered."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from clustermarketing.models.config import ModelConfig

#: the independent-marketing baseline every model is compared with
BASELINE = "independent"


@dataclass(frozen=True)
class Preset:
    """A named marketing model: what it is, where it comes from, and its settings.

    ``settings`` are :class:`ModelConfig` fields; they are validated when the preset is
    registered, so a preset with a misspelt or out-of-range setting cannot exist.
    ``mechanisms`` says, per operating mechanism (function–interest, regulation, contract), what
    it does in this model (seed 000, Table 1; shown by ``clustermarketing models --table``).
    """

    name: str
    title: str
    family: str
    seed: str
    summary: str
    settings: dict[str, Any] = field(default_factory=dict)
    implemented: bool = True
    mechanisms: dict[str, str] = field(default_factory=dict)
    #: the contract every preset fulfils (tests/test_preset_contract.py): the metrics its
    #: mechanisms target with their expected direction ("+" or "-") against the baseline ...
    targets: dict[str, str] = field(default_factory=dict)
    #: ... the scenario (an example name and ``--set`` overrides) where the effect shows ...
    variant: tuple[str, tuple[str, ...]] = ("footwear", ())
    #: ... and the overrides that zero its key parameters, which must remove the effect
    key_off: tuple[str, ...] = ()

    @property
    def config(self) -> ModelConfig:
        """The preset's settings as a validated model configuration."""
        return ModelConfig.model_validate({"preset": self.name, **self.settings})


PRESETS: dict[str, Preset] = {}


def register(preset: Preset) -> Preset:
    """Add a preset to the registry (names are unique; settings must validate)."""
    if preset.name in PRESETS:
        raise ValueError(f"preset {preset.name!r} registered twice")
    if preset.implemented:
        try:
            preset.config  # noqa: B018  (validates)
        except ValidationError as e:
            raise ValueError(f"preset {preset.name!r}: invalid settings: {e}") from None
    PRESETS[preset.name] = preset
    return preset


def get_preset(name: str) -> Preset:
    """The preset called ``name``; a clear error names the valid ones."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; expected one of {', '.join(PRESETS)}") from None


def preset_settings(name: str) -> dict[str, Any]:
    """A deep copy of the preset's settings, with its name recorded."""
    p = get_preset(name)
    if not p.implemented:
        raise ValueError(
            f"model {name!r} is planned but not built yet; built models: "
            + ", ".join(n for n, q in PRESETS.items() if q.implemented)
        )
    return {"preset": name, **copy.deepcopy(p.settings)}


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated recursively by ``over`` (dicts merge, everything else replaces)."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def resolve_model(spec: dict[str, Any]) -> ModelConfig:
    """Merge a scenario's ``model:`` section over its preset and validate it.

    The independent baseline ignores overrides: it has no cooperative to configure.
    """
    name = spec.get("preset", BASELINE)
    get_preset(name)  # error with the valid names
    base = preset_settings(name)
    over = {k: v for k, v in spec.items() if k != "preset"}
    merged = base if name == BASELINE else deep_merge(base, over)
    merged["preset"] = name
    try:
        return ModelConfig.model_validate(merged)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise ValueError(f"{loc}: {err['msg']} (got {err.get('input')!r})") from None
