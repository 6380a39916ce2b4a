"""Coalition games derived from a simulated scenario (MODEL.md §8; seeds 000, 001).

``v(S)`` is what coalition ``S`` gains by pooling its marketing under a model while the others
market alone: the steady-state operating profit of S's firms with S cooperating, minus the pooled
cost ``C(S)`` of running the model's functions for S, minus what the same firms earn when
nobody cooperates (:class:`clustermarketing.analysis.steady.SteadyCluster`). ``C(S)`` alone is the
cost game of the pooled functions: one fixed cost, scale economies ``(Σx)^θ`` and coordination
per link, net of subsidies. A player is a product segment, a size class (leading enterprises,
and SMEs by employee tercile) or a single firm. Up to 16 players the games are tabulated
exactly; beyond that :meth:`ScenarioGame.value` is a batch function for
:func:`~clustermarketing.games.cooperative.shapley.shapley_sampled`.

>>> g = coalition_game("footwear", "collective_mark", players="segment")
>>> g.n
2
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clustermarketing.analysis.steady import SteadyCluster
from clustermarketing.games.cooperative.tu import TUGame
from clustermarketing.scenario.load import load_scenario

__all__ = ["PLAYER_KINDS", "ScenarioGame", "coalition_cost_game", "coalition_game", "scenario_game"]

PLAYER_KINDS = ("segment", "size", "firm")
EXACT_MAX_PLAYERS = 16


@dataclass
class ScenarioGame:
    """The coalition games of one scenario and model, evaluated lazily and cached."""

    players: list[str]
    groups: np.ndarray  # (slots,) player of each firm at t = 0, −1 for empty slots
    cluster: SteadyCluster
    _cache: dict[int, tuple[float, float]] = field(default_factory=dict, repr=False)
    _baseline: np.ndarray | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.players)

    def _outcome(self, mask: int) -> tuple[float, float]:
        if mask not in self._cache:
            if self._baseline is None:
                none = np.zeros(self.groups.size, dtype=bool)
                self._baseline = self.cluster.evaluate(none).operating_profit
            chosen = [i for i in range(self.n) if mask >> i & 1]
            members = np.isin(self.groups, chosen) & (self.groups >= 0)
            out = self.cluster.evaluate(members)
            gain = float((out.operating_profit - self._baseline)[members].sum()) - out.pooled_cost
            self._cache[mask] = (gain, out.pooled_cost)
        return self._cache[mask]

    def _batch(self, coalitions: np.ndarray, which: int) -> np.ndarray:
        c = np.atleast_2d(np.asarray(coalitions, dtype=bool))
        weights = 1 << np.arange(self.n, dtype=np.int64)
        masks = c.astype(np.int64) @ weights
        return np.array([0.0 if m == 0 else self._outcome(int(m))[which] for m in masks])

    def value(self, coalitions: np.ndarray) -> np.ndarray:
        """v(S) for a batch of coalitions (bool, shape (k, n))."""
        return self._batch(coalitions, 0)

    def cost(self, coalitions: np.ndarray) -> np.ndarray:
        """C(S) for a batch of coalitions (bool, shape (k, n))."""
        return self._batch(coalitions, 1)

    def tu(self, kind: str = "value") -> TUGame:
        """The game as a table (exact; at most 16 players)."""
        if self.n > EXACT_MAX_PLAYERS:
            raise ValueError(
                f"players: {self.n} players is too many to tabulate 2^n coalitions; expected at "
                f"most {EXACT_MAX_PLAYERS} (use --players segment|size, or shapley_sampled on "
                "ScenarioGame.value)"
            )
        masks = np.arange(1 << self.n, dtype=np.int64)
        coalitions = (masks[:, None] >> np.arange(self.n)) & 1
        fn = self.value if kind == "value" else self.cost
        values = fn(coalitions.astype(bool))
        return TUGame(values, cost=kind == "cost", players=list(self.players))


def _groups(cluster: Any, players: str) -> tuple[list[str], np.ndarray]:
    w = cluster.world
    firms = cluster.firms
    groups = np.full(w.n, -1, dtype=np.int64)
    if players == "segment":
        names = [s.name for s in cluster.sc.firms.segments]
        groups[firms] = w.segment[firms]
    elif players == "size":
        names, idx = [], np.full(firms.size, -1)
        sme = firms[~w.leader[firms]]
        cuts = np.quantile(w.employees[sme], [1 / 3, 2 / 3]) if sme.size else np.array([0.0, 0.0])
        cls = np.searchsorted(cuts, w.employees[firms], side="right")
        for label, sel in (
            ("small_SMEs", ~w.leader[firms] & (cls == 0)),
            ("medium_SMEs", ~w.leader[firms] & (cls == 1)),
            ("large_SMEs", ~w.leader[firms] & (cls == 2)),
            ("leaders", w.leader[firms]),
        ):
            if sel.any():
                idx[sel] = len(names)
                names.append(label)
        groups[firms] = idx
    elif players == "firm":
        names = [f"firm_{i}" for i in firms]
        groups[firms] = np.arange(firms.size)
    else:
        raise ValueError(f"players: {players!r}; expected one of {', '.join(PLAYER_KINDS)}")
    present = sorted(set(groups[firms].tolist()))
    remap = {old: new for new, old in enumerate(present)}
    groups[firms] = [remap[g] for g in groups[firms]]
    return [names[g] for g in present], groups


def scenario_game(
    scenario: Any, model: str | None = None, players: str = "segment", seed: int | None = None
) -> ScenarioGame:
    """The lazily evaluated coalition games of ``scenario`` (path, example name, dict, Scenario)."""
    sc = load_scenario(scenario)
    cfg = sc.model_config_for(model)
    if not cfg.cooperative:
        raise ValueError(f"model: {cfg.preset!r} pools nothing; expected a cooperative model")
    if players not in PLAYER_KINDS:
        raise ValueError(f"players: {players!r}; expected one of {', '.join(PLAYER_KINDS)}")
    cluster = SteadyCluster(sc, cfg, seed)
    names, groups = _groups(cluster, players)
    return ScenarioGame(names, groups, cluster)


def coalition_game(
    scenario: Any, model: str | None = None, players: str = "segment", seed: int | None = None
) -> TUGame:
    """The TU game v(S): what coalition S gains by pooling its marketing (exact, ≤ 16 players)."""
    return scenario_game(scenario, model, players, seed).tu("value")


def coalition_cost_game(
    scenario: Any, model: str | None = None, players: str = "segment", seed: int | None = None
) -> TUGame:
    """The cost game C(S) of the model's pooled functions for coalition S (≤ 16 players)."""
    return scenario_game(scenario, model, players, seed).tu("cost")
