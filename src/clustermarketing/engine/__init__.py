"""The vectorised cluster simulation engine (MODEL.md §1–§7).

``period.step`` advances a cluster by one period; ``runner.run_arm`` runs one arm of one
replicate; ``metrics`` defines the summary metrics. Comparing arms (model vs baseline, common
random numbers, confidence intervals) is :mod:`clustermarketing.analysis`.
"""

from clustermarketing.engine.metrics import METRICS
from clustermarketing.engine.runner import ArmRun, run_arm

__all__ = ["METRICS", "ArmRun", "run_arm"]
