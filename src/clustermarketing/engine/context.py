"""What a run carries besides the state: scenario, model, random streams, caches, logs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine.functions import function_arrays
from clustermarketing.engine.state import World
from clustermarketing.scenario.model import ModelConfig
from clustermarketing.scenario.schema import Scenario

DRAWS = (
    "signal",
    "detect",
    "spread",
    "hub",
    "act",
    "join",
    "join2",
    "revise",
    "pick",
    "copy",
    "mutate",
    "size_shock",
    "access",
    "fair",
    "new_market",
    "coop_access",
    "coop_new_market",
    "catch",
    "exclude",
    "develop",
    "develop_pool",
    "fail",
    "allocation",
    "structure",
    "entry",
)
_DRAW_ID = {name: i for i, name in enumerate(DRAWS)}


class Streams:
    """Random streams keyed by (run seed, period, use).

    Each use of randomness in each period has its own generator, a child of the run's
    SeedSequence with spawn key ``(*run_key, period, use)``. Firm i's draw is therefore the i-th
    number of its stream whatever else happened: a model and its baseline see the same numbers
    for every firm in every period (exact common random numbers), however many firms each has.
    """

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self.entropy = seed.entropy
        self.key = tuple(seed.spawn_key)

    def gen(self, t: int, use: str, slot: int = 0) -> np.random.Generator:
        """The generator of ``use`` (and signal ``slot``) in period ``t``."""
        ss = np.random.SeedSequence(self.entropy, spawn_key=(*self.key, t, _DRAW_ID[use], slot))
        return np.random.Generator(np.random.PCG64(ss))


def make_streams(seed: np.random.SeedSequence) -> Streams:
    """The run's random streams."""
    return Streams(seed)


@dataclass
class Context:
    """Everything a run needs besides the state."""

    world: World
    sc: Scenario
    model: ModelConfig
    pricing: str
    streams: Streams
    fn: dict[str, np.ndarray] = field(init=False)
    seg_weight: np.ndarray = field(init=False)
    removed: np.ndarray | None = None
    reference_members: list[np.ndarray] | None = None  # the model arm's members, per period
    member_log: list[np.ndarray] = field(default_factory=list)
    live: World | None = None  # the world restricted to this period's live prefix
    tie_log: sp.csr_matrix | None = None  # log-survival weights of the tie cascade on ``live``

    def __post_init__(self) -> None:
        self.fn = function_arrays(self.sc.functions)
        w = np.array([s.share for s in self.sc.firms.segments], dtype=float)
        self.seg_weight = w / w.sum()


class Draws:
    """Period ``t``'s random numbers, drawn on first use.

    Every use (and every signal slot of a per-signal use) has its own stream, so what one phase
    draws never shifts another's numbers, and a draw nobody needs (the membership draws of the
    independent baseline, the cascade of a signal everybody knows) is never made.
    """

    def __init__(self, streams: Streams, t: int, n: int, m: int, k: int) -> None:
        self.streams, self.t, self.n, self.m, self.k = streams, t, n, m, k
        self._cache: dict[tuple[str, int], np.ndarray] = {}

    def uniform(self, use: str, size: int | None = None, slot: int = 0) -> np.ndarray:
        """Uniforms in [0, 1) for ``use`` (one per firm slot unless ``size`` is given)."""
        key = (use, slot)
        if key not in self._cache:
            gen = self.streams.gen(self.t, use, slot)
            # single precision: 2^-24 resolution is plenty for comparing with probabilities
            self._cache[key] = gen.random(self.n if size is None else size, dtype=np.float32)
        return self._cache[key]

    def columns(self, use: str, slots: np.ndarray) -> np.ndarray:
        """(n, len(slots)) uniforms for per-signal ``use``, one stream per signal slot."""
        if len(slots) == 0:
            return np.zeros((self.n, 0), dtype=np.float32)
        return np.column_stack([self.uniform(use, slot=int(k)) for k in slots])

    def scalar(self, use: str) -> float:
        """One uniform for ``use``."""
        return float(self.uniform(use, 1)[0])

    @property
    def size_shock(self) -> np.ndarray:
        """(M,) standard normal shocks to market sizes."""
        return self.streams.gen(self.t, "size_shock").standard_normal(self.m)

    @property
    def allocation_seed(self) -> int:
        """Seed for sampled allocation rules."""
        return int(self.streams.gen(self.t, "allocation").integers(0, 2**31))

    def __getattr__(self, use: str) -> np.ndarray:
        # per-firm uses: d.join, d.catch, ...
        if use in _PER_FIRM:
            return self.uniform(use)
        raise AttributeError(use)


_PER_FIRM = frozenset(
    {
        "join",
        "join2",
        "revise",
        "pick",
        "copy",
        "mutate",
        "access",
        "fair",
        "catch",
        "exclude",
        "develop",
    }
)


def draw(streams: Streams, t: int, n: int, m: int, k: int) -> Draws:
    """Period ``t``'s random numbers for ``n`` slots, ``m`` markets and ``k`` signal slots."""
    return Draws(streams, t, n, m, k)
