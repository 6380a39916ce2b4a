"""Coalition games derived from a simulated scenario (MODEL.md §8) — TODO, needs the engine.

``coalition_game(scenario, model, players=...)`` will build the TU game in which ``v(S)`` is what
coalition ``S`` gains by pooling its marketing while the others act alone (and the cost game of
the pooled functions), by running the simulation engine for each coalition of segments, size
classes or firms. The engine does not exist yet (issue 3), so this is a placeholder that the
``clustermarketing game --scenario`` command calls lazily.
"""

from __future__ import annotations

from clustermarketing.games.cooperative.tu import TUGame

__all__ = ["coalition_game"]


def coalition_game(scenario: str, model: str | None = None, players: str = "segment") -> TUGame:
    """TODO(issue 3): build the scenario's coalition game from the simulation engine.

    Parameters mirror the CLI: ``scenario`` (name or path), ``model`` (marketing model preset),
    ``players`` (``"segment"``, ``"size"`` or ``"firm"``: what a player of the game is).
    """
    # TODO(issue 3): implement once clustermarketing.engine can run a scenario per coalition.
    raise NotImplementedError("scenario-derived games need the engine; see issue 3")
