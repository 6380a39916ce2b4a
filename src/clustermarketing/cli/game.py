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

The τ value (Tijs) joins the allocations when the game is quasi-balanced; otherwise a note says
which condition fails. Cooperation restricted by the cluster's structure (docs/games.md):
``--graph`` (with ``--scenario``: ``structure``, ``ties``, ``strong`` or ``weak``, aggregated to
a graph between the players by :meth:`~clustermarketing.analysis.coalitions.ScenarioGame.
player_graph`; or an edge-list file) adds the Myerson value and names the isolated players;
``--unions`` (``segment``, ``size``, ``leaders`` or a file) adds the Owen and Aumann–Drèze values
for those a priori unions. Both get a table of their own ("Values on the structure").

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

from clustermarketing.analysis.game_analysis import analyse_game, clean, members, scale_of
from clustermarketing.analysis.game_reading import (
    coalition_name,
    decimals,
    format_amount,
    game_reading,
)
from clustermarketing.cli.output import print_notes, print_table
from clustermarketing.games.cooperative import (
    GameFileError,
    TUGame,
)

__all__ = [
    "analyse_game",
    "format_amount",
    "game_command",
    "game_reading",
    "read_edges_file",
    "read_unions_file",
    "register",
]

PLAYER_KINDS = ("segment", "size", "firm")
#: --graph values taken from a scenario (anything else must be an edge-list file).
GRAPH_KINDS = ("structure", "ties", "strong", "weak")
#: --unions values taken from a scenario (anything else must be a unions file).
UNION_KINDS = ("segment", "size", "leaders")
STRUCTURE_SUFFIXES = (".csv", ".yaml", ".yml")
#: Rules that only exist with --graph / --unions, in the order they are shown.
STRUCTURE_RULES = ("myerson", "owen", "aumann_dreze")
#: Above this many groups the pairs of the player graph are not tabulated (JSON lists them).
PAIR_TABLE_UP_TO = 8
FORMATS = ("table", "json")
KINDS = ("value", "cost")
#: Unit of the coalition games of a scenario (steady-state gain or cost per period).
SCENARIO_UNIT = "CU/period"
#: Up to this many players every coalition value is printed.
ALL_COALITIONS_UP_TO = 5


def _fail(message: str) -> typer.Exit:
    from clustermarketing.cli.main import print_error

    print_error(message)
    return typer.Exit(code=2)


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
    scale = scale_of(game)
    d = decimals(scale)
    players = result["players"]
    n = len(players)
    kind = "cost game" if cost else "value game"

    masks, complete = _shown_masks(n)
    values = Table(title=f"{kind.capitalize()}: coalition {'costs' if cost else 'values'}")
    values.add_column("coalition S")
    values.add_column(Text(f"{letter}(S){in_unit}"), justify="right")
    for m in masks:
        values.add_row(
            coalition_name(members(game, m)), format_amount(clean(game.values[m], scale), d)
        )
    print_table(values)
    if not complete:
        print_notes(
            [
                f"Shown: the {n} single players, the {n} coalitions without one player and all "
                f"together; --format json lists all {(1 << n) - 1}."
            ]
        )

    rules = [r for r in result["allocations"] if r not in STRUCTURE_RULES]
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
        f"normalised to {letter}(N)"
        + (
            "; tau: the τ value, the efficient point between the minimal rights and the utopia "
            f"payoffs {letter}(N) − {letter}(N∖i)."
            if result["tau"]["defined"]
            else "."
        )
    ]
    if not result["tau"]["defined"]:
        notes.append(f"tau not shown: {result['tau']['reason']}.")
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
    if "graph" in result or "unions" in result:
        _print_structure(result, game, d, letter, with_unit)

    rules = list(result["allocations"])
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
            coalition_name(a["blocking_coalition"]) if a["blocking_coalition"] else "-",
        )
    print_table(stability)
    inefficient = [r for r in rules if not result["allocations"][r].get("efficient", True)]
    if inefficient:
        print_notes(
            [
                f"{', '.join(inefficient)}: not efficient (the total is not {letter}(N)), so not "
                f"in the core of the unrestricted game; the reading says what they share."
            ]
        )
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


def _print_structure(
    result: dict[str, Any], game: TUGame, d: int, letter: str, with_unit: str
) -> None:
    """The values restricted by the graph / unions, the player graph and what they mean."""
    players = result["players"]
    graph = result.get("graph")
    unions = result.get("unions")
    allocs = result["allocations"]
    shown = [r for r in ("shapley", *STRUCTURE_RULES) if r in allocs]
    parts = []
    if graph is not None:
        parts.append(f"graph {graph['source']}")
    if unions is not None:
        parts.append(f"unions {unions['source']}")
    table = Table(title=f"Values on the structure ({'; '.join(parts)})")
    table.add_column("player")
    if graph is not None:
        table.add_column("linked to", justify="right")
    union_of: dict[str, str] = {}
    if unions is not None:
        table.add_column("union")
        union_of = {p: name for name, ps in unions["unions"].items() for p in ps}
    table.add_column("alone", justify="right")
    for r in shown:
        table.add_column(r, justify="right")
    degree = dict.fromkeys(players, 0)
    if graph is not None:
        for a, b in graph["edges"]:
            degree[a] += 1
            degree[b] += 1
    for p in players:
        cells = [p]
        if graph is not None:
            cells.append(str(degree[p]) if degree[p] else "isolated")
        if unions is not None:
            cells.append(union_of[p])
        cells.append(format_amount(result["stand_alone"][p], d))
        cells.extend(format_amount(allocs[r]["values"][p], d) for r in shown)
        table.add_row(*cells)
    blanks = [""] * ((graph is not None) + (unions is not None))
    table.add_row(
        "total",
        *blanks,
        format_amount(sum(result["stand_alone"].values()), d),
        *(format_amount(allocs[r]["total"], d) for r in shown),
        style="bold",
    )
    print_table(table)
    notes: list[str] = []
    if graph is not None:
        notes.append(f"graph: {graph['rule']}; linked to = number of players linked.")
        if graph["isolated"]:
            notes.append(
                f"isolated: {', '.join(graph['isolated'])} — no links, so the Myerson value "
                f"{'charges' if letter == 'c' else 'gives'} each its stand-alone "
                f"{letter}({{i}})."
            )
        else:
            notes.append("isolated: none.")
        if graph["complete"]:
            notes.append("The graph is complete (every pair linked), so Myerson = Shapley.")
        elif len(graph["components"]) > 1:
            comps = "; ".join(
                f"{coalition_name(c['players'])}: {format_amount(c['value'], d)}"
                for c in graph["component_values"]
            )
            notes.append(
                f"components (each shares only its own worth {letter}(C)): {comps}; together "
                f"{format_amount(allocs['myerson']['total'], d)}{with_unit} of "
                f"{letter}(N) = {format_amount(result['grand_coalition_value'], d)}{with_unit}."
            )
        else:
            notes.append(
                f"The graph is connected but not complete: Myerson shares {letter}(N), but counts "
                f"a coalition only by the worths of its connected pieces "
                f"({letter}^g(S) = Σ {letter}(C))."
            )
    if unions is not None:
        listed = "; ".join(
            f"{name} = {coalition_name(ps)} ({letter} = "
            f"{format_amount(unions['union_values'][name], d)})"
            for name, ps in unions["unions"].items()
        )
        notes.append(f"unions: {listed}.")
        if len(unions["unions"]) == 1:
            notes.append("One union holds every player, so Owen = Aumann–Drèze = Shapley.")
        notes.append(
            f"owen: the unions first share {letter}(N) as the Shapley value of the game between "
            "unions, then each union's members share its part; aumann_dreze: each union shares "
            f"only its own worth (together {format_amount(allocs['aumann_dreze']['total'], d)}"
            f"{with_unit})."
        )
    print_notes(notes)
    if (
        graph is not None
        and graph.get("players_kind") in ("segment", "size")
        and len(players) <= PAIR_TABLE_UP_TO
    ):  # groups of firms: show how their firms' links were aggregated
        _print_pairs(graph)


def _print_pairs(graph: dict[str, Any]) -> None:
    structure = graph["source"] == "structure"
    table = Table(title=f"Player graph ({graph['source']}): pairs of players")
    table.add_column("pair")
    table.add_column("structure links" if structure else "ties", justify="right")
    if structure:
        table.add_column("via hub")
    else:
        table.add_column("random mixing", justify="right")
        table.add_column("ratio", justify="right")
    table.add_column("linked")
    for row in graph["pairs"]:
        cells = [coalition_name(row["players"]), f"{row['links']:,}"]
        if structure:
            cells.append("yes" if row["via_hub"] else "no")
        else:
            cells += [format_amount(row["expected"], 1), format_amount(row["ratio"], 2)]
        cells.append("yes" if row["linked"] else "no")
        table.add_row(*cells)
    print_table(table)
    if structure:
        note = (
            "structure links = links of the model's structure between the two players' firms; "
            "via hub = both have a firm linked to the hub."
        )
    else:
        note = (
            "ties = ties between the two players' firms; random mixing = D_a·D_b/2m, the ties "
            "expected if every tie joined two firms at random (D = summed degree of a player's "
            "firms, m = all ties); ratio = ties / random mixing."
        )
    print_notes([note])


def _scenario_game(
    scenario: str,
    overrides: list[str],
    model: str | None,
    players: str,
    seed: int | None,
) -> tuple[Any, Any]:
    """The (lazily evaluated) coalition games of a scenario, checked for size."""
    from clustermarketing.analysis.coalitions import EXACT_MAX_PLAYERS, scenario_game
    from clustermarketing.cli.main import load

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
    return sg, sc


def _tabulate(sg: Any, cost: bool, progress: bool | None) -> TUGame:
    """The coalition (or cost) game of a scenario, tabulated with progress on stderr."""
    from clustermarketing.cli.main import progress_reporter

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
    return TUGame(np.concatenate(parts), cost=cost, players=list(sg.players))


def _structure_file(value: str, option: str, kinds: tuple[str, ...], what: str) -> Path:
    """``value`` as an existing edge-list / unions file, or a one-line error naming the option."""
    path = Path(value)
    if not path.is_file():
        reason = "is a directory" if path.is_dir() else "is not a file"
        raise _fail(
            f"{option}: {value!r} is none of {', '.join(kinds)} and {reason}; expected one of "
            f"those or {what}"
        )
    if path.suffix.lower() not in STRUCTURE_SUFFIXES:
        raise _fail(
            f"{option}: {value}: unknown file type {path.suffix or '(none)'!r}; expected "
            f"{', '.join(STRUCTURE_SUFFIXES)}"
        )
    return path


def _read_rows(path: Path, columns: tuple[str, str]) -> list[tuple[int, str, str]]:
    """Rows ``(row number, first, second)`` of a two-column CSV with exactly ``columns``."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        lines = [(k, line) for k, line in enumerate(fh.read().splitlines(), 1)]
    lines = [(k, line) for k, line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ValueError(f"{path}: empty; expected the header {','.join(columns)}")
    reader = list(csv.reader([line for _, line in lines]))
    header = tuple(c.strip() for c in reader[0])
    if header != columns:
        hint = " (the file must be comma-separated)" if len(header) == 1 else ""
        raise ValueError(
            f"{path}: header {','.join(header)!r}; expected exactly {','.join(columns)}{hint}"
        )
    out = []
    for (k, _), cells in zip(lines[1:], reader[1:], strict=True):
        row = k - lines[0][0]  # 1 = the first row below the header
        if len(cells) != 2:
            raise ValueError(f"{path} row {row}: {len(cells)} cells; expected 2 ({columns})")
        a, b = (c.strip() for c in cells)
        for col, val in zip(columns, (a, b), strict=True):
            if not val:
                raise ValueError(f"{path} row {row}, column {col!r}: (empty); expected a name")
        out.append((row, a, b))
    return out


def _read_yaml_key(path: Path, key: str) -> Any:
    from clustermarketing.scenario.yamlio import load_yaml

    try:
        doc = load_yaml(path.read_text(encoding="utf-8"))
    except Exception as exc:  # YAML syntax or a duplicate key
        raise ValueError(f"{path}: {exc}") from None
    if not isinstance(doc, dict) or set(doc) != {key}:
        found = sorted(map(str, doc)) if isinstance(doc, dict) else type(doc).__name__
        raise ValueError(f"{path}: expected a mapping with the single key {key!r}, got {found}")
    return doc[key]


def _check_player(path: Path, where: str, name: Any, players: list[str]) -> str:
    if str(name) not in players:
        shown = ", ".join(players[:8]) + (", …" if len(players) > 8 else "")
        raise ValueError(f"{path} {where}: unknown player {name!r}; expected one of {shown}")
    return str(name)


def read_edges_file(path: Path, players: list[str]) -> list[tuple[str, str]]:
    """Links between players from a CSV (``source,target``) or YAML (``edges: [[a, b], …]``).

    Names must be players of the game; a self-link or a link given twice (also reversed) is an
    error naming the row.
    """
    pairs: list[tuple[str, Any, Any]] = []
    if path.suffix.lower() == ".csv":
        pairs = [(f"row {k}", a, b) for k, a, b in _read_rows(path, ("source", "target"))]
    else:
        raw = _read_yaml_key(path, "edges")
        if not isinstance(raw, list):
            raise ValueError(f"{path}: edges: expected a list of [a, b] pairs")
        for k, item in enumerate(raw):
            if not isinstance(item, list | tuple) or len(item) != 2:
                raise ValueError(f"{path} edges[{k}]: {item!r}; expected a pair [a, b]")
            pairs.append((f"edges[{k}]", item[0], item[1]))
    seen: dict[frozenset[str], str] = {}
    edges = []
    for where, a, b in pairs:
        a, b = (_check_player(path, where, x, players) for x in (a, b))
        if a == b:
            raise ValueError(f"{path} {where}: {a!r} linked to itself; expected two players")
        key = frozenset((a, b))
        if key in seen:
            raise ValueError(
                f"{path} {where}: the link {a}–{b} repeats {seen[key]} (links are undirected)"
            )
        seen[key] = where
        edges.append((a, b))
    return edges


def read_unions_file(path: Path, players: list[str]) -> dict[str, list[str]]:
    """Unions from a CSV (``player,union``) or YAML (``unions: {name: [players]}``).

    Every player must be in exactly one union; unknown players, a player listed twice and a
    player left out are errors.
    """
    unions: dict[str, list[str]] = {}
    where_of: dict[str, str] = {}
    if path.suffix.lower() == ".csv":
        entries = [(f"row {k}", p, u) for k, p, u in _read_rows(path, ("player", "union"))]
    else:
        raw = _read_yaml_key(path, "unions")
        if not isinstance(raw, dict) or not raw:
            raise ValueError(f"{path}: unions: expected a mapping union name → list of players")
        entries = []
        for name, members in raw.items():
            if not isinstance(members, list) or not members:
                raise ValueError(
                    f"{path} unions.{name}: {members!r}; expected a non-empty list of players"
                )
            entries.extend((f"unions.{name}", p, str(name)) for p in members)
    for where, p, u in entries:
        player = _check_player(path, where, p, players)
        if player in where_of:
            raise ValueError(
                f"{path} {where}: player {player!r} is already in a union ({where_of[player]}); "
                "expected each player in exactly one union"
            )
        where_of[player] = where
        unions.setdefault(u, []).append(player)
    missing = [p for p in players if p not in where_of]
    if missing:
        raise ValueError(
            f"{path}: no union for {', '.join(missing[:8])}"
            + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
            + "; expected every player in exactly one union"
        )
    order = {p: i for i, p in enumerate(players)}
    return {u: sorted(ps, key=order.__getitem__) for u, ps in unions.items()}


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
    graph: str | None = None,
    tie_ratio: float | None = None,
    unions: str | None = None,
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
    chosen = players or "segment"
    graph_file = union_file = None
    if graph is not None and graph not in GRAPH_KINDS:
        graph_file = _structure_file(
            graph,
            "--graph",
            GRAPH_KINDS,
            "an edge-list file (.csv with columns source,target, or .yaml with edges: [[a, b]])",
        )
    if unions is not None and unions not in UNION_KINDS:
        union_file = _structure_file(
            unions,
            "--unions",
            UNION_KINDS,
            "a unions file (.csv with columns player,union, or .yaml with unions: {name: [...]})",
        )
    if file is not None:
        if graph is not None and graph_file is None:
            raise _fail(
                f"--graph {graph} needs --scenario (a game FILE has no cluster); for a game FILE "
                "give an edge-list file"
            )
        if unions is not None and union_file is None:
            raise _fail(
                f"--unions {unions} needs --scenario (a game FILE has no cluster); for a game "
                "FILE give a unions file"
            )
    if tie_ratio is not None:
        if graph not in ("ties", "strong", "weak"):
            shown = f"--graph {graph}" if graph is not None else "no --graph"
            raise _fail(
                f"--tie-ratio applies to --graph ties|strong|weak (ties aggregated between "
                f"groups of firms), not to {shown}"
            )
        if chosen == "firm":
            raise _fail(
                "--tie-ratio applies to groups of firms (--players segment or size); with "
                "--players firm a tie between two firms is their link"
            )
        if not math.isfinite(tie_ratio) or tie_ratio < 0:
            raise _fail(f"--tie-ratio: {tie_ratio}; expected a finite number ≥ 0")
    if out is not None:
        from clustermarketing.cli.main import check_out_file

        check_out_file(out, force)
    options: dict[str, Any] = {
        "format": format,
        "out": str(out.absolute()) if out is not None else None,
        "force": force,
    }
    from clustermarketing.cli.main import user_errors

    player_graph: Any = None
    union_sets: dict[str, list[str]] | None = None
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
        labels = [str(p) for p in game.players]
    else:
        assert scenario is not None
        sg, sc = _scenario_game(scenario, set_ or [], model, chosen, seed)
        labels = list(sg.players)
        if graph is not None and graph_file is None:
            player_graph = sg.player_graph(graph, tie_ratio)
        if unions is not None and union_file is None:
            try:
                union_sets = sg.unions(unions)
            except ValueError as exc:
                raise _fail(f"--{exc}") from None
    if graph_file is not None:
        from clustermarketing.analysis.coalitions import PlayerGraph

        with user_errors():
            player_graph = PlayerGraph.from_edges(
                labels, read_edges_file(graph_file, labels), str(graph_file)
            )
    if union_file is not None:
        with user_errors():
            union_sets = read_unions_file(union_file, labels)
    if scenario is not None:
        game = _tabulate(sg, cost, progress)
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
    options.update(
        graph=str(graph_file.absolute()) if graph_file is not None else graph,
        tie_ratio=player_graph.min_ratio if player_graph is not None else None,
        unions=str(union_file.absolute()) if union_file is not None else unions,
    )
    prov_args["inputs"] = {
        **prov_args["inputs"],
        "graph file": graph_file,
        "unions file": union_file,
    }
    result = analyse_game(
        game,
        unit,
        graph=player_graph,
        unions=union_sets,
        unions_source=str(union_file) if union_file is not None else unions,
    )
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
        graph: Annotated[
            str | None,
            typer.Option(
                metavar="GRAPH",
                help="Communication graph for the Myerson value: structure, ties, strong, weak "
                "(with --scenario) or an edge-list file (.csv source,target / .yaml).",
            ),
        ] = None,
        tie_ratio: Annotated[
            float | None,
            typer.Option(
                "--tie-ratio",
                metavar="R",
                help="With --graph ties|strong|weak and group players: link two groups when "
                "their ties number ≥ R × what random mixing gives (default 0.5).",
            ),
        ] = None,
        unions: Annotated[
            str | None,
            typer.Option(
                metavar="UNIONS",
                help="A priori unions for the Owen and Aumann–Drèze values: segment, size, "
                "leaders (with --scenario) or a file (.csv player,union / .yaml).",
            ),
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
        """Coalition values, allocations (equal, proportional, Shapley, Banzhaf, nucleolus, τ),
        core membership, the largest blocking excess, and a reading of the result; with --graph
        the Myerson value, with --unions the Owen and Aumann–Drèze values."""
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
            graph=graph,
            tie_ratio=tie_ratio,
            unions=unions,
        )
