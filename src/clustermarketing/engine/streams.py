"""Named random streams: every use of randomness has its own stream, keyed by a stable name.

A run has one root :class:`numpy.random.SeedSequence`. The generator for a use is its child with
spawn key ``(*root_key, period, stream_id(name), slot)``, where :func:`stream_id` is a hash of the
use's name (BLAKE2b, 32 bits). Adding, removing or reordering streams therefore changes no other
stream (JAX's ``fold_in`` idea), and firm i's draw in a period is the i-th number of that period's
stream whatever else happened: a model and its baseline see the same numbers for every firm in
every period (exact common random numbers), however many firms each has alive.

Streams are declared once with :func:`declare` (the engine's phases here, each mechanism in its
module), so a typo is an error rather than a silently new stream, and two parts of the engine
cannot share a stream by accident.

>>> stream_id("join") == stream_id("join")
True
>>> Streams(np.random.SeedSequence(1)).gen(0, "join").random() == Streams(
...     np.random.SeedSequence(1)
... ).gen(0, "join").random()
True
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np
from numpy.random.bit_generator import ISeedSequence

from clustermarketing.engine import kernels

#: name → what it draws (filled by :func:`declare`)
DECLARED: dict[str, str] = {}

#: spawn-key period index of streams used at build time (before period 0)
BUILD_PERIOD = 2**32 - 1


@functools.lru_cache(maxsize=1024)
def stream_id(name: str) -> int:
    """A stable 32-bit id of a stream name (independent of Python's hash randomisation)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "little")


def declare(name: str, doc: str) -> str:
    """Declare stream ``name`` (what it draws); returns the name. Names are unique."""
    if name in DECLARED and DECLARED[name] != doc:
        raise ValueError(f"random stream {name!r} declared twice")
    ids = {stream_id(n): n for n in DECLARED}
    if stream_id(name) in ids and ids[stream_id(name)] != name:
        raise ValueError(f"random streams {name!r} and {ids[stream_id(name)]!r} collide")
    DECLARED[name] = doc
    return name


def seed_sequence(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    """A SeedSequence from an int or a SeedSequence (used as given)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed: {seed!r}; expected a non-negative integer or a SeedSequence")
    return np.random.SeedSequence(int(seed))


def child(seed: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """The child of ``seed`` with the spawn key extended by ``key`` (deterministic)."""
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, *key))


# NumPy's SeedSequence: 32-bit words, a pool of 4, and the hash multiplier's start and factor
_MASK32 = 0xFFFFFFFF
_POOL_SIZE = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875


def _uint32_words(x: int) -> list[int]:
    """``x`` as NumPy's SeedSequence splits an integer: 32-bit words, least significant first."""
    if x < 0:
        raise ValueError(f"random stream key: {x}; expected a non-negative integer")
    if x == 0:
        return [0]
    out = []
    while x > 0:
        out.append(x & _MASK32)
        x >>= 32
    return out


def _pool_prefix(entropy: object, key: tuple[int, ...]) -> tuple[np.ndarray, np.uint64] | None:
    """SeedSequence's pool and hash multiplier after mixing ``entropy`` and ``key``.

    Every stream of a run shares this prefix of the entropy array (the run's entropy, at least the
    pool size of words, then its spawn key); a stream's own key words are mixed in after it by
    :func:`kernels.stream_state_kernel`. The pool is NumPy's own (``SeedSequence(entropy,
    spawn_key=key).pool``: zero-padding the entropy to the pool size mixes as running the hash out
    with zeros does); the multiplier is ``INIT_A · MULT_A^k mod 2^32`` after the ``k`` hash steps
    of that mixing — one per pool word, one per ordered pair of pool words, and one per pool word
    for each word after the first four. None when the entropy is not an integer or a sequence of
    integers (then the streams use SeedSequence itself).
    """
    if isinstance(entropy, int | np.integer):
        run = len(_uint32_words(int(entropy)))
    elif isinstance(entropy, list | tuple) and all(
        isinstance(e, int | np.integer) for e in entropy
    ):
        run = sum(len(_uint32_words(int(e))) for e in entropy)
    else:
        return None
    words = max(run, _POOL_SIZE) + sum(len(_uint32_words(int(k))) for k in key)
    steps = _POOL_SIZE * _POOL_SIZE + _POOL_SIZE * (words - _POOL_SIZE)
    mult = _INIT_A * pow(_MULT_A, steps, 2**32) & _MASK32
    pool = np.random.SeedSequence(entropy, spawn_key=key).pool.astype(np.uint64)
    return pool, np.uint64(mult)


class _Seeded(ISeedSequence):
    """A seed sequence whose state is already computed (``PCG64`` asks for four uint64 words)."""

    def __init__(self, state: np.ndarray) -> None:
        self._state = state

    def generate_state(self, n_words: int, dtype: type = np.uint32) -> np.ndarray:
        if n_words != 4 or np.dtype(dtype) != np.uint64:
            raise ValueError(f"precomputed seed: {n_words} words of {dtype}; has 4 of uint64")
        return self._state


class Streams:
    """The random streams of one run, keyed by (period, stream name, slot)."""

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self.entropy = seed.entropy
        self.key = tuple(seed.spawn_key)
        self._prefix = _pool_prefix(self.entropy, self.key)

    def seq(self, t: int, use: str, slot: int = 0) -> np.random.SeedSequence:
        """The SeedSequence of ``use`` (and ``slot``) in period ``t``."""
        if use not in DECLARED:
            raise KeyError(f"random stream {use!r} is not declared (engine.streams.declare)")
        return np.random.SeedSequence(self.entropy, spawn_key=(*self.key, t, stream_id(use), slot))

    def gen(self, t: int, use: str, slot: int = 0) -> np.random.Generator:
        """The generator of ``use`` (and signal ``slot``) in period ``t``.

        The compiled path computes the SeedSequence state with a kernel from the run's cached
        prefix (the same four words, so the same numbers: a test checks it against NumPy); the
        NumPy path builds the SeedSequence. A period makes ~20–25 generators, and at a few hundred
        firms their seeding was a tenth of the period.
        """
        if self._prefix is None or not kernels.compiled():
            return np.random.Generator(np.random.PCG64(self.seq(t, use, slot)))
        if use not in DECLARED:
            raise KeyError(f"random stream {use!r} is not declared (engine.streams.declare)")
        words = _uint32_words(t) + _uint32_words(stream_id(use)) + _uint32_words(slot)
        state = kernels.stream_state_kernel(*self._prefix, np.array(words, dtype=np.uint64))
        return np.random.Generator(np.random.PCG64(_Seeded(state)))

    def build_gen(self, use: str) -> np.random.Generator:
        """The generator of a build-time ``use`` (firms, ties, markets)."""
        return self.gen(BUILD_PERIOD, use)


class Draws:
    """Period ``t``'s random numbers, drawn on first use.

    Every use (and every signal slot of a per-signal use) has its own stream, so what one phase
    draws never shifts another's numbers, and a draw nobody needs (the membership draws of the
    independent baseline, the cascade of a signal everybody knows) is never made.
    """

    def __init__(self, streams: Streams, t: int, n: int, m: int, k: int) -> None:
        self.streams, self.t, self.n, self.m, self.k = streams, t, n, m, k
        self._cache: dict[tuple[str, int, int], np.ndarray] = {}

    def uniform(self, use: str, size: int | None = None, slot: int = 0) -> np.ndarray:
        """Uniforms in [0, 1) for ``use`` (one per firm slot unless ``size`` is given)."""
        count = self.n if size is None else size
        key = (use, slot, count)
        if key not in self._cache:
            gen = self.streams.gen(self.t, use, slot)
            # single precision: 2^-24 resolution is plenty for comparing with probabilities
            self._cache[key] = gen.random(count, dtype=np.float32)
        return self._cache[key]

    def columns(self, use: str, slots: np.ndarray) -> np.ndarray:
        """(n, len(slots)) uniforms for per-signal ``use``, one stream per signal slot."""
        if len(slots) == 0:
            return np.zeros((self.n, 0), dtype=np.float32)
        return np.column_stack([self.uniform(use, slot=int(k)) for k in slots])

    def scalar(self, use: str, slot: int = 0) -> float:
        """One uniform for ``use``."""
        return float(self.uniform(use, 1, slot)[0])

    def normal(self, use: str, size: int) -> np.ndarray:
        """``size`` standard normal draws for ``use``."""
        return self.streams.gen(self.t, use).standard_normal(size)

    def integer_seed(self, use: str) -> int:
        """A seed in [0, 2^31) for a routine that takes its own generator (sampled allocations)."""
        return int(self.streams.gen(self.t, use).integers(0, 2**31))

    def generator(self, use: str) -> np.random.Generator:
        """The whole generator of ``use`` this period (for draws of variable size)."""
        return self.streams.gen(self.t, use)


# streams of the core phases (mechanisms declare theirs in their own modules)
for _name, _doc in {
    "signal": "arrival, market, segment and kind of a new market signal (4 uniforms)",
    "detect": "per firm and signal slot: detection by own or pooled research",
    "spread": "per firm and signal slot: infection over ties and structure links",
    "hub": "per signal slot: the structure's centre learning of a signal",
    "act": "per firm and signal slot: adapting to a known signal",
    "join": "per firm: initial membership / joining decision",
    "join2": "per firm: initial contribution decision",
    "revise": "per firm: whether a member revises its strategy",
    "pick": "per firm: which neighbour a revising member looks at",
    "copy": "per firm: Fermi copy decision",
    "mutate": "per firm: strategy mutation",
    "size_shock": "per market: standard normal shock to market size",
    "access": "per firm: success of own market-access effort",
    "new_market": "per firm and signal slot: entering a market a signal opened",
    "coop_new_market": "per signal slot: the cooperative entering a market a signal opened",
    "coop_access": "one uniform: success of pooled market access",
    "catch": "per firm: detection of a free-rider",
    "exclude": "per firm: exclusion of a detected free-rider",
    "develop": "per firm: success of own product development",
    "develop_pool": "one uniform: success of pooled product development",
    "fail": "one uniform: which member node fails",
    "allocation": "seed of sampled allocation rules (Shapley sampling)",
    "structure": "random links of a network structure",
    "entry": "Poisson number of entrants",
    "build.segment": "build: each slot's product segment",
    "build.employees": "build: SME employees (log-normal)",
    "build.leader_employees": "build: leaders' employees (log-normal)",
    "build.cost": "build: unit cost",
    "build.quality": "build: product quality",
    "build.orientation": "build: market orientation",
    "build.growth": "build: manager growth propensity",
    "build.access": "build: initial market access of SMEs",
    "build.leaders": "build: which firms are leading enterprises",
    "build.taste": "build: firm-market taste shocks ξ",
    "build.ties.strong": "build: strong ties",
    "build.ties.weak": "build: weak ties",
}.items():
    declare(_name, _doc)
