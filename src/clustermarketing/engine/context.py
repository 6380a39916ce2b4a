"""What a run carries besides the state: scenario, model, random streams, caches, logs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine.functions import function_arrays
from clustermarketing.engine.state import World
from clustermarketing.engine.structures import Structure
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

    def gen(self, t: int, use: str) -> np.random.Generator:
        """The generator of ``use`` in period ``t``."""
        ss = np.random.SeedSequence(self.entropy, spawn_key=(*self.key, t, _DRAW_ID[use]))
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
    structure: Structure | None = None
    removed: np.ndarray | None = None
    reference_members: list[np.ndarray] | None = None  # the model arm's members, per period
    member_log: list[np.ndarray] = field(default_factory=list)
    live: World | None = None  # the world restricted to this period's live prefix
    tie_log: sp.csr_matrix | None = None  # log-survival weights of the tie cascade on ``live``

    def __post_init__(self) -> None:
        self.fn = function_arrays(self.sc.functions)
        w = np.array([s.share for s in self.sc.firms.segments], dtype=float)
        self.seg_weight = w / w.sum()


@dataclass(frozen=True)
class Draws:
    """The period's uniform (and normal) draws, one field per use."""

    sig: np.ndarray  # (4,) arrival, market, segment, kind
    detect: np.ndarray  # (n, K)
    spread: np.ndarray  # (n, K)
    hub: np.ndarray  # (K,)
    act: np.ndarray  # (n, K)
    join: np.ndarray  # (n,)
    join2: np.ndarray  # (n,)
    revise: np.ndarray  # (n,)
    pick: np.ndarray  # (n,)
    copy: np.ndarray  # (n,)
    mutate: np.ndarray  # (n,)
    size_shock: np.ndarray  # (M,) standard normal
    access: np.ndarray  # (n,)
    fair: np.ndarray  # (n,)
    new_market: np.ndarray  # (n, K)
    coop_access: float
    coop_new_market: np.ndarray  # (K,)
    catch: np.ndarray  # (n,)
    exclude: np.ndarray  # (n,)
    develop: np.ndarray  # (n,)
    develop_pool: float
    fail: float
    allocation_seed: int


def draw(streams: Streams, t: int, n: int, m: int, k: int) -> Draws:
    """All of period ``t``'s random numbers for ``n`` slots, ``m`` markets, ``k`` signal slots."""

    def u(use: str, shape: int | tuple[int, ...]) -> np.ndarray:
        # single precision: 2^-24 resolution is plenty for comparing with probabilities
        return streams.gen(t, use).random(shape, dtype=np.float32)

    return Draws(
        sig=u("signal", 4),
        detect=u("detect", (n, k)),
        spread=u("spread", (n, k)),
        hub=u("hub", k),
        act=u("act", (n, k)),
        join=u("join", n),
        join2=u("join2", n),
        revise=u("revise", n),
        pick=u("pick", n),
        copy=u("copy", n),
        mutate=u("mutate", n),
        size_shock=streams.gen(t, "size_shock").standard_normal(m),
        access=u("access", n),
        fair=u("fair", n),
        new_market=u("new_market", (n, k)),
        coop_access=float(u("coop_access", 1)[0]),
        coop_new_market=u("coop_new_market", k),
        catch=u("catch", n),
        exclude=u("exclude", n),
        develop=u("develop", n),
        develop_pool=float(u("develop_pool", 1)[0]),
        fail=float(u("fail", 1)[0]),
        allocation_seed=int(streams.gen(t, "allocation").integers(0, 2**31)),
    )
