"""The shipped questionnaire and the validation of user questionnaires."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clustermarketing.survey import InstrumentError, load_instrument, parse_instrument
from clustermarketing.survey.io import instrument_yaml_text, template_csv_text
from clustermarketing.survey.measurement import DEFAULT_WEIGHTS

SEED_004_CONSTRUCTS = {
    "joint_promotion",
    "trade_fairs",
    "shared_channels",
    "market_information",
    "regional_brand",
    "institutions",
    "trust",
    "market_orientation",
}


def test_shipped_questionnaire_covers_the_issue_constructs() -> None:
    inst = load_instrument()
    assert set(inst.construct_ids()) == SEED_004_CONSTRUCTS
    assert set(inst.background_ids()) == {"clustered", "sector", "size", "age"}
    assert inst.scale.points == 7 and len(inst.scale.labels or []) == 7
    for c in inst.construct_ids():
        assert len(inst.items_of(c)) >= 3
    assert inst.reverse_items(), "reverse-coded items are marked"
    # every construct has a measurement rule, so simulated firms can answer every item
    assert set(inst.construct_ids()) <= set(DEFAULT_WEIGHTS)


def test_template_columns_are_what_the_analysis_reads() -> None:
    inst = load_instrument()
    header = template_csv_text(inst).strip().split(",")
    assert header == inst.columns()
    assert header[0] == "respondent" and header[-1] == inst.items[-1].id


def _base() -> dict:
    return yaml.safe_load(instrument_yaml_text())


def _write(tmp_path: Path, data: dict | str) -> Path:
    p = tmp_path / "q.yaml"
    p.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return p


def test_custom_instrument_round_trip(tmp_path: Path) -> None:
    data = _base()
    data["scale"] = {"points": 5}
    inst = load_instrument(_write(tmp_path, data))
    assert inst.scale.points == 5 and inst.scale.label(3) == "3"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["items"][0].update(construct="promotion"), "unknown construct 'promotion'"),
        (lambda d: d["items"][1].update(id="jp1"), "duplicate id 'jp1'"),
        (lambda d: d["scale"].update(points=1), "scale.points"),
        (lambda d: d["scale"].update(points=12), "scale.points"),
        (lambda d: d["scale"].update(points=5), "7 labels for a 5-point scale"),
        (lambda d: d["items"][0].update(colour="red"), "unknown key"),
        (lambda d: d["items"][0].update(id="jp 1"), "not a plain identifier"),
        (lambda d: d["items"][0].update(id="clustered"), "duplicate id 'clustered'"),
        (lambda d: d["items"][0].update(id="respondent"), "respondent id column"),
        (lambda d: d["constructs"].append({"id": "extra", "title": "E"}), "has no items"),
        (lambda d: d["background"][0].update(categories=["yes"]), "at least two distinct"),
        (lambda d: d["constructs"][0].update(kind="benefit"), "constructs.0.kind"),
        (lambda d: d.pop("scale"), "scale: required field is missing"),
    ],
)
def test_bad_instruments_are_named(tmp_path: Path, change, message: str) -> None:
    data = _base()
    change(data)
    with pytest.raises(InstrumentError) as err:
        load_instrument(_write(tmp_path, data))
    text = str(err.value)
    assert message in text
    assert text.startswith(str(tmp_path / "q.yaml"))


def test_duplicate_yaml_keys_are_rejected(tmp_path: Path) -> None:
    text = instrument_yaml_text().replace("version: 1\n", "version: 1\nversion: 2\n")
    with pytest.raises(InstrumentError, match="duplicate key 'version'"):
        load_instrument(_write(tmp_path, text))


def test_not_yaml_and_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match="not valid YAML"):
        load_instrument(_write(tmp_path, "items: [unclosed"))
    with pytest.raises(InstrumentError, match="expected a mapping"):
        parse_instrument(["a", "b"])
