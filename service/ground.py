"""Grounding: tie every item of a record to the characters of the article that state it.

Each item is located in `Article.text` in three tries: exact, then normalised
(case, whitespace, quote and dash variants), then fuzzy above a threshold. Quotes
are held to a stricter rule: only an exact or normalised (verbatim) match grounds
them. An item that cannot be located keeps `grounded=False` and a reason; nothing
is dropped. Every returned span satisfies `span.text == text[span.start:span.end]`.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from schemas.article import Article
from schemas.record import (
    Actor,
    Claim,
    EventRecord,
    Grounded,
    MatchKind,
    Place,
    Quantity,
    Quote,
    Span,
    SubEvent,
    When,
)
from service.text.fold import fold_text, fold_with_index
from service.text.sentences import split_sentences

FUZZY_THRESHOLD = 88.0
"""Minimum rapidfuzz partial-ratio (0-100) for a fuzzy match of a non-quote item."""

PARAPHRASE_THRESHOLD = 70.0
"""Minimum token-set ratio for a paraphrased claim or sub-event to match a sentence."""


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> set[str]:
    """The figures written in digits in `text`, separators dropped ("2,000" → "2000")."""
    return {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(text)}


def same_figures(claimed: str, source: str) -> bool:
    """A fuzzy or paraphrase match may differ in spelling, never in a figure: every number
    written in digits in `claimed` must be in `source` (so an invented "5,000" never
    grounds on a text that says "2,000")."""
    return _numbers(claimed) <= _numbers(source)


def _span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


class Locator:
    """Finds strings in one article's text; folds the text once for all lookups."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded = fold_with_index(text)

    def _back(self, fstart: int, fend: int) -> Span:
        # Map a folded range back to original offsets, trimming spaces folding introduced.
        start = self._folded.index[fstart]
        end = self._folded.index[fend - 1] + 1
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return _span(self.text, start, end)

    def locate(
        self, needle: str, *, fuzzy: bool = True, near: int | None = None
    ) -> tuple[Span | None, MatchKind, float]:
        """Find `needle`: exact, then normalised, then (if allowed) fuzzy.

        Returns the span, how it matched and a score (100 for exact/normalised).
        `near` prefers the occurrence closest to that offset.
        """
        needle = needle.strip()
        if not needle:
            return None, "none", 0.0
        hits = _whole(self.text, _all(self.text, needle), len(needle))
        if hits:
            best = _closest(hits, near)
            return _span(self.text, best, best + len(needle)), "exact", 100.0
        folded_needle = fold_text(needle)
        if folded_needle:
            fhits = _whole(
                self._folded.text, _all(self._folded.text, folded_needle), len(folded_needle)
            )
            if fhits:
                best = _closest(fhits, near)
                return self._back(best, best + len(folded_needle)), "normalised", 100.0
        if not fuzzy or len(folded_needle) < 4:
            return None, "none", 0.0
        found = fuzz.partial_ratio_alignment(folded_needle, self._folded.text)
        if found is None or found.score < FUZZY_THRESHOLD or found.dest_end <= found.dest_start:
            return None, "none", float(found.score) if found else 0.0
        span = self._back(found.dest_start, found.dest_end)
        if not same_figures(needle, span.text):
            return None, "none", float(found.score)
        return span, "fuzzy", float(found.score)

    def verify(self, span: Span) -> bool:
        """True when a span (e.g. a mined candidate's) indexes this text exactly."""
        return 0 <= span.start <= span.end <= len(self.text) and (
            self.text[span.start : span.end] == span.text
        )


def _all(haystack: str, needle: str) -> list[int]:
    found: list[int] = []
    at = haystack.find(needle)
    while at != -1:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def _whole(haystack: str, hits: list[int], length: int) -> list[int]:
    """The hits that stand as whole words ('26' in 'rescheduled 26', not in '267'), when
    there are any; else all of them."""
    whole = [
        at
        for at in hits
        if not (at > 0 and haystack[at - 1].isalnum())
        and not (at + length < len(haystack) and haystack[at + length].isalnum())
    ]
    return whole or hits


def _closest(hits: list[int], near: int | None) -> int:
    return hits[0] if near is None else min(hits, key=lambda h: abs(h - near))


def _mark(item: Grounded, span: Span | None, kind: MatchKind, reason: str | None) -> None:
    if span is None:
        item.evidence = []
        item.grounded = False
        item.match = "none"
        item.reason = reason
        return
    item.evidence = [span]
    item.grounded = True
    item.match = kind
    item.reason = reason


def _keep_verified(item: Grounded, loc: Locator) -> bool:
    """Keep evidence the miner already tied to the text if it still indexes it exactly."""
    good = [s for s in item.evidence if loc.verify(s)]
    if good:
        item.evidence = good
        item.grounded = True
        item.match = "exact"
        item.reason = item.reason or "span of a mined candidate"
        return True
    return False


def _ground_quote(quote: Quote, loc: Locator) -> None:
    if _keep_verified(quote, loc):
        return
    span, kind, _ = loc.locate(quote.text, fuzzy=False)
    if span is not None:
        _mark(quote, span, kind, None)
        return
    _, _, fscore = loc.locate(quote.text, fuzzy=True)
    why = f"quoted words are not verbatim in the text (closest passage {fscore:.0f}/100)"
    _mark(quote, None, "none", why)


def _ground_actor(actor: Actor, loc: Locator) -> None:
    if _keep_verified(actor, loc):
        return
    for name in (actor.name, actor.canonical_name, *actor.aliases):
        span, kind, _ = loc.locate(name)
        if span is not None:
            _mark(actor, span, kind, None)
            return
    _mark(actor, None, "none", f"name {actor.name!r} not found in the text")


def _ground_quantity(q: Quantity, loc: Locator) -> None:
    if _keep_verified(q, loc):
        return
    if q.phrase:
        span, kind, _ = loc.locate(q.phrase)
        if span is not None:
            _mark(q, span, kind, None)
            return
    _mark(q, None, "none", f"figure {q.phrase or q.value!r} not found in the text")


def _ground_paraphrase(item: Claim | SubEvent, statement: str, loc: Locator) -> None:
    if _keep_verified(item, loc):
        return
    span, kind, _ = loc.locate(statement)
    if span is not None:
        _mark(item, span, kind, None)
        return
    best: tuple[float, Span] | None = None
    for sentence in split_sentences(loc.text):
        if not same_figures(statement, sentence.text):
            continue
        score = fuzz.token_set_ratio(fold_text(statement), fold_text(sentence.text))
        if best is None or score > best[0]:
            best = (score, sentence)
    if best is not None and best[0] >= PARAPHRASE_THRESHOLD:
        _mark(item, best[1], "fuzzy", f"paraphrase of this sentence ({best[0]:.0f}/100)")
    else:
        _mark(item, None, "none", "no sentence of the text states this")


def _ground_when(when: When, loc: Locator) -> None:
    if _keep_verified(when, loc):
        return
    span, kind, _ = loc.locate(when.phrase or "")
    _mark(when, span, kind, None if span else "date phrase not found in the text")


def _ground_place(place: Place, loc: Locator) -> None:
    if _keep_verified(place, loc):
        return
    span, kind, _ = loc.locate(place.name)
    _mark(place, span, kind, None if span else f"place {place.name!r} not found in the text")


def ground_record(record: EventRecord, article: Article) -> EventRecord:
    """Return a copy of `record` with evidence, grounded flags and the grounding rate set."""
    out = record.model_copy(deep=True)
    loc = Locator(article.text)
    for actor in out.actors:
        _ground_actor(actor, loc)
    for quantity in out.quantities:
        _ground_quantity(quantity, loc)
    for quote in out.quotes:
        _ground_quote(quote, loc)
    for claim in out.claims:
        _ground_paraphrase(claim, claim.statement, loc)
    for sub in out.sub_events:
        _ground_paraphrase(sub, sub.what, loc)
    if out.when is not None:
        _ground_when(out.when, loc)
    if out.where is not None:
        _ground_place(out.where, loc)
    items = out.items()
    out.grounding_rate = (sum(i.grounded for i in items) / len(items)) if items else None
    return out
