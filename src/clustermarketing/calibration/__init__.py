"""Calibration from real data: demand estimation, cluster identification, validation.

See docs/calibration.md. pyblp (the ``[calibrate]`` extra) is imported only when demand is
estimated.
"""

from clustermarketing.calibration.data import CalibrationError, DemandSpec, check_products
from clustermarketing.calibration.demand import DemandEstimate, estimate_demand

__all__ = [
    "CalibrationError",
    "DemandEstimate",
    "DemandSpec",
    "check_products",
    "estimate_demand",
]
