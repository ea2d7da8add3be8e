"""'Another' that sets a figure apart from a figure before it, not from its own count.

'another 6,000 troops' adds to troops sent before: a part of a whole (a scope word,
`frames.SCOPE_QUALIFIERS`). But in 'cancelled almost 300 flights and rescheduled another
26', 'another' says the 26 are other flights than the 300 cancelled: the 26 are every
flight rescheduled, not an addition to a count of rescheduled flights. So 'another' read
in a figure's own words or clause does not make it a part when an earlier figure of its
sentence counts the same thing with another happening ('killed 5 and wounded another 10').
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from schemas.record import Quantity, Span
from service.merge.frames import FigureFrame, happening_stems
from service.text.sentences import split_sentences

ADDITIONAL = "additional"
"""The scope class of 'another', 'more', 'further' (frames lexicon, `scope`)."""


def contrasted(
    text: str | None, quantities: Sequence[Quantity], frames: Sequence[FigureFrame]
) -> frozenset[int]:
    """Indices of the quantities whose 'another' sets them apart from an earlier figure of
    their sentence that counts the same thing with another happening."""
    if text is None:
        return frozenset()
    spans = [_first_span(text, q) for q in quantities]
    found: set[int] = set()
    for index, (span, frame) in enumerate(zip(spans, frames, strict=True)):
        if span is None or ADDITIONAL not in frame.scope or not frame.entity:
            continue
        sentence = _sentence_start(text, span.start)
        for other, (before, earlier) in enumerate(zip(spans, frames, strict=True)):
            if other == index or before is None or earlier.entity != frame.entity:
                continue
            if not (sentence <= before.start and before.end <= span.start):
                continue
            if _other_happening(quantities[index], frame, quantities[other], earlier):
                found.add(index)
                break
    return frozenset(found)


def _other_happening(a: Quantity, fa: FigureFrame, b: Quantity, fb: FigureFrame) -> bool:
    """The two name different happenings: different classes ('dead', 'injured'), or, as
    written, no word in common ('cancelled', 'rescheduled')."""
    if fa.happening and fb.happening:
        return fa.happening != fb.happening
    mine, theirs = happening_stems(a.happening), happening_stems(b.happening)
    return bool(mine and theirs) and not mine & theirs


def _first_span(text: str, quantity: Quantity) -> Span | None:
    if not quantity.evidence:
        return None
    span = min(quantity.evidence, key=lambda e: (e.start, e.end))
    if span.end > len(text) or text[span.start : span.end] != span.text:
        return None
    return span


def _sentence_start(text: str, at: int) -> int:
    starts = [s.start for s in _sentences(text) if s.start <= at]
    return starts[-1] if starts else 0


@cache
def _sentences(text: str) -> tuple[Span, ...]:
    return tuple(split_sentences(text))
