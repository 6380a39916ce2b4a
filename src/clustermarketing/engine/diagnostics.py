"""Is membership a best response? One-period deviations on the same random numbers.

For a sample of firms in a period, the period is simulated again from the same state and with the
same random numbers, with one firm's membership flipped (a member leaves, a non-member joins and
contributes); everything else follows the model's own dynamics. Only feasible deviations are
sampled: every member may leave, a non-member may join if it meets the admission standard and is
not barred after an exclusion. The firm's status is a best
response if its actual profit is at least its profit under the deviation, less a tolerance of
``tolerance × |revenue|`` (default 1%: differences that small are within the period's noise and
the decision's inertia). ``membership_best_response`` is the share of sampled (firm, period)
cases whose status is a best response (MODEL.md §6, "membership is a best response").
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from clustermarketing.engine.context import Context
from clustermarketing.engine.period import step
from clustermarketing.engine.state import State
from clustermarketing.engine.streams import declare

declare("diagnostics.sample", "diagnostics: which firms are sampled for a deviation")


@dataclass
class DeviationCase:
    """One sampled firm in one period."""

    period: int
    firm: int
    member: bool  # its actual status in the period
    profit: float  # actual profit
    deviation_profit: float  # profit with the other status
    revenue: float

    def best_response(self, tolerance: float) -> bool:
        """Whether the actual status earns at least the deviation (within the tolerance)."""
        return self.profit >= self.deviation_profit - tolerance * max(abs(self.revenue), 1.0)


def _copy(state: State, ctx: Context) -> tuple[State, Context]:
    st = copy.deepcopy(state)
    cx = copy.copy(ctx)
    cx.member_log = []
    cx.profit_log = None
    cx.removed = None if ctx.removed is None else ctx.removed.copy()
    cx.force = None
    return st, cx


def deviation_step(state: State, ctx: Context, *, sample: int) -> tuple[dict, list[DeviationCase]]:
    """Step ``state`` one period (as :func:`step` does) and evaluate deviations of a sample.

    Returns the period's record and the sampled cases. ``state`` and ``ctx`` advance exactly as
    with :func:`step`; the deviations run on copies.
    """
    before, before_ctx = _copy(state, ctx)
    t = state.t
    record = step(state, ctx)
    decided = ctx.decided
    if decided is None:  # the model has no cooperative: nothing to decide
        return record, []
    # only firms with a feasible deviation: members (who may leave) and non-members the
    # cooperative would admit (quality at least the standard)
    admissible = (before.quality[: decided.size] >= ctx.model.regulation.quality_standard) & (
        before.barred_until[: decided.size] <= before.t
    )
    candidates = np.flatnonzero(before.active[: decided.size] & (decided | admissible))
    if not candidates.size:
        return record, []
    rng = ctx.streams.gen(t, "diagnostics.sample")
    chosen = rng.permutation(candidates)[:sample]
    cases = []
    for i in np.sort(chosen):
        st, cx = _copy(before, before_ctx)
        cx.force = (int(i), not bool(decided[i]))
        step(st, cx)
        cases.append(
            DeviationCase(
                period=t - ctx.start,
                firm=int(i),
                member=bool(decided[i]),
                profit=float(state.profit[i]),
                deviation_profit=float(st.profit[i]),
                revenue=float(state.revenue[i]),
            )
        )
    return record, cases


def summarise(cases: list[DeviationCase], tolerance: float) -> dict[str, float]:
    """Share of best responses overall and by status, and the mean gain a deviation forgoes."""
    if not cases:
        return {"membership_best_response": float("nan"), "cases": 0.0}
    ok = np.array([c.best_response(tolerance) for c in cases])
    mem = np.array([c.member for c in cases])
    gain = np.array([c.profit - c.deviation_profit for c in cases])
    out = {
        "membership_best_response": float(ok.mean()),
        "cases": float(len(cases)),
        "members_best_response": float(ok[mem].mean()) if mem.any() else float("nan"),
        "nonmembers_best_response": float(ok[~mem].mean()) if (~mem).any() else float("nan"),
        "mean_gain_over_deviation": float(gain.mean()),
    }
    return out
