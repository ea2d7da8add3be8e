"""Date phrases resolved against the publication date.

Dates resolve with a small resolver, not `dateparser`: its defaults disagree with the
conventions here ("Tuesday" published on a Tuesday resolves to the week before, a year-less
"Sept. 3" published on Sept. 2 to the year before) and its cold start (~300 ms) is several
times the whole budget. A weekday is the one within three days of publication ('since
Friday' the last one up to it), a year-less month the latest up to publication; "last week"
is skipped (no week granularity). Where the tense of the verb a plain weekday ('on Sunday',
'Friday') is an adverbial of is known (`date_hits`' `tense`, read from the parse), it
steers: a past one is the latest up to publication ('the dams collapsed on Sunday night'
in Friday's report), a future one the first from it ('the trial will resume Monday').
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from schemas.candidates import DateCandidate
from schemas.record import Granularity
from service.mine.doc import Doc, H
from service.nlp.tense import Tense

_MONTH_FULL = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
# Abbreviations only count before a day number; alone, "Mar" or "Jun" are too often names.
_MONTH = rf"(?:{_MONTH_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
WEEKDAY = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = {m[:3].lower(): i for i, m in enumerate(_MONTH_FULL.split("|"), start=1)}
_WEEKDAYS = {d[:3].lower(): i for i, d in enumerate(WEEKDAY.split("|"))}
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?(?![0-9])"
_YEAR_TAIL = rf"(?:,?{H}+(?P<year>[0-9]{{4}})(?![0-9]))?"
# Each pattern picks one kind of phrase; `_resolve_date` turns its groups into an ISO date.
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        # "Tuesday, September 2, 2025", "Sept. 3", "June 19, 2024"; "2 Sept", "19 June 2024".
        ("day", rf"(?:(?:{WEEKDAY}),?{H}+)?(?P<mon>{_MONTH}){H}+{_DAY}{_YEAR_TAIL}"),
        ("day", rf"(?<![0-9.,]){_DAY}{H}+(?:of{H}+)?(?P<mon>{_MONTH}){_YEAR_TAIL}"),
        # Day-first numeric dates ("02.09.2025") and ISO dates ("2025-09-02").
        ("day", r"(?<![0-9.])(?P<day>[0-9]{1,2})\.(?P<mon>[0-9]{1,2})\.(?P<year>[0-9]{4})\b"),
        ("day", r"(?<![0-9-])(?P<year>[0-9]{4})-(?P<mon>[0-9]{2})-(?P<day>[0-9]{2})(?![0-9])"),
        ("month", rf"(?P<mon>{_MONTH_FULL}|Sept\.?){H}+(?P<year>[0-9]{{4}})(?![0-9])"),
        ("bare_month", rf"(?P<mon>{_MONTH_FULL})\b"),  # only after a lead word: "may" is a verb
        ("year", r"(?<![\w$\u20ac\u00a3\u00a5.,])(?P<year>(?:19|20)[0-9]{2})(?![\w]|[.,][0-9])"),
        (
            "relative",
            r"(?i)\b(?:today|yesterday|tomorrow"
            r"|(?:(?:earlier|later)\s+)?(?:last|this|next|past)\s+(?:month|year))\b",
        ),
        ("weekday", rf"(?P<wd>{WEEKDAY})\b"),
    )
)
# Words before a date that belong to it ("in April", "on Tuesday", "since late 2011") and
# that steer it ("last Tuesday", "next May").
_LEAD = re.compile(
    rf"(?i:\b(?P<mod>in|on|since|until|by|from|during|before|after|through|last|this|next|"
    rf"early|late|mid)(?:{H}+(?:early|late|mid))?)(?:{H}+|-)$"
)


@dataclass(frozen=True)
class DateHit:
    """A date phrase (with its lead word) and what it resolved to."""

    start: int
    end: int
    iso: str | None  # None when the phrase needs a publication date that is missing
    granularity: Granularity
    lead: str = ""
    """The lead word, lower case ('since' in 'since Friday'), or '' for none."""
    steerable: bool = False
    """A weekday with no lead word or a plain one ('on Sunday'): which way from the report
    it lies is open, and the tense of its verb decides it (`date_hits`' `tense`)."""


_PLAIN_LEADS: Final = frozenset({"", "on", "during", "early", "late", "mid", "from"})
"""Lead words that leave a weekday's side of the report open ('until Friday', 'by Friday'
end a stretch, 'last'/'next'/'since' choose their side themselves)."""


_Resolved = tuple[str | None, Granularity] | None
_NEEDS_PUB: _Resolved = (None, "unknown")


def closest_hit(hits: Iterable[DateHit], start: int, end: int) -> DateHit | None:
    """Of date phrases outside `[start, end)`, the one nearest to it."""
    return min(hits, key=lambda h: start - h.end if h.end <= start else h.start - end, default=None)


def date_hits(
    text: str, pub: date | None, tense: Callable[[int, int], Tense] | None = None
) -> list[DateHit]:
    """Every date phrase with its lead word, the longest where they overlap, resolved where
    possible. `tense(start, end)`: the tense of the verb the phrase at those characters is
    an adverbial of ('' if open), for the weekdays it steers; without it, the default."""
    found: list[tuple[int, int, int, str, str, re.Match[str]]] = []
    for order, (kind, pattern) in enumerate(_DATE_PATTERNS):
        for m in pattern.finditer(text):
            lead = _LEAD.search(text, max(0, m.start() - 20), m.start())
            lead = None if kind == "relative" else lead  # "in today's world" is no date
            if lead or kind != "bare_month":
                start, mod = (lead.start(), lead.group("mod").lower()) if lead else (m.start(), "")
                found.append((start, -m.end(), order, kind, mod, m))
    hits: list[DateHit] = []
    for start, neg_end, _, kind, mod, m in sorted(found, key=lambda f: f[:3]):
        if hits and start < hits[-1].end:
            continue
        resolved = _resolve_date(kind, m, mod, pub)
        if resolved is None:
            continue
        end, steerable = -neg_end, kind == "weekday" and mod in _PLAIN_LEADS
        hit = DateHit(start, end, *resolved, lead=mod, steerable=steerable)
        if tense is not None and _tense_open(hit, pub) and (way := tense(start, end)):
            # 'past' or 'future' look that way (`_WEEKDAY_STEPS`); the lead word stays
            steered = _resolve_date(kind, m, way, pub) or resolved
            hit = DateHit(start, end, *steered, lead=mod, steerable=steerable)
        hits.append(hit)
    return hits


def _tense_open(hit: DateHit, pub: date | None) -> bool:
    """A steerable weekday that is not the day of the report: the tense of its verb could
    move it (on the report's day, either way looks there first)."""
    return hit.steerable and hit.iso is not None and hit.iso != (pub.isoformat() if pub else None)


def tense_open(hits: Iterable[DateHit], pub: date | None) -> bool:
    """Whether the tense of a verb could change one of `hits` (read without `date_hits`'
    `tense`)."""
    return any(_tense_open(h, pub) for h in hits)


def _resolve_date(kind: str, m: re.Match[str], mod: str, pub: date | None) -> _Resolved:
    """ISO date and granularity; `_NEEDS_PUB` without a publication date; None if no date."""
    g = m.groupdict()
    if kind == "year":
        return g["year"], "year"
    if kind in ("relative", "weekday"):
        return _resolve_relative(m.group().lower(), g.get("wd"), mod, pub)
    mon = g["mon"]
    month = int(mon) if mon.isdigit() else _MONTHS[mon[:3].lower()]
    year = int(g["year"]) if g.get("year") else None
    if not 1 <= month <= 12 or (year is not None and not 1000 <= year <= 2999):
        return None
    if kind in ("month", "bare_month"):
        if year is None and pub is None:
            return _NEEDS_PUB
        if year is None and pub is not None:
            # "in April" is the latest April up to publication; "last"/"next" skip the current.
            year = pub.year - (month >= pub.month if mod == "last" else month > pub.month)
            year = pub.year + (month <= pub.month) if mod == "next" else year
            year = pub.year if mod == "this" else year
        return f"{year:04d}-{month:02d}", "month"
    day = int(g["day"])
    if year is not None:
        found = _safe_date(year, month, day)
        return (found.isoformat(), "day") if found else None
    if pub is None:
        return _NEEDS_PUB if _safe_date(2000, month, day) else None  # 2000 is a leap year
    options = [d for y in range(pub.year - 1, pub.year + 2) if (d := _safe_date(y, month, day))]
    # A year-less day is the one nearest to publication ("on Sept. 3" written on Sept. 2).
    nearest = min(options, key=lambda d: abs((d - pub).days), default=None)
    return (nearest.isoformat(), "day") if nearest else None


_WEEKDAY_STEPS: Final = {
    "last": range(-1, -8, -1),
    "next": range(1, 8),
    "since": range(0, -7, -1),  # a stretch that runs to the report: that day or before it
    "past": range(0, -7, -1),  # told in a past tense: that day or before it
    "future": range(0, 7),  # told with 'will': that day or after it
}
"""Days from publication a weekday is looked for in, by its lead word (else -3..3)."""


def _resolve_relative(phrase: str, weekday: str | None, mod: str, pub: date | None) -> _Resolved:
    if pub is None:
        return _NEEDS_PUB
    if weekday is not None:
        target = _WEEKDAYS[weekday[:3].lower()]
        offsets = _WEEKDAY_STEPS.get(mod, range(-3, 4))
        day = next(pub + timedelta(d) for d in offsets if (pub + timedelta(d)).weekday() == target)
        return day.isoformat(), "day"
    if phrase in ("today", "yesterday", "tomorrow"):
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[phrase]
        return (pub + timedelta(shift)).isoformat(), "day"
    step = -1 if ("last" in phrase or "past" in phrase) else 1 if "next" in phrase else 0
    if phrase.endswith("year"):
        return f"{pub.year + step:04d}", "year"
    months = pub.year * 12 + pub.month - 1 + step
    return f"{months // 12:04d}-{months % 12 + 1:02d}", "month"


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(doc: Doc, hits: list[DateHit]) -> list[DateCandidate]:
    """The resolved date phrases as candidates, in text order."""
    dated = [h for h in hits if h.iso is not None]
    return [
        DateCandidate(
            id=f"D{i}",
            span=doc.span(h.start, h.end),
            sentence=doc.sentence(h.start, h.end),
            iso=h.iso or "",
            granularity=h.granularity,
        )
        for i, h in enumerate(dated, start=1)
    ]
