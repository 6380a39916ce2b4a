"""What a run carries besides the state: scenario, model, random streams, caches, logs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine.build import institution_fields
from clustermarketing.engine.functions import function_arrays
from clustermarketing.engine.mechanisms import Mechanisms
from clustermarketing.engine.state import State, World
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
    start: int = 0  # the period the model switched on (after the burn-in)
    force: tuple[int, bool] | None = None  # diagnostics: (firm, member?) imposed this period
    decided: np.ndarray | None = None  # membership as decided this period (before any force)
    removed: np.ndarray | None = None
    member_log: list[np.ndarray] = field(default_factory=list)
    # per period (profit, active) of the live slots, kept when the analysis needs group profits
    profit_log: list[tuple[np.ndarray, np.ndarray]] | None = None
    # per period: the breakdown by market, segment and size (record.group_record), when kept
    group_log: list[list[dict]] | None = None
    live: World | None = None  # the world restricted to this period's live prefix
    tie_log: sp.csr_matrix | None = None  # log-survival weights of the tie cascade on ``live``

    def __post_init__(self) -> None:
        self.fn = function_arrays(self.sc.functions)
        self.mechanisms = Mechanisms(self.model, self.sc)
        w = np.array([s.share for s in self.sc.firms.segments], dtype=float)
        self.seg_weight = w / w.sum()

    def switch_model(self, model: ModelConfig, start: int, state: State | None = None) -> None:
        """Run ``model`` from period ``start`` on (after a burn-in under another model); its
        mechanisms' own state is installed into ``state``."""
        self.model = model
        self.mechanisms = Mechanisms(model, self.sc)
        self.world = dataclasses.replace(self.world, **institution_fields(self.sc, model))
        self.live = None  # the live view is rebuilt from the new world
        self.start = start
        self.member_log = []
        self.removed = None
        if self.profit_log is not None:
            self.profit_log = []
        if state is not None:
            self.mechanisms.init_state(self.world, state)


def make_streams(seed: int | np.random.SeedSequence) -> Streams:
    """The run's random streams."""
    from clustermarketing.engine.streams import seed_sequence

    return Streams(seed_sequence(seed))


def draw(streams: Streams, t: int, n: int, m: int, k: int) -> Draws:
    """Period ``t``'s random numbers for ``n`` slots, ``m`` markets and ``k`` signal slots."""
    return Draws(streams, t, n, m, k)
