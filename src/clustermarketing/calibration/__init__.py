"""Calibration from real data: demand estimation, cluster identification, validation.

* :func:`estimate_demand` — the engine's logit demand from product–market data (pyblp, the
  ``[calibrate]`` extra, imported only when demand is estimated), returning a
  :class:`DemandEstimate`; :func:`demand_scenario` / :func:`write_fragment` turn it into the
  scenario files the engine reads.
* :func:`location_quotients`, :func:`herfindahl`, :func:`identify_clusters`,
  :func:`firm_sizes`, :func:`fit_lognormal`, :func:`tie_degrees` — the cluster itself.
* :func:`validate_demand`, :func:`resimulate` — the engine's prices and shares against the data.

See docs/calibration.md.
"""

from clustermarketing.calibration.cluster import (
    LogNormalFit,
    cluster_scenario,
    firm_sizes,
    fit_lognormal,
    herfindahl,
    identify_clusters,
    location_quotients,
    tie_degrees,
)
from clustermarketing.calibration.data import CalibrationError, DemandSpec, check_products
from clustermarketing.calibration.demand import DemandEstimate, estimate_demand
from clustermarketing.calibration.fragment import (
    CalibratedScenario,
    demand_scenario,
    write_fragment,
)
from clustermarketing.calibration.validate import ValidationReport, resimulate, validate_demand

__all__ = [
    "CalibratedScenario",
    "CalibrationError",
    "DemandEstimate",
    "DemandSpec",
    "LogNormalFit",
    "ValidationReport",
    "check_products",
    "cluster_scenario",
    "demand_scenario",
    "estimate_demand",
    "firm_sizes",
    "fit_lognormal",
    "herfindahl",
    "identify_clusters",
    "location_quotients",
    "resimulate",
    "tie_degrees",
    "validate_demand",
    "write_fragment",
]
