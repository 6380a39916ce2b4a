"""The annotated template and the generated reference come from the schema and cannot drift."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import yaml

from clustermarketing.scenario import EXAMPLES, Scenario, example, load_scenario
from clustermarketing.scenario.template import (
    annotated_template,
    scenario_reference_markdown,
    valid_range,
    walk,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", [None, *EXAMPLES])
def test_template_round_trips(tmp_path: Path, name: str | None) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(annotated_template(name), encoding="utf-8")
    loaded = load_scenario(path)
    assert loaded == (Scenario() if name is None else example(name))


def test_template_lists_every_field_with_comment() -> None:
    text = annotated_template()
    data = yaml.safe_load(text)
    assert set(data) == set(Scenario.model_fields)
    assert set(data["firms"]) == set(Scenario.model_fields["firms"].annotation.model_fields)
    lines = text.splitlines()
    i = lines.index("  count: 200")
    assert lines[i - 1].startswith("  # number of firms at t=0")
    assert "unit: firms" in lines[i - 1] and "range: [1, 5e6]" in lines[i - 1]
    assert "range: [0, 1)" in text  # leader_cost_advantage: ge=0, lt=1
    assert "seed: 003" in text
    # the model section lists every ModelConfig field, commented out
    assert "  # structure:" in text and "  #   fail_node: hub" in text


def test_valid_range_forms() -> None:
    assert valid_range({"minimum": 0, "maximum": 1}) == "[0, 1]"
    assert valid_range({"exclusiveMinimum": 0, "maximum": 1}) == "(0, 1]"
    assert valid_range({"minimum": 0.5}) == "≥ 0.5"
    assert valid_range({"exclusiveMaximum": 1}) == "< 1"
    assert valid_range({"enum": ["a", "b"]}) == "one of: a, b"
    assert valid_range({"anyOf": [{"minimum": 1}, {"type": "null"}]}) == "≥ 1 (or null)"
    assert valid_range({"type": "string"}) == ""


def test_walk_uses_parent_defaults() -> None:
    docs = {d.path: d for d in walk(Scenario.model_json_schema())}
    assert docs["firms.leader_employees.median"].default == 1500.0
    assert docs["firms.leader_employees.median"].unit == "persons"
    assert docs["markets[].size"].range == "(0, 1e10]"
    assert docs["functions.product_development.success"].default == 0.3


def test_reference_covers_every_parameter() -> None:
    md = scenario_reference_markdown()
    for doc in walk(Scenario.model_json_schema()):
        if doc.path != "model":
            assert f"`{doc.path}`" in md, doc.path
    assert "`model.structure.kind`" in md and "### Presets" in md
    assert "`exhibition_promotion`" in md


def test_committed_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    assert committed == scenario_reference_markdown(), (
        "docs/scenario-reference.md is stale: run python scripts/gen_docs.py"
    )


def test_gen_docs_check_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "gen_docs.py"))
    assert script["main"](["--check"]) == 0
    stale = tmp_path / "ref.md"
    stale.write_text("old")
    main = script["main"]
    main.__globals__["GENERATED"] = {stale: scenario_reference_markdown}  # the script's own globals
    main.__globals__["ROOT"] = tmp_path
    assert main(["--check"]) == 1
    assert "out of date: ref.md" in capsys.readouterr().err
    assert main([]) == 0
    assert stale.read_text() == scenario_reference_markdown()
