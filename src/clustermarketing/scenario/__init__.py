"""Scenarios: the validated description of a cluster, its markets and its marketing model."""

from clustermarketing.scenario.load import EXAMPLES, example, load_scenario
from clustermarketing.scenario.schema import Scenario

__all__ = ["EXAMPLES", "Scenario", "example", "load_scenario"]
