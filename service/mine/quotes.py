"""Quotations, with the speaker from cues in the same or the adjacent sentence."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

import lexicon
from schemas.candidates import PersonCandidate, QuoteCandidate
from service.mine.doc import AP, WINDOW, Doc, H, Taken
from service.mine.people import CAPW, HONORIFIC, NAME, TITLES
from service.mine.sources import CUE_BEFORE_SOURCE, source_after
from service.text.sentences import LINE
from service.text.words import alternation

_EN = lexicon.load("en")
_VERB = alternation(_EN.words("quotes.verbs"))
_WHO = (
    rf"(?:{HONORIFIC}{H}+)?{CAPW}(?:{H}+{CAPW}){{0,4}}"
    rf"|[Tt]he(?:{H}+[\w{AP}-]+){{1,3}}?"
    rf"|(?:[a-z][\w-]*{H}+){{0,2}}"
    rf"(?:{alternation(_EN.words('quotes.group_speakers'))})"
    r"|[Hh]e|[Ss]he|[Tt]hey"
)  # fmt: skip
_APPOSITION = r"(?:,[^\"\u201c\u201d\n]{1,160}?,)?"  # "Jenny Town, the director of ..., told"
_AUX = rf"(?:(?:has|had|have){H}+)?"
_SAYS = rf"{_APPOSITION}{H}+{_AUX}(?P<verb>{_VERB})\b"
"""What follows a speaker's name: an apposition, then a speech verb ('..., told')."""
# `...," Lee said` / `...," the daily reported` / `...," Jenny Town, ..., told Al Jazeera`.
_AFTER_WHO_VERB = re.compile(rf"{H}*[,\u2013\u2014-]?{H}*(?P<who>{_WHO}){_SAYS}")
_AFTER_VERB_WHO = re.compile(rf"{H}*,?{H}*(?P<verb>{_VERB}){H}+(?P<who>{_WHO})")  # `," said Kim`
# `Lee said: "..."` / `He added that X "..."`: the last such cue before the quotation.
_BEFORE_WHO_VERB = re.compile(rf"(?P<who>{_WHO}){_SAYS}")
_VIA = re.compile(
    rf"{H}+(?P<via>{CAPW}(?:{H}+{CAPW}){{0,3}}"
    rf"(?:{H}+(?:{alternation(_EN.words('quotes.via_suffixes'))}))?)"
)  # fmt: skip
# A person named right before a speech verb: 'Gohar said on Friday that ...'.
_SPOKE = re.compile(_SAYS)
# 'said Norland Air researcher Lena Vik', 'said Harbour Bank director Ivo Lund': the
# capitalised run after the verb is whom the speaker works for; the name after the role
# is the speaker.
_ROLE_THEN_NAME = re.compile(
    rf"{H}+(?:[a-z][\w-]*{H}+){{0,3}}?(?:{TITLES})"
    rf"{H}+(?P<name>{NAME})"
)
# A cue right next to a short quotation makes it a quote, not a scare quote.
_CUE_NEXT_AFTER = re.compile(rf"{H}*,?{H}*(?:(?:{_VERB})\b|(?:{_WHO}){H}+(?:{_VERB})\b)")
_CUE_NEXT_BEFORE = re.compile(rf"\b(?:{_VERB})(?:{H}+that)?{H}*[,:]?{H}*$")
_DOUBLE_MARK = re.compile(r"[\"\u201c\u201d]")
# A single quotation mark opens only after a space or bracket and before a letter or digit.
_SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(\[\u2013\u2014-]))[\u2018'](?=[^\W_])", re.M)
# A closing single mark: after a visible character, not before a letter (Kim's, leaders').
_SINGLE_CLOSE = {mark: re.compile(rf"(?<=\S){mark}(?![^\W_])") for mark in "\u2019'"}
_WORD = re.compile(rf"[^\W_]+(?:[{AP}-][^\W_]+)*")
_PRONOUNS = ("he", "she")  # "they" and "it" are left as written: rarely one person


@dataclass(frozen=True)
class _Region:
    open_pos: int  # the opening mark
    start: int  # first quoted character
    end: int  # after the last quoted character
    close_end: int  # after the closing mark (== end when the paragraph ended unclosed)


def _region(text: str, open_pos: int, close_pos: int, close_end: int) -> _Region | None:
    start, end = open_pos + 1, close_pos
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1  # the comma before `," he said` belongs to the sentence, not the speaker
    return _Region(open_pos, start, end, close_end) if start < end else None


def _double_quotes(text: str) -> list[_Region]:
    """Pair double quotation marks per paragraph. An unclosed quotation continues into the next
    paragraph when that one opens with a quotation mark (news style), else ends with its own."""
    lines = [m for m in LINE.finditer(text) if m.group().strip()]
    regions: list[_Region] = []
    open_pos: int | None = None
    for li, line in enumerate(lines):
        marks = [m.start() for m in _DOUBLE_MARK.finditer(text, *line.span())]
        for p in marks[1:] if open_pos is not None else marks:  # [1:]: the re-opening mark
            if open_pos is None:
                open_pos = None if text[p] == "\u201d" else p
            elif text[p] == "\u201c" == text[open_pos]:
                open_pos = p  # two openers in a row: the first one was stray
            else:
                regions += filter(None, [_region(text, open_pos, p, p + 1)])
                open_pos = None
        nxt = lines[li + 1].group().lstrip()[:1] if li + 1 < len(lines) else ""
        if open_pos is not None and nxt not in ("\u201c", '"'):
            end = line.start() + len(line.group().rstrip())
            regions += filter(None, [_region(text, open_pos, end, end)])
            open_pos = None
    return regions


def _single_quotes(text: str, doubles: list[_Region]) -> list[_Region]:
    """Single-mark quotations of three words or more outside double ones. The closing mark may
    not sit before a letter or after a space, so apostrophes (Kim's, leaders') never close one."""
    inside = Taken(len(text))
    for d in doubles:
        inside.take(d.open_pos, d.close_end)
    closers = {mark: [m.start() for m in p.finditer(text)] for mark, p in _SINGLE_CLOSE.items()}
    regions: list[_Region] = []
    for m in _SINGLE_OPEN.finditer(text):
        o = m.start()
        if not inside.free(o, o + 1) or (regions and o < regions[-1].close_end):
            continue
        marks = closers["\u2019" if text[o] == "\u2018" else "'"]
        i = bisect_left(marks, o + 2)
        line_end = len(text) if (n := text.find("\n", o)) < 0 else n
        q = marks[i] if i < len(marks) and marks[i] < line_end else -1
        r = _region(text, o, q, q + 1) if q >= 0 else None
        if r and len(_WORD.findall(text, r.start, r.end)) >= 3:
            regions.append(r)
    return regions


def find_quotes(doc: Doc, people: list[PersonCandidate]) -> list[QuoteCandidate]:
    """Quotations with the speaker from cues in the same or the adjacent sentence."""
    text = doc.text
    doubles = _double_quotes(text)
    regions = sorted(doubles + _single_quotes(text, doubles), key=lambda r: r.start)
    quotes: list[QuoteCandidate] = []
    previous: tuple[_Region, QuoteCandidate] | None = None
    person_starts = [p.span.start for p in people]
    for r in regions:
        sent_start = doc.start_of(r.open_pos)
        after_end = _after_end(doc, r.close_end)
        if len(_WORD.findall(text, r.start, r.end)) < 3 and not (
            _CUE_NEXT_AFTER.match(text, r.close_end, after_end)
            or _CUE_NEXT_BEFORE.search(text, max(sent_start, r.open_pos - WINDOW), r.open_pos)
        ):
            continue  # a scare quote: "under consideration", "Global South"
        span = doc.span(r.start, r.end)
        sentence = doc.sentence(r.start, r.end)
        quote = QuoteCandidate(id=f"Q{len(quotes) + 1}", span=span, sentence=sentence)
        earlier = bisect_left(person_starts, r.open_pos)
        referent = _referent(doc, people[:earlier], r.open_pos)
        _attribute(doc, r, sent_start, after_end, quote, referent)
        if quote.speaker is None and previous and not text[sent_start : r.open_pos].strip():
            # A quotation opening its sentence in the same paragraph as the previous one, or
            # in the next paragraph, continues that speaker.
            between = text[previous[0].close_end : r.open_pos].split("\n")
            if not "".join(between[1:]).strip():
                quote.speaker, quote.speaker_span = previous[1].speaker, previous[1].speaker_span
                quote.via = previous[1].via
        quotes.append(quote)
        previous = (r, quote)
    return quotes


REFERENT_SENTENCES = 3
"""How many sentences before a quotation's own a 'he' or 'she' may find whom it means."""


def _referent(
    doc: Doc, before: list[PersonCandidate], quoted: int | None = None
) -> PersonCandidate | None:
    """Whom a 'he' or 'she' cue means, of the people named before the quotation: the last
    one named right before a speech verb in the sentence before the quotation's or in its
    own ('Gohar said on Friday that Khan remained calm. "...," he told reporters' is
    Gohar's, who spoke, not Khan's, who is spoken of); else the last one named, if that
    is no more than `REFERENT_SENTENCES` before the quotation (at `quoted`); else none."""
    if not before:
        return None
    last = before[-1]
    here = doc.index(last.span.start)
    if here is None:
        return last
    if (
        quoted is not None
        and (at := doc.index(quoted)) is not None
        and at - here > REFERENT_SENTENCES
    ):
        return None  # named too far back to be whom 'she' means: the speaker stays unknown
    first = doc.sentences[here - 1].start if here else 0
    for person in reversed(before):
        if person.span.start < first:
            break
        if _SPOKE.match(doc.text, person.span.end):
            return person
    return last


def _after_end(doc: Doc, close_end: int) -> int:
    """End of the text that may hold the attribution: the rest of the closing sentence, or the
    next sentence of the same paragraph when the quotation ended its own (`." Lee said.`)."""
    i = doc.index(max(0, close_end - 1))
    if i is None:
        return close_end
    end = doc.sentences[i].end
    if end <= close_end and i + 1 < len(doc.sentences):
        nxt = doc.sentences[i + 1]
        end = end if "\n" in doc.text[close_end : nxt.start] else nxt.end
    return end


def _attribute(
    doc: Doc, r: _Region, sent_start: int, after_end: int, quote: QuoteCandidate,
    last_person: PersonCandidate | None,
) -> None:  # fmt: skip
    """Set the quote's speaker (a pronoun resolves to `last_person`, whom `_referent` found
    before the quotation) and `via` from 'told X'; failing a speech verb, from 'according
    to X'."""
    text = doc.text
    m = _AFTER_WHO_VERB.match(text, r.close_end, after_end) or _AFTER_VERB_WHO.match(
        text, r.close_end, after_end
    )
    if m is None:
        window = max(sent_start, r.open_pos - WINDOW)
        m = next(reversed(list(_BEFORE_WHO_VERB.finditer(text, window, r.open_pos))), None)
    if m is not None:
        who_start, who_end = m.span("who")
        honorific = re.match(rf"{HONORIFIC}{H}+", text[who_start:who_end])
        who_start += honorific.end() if honorific else 0
        if (named := _ROLE_THEN_NAME.match(text, who_end, after_end)) is not None:
            who_start, who_end = named.span("name")
        if m.group("verb") == "told" and (via := _VIA.match(text, m.end("verb"), after_end)):
            quote.via = via.group("via")
    else:
        lo, hi = max(sent_start, r.open_pos - WINDOW), min(after_end, r.close_end + WINDOW)
        cue = CUE_BEFORE_SOURCE.search(text, lo, hi)
        according = cue is not None and cue.group().lower().startswith("according")
        hit = source_after(text, cue.end(), after_end) if cue and according else None
        if hit is None:
            return
        who_start, who_end = hit
    if text[who_start:who_end].lower() in _PRONOUNS and last_person:
        quote.speaker, quote.speaker_span = last_person.name, last_person.span
        return
    quote.speaker, quote.speaker_span = text[who_start:who_end], doc.span(who_start, who_end)
