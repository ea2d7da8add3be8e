"""Deterministically mined candidates: what the text surely contains, with spans.

The miner finds them without an LLM; the structure step shows them to the LLM
numbered by `id` and the record's items may point back at them.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from schemas.record import Granularity, Hedge, Span


class Candidate(BaseModel):
    """Common part of every candidate: an id such as 'N3' and the sentence it sits in."""

    id: str
    span: Span = Field(description="The candidate's own words.")
    sentence: Span = Field(description="The sentence around it, for context.")


class QuoteCandidate(Candidate):
    """Text inside quotation marks (straight or curly), possibly across paragraphs."""

    speaker: str | None = Field(default=None, description="'X said' / 'said X' / 'X told Y'.")
    speaker_span: Span | None = None
    via: str | None = Field(default=None, description="'told Al Jazeera' → 'Al Jazeera'.")


class QuantityCandidate(Candidate):
    """A figure with its qualifier: 'about 2,000 soldiers', '80th anniversary'."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    hedge: Hedge = "exact"
    unit: str = Field(default="", description="Unit or the counted noun right after the number.")
    counted_hint: str = Field(default="", description="Noun phrase the figure counts, if found.")
    ordinal: bool = False
    as_of: str | None = Field(default=None, description="ISO date stated in the same sentence.")
    as_of_phrase: str | None = None
    entity: str = Field(default="", description="Head noun of what is counted, from the parse.")
    happening: str = Field(default="", description="What happened to them, from the parse.")
    qualifier: str = Field(default="", description="Which of them, from the parse.")
    place_scope: str = Field(default="", description="Where the count applies, from the parse.")
    time_scope: str = Field(default="", description="When the count applies, from the parse.")
    source: str | None = Field(
        default=None,
        description=(
            "Who gives the figure, from the parse; '' when the parse found the words that "
            "give it and they name no one ('preliminary estimates suggest'), None when it "
            "found none."
        ),
    )
    owner: str = Field(
        default="",
        description="The named party the counted things belong to or that did what is "
        "counted ('Labour' in 'Labour won 412 seats'), from the parse.",
    )
    slot_spans: dict[str, Span] = Field(
        default_factory=dict, description="Span of each frame slot the parse found."
    )


class DateCandidate(Candidate):
    """A date expression resolved against the publication date."""

    iso: str = Field(description="YYYY-MM-DD, YYYY-MM or YYYY at the stated granularity.")
    granularity: Granularity


class PersonCandidate(Candidate):
    """A personal name, with the title that precedes or follows it."""

    name: str
    title: str | None = None


class SourceCandidate(Candidate):
    """Who a statement rests on: 'according to X', 'X reported', 'X told lawmakers'."""

    source: str
    cue: str = Field(description="The attribution words: 'according to', 'reported', 'said'.")
    statement: Span | None = Field(
        default=None,
        description="The clause the source is said to have said, from the parse; else its "
        "sentence past any dateline (none for a quotation's sentence).",
    )


class Candidates(BaseModel):
    """All candidates mined from one article."""

    quotes: list[QuoteCandidate] = Field(default_factory=list)
    quantities: list[QuantityCandidate] = Field(default_factory=list)
    dates: list[DateCandidate] = Field(default_factory=list)
    people: list[PersonCandidate] = Field(default_factory=list)
    sources: list[SourceCandidate] = Field(default_factory=list)
    ages: list[QuantityCandidate] = Field(
        default_factory=list,
        description="Ages of named people, read from the parse ('Marc Fogel, 62,'): figures "
        "the text settles alone, never shown to the LLM; ids A1...",
    )
