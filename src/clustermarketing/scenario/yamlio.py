"""Reading YAML and JSON scenario text strictly: no duplicate keys, ``1e5`` is a number.

PyYAML's ``safe_load`` keeps the last of two equal keys without a word and, following YAML 1.1,
reads ``1e5`` as the string ``"1e5"``. :class:`StrictLoader` rejects a duplicate key with its line
and the line of the first one, and reads exponent notation (``1e5``, ``2.5E-3``) as a float as
YAML 1.2 does. JSON objects are read with the same duplicate-key check.

>>> load_yaml("size: 1e5")
{'size': 100000.0}
>>> load_yaml("a: 1\\nb: 2\\na: 3\\n")
Traceback (most recent call last):
...
clustermarketing.scenario.yamlio.DuplicateKeyError: line 3: duplicate key 'a' (first given on line 1)
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from typing import Any

import yaml

__all__ = ["DuplicateKeyError", "StrictLoader", "load_json", "load_yaml"]


class DuplicateKeyError(ValueError):
    """A mapping gives the same key twice."""

    def __init__(self, key: Any, line: int | None, first: int | None) -> None:
        self.key, self.line, self.first = key, line, first
        where = f"line {line}: " if line else ""
        before = f" (first given on line {first})" if first else ""
        super().__init__(f"{where}duplicate key {key!r}{before}")


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that rejects duplicate keys and reads ``1e5`` as a float."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # keys merged in with << may be overridden on purpose
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if isinstance(key, Hashable):
                if key in seen:
                    raise DuplicateKeyError(key, line, seen[key])
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def load_yaml(text: str) -> Any:
    """Parse YAML text with :class:`StrictLoader` (raises ``yaml.YAMLError`` or
    :class:`DuplicateKeyError`)."""
    return yaml.load(text, Loader=StrictLoader)  # a SafeLoader subclass: no arbitrary objects


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise DuplicateKeyError(k, None, None)
        out[k] = v
    return out


def load_json(text: str) -> Any:
    """Parse JSON text, rejecting an object that gives a key twice."""
    return json.loads(text, object_pairs_hook=_pairs)
