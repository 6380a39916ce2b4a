"""The vectorised cluster simulation engine (MODEL.md §1–§7)."""

from clustermarketing.engine.run import BASELINE, METRICS, SimulationResult, simulate

__all__ = ["BASELINE", "METRICS", "SimulationResult", "simulate"]
