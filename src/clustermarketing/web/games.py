"""The coalition-game calculator: a TU game in, allocations and their stability out.

The numbers come from :mod:`clustermarketing.games.cooperative` (Shapley value, normalised
Banzhaf value scaled to v(N), nucleolus — the prenucleolus when the imputation set is empty —,
Tijs's τ value when the game is quasi-balanced, least core and core membership); the JSON has the keys of ``clustermarketing game --format
json`` (``players``, ``kind``, ``grand_coalition_value``, ``stand_alone``, ``core_empty``,
``least_core_epsilon``, ``coalition_values``, ``allocations``, ``tau``, ``reading``,
``units``), so a game solved in the browser and on the command line give the same JSON (a test
checks it; the command line's structure rules — Myerson, Owen, Aumann–Drèze — need a player
graph or unions and are not offered here).

A game arrives as ``{"players": [...], "values": ...}`` with ``values`` either a mapping
``"a,b" → v`` (members joined by ``,`` or ``+``; every non-empty coalition) or the list of
``2^n`` (or ``2^n − 1``, the empty coalition left out) numbers in bitmask order — the formats
of a game file, parsed by the same :func:`~clustermarketing.games.cooperative.io.parse_game`.
"""

from __future__ import annotations

from typing import Any

from clustermarketing.analysis.game_analysis import analyse_game
from clustermarketing.games.cooperative import TUGame
from clustermarketing.games.cooperative.io import GameFileError, parse_game

__all__ = ["analyse", "game_from_request"]


def game_from_request(
    players: list[str] | None, values: dict[str, Any] | list[Any], kind: str, source: str = "game"
) -> TUGame:
    """A :class:`TUGame` from the request's players and values (errors name the coalition)."""
    cost = kind == "cost"
    entries: list[Any]
    entries = [(str(k), v) for k, v in values.items()] if isinstance(values, dict) else list(values)
    if not entries:
        raise GameFileError(f"{source}: values: empty; expected a value for every coalition")
    return parse_game(entries, players=players, cost=cost, source=source)


def analyse(game: TUGame, unit: str | None = None) -> dict[str, Any]:
    """Every number of the calculator as JSON-ready data: the command line's
    :func:`~clustermarketing.analysis.game_analysis.analyse_game` without a player graph or
    unions."""
    return analyse_game(game, unit)
