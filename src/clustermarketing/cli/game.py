"""``clustermarketing game``: solve a cooperative game and test each allocation for stability.

Reads a TU game from a YAML/CSV file (format in :mod:`clustermarketing.games.cooperative.io`:
``kind: value|cost``, optional ``unit``) or, with ``--scenario``, builds the coalition game of a
simulated scenario — v(S), what coalition S gains per period by pooling its marketing, or with
``--cost`` the cost game C(S) of the pooled functions — and prints

1. the coalition values (all of them up to 5 players; else the singletons, the coalitions
   without one player and the grand coalition),
2. the equal, proportional (to stand-alone values ``v({i})``), Shapley, Banzhaf (normalised and
   scaled to ``v(N)``) and nucleolus allocations, one row per player,
3. for each allocation whether it lies in the core and the largest excess with the coalition
   that attains it (the coalition that would gain most by leaving),
4. a short reading: whether the core is empty, what the least-core ε means relative to v(N),
   which coalitions block which rules.

``--format json`` prints one JSON object instead (with every coalition value, a ``units`` map
and a ``provenance`` record); ``--out FILE`` also writes it to FILE. The nucleolus falls back to
the prenucleolus when the imputation set is empty; the JSON key stays ``nucleolus`` and its
``method`` says which was computed. Values within 1e-9 of 0 (relative to the game's scale) are
written as 0, so LP round-off never shows as "-0.0000".

This module only formats: every number comes from :mod:`clustermarketing.games.cooperative`.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from clustermarketing.cli.output import print_notes, print_table
from clustermarketing.games.cooperative import (
    GameFileError,
    TUGame,
    banzhaf,
    core_contains,
    is_core_empty,
    least_core,
    nucleolus,
    prenucleolus,
    shapley,
)

__all__ = ["analyse_game", "format_amount", "game_command", "game_reading", "register"]

PLAYER_KINDS = ("segment", "size", "firm")
FORMATS = ("table", "json")
KINDS = ("value", "cost")
#: Unit of the coalition games of a scenario (steady-state gain or cost per period).
SCENARIO_UNIT = "CU/period"
#: Up to this many players every coalition value is printed.
ALL_COALITIONS_UP_TO = 5
#: Relative size below which a number is written as 0 (LP round-off).
ZERO = 1e-9


def _fail(message: str) -> typer.Exit:
    from clustermarketing.cli.main import print_error

    print_error(message)
    return typer.Exit(code=2)


def _scale(game: TUGame) -> float:
    return float(np.max(np.abs(game.values))) or 1.0


def _clean(x: float, scale: float) -> float:
    """``x`` as a plain float, 0.0 when within round-off of 0 (never -0.0)."""
    x = float(x)
    return 0.0 if abs(x) <= ZERO * max(1.0, scale) else x + 0.0


def _decimals(scale: float) -> int:
    """Decimals that show about 5 significant digits of the game's largest value (0–4)."""
    if scale <= 0 or not math.isfinite(scale):
        return 4
    return int(min(4, max(0, 4 - math.floor(math.log10(scale)))))


def format_amount(x: float, decimals: int) -> str:
    """``x`` with thousands separators and ``decimals`` decimals; never "-0.0000".

    >>> format_amount(-0.00001, 4), format_amount(149206.2, 0), format_amount(-2.5, 2)
    ('0.0000', '149,206', '-2.50')
    """
    text = f"{x:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    return text


def _coalition(players: list[str] | tuple[str, ...]) -> str:
    return "{" + ", ".join(players) + "}"


def _members(game: TUGame, mask: int) -> list[str]:
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


def coalition_values(game: TUGame) -> dict[str, float]:
    """Every non-empty coalition ``{a, b}`` → its value, in bitmask order."""
    scale = _scale(game)
    return {
        _coalition(_members(game, m)): _clean(game.values[m], scale) for m in range(1, 1 << game.n)
    }


def analyse_game(game: TUGame, unit: str | None = None) -> dict[str, Any]:
    """All numbers the command shows, as plain JSON-ready data (a ``reading`` included)."""
    scale = _scale(game)
    lc = least_core(game)
    players = [str(p) for p in game.players]
    allocations, method = _allocations(game)
    result: dict[str, Any] = {
        "players": players,
        "kind": "cost" if game.cost else "value",
        "cost_game": bool(game.cost),
        "unit": unit,
        "grand_coalition_value": _clean(game.values[-1], scale),
        "stand_alone": dict(
            zip(players, (_clean(game.values[1 << i], scale) for i in range(game.n)), strict=True)
        ),
        "core_empty": bool(is_core_empty(game)),
        "least_core_epsilon": _clean(lc.epsilon, scale),
        "coalition_values": coalition_values(game),
        "allocations": {},
    }
    for name, x in allocations.items():
        check = core_contains(game, x, tol=1e-7)
        excess = _clean(check.excess, scale)
        entry: dict[str, Any] = {
            "values": dict(zip(players, (_clean(v, scale) for v in x), strict=True)),
            "in_core": bool(check.in_core),
            "max_excess": excess,
            "max_excess_coalition": [str(p) for p in check.players],
            "blocking_coalition": [] if check.in_core else [str(p) for p in check.players],
        }
        if name == "nucleolus":
            entry["method"] = method
        result["allocations"][name] = entry
    shown = unit or "value units"
    result["units"] = {
        "coalition_values": shown,
        "grand_coalition_value": shown,
        "stand_alone": shown,
        "allocations": shown,
        "max_excess": shown,
        "least_core_epsilon": shown,
    }
    result["reading"] = game_reading(result)
    return result


def game_reading(result: dict[str, Any]) -> list[str]:
    """A few sentences saying what the numbers mean (core, least core, blocking coalitions)."""
    cost = result["kind"] == "cost"
    unit = f" {result['unit']}" if result.get("unit") else ""
    scale = max([abs(v) for v in result["coalition_values"].values()] or [1.0])
    d = _decimals(scale)
    vn = result["grand_coalition_value"]
    eps = result["least_core_epsilon"]
    n = len(result["players"])

    def amount(x: float) -> str:
        return f"{format_amount(x, d)}{unit}"

    pct = f" ({abs(eps) / abs(vn):.1%} of {'c' if cost else 'v'}(N))" if vn else ""
    lines = [
        f"{'c' if cost else 'v'}(N) = {amount(vn)}: "
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
            + f"The least-core ε = {amount(eps)}{pct} is how much going alone would have to "
            "cost every coalition (an exit fee, or support kept only inside the grand "
            "coalition) before some split kept all of them in."
        )
    elif eps < 0:
        lines.append(
            "The core is non-empty: some splits give every coalition "
            + ("a share no larger than its own cost" if cost else "at least what it gets alone")
            + f". In the least core every coalition is {amount(-eps)}{pct} better off than "
            "on its own: the margin of the most stable split."
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
        label = a.get("method", name)
        verb = "save" if cost else "gain"
        lines.append(
            f"{label}: blocked by {_coalition(a['blocking_coalition'])}, which would {verb} "
            f"{amount(a['max_excess'])} by leaving."
        )
    if inside:
        labels = [result["allocations"][k].get("method", k) for k in inside]
        lines.append(f"In the core: {', '.join(labels)}.")
    return lines


def _shown_masks(n: int) -> tuple[list[int], bool]:
    """Coalitions to print, by size then bitmask, and whether that is all of them."""
    full = (1 << n) - 1

    def order(m: int) -> tuple[int, int]:
        return (bin(m).count("1"), m)

    if n <= ALL_COALITIONS_UP_TO:
        return sorted(range(1, full + 1), key=order), True
    masks = {1 << i for i in range(n)} | {full ^ (1 << i) for i in range(n)} | {full}
    return sorted(masks, key=order), False


def _print_tables(result: dict[str, Any], game: TUGame) -> None:
    cost = result["kind"] == "cost"
    letter = "c" if cost else "v"
    unit = result.get("unit")
    in_unit = f" [{unit}]" if unit else ""
    with_unit = f" {unit}" if unit else ""
    scale = _scale(game)
    d = _decimals(scale)
    players = result["players"]
    n = len(players)
    kind = "cost game" if cost else "value game"

    masks, complete = _shown_masks(n)
    values = Table(title=f"{kind.capitalize()}: coalition {'costs' if cost else 'values'}")
    values.add_column("coalition S")
    values.add_column(Text(f"{letter}(S){in_unit}"), justify="right")
    for m in masks:
        values.add_row(
            _coalition(_members(game, m)), format_amount(_clean(game.values[m], scale), d)
        )
    print_table(values)
    if not complete:
        print_notes(
            [
                f"Shown: the {n} single players, the {n} coalitions without one player and all "
                f"together; --format json lists all {(1 << n) - 1}."
            ]
        )

    rules = list(result["allocations"])
    method = result["allocations"]["nucleolus"].get("method", "nucleolus")
    alloc = Table(
        title=f"Allocations of {letter}(N) = "
        f"{format_amount(result['grand_coalition_value'], d)}{with_unit}"
    )
    alloc.add_column("player")
    alloc.add_column("alone", justify="right")
    for r in rules:
        alloc.add_column(r if r != "nucleolus" else method, justify="right")
    for p in players:
        alloc.add_row(
            p,
            format_amount(result["stand_alone"][p], d),
            *(format_amount(result["allocations"][r]["values"][p], d) for r in rules),
        )
    alloc.add_row(
        "total",
        format_amount(sum(result["stand_alone"].values()), d),
        *(format_amount(sum(result["allocations"][r]["values"].values()), d) for r in rules),
        style="bold",
    )
    print_table(alloc)
    notes = [
        f"alone = {letter}({{i}}); proportional: in proportion to {letter}({{i}}); banzhaf: "
        f"normalised to {letter}(N)."
    ]
    if method != "nucleolus":
        notes.append(
            "prenucleolus instead of nucleolus: "
            + (
                "the players' stand-alone costs add up to less than c(N)"
                if cost
                else "the stand-alone values add up to more than v(N)"
            )
            + ", so no allocation gives every player its stand-alone value (no imputation)."
        )
    print_notes(notes)

    core = "empty" if result["core_empty"] else "non-empty"
    stability = Table(
        title=f"Stability: core {core}, least-core ε = "
        f"{format_amount(result['least_core_epsilon'], d)}{with_unit}"
    )
    stability.add_column("rule")
    stability.add_column("in core")
    stability.add_column(Text(f"max excess{in_unit}"), justify="right")
    stability.add_column("blocking coalition")
    for r in rules:
        a = result["allocations"][r]
        stability.add_row(
            a.get("method", r),
            "yes" if a["in_core"] else "no",
            format_amount(a["max_excess"], d),
            _coalition(a["blocking_coalition"]) if a["blocking_coalition"] else "-",
        )
    print_table(stability)
    print_notes(
        [
            (
                "max excess = max over coalitions S of x(S) − c(S): > 0 means S would save that "
                "much by going alone (S blocks the allocation x); - = no coalition blocks."
            )
            if cost
            else (
                "max excess = max over coalitions S of v(S) − x(S): > 0 means S would gain that "
                "much by leaving (S blocks the allocation x); - = no coalition blocks."
            )
        ]
    )
    print_notes(["", "Reading:"])
    print_notes(result["reading"], indent="  ")


def _scenario_game(
    scenario: str,
    overrides: list[str],
    model: str | None,
    players: str,
    cost: bool,
    seed: int | None,
    progress: bool | None,
) -> tuple[TUGame, Any]:
    """The coalition (or cost) game of a scenario, tabulated with progress on stderr."""
    from clustermarketing.analysis.coalitions import EXACT_MAX_PLAYERS, scenario_game
    from clustermarketing.cli.main import load, progress_reporter

    sc = load(scenario, overrides)
    try:
        cfg = sc.model_config_for(model)
    except ValueError as e:
        raise _fail(f"--model: {e}" if model is not None else str(e)) from None
    if not cfg.cooperative:
        where = "--model" if model is not None else "model.preset"
        raise _fail(
            f"{where}: {cfg.preset!r} pools nothing, so there is no coalition game; expected a "
            "cooperative model (see clustermarketing models)"
        )
    try:
        sg = scenario_game(sc, model, players=players, seed=seed)
    except ValueError as exc:  # ScenarioError included
        raise _fail(str(exc)) from None
    if sg.n == 0:
        raise _fail(f"--players {players}: the scenario has no players of that kind")
    if sg.n > EXACT_MAX_PLAYERS:
        raise _fail(
            f"--players {players}: {sg.n} players is too many to tabulate 2^n coalitions; "
            f"expected at most {EXACT_MAX_PLAYERS} (use --players segment or size, or fewer "
            "firms with --set firms.count=N)"
        )
    n = sg.n
    masks = np.arange(1 << n, dtype=np.int64)
    matrix = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    fn = sg.cost if cost else sg.value
    total = int(masks.size)
    chunk = max(1, total // 100)
    parts = []
    with progress_reporter(
        progress, work=0 if total < 256 else 10**12, unit="coalitions", description="solving"
    ) as report:
        for start in range(0, total, chunk):
            parts.append(fn(matrix[start : start + chunk]))
            if report is not None:
                report(min(total, start + chunk), total)
    game = TUGame(np.concatenate(parts), cost=cost, players=list(sg.players))
    return game, sc


def game_command(
    file: Path | None = None,
    scenario: str | None = None,
    model: str | None = None,
    players: str | None = None,
    format: str = "table",
    kind: str | None = None,
    cost: bool = False,
    set_: list[str] | None = None,
    seed: int | None = None,
    out: Path | None = None,
    force: bool = False,
    progress: bool | None = None,
) -> None:
    """Solve the game in FILE (or of --scenario) and print values, allocations, core checks."""
    from clustermarketing.games.cooperative.io import read_game_file

    if format not in FORMATS:
        raise _fail(f"--format: {format!r}; expected one of {', '.join(FORMATS)}")
    if players is not None and players not in PLAYER_KINDS:
        raise _fail(f"--players: {players!r}; expected one of {', '.join(PLAYER_KINDS)}")
    if kind is not None and kind not in KINDS:
        raise _fail(f"--kind: {kind!r}; expected one of {', '.join(KINDS)}")
    if (file is None) == (scenario is None):
        raise _fail("give either a game FILE or --scenario (not both)")
    if file is not None:
        for given, option in (
            (model is not None, "--model"),
            (players is not None, "--players"),
            (cost, "--cost"),
            (bool(set_), "--set"),
            (seed is not None, "--seed"),
        ):
            if given:
                raise _fail(f"{option} applies to --scenario only, not to a game FILE")
    elif kind is not None:
        raise _fail("--kind applies to a game FILE; with --scenario use --cost for the cost game")
    if out is not None:
        from clustermarketing.cli.main import check_out_file

        check_out_file(out, force)
    options: dict[str, Any] = {
        "format": format,
        "out": str(out.absolute()) if out is not None else None,
        "force": force,
    }
    if file is not None:
        try:
            gf = read_game_file(file, kind)
        except GameFileError as exc:
            raise _fail(str(exc)) from None
        game, unit = gf.game, gf.unit
        if not gf.kind_given:
            from clustermarketing.cli.main import warn

            warn(
                f"{file} does not say whether it is a value or a cost game; solved as a value "
                "game (add the line '# kind: cost' (CSV) or 'kind: cost' (YAML), or use "
                "--kind cost)"
            )
        options.update(kind=kind)
        prov_args: dict[str, Any] = {"source": str(file), "inputs": {"game file": file}}
    else:
        assert scenario is not None
        chosen = players or "segment"
        game, sc = _scenario_game(scenario, set_ or [], model, chosen, cost, seed, progress)
        unit = SCENARIO_UNIT
        options.update(
            model=sc.model_config_for(model).preset, players=chosen, cost=cost, seed=seed
        )
        from clustermarketing.cli.main import scenario_inputs

        prov_args = {
            "source": scenario,
            "scenario": sc.model_dump(mode="json"),
            "overrides": list(set_ or []),
            "seed": seed if seed is not None else sc.seed,
            "inputs": scenario_inputs(scenario, sc),
        }
    result = analyse_game(game, unit)
    from clustermarketing.cli.main import user_errors
    from clustermarketing.io import provenance, summary_json

    with user_errors():
        result["provenance"] = provenance("game", options, **prov_args)
    text = summary_json(result)
    if out is not None:
        from clustermarketing.io import atomic_write_text

        with user_errors():
            atomic_write_text(out, summary_json(result, indent=2) + "\n")
        Console(stderr=True).print(f"wrote {out}", highlight=False)
    if format == "json":
        sys.stdout.write(text + "\n")
    else:
        _print_tables(result, game)


def register(app: typer.Typer) -> None:
    """Add ``game`` to a Typer app."""

    @app.command("game")
    def game(
        file: Annotated[
            Path | None,
            typer.Argument(
                help="Game file (.yaml/.yml/.csv) stating kind value|cost.", show_default=False
            ),
        ] = None,
        scenario: Annotated[
            str | None, typer.Option(help="Scenario whose coalition game to build.")
        ] = None,
        set_: Annotated[
            list[str] | None,
            typer.Option(
                "--set",
                "-s",
                metavar="PATH=VALUE",
                help="Override a field of --scenario, e.g. --set firms.count=10 (repeatable).",
            ),
        ] = None,
        model: Annotated[
            str | None,
            typer.Option("--model", "-m", help="Marketing model preset (default: the scenario's)."),
        ] = None,
        players: Annotated[
            str | None,
            typer.Option(help="Players of --scenario: segment (default), size or firm."),
        ] = None,
        cost: Annotated[
            bool,
            typer.Option(
                "--cost", help="With --scenario: the cost game C(S) of the pooled functions."
            ),
        ] = False,
        kind: Annotated[
            str | None,
            typer.Option(help="With FILE: value or cost (must match what the file states)."),
        ] = None,
        seed: Annotated[
            int | None,
            typer.Option(help="Seed of the scenario's cluster (default: the scenario's).", min=0),
        ] = None,
        format: Annotated[str, typer.Option(help="Output: table or json.")] = "table",
        out: Annotated[
            Path | None, typer.Option(help="Also write the JSON result to this file.")
        ] = None,
        force: Annotated[bool, typer.Option(help="Let --out overwrite an existing file.")] = False,
        progress: Annotated[
            bool | None,
            typer.Option(
                "--progress/--no-progress",
                help="Progress on stderr (default: when stderr is a terminal, or many coalitions).",
            ),
        ] = None,
    ) -> None:
        """Coalition values, allocations (equal, proportional, Shapley, Banzhaf, nucleolus),
        core membership, the largest blocking excess, and a reading of the result."""
        game_command(
            file,
            scenario,
            model,
            players=players,
            format=format,
            kind=kind,
            cost=cost,
            set_=set_,
            seed=seed,
            out=out,
            force=force,
            progress=progress,
        )
