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

from clustermarketing.engine import kernels
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
        # for every firm: the coverage it has (or would have) through its strong ties to
        # effective members
        strong = p.world.strong
        if kernels.compiled():
            partners = kernels.flag_count_kernel(strong.indptr, strong.indices, strong.data, eff)
        else:
            partners = strong @ eff.astype(float)
        coverage = -np.expm1(-partners / s.sourcing_partners)
        return 1.0 - s.cooperative_cost_saving * coverage
