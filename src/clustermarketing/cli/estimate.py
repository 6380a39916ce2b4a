"""How big a run is and roughly how long it takes and how much memory it needs, on this machine.

``clustermarketing validate`` prints the size of the run the scenario asks for,

    firm-periods = firms at t = 0 × periods × replicates × 2 arms (model and baseline),

and an estimate measured here and now: the scenario (model, markets, ties, everything) is
simulated for 4 periods at two small firm counts ``n₁ = min(N, 100)`` and ``n₂ = min(N, 400)``,
the time per arm-period is fitted as ``a + b·n`` and extrapolated to N firms; the peak memory of
the same runs (``tracemalloc``, which sees NumPy's arrays) is fitted the same way, plus what each
further replicate keeps (measured with 2 replicates). Firms that enter later are not foreseen and
timings on a shared machine vary, so the figures are rough (within a factor of about 2); they are
meant to tell a 10-second run from a 3-hour one before it starts. With firms or ties read from
files the counts are the files' and the calibration runs at that size.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LONG_SECONDS",
    "MEMORY_SHARE",
    "Estimate",
    "estimate_run",
    "format_bytes",
    "format_seconds",
    "physical_memory",
]

#: A run estimated longer than this gets a warning.
LONG_SECONDS = 600.0
#: A run estimated to need more than this share of the machine's memory gets a warning.
MEMORY_SHARE = 0.5
CALIBRATION_PERIODS = 4


@dataclass(frozen=True)
class Estimate:
    """Size and expected cost of a run (time for one worker)."""

    firms: int
    periods: int
    replicates: int
    seconds: float
    memory: float  # bytes
    panel: float  # bytes added by --firm-panel

    @property
    def firm_periods(self) -> int:
        """Firms × periods × replicates × 2 arms."""
        return self.firms * self.periods * self.replicates * 2


def format_seconds(s: float) -> str:
    """A duration rounded for reading: ``0.4 s``, ``12 s``, ``3.5 min``, ``2.1 h``.

    >>> format_seconds(0.42), format_seconds(12.3), format_seconds(210), format_seconds(7600)
    ('0.4 s', '12 s', '3.5 min', '2.1 h')
    """
    if s < 10:
        return f"{s:.1f} s"
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def format_bytes(b: float) -> str:
    """A size in MB or GB: ``12 MB``, ``3.4 GB``.

    >>> format_bytes(12.3e6), format_bytes(3.42e9), format_bytes(2e5)
    ('12 MB', '3.4 GB', '0.2 MB')
    """
    if b >= 1e9:
        return f"{b / 1e9:.1f} GB"
    if b >= 1e6:
        return f"{b / 1e6:.0f} MB"
    return f"{b / 1e6:.1f} MB"


def physical_memory() -> float | None:
    """Bytes of RAM of this machine, or None where the OS does not say."""
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def _fit(n1: int, y1: float, n2: int, y2: float, n: int) -> float:
    """The line through (n1, y1), (n2, y2) at n, never below the larger measured value's share."""
    if n2 == n1:
        return y2 * n / n2
    slope = max(0.0, (y2 - y1) / (n2 - n1))
    return max(y2 + slope * (n - n2), y2 * min(1.0, n / n2))


Measure = Callable[[Any, int, int, bool], tuple[float, float]]


def _measure(scenario: Any, model: str | None) -> Measure:
    def run(sc: Any, n: int, replicates: int, traced: bool) -> tuple[float, float]:
        from clustermarketing import simulate
        from clustermarketing.scenario import load_scenario

        if n != _firms(sc):
            sc = load_scenario(
                sc, [f"firms.count={n}", f"firms.leaders={min(n, sc.firms.leaders)}"]
            )
        if traced:
            tracemalloc.start()
        t0 = time.perf_counter()
        try:
            simulate(sc, model=model, periods=CALIBRATION_PERIODS, replicates=replicates)
            seconds = time.perf_counter() - t0
            peak = tracemalloc.get_traced_memory()[1] if traced else 0.0
        finally:
            if traced:
                tracemalloc.stop()
        return seconds, float(peak)

    return run


def _firms(scenario: Any) -> int:
    from clustermarketing.engine.build import n_initial

    return int(n_initial(scenario))


def estimate_run(
    scenario: Any,
    replicates: int | None = None,
    periods: int | None = None,
    model: str | None = None,
    measure: Measure | None = None,
) -> Estimate:
    """Measure small runs of ``scenario`` here and extrapolate to its full size."""
    n = _firms(scenario)
    reps = replicates or scenario.replicates
    horizon = periods or scenario.horizon
    run = measure or _measure(scenario, model)
    fixed = scenario.firms.source == "csv" or scenario.ties.source == "edgelist"
    n1, n2 = (n, n) if fixed else (min(n, 100), min(n, 400))
    t1, _ = run(scenario, n1, 1, False)
    t2, _ = (t1, 0.0) if n2 == n1 else run(scenario, n2, 1, False)
    _, m1 = run(scenario, n1, 1, True)
    _, m2 = (0.0, m1) if n2 == n1 else run(scenario, n2, 1, True)
    _, m2r = run(scenario, n2, 2, True)
    arm_periods = 2 * CALIBRATION_PERIODS
    per_arm_period = _fit(n1, t1 / arm_periods, n2, t2 / arm_periods, n)
    seconds = per_arm_period * 2 * horizon * reps
    base = _fit(n1, m1, n2, m2, n)
    # what a further replicate keeps (per period), scaled to N firms and the full horizon
    per_rep = max(0.0, m2r - m2) * (n / n2) * (horizon / CALIBRATION_PERIODS)
    memory = base + per_rep * (reps - 1)
    panel = 2.0 * reps * horizon * n * 30 * 8  # ~30 columns of 8 bytes per firm-period
    return Estimate(n, horizon, reps, seconds, memory, panel)
