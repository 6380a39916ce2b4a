"""clustermarketing: simulate, analyse and evaluate cooperative marketing in industrial clusters.

>>> import clustermarketing as cm
>>> sc = cm.example("footwear")
>>> sc.model_config_for().preset
'collective_mark'
"""

from clustermarketing.analysis import Comparison, SimulationResult, compare, simulate
from clustermarketing.scenario import Scenario, example, load_scenario

__all__ = [
    "Comparison",
    "Scenario",
    "SimulationResult",
    "compare",
    "example",
    "load_scenario",
    "simulate",
]
__version__ = "0.1.0"
