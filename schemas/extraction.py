"""Response schemas the LLM fills, one per facet of the record.

These are prompt text: the JSON schema (with these descriptions and bounds) is sent
as the constrained-output format. Strings are bounded so a small model under a
grammar cannot ramble, and label lists have an exact length so it cannot stop early.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model, field_validator

from schemas.record import ActorRole, EventType

Short = Annotated[str, StringConstraints(max_length=80)]
Line = Annotated[str, StringConstraints(max_length=160)]
IsoDate = Annotated[str, StringConstraints(max_length=10, pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")]


def _one_line(value: str) -> str:
    # A grammar may still let a newline through; records hold single-line strings.
    return " ".join(value.split())


class _Draft(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="before")
    @classmethod
    def _flatten(cls, value: Any) -> Any:
        return _one_line(value) if isinstance(value, str) else value


class PersonDraft(_Draft):
    """One main person of the event."""

    name: Short = Field(description="The person's name exactly as written in the article.")
    role: ActorRole = Field(description="principal, participant, official, source, expert, other.")
    title: Short = Field(default="", description="Job or affiliation, e.g. 'Foreign Minister'.")


class SubEventDraft(_Draft):
    """A related happening before or after the main event."""

    date: IsoDate = Field(default="", description="YYYY-MM-DD, YYYY-MM, YYYY or ''.")
    what: Line = Field(description="What happened, in one short line.")


class CoreDraft(_Draft):
    """The main event: what, when, where, who."""

    headline: Line = Field(description="One neutral line: who did what, where.")
    event_type: EventType = Field(description="Kind of the main event.")
    date: IsoDate = Field(description="Day of the main event: YYYY-MM-DD (or YYYY-MM, YYYY).")
    date_phrase: Short = Field(default="", description="The article's words giving that date.")
    place: Short = Field(description="City or site of the main event.")
    country: Short = Field(default="", description="Country of that place.")
    summary: Annotated[str, StringConstraints(max_length=500)] = Field(
        description="At most three short sentences."
    )
    people: list[PersonDraft] = Field(max_length=8, description="Main people, at most 8.")
    sub_events: list[SubEventDraft] = Field(
        default_factory=list, max_length=4, description="Related happenings, at most 4."
    )


class QuantityLabel(_Draft):
    """What one mined figure counts, what happened to it, and whose figure it is."""

    id: Annotated[str, StringConstraints(max_length=5)] = Field(description="Figure id, e.g. N3.")
    what: Annotated[str, StringConstraints(max_length=40)] = Field(
        description="The things counted, 1-4 words: 'soldiers', 'world leaders', 'kilometres'."
    )
    action: Annotated[str, StringConstraints(max_length=40)] = Field(
        description="What happened to them, 1-3 words: 'killed', 'sent to Russia', 'attending'."
    )
    attributed_to: Short = Field(description="Who gives the figure, or ''.")
    relevant: bool = Field(description="False only for page furniture, not news.")


class QuoteLabel(_Draft):
    """Whose words one mined quotation is."""

    id: Annotated[str, StringConstraints(max_length=5)] = Field(description="Quote id, e.g. Q2.")
    speaker: Short = Field(description="Who says these words, or ''.")
    via: Short = Field(default="", description="Outlet or agency that relayed the words, or ''.")


class ClaimLabel(_Draft):
    """The upstream source one attributed statement rests on."""

    id: Annotated[str, StringConstraints(max_length=5)] = Field(description="Statement id: S1.")
    according_to: Short = Field(
        description="Original source, short name: an agency, outlet, body or named official."
    )


FACET_ITEM_MODELS: dict[str, type[_Draft]] = {
    "quantities": QuantityLabel,
    "quotes": QuoteLabel,
    "claims": ClaimLabel,
}
"""Label facets: the LLM writes exactly one item per numbered candidate."""


@cache
def labels_model(facet: str, count: int) -> type[BaseModel]:
    """A response model holding exactly `count` label items for `facet` (built once per
    facet and count: every call of an article's facet asks for one).

    The exact length is what keeps a small model under a grammar from closing the
    list early; the item schema itself is fixed and part of the prompt hash.
    """
    item = FACET_ITEM_MODELS[facet]
    items_type = Annotated[list[item], Field(min_length=count, max_length=count)]  # type: ignore[valid-type]
    model: type[BaseModel] = create_model(
        f"{item.__name__}s",
        __base__=_Draft,
        items=(items_type, Field(description="One item per candidate, in the given order.")),
    )
    return model


def schema_fingerprint() -> str:
    """Canonical JSON of every response schema, for the prompt+schema hash."""
    import json

    schemas = {"core": CoreDraft.model_json_schema()}
    schemas.update({k: m.model_json_schema() for k, m in FACET_ITEM_MODELS.items()})
    return json.dumps(schemas, sort_keys=True, separators=(",", ":"))


# -- compact answers (prompt extract_event v2) -------------------------------------------------
#
# Every generated token costs the embedded 1.5B model about 50 ms on 2 cores, so v2's answers
# are compact: JSON arrays by position instead of objects with repeated keys. (The server
# still indents them: llguidance's `x-guidance` whitespace option in the schema was tried
# and is ignored by the embedded llama.cpp server's response_format path.)


class _Compact(_Draft):
    """A top-level compact answer: rows are JSON arrays read by position."""

    @field_validator("*", mode="before")
    @classmethod
    def _rows(cls, value: Any) -> Any:
        # A list of JSON arrays: each row a tuple of one-line strings. Strict validation (as
        # instructor asks) takes a tuple only as a tuple once a before-validator has run.
        if isinstance(value, list):
            return [
                tuple(_one_line(v) if isinstance(v, str) else v for v in row)
                if isinstance(row, list)
                else row
                for row in value
            ]
        return value


Person = tuple[Short, ActorRole, Short]
"""[name as written, role, title or '']."""


class CompactCore(_Compact):
    """The main event: what, when, where, who (v2: people and sub-events as arrays)."""

    headline: Line = Field(description="One neutral line: who did what, where.")
    event_type: EventType = Field(description="Kind of the main event.")
    date: IsoDate = Field(description="Day of the main event: YYYY-MM-DD (or YYYY-MM, YYYY).")
    place: Short = Field(description="'City, Country' of the main event.")
    summary: Annotated[str, StringConstraints(max_length=500)] = Field(
        description="At most three short sentences."
    )
    people: list[Person] = Field(max_length=8, description="[name, role, title], at most 8.")
    sub_events: list[tuple[IsoDate, Line]] = Field(
        max_length=4, description="[date or '', what], at most 4."
    )


FigureLabel = tuple[
    Annotated[str, StringConstraints(max_length=5)],
    Annotated[str, StringConstraints(max_length=40)],
    Annotated[str, StringConstraints(max_length=40)],
    bool,
]
"""[figure id, things counted, what happened to them, is news (false: page furniture)]."""

SpeakerLabel = tuple[Annotated[str, StringConstraints(max_length=5)], Short, Short]
"""[quotation id, speaker or '', outlet or agency that relayed the words or '']."""

COMPACT_LABELS: dict[str, Any] = {"figures": FigureLabel, "quotes": SpeakerLabel}
"""The lists of v2's one label call, in answer order, each item by position."""


@cache
def compact_labels_model(figures: int, quotes: int) -> type[BaseModel]:
    """v2's one label call: exactly `figures` figure labels and `quotes` speaker labels
    (a list with no candidates is left out of the answer)."""
    counts = {"figures": figures, "quotes": quotes}
    fields: dict[str, Any] = {
        name: (
            Annotated[list[item], Field(min_length=n, max_length=n)],  # type: ignore[valid-type]
            Field(description=f"One item per listed {name[:-1]}, in the given order."),
        )
        for name, item in COMPACT_LABELS.items()
        if (n := counts[name])
    }
    model: type[BaseModel] = create_model("CompactLabels", __base__=_Compact, **fields)
    return model


def compact_schema_fingerprint() -> str:
    """Canonical JSON of v2's response schemas (one label count of each kind stands for
    all: the counts are the only part that varies), for the prompt+schema hash."""
    import json

    schemas = {
        "core": CompactCore.model_json_schema(),
        "labels": compact_labels_model(1, 1).model_json_schema(),
    }
    return json.dumps(schemas, sort_keys=True, separators=(",", ":"))


class NarrativeSentenceDraft(_Draft):
    """One sentence of the narrative and what it rests on."""

    text: Annotated[str, StringConstraints(max_length=300)] = Field(
        description="One neutral sentence stating the facts it cites."
    )
    fact_ids: list[Annotated[str, StringConstraints(max_length=8)]] = Field(
        min_length=1, max_length=4, description="Ids of the facts the sentence states (F1, F2…)."
    )
    cited_outlets: list[Annotated[str, StringConstraints(max_length=80)]] = Field(
        min_length=1, max_length=8, description="Outlets that report what the sentence says."
    )


class NarrativeDraft(_Draft):
    """A short narrative built from numbered consensus facts."""

    sentences: list[NarrativeSentenceDraft] = Field(
        min_length=1, max_length=8, description="At most eight sentences."
    )
