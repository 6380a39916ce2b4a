"""Organisational structures laid over the members (seed 000, Figure 2; MODEL.md §2).

A structure is a coordination graph over the members plus one hub node (slot ``n``: the
association, chamber, agency or leading enterprise at the centre or top). It decides

* how information moves: its edges carry signals with ``p_structure``; a star's centre
  broadcasts to every member with ``p_hub``;
* who monitors whom: the star's centre and a hierarchy's parents detect free-riders with
  ``centre_monitoring``; in a chain or network only structure neighbours watch, each with
  ``peer_monitoring``;
* what coordination costs: one ``coordination_cost`` per link;
* who can take part in pooled functions: members in the hub's connected component (or the
  largest component when there is no hub). Removing a star's centre leaves isolated members, so
  the cooperative stops; removing one node of a network leaves it connected;
* a chain's throughput: members form ``units`` consecutive virtual units, one per pooled
  function; pooled activity cannot exceed the weakest unit's processing capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from clustermarketing.models.config import StructureConfig


@dataclass
class Structure:
    """A structure instance for the current members."""

    kind: str
    edges: tuple[np.ndarray, np.ndarray]  # undirected links (row, col); the hub is node n
    hub_edges: bool  # hub links carry p_hub (star) rather than p_structure
    monitor: np.ndarray  # (n,) probability a member's free-riding is seen by the structure
    connected: np.ndarray  # (n,) bool, member can take part in pooled functions
    links: int
    throughput: float  # max pooled activity per function (inf unless chain)
    unit_capacity: np.ndarray  # (units,) chain units' processing capacity
    n_members: int  # members before any node failure
    hub_linked: np.ndarray  # (n,) bool, members with a link to the hub
    _adj: sp.csr_matrix | None = None

    @property
    def adj(self) -> sp.csr_matrix:
        """(n + 1, n + 1) symmetric 0/1 adjacency, hub = row n (built on first use)."""
        if self._adj is None:
            self._adj = _sym(*self.edges, self.monitor.size + 1)
        return self._adj

    @property
    def connected_share(self) -> float:
        """Share of the members that the structure still coordinates."""
        return float(np.count_nonzero(self.connected)) / max(1, self.n_members)


def _sym(rows: np.ndarray, cols: np.ndarray, n1: int) -> sp.csr_matrix:
    r = np.concatenate([rows, cols])
    c = np.concatenate([cols, rows])
    m = sp.csr_matrix((np.ones(r.size), (r, c)), shape=(n1, n1))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def build_structure(
    cfg: StructureConfig,
    *,
    members: np.ndarray,
    ties: sp.csr_matrix,
    capacity: np.ndarray,
    hub_alive: bool,
    removed: np.ndarray | None,
    n_units: int,
    rng: np.random.Generator,
) -> Structure:
    """The structure over ``members`` (sorted slot ids); ``removed`` are failed member nodes."""
    n = ties.shape[0]
    hub = n
    n_members = int(members.size)
    if cfg.kind == "star" and (removed is None or not removed.size):
        # a star needs no graph algorithms: the centre links, watches and coordinates everyone
        linked = np.zeros(n, dtype=bool)
        linked[members] = hub_alive
        return Structure(
            kind="star",
            edges=(np.full(int(linked.sum()), hub), np.flatnonzero(linked)),
            hub_edges=True,
            monitor=np.where(linked, cfg.centre_monitoring, 0.0),
            connected=linked.copy(),
            links=int(linked.sum()),
            throughput=np.inf,
            unit_capacity=np.zeros(0),
            n_members=n_members,
            hub_linked=linked,
        )
    k = members.size
    rows: np.ndarray
    cols: np.ndarray
    empty = np.zeros(0, dtype=np.int64)
    kind = cfg.kind
    if kind == "star":
        rows, cols = (np.full(k, hub), members) if hub_alive else (empty, empty)
    elif kind == "hierarchical":
        order = members[np.argsort(-capacity[members], kind="stable")]
        pos = np.arange(1, k + 1)
        parent_pos = (pos - 1) // cfg.branching  # position 0 is the hub
        parent = np.where(parent_pos == 0, hub, order[np.maximum(parent_pos - 1, 0)])
        rows, cols = order, parent
        if not hub_alive:
            keep = parent != hub
            rows, cols = rows[keep], cols[keep]
    elif kind == "chain":
        rows, cols = members[:-1], members[1:]
    elif kind == "network":
        sub = ties[members][:, members].tocoo()
        extra = rng.poisson(cfg.extra_links / 2.0, size=k) if k > 1 else np.zeros(k, dtype=int)
        src = np.repeat(np.arange(k), extra)
        dst = rng.integers(0, max(k, 1), size=src.size)
        keep = src != dst
        rows = np.concatenate([members[sub.row], members[src[keep]]])
        cols = np.concatenate([members[sub.col], members[dst[keep]]])
    else:
        rows, cols = empty, empty
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if removed is not None and removed.size:
        # a failed node drops out with its links; nothing re-routes around it
        keep = ~(np.isin(rows, removed) | np.isin(cols, removed))
        rows, cols = rows[keep], cols[keep]
        members = np.setdiff1d(members, removed)
        k = members.size
    adj = _sym(rows, cols, n + 1)
    hub_linked = np.zeros(n, dtype=bool)
    hub_linked[rows[cols == hub]] = True
    hub_linked[cols[rows == hub]] = True
    deg = np.diff(adj.indptr)[:n].astype(float)
    monitor = np.zeros(n)
    if kind in ("star", "hierarchical"):
        # the centre watches its members; a hierarchy's parents watch their children
        watched = np.zeros(n, dtype=bool)
        watched[members] = deg[members] > 0
        monitor[watched] = cfg.centre_monitoring
    else:
        monitor[members] = 1.0 - (1.0 - cfg.peer_monitoring) ** deg[members]
    connected = np.zeros(n, dtype=bool)
    if k:
        _, labels = connected_components(adj, directed=False)
        if kind in ("star", "hierarchical"):
            comp = labels[hub] if hub_alive else None
            if comp is not None:
                connected[members] = labels[members] == comp
            else:
                sizes = np.bincount(labels[members])
                connected[members] = (labels[members] == np.argmax(sizes)) & (deg[members] > 0)
        else:
            sizes = np.bincount(labels[members])
            best = np.argmax(sizes)
            connected[members] = (labels[members] == best) & ((sizes[best] > 1) | (k == 1))
    throughput = np.inf
    unit_cap = np.zeros(0)
    if kind == "chain" and k:
        units = max(1, n_units)
        part = np.minimum((np.arange(k) * units) // k, units - 1)
        unit_cap = np.bincount(
            part, weights=capacity[members] * cfg.chain_unit_capacity, minlength=units
        )
        # a broken chain passes nothing beyond the break
        throughput = float(unit_cap.min()) if connected[members].all() else 0.0
    return Structure(
        kind=kind,
        edges=(rows, cols),
        _adj=adj,
        hub_edges=kind == "star",
        monitor=monitor,
        connected=connected,
        links=int(adj.nnz // 2),
        throughput=throughput,
        unit_capacity=unit_cap,
        n_members=n_members,
        hub_linked=hub_linked,
    )
