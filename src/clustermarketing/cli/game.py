"""``clustermarketing game``: solve a cooperative game and test each allocation for stability.

Reads a TU game from a YAML/CSV file (format in :mod:`clustermarketing.games.cooperative.io`) or,
with ``--scenario``, builds the coalition game of a simulated scenario, and prints the equal,
proportional (to stand-alone values ``v({i})``), Shapley, Banzhaf (normalised and scaled to
``v(N)``) and nucleolus allocations, each with whether it lies in the core and the largest
excess of a blocking coalition. ``--format json`` prints one JSON object instead of the table.

This module only formats: every number comes from :mod:`clustermarketing.games.cooperative`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from clustermarketing.cli.output import print_table
from clustermarketing.games.cooperative import (
    GameFileError,
    TUGame,
    banzhaf,
    core_contains,
    is_core_empty,
    least_core,
    load_game,
    nucleolus,
    prenucleolus,
    shapley,
)

__all__ = ["analyse_game", "game_command", "register"]

PLAYER_KINDS = ("segment", "size", "firm")
FORMATS = ("table", "json")


def _fail(message: str, code: int = 2) -> typer.Exit:
    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=code)


def _allocations(game: TUGame) -> dict[str, np.ndarray]:
    n = game.n
    grand = float(game.values[-1])
    alone = game.values[1 << np.arange(n)]
    proportional = grand * alone / alone.sum() if alone.sum() != 0 else np.full(n, grand / n)
    try:
        nucl = nucleolus(game)
        nucl_name = "nucleolus"
    except ValueError:  # empty imputation set: fall back to the prenucleolus
        nucl = prenucleolus(game)
        nucl_name = "prenucleolus"
    return {
        "equal": np.full(n, grand / n),
        "proportional": proportional,
        "shapley": shapley(game),
        "banzhaf": banzhaf(game) * grand,
        nucl_name: nucl,
    }


def analyse_game(game: TUGame) -> dict[str, Any]:
    """All numbers the command shows, as plain JSON-ready data."""
    lc = least_core(game)
    result: dict[str, Any] = {
        "players": [str(p) for p in game.players],
        "cost_game": game.cost,
        "grand_coalition_value": float(game.values[-1]),
        "core_empty": bool(is_core_empty(game)),
        "least_core_epsilon": lc.epsilon,
        "allocations": {},
    }
    for name, x in _allocations(game).items():
        check = core_contains(game, x, tol=1e-7)
        result["allocations"][name] = {
            "values": dict(zip(result["players"], map(float, x), strict=True)),
            "in_core": check.in_core,
            "max_excess": check.excess,
            "blocking_coalition": [str(p) for p in check.players],
        }
    return result


def _print_table(result: dict[str, Any]) -> None:
    kind = "cost game" if result["cost_game"] else "game"
    core = "empty" if result["core_empty"] else "non-empty"
    table = Table(
        title=f"{kind} with {len(result['players'])} players: core {core}, "
        f"least-core ε = {result['least_core_epsilon'] + 0.0:.6g}"
    )
    table.add_column("rule", no_wrap=True)
    for p in result["players"]:
        table.add_column(p, justify="right")
    table.add_column("in core")
    table.add_column("max excess", justify="right")
    table.add_column("blocking coalition")
    for name, alloc in result["allocations"].items():
        table.add_row(
            name,
            *(f"{alloc['values'][p]:.4f}" for p in result["players"]),
            "yes" if alloc["in_core"] else "no",
            f"{alloc['max_excess']:.4g}",
            "{" + ",".join(alloc["blocking_coalition"]) + "}",
        )
    print_table(table)


def game_command(
    file: Path | None = None,
    scenario: str | None = None,
    model: str | None = None,
    players: str = "segment",
    format: str = "table",
) -> None:
    """Solve the game in FILE (or of --scenario) and print allocations with core checks."""
    if players not in PLAYER_KINDS:
        raise _fail(f"--players must be one of {', '.join(PLAYER_KINDS)}, got {players!r}")
    if format not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
    if (file is None) == (scenario is None):
        raise _fail("give either a game FILE or --scenario (not both)")
    if file is not None:
        try:
            game = load_game(file)
        except GameFileError as exc:
            raise _fail(str(exc)) from None
    else:
        from clustermarketing.analysis.coalitions import coalition_game

        try:
            game = coalition_game(str(scenario), model, players=players)
        except ValueError as exc:  # ScenarioError included: a bad scenario, model or player kind
            raise _fail(str(exc)) from None
    if game.n == 0:
        raise _fail("the game has no players")
    result = analyse_game(game)
    if format == "json":
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        _print_table(result)


def register(app: typer.Typer) -> None:
    """Add ``game`` to a Typer app."""

    @app.command("game")
    def game(
        file: Annotated[
            Path | None, typer.Argument(help="Game file (.yaml/.yml/.csv).", show_default=False)
        ] = None,
        scenario: Annotated[
            str | None, typer.Option(help="Scenario whose coalition game to build.")
        ] = None,
        model: Annotated[str | None, typer.Option(help="Marketing model preset.")] = None,
        players: Annotated[str, typer.Option(help="Players: segment, size or firm.")] = "segment",
        format: Annotated[str, typer.Option(help="Output: table or json.")] = "table",
    ) -> None:
        """Allocations of a cooperative game (equal, proportional, Shapley, Banzhaf, nucleolus)
        with core membership and the largest blocking excess."""
        game_command(file, scenario, model, players=players, format=format)
