"""Marketing models (MODEL.md §5): the typed model configuration and the preset registry.

A preset is data — structure, pooled functions, mechanism settings — validated against
:class:`~clustermarketing.models.config.ModelConfig` when registered, found by name and listed by
the CLI. The engine has no per-preset branches: a preset switches mechanisms on through its
settings (:mod:`clustermarketing.engine.mechanisms`).

This is the lowest layer above :mod:`clustermarketing.params`: the scenario names a model, the
engine runs it.
"""

from clustermarketing.models import presets as _presets  # noqa: F401  (fills the registry)
from clustermarketing.models.base import (
    BASELINE,
    PRESETS,
    Preset,
    deep_merge,
    get_preset,
    preset_settings,
    register,
    resolve_model,
)
from clustermarketing.models.config import FUNCTION_NAMES, ModelConfig

__all__ = [
    "BASELINE",
    "FUNCTION_NAMES",
    "PRESETS",
    "ModelConfig",
    "Preset",
    "deep_merge",
    "get_preset",
    "preset_settings",
    "register",
    "resolve_model",
]
