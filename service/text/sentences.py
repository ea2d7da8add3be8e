"""Sentence spans that index a text exactly."""

from __future__ import annotations

import re

import lexicon
from schemas.record import Span

# Words whose trailing period does not end a sentence ("Mr. Kim", "Sept. 3", "Gen. Park").
_ABBREVIATIONS = frozenset(lexicon.load("en").words("sentences.abbreviations"))
# A possible sentence end: terminal punctuation plus closing quotes or brackets.
_TERMINATOR = re.compile(r"[.!?]+[\"\u201d\u2019')\]]*")
# What may open the next sentence; a lowercase word after a period is an abbreviation's tail.
_OPENER = re.compile(r"\s+[A-Z0-9\"\u201c\u2018'(\[]")
LINE = re.compile(r"[^\n]+")
"""One line of text: no sentence, quotation or pattern runs across a line break."""
_WORD_BEFORE = re.compile(r"[\w.]*$")


def split_sentences(text: str) -> list[Span]:
    """Split `text` into sentence spans that index it exactly, in text order.

    A line break always ends a sentence (headlines and captions carry no period). Within a
    line, `.`/`!`/`?` (with any closing quotes) ends one when whitespace and a capital, digit
    or opening quote follow, unless the word before is an abbreviation ("Mr", "Sept"), an
    initial or a dotted acronym ("U.S."). Ellipses never split. Spans exclude surrounding
    whitespace.
    """
    spans: list[Span] = []
    for line in LINE.finditer(text):
        cut = line.start()
        for m in _TERMINATOR.finditer(text, line.start(), line.end()):
            if _ends_sentence(text, m, line.start(), line.end()):
                _append_stripped(text, cut, m.end(), spans)
                cut = m.end()
        _append_stripped(text, cut, line.end(), spans)
    return spans


def _ends_sentence(text: str, m: re.Match[str], line_start: int, line_end: int) -> bool:
    if m.group().startswith("..") or not _OPENER.match(text, m.end(), line_end):
        return False
    if m.group() != ".":
        return True
    before = _WORD_BEFORE.search(text, max(line_start, m.start() - 20), m.start())
    word = before.group() if before else ""
    initial = len(word) == 1 and word.isalpha()
    return not (word.lower() in _ABBREVIATIONS or "." in word or initial)


def _append_stripped(text: str, start: int, end: int, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append(Span(start=start, end=end, text=text[start:end]))
