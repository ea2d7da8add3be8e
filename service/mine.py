"""Deterministic candidate mining: quotes, figures, dates, people and sources with exact spans.

Regexes and small word tables only, no model: the same article always yields the same
candidates in the same order, in a few milliseconds. The structure step shows them to the LLM,
which picks and corrects them, so the miner leans to recall where a false candidate is cheap to
drop (people, sources) and to precision where a wrong value would mislead (figures, dates).

Choices worth knowing:

- A figure's span runs from its hedge to its unit or counted noun ("About 2,000 North Korean
  soldiers"). Vague plurals ("thousands of troops") are kept as `more_than` their unit (1000);
  "one" and "first" are never figures; a bare 1900-2099 is a year, never a figure.
- Dates resolve with a small resolver, not `dateparser`: its defaults disagree with the
  conventions here ("Tuesday" published on a Tuesday resolves to the week before, a year-less
  "Sept. 3" published on Sept. 2 to the year before) and its cold start (~300 ms) is several
  times the whole budget. A weekday is the one within three days of publication, a year-less
  month the latest up to publication; "last week" is skipped (no week granularity).
- People and sources are listed per mention; a later bare mention ("Putin") of a name first
  found with a title or a speech verb is a person too.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from schemas.article import Article
from schemas.candidates import (
    Candidates,
    DateCandidate,
    PersonCandidate,
    QuantityCandidate,
    QuoteCandidate,
    SourceCandidate,
)
from schemas.record import Granularity, Hedge, Span
from service.text.sentences import LINE, split_sentences
from service.text.stems import stem_words

__all__ = ["mine", "parse_number", "stem_words"]

_H = r"[^\S\n]"  # horizontal whitespace: no pattern runs across a paragraph break
_AP = r"'\u2019"  # apostrophes, straight and typographic, for character classes


def _words(table: str) -> list[str]:
    """Split a word table: long vocabularies read better as one string than as a list."""
    return table.split()


# Cues sit within a few words of what they qualify, and a candidate's context needs no more
# than a few lines: bounded windows keep mining linear even on run-on text without periods.
_WINDOW = 300


@dataclass(frozen=True)
class _Doc:
    """The article text with its sentences, for span building and sentence look-ups."""

    text: str
    sentences: list[Span]
    starts: list[int]

    @classmethod
    def of(cls, text: str) -> _Doc:
        sentences = split_sentences(text)
        return cls(text, sentences, [s.start for s in sentences])

    def span(self, start: int, end: int) -> Span:
        return Span(start=start, end=end, text=self.text[start:end])

    def index(self, pos: int) -> int | None:
        i = bisect_right(self.starts, pos) - 1
        return i if i >= 0 and pos < self.sentences[i].end else None

    def start_of(self, pos: int) -> int:
        """Where the sentence holding `pos` starts (`pos` itself outside any sentence)."""
        i = self.index(pos)
        return pos if i is None else self.sentences[i].start

    def sentence(self, start: int, end: int) -> Span:
        """The sentence(s) covering `[start, end)`, cut at a space at most `_WINDOW`
        characters before and after it; the span itself if it lies outside them."""
        i, j = self.index(start), self.index(max(start, end - 1))
        if i is None or j is None:
            return self.span(start, end)
        lo, hi = self.sentences[i].start, self.sentences[j].end
        if start - lo > _WINDOW:
            lo = self.text.find(" ", start - _WINDOW, start) + 1 or start
        if hi - end > _WINDOW:
            hi = max(end, self.text.rfind(" ", end, end + _WINDOW))
        return self.span(lo, hi)


class _Taken:
    """Characters already claimed by a candidate, for constant-time overlap checks."""

    def __init__(self, size: int) -> None:
        self.mask = bytearray(size)

    def free(self, start: int, end: int) -> bool:
        return self.mask.find(1, start, end) < 0

    def take(self, start: int, end: int) -> None:
        self.mask[start:end] = b"\x01" * (end - start)


# --------------------------------------------------------------------------------- numbers

_SMALL = {
    w: i
    for i, w in enumerate(
        _words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        )
    )
}
_TENS_WORDS = _words("twenty thirty forty fifty sixty seventy eighty ninety")
_TENS = {w: 10 * i for i, w in enumerate(_TENS_WORDS, start=2)}
_ORDINALS = {
    w: i
    for i, w in enumerate(
        _words(
            "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
            "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
        ),
        start=2,
    )
} | {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
     "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100}  # fmt: skip
_SCALE = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
          "bn": 1e9, "mn": 1e6}  # fmt: skip
_SCALE_WORDS = "million|billion|trillion|thousand|hundred|bn|mn"
_DIGITS = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]{1,15}(?:\.[0-9]+)?"
_WORD_NUMBER = (
    rf"(?:{'|'.join(_TENS)})(?:(?:-|{_H})(?:{'|'.join(list(_SMALL)[1:10])})\b)?"
    rf"|(?:a|one){_H}+(?:hundred|thousand|million|billion)|(?:a{_H}+)?dozen"
    rf"|{'|'.join(sorted(_SMALL, key=len, reverse=True))}"
)
_CURRENCY = r"(?:US|A|C|HK|NZ)?\$|\u20ac|\u00a3|\u00a5"  # $ EUR GBP JPY signs
_PARSE = re.compile(
    rf"(?:{_CURRENCY})?\s*(?P<n>{_DIGITS}|{_WORD_NUMBER})(?:\s*(?P<s>{_SCALE_WORDS}))?", re.I
)


def parse_number(text: str) -> float | None:
    """Read one figure: '2,000' -> 2000.0, '1.3 million' -> 1300000.0, 'two' -> 2.0.

    Accepts digits with thousands separators and decimals, number words up to ninety-nine,
    'a dozen', 'a hundred', an optional currency sign and a scale word; anything else -> None.
    """
    m = _PARSE.fullmatch(text.strip())
    if not m:
        return None
    value = _number_value(m.group("n"))
    return value * _SCALE[m.group("s").lower()] if m.group("s") else value


def _number_value(raw: str) -> float:
    raw = raw.lower()
    if raw[0].isdigit():
        return float(raw.replace(",", ""))
    parts = re.split(r"[\s-]+", raw)
    if parts[0] in ("a", "one") and len(parts) > 1:
        return 12.0 if parts[1] == "dozen" else _SCALE[parts[1]]
    if parts[0] == "dozen":
        return 12.0
    return float(sum(_TENS.get(p, 0) + _SMALL.get(p, 0) for p in parts))


# ----------------------------------------------------------------------------------- dates

_MONTH_FULL = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
# Abbreviations only count before a day number; alone, "Mar" or "Jun" are too often names.
_MONTH = rf"(?:{_MONTH_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
_WEEKDAY = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = {m[:3].lower(): i for i, m in enumerate(_MONTH_FULL.split("|"), start=1)}
_WEEKDAYS = {d[:3].lower(): i for i, d in enumerate(_WEEKDAY.split("|"))}
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?(?![0-9])"
_YEAR_TAIL = rf"(?:,?{_H}+(?P<year>[0-9]{{4}})(?![0-9]))?"
# Each pattern picks one kind of phrase; `_resolve_date` turns its groups into an ISO date.
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        # "Tuesday, September 2, 2025", "Sept. 3", "June 19, 2024"; "2 Sept", "19 June 2024".
        ("day", rf"(?:(?:{_WEEKDAY}),?{_H}+)?(?P<mon>{_MONTH}){_H}+{_DAY}{_YEAR_TAIL}"),
        ("day", rf"(?<![0-9.,]){_DAY}{_H}+(?:of{_H}+)?(?P<mon>{_MONTH}){_YEAR_TAIL}"),
        # Day-first numeric dates ("02.09.2025") and ISO dates ("2025-09-02").
        ("day", r"(?<![0-9.])(?P<day>[0-9]{1,2})\.(?P<mon>[0-9]{1,2})\.(?P<year>[0-9]{4})\b"),
        ("day", r"(?<![0-9-])(?P<year>[0-9]{4})-(?P<mon>[0-9]{2})-(?P<day>[0-9]{2})(?![0-9])"),
        ("month", rf"(?P<mon>{_MONTH_FULL}|Sept\.?){_H}+(?P<year>[0-9]{{4}})(?![0-9])"),
        ("bare_month", rf"(?P<mon>{_MONTH_FULL})\b"),  # only after a lead word: "may" is a verb
        ("year", r"(?<![\w$\u20ac\u00a3\u00a5.,])(?P<year>(?:19|20)[0-9]{2})(?![\w]|[.,][0-9])"),
        (
            "relative",
            r"(?i)\b(?:today|yesterday|tomorrow"
            r"|(?:(?:earlier|later)\s+)?(?:last|this|next|past)\s+(?:month|year))\b",
        ),
        ("weekday", rf"(?P<wd>{_WEEKDAY})\b"),
    )
)
# Words before a date that belong to it ("in April", "on Tuesday", "since late 2011") and
# that steer it ("last Tuesday", "next May").
_LEAD = re.compile(
    rf"(?i:\b(?P<mod>in|on|since|until|by|from|during|before|after|through|last|this|next|"
    rf"early|late|mid)(?:{_H}+(?:early|late|mid))?)(?:{_H}+|-)$"
)


@dataclass(frozen=True)
class _DateHit:
    start: int
    end: int
    iso: str | None  # None when the phrase needs a publication date that is missing
    granularity: Granularity


_Resolved = tuple[str | None, Granularity] | None
_NEEDS_PUB: _Resolved = (None, "unknown")


def _date_hits(text: str, pub: date | None) -> list[_DateHit]:
    """Every date phrase with its lead word, the longest where they overlap, resolved where
    possible."""
    found: list[tuple[int, int, int, str, str, re.Match[str]]] = []
    for order, (kind, pattern) in enumerate(_DATE_PATTERNS):
        for m in pattern.finditer(text):
            lead = _LEAD.search(text, max(0, m.start() - 20), m.start())
            lead = None if kind == "relative" else lead  # "in today's world" is no date
            if lead or kind != "bare_month":
                start, mod = (lead.start(), lead.group("mod").lower()) if lead else (m.start(), "")
                found.append((start, -m.end(), order, kind, mod, m))
    hits: list[_DateHit] = []
    for start, neg_end, _, kind, mod, m in sorted(found, key=lambda f: f[:3]):
        if (not hits or start >= hits[-1].end) and (resolved := _resolve_date(kind, m, mod, pub)):
            hits.append(_DateHit(start, -neg_end, *resolved))
    return hits


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


def _resolve_relative(phrase: str, weekday: str | None, mod: str, pub: date | None) -> _Resolved:
    if pub is None:
        return _NEEDS_PUB
    if weekday is not None:
        target = _WEEKDAYS[weekday[:3].lower()]
        offsets = {"last": range(-1, -8, -1), "next": range(1, 8)}.get(mod, range(-3, 4))
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


# ---------------------------------------------------------------------------------- people

_TITLE_WORDS = (
    "president|vice[- ]president|prime minister|minister|premier|chancellor|leader|lawmaker|"
    "legislator|senator|congressman|congresswoman|mp|director|aide|adviser|advisor|secretary|"
    "spokesperson|spokesman|spokeswoman|official|chairman|chairwoman|chair|ambassador|envoy|"
    "governor|mayor|general|colonel|commander|admiral|marshal|professor|analyst|researcher|"
    "chief|head|founder|ceo|editor|correspondent|counterpart|deputy|judge|king|queen|prince|"
    "princess|emperor|pope"
)
_HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sen|Rep|Gen|Col|Lt|Capt|Sgt|Comrade)\b\.?"
# Lowercase words that may precede a title: "foreign minister Choe", "former premier".
_TITLE_MOD = (
    r"(?i:foreign|prime|defen[cs]e|vice|deputy|former|senior|chief|supreme|top|opposition|"
    r"interior|finance|trade|unification|state)"
)
# A capitalised word; a period stays only inside "U.S." style acronyms.
_CAPW = rf"[A-Z](?:[\w{_AP}-]|\.(?=\w|{_H}+[A-Z]))*"
_NAME_TOK = rf"[A-Z]\w*(?:-[A-Za-z]\w*)?(?:[{_AP}][A-Z]\w*)?"  # Seong-kweun, O'Brien; not Kim's
_NAME = rf"{_NAME_TOK}(?:{_H}+{_NAME_TOK}){{0,3}}"
_NOT_AFTER_WORD = rf"(?<![\w{_AP}-])"
_NOT_TITLE_START = r"(?!(?:The|A|An|In|On|At|As|But|And|When|While|After|Before|Then|It)\b)"
# "Chinese President Xi Jinping", "Kremlin aide Yuri Ushakov", "Mr Kim".
_TITLED = re.compile(
    rf"{_NOT_AFTER_WORD}(?P<title>(?:{_NOT_TITLE_START}{_CAPW}{_H}+){{0,3}}"
    rf"(?:{_TITLE_MOD}{_H}+){{0,2}}"
    rf"(?i:{_TITLE_WORDS})|{_HONORIFIC}){_H}+(?P<name>{_NAME})"
)
# "Jenny Town, the director of ...": a lowercase title not itself followed by another name.
_APPOSITIVE = re.compile(
    rf"{_NOT_AFTER_WORD}(?P<name>{_NAME}),{_H}+(?:(?:the|a|an){_H}+)?"
    rf"(?P<title>(?:[\w{_AP}-]+{_H}+){{0,3}}?(?:{_TITLE_WORDS}))\b(?!{_H}+[A-Z])"
)
_SPEECH = (
    "said|says|told|added|adds|noted|notes|wrote|writes|explained|argued|argues|warned|"
    "insisted|stressed"
)
# "Lee said", "Town notes": a capitalised run right before a speech verb.
_NAME_SAYS = re.compile(rf"{_NOT_AFTER_WORD}(?P<name>{_NAME}){_H}+(?:{_SPEECH})\b")
_NAME_RUN = re.compile(rf"{_NOT_AFTER_WORD}{_NAME}")
_TOKEN_IN_NAME = re.compile(_NAME_TOK)
# Capitalised words that are not (parts of) personal names; the LLM step filters the rest.
_NOT_NAME = frozenset(
    _words(
        "north south east west northern southern korea korean koreans china chinese russia "
        "russian japan japanese beijing pyongyang moscow seoul kyiv ukraine ukrainian tianjin "
        "washington tokyo europe european america american iran iranian india indian vietnam "
        "britain british the a an in on at as but and or it he she they we i you this that these "
        "his her their our its after before while when since if then there here also however "
        "meanwhile earlier later january february march april may june july august september "
        "october november december sept monday tuesday wednesday thursday friday saturday sunday "
        "state party ministry agency news service department committee republic central national "
        "world war government foreign intelligence council office university institute "
        "organisation organization association union company group bank court police army forces "
        "command media times post daily journal press network television radio kremlin white "
        "house congress parliament square station railway mr mrs ms miss dr prof comrade reuters "
        "yonhap xinhua tass afp jazeera al bbc cnn sputnik anadolu read sign related top download "
        "already get start show more most popular editors picks avatar article image feed "
        "writing please one new global western"
    )
    + _words(_TITLE_WORDS.replace("|", " ").replace("[- ]", " "))
)
# A capitalised run right after these words is a title of a publication, not a person.
_ORG_NOUNS = frozenset(_words("newspaper agency daily broadcaster outlet channel magazine network"))


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    name_start: int
    name_end: int
    title: str | None


def _name_tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN_IN_NAME.finditer(text, start, end)]


def _is_name_token(word: str) -> bool:
    # Acronyms (KCNA, NIS, US) are organisations, never personal names.
    return word.lower() not in _NOT_NAME and not (len(word) > 1 and word.isupper())


def _name_part(text: str, start: int, end: int, keep: str) -> tuple[int, int] | None:
    """The leading ('prefix') or trailing ('suffix') tokens of a run that look like a name."""
    toks = _name_tokens(text, start, end)
    kept: list[tuple[int, int]] = []
    for s, e in reversed(toks) if keep == "suffix" else toks:
        if not _is_name_token(text[s:e]):
            break
        kept.append((s, e))
    return (min(s for s, _ in kept), max(e for _, e in kept)) if kept else None


def _people(doc: _Doc) -> list[PersonCandidate]:
    """Titled names, appositive titles, names before a speech verb, then repeats of those."""
    text, mentions = doc.text, list[_Mention]()
    for pattern, keep in ((_TITLED, "prefix"), (_APPOSITIVE, "suffix"), (_NAME_SAYS, "suffix")):
        for m in pattern.finditer(text):
            part = _name_part(text, *m.span("name"), keep)
            before = text[max(0, m.start() - 12) : m.start()].split()
            if part is None or (pattern is _NAME_SAYS and before and before[-1] in _ORG_NOUNS):
                continue
            title = m.groupdict().get("title")
            start = m.start("title") if pattern is _TITLED else part[0]
            mentions.append(_Mention(start, part[1], *part, title))
    # Later bare mentions ("Kim", "Putin") of a name already found with a title or a cue.
    known: set[str] = set()
    for mention in mentions:
        toks = _name_tokens(text, mention.name_start, mention.name_end)
        known.update(text[s:e] for s, e in (toks[0], toks[-1]) if e - s > 1)
    for m in _NAME_RUN.finditer(text):
        run: list[tuple[int, int]] = []
        for s, e in [*_name_tokens(text, *m.span()), (m.end(), m.end())]:
            if s < m.end() and _is_name_token(text[s:e]):
                run.append((s, e))
                continue
            if any(text[a:b] in known for a, b in run):
                mentions.append(_Mention(run[0][0], run[-1][1], run[0][0], run[-1][1], None))
            run = []
    chosen, taken = [], _Taken(len(text))
    for mention in mentions:  # earlier rules win overlaps
        if taken.free(mention.start, mention.end):
            taken.take(mention.start, mention.end)
            chosen.append(mention)
    chosen.sort(key=lambda c: (c.start, c.end))
    return [
        PersonCandidate(
            id=f"P{i}",
            span=doc.span(c.start, c.end),
            sentence=doc.sentence(c.start, c.end),
            name=text[c.name_start : c.name_end],
            title=c.title,
        )
        for i, c in enumerate(chosen, start=1)
    ]


# --------------------------------------------------------------------------------- sources

# Attribution verbs after their source: "KCNA reported", "NIS told lawmakers". A passive
# auxiliary before them ("are estimated", "was told") means the subject is no source.
_CUE_AFTER_SOURCE = re.compile(
    rf"{_NOT_AFTER_WORD}(?P<aux>(?:is|are|was|were|be|been|being|it[{_AP}]s){_H}+)?"
    rf"(?:(?:has|have|had){_H}+)?(?P<cue>(?:reported|said|says|claimed|claims|told|tells|"
    r"quoted|announced|stated|confirmed|cited|estimated|estimates|assessed|assesses|believed|"
    r"believes|added)\b"
    rf"(?:{_H}+(?:lawmakers|reporters|journalists|parliament|legislators)\b)?)"
    rf"(?!{_H}+(?:from|of|by)\b)"
)
# Attribution words before their source: "according to Yonhap", "citing X", "reports from X".
_CUE_BEFORE_SOURCE = re.compile(
    rf"\b(?P<cue>(?i:according{_H}+to|citing|quoting|reports?{_H}+from)){_H}+"
)
# `...," said Kim, director of ...`: the source after the verb, only right after a quotation.
_SAID_NAME = re.compile(
    rf"[\u201d\"{_AP},]{_H}*(?P<cue>said|says){_H}+(?P<src>(?:{_HONORIFIC}{_H}+)?{_NAME})"
)
_TOKEN = re.compile(r"\S+")
# Lowercase words allowed inside a source's noun phrase ("the state-run news agency").
_SOURCE_WORDS = frozenset(
    _words(
        "the state media news agency agencies newspaper daily intelligence service services spy "
        "ministry foreign defence defense military government office official officials "
        "spokesperson spokesman spokeswoman broadcaster television radio outlet police army "
        "lawmaker lawmakers leader president minister aide director secretary security sources "
        "statement report authorities and of in"
    )
)
# Nouns that make a lowercase phrase a source ("state media", "the agency", "officials").
_SOURCE_HEADS = frozenset(
    _words(
        "media agency agencies newspaper daily service ministry government office official "
        "officials spokesperson spokesman spokeswoman broadcaster police army military "
        "authorities statement report sources leader"
    )
)
_LEADING_NOISE = frozenset(
    _words(
        "and of in but as when while after before meanwhile however earlier later also then "
        "since separately it he she they we i there here this that on at recent initial"
    )
    + _words(_WEEKDAY.lower().replace("|", " "))
)
_FORWARD_STOP = frozenset(
    _words(
        "that which who whom whose on in at as when while to for with because after before "
        "indicate indicates suggest suggests show shows say says said is are was were has have "
        "had will would could may might and"
    )
)
_QUOTE_CHARS = '"\u201c\u201d\u2018'


def _np_word(word: str) -> bool:
    core = word.strip("()")
    return bool(core) and (core[0].isupper() or core.lower() in _SOURCE_WORDS or "-" in core)


def _trim_source(text: str, toks: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Drop leading connectives and a leading article (if a name follows); check the head."""
    while toks and re.split(f"[{_AP}]", text[toks[0][0] : toks[0][1]].lower())[0] in _LEADING_NOISE:
        toks = toks[1:]
    words = [text[s:e] for s, e in toks]
    if not words or not any(w[0].isupper() or w.lower() in _SOURCE_HEADS for w in words):
        return None
    if words[0].lower() in ("the", "a", "an") and any(w[0].isupper() for w in words[1:]):
        toks = toks[1:]
    return toks[0][0], toks[-1][1]


def _source_before(text: str, sent_start: int, cue_start: int) -> tuple[int, int] | None:
    """The noun phrase ending right before an attribution verb, walking back word by word."""
    toks = [
        m.span() for m in _TOKEN.finditer(text, max(sent_start, cue_start - _WINDOW), cue_start)
    ]
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
        if word.lower() in ("the", "a", "an"):
            break
    return _trim_source(text, chosen)


def _modifies_head(text: str, chosen: list[tuple[int, int]], word: str) -> bool:
    """A lowercase modifier of a source head: 'the regional emergency office said'."""
    if not chosen or not word.isalpha() or word.lower() in _LEADING_NOISE:
        return False
    head = text[chosen[-1][0] : chosen[-1][1]].lower()
    return head in _SOURCE_HEADS and len(chosen) < 5


def _source_after(text: str, start: int, end: int) -> tuple[int, int] | None:
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


def _sources(doc: _Doc) -> list[SourceCandidate]:
    """Who statements rest on: noun phrases around attribution cues, one per mention."""
    text, found = doc.text, dict[tuple[int, int], str]()
    for sent in doc.sentences:
        for m in _CUE_AFTER_SOURCE.finditer(text, sent.start, sent.end):
            hit = None if m.group("aux") else _source_before(text, sent.start, m.start())
            if hit:
                found.setdefault(hit, m.group("cue"))
        for m in _CUE_BEFORE_SOURCE.finditer(text, sent.start, sent.end):
            if hit := _source_after(text, m.end(), sent.end):
                found[hit] = re.sub(r"\s+", " ", m.group("cue").lower())
        for m in _SAID_NAME.finditer(text, sent.start, sent.end):
            if part := _name_part(text, *m.span("src"), "prefix"):
                found.setdefault((m.start("src"), part[1]), m.group("cue"))
    return [
        SourceCandidate(
            id=f"S{i}", span=doc.span(s, e), sentence=doc.sentence(s, e), source=text[s:e], cue=cue
        )
        for i, ((s, e), cue) in enumerate(sorted(found.items()), start=1)
    ]


# ---------------------------------------------------------------------------------- quotes

_VERB = (
    "said|says|added|adds|told|tells|wrote|writes|noted|notes|explained|warned|stated|declared|"
    "insisted|stressed|reported|claimed|asked|replied|continued|argued|quoted"
)
_WHO = (
    rf"(?:{_HONORIFIC}{_H}+)?{_CAPW}(?:{_H}+{_CAPW}){{0,4}}"
    rf"|[Tt]he(?:{_H}+[\w{_AP}-]+){{1,3}}?"
    rf"|(?:[a-z][\w-]*{_H}+){{0,2}}"
    r"(?:media|officials|sources|authorities|police|spokes(?:man|woman|person))"
    r"|[Hh]e|[Ss]he|[Tt]hey"
)  # fmt: skip
_APPOSITION = r"(?:,[^\"\u201c\u201d\n]{1,160}?,)?"  # "Jenny Town, the director of ..., told"
_AUX = rf"(?:(?:has|had|have){_H}+)?"
# `...," Lee said` / `...," the daily reported` / `...," Jenny Town, ..., told Al Jazeera`.
_AFTER_WHO_VERB = re.compile(
    rf"{_H}*[,\u2013\u2014-]?{_H}*(?P<who>{_WHO}){_APPOSITION}{_H}+{_AUX}(?P<verb>{_VERB})\b"
)
_AFTER_VERB_WHO = re.compile(rf"{_H}*,?{_H}*(?P<verb>{_VERB}){_H}+(?P<who>{_WHO})")  # `," said Kim`
# `Lee said: "..."` / `He added that X "..."`: the last such cue before the quotation.
_BEFORE_WHO_VERB = re.compile(rf"(?P<who>{_WHO}){_APPOSITION}{_H}+{_AUX}(?P<verb>{_VERB})\b")
_VIA = re.compile(
    rf"{_H}+(?P<via>{_CAPW}(?:{_H}+{_CAPW}){{0,3}}"
    rf"(?:{_H}+(?:news agency|newspaper|television|TV|radio|broadcaster))?)"
)  # fmt: skip
# A cue right next to a short quotation makes it a quote, not a scare quote.
_CUE_NEXT_AFTER = re.compile(rf"{_H}*,?{_H}*(?:(?:{_VERB})\b|(?:{_WHO}){_H}+(?:{_VERB})\b)")
_CUE_NEXT_BEFORE = re.compile(rf"\b(?:{_VERB})(?:{_H}+that)?{_H}*[,:]?{_H}*$")
_DOUBLE_MARK = re.compile(r"[\"\u201c\u201d]")
# A single quotation mark opens only after a space or bracket and before a letter or digit.
_SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(\[\u2013\u2014-]))[\u2018'](?=[^\W_])", re.M)
# A closing single mark: after a visible character, not before a letter (Kim's, leaders').
_SINGLE_CLOSE = {mark: re.compile(rf"(?<=\S){mark}(?![^\W_])") for mark in "\u2019'"}
_WORD = re.compile(rf"[^\W_]+(?:[{_AP}-][^\W_]+)*")
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
    inside = _Taken(len(text))
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


def _quotes(doc: _Doc, people: list[PersonCandidate]) -> list[QuoteCandidate]:
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
            or _CUE_NEXT_BEFORE.search(text, max(sent_start, r.open_pos - _WINDOW), r.open_pos)
        ):
            continue  # a scare quote: "under consideration", "Global South"
        span = doc.span(r.start, r.end)
        sentence = doc.sentence(r.start, r.end)
        quote = QuoteCandidate(id=f"Q{len(quotes) + 1}", span=span, sentence=sentence)
        earlier = bisect_left(person_starts, r.open_pos)
        _attribute(doc, r, sent_start, after_end, quote, people[earlier - 1] if earlier else None)
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


def _after_end(doc: _Doc, close_end: int) -> int:
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
    doc: _Doc, r: _Region, sent_start: int, after_end: int, quote: QuoteCandidate,
    last_person: PersonCandidate | None,
) -> None:  # fmt: skip
    """Set the quote's speaker (a pronoun resolves to `last_person`, the last one named before
    the quotation) and `via` from 'told X'; failing a speech verb, from 'according to X'."""
    text = doc.text
    m = _AFTER_WHO_VERB.match(text, r.close_end, after_end) or _AFTER_VERB_WHO.match(
        text, r.close_end, after_end
    )
    if m is None:
        window = max(sent_start, r.open_pos - _WINDOW)
        m = next(reversed(list(_BEFORE_WHO_VERB.finditer(text, window, r.open_pos))), None)
    if m is not None:
        who_start, who_end = m.span("who")
        honorific = re.match(rf"{_HONORIFIC}{_H}+", text[who_start:who_end])
        who_start += honorific.end() if honorific else 0
        if m.group("verb") == "told" and (via := _VIA.match(text, m.end("verb"), after_end)):
            quote.via = via.group("via")
    else:
        lo, hi = max(sent_start, r.open_pos - _WINDOW), min(after_end, r.close_end + _WINDOW)
        cue = _CUE_BEFORE_SOURCE.search(text, lo, hi)
        according = cue is not None and cue.group().lower().startswith("according")
        hit = _source_after(text, cue.end(), after_end) if cue and according else None
        if hit is None:
            return
        who_start, who_end = hit
    if text[who_start:who_end].lower() in _PRONOUNS and last_person:
        quote.speaker, quote.speaker_span = last_person.name, last_person.span
        return
    quote.speaker, quote.speaker_span = text[who_start:who_end], doc.span(who_start, who_end)


# ------------------------------------------------------------------------------ quantities

_HEDGES: dict[str, Hedge] = {
    **dict.fromkeys(_words("about around roughly approximately approx. some nearly"), "about"),
    **dict.fromkeys(("almost", "circa", "estimated"), "about"),
    **dict.fromkeys(("an estimated", "close to"), "about"),
    **dict.fromkeys(("at least", "no fewer than", "no less than", "a minimum of"), "at_least"),
    **dict.fromkeys(("more than", "over", "upwards of", "in excess of", "above"), "more_than"),
    **dict.fromkeys(("up to", "as many as", "as much as"), "up_to"),
    **dict.fromkeys(("fewer than", "less than", "under", "below"), "less_than"),
}
_HEDGE_BEFORE = re.compile(
    rf"(?i)\b(?P<h>{'|'.join(sorted(map(re.escape, _HEDGES), key=len, reverse=True))}){_H}+$"
)
# Figures: digits ("2,000", "$1.2 billion", "80th"), words ("two", "a dozen"), word ordinals.
_NUMBER = re.compile(
    rf"(?<![\w.,/:$\u20ac\u00a3\u00a5-])(?P<cur>{_CURRENCY})?(?P<num>{_DIGITS})"
    r"(?P<ord>st|nd|rd|th)?"
    rf"(?:{_H}?(?P<scale>{_SCALE_WORDS})\b)?(?![0-9]|[.,][0-9]|[{_AP}]s\b)"
)  # fmt: skip
_WORD_NUM = re.compile(
    rf"(?i){_NOT_AFTER_WORD}(?P<num>{_WORD_NUMBER})"
    rf"(?:{_H}+(?P<scale>hundred|thousand|million|billion|trillion)\b)?(?![\w{_AP}])"
)
_ORD_WORD = re.compile(rf"(?i){_NOT_AFTER_WORD}(?P<num>{'|'.join(_ORDINALS)})(?![\w{_AP}-])")
# "thousands of troops": kept as more_than its unit so consensus can weigh it against figures.
_VAGUE = re.compile(
    rf"(?i)(?<![\w-])(?P<num>(?:tens|hundreds){_H}+of{_H}+thousands|dozens|hundreds|thousands|"
    rf"millions|billions){_H}+of\b"
)
_VAGUE_VALUE = {"dozens": 12.0, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_NUM_ANY = rf"{_DIGITS}|{_WORD_NUMBER}"
_RANGE = re.compile(
    rf"(?i)(?<![\w.,])(?:between{_H}+(?P<a>{_NUM_ANY}){_H}+and{_H}+(?P<b>{_NUM_ANY})"
    rf"|from{_H}+(?P<c>{_NUM_ANY}){_H}+to{_H}+(?P<d>{_NUM_ANY})"
    rf"|(?P<e>{_DIGITS}){_H}*(?:-|\u2013|\u2014|to){_H}*(?P<f>{_DIGITS}))(?![\w]|[.,][0-9])"
    rf"(?:{_H}?(?P<scale>{_SCALE_WORDS})\b)?"
)
# Not figures: clock times ("4 pm", "0800GMT") and ages ("aged 14", "14-year-old").
_NOT_FIGURE = re.compile(
    r"(?i)\b[0-9]{1,2}(?::[0-9]{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\b[0-9]{1,2}:[0-9]{2}\b"
    r"|\b[0-9]{4}\s*(?:GMT|UTC)\b|\b[0-9]{1,3}[-\s]years?[-\s]old\b|\baged\s+[0-9]{1,3}\b"
)
_PERCENT = re.compile(rf"{_H}?(?:%|(?i:per{_H}?cent|percent|percentage{_H}+points?)\b)")
_UNIT = re.compile(
    rf"(?:{_H}|-)?(?P<u>km/h|kilomet(?:re|er)s?|km|miles?|kN|kilonewtons?|hours?|hrs?|minutes?|"
    r"mins?|seconds?|days?|weeks?|months?|years?|tonnes?|tons?|kilograms?|kg|metres?|meters?|m|"
    r"feet|foot|ft|acres?|hectares?|litres?|liters?|barrels?|degrees?|mph|MW|GW|kWh)(?![\w/])"
)
_UNIT_NAMES = {
    "kilometre": "km", "kilometer": "km", "mile": "miles", "kn": "kN", "kilonewton": "kN",
    "hour": "hours", "hr": "hours", "minute": "minutes", "min": "minutes", "second": "seconds",
    "day": "days", "week": "weeks", "month": "months", "year": "years", "tonne": "tonnes",
    "ton": "tonnes", "kilogram": "kg", "metre": "m", "meter": "m", "feet": "ft", "foot": "ft",
    "acre": "acres", "hectare": "hectares", "litre": "litres", "liter": "litres",
    "barrel": "barrels", "degree": "degrees", "mw": "MW", "gw": "GW", "kwh": "kWh",
}  # fmt: skip
_GLUED_UNIT = re.compile(r"(?:km|kg|kN|mm|cm|m|%)(?!\w)")  # "10km", "5%"
_MONEY_WORD = re.compile(rf"{_H}+(?P<w>dollars|euros|yuan|won|yen|roubles|rubles|rupees)\b")
_MONEY = {"$": "USD", "US$": "USD", "A$": "AUD", "C$": "CAD", "HK$": "HKD", "NZ$": "NZD",
          "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY", "dollars": "USD", "euros": "EUR",
          "yuan": "CNY", "won": "KRW", "yen": "JPY", "roubles": "RUB", "rubles": "RUB",
          "rupees": "INR"}  # fmt: skip
# Words that cannot be (part of) a counted noun, including non-plurals ending in -s.
_STOP = (
    "was|is|has|his|its|this|us|as|thus|yes|plus|less|unless|across|always|perhaps|besides|does|"
    "goes|whereas|sometimes|of|the|a|an|to|in|on|at|and|or|for|from|with|by|had|have|were|are|"
    "will|would|could|been|being|that|which|who|more|than|already|now|per|each|they|them|their|"
    "these|those|since|after|before|during|into|over|under|about|around"
)
_LOWER_WORD = rf"(?!(?:{_STOP})\b)[a-z][\w-]*"
_PLURAL = rf"{_LOWER_WORD}(?<![sui])s"  # not "business", "bus", "crisis"
# "2,000 North Korean soldiers and engineers": up to three capitalised and two lowercase
# modifiers before the first plural noun.
_COUNTED = re.compile(
    rf"{_H}+(?P<hint>(?:[A-Z][\w{_AP}-]*{_H}+){{0,3}}(?:{_LOWER_WORD}{_H}+){{0,2}}?"
    rf"(?P<noun>{_PLURAL})\b(?:{_H}+and{_H}+{_PLURAL}\b)?)"
)
# "80th anniversary", "fourth such initiative": the noun after at most one adjective.
_ORDINAL_NOUN = re.compile(
    rf"{_H}+(?P<hint>(?:(?:such|consecutive|straight|successive|annual|[a-z]+est){_H}+)?"
    rf"(?P<noun>{_LOWER_WORD}))\b"
)
_PREV_WORD = re.compile(rf"(?P<w>\S+){_H}+$")


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
        raw = m.group("u").lower()
        return m.end(), _UNIT_NAMES.get(raw) or _UNIT_NAMES.get(raw[:-1], m.group("u")), ""
    if m := _COUNTED.match(text, pos):
        return m.end(), m.group("noun"), m.group("hint")
    return pos, "", ""


def _single(doc: _Doc, m: re.Match[str], ordinal: bool, value: float) -> _Figure | None:
    """A figure from one number match with its hedge and what it counts; None if it is not a
    figure (a code like 0800GMT, a compound like three-way, a name like 38 North)."""
    text, start, end = doc.text, m.start(), m.end()
    glued, money = _GLUED_UNIT.match(text, end), _MONEY.get(m.groupdict().get("cur") or "", "")
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
    if hedge == "exact" and not unit:
        prev = _PREV_WORD.search(text, max(sent_start, start - 40), start)
        prev_cap = prev is not None and prev.start() > sent_start and prev.group("w")[0].isupper()
        next_cap = re.match(rf"{_H}+[A-Z]", text[end : end + 3]) is not None
        if prev_cap or next_cap or (m.group()[0].isupper() and start > sent_start):
            return None  # "Route 66", "38 North", "World War Two"
    start = hedge_m.start() if hedge_m else start
    return _Figure(start, tail_end, value, hedge=hedge, unit=unit, hint=hint, ordinal=ordinal)


def _quantities(doc: _Doc, date_hits: list[_DateHit]) -> list[QuantityCandidate]:
    """Figures with hedge, unit and counted noun, plus the date stated in their sentence."""
    text = doc.text
    taken = _Taken(len(text))
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
        return _SCALE[m.group("scale").lower()] if m.group("scale") else 1.0

    for m in _RANGE.finditer(text):
        a, b = (m.group(x) or m.group(y) or m.group(z) for x, y, z in ("ace", "bdf"))
        low, high = _number_value(a) * scale(m), _number_value(b) * scale(m)
        if low < high:
            end, unit, hint = _tail(text, m.end(), False, "")
            keep(_Figure(m.start(), end, None, low, high, "range", unit, hint), *m.span())
    for m in _VAGUE.finditer(text):
        words = m.group("num").lower().split()  # "tens of thousands" = 10 * "thousands"
        value = _VAGUE_VALUE[words[-1]] * (_VAGUE_VALUE.get(words[0], 10.0) if words[1:] else 1)
        c = _COUNTED.match(text, m.end())
        end, unit, hint = (c.end(), c.group("noun"), c.group("hint")) if c else (m.end(), "", "")
        keep(_Figure(m.start(), end, value, hedge="more_than", unit=unit, hint=hint), *m.span())
    for m in _NUMBER.finditer(text):
        value = _number_value(m.group("num")) * scale(m)
        keep(_single(doc, m, bool(m.group("ord")), value), *m.span())
    for m in _WORD_NUM.finditer(text):
        if m.group("num").lower() != "one" or m.group("scale"):  # "one" is rarely a figure
            keep(_single(doc, m, False, _number_value(m.group("num")) * scale(m)), *m.span())
    for m in _ORD_WORD.finditer(text):
        keep(_single(doc, m, True, float(_ORDINALS[m.group("num").lower()])), *m.span())
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


def _nearest_date(doc: _Doc, dated: list[_DateHit], start: int, end: int) -> _DateHit | None:
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
    return min(near, key=lambda h: start - h.end if h.end <= start else h.start - end, default=None)


_NOT_AS_OF = re.compile(r"\b(?:but|now|updated|latest|currently|however|since|until)\b", re.I)
"""Words that cut a date off a figure: 'in April it was 600, but now about 2,000' dates only
the 600, and 'met five times since 2011' gives no date the count refers to."""


def _dates_figure(text: str, hit: _DateHit, start: int, end: int) -> bool:
    """True when the date phrase dates the figure: a month or year ('In April', 'in 2024';
    a day names when something happened, not what a count stood at), nothing between them
    that parts them, and not a 'since' date."""
    if hit.granularity not in ("month", "year"):
        return False
    between = text[hit.end : start] if hit.end <= start else text[end : hit.start]
    preceding = text[max(0, hit.start - 6) : hit.end]
    return not _NOT_AS_OF.search(between) and not re.search(r"\bsince\b", preceding, re.I)


# ------------------------------------------------------------------------------------ mine


def mine(article: Article) -> Candidates:
    """Mine quote, quantity, date, person and source candidates from one article.

    Deterministic and model-free. Every candidate's `span` and `sentence` index
    `article.text` exactly; ids (Q1.., N1.., D1.., P1.., S1..) follow text order. Relative
    dates resolve against `article.published_at`; without it they are left out.
    """
    doc = _Doc.of(article.text)
    hits = _date_hits(article.text, article.published_date)
    people = _people(doc)
    dated = [h for h in hits if h.iso is not None]
    dates = [
        DateCandidate(
            id=f"D{i}",
            span=doc.span(h.start, h.end),
            sentence=doc.sentence(h.start, h.end),
            iso=h.iso or "",
            granularity=h.granularity,
        )
        for i, h in enumerate(dated, start=1)
    ]
    return Candidates(
        quotes=_quotes(doc, people),
        quantities=_quantities(doc, hits),
        dates=dates,
        people=people,
        sources=_sources(doc),
    )
