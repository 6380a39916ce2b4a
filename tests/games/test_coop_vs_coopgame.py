"""Cross-checks against coopgame-py (an independent Rust implementation) on random instances.

coopgame-py offers graph_restricted, myerson, owen, aumann_dreze, tau_value and
utopia_payoffs (utopia payoffs and minimal rights); every one is compared here. Its games take
the worths of the non-empty coalitions in bitmask order (``values[mask − 1]``), ours the full
table, so ``coopgame.Game(game.values[1:])`` is the same game.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clustermarketing.games import (
    NotQuasiBalancedError,
    TUGame,
    aumann_dreze,
    graph_restricted_game,
    minimal_rights,
    myerson,
    owen,
    tau_value,
    utopia_payoffs,
)

coopgame = pytest.importorskip("coopgame")


@st.composite
def instances(draw: st.DrawFn, max_n: int = 8):
    """A random game with a random graph and a random partition of its players."""
    n = draw(st.integers(1, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    kind = draw(st.sampled_from(["normal", "integer", "superadditive"]))
    if kind == "normal":
        values = np.r_[0.0, rng.normal(size=(1 << n) - 1)]
    elif kind == "integer":
        values = np.r_[0.0, rng.integers(-3, 8, size=(1 << n) - 1).astype(float)]
    else:  # often quasi-balanced, so the τ value is compared and not just the error
        sizes = np.array([bin(s).count("1") for s in range(1 << n)])
        values = sizes.astype(float) ** 1.6 + rng.uniform(0, 0.5, 1 << n) * (sizes > 0)
        values[0] = 0.0
    pairs = list(itertools.combinations(range(n), 2))
    density = draw(st.floats(0, 1))
    edges = [p for p in pairs if rng.random() < density]
    labels = rng.integers(0, draw(st.integers(1, 4)), n)
    blocks = [np.flatnonzero(labels == lab).tolist() for lab in np.unique(labels)]
    return TUGame(values), edges, blocks


def _peer(game: TUGame):
    return coopgame.Game(game.values[1:].tolist())


@settings(max_examples=60, deadline=None)
@given(instances())
def test_graph_values_agree(case):
    game, edges, _ = case
    peer = _peer(game)
    np.testing.assert_allclose(myerson(game, edges), coopgame.myerson(peer, edges), atol=1e-9)
    restricted = coopgame.graph_restricted(peer, edges).values()  # bitmask order, no ∅
    np.testing.assert_allclose(graph_restricted_game(game, edges).values[1:], restricted, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_union_values_agree(case):
    game, _, blocks = case
    peer = _peer(game)
    np.testing.assert_allclose(owen(game, blocks), coopgame.owen(peer, blocks), atol=1e-9)
    np.testing.assert_allclose(
        aumann_dreze(game, blocks), coopgame.aumann_dreze(peer, blocks), atol=1e-9
    )


@settings(max_examples=80, deadline=None)
@given(instances())
def test_tau_value_agrees(case):
    game, _, _ = case
    peer = _peer(game)
    bounds = coopgame.utopia_payoffs(peer)
    np.testing.assert_allclose(utopia_payoffs(game), bounds["utopia"], atol=1e-9)
    np.testing.assert_allclose(minimal_rights(game), bounds["minimal_rights"], atol=1e-9)
    try:
        theirs = coopgame.tau_value(peer)
    except ValueError:
        theirs = None
    if theirs is None:
        with pytest.raises(NotQuasiBalancedError):
            tau_value(game)
    else:
        np.testing.assert_allclose(tau_value(game), theirs, atol=1e-9)
