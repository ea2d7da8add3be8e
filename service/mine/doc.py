"""The article text as the miner reads it: sentences, spans, claimed characters, patterns."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from schemas.record import Span
from service.text.sentences import split_sentences

H = r"[^\S\n]"
"""Horizontal whitespace: no pattern runs across a paragraph break."""
AP = r"'\u2019"
"""Apostrophes, straight and typographic, for character classes."""

# Cues sit within a few words of what they qualify, and a candidate's context needs no more
# than a few lines: bounded windows keep mining linear even on run-on text without periods.
WINDOW = 300


@dataclass(frozen=True)
class Doc:
    """The article text with its sentences, for span building and sentence look-ups."""

    text: str
    sentences: list[Span]
    starts: list[int]

    @classmethod
    def of(cls, text: str) -> Doc:
        """Split `text` into sentences once, for every miner."""
        sentences = split_sentences(text)
        return cls(text, sentences, [s.start for s in sentences])

    def span(self, start: int, end: int) -> Span:
        """The span `[start, end)` of the text."""
        return Span(start=start, end=end, text=self.text[start:end])

    def index(self, pos: int) -> int | None:
        """Which sentence holds `pos` (None between sentences)."""
        i = bisect_right(self.starts, pos) - 1
        return i if i >= 0 and pos < self.sentences[i].end else None

    def start_of(self, pos: int) -> int:
        """Where the sentence holding `pos` starts (`pos` itself outside any sentence)."""
        i = self.index(pos)
        return pos if i is None else self.sentences[i].start

    def sentence(self, start: int, end: int) -> Span:
        """The sentence(s) covering `[start, end)`, cut at a space at most `WINDOW`
        characters before and after it; the span itself if it lies outside them."""
        i, j = self.index(start), self.index(max(start, end - 1))
        if i is None or j is None:
            return self.span(start, end)
        lo, hi = self.sentences[i].start, self.sentences[j].end
        if start - lo > WINDOW:
            lo = self.text.find(" ", start - WINDOW, start) + 1 or start
        if hi - end > WINDOW:
            hi = max(end, self.text.rfind(" ", end, end + WINDOW))
        return self.span(lo, hi)


class Taken:
    """Characters already claimed by a candidate, for constant-time overlap checks."""

    def __init__(self, size: int) -> None:
        self.mask = bytearray(size)

    def free(self, start: int, end: int) -> bool:
        """Whether no character of `[start, end)` is claimed yet."""
        return self.mask.find(1, start, end) < 0

    def take(self, start: int, end: int) -> None:
        """Claim `[start, end)`."""
        self.mask[start:end] = b"\x01" * (end - start)
