"""The span-grounded event record: what one article says about one event.

Every list item carries `evidence` (character spans into `Article.text`) and a
`grounded` flag. An item the pipeline could not locate in the text stays in the
record with `grounded=False` and a `reason`; nothing is silently dropped.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

Hedge = Literal["exact", "about", "at_least", "more_than", "up_to", "less_than", "range"]
"""How a figure is qualified: 'about 2,000' → about; 'at least 600' → at_least;
'more than 10,000' / 'over 10,000' → more_than; 'up to 6,000' → up_to;
'fewer than 50' → less_than; 'between 20 and 24' → range; a bare figure → exact."""

Granularity = Literal["day", "month", "year", "unknown"]

MatchKind = Literal["exact", "normalised", "fuzzy", "none"]


class EventType(StrEnum):
    """Coarse kind of the main event; 'other' when none fits."""

    VISIT = "visit"
    SUMMIT = "summit"
    CEREMONY = "ceremony"
    MILITARY = "military"
    CONFLICT = "conflict"
    DISASTER = "disaster"
    ACCIDENT = "accident"
    CRIME = "crime"
    LEGAL = "legal"
    ELECTION = "election"
    PROTEST = "protest"
    BUSINESS = "business"
    ANNOUNCEMENT = "announcement"
    OTHER = "other"


class ActorRole(StrEnum):
    """Part a person or organisation plays in the article."""

    PRINCIPAL = "principal"
    PARTICIPANT = "participant"
    OFFICIAL = "official"
    SOURCE = "source"
    EXPERT = "expert"
    OTHER = "other"


class Span(BaseModel):
    """A half-open character range `[start, end)` of `Article.text` and the text it covers."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError("span end precedes start")
        if len(self.text) != self.end - self.start:
            raise ValueError("span text length differs from end - start")
        return self


class Grounded(BaseModel):
    """Grounding state shared by every list item and by `when` / `where`."""

    evidence: list[Span] = Field(
        default_factory=list, description="Where the item is stated in the article text."
    )
    grounded: bool = Field(default=False, description="True when evidence was found in the text.")
    match: MatchKind = Field(default="none", description="How the evidence was located.")
    reason: str | None = Field(
        default=None, description="Why the item is not grounded, or how it was matched."
    )
    candidate: str | None = Field(
        default=None, description="Id of the mined candidate this item came from, if any."
    )


class When(Grounded):
    """When the main event happened, at the precision the article gives."""

    date: str | None = Field(
        default=None, description="ISO date: YYYY-MM-DD, YYYY-MM or YYYY, per granularity."
    )
    granularity: Granularity = "unknown"
    phrase: str | None = Field(default=None, description="The words the date came from.")


class Place(Grounded):
    """Where the main event happened."""

    name: str = Field(max_length=200)
    country: str | None = Field(default=None, max_length=100)


class Actor(Grounded):
    """A person or organisation taking part in or speaking about the event."""

    name: str = Field(max_length=200, description="Name as written in the article.")
    canonical_name: str = Field(
        max_length=200, description="Full name without honorifics: 'Mr Kim' → 'Kim Jong Un'."
    )
    role: ActorRole = ActorRole.OTHER
    title: str | None = Field(
        default=None, max_length=200, description="Title or affiliation, e.g. 'Foreign Minister'."
    )
    aliases: list[str] = Field(default_factory=list, description="Other mentions of the actor.")


class Quantity(Grounded):
    """A figure the article states, with its qualifier and whose figure it is."""

    value: float | None = Field(default=None, description="The figure; None for a pure range.")
    low: float | None = Field(default=None, description="Lower bound of an explicit range.")
    high: float | None = Field(default=None, description="Upper bound of an explicit range.")
    unit: str = Field(default="", max_length=60, description="Unit or counted noun: soldiers, km.")
    counted: str = Field(
        default="",
        max_length=200,
        description="What is counted, e.g. 'North Korean soldiers killed in Ukraine'.",
    )
    hedge: Hedge = "exact"
    ordinal: bool = Field(default=False, description="True for '80th anniversary'-style figures.")
    as_of: str | None = Field(
        default=None, description="ISO date the figure refers to, when the article states one."
    )
    attributed_to: str | None = Field(
        default=None, max_length=200, description="Who gives the figure, e.g. 'South Korea's NIS'."
    )
    phrase: str = Field(default="", max_length=300, description="The figure's words in the text.")
    entity: str = Field(
        default="",
        max_length=100,
        description="Head noun of what is counted, as written: 'people', 'troops', 'votes'.",
    )
    happening: str = Field(
        default="",
        max_length=100,
        description=(
            "What happened to the counted things: 'killed', 'missing', 'marched', 'on strike',"
            " 'deployed'; empty when the text says nothing."
        ),
    )
    qualifier: str = Field(
        default="",
        max_length=100,
        description="Which of them are counted: 'teachers', 'rail staff'; empty for all.",
    )
    place_scope: str = Field(
        default="",
        max_length=100,
        description=(
            "Where the count applies when the text says: 'Paris', 'nationwide', 'outside the"
            " capital'; empty for the event's own place."
        ),
    )
    time_scope: str = Field(
        default="",
        max_length=100,
        description=(
            "When the count applies, as written: 'on Thursday', 'by late afternoon', 'in"
            " April'; empty when the figure is simply current."
        ),
    )
    owner: str = Field(
        default="",
        max_length=100,
        description=(
            "The named party the counted things belong to or that did what is counted:"
            " 'Labour' in 'Labour won 412 seats', 'Boeing' in 'Boeing's revenue'; empty"
            " when the text names none."
        ),
    )
    slot_evidence: dict[str, Span] = Field(
        default_factory=dict,
        description="Span of each frame slot that was found in the text, by slot name.",
    )

    @model_validator(mode="after")
    def _interval(self) -> Quantity:
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError("a quantity needs a value or both low and high")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("quantity low exceeds high")
        return self


class Quote(Grounded):
    """Words the article puts in quotation marks, and whose words they are."""

    speaker: str | None = Field(default=None, max_length=200)
    text: str = Field(max_length=2_000, description="The quoted words, verbatim.")
    via: str | None = Field(
        default=None, max_length=200, description="Through whom the quote reached the outlet."
    )


class Claim(Grounded):
    """A statement the article attributes to an upstream source."""

    statement: str = Field(max_length=500)
    according_to: str | None = Field(
        default=None,
        max_length=200,
        description="Upstream source: KCNA, Yonhap, South Korea's NIS, a named official.",
    )


class SubEvent(Grounded):
    """An earlier or later happening the article ties to the main event."""

    when: str | None = Field(default=None, description="ISO date at its precision, if stated.")
    what: str = Field(max_length=300)


FacetState = Literal["llm", "fallback", "skipped"]
"""How a facet was filled. `llm`: the model answered; `fallback`: the model was asked and
the call failed (`FacetReport.error` names how), so the mined candidates stand alone;
`skipped`: no call was made (no LLM configured, or no candidates to label)."""


class FacetReport(BaseModel):
    """How one facet of the record was produced."""

    state: FacetState
    error: str | None = Field(
        default=None,
        description="For `fallback`: the error kind, a class of the error tree "
        "(`LLMUnavailableError`, `LLMOutputError`).",
    )
    detail: str | None = None
    attempts: int = Field(default=0, ge=0, description="HTTP calls made for this facet.")
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Provenance(BaseModel):
    """What produced a record: required on every output."""

    model: str = Field(description="Model id 'provider/model', or 'none' for mined-only output.")
    prompt_name: str
    prompt_version: str
    prompt_hash: str = Field(description="sha256 over the prompt file and the response schemas.")
    lexicon_version: str | None = Field(
        default=None, description="The word lexicons used, e.g. 'en/v1' (comma-separated)."
    )
    lexicon_hash: str | None = Field(
        default=None, description="sha256 over the lexicon files named by `lexicon_version`."
    )
    created_at: datetime
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    llm_calls: int = 0
    facets: dict[str, FacetReport] = Field(default_factory=dict)

    @computed_field(  # type: ignore[prop-decorator]
        description="True when a facet fell back after an LLM error: the record is "
        "incomplete, never cached as done, and is recomputed on the next run."
    )
    @property
    def degraded(self) -> bool:
        return any(f.state == "fallback" for f in self.facets.values())

    @property
    def llm_answered(self) -> bool:
        """True when the model answered at least one facet (or none was asked)."""
        asked = [f for f in self.facets.values() if f.state != "skipped"]
        return not asked or any(f.state == "llm" for f in asked)


class EventRecord(BaseModel):
    """Everything one article says about the event, each item tied to its text."""

    article_id: str
    outlet: str | None = None
    published_at: str | None = None
    headline: str = Field(max_length=300)
    event_type: EventType = EventType.OTHER
    when: When | None = None
    where: Place | None = None
    summary: str = Field(default="", max_length=1_200, description="At most three sentences.")
    actors: list[Actor] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    sub_events: list[SubEvent] = Field(default_factory=list)
    grounding_rate: float | None = Field(
        default=None, description="Share of list items that are grounded; None when no items."
    )
    provenance: Provenance | None = None

    @computed_field(  # type: ignore[prop-decorator]
        description="True when some facet fell back after an LLM error (see "
        "`provenance.facets`): a partial record, to be recomputed once the model answers."
    )
    @property
    def degraded(self) -> bool:
        return self.provenance is not None and self.provenance.degraded

    def items(self) -> list[Grounded]:
        """Every grounded-able list item of the record, in field order."""
        return [*self.actors, *self.quantities, *self.quotes, *self.claims, *self.sub_events]
