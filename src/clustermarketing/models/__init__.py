"""Marketing-model presets (MODEL.md §5): data, found by name, listable by the CLI.

A preset is a dictionary of :class:`~clustermarketing.scenario.model.ModelConfig` fields
(structure, pooled functions, mechanism settings). Every field can be overridden in a scenario's
``model:`` section. The engine has no per-preset branches beyond what these fields switch on.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Preset:
    """A named marketing model: what it is, where it comes from, and its settings."""

    name: str
    title: str
    family: str
    seed: str
    summary: str
    settings: dict[str, Any] = field(default_factory=dict)
    implemented: bool = True


PRESETS: dict[str, Preset] = {}


def register(preset: Preset) -> Preset:
    """Add a preset to the registry (names are unique)."""
    if preset.name in PRESETS:
        raise ValueError(f"preset {preset.name!r} registered twice")
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


from clustermarketing.models import presets as _presets  # noqa: E402,F401  (fills the registry)

__all__ = ["PRESETS", "Preset", "get_preset", "preset_settings", "register"]
