"""Shared marketing channel: pooled channel capacity is rival, allocated by unmet need (seed 000).

Without this mechanism a pooled channel is a common one, split among effective members in
proportion to their capacity. With it (``model.shared_channel``), each effective member asks for
the demand its own channel cannot carry, ``want_i = max(0, min(demand_i, capacity_i) − own_i)``,
and the pooled capacity is rationed pro rata when the asks exceed it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from clustermarketing.engine.mechanisms import Mechanism, Period, register


@register
class ChannelSharing(Mechanism):
    """Pooled channel capacity rationed by unmet need."""

    name = "channel_sharing"
    title = "Shared channel allocated by need"
    config = None

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        return bool(model.shared_channel)

    def pooled_channel(self, p: Period, demand: np.ndarray, own_channel: np.ndarray) -> np.ndarray:
        cap = p.world.capacity
        want = np.where(p.eff, np.maximum(0.0, np.minimum(demand, cap) - own_channel), 0.0)
        if want.sum() > 0:
            return want * min(1.0, p.state.coop_channel / want.sum())
        return np.zeros_like(want)
