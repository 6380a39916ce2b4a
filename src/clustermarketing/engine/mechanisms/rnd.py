"""Cooperative R&D: pooled product development with research institutes (seed 000).

Seed 000's high-tech "cooperative R&D" model: firms pool product development with research
institutes and academic groups, share the gains under an IP contract and carry less risk than
alone. With ``model.rnd.enabled`` this mechanism *replaces* the core rule for pooled
``product_development`` (hook ``pooled_development``; :mod:`clustermarketing.engine.stocks`):

* the pooled budget ``B`` is this period's cost of the pooled product development (its fixed cost
  plus ``c · X^θ`` on the contributors' activity, :mod:`clustermarketing.engine.functions`);
* the programme innovates with probability

      P(B) = 1 − exp(−(λ + β · n_inst) · (B / 1000)^γ)

  (λ ``budget_effect``, β ``institute_boost``, n_inst the scenario's institutions of kind
  ``research_institute`` or ``academic_group``, γ ``budget_exponent`` < 1: diminishing returns);
  one uniform of the stream ``rnd.innovation`` decides;
* a success raises every *contributing* effective member's quality by ``innovation_size ·
  ip_share`` (the IP contract: free-riding members get no licence to the result);
* every other active firm — non-members and free-riders — picks the innovation up with
  probability ``1 − (1 − spillover)^k``, ``k`` its ties (strong or weak) to contributors
  (stream ``rnd.spillover``; seed 003: knowledge travels over ties), gaining the same
  ``innovation_size · ip_share``.

Quality then erodes towards the birth level as every development gain does
(``stocks.quality_obsolescence``). Without the pooled function ``B = 0`` and nothing happens;
with λ = 0 and no institutes ``P = 0``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine.functions import F_INDEX
from clustermarketing.engine.mechanisms import Mechanism, Period, register

#: institution kinds that do research with the cluster (seed 000: research institutes, academic
#: groups)
RESEARCH_KINDS = ("research_institute", "academic_group")


def innovation_probability(
    budget: float | np.ndarray, rate: float, exponent: float
) -> float | np.ndarray:
    """``P = 1 − exp(−rate · (budget / 1000)^exponent)``: one period's chance of an innovation.

    ``rate`` is λ + β · n_inst; ``budget`` in CU. Rising in the budget with diminishing returns
    (``exponent`` ≤ 1), 0 without a budget or without a rate.

    >>> innovation_probability(0.0, 1.0, 0.5)
    0.0
    >>> round(float(innovation_probability(1000.0, 1.0, 0.5)), 4)  # 1 − e^{−1}
    0.6321
    >>> round(float(innovation_probability(4000.0, 1.0, 0.5)), 4)  # 1 − e^{−2}: √ returns
    0.8647
    """
    b = np.maximum(np.asarray(budget, dtype=float), 0.0) / 1000.0
    out = -np.expm1(-rate * np.power(b, exponent))
    return float(out) if np.ndim(out) == 0 else out


def innovation_gains(
    *,
    ties: sp.csr_matrix,
    contributors: np.ndarray,
    active: np.ndarray,
    size: float,
    spillover: float,
    u: np.ndarray,
) -> np.ndarray:
    """(n,) quality gains of one innovation: ``size`` to every contributor, and to every other
    active firm with ``k`` ties to contributors with probability ``1 − (1 − spillover)^k``
    (``u`` its uniform).

    >>> ties = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))
    >>> innovation_gains(ties=ties, contributors=np.array([True, False, False]),
    ...     active=np.ones(3, bool), size=0.05, spillover=1.0, u=np.full(3, 0.5)).tolist()
    [0.05, 0.05, 0.0]
    """
    gains = np.where(contributors, size, 0.0)
    k = ties @ contributors.astype(np.float64)
    pick = -np.expm1(k * np.log1p(-min(spillover, 1.0 - 1e-12)))
    gains[active & ~contributors & (k > 0) & (u < pick)] = size
    return gains


def research_institutions(sc: Any) -> int:
    """Number of the scenario's institutions of a research kind."""
    return sum(1 for inst in sc.institutions if inst.kind in RESEARCH_KINDS)


@register
class CooperativeRnD(Mechanism):
    """Pooled R&D: a budget-driven innovation shared by an IP contract, spilling over ties."""

    name = "rnd"
    title = "Cooperative R&D with research institutes"
    config = "rnd"
    streams: ClassVar[dict[str, str]] = {
        "rnd.innovation": "one uniform: does the pooled R&D programme innovate this period",
        "rnd.spillover": "per firm: does a firm tied to contributors pick up the innovation",
    }

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        return bool(model.rnd.enabled)

    def _rate(self) -> float:
        """λ + β · n_inst: the innovation rate per unit of (B / 1000)^γ."""
        return self.cfg.budget_effect + self.cfg.institute_boost * research_institutions(self.sc)

    def _budget(self, p: Period) -> float:
        """B: this period's cost of the pooled product development (CU)."""
        j = F_INDEX["product_development"]
        return float(p.plan.pooled_cost[j]) if p.plan.pooled[j] else 0.0

    def _probability(self, p: Period) -> float:
        """P(B) this period (0 without contributors)."""
        if not p.contrib.any():
            return 0.0
        return float(
            innovation_probability(self._budget(p), self._rate(), self.cfg.budget_exponent)
        )

    def _innovates(self, p: Period) -> bool:
        """Whether the programme innovates this period (the same draw for every hook)."""
        prob = self._probability(p)
        return prob > 0 and p.draws.scalar("rnd.innovation") < prob

    def pooled_development(self, p: Period, mkt: Any = None) -> np.ndarray:
        if not self._innovates(p):
            return np.zeros(p.eff.size)
        return innovation_gains(
            ties=p.world.ties,
            contributors=p.contrib & p.state.active,
            active=p.state.active,
            size=self.cfg.innovation_size * self.cfg.ip_share,
            spillover=self.cfg.spillover,
            u=p.draws.uniform("rnd.spillover"),
        )

    def record(self, p: Period, mkt: Any = None, books: Any = None) -> dict[str, float]:
        return {"innovations": 1.0 if self._innovates(p) else 0.0}
