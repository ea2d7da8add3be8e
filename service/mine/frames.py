"""Figure frames for the mined figures: what each counts, what happened to it, where,
when and whose figure it is, read from the article's dependency parse
(`service.nlp.figures`), each slot with its span.

A time slot that holds a resolved date dates the figure (`as_of`): 'on Thursday' for a
march, 'in April' for a toll; not 'since Friday', where the count began. A date the
figure took from its sentence is dropped when it tells which other thing a noun names, in
a clause of its own ('surpassing the toll of the 2018 fire'). The parse is the
one language model the miner uses; it is loaded on first use and checked against recorded
hashes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from lexicon import load
from schemas.candidates import QuantityCandidate, SourceCandidate
from schemas.record import Span
from service.mine.dates import DateHit, closest_hit
from service.nlp.attribution import reported_clause, sentence_statement
from service.nlp.figures import dates_another_thing, read_frame
from service.nlp.parse import parse

_SPAN_STARTS: Final = frozenset(w for w in load("frames").words("time.spans") if " " not in w)
"""One-word `time.spans` openers ('since', 'from'): a date they lead opens a stretch
running to the report, where the count began, not when it held, so it dates nothing."""

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc


def add_frames(
    text: str,
    quantities: Sequence[QuantityCandidate],
    hits: Sequence[DateHit],
    doc: Doc | None = None,
) -> None:
    """Fill the frame slots of `quantities` (in place) from the parse of `text` (`doc`,
    when the caller already has it)."""
    if not quantities:
        return
    doc = doc if doc is not None else parse(text)
    dated = [h for h in hits if h.iso]
    for quantity in quantities:
        reading = read_frame(doc, quantity.span.start, quantity.span.end)
        spans: dict[str, Span] = {}
        for name, slot in reading.as_dict().items():
            spans[name] = Span(start=slot.start, end=slot.end, text=text[slot.start : slot.end])
        quantity.entity = reading.entity.text[:100] if reading.entity else ""
        quantity.happening = reading.happening.text[:100] if reading.happening else ""
        quantity.qualifier = reading.qualifier.text[:100] if reading.qualifier else ""
        quantity.place_scope = reading.place.text[:100] if reading.place else ""
        quantity.time_scope = reading.time.text[:100] if reading.time else ""
        # '' where the parse found the words giving the figure and they name no one
        quantity.source = reading.source.text[:200] if reading.source else None
        if reading.source is None and reading.sourced:
            quantity.source = ""
        quantity.owner = reading.owner.text[:100] if reading.owner else ""
        quantity.slot_spans = spans
        if reading.time is not None:
            inside = [h for h in dated if reading.time.start <= h.start < reading.time.end]
            if inside and inside[0].lead not in _SPAN_STARTS:
                quantity.as_of = inside[0].iso
                quantity.as_of_phrase = text[inside[0].start : inside[0].end]
        elif quantity.as_of is not None and _names_another(doc, quantity, dated):
            quantity.as_of = quantity.as_of_phrase = None


def _names_another(doc: Doc, quantity: QuantityCandidate, dated: Sequence[DateHit]) -> bool:
    """The date the figure took from its sentence tells which other thing a noun names
    ('surpassing the toll of the 2018 fire'): it dates that thing, not the figure."""
    span, sentence = quantity.span, quantity.sentence
    hit = closest_hit(
        (
            h
            for h in dated
            if h.iso == quantity.as_of and sentence.start <= h.start and h.end <= sentence.end
        ),
        span.start,
        span.end,
    )
    return hit is not None and dates_another_thing(doc, span.start, span.end, hit.start, hit.end)


def add_statements(text: str, sources: Sequence[SourceCandidate], doc: Doc | None = None) -> None:
    """Fill each source's `statement` (in place): the clause the parse shows it said, else
    its sentence past any dateline, unless that sentence holds a quotation (`doc`: the
    parse of `text`, when the caller already has it)."""
    if not sources:
        return
    doc = doc if doc is not None else parse(text)
    for source in sources:
        clause = reported_clause(doc, source.span.start, source.span.end)
        if clause is None:
            clause = sentence_statement(doc, source.span.start, source.span.end)
        if clause is not None:
            source.statement = Span(start=clause.start, end=clause.end, text=clause.text)
