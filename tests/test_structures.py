"""Each organisational structure shows its own property (seed 000, Figure 2; MODEL.md §2)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import clustermarketing as cm
from clustermarketing.engine.structures import build_structure
from clustermarketing.engine.ties import generate_ties
from clustermarketing.models.config import StructureConfig

N = 200


def _structure(
    kind: str, members=None, removed=None, hub_alive=True, capacity=None, units=3, **cfg
):
    ties = generate_ties(N, 6.0, 0.8, 0.05, np.random.default_rng(0))
    members = np.arange(N) if members is None else members
    capacity = np.full(N, 100.0) if capacity is None else capacity
    return build_structure(
        StructureConfig(kind=kind, **cfg),
        members=members,
        ties=ties,
        capacity=capacity,
        hub_alive=hub_alive,
        removed=removed,
        n_units=units,
        rng=np.random.default_rng(1),
    )


def _rounds_to_reach_all(s, p: float = 1.0) -> int:
    """Deterministic flooding (p = 1) from the first member: rounds until all are reached."""
    adj = s.adj
    aware = np.zeros(adj.shape[0], bool)
    aware[0] = True
    for r in range(1, 10_000):
        aware = aware | (adj @ aware.astype(float) > 0)
        if aware[:N].all():
            return r
    return 10_000


def test_diffusion_speed_differs_by_structure() -> None:
    rounds = {
        k: _rounds_to_reach_all(_structure(k)) for k in ("star", "hierarchical", "chain", "network")
    }
    assert rounds["star"] == 2  # member → centre → everyone
    assert rounds["star"] < rounds["hierarchical"] < rounds["chain"]
    assert rounds["network"] < rounds["chain"]
    assert rounds["chain"] == N - 1


def test_centre_and_top_monitor_better_than_loose_network() -> None:
    star = _structure("star", centre_monitoring=0.8, peer_monitoring=0.05)
    hier = _structure("hierarchical", centre_monitoring=0.8, peer_monitoring=0.05)
    net = _structure("network", centre_monitoring=0.8, peer_monitoring=0.05, extra_links=0.0)
    assert star.monitor.mean() > net.monitor.mean()
    assert hier.monitor.mean() > net.monitor.mean()
    assert np.all(star.monitor == pytest.approx(0.8))


def test_coordination_cost_follows_links() -> None:
    links = {k: _structure(k).links for k in ("star", "hierarchical", "chain", "network")}
    assert links["star"] == N and links["hierarchical"] == N and links["chain"] == N - 1
    assert links["network"] > links["star"]


def test_chain_throughput_is_its_weakest_unit() -> None:
    cap = np.full(N, 100.0)
    cap[N // 3 : 2 * N // 3] = 1.0  # the middle unit is weak
    s = _structure("chain", capacity=cap, units=3, chain_unit_capacity=2.0)
    assert s.throughput == pytest.approx(s.unit_capacity.min())
    assert s.unit_capacity.min() < s.unit_capacity.max() / 10
    strong = _structure("chain", capacity=np.full(N, 100.0), units=3, chain_unit_capacity=2.0)
    assert strong.throughput > s.throughput
    assert np.isinf(_structure("network").throughput)


def test_removing_star_centre_hurts_more_than_any_network_node() -> None:
    star_without_centre = _structure("star", hub_alive=False)
    assert star_without_centre.connected_share == 0.0
    worst_network = min(
        _structure("network", removed=np.array([i])).connected_share for i in range(0, N, 10)
    )
    assert worst_network > 0.9
    # in the simulation: the cooperative stops when the chamber fails, not when a member drops out
    sc = cm.load_scenario("footwear", ["firms.count=120", "model.structure.fail_period=5"])
    hub_fail = cm.simulate(sc, replicates=2, periods=20)
    net = cm.load_scenario(
        "footwear",
        [
            "firms.count=120",
            "model.structure.kind=network",
            "model.structure.fail_period=5",
            "model.structure.fail_node=random",
        ],
    )
    node_fail = cm.simulate(net, replicates=2, periods=20)

    def late(r, col):
        c = r.cluster[(r.cluster.arm == "model") & (r.cluster.period >= 10)]
        return c[col].mean()

    assert late(hub_fail, "pooled_cost") == 0.0
    assert late(node_fail, "pooled_cost") > 0.0
    assert late(hub_fail, "regional_brand") < late(node_fail, "regional_brand")


def test_structures_are_symmetric_graphs() -> None:
    for k in ("star", "hierarchical", "chain", "network"):
        a = _structure(k).adj
        assert (a != a.T).nnz == 0
        assert sp.isspmatrix_csr(a) or a.format == "csr"
