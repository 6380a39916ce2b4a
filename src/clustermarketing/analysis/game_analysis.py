"""Every number of a coalition game, as JSON-ready data: values, allocations, stability.

Shared by ``clustermarketing game`` and the web app's games calculator, so that a game solved in
the browser and on the command line gives the same JSON. The numbers come from
:mod:`clustermarketing.games.cooperative`; the sentences from :mod:`.game_reading`. Values within
:data:`ZERO` of 0 (relative to the game's scale) are written as 0, so LP round-off never shows
as "-0.0000".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from clustermarketing.analysis.game_reading import coalition_name, game_reading
from clustermarketing.games.cooperative import (
    NotQuasiBalancedError,
    TUGame,
    aumann_dreze,
    banzhaf,
    core_contains,
    is_core_empty,
    least_core,
    minimal_rights,
    myerson,
    nucleolus,
    owen,
    prenucleolus,
    shapley,
    tau_value,
    utopia_payoffs,
)

__all__ = ["ZERO", "analyse_game", "clean", "coalition_values", "members", "scale_of"]

#: Relative size below which a number is written as 0 (LP round-off).
ZERO = 1e-9


def scale_of(game: TUGame) -> float:
    return float(np.max(np.abs(game.values))) or 1.0


def clean(x: float, scale: float) -> float:
    """``x`` as a plain float, 0.0 when within round-off of 0 (never -0.0)."""
    x = float(x)
    return 0.0 if abs(x) <= ZERO * max(1.0, scale) else x + 0.0


def members(game: TUGame, mask: int) -> list[str]:
    return [str(p) for i, p in enumerate(game.players) if mask >> i & 1]


def _allocations(game: TUGame) -> tuple[dict[str, np.ndarray], str]:
    n = game.n
    grand = float(game.values[-1])
    alone = game.values[1 << np.arange(n)]
    proportional = grand * alone / alone.sum() if alone.sum() != 0 else np.full(n, grand / n)
    try:
        nucl = nucleolus(game)
        method = "nucleolus"
    except ValueError:  # empty imputation set: fall back to the prenucleolus
        nucl = prenucleolus(game)
        method = "prenucleolus"
    return {
        "equal": np.full(n, grand / n),
        "proportional": proportional,
        "shapley": shapley(game),
        "banzhaf": banzhaf(game) * grand,
        "nucleolus": nucl,
    }, method


def _tau(game: TUGame) -> tuple[np.ndarray | None, str | None]:
    """The τ value, or ``None`` and the reason when the game is not quasi-balanced."""
    try:
        return tau_value(game), None
    except NotQuasiBalancedError as exc:
        return None, str(exc)


def _mask_of(game: TUGame, names: list[str]) -> int:
    index = {str(p): i for i, p in enumerate(game.players)}
    return sum(1 << index[m] for m in names)


def _structure_allocations(
    game: TUGame, graph: Any | None, unions: dict[str, list[str]] | None
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    if graph is not None:
        out["myerson"] = myerson(game, list(graph.edges))
    if unions is not None:
        blocks = list(unions.values())
        out["owen"] = owen(game, blocks)
        out["aumann_dreze"] = aumann_dreze(game, blocks)
    return out


def coalition_values(game: TUGame) -> dict[str, float]:
    """Every non-empty coalition ``{a, b}`` → its value, in bitmask order."""
    scale = scale_of(game)
    return {
        coalition_name(members(game, m)): clean(game.values[m], scale)
        for m in range(1, 1 << game.n)
    }


def analyse_game(
    game: TUGame,
    unit: str | None = None,
    *,
    graph: Any | None = None,
    unions: dict[str, list[str]] | None = None,
    unions_source: str | None = None,
) -> dict[str, Any]:
    """All numbers the command shows, as plain JSON-ready data (a ``reading`` included).

    ``graph`` (a :class:`~clustermarketing.analysis.coalitions.PlayerGraph`: ``edges`` between
    player labels, ``to_dict()``) adds the Myerson value; ``unions`` (union name → its players)
    adds the Owen and Aumann–Drèze values. The τ value is added when the game is
    quasi-balanced; ``result["tau"]`` says why not otherwise.
    """
    scale = scale_of(game)
    lc = least_core(game)
    players = [str(p) for p in game.players]
    allocations, method = _allocations(game)
    tau, tau_problem = _tau(game)
    if tau is not None:
        allocations["tau"] = tau
    allocations.update(_structure_allocations(game, graph, unions))
    result: dict[str, Any] = {
        "players": players,
        "kind": "cost" if game.cost else "value",
        "cost_game": bool(game.cost),
        "unit": unit,
        "grand_coalition_value": clean(game.values[-1], scale),
        "stand_alone": dict(
            zip(players, (clean(game.values[1 << i], scale) for i in range(game.n)), strict=True)
        ),
        "core_empty": bool(is_core_empty(game)),
        "least_core_epsilon": clean(lc.epsilon, scale),
        "coalition_values": coalition_values(game),
        "allocations": {},
    }
    for name, x in allocations.items():
        check = core_contains(game, x, tol=1e-7)
        excess = clean(check.excess, scale)
        entry: dict[str, Any] = {
            "values": dict(zip(players, (clean(v, scale) for v in x), strict=True)),
            "total": clean(float(np.sum(x)), scale),
            "efficient": bool(check.efficient),
            "in_core": bool(check.in_core),
            "max_excess": excess,
            "max_excess_coalition": [str(p) for p in check.players],
            "blocking_coalition": [] if check.in_core else [str(p) for p in check.players],
        }
        if name == "nucleolus":
            entry["method"] = method
        result["allocations"][name] = entry
    result["tau"] = {
        "defined": tau is not None,
        "reason": tau_problem,
        "utopia": dict(zip(players, (clean(v, scale) for v in utopia_payoffs(game)), strict=True)),
        "minimal_rights": dict(
            zip(players, (clean(v, scale) for v in minimal_rights(game)), strict=True)
        ),
    }
    if graph is not None:
        info = graph.to_dict()
        info["component_values"] = [
            {"players": c, "value": clean(game.values[_mask_of(game, c)], scale)}
            for c in info["components"]
        ]
        result["graph"] = info
    if unions is not None:
        result["unions"] = {
            "source": unions_source,
            "unions": {k: list(v) for k, v in unions.items()},
            "union_values": {
                k: clean(game.values[_mask_of(game, v)], scale) for k, v in unions.items()
            },
        }
    shown = unit or "value units"
    result["units"] = {
        "coalition_values": shown,
        "grand_coalition_value": shown,
        "stand_alone": shown,
        "allocations": shown,
        "max_excess": shown,
        "least_core_epsilon": shown,
        "tau": shown,
    }
    if graph is not None:
        result["units"]["graph.component_values"] = shown
        result["units"]["graph.pairs.links"] = (
            "structure links" if graph.source == "structure" else "ties"
        )
    if unions is not None:
        result["units"]["unions.union_values"] = shown
    result["reading"] = game_reading(result)
    return result
