"""Small experiments for the sweep tests: 60 firms, 4 periods, a handful of runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MINIMAL = """\
base: footwear
set: {firms.count: 200}
parameters:
  ties.strong_degree: {low: 1, high: 8}
  model.regulation.fine: {low: 0, high: 500}
design: {kind: lhs, points: 16}
models: [collective_mark]
replicates: 2
periods: 12
outcomes: [sme_profit, cooperation_rate]
seed: 7
"""


def small_experiment(**changes: Any) -> dict[str, Any]:
    """The issue's minimal experiment, shrunk (60 firms, 4 periods, 3 points × 2 replicates)."""
    exp = yaml.safe_load(MINIMAL)
    exp["set"] = {"firms.count": 60}
    exp["periods"] = 4
    exp["design"] = {"kind": "lhs", "points": 3}
    exp.update(changes)
    return exp


def write_experiment(path: Path, data: dict[str, Any] | str) -> Path:
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path
