"""Figures with their hedge, unit or counted noun, and the date their sentence gives them.

A figure's span runs from its hedge to its unit or counted noun ("About 2,000 North Korean
soldiers"). Vague plurals ("thousands of troops") are kept as `more_than` their unit (1000);
"one" and "first" are never figures. A bare 1900-2099 is a year, unless a counted noun or
a fate follows it and no lead word or determiner precedes it: "2000 people", "2000
killed" are figures; "in 2000", "the 2024 elections", "by 2030" stay years. Two numbers a
dash joins, the first not the lower ("72-65", "split 9-3", "a 787-8"), are a score, a split
or a model's name: no figure at all (ascending, "20-24 hours" is a range).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Final, cast, get_args

import lexicon
from lexicon import LexiconNotFoundError
from schemas.candidates import QuantityCandidate
from schemas.record import Hedge
from service.mine.dates import DateHit, closest_hit
from service.mine.doc import AP, Doc, H, Taken
from service.mine.numbers import (
    CURRENCY,
    DIGITS,
    GROUPED,
    ORDINALS,
    SCALE_WORDS,
    WORD_NUMBER,
    number_value,
)
from service.mine.people import NOT_AFTER_WORD
from service.text.numbers import SCALE
from service.text.words import alternation, is_fate

_EN = lexicon.load("en")
_IDENTIFIER_NOUNS = frozenset(_EN.words("figures.identifier_nouns"))
"""Nouns a bare number right after names one of ('flight 318'): no figure."""


def _hedge(kind: str) -> Hedge:
    if kind not in get_args(Hedge):
        raise LexiconNotFoundError(f"lexicon figures.hedges: {kind!r} is no hedge")
    return cast(Hedge, kind)


_HEDGES: dict[str, Hedge] = {
    phrase: _hedge(kind)
    for kind, phrases in _EN.groups("figures.hedges").items()
    for phrase in phrases
}
_HEDGE_BEFORE = re.compile(
    rf"(?i)\b(?P<h>{'|'.join(sorted(map(re.escape, _HEDGES), key=len, reverse=True))}){H}+$"
)
# Figures: digits ("2,000", "$1.2 billion", "80th"), words ("two", "a dozen"), word ordinals;
# "eight and a half (years)" is 8.5.
_HALF = rf"(?P<half>{H}+and{H}+a{H}+half\b)"
_NUMBER = re.compile(
    rf"(?<![\w.,/:$\u20ac\u00a3\u00a5-])(?P<cur>{CURRENCY})?(?P<num>{DIGITS})"
    rf"(?:(?P<ord>st|nd|rd|th)|{_HALF})?"
    rf"(?:{H}?(?P<scale>{SCALE_WORDS})\b)?(?![0-9]|[.,][0-9]|[{AP}]s\b)"
)  # fmt: skip
_WORD_NUM = re.compile(
    rf"(?i){NOT_AFTER_WORD}(?P<num>{WORD_NUMBER}){_HALF}?"
    rf"(?:{H}+(?P<scale>{SCALE_WORDS})\b)?(?![\w{AP}])"
)
_ORD_WORD = re.compile(rf"(?i){NOT_AFTER_WORD}(?P<num>{'|'.join(ORDINALS)})(?![\w{AP}-])")
# "thousands of troops": kept as more_than its unit so consensus can weigh it against figures.
_VAGUE_VALUE = _EN.numbers("figures.vague_counts")
_VAGUE = re.compile(
    rf"(?i)(?<![\w-])(?:(?P<num>(?:tens|hundreds){H}+of{H}+(?:thousands|millions))(?:{H}+of\b)?"
    rf"|(?P<one>{alternation(_VAGUE_VALUE)}){H}+of\b)"
)
"""'thousands of troops'; 'tens of thousands (of)' is vague with or without its 'of'."""
_FRACTIONS = _EN.numbers("figures.fractions")
_FRACTION = re.compile(
    rf"(?i){NOT_AFTER_WORD}(?P<num>{alternation(_FRACTIONS, space=H + '+')}){H}+a{H}+"
    rf"(?P<scale>thousand|million|billion|trillion)\b"
)
"""'half a million', 'a quarter of a million': that part of the scale."""
_NUM_ANY = rf"{DIGITS}|{WORD_NUMBER}"
_RANGE = re.compile(
    rf"(?i)(?<![\w.,])(?:between{H}+(?P<a>{_NUM_ANY}){H}+and{H}+(?P<b>{_NUM_ANY})"
    rf"|from{H}+(?P<c>{_NUM_ANY}){H}+to{H}+(?P<d>{_NUM_ANY})"
    rf"|(?P<e>{DIGITS}){H}*(?P<join>-|\u2013|\u2014|to){H}*(?P<f>{DIGITS}))(?![\w]|[.,][0-9])"
    rf"(?:{H}?(?P<scale>{SCALE_WORDS})\b)?"
)
# Not figures: clock times ("4 pm", "0800GMT") and ages ("aged 14", "14-year-old").
_NOT_FIGURE = re.compile(
    r"(?i)\b[0-9]{1,2}(?::[0-9]{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\b[0-9]{1,2}:[0-9]{2}\b"
    r"|\b[0-9]{4}\s*(?:GMT|UTC)\b|\b[0-9]{1,3}[-\s]years?[-\s]old\b|\baged\s+[0-9]{1,3}\b"
)
_PERCENT = re.compile(rf"{H}?(?:%|(?i:per{H}?cent|percent|percentage{H}+points?)\b)")
_UNITS = _EN.mapping("figures.units")
_UNIT = re.compile(rf"(?:{H}|-)?(?P<u>{alternation(_UNITS)})(?![\w/])")
_GLUED_UNIT = re.compile(rf"(?:{alternation(_EN.words('figures.glued_units'))})(?!\w)")  # "10km"
_MONEY = _EN.mapping("figures.currencies")
_MONEY_WORD = re.compile(rf"{H}+(?P<w>{alternation(w for w in _MONEY if w.isalpha())})\b")
# Words that cannot be (part of) a counted noun, including non-plurals ending in -s.
_STOP = alternation(_EN.words("figures.not_nouns"))
_LOWER_WORD = rf"(?!(?:{_STOP})\b)[a-z][\w-]*"
_PLURAL = rf"{_LOWER_WORD}(?<![sui])s"  # not "business", "bus", "crisis"
# "2,000 North Korean soldiers and engineers": up to three capitalised and two lowercase
# modifiers before the first plural noun.
_COUNTED = re.compile(
    rf"{H}+(?P<hint>(?:[A-Z][\w{AP}-]*{H}+){{0,3}}(?:{_LOWER_WORD}{H}+){{0,2}}?"
    rf"(?P<noun>{_PLURAL})\b(?:{H}+and{H}+{_PLURAL}\b)?)"
)
# "80th anniversary", "fourth such initiative": the noun after at most one adjective.
_ORDINAL_NOUN = re.compile(
    rf"{H}+(?P<hint>(?:(?:{alternation(_EN.words('figures.ordinal_adjectives'))}|[a-z]+est){H}+)?"
    rf"(?P<noun>{_LOWER_WORD}))\b"
)
_PREV_WORD = re.compile(rf"(?P<w>\S+){H}+$")


@dataclass
class _Figure:
    start: int
    end: int
    value: float | None
    low: float | None = None
    high: float | None = None
    hedge: Hedge = "exact"
    unit: str = ""
    hint: str = ""
    ordinal: bool = False


def _tail(text: str, pos: int, ordinal: bool, money: str) -> tuple[int, str, str]:
    """End, unit and counted noun phrase of what follows a figure."""
    if ordinal:
        m = _ORDINAL_NOUN.match(text, pos)
        return (m.end(), m.group("noun"), m.group("hint")) if m else (pos, "", "")
    if m := _PERCENT.match(text, pos):
        return m.end(), "%", ""
    if money:
        return pos, money, ""
    if m := _MONEY_WORD.match(text, pos):
        return m.end(), _MONEY[m.group("w")], ""
    if m := _UNIT.match(text, pos):
        return m.end(), _UNITS[m.group("u")], ""
    if m := _COUNTED.match(text, pos):
        return m.end(), m.group("noun"), m.group("hint")
    return pos, "", ""


def _single(doc: Doc, m: re.Match[str], ordinal: bool, value: float) -> _Figure | None:
    """A figure from one number match with its hedge and what it counts; None if it is not a
    figure (a code like 0800GMT, a compound like three-way, a name like 38 North)."""
    text, start, end = doc.text, m.start(), m.end()
    sign = (m.groupdict().get("cur") or "").strip().rstrip(".")  # 'Rs. 10', 'Rs 10'
    glued, money = _GLUED_UNIT.match(text, end), _MONEY.get(sign, "")
    after = text[end : end + 2]
    if after[:1].isalpha() and not glued:
        return None
    if after[:1] == "-" and after[1:].isalpha() and not _UNIT.match(text, end):
        return None
    sent_start = doc.start_of(start)
    hedge_m = _HEDGE_BEFORE.search(text, max(sent_start, start - 30), start)
    hedge: Hedge = _HEDGES[" ".join(hedge_m.group("h").lower().split())] if hedge_m else "exact"
    if after[:1] == "+":  # "100+"
        hedge, end = "at_least", end + 1
    if glued and money and glued.group() == "m":  # "$10m": millions of dollars
        tail_end, unit, hint, value = glued.end(), money, "", value * 1e6
    elif glued:
        tail_end, unit, hint = glued.end(), glued.group(), ""
    else:
        tail_end, unit, hint = _tail(text, end, ordinal, money)
    # '1.5 million', '90,000': a number with a scale word or its thousands grouped is
    # a count, never part of a name ('the union 90,000', 'the Kessby Union 1.3 million')
    counted = bool(m.groupdict().get("scale")) or GROUPED.search(m.group("num")) is not None
    if hedge == "exact" and not unit and not counted:
        if _names(text, sent_start, start, end) or (m.group()[0].isupper() and start > sent_start):
            return None  # "Route 66", "38 North", "World War Two"
        if _identifies(text, sent_start, start, end):
            return None  # "flight 318", "article 49"
        if _listed_after_name(text, sent_start, start):
            return None  # "the 737 MAX, 767 and 777"
    start = hedge_m.start() if hedge_m else start
    unit = unit or _age_unit(text, start)
    return _Figure(start, tail_end, value, hedge=hedge, unit=unit, hint=hint, ordinal=ordinal)


_AGED = re.compile(rf"(?i)\b(?:aged|ages){H}+$")


def _age_unit(text: str, start: int) -> str:
    """'years' for a group's ages ('aged between 18 and 63', 'aged over 60', 'aged from
    two to 11'): an age, not a count of the people; else ''."""
    return "years" if _AGED.search(text, max(0, start - 12), start) else ""


def _identifies(text: str, sent_start: int, start: int, end: int) -> bool:
    """The word before a bare number names what it identifies ('flight 318', 'sections
    212'), or the number is in a list of numbers such a word opens ('flights 318 and 319',
    'Sections 212 (negligence), 219 (fraud) and 87'). A number after a comma alone is in
    the list only when another number follows it there ('Flight 318, 64 people died'
    counts people)."""
    listed = _NEXT_LISTED.match(text, end) is not None
    while True:
        prev = _PREV_WORD.search(text, max(sent_start, start - 40), start)
        if prev is None:
            return False
        word = prev.group("w").lower()
        if word in _IDENTIFIER_NOUNS or (word[-1:] == "s" and word[:-1] in _IDENTIFIER_NOUNS):
            return True
        step = _LISTED_BEFORE.search(text, max(sent_start, start - 120), start)
        if step is None or (step.group("sep") == "," and not listed):
            return False
        start, listed = step.start(), True


_GLOSS = rf"(?:{H}*\([^()]{{0,80}}\))?"
_LISTED_BEFORE: Final = re.compile(
    rf"[0-9](?:[0-9,.]*[0-9])?{_GLOSS}{H}*(?P<sep>,|(?:,?{H}*(?:and|or))){H}+$"
)
"""A number before another in a list, with any gloss in brackets after it ('212
(negligence), ', '318 and ')."""
_NEXT_LISTED: Final = re.compile(rf"{_GLOSS}{H}*(?:,|{H}and|{H}or){H}+[0-9]")
"""Another number of a list after this one ('219 (fraud) and 87')."""


def _names(text: str, sent_start: int, start: int, end: int) -> bool:
    """A bare number inside a name: a capitalised word before it (not the sentence's
    first) or after it ('Route 66', '38 North'). After a capitalised word and a comma it is
    a figure when words follow it ('In Paris, 30 were held'); set off by commas it is
    said of the name ('Dana Reyes, 41,'), and after a name with a number it is one of a
    list of names ('the 737 MAX, 767')."""
    prev = _PREV_WORD.search(text, max(sent_start, start - 40), start)
    if prev is not None and prev.start() > sent_start and prev.group("w")[0].isupper():
        if not prev.group("w").endswith((",", ";", ":")):
            return True
        if text[end : end + 1] in (",", ";", ".", ")"):
            return True
        earlier = _PREV_WORD.search(text, max(sent_start, prev.start() - 40), prev.start())
        if earlier is not None and any(ch.isdigit() for ch in earlier.group("w")):
            return True
    return re.match(rf"{H}+[A-Z]", text[end : end + 3]) is not None


_LISTED = re.compile(rf"(?P<num>[0-9][0-9,.]*[0-9]|[0-9]),?{H}+(?:and|or){H}+$")


def _listed_after_name(text: str, sent_start: int, start: int) -> bool:
    """The last of a list of names: a number joined by 'and' or 'or' to a number that
    follows a name and a comma ('the 737 MAX, 767 and 777' are three models, not 777 of
    something)."""
    listed = _LISTED.search(text, max(sent_start, start - 30), start)
    if listed is None or not text[start : start + 1].isdigit():
        return False
    before = listed.start("num")
    after_comma = text[max(sent_start, before - 2) : before].rstrip().endswith(",")
    return after_comma and _names(text, sent_start, before, listed.end("num"))


_NEXT_WORD = re.compile(rf"{H}+(?P<w>[^\W\d_]+)")
_PLURALS_WITHOUT_S = frozenset(_EN.words("figures.plurals_without_s"))
_DETERMINER_BEFORE = re.compile(
    rf"(?i)\b(?:the|a|an|this|that|its|their|his|her|our|whose){H}+$"
)  # "the 2024 elections", "her 2019 visit": a year that names something


def is_counted_year(text: str, hit: DateHit) -> bool:
    """Whether a bare 1900-2099 the date patterns took for a year counts something: no
    lead word ('in 2000'), no determiner before it, and a counted noun or a fate after it
    ('2000 people', '2000 killed')."""
    if hit.granularity != "year" or not text[hit.start : hit.end].isdigit():
        return False
    if _DETERMINER_BEFORE.search(text, max(0, hit.start - 8), hit.start):
        return False
    if _COUNTED.match(text, hit.end):
        return True
    word = _NEXT_WORD.match(text, hit.end)
    return word is not None and (
        word.group("w").lower() in _PLURALS_WITHOUT_S or is_fate(word.group("w"))
    )


def find_quantities(doc: Doc, date_hits: list[DateHit]) -> list[QuantityCandidate]:
    """Figures with hedge, unit and counted noun, plus the date stated in their sentence."""
    text = doc.text
    taken = Taken(len(text))
    for start, end in [(h.start, h.end) for h in date_hits] + [
        m.span() for m in _NOT_FIGURE.finditer(text)
    ]:
        taken.take(start, end)
    figures: list[_Figure] = []

    def keep(figure: _Figure | None, start: int, end: int) -> None:
        """Keep a figure whose number `[start, end)` is unclaimed; claim its whole phrase."""
        if figure is not None and taken.free(start, end):
            figures.append(figure)
            taken.take(figure.start, figure.end)

    def scale(m: re.Match[str]) -> float:
        return SCALE[m.group("scale").lower()] if m.group("scale") else 1.0

    def value_of(m: re.Match[str]) -> float:
        return (number_value(m.group("num")) + (0.5 if m.group("half") else 0.0)) * scale(m)

    for m in _RANGE.finditer(text):
        a, b = (m.group(x) or m.group(y) or m.group(z) for x, y, z in ("ace", "bdf"))
        low, high = number_value(a) * scale(m), number_value(b) * scale(m)
        if low < high:
            end, unit, hint = _tail(text, m.end(), False, "")
            unit = unit or _age_unit(text, m.start())
            keep(_Figure(m.start(), end, None, low, high, "range", unit, hint), *m.span())
        elif (m.group("join") or "to").lower() != "to":
            # '72-65', 'split 9-3', 'a 787-8': two numbers a dash joins, the first not the
            # lower, are a score, a split or a model's name, never one figure of the first
            taken.take(*m.span())
    for m in _FRACTION.finditer(text):
        part = _FRACTIONS[" ".join(m.group("num").lower().split())]
        keep(_single(doc, m, False, part * scale(m)), *m.span())
    for m in _VAGUE.finditer(text):
        words = (m.group("num") or m.group("one")).lower().split()  # "tens of thousands"
        value = _VAGUE_VALUE[words[-1]] * (_VAGUE_VALUE.get(words[0], 10.0) if words[1:] else 1)
        c = _COUNTED.match(text, m.end())
        end, unit, hint = (c.end(), c.group("noun"), c.group("hint")) if c else (m.end(), "", "")
        keep(_Figure(m.start(), end, value, hedge="more_than", unit=unit, hint=hint), *m.span())
    for m in _NUMBER.finditer(text):
        keep(_single(doc, m, bool(m.group("ord")), value_of(m)), *m.span())
    for m in _WORD_NUM.finditer(text):
        # "one" alone is rarely a figure; "one and a half (hours)" is
        if m.group("num").lower() != "one" or m.group("scale") or m.group("half"):
            keep(_single(doc, m, False, value_of(m)), *m.span())
    for m in _ORD_WORD.finditer(text):
        keep(_single(doc, m, True, float(ORDINALS[m.group("num").lower()])), *m.span())
    quantities, dated = [], [h for h in date_hits if h.iso]
    for i, f in enumerate(sorted(figures, key=lambda f: (f.start, f.end)), start=1):
        quantity = QuantityCandidate(
            id=f"N{i}", span=doc.span(f.start, f.end), sentence=doc.sentence(f.start, f.end),
            value=f.value, low=f.low, high=f.high, hedge=f.hedge, unit=f.unit,
            counted_hint=f.hint, ordinal=f.ordinal,
        )  # fmt: skip
        if stated := _nearest_date(doc, dated, f.start, f.end):
            quantity.as_of, quantity.as_of_phrase = stated.iso, text[stated.start : stated.end]
        quantities.append(quantity)
    return quantities


def _nearest_date(doc: Doc, dated: list[DateHit], start: int, end: int) -> DateHit | None:
    """The resolved date phrase closest to `[start, end)` in the same sentence; `dated` is in
    text order and free of overlaps, so the candidates are its neighbours on either side."""
    i = bisect_right(dated, start, key=lambda h: h.end)
    j = bisect_left(dated, end, key=lambda h: h.start)
    sentence = doc.index(start)
    near = [
        h
        for h in (dated[i - 1 : i] + dated[j : j + 1])
        if doc.index(h.start) == sentence and _dates_figure(doc.text, h, start, end)
    ]
    return closest_hit(near, start, end)


_NOT_AS_OF = re.compile(rf"\b(?:{alternation(_EN.words('figures.date_breakers'))})\b", re.I)
"""Words that cut a date off a figure: 'in April it was 600, but now about 2,000' dates only
the 600, and 'met five times since 2011' gives no date the count refers to."""


def _dates_figure(text: str, hit: DateHit, start: int, end: int) -> bool:
    """True when the date phrase dates the figure: a month or year ('In April', 'in 2024';
    a day names when something happened, not what a count stood at), nothing between them
    that parts them, and not a 'since' date, unless the figure is in the 'when' clause
    that tells what happened then ('the worst since 2014, when a ferry sank and 304
    people died')."""
    if hit.granularity not in ("month", "year"):
        return False
    between = text[hit.end : start] if hit.end <= start else text[end : hit.start]
    preceding = text[max(0, hit.start - 6) : hit.end]
    then = hit.end <= start and _WHEN_CLAUSE.match(between) is not None
    since = re.search(r"\bsince\b", preceding, re.I) is not None
    return not _NOT_AS_OF.search(between) and (then or not since)


_WHEN_CLAUSE: Final = re.compile(r",?\s+when\b")
"""The clause right after a date that tells what happened then ('2014, when ...')."""
