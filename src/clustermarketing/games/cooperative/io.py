"""Readable file forms of TU games (YAML and CSV) and their validation.

A game is either a *value game* (``v(S)``: what coalition S earns or gains together; the
allocations split ``v(N)``) or a *cost game* (``c(S)``: what serving coalition S alone costs;
the allocations split the cost ``c(N)``). A file should say which with ``kind``; a file that does
not is read as a value game and :func:`read_game_file` reports that the kind was not given.

YAML::

    kind: value               # value | cost (the older `cost: true|false` is also accepted)
    unit: CU/period           # optional; shown next to every number
    players: [a, b, c]        # optional; inferred from the coalitions (order of appearance)
    values:                   # every non-empty coalition; the empty one ("" or "{}") optional = 0
      "a": 1
      "b": 0
      "a,b": 3                # members joined by "," or "+"
      ...

``values`` may instead be a list of ``2**n`` numbers indexed by coalition bitmask (bit ``i`` =
player ``i`` of ``players``).

CSV (header ``coalition,value``; coalitions joined by ``+``, or by ``,`` inside quotes). Comment
lines before the header set ``# kind: value|cost``, ``# unit: ...`` and ``# players: a, b, c``
(fixes the order; the older ``# cost: true|false`` is also accepted)::

    # kind: cost
    # unit: CU/period
    coalition,value
    a,1
    "a,b",3
    a+b+c,6

Every problem raises :class:`GameFileError` (a ``ValueError``) with one message that names the
file and the problem: list length not ``2**n``, a missing coalition (named), an unknown player,
a coalition given twice (also as a duplicate YAML key, or with its players in another order), a
player repeated inside a coalition, a non-numeric value (coalition and value named), a game
without players, an unknown or contradictory ``kind``/``cost``, or an unknown YAML key (a
misspelt ``# kind`` comment in a CSV is caught too).
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from clustermarketing.games.cooperative._bitmask import MAX_TABLE_PLAYERS
from clustermarketing.games.cooperative.tu import TUGame

__all__ = ["KINDS", "GameFile", "GameFileError", "load_game", "parse_game", "read_game_file"]

_EMPTY_KEYS = {"", "{}", "()", "∅", "empty"}
#: The two kinds of game a file can hold.
KINDS = ("value", "cost")
_YAML_KEYS = ("kind", "cost", "unit", "players", "values")
_CSV_KEYS = ("kind", "cost", "unit", "players")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


class GameFileError(ValueError):
    """A game file is malformed; the message says what and where."""


@dataclass(frozen=True)
class GameFile:
    """A game read from a file, with what the file says about it."""

    game: TUGame
    kind_given: bool  # whether the file (or the caller) said value or cost
    unit: str | None  # the unit of the values, if the file gives one


def _split(key: str) -> list[str]:
    key = key.strip()
    if key in _EMPTY_KEYS:
        return []
    return [p.strip() for p in re.split(r"[,+]", key) if p.strip()]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects a mapping key given twice (PyYAML keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if isinstance(key, Hashable):
                if key in seen:
                    raise GameFileError(
                        f"line {line}: key {key!r} is given twice (first on line {seen[key]})"
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _kind_from(kind: Any, cost: Any, source: str) -> str | None:
    """The kind a file states through ``kind`` and/or the older ``cost`` flag (None: neither)."""
    stated: str | None = None
    if kind is not None:
        k = str(kind).strip().lower()
        if k not in KINDS:
            raise GameFileError(f"{source}: kind {kind!r} is unknown; expected 'value' or 'cost'")
        stated = k
    if cost is not None:
        c = str(cost).strip().lower()
        if c in _TRUE:
            from_cost = "cost"
        elif c in _FALSE:
            from_cost = "value"
        else:
            raise GameFileError(
                f"{source}: cost {cost!r} is not true or false; expected true or false (or write kind: cost)"
            )
        if stated is not None and stated != from_cost:
            raise GameFileError(
                f"{source}: kind {stated!r} contradicts cost {cost!r}; give one of them"
            )
        stated = from_cost
    return stated


def _resolve_kind(stated: str | None, requested: str | None, source: str) -> tuple[bool, bool]:
    """(is a cost game, kind was given) from the file's statement and the caller's request."""
    if requested is not None:
        if requested not in KINDS:
            raise GameFileError(f"kind {requested!r} is unknown; expected 'value' or 'cost'")
        if stated is not None and stated != requested:
            raise GameFileError(
                f"{source}: the file holds a {stated} game but a {requested} game was asked for"
            )
        return requested == "cost", True
    return stated == "cost", stated is not None


def _number(value: Any, where: str, source: str) -> float:
    if isinstance(value, bool) or value is None:
        raise GameFileError(f"{source}: value of coalition {where} is not a number: {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise GameFileError(
            f"{source}: value of coalition {where} is not a number: {value!r}"
        ) from None
    if not math.isfinite(x):
        raise GameFileError(f"{source}: value of coalition {where} is not finite: {value!r}")
    return x


def _fmt(members: list[str] | tuple[str, ...]) -> str:
    return "{" + ",".join(members) + "}"


def parse_game(
    entries: list[tuple[str, Any]] | list[Any],
    players: list[str] | None = None,
    cost: bool = False,
    source: str = "game",
) -> TUGame:
    """Build a :class:`TUGame` from ``(coalition key, value)`` pairs or a bitmask-indexed list.

    Shared by the YAML and CSV readers; raises :class:`GameFileError` on any problem.
    """
    if players is not None:
        players = [str(p).strip() for p in players]
        if len(set(players)) != len(players):
            raise GameFileError(f"{source}: players are not distinct: {players}")
    if entries and not isinstance(entries[0], tuple):  # bitmask-indexed list
        size = len(entries)
        if players is not None and size not in (1 << len(players), (1 << len(players)) - 1):
            raise GameFileError(
                f"{source}: values list has length {size}, expected 2**{len(players)} = "
                f"{1 << len(players)} for {len(players)} players"
            )
        if size & (size - 1):
            raise GameFileError(f"{source}: values list has length {size}, which is not 2**n")
        if size <= 1:
            raise GameFileError(f"{source}: no players (the values list has {size} entry)")
        values = [_number(x, f"#{k}", source) for k, x in enumerate(entries)]
        return _make(np.array(values), cost, players, source)
    parsed: list[tuple[list[str], Any, str]] = [(_split(str(k)), v, str(k)) for k, v in entries]
    for members, _, key in parsed:
        repeated = sorted({p for p in members if members.count(p) > 1})
        if repeated:
            raise GameFileError(
                f"{source}: player {repeated[0]!r} appears twice in coalition {key!r}"
            )
    if players is None:
        seen: dict[str, None] = {}
        for members, _, _ in parsed:
            seen.update(dict.fromkeys(members))
        players = list(seen)
    n = len(players)
    if n == 0:
        raise GameFileError(
            f"{source}: no players (no coalition names a player); expected coalitions such as "
            "'a', 'b', 'a+b'"
        )
    if n > MAX_TABLE_PLAYERS:
        raise GameFileError(f"{source}: {n} players is too many for an explicit game table")
    index = {p: i for i, p in enumerate(players)}
    values = np.full(1 << n, np.nan)
    values[0] = 0.0
    for members, raw, key in parsed:
        mask = 0
        for p in members:
            if p not in index:
                raise GameFileError(
                    f"{source}: unknown player {p!r} in coalition {key!r} "
                    f"(players: {', '.join(players)})"
                )
            mask |= 1 << index[p]
        x = _number(raw, repr(key), source)
        if mask == 0:
            if x != 0:
                raise GameFileError(f"{source}: the empty coalition must have value 0, got {x:g}")
            continue
        if not np.isnan(values[mask]):
            first = next(k for m, _, k in parsed if _mask(m, index) == mask)
            same = "" if first == key else f" (as {first!r} and {key!r})"
            raise GameFileError(
                f"{source}: coalition {_fmt(sorted(members, key=index.__getitem__))} is given twice{same}"
            )
        values[mask] = x
    missing = np.flatnonzero(np.isnan(values))
    if missing.size:
        names = [_fmt([players[i] for i in range(n) if (int(m) >> i) & 1]) for m in missing[:5]]
        more = f" and {missing.size - 5} more" if missing.size > 5 else ""
        raise GameFileError(
            f"{source}: missing coalition {names[0]}"
            + (f" (missing: {', '.join(names)}{more})" if missing.size > 1 else "")
            + f"; {n} players need all 2**{n} - 1 = {(1 << n) - 1} non-empty coalitions, "
            f"got {(1 << n) - 1 - missing.size}"
        )
    return _make(values, cost, players, source)


def _mask(members: list[str], index: dict[str, int]) -> int:
    mask = 0
    for p in members:
        mask |= 1 << index.get(p, 0)
    return mask


def _make(values: np.ndarray, cost: bool, players: list[str] | None, source: str) -> TUGame:
    if values.size & (values.size - 1):  # 2**n − 1 entries: the empty coalition was left out
        values = np.concatenate([[0.0], values])
    try:
        return TUGame(values, cost=cost, players=players)
    except ValueError as exc:
        raise GameFileError(f"{source}: {exc}") from None


def _load_yaml(path: Path, kind: str | None) -> GameFile:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # a SafeLoader
    except GameFileError as exc:
        raise GameFileError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise GameFileError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(doc, dict) or "values" not in doc:
        raise GameFileError(f"{path}: expected a mapping with a 'values' key")
    unknown = [str(k) for k in doc if k not in _YAML_KEYS]
    if unknown:
        raise GameFileError(f"{path}: unknown key {unknown[0]!r}; expected {', '.join(_YAML_KEYS)}")
    players = doc.get("players")
    if players is not None and not isinstance(players, list):
        raise GameFileError(f"{path}: 'players' must be a list of names")
    cost = doc.get("cost")
    if cost is not None and not isinstance(cost, bool):
        raise GameFileError(f"{path}: 'cost' must be true or false, got {cost!r}")
    is_cost, given = _resolve_kind(_kind_from(doc.get("kind"), cost, str(path)), kind, str(path))
    unit = doc.get("unit")
    values = doc["values"]
    if isinstance(values, dict):
        entries: list[Any] = [("" if k is None else str(k), v) for k, v in values.items()]
    elif isinstance(values, list):
        entries = values
    else:
        raise GameFileError(f"{path}: 'values' must be a mapping coalition -> value or a list")
    game = parse_game(entries, players=players, cost=is_cost, source=str(path))
    return GameFile(game, given, None if unit is None else str(unit))


def _load_csv(path: Path, kind: str | None) -> GameFile:
    lines = path.read_text(encoding="utf-8").splitlines()
    players: list[str] | None = None
    header: dict[str, str] = {}
    body: list[str] = []
    for lineno, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            key, sep, rest = stripped[1:].partition(":")
            key = key.strip().lower()
            if not sep:
                continue  # a free comment
            if key in _CSV_KEYS:
                if key in header:
                    raise GameFileError(f"{path}: line {lineno}: '# {key}:' is given twice")
                header[key] = rest.strip()
            elif " " not in key and difflib.get_close_matches(key, _CSV_KEYS, n=1, cutoff=0.6):
                close = difflib.get_close_matches(key, _CSV_KEYS, n=1, cutoff=0.6)[0]
                raise GameFileError(
                    f"{path}: line {lineno}: unknown header '# {key}:'; did you mean '# {close}:'?"
                )
        elif stripped:
            body.append(line)
    if "players" in header:
        players = _split(header["players"])
    stated = _kind_from(header.get("kind"), header.get("cost"), str(path))
    is_cost, given = _resolve_kind(stated, kind, str(path))
    rows = list(csv.reader(body))
    if not rows or [c.strip().lower() for c in rows[0]] != ["coalition", "value"]:
        hint = ""
        if rows and len(rows[0]) == 1 and ";" in rows[0][0]:
            hint = " (the header looks separated by semicolons; use commas)"
        raise GameFileError(f"{path}: the first row must be the header 'coalition,value'{hint}")
    entries: list[Any] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            raise GameFileError(
                f"{path}: row {lineno} has {len(row)} fields, expected 2 (quote coalitions "
                'that contain commas, e.g. "a,b",3, or join names with +)'
            )
        entries.append((row[0], row[1].strip()))
    game = parse_game(entries, players=players, cost=is_cost, source=str(path))
    return GameFile(game, given, header.get("unit") or None)


def read_game_file(path: str | Path, kind: str | None = None) -> GameFile:
    """Read a game file (format in the module doc) with what it says about its kind and unit.

    ``kind`` (``"value"`` or ``"cost"``) states the kind from outside (a command-line option);
    a file stating the other kind is an error.
    """
    path = Path(path)
    if not path.is_file():
        raise GameFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return _load_yaml(path, kind)
    if suffix == ".csv":
        return _load_csv(path, kind)
    raise GameFileError(f"{path}: unknown game file type {suffix!r} (use .yaml, .yml or .csv)")


def load_game(path: str | Path, kind: str | None = None) -> TUGame:
    """Read a TU game from a ``.yaml``/``.yml`` or ``.csv`` file (format in the module doc)."""
    return read_game_file(path, kind).game
