"""Cooperative sourcing: members buy inputs through their cooperating local partners (seed 001).

"Cooperative pricing" in seed 001 is a lower price through shared cost, not a price alliance.
A member with ``k`` strong ties to effective members sources a share
``coverage = 1 − exp(−k / solver.sourcing_partners)`` of its inputs inside the cooperative and
saves ``κ = solver.cooperative_cost_saving`` on that share:

    c_i ← c_i (1 − κ · coverage_i)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from clustermarketing.engine.mechanisms import Mechanism, Period, register


@register
class Sourcing(Mechanism):
    """Members' unit costs fall with sourcing among cooperating strong-tie partners."""

    name = "sourcing"
    title = "Cooperative sourcing (cooperative pricing)"
    config = None

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        return bool(model.cooperative)

    def unit_cost_factor(self, p: Period) -> np.ndarray:
        s = self.sc.solver
        eff = p.eff
        coverage = np.where(
            eff, -np.expm1(-(p.world.strong @ eff.astype(float)) / s.sourcing_partners), 0.0
        )
        return 1.0 - s.cooperative_cost_saving * coverage
