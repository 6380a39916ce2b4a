"""Fairs: the periodic, government-led exhibition of the exhibition promotion model (seed 000).

In a fair period (every ``fairs.interval`` periods, while the structure's centre works and the
cooperative has effective members):

* joint promotion at the fair multiplies the pooled sales promotion's effect by
  ``fairs.promotion_multiplier``;
* buyer matching: each contributing member gains, with probability ``fairs.buyer_matching``, own
  access to the first market it lacks (for good);
* staging the fair costs ``fairs.cost``, carried by the cooperative's budget;
* the fair pulls entrants: ``fairs.entry_boost`` is added to the cluster's attractiveness.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from clustermarketing.engine.mechanisms import Mechanism, Period, register


@register
class Fairs(Mechanism):
    """Periodic fair: promotion multiplier, buyer matching, staging cost, pull on entrants."""

    name = "fairs"
    title = "Exhibition (fair) every few periods"
    config = "fairs"
    streams: ClassVar[dict[str, str]] = {"fair": "per firm: buyer matching at a fair"}

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        return model.fairs.interval > 0

    def flags(self, p: Period) -> dict[str, bool]:
        k = self.cfg.interval
        fair = (
            p.structure is not None and p.state.hub_alive and bool(p.eff.any()) and p.t % k == k - 1
        )
        return {"fair": fair}

    def open_markets(self, p: Period) -> np.ndarray:
        opened = np.zeros_like(p.state.access)
        if not p.flags["fair"]:
            return opened
        matched = np.flatnonzero(p.contrib & (p.draws.uniform("fair") < self.cfg.buyer_matching))
        lacking = ~p.state.access[matched]
        has = lacking.any(axis=1)
        opened[matched[has], np.argmax(lacking[has], axis=1)] = True
        return opened

    def promotion_multiplier(self, p: Period) -> dict[str, float]:
        return {"sales_promotion": self.cfg.promotion_multiplier} if p.flags["fair"] else {}

    def pooled_cost(self, p: Period) -> float:
        return self.cfg.cost if p.flags["fair"] else 0.0

    def entry_pull(self, p: Period) -> float:
        return self.cfg.entry_boost if p.flags["fair"] else 0.0
