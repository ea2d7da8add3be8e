"""Prompt v2's compact design: which mined candidates still need the LLM, the lines that
show them, and the compact answers turned into the drafts a record is built from.

v1 asks four calls per article and one JSON object per candidate; on the embedded 1.5B
model most of its time went into generating keys, indentation and labels the record never
used. v2 asks the core and, in one more call, only the candidates whose meaning the parse
left open; every answer is a JSON array by position (`schemas.extraction.CompactCore`,
`compact_labels_model`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from schemas.candidates import Candidate, QuantityCandidate, QuoteCandidate
from schemas.extraction import (
    CompactCore,
    CoreDraft,
    PersonDraft,
    QuantityLabel,
    QuoteLabel,
    SubEventDraft,
)
from service.nlp.figures import GENERIC_NOUNS
from service.structure.build import clip

L = TypeVar("L")


def figure_open(cand: QuantityCandidate) -> bool:
    """True when the parse left the figure's frame open: it names no counted thing (or only
    a generic one: 'people', 'times') or nothing that happened to it. Only such figures are
    asked about: for the others the record takes the parsed frame, never the LLM's words."""
    entity = cand.entity and cand.entity.casefold() not in GENERIC_NOUNS
    return not (entity and cand.happening)


def quote_open(cand: QuoteCandidate) -> bool:
    """True when no name stands next to the quotation ('..., he said', 'the agency said'):
    the record keeps a named cue's speaker whatever the LLM says."""
    return not cand.speaker or cand.speaker.casefold().startswith("the ")


def figure_line(cand: QuantityCandidate) -> str:
    """`N3 "about 2,000" in: "<its sentence>"`."""
    return f'{cand.id} "{cand.span.text}" in: "{clip(cand.sentence.text, 200)}"'


def quote_line(cand: QuoteCandidate) -> str:
    """`Q2 [parser's guess of the speaker] "<the quotation>"`."""
    return f'{cand.id} [{cand.speaker or "?"}] "{clip(cand.span.text, 200)}"'


def _by_id(
    shown: Sequence[Candidate], rows: Sequence[Any], make: Callable[[Any], L]
) -> dict[str, L]:
    """Answers keyed by the candidate id each row names; a row naming an unknown or
    already answered id takes the id of its position (the grammar fixes the count)."""
    ids = [c.id for c in shown]
    out: dict[str, L] = {}
    for position, row in enumerate(rows):
        key = str(row[0]).strip().upper()
        if key not in ids or key in out:
            key = ids[position]
        out[key] = make(row)
    return out


def figure_labels(
    shown: Sequence[QuantityCandidate], rows: Sequence[Any]
) -> dict[str, QuantityLabel]:
    """[id, what, action, news] rows → v1's label objects. v2 never asks whose figure it is:
    the record takes the source the parse or the sentence's cue names."""
    return _by_id(
        shown,
        rows,
        lambda r: QuantityLabel(id=r[0], what=r[1], action=r[2], attributed_to="", relevant=r[3]),
    )


def speaker_labels(shown: Sequence[QuoteCandidate], rows: Sequence[Any]) -> dict[str, QuoteLabel]:
    """[id, speaker, via] rows → v1's label objects."""
    return _by_id(shown, rows, lambda r: QuoteLabel(id=r[0], speaker=r[1], via=r[2]))


def core_draft(answer: CompactCore) -> CoreDraft:
    """The compact core as the draft v1's core gives ('City, Country' stays one place: the
    record splits it)."""
    return CoreDraft(
        headline=answer.headline,
        event_type=answer.event_type,
        date=answer.date,
        place=answer.place,
        summary=answer.summary,
        people=[
            PersonDraft(name=name, role=role, title=title)
            for name, role, title in answer.people
            if name.strip()
        ],
        sub_events=[SubEventDraft(date=day, what=what) for day, what in answer.sub_events],
    )


__all__ = [
    "core_draft",
    "figure_labels",
    "figure_line",
    "figure_open",
    "quote_line",
    "quote_open",
    "speaker_labels",
]
