"""The questionnaire: Likert items grouped into constructs, plus background questions.

An :class:`Instrument` is plain validated data (pydantic v2, unknown keys rejected). Reading it
from a YAML file lives in :mod:`clustermarketing.survey.io`; this module only checks a mapping.

Checks beyond the field types, each reported with the field and the value:

- the scale has 2–11 points and, when labels are given, exactly one label per point;
- every item names a declared construct, and every construct has at least one item;
- item, construct and background ids are unique and distinct from each other (they become the
  column names of the response file) and are plain identifiers;
- a ``category`` background question lists at least two distinct categories.

>>> from clustermarketing.survey import load_instrument
>>> inst = load_instrument()
>>> inst.scale.points, len(inst.items), inst.construct_ids()[:3]
(7, 26, ['joint_promotion', 'trade_fairs', 'shared_channels'])
>>> inst.items_of("trust")
['tr1', 'tr2', 'tr3']
>>> inst.reverse_items()[:3]
['jp3', 'sc3', 'mi4']
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clustermarketing.errors import ClusterMarketingError

__all__ = [
    "RESPONDENT_COLUMN",
    "BackgroundQuestion",
    "Construct",
    "Instrument",
    "InstrumentError",
    "Item",
    "Scale",
    "parse_instrument",
]

#: Optional first column of a response file: a respondent id (any text, unique).
RESPONDENT_COLUMN = "respondent"

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class InstrumentError(ClusterMarketingError):
    """A questionnaire file is malformed; the message names the field and the value."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Strict):
    """A Likert scale coded 1..points (1 = the first label, e.g. "Strongly disagree")."""

    points: int = Field(ge=2, le=11, description="number of answer options, coded 1..points")
    labels: list[str] | None = Field(default=None, description="one label per point, low to high")

    @model_validator(mode="after")
    def _labels_match(self) -> Scale:
        if self.labels is not None and len(self.labels) != self.points:
            raise ValueError(
                f"scale.labels: {len(self.labels)} labels for a {self.points}-point scale; "
                f"expected exactly {self.points}"
            )
        return self

    @property
    def midpoint(self) -> float:
        """The neutral answer (points + 1) / 2."""
        return (self.points + 1) / 2

    def label(self, answer: int) -> str:
        """The label of ``answer`` (its number when the scale has no labels)."""
        return self.labels[answer - 1] if self.labels else str(answer)


class Construct(_Strict):
    """A latent quantity measured by several items; ``kind`` separates the cooperation benefits
    (seed 004's perceived benefits and opportunities) from context constructs (trust, market
    orientation)."""

    id: str
    title: str
    kind: Literal["cooperation", "context"] = "cooperation"
    description: str = ""


class Item(_Strict):
    """One Likert statement. ``reverse`` items are recoded ``points + 1 − answer`` first."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str
    construct_id: str = Field(alias="construct", description="id of the item's construct")
    text: str
    reverse: bool = False

    @property
    def construct(self) -> str:
        """Id of the item's construct (``construct`` in the YAML file)."""
        return self.construct_id


class BackgroundQuestion(_Strict):
    """A question about the firm (not on the Likert scale): a category, a number or free text."""

    id: str
    question: str
    type: Literal["category", "number", "text"]
    categories: list[str] | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _categories(self) -> BackgroundQuestion:
        if self.type == "category":
            cats = self.categories or []
            if len(cats) < 2 or len(set(cats)) != len(cats):
                raise ValueError(
                    f"background {self.id}: categories {cats!r}; expected at least two distinct"
                )
        elif self.categories is not None:
            raise ValueError(f"background {self.id}: categories given for a {self.type} question")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"background {self.id}: min {self.min} > max {self.max}")
        return self


class Instrument(_Strict):
    """A validated questionnaire."""

    name: str
    version: int | str = 1
    title: str = ""
    instructions: str = ""
    scale: Scale
    background: list[BackgroundQuestion] = Field(default_factory=list)
    constructs: list[Construct] = Field(min_length=1)
    items: list[Item] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        problems: list[str] = []
        seen: dict[str, str] = {RESPONDENT_COLUMN: "the respondent id column"}
        for where, ids in (
            ("background", [b.id for b in self.background]),
            ("constructs", [c.id for c in self.constructs]),
            ("items", [i.id for i in self.items]),
        ):
            for k, ident in enumerate(ids):
                if not _ID.match(ident):
                    problems.append(
                        f"{where}.{k}.id: {ident!r} is not a plain identifier; expected a letter "
                        "followed by letters, digits or _"
                    )
                if ident in seen:
                    problems.append(
                        f"{where}.{k}.id: duplicate id {ident!r} (already used by {seen[ident]})"
                    )
                seen.setdefault(ident, f"{where}.{k}")
        declared = {c.id for c in self.constructs}
        for k, item in enumerate(self.items):
            if item.construct_id not in declared:
                problems.append(
                    f"items.{k}.construct: unknown construct {item.construct_id!r} (item "
                    f"{item.id}); expected one of {', '.join(sorted(declared))}"
                )
        used = {i.construct_id for i in self.items}
        for k, c in enumerate(self.constructs):
            if c.id not in used:
                problems.append(f"constructs.{k}: construct {c.id!r} has no items")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    # --- convenience views -------------------------------------------------------------------
    def construct_ids(self) -> list[str]:
        """Construct ids in file order."""
        return [c.id for c in self.constructs]

    def construct(self, construct_id: str) -> Construct:
        """The construct with this id."""
        for c in self.constructs:
            if c.id == construct_id:
                return c
        raise KeyError(construct_id)

    def items_of(self, construct_id: str) -> list[str]:
        """Item ids of a construct, in file order."""
        return [i.id for i in self.items if i.construct_id == construct_id]

    def item(self, item_id: str) -> Item:
        """The item with this id."""
        for i in self.items:
            if i.id == item_id:
                return i
        raise KeyError(item_id)

    def item_ids(self) -> list[str]:
        """All item ids in file order."""
        return [i.id for i in self.items]

    def reverse_items(self) -> list[str]:
        """Ids of the reverse-coded items."""
        return [i.id for i in self.items if i.reverse]

    def background_ids(self) -> list[str]:
        """Background question ids in file order."""
        return [b.id for b in self.background]

    def background_question(self, qid: str) -> BackgroundQuestion:
        """The background question with this id."""
        for b in self.background:
            if b.id == qid:
                return b
        raise KeyError(qid)

    def columns(self) -> list[str]:
        """Columns of a response file, in template order: respondent, background, items."""
        return [RESPONDENT_COLUMN, *self.background_ids(), *self.item_ids()]

    def constructs_dict(self) -> dict[str, list[str]]:
        """``{construct: [item, ...]}`` in file order."""
        return {c: self.items_of(c) for c in self.construct_ids()}


def _format(err: ValidationError, source: str) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key; remove it or check its spelling"
        elif e["type"] == "missing":
            msg = "required field is missing"
        got = e.get("input")
        shown = "" if e["type"] == "missing" or isinstance(got, dict | list) else f" (got {got!r})"
        for k, line in enumerate(msg.splitlines()):
            where = f"{loc}: " if loc and k == 0 else ""
            lines.append(f"{where}{line}{shown if k == 0 else ''}")
    head = f"{source}: invalid questionnaire"
    return head + "\n" + "\n".join(lines) if lines else head


def parse_instrument(data: Any, source: str = "questionnaire") -> Instrument:
    """Validate a questionnaire mapping; raises :class:`InstrumentError` listing every problem."""
    if not isinstance(data, dict):
        raise InstrumentError(
            f"{source}: expected a mapping with name, scale, constructs and items; "
            f"got {type(data).__name__}"
        )
    try:
        return Instrument.model_validate(data)
    except ValidationError as e:
        raise InstrumentError(_format(e, source)) from None
