"""The games package's modules import each other one way only (issue 6, "Layers loop").

Parsed with :mod:`ast`, not imported, so that a cycle is found even where the import order of
today happens to work:

* no import between modules of the package inside a function body (a lazy import hides a cycle);
* the graph of the imports executed when a module loads (top level and class bodies, not
  ``if TYPE_CHECKING:`` blocks) is acyclic. An import from a package (``from
  clustermarketing.games.cooperative import x``) is an edge to its ``__init__``, which imports
  every submodule — inside the package that is a cycle too.

The import-linter contracts in ``pyproject.toml`` check the same package with grimp; this test
also names the offending lines and runs with ``pytest`` alone.
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import clustermarketing.games

PACKAGE = "clustermarketing.games"
ROOT = Path(clustermarketing.games.__file__).parent


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Dotted name → file for every module under ``root`` (``__init__`` = the package)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join((package, *parts))] = path
    return out


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imported_modules(
    node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules: set[str]
) -> list[str]:
    """Modules of ``modules`` (or their parent packages) that an import statement loads."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative import: resolve against the importer's package
            anchor = importer.split(".") if is_package else importer.split(".")[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base]) if base else ".".join(anchor)
        targets = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
            for alias in node.names
        ]
    return [t for t in dict.fromkeys(targets) if t == PACKAGE or t.startswith(PACKAGE + ".")]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def load_time_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements run when the module loads: not in functions, not under TYPE_CHECKING."""
    for stmt in body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            yield stmt
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        elif isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
            yield from load_time_imports(stmt.orelse)
        else:  # class bodies, if/try/with/for/match blocks: they run when the module loads
            blocks = [getattr(stmt, field, []) for field in ("body", "orelse", "finalbody")]
            blocks += [handler.body for handler in getattr(stmt, "handlers", [])]
            blocks += [case.body for case in getattr(stmt, "cases", [])]
            for block in blocks:
                yield from load_time_imports(block)


def function_level_imports(tree: ast.Module) -> Iterator[tuple[str, ast.Import | ast.ImportFrom]]:
    """``(function name, import)`` for every import statement inside a function body."""
    seen: set[int] = set()
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in seen:
                    seen.add(id(node))
                    yield func.name, node


def import_graph(files: dict[str, Path]) -> dict[str, set[str]]:
    """Module → modules of the package it imports at load time."""
    modules = set(files)
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = {
            target
            for node in load_time_imports(tree.body)
            for target in imported_modules(node, name, _is_package(path), modules)
            if target != name
        }
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph (first node repeated at the end), or ``None`` if it is acyclic."""
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        return list(reversed(err.args[1]))
    return None


FILES = module_names(ROOT, PACKAGE)


def test_the_package_is_found():
    assert f"{PACKAGE}.cooperative.tu" in FILES
    assert f"{PACKAGE}.noncooperative.pricing" in FILES
    assert len(FILES) >= 20


def test_no_function_level_imports_between_package_modules():
    modules = set(FILES)
    found = []
    for name, path in FILES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for func, node in function_level_imports(tree):
            for target in imported_modules(node, name, _is_package(path), modules):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} in {func}(): {target}")
    assert not found, "imports inside functions:\n" + "\n".join(found)


def test_module_import_graph_is_acyclic():
    graph = import_graph(FILES)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_solvers_sit_below_tugame_and_bitmask_below_everything():
    """The arrangement that makes the graph acyclic (see ``cooperative/tu.py``)."""
    graph = import_graph(FILES)
    coop = f"{PACKAGE}.cooperative"
    assert graph[f"{coop}._bitmask"] == set()
    solvers = {
        "shapley",
        "banzhaf",
        "nucleolus",
        "core",
        "properties",
        "tau",
        "_graph_values",
        "_unions",
    }
    # TUGame's methods call the solvers through top-level imports ...
    assert {f"{coop}.{s}" for s in solvers} <= graph[f"{coop}.tu"]

    # ... so nothing they load may load tu (not even under TYPE_CHECKING, which import-linter
    # counts: it would report the pair as a cycle).
    def below(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    tu = f"{coop}.tu"
    for module in below(tu):
        path = FILES[module]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        every = {
            t
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for t in imported_modules(node, module, _is_package(path), set(FILES))
        }
        assert tu not in every, f"{module} imports {tu}"


# --------------------------------------------------------------------------- the checker itself
def _write(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return module_names(root, PACKAGE)


@pytest.mark.parametrize(
    ("b_source", "cycle"),
    [
        ("from clustermarketing.games.a import f\n", True),
        ("from . import a\n", True),
        ("import clustermarketing.games.a as a\n", True),
        ("from clustermarketing.games import f\n", True),  # the package __init__ imports b
        ("class C:\n    from clustermarketing.games.a import f\n", True),
        ("try:\n    from .a import f\nexcept ImportError:\n    pass\n", True),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from clustermarketing.games.a import f\n",
            False,
        ),
        ("def g():\n    from clustermarketing.games.a import f\n", False),
        ("import numpy as np\n", False),
    ],
)
def test_checker_finds_cycles_it_should(tmp_path, b_source, cycle):
    files = _write(
        tmp_path,
        {
            "__init__.py": "from clustermarketing.games.b import g\n",
            "a.py": "from clustermarketing.games.b import g\n",
            "b.py": b_source,
        },
    )
    found = find_cycle(import_graph(files))
    assert (found is not None) == cycle, found


def test_checker_finds_function_level_imports(tmp_path):
    files = _write(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "import numpy as np\n\ndef f():\n    import json\n    return 1\n",
            "b.py": "class C:\n    def m(self):\n        from .a import f\n        return f()\n",
        },
    )
    tree = ast.parse(files[f"{PACKAGE}.b"].read_text())
    hits = [
        (func, target)
        for func, node in function_level_imports(tree)
        for target in imported_modules(node, f"{PACKAGE}.b", False, set(files))
    ]
    assert hits == [("m", f"{PACKAGE}.a")]
    tree_a = ast.parse(files[f"{PACKAGE}.a"].read_text())
    assert [
        t
        for _, node in function_level_imports(tree_a)
        for t in imported_modules(node, f"{PACKAGE}.a", False, set(files))
    ] == []
