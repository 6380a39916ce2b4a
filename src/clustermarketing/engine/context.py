"""What a run carries besides the state: scenario, model, random streams, caches, logs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine.functions import function_arrays
from clustermarketing.engine.mechanisms import Mechanisms
from clustermarketing.engine.state import World
from clustermarketing.engine.streams import Draws, Streams
from clustermarketing.models.config import ModelConfig
from clustermarketing.scenario.schema import Scenario


@dataclass
class Context:
    """Everything a run needs besides the state."""

    world: World
    sc: Scenario
    model: ModelConfig
    pricing: str
    streams: Streams
    fn: dict[str, np.ndarray] = field(init=False)
    mechanisms: Mechanisms = field(init=False)
    seg_weight: np.ndarray = field(init=False)
    removed: np.ndarray | None = None
    reference_members: list[np.ndarray] | None = None  # the model arm's members, per period
    member_log: list[np.ndarray] = field(default_factory=list)
    # per period (profit, active) of the live slots, kept when the analysis needs group profits
    profit_log: list[tuple[np.ndarray, np.ndarray]] | None = None
    live: World | None = None  # the world restricted to this period's live prefix
    tie_log: sp.csr_matrix | None = None  # log-survival weights of the tie cascade on ``live``

    def __post_init__(self) -> None:
        self.fn = function_arrays(self.sc.functions)
        self.mechanisms = Mechanisms(self.model, self.sc)
        w = np.array([s.share for s in self.sc.firms.segments], dtype=float)
        self.seg_weight = w / w.sum()


def make_streams(seed: int | np.random.SeedSequence) -> Streams:
    """The run's random streams."""
    from clustermarketing.engine.streams import seed_sequence

    return Streams(seed_sequence(seed))


def draw(streams: Streams, t: int, n: int, m: int, k: int) -> Draws:
    """Period ``t``'s random numbers for ``n`` slots, ``m`` markets and ``k`` signal slots."""
    return Draws(streams, t, n, m, k)
