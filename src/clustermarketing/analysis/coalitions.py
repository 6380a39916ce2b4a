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

Cooperation restricted by the cluster's structure (docs/games.md, "Games of a scenario"):
:meth:`ScenarioGame.player_graph` aggregates the firms' ties (or the model's organisational
structure) to a communication graph between the players, for the Myerson value, and
:meth:`ScenarioGame.unions` groups the players into a priori unions (segments, size classes,
leaders vs SMEs), for the Owen and Aumann–Drèze values.

>>> g = coalition_game("footwear", "collective_mark", players="segment")
>>> g.n
2
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from clustermarketing.analysis.steady import SteadyCluster
from clustermarketing.engine.structures import build_structure
from clustermarketing.games.cooperative.tu import TUGame
from clustermarketing.scenario.load import load_scenario

__all__ = [
    "DEFAULT_MIN_RATIO",
    "GRAPH_KINDS",
    "PLAYER_KINDS",
    "UNION_KINDS",
    "PlayerGraph",
    "ScenarioGame",
    "coalition_cost_game",
    "coalition_game",
    "player_graph",
    "player_unions",
    "scenario_game",
]

PLAYER_KINDS = ("segment", "size", "firm")
EXACT_MAX_PLAYERS = 16
#: Communication graphs between players: the model's organisational structure, or the firms'
#: ties (all, strong only, weak only).
GRAPH_KINDS = ("structure", "ties", "strong", "weak")
#: A priori unions of players: by product segment, by size class, leading enterprises vs SMEs.
UNION_KINDS = ("segment", "size", "leaders")
#: Two groups of firms are linked when the ties between them number at least this share of
#: what random mixing would give (``L_ab ≥ r·D_a·D_b / 2m``; docs/games.md).
DEFAULT_MIN_RATIO = 0.5

_UNION_WHAT = {"segment": "segments", "size": "size classes", "leaders": "groups (leaders, SMEs)"}


@dataclass(frozen=True)
class PlayerGraph:
    """The communication graph between the players of a scenario game, and its firm-level basis.

    Attributes
    ----------
    players:
        Player labels, in the game's order.
    source:
        ``"ties"``, ``"strong"``, ``"weak"`` (the firms' tie network) or ``"structure"`` (the
        model's organisational structure over all firms, as the cooperative would form it).
    edges:
        The links between players as label pairs, ``(a, b)`` with ``a`` before ``b`` in player
        order — what :func:`clustermarketing.games.myerson` takes.
    links:
        ``(n, n)`` counts of firm-level ties (structure links) between the firms of two players;
        the diagonal counts those inside a player. Each tie is counted once.
    expected:
        ``(n, n)`` ties expected between two players if ties mixed at random given the firms'
        degrees, ``E_ab = D_a·D_b / 2m`` (inside a player ``D_a² / 4m``; tie graphs only,
        ``None`` for the structure).
    min_ratio:
        The threshold on ``links / expected`` that made a link (tie graphs between groups);
        ``None`` when no threshold applies (firm players: a tie is a link; the structure).
    hub_linked:
        Players with a firm linked to the structure's hub; the hub relays between them, so they
        are linked to one another (structure only).
    structure:
        The structure's kind (``star``, ``hierarchical``, ``chain``, ``network``, ``none``) for
        ``source == "structure"``.
    kind:
        What a player is (``segment``, ``size``, ``firm``); ``None`` for a graph given directly.
    """

    players: list[str]
    source: str
    edges: list[tuple[str, str]]
    links: np.ndarray
    expected: np.ndarray | None = None
    min_ratio: float | None = None
    hub_linked: list[str] = field(default_factory=list)
    structure: str | None = None
    kind: str | None = None

    @classmethod
    def from_edges(
        cls, players: list[str], edges: list[tuple[str, str]], source: str
    ) -> PlayerGraph:
        """A graph given directly as links between player labels (e.g. read from a file).

        A link to an unknown player, a self-link or a link given twice (also reversed) is an
        error (:func:`clustermarketing.games.cooperative._structure.parse_edges`).

        >>> PlayerGraph.from_edges(["a", "b", "c"], [("b", "a")], "my.csv").isolated
        ['c']
        """
        from clustermarketing.games.cooperative._structure import parse_edges

        names = [str(p) for p in players]
        pairs = parse_edges(edges, names)
        links = np.zeros((len(names), len(names)))
        links[pairs[:, 0], pairs[:, 1]] = links[pairs[:, 1], pairs[:, 0]] = 1.0
        ordered = sorted((int(a), int(b)) for a, b in pairs)
        return cls(names, source, [(names[a], names[b]) for a, b in ordered], links)

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def ratio(self) -> np.ndarray | None:
        """``links / expected`` between players (0 where nothing is expected); tie graphs only."""
        if self.expected is None:
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(self.expected > 0, self.links / self.expected, 0.0)
        return r

    @property
    def components(self) -> list[list[str]]:
        """Connected components of the player graph (each in player order, by first member)."""
        index = {p: i for i, p in enumerate(self.players)}
        rows = [index[a] for a, _ in self.edges]
        cols = [index[b] for _, b in self.edges]
        adj = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(self.n, self.n))
        _, labels = connected_components(adj, directed=False)
        comps: dict[int, list[str]] = {}
        for p, lab in zip(self.players, labels.tolist(), strict=True):
            comps.setdefault(lab, []).append(p)
        return list(comps.values())

    @property
    def isolated(self) -> list[str]:
        """Players without any link: under the Myerson value they get their stand-alone worth."""
        linked = {p for e in self.edges for p in e}
        return [p for p in self.players if p not in linked]

    @property
    def complete(self) -> bool:
        """Every pair of players is linked (then the Myerson value is the Shapley value)."""
        return len(self.edges) == self.n * (self.n - 1) // 2

    def rule(self) -> str:
        """One sentence saying how the links were made."""
        kinds = {"ties": "", "strong": "strong ", "weak": "weak "}
        if self.source in kinds:
            what = kinds[self.source]
            if self.min_ratio is None:
                return f"two players are linked when a {what}tie joins them"
            every = " (strong and weak)" if self.source == "ties" else ""
            return (
                f"two players are linked when the {what}ties{every} between their firms number "
                f"at least {self.min_ratio:g} × what random mixing would give (D_a·D_b/2m)"
            )
        if self.source != "structure":
            return f"the links listed in {self.source}"
        hub = (
            "; the hub (the organising body) relays between every player with a firm linked to "
            "it, so those players are linked to one another"
            if self.structure in ("star", "hierarchical")
            else ""
        )
        return (
            f"the model's {self.structure} structure over all firms: two players are linked when "
            f"a structure link joins their firms{hub}"
        )

    def pairs(self) -> list[dict[str, Any]]:
        """Every pair of players with its firm-level links (and expectation, ratio) and status."""
        linked = set(self.edges)
        hub = set(self.hub_linked)
        ratio = self.ratio
        out = []
        for a in range(self.n):
            for b in range(a + 1, self.n):
                pa, pb = self.players[a], self.players[b]
                row: dict[str, Any] = {"players": [pa, pb], "links": int(self.links[a, b])}
                if self.expected is not None and ratio is not None:
                    row["expected"] = float(self.expected[a, b])
                    row["ratio"] = float(ratio[a, b])
                if self.source == "structure":
                    row["via_hub"] = pa in hub and pb in hub
                row["linked"] = (pa, pb) in linked
                out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (for ``game --format json`` and the web app)."""
        return {
            "source": self.source,
            "players_kind": self.kind,
            "structure": self.structure,
            "rule": self.rule(),
            "min_ratio": self.min_ratio,
            "edges": [list(e) for e in self.edges],
            "components": self.components,
            "isolated": self.isolated,
            "complete": self.complete,
            "hub_linked": list(self.hub_linked),
            "within": {p: int(self.links[i, i]) for i, p in enumerate(self.players)},
            "pairs": self.pairs(),
        }


def _symmetric(rows: np.ndarray, cols: np.ndarray, n: int) -> sp.csr_matrix:
    """0/1 symmetric adjacency over ``n`` nodes from undirected pairs (duplicates merged)."""
    r = np.concatenate([rows, cols])
    c = np.concatenate([cols, rows])
    m = sp.csr_matrix((np.ones(r.size), (r, c)), shape=(n, n))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _group_links(adj: sp.csr_matrix, groups: np.ndarray, n: int) -> np.ndarray:
    """``Zᵀ A Z`` over the players' firms: ties between groups (diagonal: twice those inside)."""
    firms = np.flatnonzero(groups >= 0)
    sub = adj[firms][:, firms]
    z = sp.csr_matrix(
        (np.ones(firms.size), (np.arange(firms.size), groups[firms])), shape=(firms.size, n)
    )
    return np.asarray((z.T @ sub @ z).todense(), dtype=float)


@dataclass
class ScenarioGame:
    """The coalition games of one scenario and model, evaluated lazily and cached."""

    players: list[str]
    groups: np.ndarray  # (slots,) player of each firm at t = 0, −1 for empty slots
    cluster: SteadyCluster
    kind: str = "segment"  # what a player is: segment, size or firm
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

    def player_graph(self, graph: str = "ties", min_ratio: float | None = None) -> PlayerGraph:
        """The communication graph between the players (for the Myerson value).

        ``graph="ties"`` (or ``"strong"``, ``"weak"``) aggregates the firms' tie network: with
        ``L_ab`` ties between the firms of players ``a`` and ``b``, ``D_a`` the summed degree of
        ``a``'s firms and ``m`` the number of ties, random mixing would give
        ``E_ab = D_a·D_b / 2m`` ties (Newman 2003), and ``a`` and ``b`` are linked when
        ``L_ab > 0`` and ``L_ab ≥ min_ratio·E_ab`` (default :data:`DEFAULT_MIN_RATIO`). With
        ``firm`` players a tie is a link (``min_ratio`` does not apply).

        ``graph="structure"`` takes the model's organisational structure built over all firms
        (as :class:`~clustermarketing.analysis.steady.SteadyCluster` builds it for the grand
        coalition): two players are linked when a structure link joins their firms, and the
        hub (chamber, association, agency) relays between all players it links — a star links
        every player to every other. ``min_ratio`` does not apply.
        """
        if graph not in GRAPH_KINDS:
            raise ValueError(f"graph: {graph!r}; expected one of {', '.join(GRAPH_KINDS)}")
        ratio_applies = graph != "structure" and self.kind != "firm"
        if min_ratio is not None:
            if not ratio_applies:
                why = (
                    "a structure link is a designed coordination channel"
                    if graph == "structure"
                    else "with firm players a tie is a link"
                )
                raise ValueError(
                    f"min_ratio: {min_ratio:g} applies to tie graphs between groups of firms "
                    f"(players segment or size, graph ties|strong|weak), not to graph {graph!r} "
                    f"with players {self.kind!r} ({why})"
                )
            if not (math.isfinite(min_ratio) and min_ratio >= 0):
                raise ValueError(f"min_ratio: {min_ratio!r}; expected a finite number ≥ 0")
        n = self.n
        w = self.cluster.world
        if graph == "structure":
            return self._structure_graph()
        adj = {"ties": w.ties, "strong": w.strong, "weak": w.weak}[graph]
        raw = _group_links(sp.csr_matrix(adj), self.groups, n)
        degree = raw.sum(axis=1)
        two_m = float(degree.sum())
        expected = np.outer(degree, degree) / two_m if two_m > 0 else np.zeros((n, n))
        links = raw.copy()
        np.fill_diagonal(links, np.diag(raw) / 2)  # ties inside a player, each counted once
        np.fill_diagonal(expected, np.diag(expected) / 2)  # ... and D_a² / 4m expected
        threshold = (DEFAULT_MIN_RATIO if min_ratio is None else min_ratio) if ratio_applies else 0
        edges = [
            (self.players[a], self.players[b])
            for a in range(n)
            for b in range(a + 1, n)
            if links[a, b] > 0 and links[a, b] >= threshold * expected[a, b] * (1 - 1e-12)
        ]
        return PlayerGraph(
            players=list(self.players),
            source=graph,
            edges=edges,
            links=links,
            expected=expected,
            min_ratio=float(threshold) if ratio_applies else None,
            kind=self.kind,
        )

    def _structure_graph(self) -> PlayerGraph:
        cl = self.cluster
        w, model = cl.world, cl.model
        slots = w.ties.shape[0]
        st = build_structure(  # the structure SteadyCluster.evaluate builds for all firms
            model.structure,
            members=cl.firms,
            ties=w.ties,
            capacity=w.capacity,
            hub_alive=True,
            removed=None,
            n_units=max(1, len(model.pooled_functions)),
            rng=np.random.default_rng(0),
        )
        rows, cols = (np.asarray(e, dtype=np.int64) for e in st.edges)
        firm_pair = (rows < slots) & (cols < slots) & (rows != cols)
        adj = _symmetric(rows[firm_pair], cols[firm_pair], slots)
        raw = _group_links(adj, self.groups, self.n)
        links = raw.copy()
        np.fill_diagonal(links, np.diag(raw) / 2)
        hub_firms = np.flatnonzero(st.hub_linked[:slots] & (self.groups >= 0))
        hub = sorted(set(self.groups[hub_firms].tolist()))
        hub_set = set(hub)
        n = self.n
        edges = [
            (self.players[a], self.players[b])
            for a in range(n)
            for b in range(a + 1, n)
            if links[a, b] > 0 or (a in hub_set and b in hub_set)
        ]
        return PlayerGraph(
            players=list(self.players),
            source="structure",
            edges=edges,
            links=links,
            hub_linked=[self.players[g] for g in hub],
            structure=st.kind,
            kind=self.kind,
        )

    def unions(self, by: str) -> dict[str, list[str]]:
        """A priori unions of the players: union name → its players (for Owen, Aumann–Drèze).

        ``by`` is ``"segment"`` (product segment), ``"size"`` (size class) or ``"leaders"``
        (leading enterprises vs SMEs). Every player must lie in one union: a player whose firms
        fall in several (a segment spans size classes) is an error, and so is a grouping that
        leaves every player alone (segments grouped by segment).
        """
        if by not in UNION_KINDS:
            raise ValueError(f"unions: {by!r}; expected one of {', '.join(UNION_KINDS)}")
        cl = self.cluster
        firms = cl.firms
        if by == "leaders":
            names = ["SMEs", "leaders"]
            label = np.full(self.groups.size, -1, dtype=np.int64)
            label[firms] = cl.world.leader[firms].astype(np.int64)
        else:
            names, label = _groups(cl, by)
        what = _UNION_WHAT[by]
        members: dict[int, list[str]] = {}
        for p, player in enumerate(self.players):
            own = sorted(set(label[self.groups == p].tolist()))
            if len(own) != 1:
                shown = ", ".join(names[k] for k in own[:4]) + (", …" if len(own) > 4 else "")
                raise ValueError(
                    f"unions {by}: player {player!r} has firms in {len(own)} {what} ({shown}); "
                    f"a union must hold whole players, so unions by {by} need players that each "
                    f"lie in one of the {what} (firm players, say)"
                )
            members.setdefault(own[0], []).append(player)
        if len(members) == self.n and self.n > 1:
            raise ValueError(
                f"unions {by}: every union would hold a single player (the {self.kind} players "
                f"are already {what}), so the Owen value would be the Shapley value; expected "
                f"unions that group several players (firm players grouped by {by}, say)"
            )
        return {names[k]: ps for k, ps in sorted(members.items(), key=lambda kv: kv[0])}


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
    return ScenarioGame(names, groups, cluster, kind=players)


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


def player_graph(
    scenario: Any,
    model: str | None = None,
    players: str = "segment",
    graph: str = "ties",
    *,
    min_ratio: float | None = None,
    seed: int | None = None,
) -> PlayerGraph:
    """The communication graph between the players of ``scenario`` (see
    :meth:`ScenarioGame.player_graph`).

    >>> g = player_graph("footwear", "collective_mark", players="segment", graph="structure")
    >>> g.edges, g.hub_linked
    ([('leather_shoes', 'sports_shoes')], ['leather_shoes', 'sports_shoes'])
    """
    return scenario_game(scenario, model, players, seed).player_graph(graph, min_ratio)


def player_unions(
    scenario: Any,
    model: str | None = None,
    players: str = "firm",
    by: str = "segment",
    seed: int | None = None,
) -> dict[str, list[str]]:
    """A priori unions of the players of ``scenario`` (see :meth:`ScenarioGame.unions`)."""
    return scenario_game(scenario, model, players, seed).unions(by)
