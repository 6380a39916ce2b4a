"""A spy mechanism for hand-stepped tests: keeps each period's input, market and accounts.

Registered for the duration of a test (fixture ``spy`` in the test modules); it implements only
the ``record`` hook, returns nothing, draws nothing, so it changes no result.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from clustermarketing.engine import mechanisms
from clustermarketing.engine.mechanisms import Mechanism, Period
from clustermarketing.engine.period import step


class Spy(Mechanism):
    """Keeps (period input, market, accounts) of the last period, and the state as the market
    and the membership counterfactual saw it (after access and prices, before the stocks)."""

    name = "test_spy"
    title = "Test spy (records the period)"
    last: ClassVar[dict[str, Any]] = {}
    mid: ClassVar[Any] = None

    @classmethod
    def enabled(cls, model: Any, sc: Any) -> bool:
        return True

    def transfers(self, p: Period, mkt: Any) -> dict[str, np.ndarray]:
        Spy.mid = copy.deepcopy(p.state)
        return {}

    def record(self, p: Period, mkt: Any, books: Any) -> dict[str, float]:
        # ``p_mid``: the period input with the state as the market phase saw it
        Spy.last = {"p": p, "mkt": mkt, "books": books, "p_mid": replace(p, state=Spy.mid)}
        return {}


def install() -> None:
    """Register the spy (last in the hook order)."""
    mechanisms.register(Spy)


def remove() -> None:
    """Unregister the spy."""
    mechanisms.MECHANISMS.pop(Spy.name, None)


def stepped(state: Any, ctx: Any) -> tuple[Any, dict[str, Any]]:
    """Step one period; return (the state before it, what the spy saw)."""
    before = copy.deepcopy(state)
    step(state, ctx)
    return before, dict(Spy.last)


def ci95(x: np.ndarray) -> tuple[float, float]:
    """95% t-interval of the mean of paired differences."""
    from scipy import stats

    x = np.asarray(x, dtype=float)
    h = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return float(x.mean() - h), float(x.mean() + h)
