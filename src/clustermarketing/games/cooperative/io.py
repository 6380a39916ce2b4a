"""Readable file forms of TU games (YAML and CSV) and their validation.

YAML::

    players: [a, b, c]        # optional; inferred from the coalitions (order of appearance)
    cost: false               # optional; true for a cost game
    values:                   # every non-empty coalition; the empty one ("" or "{}") optional = 0
      "a": 1
      "b": 0
      "a,b": 3                # members joined by "," or "+"
      ...

``values`` may instead be a list of ``2**n`` numbers indexed by coalition bitmask (bit ``i`` =
player ``i`` of ``players``).

CSV (header ``coalition,value``; coalitions joined by ``+``, or by ``,`` inside quotes; an
optional first line ``# players: a, b, c`` fixes the order, ``# cost: true`` makes a cost game)::

    coalition,value
    a,1
    "a,b",3
    a+b+c,6

Every problem raises :class:`GameFileError` (a ``ValueError``) with one message that names the
file and the problem: list length not ``2**n``, a missing coalition (named), an unknown player,
a duplicated coalition, or a non-numeric value (coalition and value named).
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from clustermarketing.games.cooperative._bitmask import MAX_TABLE_PLAYERS
from clustermarketing.games.cooperative.tu import TUGame

__all__ = ["GameFileError", "load_game", "parse_game"]

_EMPTY_KEYS = {"", "{}", "()", "∅", "empty"}


class GameFileError(ValueError):
    """A game file is malformed; the message says what and where."""


def _split(key: str) -> list[str]:
    key = key.strip()
    if key in _EMPTY_KEYS:
        return []
    return [p.strip() for p in re.split(r"[,+]", key) if p.strip()]


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
        values = [_number(x, f"#{k}", source) for k, x in enumerate(entries)]
        return _make(np.array(values), cost, players, source)
    parsed: list[tuple[list[str], Any, str]] = [(_split(str(k)), v, str(k)) for k, v in entries]
    if players is None:
        seen: dict[str, None] = {}
        for members, _, _ in parsed:
            seen.update(dict.fromkeys(members))
        players = list(seen)
    n = len(players)
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
            raise GameFileError(f"{source}: coalition {key!r} is given twice")
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


def _make(values: np.ndarray, cost: bool, players: list[str] | None, source: str) -> TUGame:
    if values.size & (values.size - 1):  # 2**n − 1 entries: the empty coalition was left out
        values = np.concatenate([[0.0], values])
    try:
        return TUGame(values, cost=cost, players=players)
    except ValueError as exc:
        raise GameFileError(f"{source}: {exc}") from None


def _load_yaml(path: Path) -> TUGame:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise GameFileError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(doc, dict) or "values" not in doc:
        raise GameFileError(f"{path}: expected a mapping with a 'values' key")
    players = doc.get("players")
    if players is not None and not isinstance(players, list):
        raise GameFileError(f"{path}: 'players' must be a list of names")
    cost = doc.get("cost", False)
    if not isinstance(cost, bool):
        raise GameFileError(f"{path}: 'cost' must be true or false, got {cost!r}")
    values = doc["values"]
    if isinstance(values, dict):
        entries: list[Any] = [("" if k is None else str(k), v) for k, v in values.items()]
    elif isinstance(values, list):
        entries = values
    else:
        raise GameFileError(f"{path}: 'values' must be a mapping coalition -> value or a list")
    return parse_game(entries, players=players, cost=cost, source=str(path))


def _load_csv(path: Path) -> TUGame:
    lines = path.read_text(encoding="utf-8").splitlines()
    players: list[str] | None = None
    cost = False
    body: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            key, _, rest = stripped[1:].partition(":")
            if key.strip().lower() == "players":
                players = _split(rest)
            elif key.strip().lower() == "cost":
                cost = rest.strip().lower() in {"true", "yes", "1"}
        elif stripped:
            body.append(line)
    rows = list(csv.reader(body))
    if not rows or [c.strip().lower() for c in rows[0]] != ["coalition", "value"]:
        raise GameFileError(f"{path}: the first row must be the header 'coalition,value'")
    entries: list[Any] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            raise GameFileError(
                f"{path}: row {lineno} has {len(row)} fields, expected 2 (quote coalitions "
                'that contain commas, e.g. "a,b",3, or join names with +)'
            )
        entries.append((row[0], row[1].strip()))
    return parse_game(entries, players=players, cost=cost, source=str(path))


def load_game(path: str | Path) -> TUGame:
    """Read a TU game from a ``.yaml``/``.yml`` or ``.csv`` file (format in the module doc)."""
    path = Path(path)
    if not path.is_file():
        raise GameFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return _load_yaml(path)
    if suffix == ".csv":
        return _load_csv(path)
    raise GameFileError(f"{path}: unknown game file type {suffix!r} (use .yaml, .yml or .csv)")
