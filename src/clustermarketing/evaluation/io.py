"""Files of the evaluation system: hierarchies, AHP and fuzzy inputs, weights, data tables.

YAML is read with duplicate keys rejected (a repeated judgement must not silently win). Every
error names the file, the place in it and what was expected.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from clustermarketing.errors import ClusterMarketingError
from clustermarketing.evaluation.hierarchy import Hierarchy, build_hierarchy, parse_judgements

DEFAULT_HIERARCHY = "default_hierarchy.yaml"


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, source: str) -> Any:
    """YAML (or JSON) text → data; duplicate keys and syntax errors raise a located error."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as e:
        raise ClusterMarketingError(f"{source}: not valid YAML: {e}") from None


def read_yaml(path: str | Path) -> Any:
    p = Path(path)
    text = p.read_text(encoding="utf-8")  # FileNotFoundError etc. handled by the CLI
    return parse_yaml(text, str(p))


def _mapping(data: Any, source: str, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ClusterMarketingError(
            f"{source}: expected a mapping ({what}), got {type(data).__name__}"
        )
    return data


def default_hierarchy_text() -> str:
    """The shipped default hierarchy (YAML text, with its comments)."""
    return (
        resources.files("clustermarketing.evaluation")
        .joinpath(DEFAULT_HIERARCHY)
        .read_text("utf-8")
    )


def load_hierarchy(path: str | Path | None = None) -> Hierarchy:
    """A hierarchy file, or the shipped default when ``path`` is None."""
    if path is None:
        return build_hierarchy(
            parse_yaml(default_hierarchy_text(), DEFAULT_HIERARCHY), "default hierarchy"
        )
    data = _mapping(read_yaml(path), str(path), "a hierarchy with criteria")
    return build_hierarchy(data, str(path))


def apply_weights_file(hierarchy: Hierarchy, path: str | Path) -> Hierarchy:
    """Replace judgements from a weights file.

    The file maps ``criteria`` (the goal-level judgements) and/or ``indicators`` (criterion
    name → judgements) to judgement blocks: ``matrix``, ``upper``, ``weights`` or ``experts``.
    """
    data = _mapping(read_yaml(path), str(path), "criteria / indicators judgements")
    unknown = [k for k in data if k not in ("criteria", "indicators")]
    if unknown:
        raise ClusterMarketingError(
            f"{path}: unknown key(s) {', '.join(map(str, unknown))}; expected 'criteria' and/or "
            "'indicators'"
        )
    if not data:
        raise ClusterMarketingError(f"{path}: empty; expected 'criteria' and/or 'indicators'")
    overrides = {}
    if "criteria" in data:
        overrides["goal"] = parse_judgements(data["criteria"], f"{path}: criteria")
    inds = data.get("indicators") or {}
    for name, block in _mapping(inds, f"{path}: indicators", "criterion → judgements").items():
        overrides[str(name)] = parse_judgements(block, f"{path}: indicators.{name}")
    try:
        return hierarchy.with_judgements(overrides)
    except ClusterMarketingError as e:
        raise ClusterMarketingError(f"{path}: {e}") from None


def read_data_table(path: str | Path) -> pd.DataFrame:
    """A CSV of alternatives (first column: name) × columns; checked for duplicates."""
    p = Path(path)
    try:
        frame = pd.read_csv(p)
    except pd.errors.EmptyDataError:
        raise ClusterMarketingError(
            f"{p}: empty file; expected a header and one row per alternative"
        ) from None
    except pd.errors.ParserError as e:
        raise ClusterMarketingError(f"{p}: not a valid CSV: {e}") from None
    if frame.shape[1] < 2 or frame.shape[0] < 1:
        raise ClusterMarketingError(
            f"{p}: {frame.shape[0]} rows × {frame.shape[1]} columns; expected a name column and "
            "at least one value column, one row per alternative"
        )
    dup_cols = [c for c in frame.columns if str(c).endswith(".1")]
    if dup_cols:
        raise ClusterMarketingError(
            f"{p}: duplicate column(s) {', '.join(c[:-2] for c in dup_cols)}"
        )
    name = frame.columns[0]
    frame[name] = frame[name].astype(str)
    dups = frame[name][frame[name].duplicated()].tolist()
    if dups:
        raise ClusterMarketingError(
            f"{p}: duplicate row name(s) {', '.join(dups)} in column {name!r}"
        )
    frame = frame.set_index(name)
    for col in frame.columns:
        conv = pd.to_numeric(frame[col], errors="coerce")
        bad = frame.index[conv.isna()].tolist()
        if bad:
            raise ClusterMarketingError(
                f"{p}: row {bad[0]}, column {col}: {frame.loc[bad[0], col]!r}; expected a number"
            )
        frame[col] = conv.astype(float)
    return frame


def read_comparison_dir(path: str | Path) -> dict[str, Any]:
    """What ``compare --out DIR`` wrote: the summary, the per-replicate values, the panels."""
    d = Path(path)
    if not d.is_dir():
        raise ClusterMarketingError(
            f"--from {d}: not a directory; expected the output of compare --out"
        )
    summary_path = d / "summary.json"
    if not summary_path.exists():
        raise ClusterMarketingError(
            f"--from {d}: no summary.json (an incomplete or different output); run compare --out {d}"
        )
    summary = json.loads(summary_path.read_text("utf-8"))
    out: dict[str, Any] = {"summary": summary, "replicate_values": None, "cluster": None}
    for key, stems in (
        ("replicate_values", ("replicates", "replicate_values")),
        ("cluster", ("cluster",)),
    ):
        for f in (d / f"{stem}.parquet" for stem in stems):
            if f.exists():
                out[key] = pd.read_parquet(f)
                break
    if out["replicate_values"] is None:
        raise ClusterMarketingError(
            f"--from {d}: no replicates.parquet; expected the per-replicate values written by "
            "compare --out"
        )
    return out


__all__ = [
    "apply_weights_file",
    "default_hierarchy_text",
    "load_hierarchy",
    "parse_yaml",
    "read_comparison_dir",
    "read_data_table",
    "read_yaml",
]
