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

import contextlib
from typing import Any

import numpy as np

from clustermarketing.analysis.game_reading import coalition_name, game_reading
from clustermarketing.games.cooperative import (
    NotQuasiBalancedError,
    TUGame,
    banzhaf,
    core_contains,
    is_core_empty,
    least_core,
    minimal_rights,
    nucleolus,
    prenucleolus,
    shapley,
    tau_value,
    utopia_payoffs,
)
from clustermarketing.games.cooperative.io import GameFileError, parse_game

__all__ = ["RULES", "analyse", "game_from_request"]

#: allocation rules, in the order the command line shows them (τ when the game is quasi-balanced)
RULES = ("equal", "proportional", "shapley", "banzhaf", "nucleolus", "tau")
#: relative size below which a number is written as 0 (LP round-off), as on the command line
ZERO = 1e-9


def _clean(x: float, scale: float) -> float:
    x = float(x)
    return 0.0 if abs(x) <= ZERO * max(1.0, scale) else x + 0.0


def _members(game: TUGame, mask: int) -> list[str]:
    return [str(p) for i, p in enumerate(game.players) if mask >> i & 1]


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


def _allocations(game: TUGame) -> tuple[dict[str, np.ndarray], str]:
    n = game.n
    grand = float(game.values[-1])
    alone = game.values[1 << np.arange(n)]
    proportional = grand * alone / alone.sum() if alone.sum() != 0 else np.full(n, grand / n)
    try:
        nucl, method = nucleolus(game), "nucleolus"
    except ValueError:  # the stand-alone values add up to more than v(N): no imputation
        nucl, method = prenucleolus(game), "prenucleolus"
    out = {
        "equal": np.full(n, grand / n),
        "proportional": proportional,
        "shapley": shapley(game),
        "banzhaf": banzhaf(game) * grand,
        "nucleolus": nucl,
    }
    with contextlib.suppress(NotQuasiBalancedError):  # the reason is under result["tau"]
        out["tau"] = tau_value(game)
    return out, method


def _tau_reason(game: TUGame) -> str | None:
    try:
        tau_value(game)
    except NotQuasiBalancedError as exc:
        return str(exc)
    return None


def analyse(game: TUGame, unit: str | None = None) -> dict[str, Any]:
    """Every number of the calculator as JSON-ready data (see the module docstring)."""
    scale = float(np.max(np.abs(game.values))) or 1.0
    players = [str(p) for p in game.players]
    lc = least_core(game)
    allocations, method = _allocations(game)
    result: dict[str, Any] = {
        "players": players,
        "kind": "cost" if game.cost else "value",
        "cost_game": bool(game.cost),
        "unit": unit,
        "grand_coalition_value": _clean(game.values[-1], scale),
        "stand_alone": {p: _clean(game.values[1 << i], scale) for i, p in enumerate(players)},
        "core_empty": bool(is_core_empty(game)),
        "least_core_epsilon": _clean(lc.epsilon, scale),
        "coalition_values": {
            coalition_name(_members(game, m)): _clean(game.values[m], scale)
            for m in range(1, 1 << game.n)
        },
        "allocations": {},
    }
    for name in RULES:
        if name not in allocations:
            continue
        x = allocations[name]
        check = core_contains(game, x, tol=1e-7)
        entry: dict[str, Any] = {
            "values": {p: _clean(v, scale) for p, v in zip(players, x, strict=True)},
            "total": _clean(float(np.sum(x)), scale),
            "efficient": bool(check.efficient),
            "in_core": bool(check.in_core),
            "max_excess": _clean(check.excess, scale),
            "max_excess_coalition": [str(p) for p in check.players],
            "blocking_coalition": [] if check.in_core else [str(p) for p in check.players],
        }
        if name == "nucleolus":
            entry["method"] = method
        result["allocations"][name] = entry
    result["tau"] = {
        "defined": "tau" in allocations,
        "reason": None if "tau" in allocations else _tau_reason(game),
        "utopia": {p: _clean(v, scale) for p, v in zip(players, utopia_payoffs(game), strict=True)},
        "minimal_rights": {
            p: _clean(v, scale) for p, v in zip(players, minimal_rights(game), strict=True)
        },
    }
    shown = unit or "value units"
    result["units"] = dict.fromkeys(
        (
            "coalition_values",
            "grand_coalition_value",
            "stand_alone",
            "allocations",
            "max_excess",
            "least_core_epsilon",
            "tau",
        ),
        shown,
    )
    result["reading"] = game_reading(result)
    return result
