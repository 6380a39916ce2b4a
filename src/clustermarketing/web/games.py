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
import math
from typing import Any

import numpy as np

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


def _name(players: list[str]) -> str:
    return "{" + ", ".join(players) + "}"


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


def _amount(x: float, scale: float, unit: str) -> str:
    d = (
        4
        if scale <= 0 or not math.isfinite(scale)
        else int(min(4, max(0, 4 - math.floor(math.log10(scale)))))
    )
    text = f"{x:,.{d}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    return text + (f" {unit}" if unit else "")  # the command line's format_amount + unit


def reading(result: dict[str, Any]) -> list[str]:
    """What the numbers mean: v(N), whether the core is empty, the least-core ε, which coalition
    blocks which rule (the sentences of ``clustermarketing game``; a test checks they agree)."""
    cost = result["kind"] == "cost"
    unit = result.get("unit") or ""
    scale = max([abs(v) for v in result["coalition_values"].values()] or [1.0])
    vn, eps, n = (
        result["grand_coalition_value"],
        result["least_core_epsilon"],
        len(result["players"]),
    )
    letter = "c" if cost else "v"
    pct = f" ({abs(eps) / abs(vn):.1%} of {letter}(N))" if vn else ""
    lines = [
        f"{letter}(N) = {_amount(vn, scale, unit)}: "
        + (
            f"what serving all {n} players together costs, to be shared."
            if cost
            else f"what all {n} players gain together, to be shared."
        )
    ]
    if result["core_empty"]:
        lines.append(
            "The core is empty: every split leaves some coalition "
            + ("paying more than it would alone. " if cost else "better off on its own. ")
            + f"The least-core ε = {_amount(eps, scale, unit)}{pct} is how much going alone "
            "would have to cost every coalition (an exit fee, or support kept only inside the "
            "grand coalition) before some split kept all of them in."
        )
    elif eps < 0:
        lines.append(
            "The core is non-empty: some splits give every coalition "
            + ("a share no larger than its own cost" if cost else "at least what it gets alone")
            + f". In the least core every coalition is {_amount(-eps, scale, unit)}{pct} better "
            "off than on its own: the margin of the most stable split."
        )
    else:
        lines.append(
            "The core is non-empty but has no slack (least-core ε = 0): in every stable split "
            "some coalition is exactly indifferent to leaving."
        )
    inside = [name for name, a in result["allocations"].items() if a["in_core"]]
    for name, a in result["allocations"].items():
        if a["in_core"]:
            continue
        verb = "save" if cost else "gain"
        lines.append(
            f"{a.get('method', name)}: blocked by {_name(a['blocking_coalition'])}, which would "
            f"{verb} {_amount(a['max_excess'], scale, unit)} by leaving."
        )
    if inside:
        labels = [result["allocations"][k].get("method", k) for k in inside]
        lines.append(f"In the core: {', '.join(labels)}.")
    return lines


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
            _name(_members(game, m)): _clean(game.values[m], scale) for m in range(1, 1 << game.n)
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
    result["reading"] = reading(result)
    return result
