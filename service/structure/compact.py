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

from prompts import Prompt
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
from service.structure.build import clip, refers_back

L = TypeVar("L")


def figure_open(cand: QuantityCandidate) -> bool:
    """True when the parse left the figure's frame open: it names no counted thing (or only
    a generic one: 'people', 'times') or nothing that happened to it. Only such figures are
    asked about: for the others the record takes the parsed frame, never the LLM's words."""
    entity = cand.entity and cand.entity.casefold() not in GENERIC_NOUNS
    return not (entity and cand.happening)


def quote_open(cand: QuoteCandidate, *, pronouns: bool = False) -> bool:
    """True when no name stands next to the quotation ('the agency said', or no cue; with
    `pronouns`, as a prompt with its own item lines asks, also 'It said'): the record keeps
    a named cue's speaker whatever the LLM says."""
    if not cand.speaker:
        return True
    if pronouns:
        return refers_back(cand.speaker)
    return cand.speaker.casefold().startswith("the ")


def figure_line(cand: QuantityCandidate) -> str:
    """`N3 "about 2,000" in: "<its sentence>"`."""
    return f'{cand.id} "{cand.span.text}" in: "{clip(cand.sentence.text, 200)}"'


def quote_line(cand: QuoteCandidate) -> str:
    """`Q2 [parser's guess of the speaker] "<the quotation>"`."""
    return f'{cand.id} [{cand.speaker or "?"}] "{clip(cand.span.text, 200)}"'


FIGURE_CONTEXT_CHARS = 70
"""How much of its sentence a prompt's `figure_line` shows either side of the figure: the
model has read the whole article just before, so the line only needs to find it there."""

QUOTE_BEFORE_CHARS = 160
"""How much text before a quotation's sentence a prompt's `quote_before` shows when its cue
points back ('It said', 'the agency said') or there is none: the body it stands for."""


def figure_context(cand: QuantityCandidate) -> str:
    """The figure's sentence cut at words to `FIGURE_CONTEXT_CHARS` either side of it."""
    text = cand.sentence.text
    start = cand.span.start - cand.sentence.start
    end = start + len(cand.span.text)
    lo, hi = max(0, start - FIGURE_CONTEXT_CHARS), min(len(text), end + FIGURE_CONTEXT_CHARS)
    if lo > 0:
        lo = text.find(" ", lo, start) + 1 or lo
    if hi < len(text) and (cut := text.rfind(" ", end, hi)) > 0:
        hi = cut
    inner = " ".join(text[lo:hi].split())
    return ("…" if lo > 0 else "") + inner + ("…" if hi < len(text) else "")


def quote_before(cand: QuoteCandidate, text: str) -> str:
    """The words just before the quotation's sentence when its cue names no one, cut at a
    word; "" when a name stands next to it."""
    if cand.speaker and not refers_back(cand.speaker):
        return ""
    start = cand.sentence.start
    lo = max(0, start - QUOTE_BEFORE_CHARS)
    window = text[lo:start]
    if lo > 0:
        window = window[window.find(" ") + 1 :]
    return " ".join(window.split())


def render_figure(prompt: Prompt, cand: QuantityCandidate) -> str:
    """One figure as the prompt's `figure_line` shows it, else as `figure_line` does."""
    if "figure_line" not in prompt.parts:
        return figure_line(cand)
    line = prompt.render(
        "figure_line", id=cand.id, figure=cand.span.text, context=figure_context(cand)
    )
    return line.strip()


def render_quote(prompt: Prompt, cand: QuoteCandidate, text: str) -> str:
    """One quotation as the prompt's `quote_line` (and `quote_before`) shows it, else as
    `quote_line` does."""
    if "quote_line" not in prompt.parts:
        return quote_line(cand)
    before = quote_before(cand, text)
    line = prompt.render(
        "quote_line", id=cand.id, speaker=cand.speaker or "?", quote=clip(cand.span.text, 200)
    ).strip()
    if before and "quote_before" in prompt.parts:
        line += " " + prompt.render("quote_before", words=before).strip()
    return line


def own_lines(prompt: Prompt) -> bool:
    """A prompt that gives its own item lines (v3 on): it also asks about quotations
    whose cue is a pronoun."""
    return "quote_line" in prompt.parts


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
    "figure_context",
    "figure_labels",
    "figure_line",
    "figure_open",
    "own_lines",
    "quote_before",
    "quote_line",
    "quote_open",
    "render_figure",
    "render_quote",
    "speaker_labels",
]
