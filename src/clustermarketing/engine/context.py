"""What a run carries besides the state: scenario, model, random streams, caches, logs.

Every phase of a period draws from its own generator (children of the run's SeedSequence) and
draws arrays of a fixed shape whatever the model does, so a model and its independent baseline
consume the same random numbers (common random numbers) however differently they evolve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine.functions import function_arrays
from clustermarketing.engine.state import World
from clustermarketing.engine.structures import Structure
from clustermarketing.scenario.model import ModelConfig
from clustermarketing.scenario.schema import Scenario

PHASES = (
    "signals",
    "membership",
    "contribution",
    "structure",
    "market",
    "access",
    "sanctions",
    "stocks",
    "demography",
)


def make_streams(seed: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """One independent generator per phase, children of the run's SeedSequence."""
    return {
        name: np.random.Generator(np.random.PCG64(s))
        for name, s in zip(PHASES, seed.spawn(len(PHASES)), strict=True)
    }


@dataclass
class Context:
    """Everything a run needs besides the state."""

    world: World
    sc: Scenario
    model: ModelConfig
    pricing: str
    streams: dict[str, np.random.Generator]
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


def draw(streams: dict[str, np.random.Generator], n: int, m: int, k: int) -> Draws:
    """All of one period's random numbers, in a fixed order and shape."""
    s, mb, c, a = (
        streams["signals"],
        streams["membership"],
        streams["contribution"],
        streams["access"],
    )
    return Draws(
        sig=s.random(4),
        detect=s.random((n, k)),
        spread=s.random((n, k)),
        hub=s.random(k),
        act=s.random((n, k)),
        join=mb.random(n),
        join2=mb.random(n),
        revise=c.random(n),
        pick=c.random(n),
        copy=c.random(n),
        mutate=c.random(n),
        size_shock=streams["market"].standard_normal(m),
        access=a.random(n),
        fair=a.random(n),
        new_market=a.random((n, k)),
        coop_access=float(a.random()),
        coop_new_market=a.random(k),
        catch=streams["sanctions"].random(n),
        exclude=streams["sanctions"].random(n),
        develop=streams["stocks"].random(n),
        develop_pool=float(streams["stocks"].random()),
        fail=float(streams["structure"].random()),
        allocation_seed=int(streams["structure"].integers(0, 2**31)),
    )
