"""Sources: who a statement rests on, from the noun phrase around an attribution cue."""

from __future__ import annotations

import re

import lexicon
from schemas.candidates import SourceCandidate
from service.mine.dates import WEEKDAY
from service.mine.doc import AP, WINDOW, Doc, H
from service.mine.people import HONORIFIC, NAME, NOT_AFTER_WORD, name_part
from service.text.words import alternation

# Attribution verbs after their source: "KCNA reported", "NIS told lawmakers". A passive
# auxiliary before them ("are estimated", "was told") means the subject is no source.
_EN = lexicon.load("en")
_CUE_AFTER_SOURCE = re.compile(
    rf"{NOT_AFTER_WORD}(?P<aux>(?:is|are|was|were|be|been|being|it[{AP}]s){H}+)?"
    rf"(?:(?:has|have|had){H}+)?(?P<cue>(?:{alternation(_EN.words('sources.cue_verbs'))})\b"
    rf"(?:{H}+(?:{alternation(_EN.words('sources.audiences'))})\b)?)"
    rf"(?!{H}+(?:from|of|by)\b)"
)
# Attribution words before their source: "according to Yonhap", "citing X", "reports from X".
CUE_BEFORE_SOURCE = re.compile(
    rf"\b(?P<cue>(?i:{alternation(_EN.words('sources.cues_before'), space=H + '+')})){H}+"
)
# `...," said Kim, director of ...`: the source after the verb, only right after a quotation.
_SAID_NAME = re.compile(
    rf"[\u201d\"{AP},]{H}*(?P<cue>said|says){H}+(?P<src>(?:{HONORIFIC}{H}+)?{NAME})"
)
_TOKEN = re.compile(r"\S+")
# Lowercase words allowed inside a source's noun phrase ("the state-run news agency").
_SOURCE_WORDS = frozenset(_EN.words("sources.words"))
# Nouns that make a lowercase phrase a source ("state media", "the agency", "officials").
_SOURCE_HEADS = frozenset(_EN.words("sources.heads"))
_LEADING_NOISE = frozenset(_EN.words("sources.leading_noise")) | frozenset(
    WEEKDAY.lower().split("|")
)
_FORWARD_STOP = frozenset(_EN.words("sources.forward_stops"))
_QUOTE_CHARS = '"\u201c\u201d\u2018'
_POSSESSIVE = re.compile(rf"[{AP}]s?$")
_ARTICLES = ("the", "a", "an")


def _np_word(word: str) -> bool:
    core = word.strip("()")
    return bool(core) and (core[0].isupper() or core.lower() in _SOURCE_WORDS or "-" in core)


def _trim_source(text: str, toks: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Drop leading connectives and a leading article (if a name follows); check the head."""
    while toks and re.split(f"[{AP}]", text[toks[0][0] : toks[0][1]].lower())[0] in _LEADING_NOISE:
        toks = toks[1:]
    words = [text[s:e] for s, e in toks]
    if not words or not any(w[0].isupper() or w.lower() in _SOURCE_HEADS for w in words):
        return None
    if all(w.lower() in _ARTICLES for w in words) or _POSSESSIVE.search(words[-1]):
        return None  # 'The estimates rest on', "Delta's claims": the cue word is a noun
    if words[0].lower() in _ARTICLES and any(w[0].isupper() for w in words[1:]):
        toks = toks[1:]
    return toks[0][0], toks[-1][1]


def _source_before(text: str, sent_start: int, cue_start: int) -> tuple[int, int] | None:
    """The noun phrase ending right before an attribution verb, walking back word by word."""
    toks = [m.span() for m in _TOKEN.finditer(text, max(sent_start, cue_start - WINDOW), cue_start)]
    if toks and text[toks[-1][1] - 1] == ",":
        # Skip one comma clause: "KCNA, citing X, said" / "Jenny Town, the director of ..., told".
        for k in range(len(toks) - 2, max(-1, len(toks) - 30), -1):
            if text[toks[k][1] - 1] == "," and text[toks[k + 1][0]].islower():
                toks = [*toks[:k], (toks[k][0], toks[k][1] - 1)]  # without the comma
                break
        else:
            return None
    chosen: list[tuple[int, int]] = []
    for s, e in reversed(toks):
        word = text[s:e]
        if (
            not word
            or len(chosen) == 8
            or any(c in word for c in _QUOTE_CHARS)
            or word[-1] in ",;:.!?"
        ):
            break
        connector_ok = word not in ("of", "in") or (chosen and text[chosen[0][0]].isupper())
        if not (connector_ok and (_np_word(word) or _modifies_head(text, chosen, word))):
            break
        chosen.insert(0, (s, e))
        if word.lower() in _ARTICLES:
            break
    return _trim_source(text, chosen)


def _modifies_head(text: str, chosen: list[tuple[int, int]], word: str) -> bool:
    """A lowercase modifier of a source head: 'the regional emergency office said'."""
    if not chosen or not word.isalpha() or word.lower() in _LEADING_NOISE:
        return False
    head = text[chosen[-1][0] : chosen[-1][1]].lower()
    return head in _SOURCE_HEADS and len(chosen) < 5


def source_after(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The noun phrase right after 'according to' and the like, up to punctuation."""
    chosen: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text, start, end):
        word = m.group()
        stripped = word.rstrip(',.;:!?"\u201d\u2019')
        stop = stripped.lower() in _FORWARD_STOP and chosen
        if len(chosen) == 8 or word[0] in _QUOTE_CHARS + "(" or stop:
            break
        if stripped:
            chosen.append((m.start(), m.start() + len(stripped)))
        if stripped != word:
            break
    return _trim_source(text, chosen)


def find_sources(doc: Doc) -> list[SourceCandidate]:
    """Who statements rest on: noun phrases around attribution cues, one per mention."""
    text, found = doc.text, dict[tuple[int, int], str]()
    for sent in doc.sentences:
        for m in _CUE_AFTER_SOURCE.finditer(text, sent.start, sent.end):
            hit = None if m.group("aux") else _source_before(text, sent.start, m.start())
            if hit:
                found.setdefault(hit, m.group("cue"))
        for m in CUE_BEFORE_SOURCE.finditer(text, sent.start, sent.end):
            if hit := source_after(text, m.end(), sent.end):
                found[hit] = re.sub(r"\s+", " ", m.group("cue").lower())
        for m in _SAID_NAME.finditer(text, sent.start, sent.end):
            if part := name_part(text, *m.span("src"), "prefix"):
                found.setdefault((m.start("src"), part[1]), m.group("cue"))
    return [
        SourceCandidate(
            id=f"S{i}", span=doc.span(s, e), sentence=doc.sentence(s, e), source=text[s:e], cue=cue
        )
        for i, ((s, e), cue) in enumerate(sorted(found.items()), start=1)
    ]
