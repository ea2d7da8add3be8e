"""Merge per-article event records into one claim-level consensus.

`merge_records` is pure and deterministic: no model, no I/O, no clock. The same records
in any order give the same `Consensus`, and n copies of a record give what one copy
gives (records sharing an `article_id` collapse to one). Every `FactValue` is copied
from one input item; only `statement`, `key` and `interval` are derived.

Alignment: which items are about the same thing
-----------------------------------------------
* Actors: names lose titles and honorifics ("Mr Kim", "Comrade Kim Jong Un",
  "North Korean leader Kim Jong Un" → "kim jong un"), hyphens and spacing ("Choe Son-hui"
  = "Choe Son Hui" = "Choe Sonhui"). An item's canonical name, name and multi-word
  aliases are one person; names within `name_match` (rapidfuzz) join; a surname-only
  mention ("Kim", "Mr Lee") joins the one full name starting or ending with it, and stays
  apart when two full names do. Known sources ("NIS" / "National Intelligence Service")
  join through `service.merge.independence.SOURCE_ALIASES`.
* Quantities: what is counted (`counted` plus a count-noun `unit`) becomes a token set:
  lowercased, plural 's' stripped, stop words dropped, synonyms folded through
  `COUNTED_PHRASES` and `COUNTED_SYNONYMS` (troops → soldier; dead, died, war dead,
  death toll → killed; sent, dispatched → deployed). Figures align when their token sets
  reach `counted_match` (Dice), their units share a dimension (`MEASURE_UNITS`, converted:
  miles meet km; any other unit is a counted noun) and both or neither are ordinals.
  Figures never align when they name different actions (killed vs deployed) or scopes
  (`SCOPE_TOKENS`: 'additional', 'already'), different people ('meetings between Kim and
  Xi' / '... Kim and Putin'), or different counted nouns ('ceremonies' / 'soldiers')
  while their `counted` wording differs. A figure naming no action or scope joins the
  one cluster it matches, if there is exactly one, that names no scope, and only when
  every key of its own cluster matches that one; a cluster whose words merely contain
  its own counts as a match here ('101 soldiers' stays apart from both 'soldiers sent'
  and 'North Korean soldiers killed'). Token sets also align when a set of two
  or more tokens lies inside the other ('troops sent' / 'North Korean troops sent to
  Russia').
* The article's clause around a figure's evidence span (when `articles` are given) fills
  in what an extractor leaves out of `counted`: scope words (`CONTEXT_SCOPES`: 'another
  6,000', 'intends to send', '1,000 of whom are already there'), an action when `counted`
  names none and no count noun ('puts the toll at about 2,000' → killed), and a running
  tally that replaces 'sent' ('2,000 soldiers sent to Russia have been killed'). A figure
  saying little besides its action and scope ('1,000 deployed') joins the one fuller
  cluster with exactly that action and scope.
* Vague counts ('thousands of troops': no digit, `VAGUE_COUNT`) form facts of their own,
  `single_source` or `compatible`, never conflicting or revised.
* Dates: the records' `when` is one fact; dated sub-events align by what happened:
  close wording (`statement_match`) whatever the dates, so that two dates for one event
  conflict, or a rewording (`statement_dice`) on dates that fit one another. Dates
  compare as day ranges, so "2025-09" is compatible with "2025-09-03". A planned
  sub-event (`PLANNED_WORDS`: 'expected', 'hope to'...) and a reported one on the same
  date are `compatible`: the plan came true; they do not say the same.
* Places: the records' `where`, compared by normalised name.
* Quotes: normalised words within `quote_match`, or a fragment of a longer quote.
* Claims: statements within `statement_match`, or `same_source_statement_match` when
  both cite the same upstream source, or a rewording: stemmed content words (Snowball,
  synonyms folded) reaching `statement_dice`. Statements giving different figures never
  align ('2,000 killed' / '600 killed'); the quantity facts carry those.

Status: exactly one per fact
----------------------------
Each figure becomes an interval from its hedge and `MergeTolerances`: "about X" is
X ± `approx_rel`; "more than X" is (X, X·(1 + `open_bound_slack`)]; "at least X" closes
that interval at X; "up to X" / "fewer than X" mirror them below X; a bare figure is
X ± `exact_rel`; a range is its bounds ± `exact_rel`. Over the current values of a fact:

* `single_source`: one outlet gives them all (checked first);
* `agreed`: every value has the same figure and hedge;
* `compatible`: the intervals share a common point;
* `conflicting`: they do not ("more than 10,000" → (10000, 13000] against "around
  15,000" → [13500, 16500]).

Dates follow the same rules over day ranges. Actors and claims are `agreed` once two
outlets give them; claims are never `conflicting`, since telling a contradiction from a
paraphrase needs more than string similarity. Places conflict only when their names
differ and their stated countries do not match. Quotes are `agreed` when the outlets
quote the same words, `compatible` when the wording differs (a fragment, a variant), and
`conflicting` when they attribute the words to different speakers.

Revisions: two facts, linked
----------------------------
A figure cluster may mix superseded and current values, as in the sample: "at least 600"
killed as of April, then "about 2,000" / "roughly 2,000" / "at least 2,000". It is
reported as two facts linked by `related_fact_ids`:

* the *current* fact holds the values still standing and gets its status from them
  (`compatible` in the sample);
* a *revision* fact (key suffixed " (revision)", status `revised`) lists the superseded
  values, oldest first, followed by the current ones ("600 → 2,000").

A figure holds at its `as_of`; failing that, a running tally (`TALLY_TOKENS`: killed,
missing...) holds on its article's publication day, and any other figure is read as
current, so as the latest. A value is superseded when (1) a value
holding strictly later is disjoint from it and tells the same story: one of them is
unattributed and the figure is a running tally, they cite a common upstream source, the
older one's clause calls it older (`OLDER_MARKERS`: 'its initial count'), or one outlet
gives both ('more than
10,000 in 2024' from one agency against 'around 15,000' from another is a conflict, not
a revision; a toll of 12, then 17, then 23 from one agency over three days is a
revision); (2) it has no `as_of` but overlaps a value superseded under (1) and is
disjoint from, and not later than, a value that superseded that one (a repeat of the
old figure: "initial reports said at least 600"); or (3) one outlet gives two disjoint
values that time does not order: the one fewer outlets back is the old one (ties: the
earlier-published article, then the earlier mention). A value that still overlaps the
later ones is not superseded: the figure held.

Independence
------------
`upstream_sources` and `independent_origins` come from `service.merge.independence`: the
quantity's `attributed_to`, the claim's `according_to`, the quote's `via`, resolved
through an alias table; articles citing one source, from one outlet, or copying one
another (when `articles` are given) count as one origin.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, Final, NamedTuple

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from schemas.article import Article
from schemas.consensus import (
    Consensus,
    ConsensusEvent,
    ConsensusProvenance,
    DerivativePair,
    EvidenceRef,
    Fact,
    FactKind,
    FactStatus,
    FactValue,
    Interval,
    OutletInfo,
    PromptRef,
)
from schemas.record import EventRecord, EventType, Granularity, Grounded, Hedge, Quantity
from service.merge.independence import (
    SourceResolver,
    UnionFind,
    count_independent_origins,
    detect_derivatives,
    known_source,
    normalise_source,
)
from service.mine import stem_words


class MergeTolerances(BaseModel):
    """Every threshold the merge decides with; the defaults suit English news figures."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    approx_rel: float = Field(default=0.10, ge=0.0, lt=1.0)
    """'about X' allows [X·(1 - approx_rel), X·(1 + approx_rel)]."""

    open_bound_slack: float = Field(default=0.30, ge=0.0, lt=1.0)
    """How far an open-ended figure reaches: 'more than X' → (X, X·(1 + slack)],
    'at least X' → [X, X·(1 + slack)], 'up to X' → [X·(1 - slack), X],
    'fewer than X' → [X·(1 - slack), X)."""

    exact_rel: float = Field(default=0.0, ge=0.0, le=0.01)
    """A bare figure X allows [X·(1 - exact_rel), X·(1 + exact_rel)]; a stated range widens
    its bounds by the same share."""

    name_match: float = Field(default=90.0, ge=0.0, le=100.0)
    """rapidfuzz ratio (0-100) from which two normalised person or place names are one."""

    counted_match: float = Field(default=0.6, gt=0.0, le=1.0)
    """Dice similarity (0-1) of the normalised what-is-counted tokens from which two
    figures count the same thing."""

    quote_match: float = Field(default=90.0, ge=0.0, le=100.0)
    """rapidfuzz ratio (0-100) from which two normalised quotes are the same words."""

    quote_fragment_min_chars: int = Field(default=20, ge=1)
    """A normalised quote at least this long also matches when it appears inside a longer
    one (rapidfuzz partial ratio), as when an outlet quotes half a sentence."""

    statement_match: float = Field(default=85.0, ge=0.0, le=100.0)
    """rapidfuzz token ratio (0-100) from which two claims or sub-events say the same."""

    same_source_statement_match: float = Field(default=70.0, ge=0.0, le=100.0)
    """Lower bar for two claims that cite the same upstream source."""

    statement_dice: float = Field(default=0.6, gt=0.0, le=1.0)
    """Dice similarity (0-1) of two statements' stemmed content words from which they say
    the same although worded apart ('Kim hosted families of soldiers killed...' / 'Kim met
    families of dead soldiers...'). Sub-events must also have dates that fit one another.
    Statements giving different figures never align."""

    subset_min_tokens: int = Field(default=4, ge=1)
    """A statement whose content words all appear in another matches it fully only when
    it has at least this many content words; shorter ones are compared in full."""

    source_match: float = Field(default=90.0, ge=0.0, le=100.0)
    """rapidfuzz ratio (0-100) from which a source name is a known source's alias."""

    derivative_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """Jaccard similarity of word shingles from which two articles are derivative."""

    derivative_containment: float = Field(default=0.8, ge=0.0, le=1.0)
    """Share of the shorter article's shingles found in the longer one from which two
    articles are derivative (a padded rewrite of a wire story)."""

    derivative_min_shingles: int = Field(default=20, ge=1)
    """The containment rule applies only when the shorter article has this many shingles,
    so a two-line brief does not count as a copy of everything it overlaps."""

    shingle_size: int = Field(default=5, ge=1)
    """Words per shingle for derivative detection."""

    max_shared_passages: int = Field(default=5, ge=0)
    """Longest shared passages kept as evidence of a derivative pair."""


DEFAULT_TOLERANCES: Final = MergeTolerances()
"""The tolerances `merge_records` uses when none are given."""

COUNTED_PHRASES: Final[dict[str, str]] = {
    "war dead": "killed",
    "death toll": "killed",
    "lost their lives": "killed",
    "lost their life": "killed",
    "taken prisoner": "captured",
    "heads of state": "leader",
    "head of state": "leader",
    "world leaders": "leader",
    "state leaders": "leader",
    "foreign leaders": "leader",
    "nation leaders": "leader",
    "country leaders": "leader",
    "national leaders": "leader",
}
"""Multi-word phrases folded to one token before tokenising what is counted."""

COUNTED_SYNONYMS: Final[dict[str, str]] = {
    "troop": "soldier",
    "serviceman": "soldier",
    "servicemen": "soldier",
    "dead": "killed",
    "died": "killed",
    "die": "killed",
    "death": "killed",
    "kill": "killed",
    "killing": "killed",
    "fatality": "killed",
    "lost": "killed",
    "fallen": "killed",
    "slain": "killed",
    "gone": "deployed",
    "went": "deployed",
    "sent": "deployed",
    "send": "deployed",
    "sending": "deployed",
    "deploy": "deployed",
    "deploying": "deployed",
    "deployment": "deployed",
    "dispatch": "deployed",
    "dispatched": "deployed",
    "dispatching": "deployed",
    "nation": "country",
    "injured": "wounded",
    "injury": "wounded",
    "wound": "wounded",
    "attend": "attending",
    "attended": "attending",
    "attendance": "attending",
    "capture": "captured",
    "displace": "displaced",
    "homeless": "displaced",
    "evacuate": "evacuated",
    "rescue": "rescued",
    "prisoner": "captured",
    "toll": "killed",
    "another": "additional",
    "extra": "additional",
    "further": "additional",
    "plan": "planned",
    "planning": "planned",
    "intend": "planned",
    "intended": "planned",
    "intending": "planned",
    "prepare": "planned",
    "preparing": "planned",
}
"""Single words (after plural stripping) folded to one canonical token."""

ACTION_TOKENS: Final[frozenset[str]] = frozenset(
    {"killed", "deployed", "wounded", "casualty", "captured", "attending", "missing", "arrested"}
)
"""Canonical tokens naming what happened to the counted things: figures naming
different actions never align, however alike the rest of their wording. 'casualty' is
its own action: casualties count the wounded too."""

SCOPE_TOKENS: Final[frozenset[str]] = frozenset(
    {"additional", "already", "planned", "first", "remaining", "overall", "cumulative"}
)
"""Words that change which part of a whole is counted: '6,000 additional troops' is not
'10,000 troops sent', however alike the wording. They guard alignment as actions do."""

CONTEXT_SCOPES: Final[dict[str, str]] = {
    "additional": "additional",
    "another": "additional",
    "further": "additional",
    "extra": "additional",
    "more": "additional",
    "plan": "planned",
    "plans": "planned",
    "planned": "planned",
    "planning": "planned",
    "intend": "planned",
    "intends": "planned",
    "intended": "planned",
    "prepare": "planned",
    "prepares": "planned",
    "preparing": "planned",
    "already": "already",
    "first": "already",
}
"""Scope words read around a figure in its article's clause (the extractor often drops
them from `counted`): 'another 6,000', 'intends to send', '1,000 of whom are already
there', 'the first 1,000'. 'more' counts only when it is not 'more than'."""

OLDER_MARKERS: Final[frozenset[str]] = frozenset(
    {"initial", "initially", "earlier", "previous", "previously", "original", "former", "prior"}
)
"""Words just before a figure that mark it as an older value ('its initial count was')."""

VAGUE_COUNT: Final = re.compile(
    r"\b(?:dozens|scores|hundreds|thousands|millions|billions|tens)\b", re.IGNORECASE
)
"""A phrase with no digit and one of these words is a vague count ('thousands of troops'),
which the miner turns into a bound such as 'more than 1,000'."""

CONTEXT_WORDS_BEFORE: Final = 6
CONTEXT_WORDS_AFTER: Final = 10
_CONTEXT_CHARS: Final = 240
_CLAUSE_BREAK: Final = re.compile(r"[;:!?()\[\]\u2014\u2013\n\"\u201c\u201d]|[.,](?=\s|$)")

_GUARD_TOKENS: Final = ACTION_TOKENS | SCOPE_TOKENS

TALLY_TOKENS: Final[frozenset[str]] = frozenset(
    {"killed", "wounded", "casualty", "missing", "displaced", "evacuated", "arrested", "rescued"}
)
"""Running tallies: counts that move as days pass (a death toll). Only for these does a
later article's undated figure revise an earlier article's; an announced term (a 51%
stake) given differently on the next day is a conflict."""

MEASURE_UNITS: Final[dict[str, tuple[str, float]]] = {
    "km": ("length", 1_000.0),
    "kilometre": ("length", 1_000.0),
    "kilometer": ("length", 1_000.0),
    "mile": ("length", 1_609.344),
    "m": ("length", 1.0),
    "metre": ("length", 1.0),
    "meter": ("length", 1.0),
    "kg": ("mass", 1.0),
    "kilogram": ("mass", 1.0),
    "tonne": ("mass", 1_000.0),
    "ton": ("mass", 1_000.0),
    "%": ("percent", 1.0),
    "percent": ("percent", 1.0),
    "pct": ("percent", 1.0),
    "$": ("usd", 1.0),
    "usd": ("usd", 1.0),
    "dollar": ("usd", 1.0),
    "us dollar": ("usd", 1.0),
    "won": ("krw", 1.0),
    "krw": ("krw", 1.0),
    "yuan": ("cny", 1.0),
    "cny": ("cny", 1.0),
    "rmb": ("cny", 1.0),
    "euro": ("eur", 1.0),
    "eur": ("eur", 1.0),
    "\u20ac": ("eur", 1.0),
    "\u00a3": ("gbp", 1.0),
    "gbp": ("gbp", 1.0),
    "minute": ("duration", 1 / 1_440),
    "hour": ("duration", 1 / 24),
    "day": ("duration", 1.0),
    "week": ("duration", 7.0),
    "month": ("duration", 30.44),
    "year": ("duration", 365.25),
}
"""Units of measurement: (dimension, size in the dimension's base unit). Figures in one
dimension align and compare after conversion ('807 miles' ≈ '1,300 km'); currencies are
each their own dimension, since exchange rates move. Any other unit is a counted noun
('soldiers'): its words join what is counted."""

_COUNT_CLASS: Final = "count"

STOP_WORDS: Final[frozenset[str]] = frozenset(
    {
        "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with",
        "and", "or", "as", "who", "whom", "which", "that", "this", "these", "those",
        "have", "has", "had", "been", "be", "was", "were", "is", "are", "will", "would",
        "their", "its", "his", "her", "them", "they", "it", "number", "total", "some",
        "estimated", "about", "around", "approximately", "roughly", "nearly", "more",
        "than", "least", "over", "up", "said", "says", "reportedly",
    }
)  # fmt: skip
"""Words that never decide what is counted or what a statement says."""

TITLE_WORDS: Final[frozenset[str]] = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord",
        "comrade", "president", "vice", "chairman", "chairwoman", "chair", "leader",
        "premier", "general", "marshal", "admiral", "colonel", "lieutenant", "minister",
        "secretary", "lawmaker", "legislator", "mp", "senator", "congressman",
        "congresswoman", "ambassador", "envoy", "spokesperson", "spokesman",
        "spokeswoman", "king", "queen", "prince", "princess", "emperor", "pope",
        "director", "chief", "deputy", "governor", "mayor", "judge", "reverend", "sister",
    }
)  # fmt: skip
"""Honorifics and titles dropped from names: everything up to the last of them goes,
so "North Korean leader Kim Jong Un" → "kim jong un". Short words that are also name
syllables ('son', 'un') are deliberately absent."""

PLANNED_WORDS: Final[frozenset[str]] = frozenset(
    {
        "expected", "expects", "expect", "plan", "plans", "planned", "planning", "hope",
        "hopes", "hoping", "scheduled", "intends", "intend", "aims", "aim",
    }
)  # fmt: skip
"""Words marking a sub-event as planned rather than done. A planned and a reported
sub-event on dates that fit are `compatible` (the plan came true), not `agreed`."""

_HEDGING_WORDS: Final = frozenset({"believed", "thought", "confirmed"})
"""Words of belief or expectation that say nothing about what is counted."""
_HEDGE_WORDS: Final[dict[str, str]] = {
    "exact": "",
    "about": "about ",
    "at_least": "at least ",
    "more_than": "more than ",
    "up_to": "up to ",
    "less_than": "fewer than ",
    "range": "",
}
_KIND_ORDER: Final[dict[str, int]] = {
    kind: index
    for index, kind in enumerate(("actor", "quantity", "date", "place", "quote", "claim"))
}
_GRANULARITY_RANK: Final[dict[str, int]] = {"day": 0, "month": 1, "year": 2, "unknown": 3}
_EVENT_TYPE_RANK: Final[dict[EventType, int]] = {kind: i for i, kind in enumerate(EventType)}
_NO_POSITION: Final = 2**62
_MIN_DISTINCTIVE_CHARS: Final = 3
_ISO_DAY_CHARS: Final = len("2025-09-02")
_ISO_DATE: Final = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_WORDS: Final = re.compile(r"[^\W_]+")
_QUOTE_CHARS: Final = str.maketrans(
    dict.fromkeys("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201f\u2039\u203a[]()\u2026", " ")
)
_MAX_QUOTE_CHARS_IN_STATEMENT: Final = 120


# --- normalisation ------------------------------------------------------------------------


@cache
def _fold(text: str) -> str:
    """Casefold, strip accents, straighten apostrophes and drop possessive 's."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"'s\b", "", plain)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _lemma(word: str) -> str:
    if word in COUNTED_SYNONYMS:
        return COUNTED_SYNONYMS[word]
    singular = _singular(word)
    return COUNTED_SYNONYMS.get(singular, singular)


def _plain_hits(label: str, tokens: Iterable[str]) -> int:
    """How many of a label's words already are canonical tokens, with no synonym folding."""
    wanted = set(tokens)
    return sum(_singular(word) in wanted for word in _WORDS.findall(_fold(label)))


_PHRASES_LONGEST_FIRST: Final = tuple(sorted(COUNTED_PHRASES, key=lambda p: (-len(p), p)))


@cache
def _counted_tokens(text: str) -> tuple[str, ...]:
    """What-is-counted tokens in order of appearance, normalised and de-duplicated."""
    padded = " " + " ".join(_WORDS.findall(_fold(text))) + " "
    for phrase in _PHRASES_LONGEST_FIRST:
        padded = padded.replace(f" {phrase} ", f" {COUNTED_PHRASES[phrase]} ")
    tokens: list[str] = []
    for word in padded.split():
        if word in STOP_WORDS or word in _HEDGING_WORDS or word.isdigit():
            continue
        lemma = _lemma(word)
        if lemma not in STOP_WORDS and lemma not in tokens:
            tokens.append(lemma)
    return tuple(tokens)


@cache
def _unit_class(unit: str) -> tuple[str, float, tuple[str, ...]]:
    """(dimension, scale, tokens) of a unit of measurement, or ('count', 1, noun tokens)."""
    folded = " ".join(_fold(unit).replace("per cent", "percent").split())
    lemmas = " ".join(_singular(word) for word in folded.split())
    for candidate in (folded, lemmas):
        if candidate in MEASURE_UNITS:
            dimension, scale = MEASURE_UNITS[candidate]
            return dimension, scale, ()
    return _COUNT_CLASS, 1.0, _counted_tokens(unit)


@cache
def _name_tokens(name: str) -> tuple[str, ...]:
    """A name's words without titles: 'Comrade Kim Jong-un' → ('kim', 'jong', 'un')."""
    words = _WORDS.findall(_fold(name))
    last_title = max((i for i, word in enumerate(words[:-1]) if word in TITLE_WORDS), default=-1)
    return tuple(words[last_title + 1 :])


@cache
def _content_tokens(text: str) -> tuple[str, ...]:
    """Words of a statement without stop words, for fuzzy comparison and blocking."""
    return tuple(word for word in _WORDS.findall(_fold(text)) if word not in STOP_WORDS)


_FIGURE_IN_TEXT: Final = re.compile(r"\d(?:[\d,.]*\d)?")
_YEAR: Final = re.compile(r"(?:19|20)\d\d")


@cache
def _statement_words(text: str) -> frozenset[str]:
    """Stemmed, synonym-folded content words without figures: what a rewording keeps."""
    return frozenset(
        stem_words([_lemma(word) for word in _content_tokens(text) if not word[:1].isdigit()])
    )


@cache
def _figures_in(text: str) -> frozenset[str]:
    """The figures a statement gives ('2,000' and '2000' alike), years left out: a year
    dates a statement, it does not count anything."""
    found = _FIGURE_IN_TEXT.findall(text)
    return frozenset(f.replace(",", "") for f in found if not _YEAR.fullmatch(f))


def _figures_fit(a: str, b: str) -> bool:
    """Statements that both give figures give the same ones: '2,000 killed' is not '600
    killed', nor '2,000 killed, up from 600' (a subset rule would chain the two). One
    that gives none ('Halvorsen buys Corvina') may be the other ('... buys a 51% stake')."""
    fa, fb = _figures_in(a), _figures_in(b)
    return not fa or not fb or fa == fb


def _reworded(a: str, b: str, threshold: float) -> bool:
    """Two statements whose stemmed words reach `threshold` (Dice)."""
    return _dice(_statement_words(a), _statement_words(b)) >= threshold


def _planned(text: str) -> bool:
    """A sub-event told as a plan or expectation ('engineers hope to build...')."""
    return any(word in PLANNED_WORDS for word in _WORDS.findall(_fold(text)))


@cache
def _quote_key(text: str) -> str:
    """Quote words, case and punctuation removed: what two outlets quoting alike share."""
    return " ".join(_WORDS.findall(_fold(text.translate(_QUOTE_CHARS))))


@cache
def _place_key(name: str) -> str:
    words = _WORDS.findall(_fold(name))
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


@cache
def _day_range(iso: str | None) -> tuple[int, int] | None:
    """The first and last day (proleptic ordinals) an ISO date covers, None if unparseable."""
    if iso is None:
        return None
    match = _ISO_DATE.match(iso.strip())
    if match is None:
        return None
    year, month, day = match.group(1, 2, 3)
    try:
        if day is not None:
            ordinal = date(int(year), int(month), int(day)).toordinal()
            return ordinal, ordinal
        if month is not None:
            first = date(int(year), int(month), 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first.toordinal(), (following - timedelta(days=1)).toordinal()
        return date(int(year), 1, 1).toordinal(), date(int(year), 12, 31).toordinal()
    except ValueError:
        return None


def _date_order(iso: str | None) -> tuple[int, int, int, str]:
    """Sort key: parsed dates by range, then unparseable ones, then undated."""
    days = _day_range(iso)
    if days is not None:
        return (0, days[0], days[1], iso or "")
    return (1 if iso is not None else 2, 0, 0, iso or "")


def _fact_id(kind: FactKind, key: str) -> str:
    return hashlib.sha256(f"{kind}\x1f{key}".encode()).hexdigest()[:16]


# --- intervals ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Range:
    """A closed, half-open or open interval of true values."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def to_schema(self) -> Interval:
        return Interval(
            low=self.low, high=self.high, low_open=self.low_open, high_open=self.high_open
        )


def _common(ranges: Iterable[_Range]) -> bool:
    """True when one value lies in every range (pairwise overlap suffices on a line)."""
    items = list(ranges)
    low = max(r.low for r in items)
    high = min(r.high for r in items)
    if low != high:
        return low < high
    low_open = any(r.low_open for r in items if r.low == low)
    high_open = any(r.high_open for r in items if r.high == high)
    return not (low_open or high_open)


def _meets(a: _Range, b: _Range) -> bool:
    """`_common` for two ranges, spelled out: it runs for every pair of figures."""
    if a.low < b.high and b.low < a.high:
        return True
    if a.low == b.high:
        return not (a.low_open or b.high_open)
    if b.low == a.high:
        return not (b.low_open or a.high_open)
    return False


def _below(x: float, share: float) -> float:
    return x - abs(x) * share


def _above(x: float, share: float) -> float:
    return x + abs(x) * share


class _Figure(NamedTuple):
    """The parts of a quantity that decide its interval, plus when it held.

    `scale` converts the figure's unit to its dimension's base unit (1 for counts).
    """

    value: float | None
    low: float | None
    high: float | None
    hedge: Hedge
    as_of: str | None
    scale: float = 1.0

    def scaled(self, tol: MergeTolerances) -> _Range:
        """The interval in the base unit, for comparing figures given in different units."""
        own = self.range(tol)
        if self.scale == 1.0:
            return own
        return _Range(own.low * self.scale, own.high * self.scale, own.low_open, own.high_open)

    def range(self, tol: MergeTolerances) -> _Range:
        """The interval of true values the hedged figure allows, in its own unit."""
        if self.low is not None and self.high is not None:
            lo, hi = self.low, self.high
        elif self.value is not None:
            lo = hi = self.value
        else:  # Quantity's validator rules this out; keep the type checker honest.
            raise ValueError("a quantity needs a value or both low and high")
        slack = tol.open_bound_slack
        match self.hedge:
            case "about":
                result = _Range(_below(lo, tol.approx_rel), _above(hi, tol.approx_rel))
            case "at_least":
                result = _Range(lo, _above(hi, slack))
            case "more_than":
                result = _Range(lo, _above(hi, slack), low_open=True)
            case "up_to":
                result = _Range(_below(lo, slack), hi)
            case "less_than":
                result = _Range(_below(lo, slack), hi, high_open=True)
            case _:
                result = _Range(_below(lo, tol.exact_rel), _above(hi, tol.exact_rel))
        if result.low == result.high:
            # "more than 0" or zero slack would make an empty interval; keep the point.
            return _Range(result.low, result.high)
        return result

    def order(self) -> tuple[object, ...]:
        return (
            _date_order(self.as_of),
            _optional(self.value),
            _optional(self.low),
            _optional(self.high),
            self.hedge,
            self.scale,
        )


class _Stamp(NamedTuple):
    """A figure and the days it held: its `as_of`, or a tally's publication day, or None."""

    figure: _Figure
    days: tuple[int, int] | None
    explicit: bool

    def later_than(self, other: _Stamp) -> bool:
        """Strictly later; a figure of unknown time is read as current, so as the latest."""
        if other.days is None:
            return False
        return self.days is None or self.days[0] > other.days[1]

    def order(self) -> tuple[object, ...]:
        days = (1, 0, 0) if self.days is None else (0, *self.days)
        return (days, self.figure.order(), self.explicit)


def _optional(number: float | None) -> tuple[int, float]:
    return (0, 0.0) if number is None else (1, number)


def _format_number(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:,.6f}".rstrip("0").rstrip(".")


def _ordinal(number: float) -> str:
    if not number.is_integer():
        return _format_number(number)
    whole = int(number)
    suffix = (
        "th"
        if 10 <= abs(whole) % 100 <= 20
        else {1: "st", 2: "nd", 3: "rd"}.get(abs(whole) % 10, "th")
    )
    return f"{whole:,}{suffix}"


def _render_figure(figure: _Figure, *, ordinal: bool, unit: str | None) -> str:
    if figure.low is not None and figure.high is not None:
        body = f"{_format_number(figure.low)}\u2013{_format_number(figure.high)}"
    elif figure.value is not None:
        body = _ordinal(figure.value) if ordinal else _format_number(figure.value)
    else:
        body = "?"
    text = _HEDGE_WORDS[figure.hedge] + body
    return f"{text} {unit}" if unit else text


# --- grouping helpers ---------------------------------------------------------------------


class _IntUnionFind:
    """Disjoint sets over 0..n-1; the smallest index is the root, whatever the union order."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, index: int) -> int:
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def groups(self) -> list[list[int]]:
        """Members of each set, sets ordered by their smallest member."""
        members: dict[int, list[int]] = defaultdict(list)
        for index in range(len(self.parent)):
            members[self.find(index)].append(index)
        return [members[root] for root in sorted(members)]


def _candidate_pairs(blocks: Sequence[Iterable[Hashable]]) -> list[tuple[int, int]]:
    """Index pairs sharing at least one blocking key: only these are compared."""
    postings: dict[Hashable, list[int]] = defaultdict(list)
    for index, keys in enumerate(blocks):
        for key in set(keys):
            postings[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for indices in postings.values():
        for x, first in enumerate(indices):
            for second in indices[x + 1 :]:
                pairs.add((first, second))
    return sorted(pairs)


def _cluster(
    count: int, blocks: Sequence[Iterable[Hashable]], linked: Callable[[int, int], bool]
) -> list[list[int]]:
    """Connected components of `linked` over 0..count-1, compared within blocks only."""
    sets = _IntUnionFind(count)
    for a, b in _candidate_pairs(blocks):
        if sets.find(a) != sets.find(b) and linked(a, b):
            sets.union(a, b)
    return sets.groups()


def _similar_counted(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    """Dice from `threshold`, or one set of two or more words inside the other
    ('troops sent' in 'North Korean troops sent to Russia')."""
    if _dice(a, b) >= threshold:
        return True
    smaller, larger = (a, b) if len(a) <= len(b) else (b, a)
    return len(smaller) >= 2 and smaller <= larger


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def _statement_similarity(a: tuple[str, ...], b: tuple[str, ...], min_subset: int) -> float:
    """Token-set ratio when both statements are long enough, else the stricter sort ratio."""
    left, right = " ".join(a), " ".join(b)
    if min(len(a), len(b)) >= min_subset:
        return float(fuzz.token_set_ratio(left, right))
    return float(fuzz.token_sort_ratio(left, right))


def _shingles(words: Sequence[str], size: int) -> list[tuple[str, ...]]:
    if len(words) <= size:
        return [tuple(words)]
    return [tuple(words[i : i + size]) for i in range(len(words) - size + 1)]


def _most_common(counts: Mapping[str, int], tiebreak: Callable[[str], object]) -> str:
    """The most counted key; ties go to the smallest `tiebreak` value."""
    return min(counts, key=lambda key: (-counts[key], tiebreak(key)))


# --- observations -------------------------------------------------------------------------


class _Obs(NamedTuple):
    """One input item as the merge sees it: who gives it, its value and its evidence.

    A named tuple rather than a dataclass: tens of thousands are built per merge.
    """

    article_id: str
    outlet_key: str
    item: Grounded
    text: str
    label: str = ""
    attributed_to: str | None = None
    source: str | None = None
    source_display: str | None = None
    figure: _Figure | None = None
    unit: str | None = None
    group: str = ""
    position: int = _NO_POSITION
    older: bool = False
    """Its clause marks the figure as an older value ('its initial count was ...')."""

    def rep_order(self) -> tuple[str, str, str, str, int]:
        """Total order over everything a `FactValue` copies from its representative item."""
        return (
            self.text,
            self.unit or "",
            self.attributed_to or "",
            self.article_id,
            self.position,
        )


def _figure_of(obs: _Obs) -> _Figure:
    if obs.figure is None:  # only quantity observations reach the figure code
        raise ValueError("observation carries no figure")
    return obs.figure


class _Context(NamedTuple):
    """The words of a figure's clause just before and just after its phrase."""

    before: str = ""
    after: str = ""


_NO_CONTEXT: Final = _Context()


def _clause_context(text: str, start: int, end: int) -> _Context:
    """Up to `CONTEXT_WORDS_BEFORE` / `_AFTER` words around text[start:end], in its clause."""
    before = text[max(0, start - _CONTEXT_CHARS) : start]
    after = text[end : end + _CONTEXT_CHARS]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    first_break = _CLAUSE_BREAK.search(after)
    if first_break is not None:
        after = after[: first_break.start()]
    words_before = _WORDS.findall(_fold(before))[-CONTEXT_WORDS_BEFORE:]
    words_after = _WORDS.findall(_fold(after))[:CONTEXT_WORDS_AFTER]
    return _Context(" ".join(words_before), " ".join(words_after))


@cache
def _context_scopes(context: _Context) -> frozenset[str]:
    """Scope words around a figure ('another 6,000', '1,000 of whom are already there')."""
    scopes: set[str] = set()
    for words in (context.before.split(), context.after.split()):
        for index, word in enumerate(words):
            following = words[index + 1] if index + 1 < len(words) else ""
            if word == "more" and following in ("than", "then"):
                continue
            if word in CONTEXT_SCOPES:
                scopes.add(CONTEXT_SCOPES[word])
    return frozenset(scopes)


def _marked_older(context: _Context) -> bool:
    """The clause calls the figure an older value: 'its initial count was at least 600'."""
    return bool(OLDER_MARKERS.intersection(context.before.split()))


def _is_vague(phrase: str | None) -> bool:
    """'thousands of troops': no digit, only an order of magnitude."""
    if not phrase or any(ch.isdigit() for ch in phrase):
        return False
    return VAGUE_COUNT.search(phrase) is not None


@cache
def _qkey(
    counted: str,
    unit: str,
    ordinal: bool,
    context: _Context = _NO_CONTEXT,
    vague: bool = False,
) -> tuple[_QKey, tuple[str, ...]]:
    """What a figure counts, and its tokens in reading order for a readable key.

    The clause around the figure fills in what `counted` leaves out: its scope words,
    the action when `counted` names none and no count noun ('about 2,000' in 'puts the
    toll at about 2,000'), and a running tally that overrides 'sent' ('2,000 soldiers
    sent to Russia have been killed').
    """
    unit_class, _, unit_tokens = _unit_class(unit)
    tokens = _counted_tokens(counted)
    if context != _NO_CONTEXT:
        tokens = _with_context_action(tokens, bool(unit_tokens), context)
    scope = _context_scopes(context) - set(tokens)
    ordered = tokens + tuple(t for t in unit_tokens if t not in tokens) + tuple(sorted(scope))
    key = _QKey(
        ordinal,
        unit_class,
        frozenset(tokens) | frozenset(unit_tokens),
        frozenset(tokens),
        frozenset(unit_tokens),
        frozenset(scope),
        vague,
    )
    return key, ordered


def _with_context_action(
    tokens: tuple[str, ...], has_noun: bool, context: _Context
) -> tuple[str, ...]:
    actions = ACTION_TOKENS.intersection(tokens)
    after = ACTION_TOKENS.intersection(_counted_tokens(context.after))
    tally_after = after & TALLY_TOKENS
    if len(tally_after) == 1 and actions == {"deployed"}:
        # 'soldiers sent to help Russia have been killed': the clause's verb wins.
        return tuple(t for t in tokens if t != "deployed") + tuple(tally_after)
    if actions or has_noun:
        return tokens
    found = after or ACTION_TOKENS.intersection(_counted_tokens(context.before))
    return tokens + tuple(sorted(found)) if len(found) == 1 else tokens


class _QKey(NamedTuple):
    """What a figure counts: ordinal or not, unit dimension and normalised tokens.

    `tokens` is the union of `counted` (the words of `Quantity.counted`) and `head` (the
    words of a count-noun unit, the thing counted: 'soldiers', 'ceremonies').
    """

    ordinal: bool
    unit_class: str
    tokens: frozenset[str]
    counted: frozenset[str]
    head: frozenset[str]
    scope: frozenset[str] = frozenset()
    """Scope words read in the figure's clause, not in `counted`."""
    vague: bool = False
    """A vague count ('thousands of'): kept in facts of its own."""

    def order(self) -> tuple[object, ...]:
        return (
            self.ordinal,
            self.unit_class,
            self.vague,
            tuple(sorted(self.tokens)),
            tuple(sorted(self.head)),
            tuple(sorted(self.scope)),
        )

    def guards(self) -> frozenset[str]:
        return (self.tokens & _GUARD_TOKENS) | self.scope

    def thin(self) -> bool:
        """Names no counted noun and at most one word besides its action and scope:
        '1,000 deployed', 'about 2,000 put' (an extractor echoing the sentence)."""
        return not self.head and len(self.tokens - _GUARD_TOKENS) <= 1

    def counts_other_noun(self, other: _QKey) -> bool:
        """Both name a counted noun, the nouns share no word and the wording differs."""
        nouns_differ = bool(self.head and other.head and not self.head & other.head)
        return nouns_differ and self.counted != other.counted


# --- names --------------------------------------------------------------------------------


class _NameIndex:
    """Clusters person and organisation names; resolves any mention to its cluster root."""

    def __init__(self, mentions: Iterable[Sequence[str]], name_match: float) -> None:
        self._sets = UnionFind()
        spaced: set[str] = set()
        for names in sorted({tuple(sorted(set(group))) for group in mentions}):
            strong = self._strong_keys(names)
            for key in strong:
                self._sets.union(strong[0], key)
            spaced.update(" ".join(_name_tokens(n)) for n in names if len(_name_tokens(n)) > 1)
        distinct = sorted(spaced)
        tokens = [name.split() for name in distinct]

        def similar(a: int, b: int) -> bool:
            score = max(
                fuzz.ratio(distinct[a], distinct[b]),
                fuzz.token_sort_ratio(distinct[a], distinct[b]),
            )
            return score >= name_match

        for group in _cluster(len(distinct), tokens, similar):
            for index in group[1:]:
                self._sets.union(_compact(distinct[group[0]]), _compact(distinct[index]))
        self._surnames: dict[str, set[str]] = defaultdict(set)
        owners: dict[str, set[str]] = defaultdict(set)
        for name, words in zip(distinct, tokens, strict=True):
            root = self._sets.find(_compact(name))
            self._surnames[words[0]].add(root)
            self._surnames[words[-1]].add(root)
            for word in words:
                owners[_lemma(word)].add(root)
        # Words that point at one person only ('putin', 'jinping'; not 'kim'). Short ones
        # are left out: 'un' or 'xi' also occur as ordinary tokens ('UN Charter').
        self._distinctive = {
            word: next(iter(roots))
            for word, roots in owners.items()
            if len(roots) == 1 and len(word) >= _MIN_DISTINCTIVE_CHARS and word not in STOP_WORDS
        }

    def people_in(self, tokens: Iterable[str]) -> frozenset[str]:
        """The people a what-is-counted text names through their distinctive words."""
        return frozenset(self._distinctive[t] for t in tokens if t in self._distinctive)

    @staticmethod
    def _strong_keys(names: Sequence[str]) -> tuple[str, ...]:
        return _strong_keys(tuple(names))

    def resolve(self, names: Sequence[str]) -> str:
        """The cluster of a mention given as all its names (canonical name, aliases...)."""
        strong = self._strong_keys(names)
        if strong:
            return self._sets.find(strong[0])
        singles = sorted({_name_tokens(name)[0] for name in names if _name_tokens(name)})
        for single in singles:
            roots = self._surnames.get(single, set())
            if len(roots) == 1:
                return next(iter(roots))
        # An ambiguous or unknown surname stays its own cluster.
        return "~" + (singles[0] if singles else "")


@cache
def _strong_keys(names: tuple[str, ...]) -> tuple[str, ...]:
    """Keys that identify one person or body: multi-word names, compacted, and known sources.

    A single word ('Kim') is not among them: it may be anyone with that surname.
    """
    keys: set[str] = set()
    for name in names:
        words = _name_tokens(name)
        if len(words) > 1:
            keys.add("".join(words))
        source = known_source(name)
        if source is not None:
            keys.add("src:" + source)
    return tuple(sorted(keys))


def _compact(spaced: str) -> str:
    return spaced.replace(" ", "")


# --- the merger ---------------------------------------------------------------------------


@dataclass
class _Draft:
    """A fact before its id, outlets and origins are computed."""

    kind: FactKind
    key: str
    status: FactStatus
    statement: str
    values: list[FactValue]
    obs: list[_Obs]
    related: list[str] = field(default_factory=list)


class _Merger:
    """Holds the collapsed inputs and the caches one merge shares across fact kinds."""

    def __init__(
        self, records: list[EventRecord], articles: list[Article], tol: MergeTolerances
    ) -> None:
        self.records = records
        self.tol = tol
        self.sources = SourceResolver(fuzzy_threshold=tol.source_match)
        texts = {article.id: article for article in articles}
        self.texts = {article.id: article.text for article in articles}
        self.outlet_key: dict[str, str] = {}
        self.origin_key: dict[str, str] = {}
        self.published: dict[str, str] = {}
        self.outlet_raw: dict[str, str | None] = {}
        raw_names: dict[str, set[str]] = defaultdict(set)
        for record in records:
            outlet = record.outlet
            article = texts.get(record.article_id)
            if outlet is None and article is not None:
                outlet = article.outlet
            key = normalise_source(outlet) if outlet else ""
            if not key:
                key = f"[{record.article_id}]"
            self.outlet_key[record.article_id] = key
            self.outlet_raw[record.article_id] = outlet
            raw_names[key].add(outlet.strip() if outlet else record.article_id)
            resolved = self.sources.resolve(outlet)
            self.origin_key[record.article_id] = (
                resolved.key if resolved is not None else f"article:{record.article_id}"
            )
            published = record.published_at
            if published is None and article is not None and article.published_at is not None:
                published = article.published_at.isoformat()
            self.published[record.article_id] = published or ""
        self.outlet_name = {key: min(names) for key, names in raw_names.items()}
        self.derivatives: list[DerivativePair] = (
            detect_derivatives(
                articles,
                threshold=tol.derivative_threshold,
                containment_threshold=tol.derivative_containment,
                min_shingles=tol.derivative_min_shingles,
                shingle_size=tol.shingle_size,
                max_passages=tol.max_shared_passages,
            )
            if articles
            else []
        )
        self.derivative_edges = [(pair.article_a, pair.article_b) for pair in self.derivatives]
        mentions: list[Sequence[str]] = [
            [actor.canonical_name, actor.name, *actor.aliases]
            for record in records
            for actor in record.actors
        ]
        mentions += [
            [quote.speaker] for record in records for quote in record.quotes if quote.speaker
        ]
        self.names = _NameIndex(mentions, tol.name_match)

    # -- shared pieces ---------------------------------------------------------------------

    def obs(
        self,
        record: EventRecord,
        item: Grounded,
        text: str,
        *,
        group: str = "",
        label: str = "",
        attributed_to: str | None = None,
        upstream: str | None = None,
        unit: str | None = None,
        figure: _Figure | None = None,
    ) -> _Obs:
        """An observation of `item`; `upstream` is the source name the article cites."""
        resolved = self.sources.resolve(upstream)
        source = display = None
        if resolved is not None and upstream is not None:
            source = resolved.key
            display = resolved.key if resolved.known else " ".join(upstream.split())
        position = min([span.start for span in item.evidence], default=_NO_POSITION)
        # Positional: keyword construction of a named tuple costs twice as much, and this
        # runs once per input item.
        return _Obs(
            record.article_id,
            self.outlet_key[record.article_id],
            item,
            text,
            label,
            attributed_to,
            source,
            display,
            figure,
            unit,
            group,
            position,
        )

    def n_outlets(self, obs: Iterable[_Obs]) -> int:
        return len({o.outlet_key for o in obs})

    def outlets_of(self, obs: Iterable[_Obs]) -> list[str]:
        return sorted({self.outlet_name[o.outlet_key] for o in obs})

    def value(
        self, group: Sequence[_Obs], *, interval: _Range | None = None, quantity: bool = False
    ) -> FactValue:
        rep = min(group, key=_Obs.rep_order)
        spans = {
            (o.article_id, span.start, span.end, span.text): span
            for o in group
            for span in o.item.evidence
        }
        figure = rep.figure if quantity else None
        return FactValue(
            value=figure.value if figure else None,
            low=figure.low if figure else None,
            high=figure.high if figure else None,
            hedge=figure.hedge if figure else None,
            unit=rep.unit if quantity else None,
            as_of=figure.as_of if figure else None,
            interval=interval.to_schema() if interval else None,
            text=rep.text,
            attributed_to=rep.attributed_to,
            outlets=self.outlets_of(group),
            article_ids=sorted({o.article_id for o in group}),
            evidence=[EvidenceRef(article_id=key[0], span=spans[key]) for key in sorted(spans)],
            grounded=any(o.item.grounded for o in group),
        )

    def grouped_values(self, obs: Iterable[_Obs], order: Callable[[str], Any]) -> list[FactValue]:
        """One value per distinct `_Obs.group`, sorted by `order` of the group key."""
        groups: dict[str, list[_Obs]] = defaultdict(list)
        for o in obs:
            groups[o.group].append(o)
        return [self.value(groups[key]) for key in sorted(groups, key=order)]

    def finish(self, draft: _Draft) -> Fact:
        sources: dict[str, set[str]] = defaultdict(set)
        origins: dict[str, set[str]] = defaultdict(set)
        for o in draft.obs:
            if o.source is not None:
                sources[o.source].add(o.source_display or o.source)
                origins[o.article_id].add(o.source)
            else:
                origins[o.article_id].add(self.origin_key[o.article_id])
        return Fact(
            id=_fact_id(draft.kind, draft.key),
            kind=draft.kind,
            key=draft.key,
            statement=draft.statement,
            status=draft.status,
            values=draft.values,
            upstream_sources=sorted({min(names) for names in sources.values()}),
            independent_origins=count_independent_origins(origins, self.derivative_edges),
            outlets=self.outlets_of(draft.obs),
            related_fact_ids=sorted(draft.related),
        )

    def with_outlets(self, text: str, obs: Iterable[_Obs]) -> str:
        count = self.n_outlets(obs)
        return f"{text} ({count} outlet{'s' if count != 1 else ''})"

    # -- actors ----------------------------------------------------------------------------

    def actor_drafts(self) -> list[_Draft]:
        clusters: dict[str, list[_Obs]] = defaultdict(list)
        canonical: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        titles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for record in self.records:
            for actor in record.actors:
                root = self.names.resolve([actor.canonical_name, actor.name, *actor.aliases])
                clusters[root].append(self.obs(record, actor, actor.name, group=_plain(actor.name)))
                canonical[root][actor.canonical_name.strip()].add(record.article_id)
                if actor.title:
                    titles[root][actor.title.strip()].add(record.article_id)
        drafts: list[_Draft] = []
        used_keys: set[str] = set()
        for root in sorted(clusters):
            obs = clusters[root]
            by_key: dict[str, set[str]] = defaultdict(set)
            for name, ids in canonical[root].items():
                by_key[" ".join(_name_tokens(name)) or _plain(name)].update(ids)
            # A full name beats a surname, then the name most articles use.
            key = min(by_key, key=lambda k: (len(k.split()) < 2, -len(by_key[k]), -len(k), k))
            # Shown as most articles write it, else with the fewest extra words.
            spellings = canonical[root]
            display = min(
                (n for n in spellings if (" ".join(_name_tokens(n)) or _plain(n)) == key),
                key=lambda n: (-len(spellings[n]), len(_WORDS.findall(n)), n),
            )
            if key in used_keys:  # two clusters showing one name: keep both, apart
                key = f"{key} [{root}]"
            used_keys.add(key)
            title_counts = {title: len(ids) for title, ids in titles[root].items()}
            label = display
            if title_counts:
                label += ", " + _most_common(title_counts, lambda t: t)
            status: FactStatus = "single_source" if self.n_outlets(obs) == 1 else "agreed"
            drafts.append(
                _Draft(
                    "actor",
                    key,
                    status,
                    self.with_outlets(label, obs),
                    self.grouped_values(obs, lambda g: g),
                    obs,
                )
            )
        return drafts

    # -- quantities ------------------------------------------------------------------------

    def quantity_drafts(self) -> list[_Draft]:
        by_key: dict[_QKey, list[_Obs]] = defaultdict(list)
        ordered_tokens: dict[_QKey, set[tuple[str, ...]]] = defaultdict(set)
        for record in self.records:
            for quantity in record.quantities:
                context = self.context(record.article_id, quantity)
                qkey, tokens = _qkey(
                    quantity.counted,
                    quantity.unit,
                    quantity.ordinal,
                    context,
                    _is_vague(quantity.phrase),
                )
                ordered_tokens[qkey].add(tokens)
                figure = self.figure(quantity)
                words = quantity.phrase or _render_figure(
                    figure, ordinal=quantity.ordinal, unit=None
                )
                observation = self.obs(
                    record,
                    quantity,
                    words,
                    label=quantity.counted.strip() or quantity.unit.strip(),
                    unit=quantity.unit,
                    figure=figure,
                    attributed_to=quantity.attributed_to,
                    upstream=quantity.attributed_to,
                )
                if _marked_older(context):
                    observation = observation._replace(older=True)
                by_key[qkey].append(observation)
        keys = sorted(by_key, key=_QKey.order)
        drafts: list[_Draft] = []
        for cluster in self.cluster_quantities(keys):
            members = [keys[i] for i in cluster]
            drafts.extend(self.figure_drafts(members, by_key, ordered_tokens))
        return drafts

    @staticmethod
    def figure(quantity: Quantity) -> _Figure:
        _, scale, _ = _unit_class(quantity.unit)
        return _Figure(
            quantity.value, quantity.low, quantity.high, quantity.hedge, quantity.as_of, scale
        )

    def context(self, article_id: str, quantity: Quantity) -> _Context:
        """The clause around the quantity's first evidence span, when the text is known."""
        text = self.texts.get(article_id)
        if text is None or not quantity.evidence:
            return _NO_CONTEXT
        span = min(quantity.evidence, key=lambda e: (e.start, e.end))
        if span.end > len(text) or text[span.start : span.end] != span.text:
            return _NO_CONTEXT
        return _clause_context(text, span.start, span.end)

    def cluster_quantities(self, keys: Sequence[_QKey]) -> list[list[int]]:
        """Clusters of distinct what-is-counted keys, blocked by unit class and ordinal.

        Two keys align when their tokens reach `counted_match` and nothing tells them
        apart: not their counted nouns (the units 'ceremonies' and 'soldiers' share no
        word and the counted wording differs), not the people they name ('meetings
        between Kim and Xi' / '... Kim and Putin'), not their action or scope words.
        """
        sets = _IntUnionFind(len(keys))
        attach: dict[int, set[int]] = defaultdict(set)
        loose: dict[int, set[int]] = defaultdict(set)
        blocks = [[(k.ordinal, k.unit_class, k.vague, token) for token in k.tokens] for k in keys]
        people = [self.names.people_in(k.tokens) for k in keys]
        for a, b in _candidate_pairs(blocks):
            first, second = keys[a], keys[b]
            similar = _similar_counted(first.tokens, second.tokens, self.tol.counted_match)
            # A key inside another ('soldiers' in 'North Korean soldiers killed') is no
            # reason to join, but makes a bare key ambiguous when it also fits elsewhere.
            inside = first.tokens <= second.tokens or second.tokens <= first.tokens
            if not similar and not inside:
                continue
            if first.counts_other_noun(second):
                continue
            if people[a] and people[b] and people[a] != people[b]:
                continue
            if similar and first.guards() == second.guards():
                sets.union(a, b)
            elif not first.guards() and not second.guards() & SCOPE_TOKENS:
                (attach if similar else loose)[a].add(b)
            elif not second.guards() and not first.guards() & SCOPE_TOKENS:
                (attach if similar else loose)[b].add(a)
        # Keys naming no action or scope join a cluster only when they match exactly one
        # (a cluster whose key merely contains theirs counts as a match that forbids it);
        # decided from the first pass alone, so the order of joins cannot matter.
        # Every key of the joining cluster must match: 'countries met' and 'countries
        # crossed' joined through a bare 'countries' do not all join 'countries attended'.
        roots = [sets.find(i) for i in range(len(keys))]
        targets: dict[int, set[int]] = defaultdict(set)
        unmatched: set[int] = set()
        for index in range(len(keys)):
            matches = attach.get(index)
            if matches:
                targets[roots[index]].update(roots[m] for m in matches | loose[index])
            else:
                unmatched.add(roots[index])
        for root, matched in sorted(targets.items()):
            if len(matched) == 1 and root not in unmatched:
                sets.union(root, next(iter(matched)))
        self.attach_thin(keys, sets)
        return sets.groups()

    @staticmethod
    def attach_thin(keys: Sequence[_QKey], sets: _IntUnionFind) -> None:
        """Clusters of thin keys only ('about 2,000 put' read as killed from its clause)
        join the one cluster whose fuller keys have exactly their action and scope."""
        members: dict[int, list[int]] = defaultdict(list)
        for index in range(len(keys)):
            members[sets.find(index)].append(index)
        full: dict[tuple[object, ...], set[int]] = defaultdict(set)
        thin_roots: list[tuple[int, tuple[object, ...]]] = []
        for root, indices in sorted(members.items()):
            thin = all(keys[i].thin() for i in indices)
            for i in indices:
                key = keys[i]
                guard = (key.ordinal, key.unit_class, key.vague, key.guards())
                if not thin and not key.thin():
                    full[guard].add(root)
            if thin:
                guards = frozenset().union(*(keys[i].guards() for i in indices))
                first = keys[indices[0]]
                if guards and not first.vague:
                    thin_roots.append((root, (first.ordinal, first.unit_class, False, guards)))
        for root, wanted in thin_roots:
            if len(full.get(wanted, ())) == 1:
                sets.union(root, next(iter(full[wanted])))

    def figure_drafts(
        self,
        members: Sequence[_QKey],
        by_key: Mapping[_QKey, list[_Obs]],
        ordered_tokens: Mapping[_QKey, set[tuple[str, ...]]],
    ) -> list[_Draft]:
        obs = [o for qkey in members for o in by_key[qkey]]
        articles = {qkey: len({o.article_id for o in by_key[qkey]}) for qkey in members}
        spread: Counter[str] = Counter()
        for qkey in members:
            spread.update(dict.fromkeys(qkey.tokens, articles[qkey]))
        # The key most articles use; among equals the one sharing most words with the rest
        # of the cluster, a medoid that is neither the vaguest nor the wordiest wording.
        main = min(
            members,
            key=lambda k: (-articles[k], -sum(spread[t] for t in k.tokens), k.order()),
        )
        key = " ".join(min(ordered_tokens[main])) or "(uncounted)"
        if main.unit_class != _COUNT_CLASS:
            key += f" [{main.unit_class}]"
        if main.ordinal:
            key += " [ordinal]"
        vague = main.vague
        if vague:
            key += " (vague)"
        label_articles: dict[str, set[str]] = defaultdict(set)
        for o in by_key[main]:
            label_articles[o.label].add(o.article_id)
        # Among equally common wordings, prefer the one saying 'killed' over 'died'.
        label = _most_common(
            {name: len(ids) for name, ids in label_articles.items()},
            lambda n: (n == "", -_plain_hits(n, main.tokens), len(n), n),
        )
        label = label or "figure"
        if vague:
            label += " (vague count)"
        tally = any(qkey.tokens & TALLY_TOKENS for qkey in members)
        # A vague count ('thousands of') neither revises nor contradicts anything.
        old, current = ([], obs) if vague else self.split_revisions(obs, tally=tally)
        ordinal = main.ordinal
        measure = main.unit_class != _COUNT_CLASS

        def rendered(group: Sequence[_Obs], dated: bool) -> str:
            rep = min(group, key=_Obs.rep_order)
            figure = _figure_of(rep)
            text = _render_figure(figure, ordinal=ordinal, unit=rep.unit if measure else None)
            if dated and figure.as_of:
                text += f" (as of {figure.as_of})"
            return text

        current_groups = self.figure_groups(current)
        values = [self.figure_value(g) for g in current_groups]
        status = self.figure_status(current)
        if vague and status != "single_source":
            status = "compatible"
        renders = list(dict.fromkeys(rendered(g, False) for g in current_groups))
        if status == "conflicting":
            parts = [
                f"{rendered(g, True)} ({', '.join(self.outlets_of(g))})" for g in current_groups
            ]
            statement = f"{label}: conflicting — {'; '.join(parts)}"
        else:
            statement = self.with_outlets(f"{label}: {' / '.join(renders)}", current)
        current_draft = _Draft("quantity", key, status, statement, values, current)
        if not old:
            return [current_draft]
        old_groups = self.figure_groups(old)
        revision_key = f"{key} (revision)"
        old_values = [self.figure_value(g) for g in old_groups]
        before = " / ".join(dict.fromkeys(rendered(g, True) for g in old_groups))
        revision = _Draft(
            "quantity",
            revision_key,
            "revised",
            self.with_outlets(f"{label}: revised from {before} to {' / '.join(renders)}", obs),
            old_values + values,
            obs,
            related=[_fact_id("quantity", key)],
        )
        current_draft.related.append(_fact_id("quantity", revision_key))
        return [current_draft, revision]

    def figure_value(self, group: Sequence[_Obs]) -> FactValue:
        return self.value(group, interval=_figure_of(group[0]).range(self.tol), quantity=True)

    def figure_groups(self, obs: Iterable[_Obs]) -> list[list[_Obs]]:
        """Observations grouped by figure, earliest first (by when they held, then value)."""
        groups: dict[_Figure, list[_Obs]] = defaultdict(list)
        for o in obs:
            groups[_figure_of(o)].append(o)

        def earliest(figure: _Figure) -> tuple[object, ...]:
            known = [d for d in (self.when(o) for o in groups[figure]) if d is not None]
            first = (0, *min(known)) if known else (1, 0, 0)
            return (first, figure.order())

        return [groups[figure] for figure in sorted(groups, key=earliest)]

    def figure_status(self, obs: Sequence[_Obs]) -> FactStatus:
        if self.n_outlets(obs) == 1:
            return "single_source"
        figures = {o.figure for o in obs if o.figure is not None}
        if len({(f.value, f.low, f.high, f.hedge, f.scale) for f in figures}) == 1:
            return "agreed"
        if _common(f.scaled(self.tol) for f in figures):
            return "compatible"
        return "conflicting"

    def when(self, o: _Obs, *, published: bool = True) -> tuple[int, int] | None:
        """When a figure held: its `as_of`, else (if `published`) its article's day."""
        stated = _day_range(_figure_of(o).as_of)
        if stated is not None or not published:
            return stated
        return _day_range(self.published[o.article_id][:_ISO_DAY_CHARS] or None)

    def split_revisions(self, obs: Sequence[_Obs], *, tally: bool) -> tuple[list[_Obs], list[_Obs]]:
        """(superseded, current) observations of one figure cluster; see the module doc.

        Works on stamps, a figure and when it held, so that one figure reported on two
        days is two stamps. Every rule reads only the stamps, never the input order.
        Publication days date undated figures only for running tallies (`tally`).
        """
        by_stamp: dict[_Stamp, list[_Obs]] = defaultdict(list)
        for o in obs:
            figure = _figure_of(o)
            days = self.when(o, published=tally)
            stamp = _Stamp(figure, days, _day_range(figure.as_of) is not None)
            by_stamp[stamp].append(o)
        stamps = sorted(by_stamp, key=_Stamp.order)
        ranges = {s: s.figure.scaled(self.tol) for s in stamps}
        sources = {s: {o.source for o in by_stamp[s]} for s in stamps}
        outlets = {s: {o.outlet_key for o in by_stamp[s]} for s in stamps}
        older = {s: any(o.older for o in by_stamp[s]) for s in stamps}

        def one_story(a: _Stamp, b: _Stamp) -> bool:
            # A revision is one source updating itself; a different source with a different
            # figure later is a conflict. Unattributed figures could be either: allowed
            # for running tallies only. Elsewhere an `as_of` alone does not make another
            # outlet's figure an update ('more than 10,000 in 2024' / 'around 15,000').
            unattributed = tally and (None in sources[a] or None in sources[b])
            return bool(
                unattributed
                or (sources[a] & sources[b]) - {None}
                or outlets[a] & outlets[b]
                or older[a]
            )

        # Only stamps starting after `s` ends (or of unknown time) can supersede it.
        starts = [(1, 0) if t.days is None else (0, t.days[0]) for t in stamps]
        superseders = {
            s: [
                t
                for t in stamps[bisect_right(starts, (0, s.days[1])) :]
                if t.later_than(s) and not _meets(ranges[s], ranges[t]) and one_story(s, t)
            ]
            if s.days is not None
            else []
            for s in stamps
        }
        old = {s for s, newer in superseders.items() if newer}
        echoes = {
            u
            for u in stamps
            if not u.explicit
            and u not in old
            and any(
                _meets(ranges[u], ranges[d])
                and any(
                    not _meets(ranges[u], ranges[w]) and not u.later_than(w) for w in superseders[d]
                )
                for d in old
            )
        }
        if len(old | echoes) < len(stamps):  # never supersede every value
            old |= echoes
        still = [s for s in stamps if s not in old]
        old_pairs = self.same_outlet_revisions(still, by_stamp, ranges)
        superseded: list[_Obs] = []
        current: list[_Obs] = []
        for stamp in stamps:
            for o in by_stamp[stamp]:
                is_old = stamp in old or (o.outlet_key, stamp) in old_pairs
                (superseded if is_old else current).append(o)
        return superseded, current

    def same_outlet_revisions(
        self,
        stamps: Sequence[_Stamp],
        by_stamp: Mapping[_Stamp, list[_Obs]],
        ranges: Mapping[_Stamp, _Range],
    ) -> set[tuple[str, _Stamp]]:
        """(outlet, stamp) pairs an outlet superseded with a disjoint figure of its own.

        Only pairs that time does not order are left to this rule, e.g. two undated
        figures in one article: the figure more outlets back is the current one.
        """
        by_outlet: dict[str, set[_Stamp]] = defaultdict(set)
        outlets_by_stamp: dict[_Stamp, set[str]] = defaultdict(set)
        latest: dict[tuple[str, _Stamp], tuple[str, str, int]] = {}
        for stamp in stamps:
            for o in by_stamp[stamp]:
                by_outlet[o.outlet_key].add(stamp)
                outlets_by_stamp[stamp].add(o.outlet_key)
                mention = (self.published[o.article_id], o.article_id, o.position)
                slot = (o.outlet_key, stamp)
                latest[slot] = max(latest.get(slot, mention), mention)
        if not any(len(mine) > 1 for mine in by_outlet.values()):
            return set()
        support_cache: dict[_Stamp, int] = {}

        def support(stamp: _Stamp) -> int:
            # Computed only for stamps in a same-outlet clash: usually none at all.
            if stamp not in support_cache:
                support_cache[stamp] = len(
                    {
                        outlet
                        for other in stamps
                        if _meets(ranges[stamp], ranges[other])
                        for outlet in outlets_by_stamp[other]
                    }
                )
            return support_cache[stamp]

        old: set[tuple[str, _Stamp]] = set()
        for outlet, mine in sorted(by_outlet.items()):
            if len(mine) < 2:
                continue

            def rank(stamp: _Stamp, outlet: str = outlet) -> tuple[object, ...]:
                return (support(stamp), latest[(outlet, stamp)], stamp.order())

            ordered = sorted(mine, key=_Stamp.order)
            for i, first in enumerate(ordered):
                for second in ordered[i + 1 :]:
                    unordered = not first.later_than(second) and not second.later_than(first)
                    if unordered and not _meets(ranges[first], ranges[second]):
                        old.add((outlet, min(first, second, key=rank)))
        return old

    # -- dates and places ------------------------------------------------------------------

    def date_drafts(self) -> list[_Draft]:
        drafts: list[_Draft] = []
        main = [
            self.obs(record, record.when, record.when.date, group=record.when.date)
            for record in self.records
            if record.when is not None and record.when.date
        ]
        if main:
            drafts.append(self.date_draft("event date", "Event date", main))
        dated = [
            (record, sub, sub.when)
            for record in self.records
            for sub in record.sub_events
            if sub.when
        ]
        sayers: dict[tuple[str, str], set[str]] = defaultdict(set)
        for record, sub, day in dated:
            sayers[(_plain(sub.what), day)].add(record.article_id)
        nodes = sorted(sayers)
        clusters = self.statement_clusters(
            [what for what, _ in nodes],
            [_day_range(day) for _, day in nodes],
            [frozenset(sayers[node]) for node in nodes],
        )
        cluster_of = {nodes[i]: n for n, cluster in enumerate(clusters) for i in cluster}
        grouped: dict[int, list[_Obs]] = defaultdict(list)
        for record, sub, day in dated:
            grouped[cluster_of[(_plain(sub.what), day)]].append(
                self.obs(record, sub, day, label=sub.what.strip(), group=day)
            )
        for n in sorted(grouped):
            obs = grouped[n]
            counts: dict[str, set[str]] = defaultdict(set)
            for o in obs:
                counts[_plain(o.label)].add(o.article_id)
            what = _most_common({k: len(v) for k, v in counts.items()}, lambda k: (len(k), k))
            label = min(o.label for o in obs if _plain(o.label) == what)
            drafts.append(self.date_draft(f"sub-event: {what}", label, obs))
        return drafts

    def statement_clusters(
        self,
        texts: Sequence[str],
        days: Sequence[tuple[int, int] | None],
        articles: Sequence[frozenset[str]],
    ) -> list[list[int]]:
        """Sub-events saying the same: close wording whatever the dates (so that different
        dates for one event conflict), or a rewording on dates that fit one another by
        other articles (one article's two sub-events are two events)."""
        tokens = [_content_tokens(text) for text in texts]
        tol = self.tol

        def linked(a: int, b: int) -> bool:
            if not _figures_fit(texts[a], texts[b]):
                return False
            if _statement_similarity(tokens[a], tokens[b], tol.subset_min_tokens) >= (
                tol.statement_match
            ):
                return True
            day_a, day_b = days[a], days[b]
            return (
                not articles[a] & articles[b]
                and day_a is not None
                and day_b is not None
                and _common((_Range(*day_a), _Range(*day_b)))
                and _reworded(texts[a], texts[b], tol.statement_dice)
            )

        return _cluster(len(texts), [_statement_words(text) for text in texts], linked)

    def date_draft(self, key: str, label: str, obs: list[_Obs]) -> _Draft:
        dates = sorted({o.text for o in obs}, key=_date_order)
        planned = {_planned(o.label) for o in obs}
        status: FactStatus
        if self.n_outlets(obs) == 1:
            status = "single_source"
        elif len(dates) == 1:
            # A plan and its outcome on the same date fit; they do not say the same.
            status = "compatible" if len(planned) == 2 else "agreed"
        else:
            ranges = [_day_range(d) for d in dates]
            status = (
                "compatible"
                if all(r is not None for r in ranges)
                and _common(_Range(r[0], r[1]) for r in ranges if r is not None)
                else "conflicting"
            )
        if status == "conflicting":
            parts = [
                f"{d} ({', '.join(self.outlets_of(o for o in obs if o.text == d))})" for d in dates
            ]
            statement = f"{label}: conflicting — {'; '.join(parts)}"
        else:
            statement = self.with_outlets(f"{label}: {' / '.join(dates)}", obs)
        return _Draft("date", key, status, statement, self.grouped_values(obs, _date_order), obs)

    def place_drafts(self) -> list[_Draft]:
        obs: list[_Obs] = []
        for record in self.records:
            place = record.where
            if place is None:
                continue
            country = (place.country or "").strip()
            text = place.name.strip()
            if country and _place_key(country) not in _place_key(text):
                text = f"{text}, {country}"
            group = f"{_place_key(place.name)}\x1f{_place_key(country)}"
            obs.append(self.obs(record, place, text, group=group))
        if not obs:
            return []
        groups = sorted({o.group for o in obs})
        names = {_plain(g.split("\x1f")[0]) for g in groups}
        countries = {g.split("\x1f")[1] for g in groups} - {""}
        status: FactStatus
        if self.n_outlets(obs) == 1:
            status = "single_source"
        elif len(names) == 1 and len(countries) <= 1:
            status = "agreed"
        elif all(self.places_fit(a, b) for i, a in enumerate(groups) for b in groups[i + 1 :]):
            status = "compatible"
        else:
            status = "conflicting"
        values = self.grouped_values(obs, lambda g: g)
        shown = " / ".join(dict.fromkeys(v.text for v in values))
        statement = self.with_outlets(f"Event place: {shown}", obs)
        if status == "conflicting":
            statement = "Event place: conflicting — " + "; ".join(
                f"{v.text} ({', '.join(v.outlets)})" for v in values
            )
        return [_Draft("place", "event place", status, statement, values, obs)]

    def places_fit(self, a: str, b: str) -> bool:
        """Whether two (name, country) place keys can both be right about one event."""
        name_a, country_a = a.split("\x1f")
        name_b, country_b = b.split("\x1f")
        if country_a and country_b and country_a != country_b:
            return False
        words_a, words_b = set(name_a.split()), set(name_b.split())
        if words_a <= words_b or words_b <= words_a:
            return True
        if fuzz.ratio(name_a, name_b) >= self.tol.name_match:
            return True
        # Without a gazetteer, a shared stated country is the best sign of nesting.
        return bool(country_a) and country_a == country_b

    # -- quotes and claims -----------------------------------------------------------------

    def quote_drafts(self) -> list[_Draft]:
        keyed: dict[str, list[tuple[EventRecord, int]]] = defaultdict(list)
        for record in self.records:
            for index, quote in enumerate(record.quotes):
                keyed[_quote_key(quote.text)].append((record, index))
        texts = sorted(keyed)
        words = [text.split() for text in texts]
        tol = self.tol

        def same_words(a: int, b: int) -> bool:
            if fuzz.ratio(texts[a], texts[b]) >= tol.quote_match:
                return True
            shorter = min(len(texts[a]), len(texts[b]))
            return (
                shorter >= tol.quote_fragment_min_chars
                and fuzz.partial_ratio(texts[a], texts[b]) >= tol.quote_match
            )

        clusters = _cluster(len(texts), [_shingles(w, 3) for w in words], same_words)
        drafts: list[_Draft] = []
        for cluster in clusters:
            obs: list[_Obs] = []
            speakers: dict[str, set[str]] = defaultdict(set)
            for i in cluster:
                for record, index in keyed[texts[i]]:
                    quote = record.quotes[index]
                    speaker = self.names.resolve([quote.speaker]) if quote.speaker else ""
                    if quote.speaker:
                        speakers[speaker].add(quote.speaker.strip())
                    obs.append(
                        self.obs(
                            record,
                            quote,
                            quote.text,
                            attributed_to=quote.speaker,
                            group=f"{texts[i]}\x1f{speaker}",
                            upstream=quote.via,
                        )
                    )
            counts = {texts[i]: len({r.article_id for r, _ in keyed[texts[i]]}) for i in cluster}
            key = _most_common(counts, lambda t: (-len(t), t))
            status: FactStatus
            if self.n_outlets(obs) == 1:
                status = "single_source"
            elif len(speakers) > 1:
                status = "conflicting"
            elif len(cluster) == 1:
                status = "agreed"
            else:
                status = "compatible"
            shown = min(o.text for o in obs if _quote_key(o.text) == key).strip()
            if len(shown) > _MAX_QUOTE_CHARS_IN_STATEMENT:
                shown = shown[: _MAX_QUOTE_CHARS_IN_STATEMENT - 1].rstrip() + "…"
            who = " / ".join(min(names) for _, names in sorted(speakers.items()))
            line = f"“{shown}”" + (f" — {who}" if who else "")
            statement = f"{line}: conflicting attribution" if status == "conflicting" else line
            drafts.append(
                _Draft(
                    "quote",
                    key,
                    status,
                    self.with_outlets(statement, obs),
                    self.grouped_values(obs, lambda g: g),
                    obs,
                )
            )
        return drafts

    def claim_drafts(self) -> list[_Draft]:
        keyed: dict[tuple[str, str], list[tuple[EventRecord, int]]] = defaultdict(list)
        for record in self.records:
            for index, claim in enumerate(record.claims):
                resolved = self.sources.resolve(claim.according_to)
                source = resolved.key if resolved is not None else ""
                keyed[(" ".join(_content_tokens(claim.statement)), source)].append((record, index))
        nodes = sorted(keyed)
        tokens = [tuple(text.split()) for text, _ in nodes]
        said = [min(record.claims[index].statement for record, index in keyed[n]) for n in nodes]
        sayers = [frozenset(record.article_id for record, _ in keyed[n]) for n in nodes]
        tol = self.tol

        def same_claim(a: int, b: int) -> bool:
            if not _figures_fit(said[a], said[b]):
                return False
            score = _statement_similarity(tokens[a], tokens[b], tol.subset_min_tokens)
            if score >= tol.statement_match:
                return True
            same_source = nodes[a][1] != "" and nodes[a][1] == nodes[b][1]
            if same_source and score >= tol.same_source_statement_match:
                return True
            # One article's two claims are two claims, however alike.
            return not sayers[a] & sayers[b] and _reworded(said[a], said[b], tol.statement_dice)

        drafts: list[_Draft] = []
        blocks = [_statement_words(text) for text in said]
        for cluster in _cluster(len(nodes), blocks, same_claim):
            obs: list[_Obs] = []
            for i in cluster:
                for record, index in keyed[nodes[i]]:
                    claim = record.claims[index]
                    obs.append(
                        self.obs(
                            record,
                            claim,
                            claim.statement,
                            attributed_to=claim.according_to,
                            group="\x1f".join(nodes[i]),
                            upstream=claim.according_to,
                        )
                    )
            counts: dict[str, set[str]] = defaultdict(set)
            for o in obs:
                counts[" ".join(_content_tokens(o.text))].add(o.article_id)
            key = _most_common({k: len(v) for k, v in counts.items()}, lambda k: (len(k), k))
            # Outlets relaying one claim agree on it, however they word it.
            status: FactStatus = "single_source" if self.n_outlets(obs) == 1 else "agreed"
            rep = min(
                (o for o in obs if " ".join(_content_tokens(o.text)) == key), key=_Obs.rep_order
            )
            sources = sorted({o.source_display for o in obs if o.source_display})
            prefix = f"{' / '.join(sources)}: " if sources else ""
            drafts.append(
                _Draft(
                    "claim",
                    key,
                    status,
                    self.with_outlets(prefix + rep.text.strip(), obs),
                    self.grouped_values(obs, lambda g: g),
                    obs,
                )
            )
        return drafts

    # -- the whole -------------------------------------------------------------------------

    def facts(self) -> list[Fact]:
        drafts = [
            *self.actor_drafts(),
            *self.quantity_drafts(),
            *self.date_drafts(),
            *self.place_drafts(),
            *self.quote_drafts(),
            *self.claim_drafts(),
        ]
        drafts.sort(key=lambda d: (_KIND_ORDER[d.kind], d.key))
        facts = [self.finish(draft) for draft in drafts]
        if len({fact.id for fact in facts}) != len(facts):
            raise RuntimeError("merge produced two facts with one id; keys must be unique")
        return facts

    def event(self) -> ConsensusEvent:
        records = self.records
        if not records:
            return ConsensusEvent(headline="", event_type=EventType.OTHER)
        headlines: dict[str, set[str]] = defaultdict(set)
        token_df: Counter[str] = Counter()
        for record in records:
            headlines[_plain(record.headline)].add(record.headline.strip())
            token_df.update(set(_content_tokens(record.headline)))

        def centrality(headline: str) -> int:
            # Headlines sharing the most words with the others come first.
            return -sum(token_df[t] for t in set(_content_tokens(headline)))

        headline_counts = Counter(_plain(record.headline) for record in records)
        chosen = _most_common(headline_counts, lambda h: (centrality(h), h))
        type_counts = Counter(record.event_type for record in records)
        event_type = min(type_counts, key=lambda t: (-type_counts[t], _EVENT_TYPE_RANK[t]))
        when_counts: Counter[str] = Counter()
        granularity: dict[str, Counter[Granularity]] = defaultdict(Counter)
        for record in records:
            if record.when is not None and record.when.date:
                when_counts[record.when.date] += 1
                granularity[record.when.date][record.when.granularity] += 1
        when = (
            _most_common(
                when_counts,
                lambda d: (min(_GRANULARITY_RANK[g] for g in granularity[d]), _date_order(d)),
            )
            if when_counts
            else None
        )
        when_granularity: Granularity = "unknown"
        if when is not None:
            grains = granularity[when]
            when_granularity = min(grains, key=lambda g: (-grains[g], _GRANULARITY_RANK[g]))
        places = [record.where for record in records if record.where is not None]
        where = country = None
        if places:
            place_counts = Counter(_place_key(place.name) for place in places)
            top = _most_common(place_counts, lambda p: p)
            chosen_places = [place for place in places if _place_key(place.name) == top]
            where = min(place.name.strip() for place in chosen_places)
            country_counts = Counter(p.country.strip() for p in chosen_places if p.country)
            country = _most_common(country_counts, lambda c: c) if country_counts else None
        return ConsensusEvent(
            headline=min(headlines[chosen]),
            event_type=event_type,
            when=when,
            when_granularity=when_granularity,
            where=where,
            where_country=country,
        )

    def provenance(self) -> ConsensusProvenance:
        models: set[str] = set()
        prompts: set[tuple[str, str, str]] = set()
        created: list[datetime] = []
        for record in self.records:
            if record.provenance is None:
                continue
            models.add(record.provenance.model)
            prompts.add(
                (
                    record.provenance.prompt_name,
                    record.provenance.prompt_version,
                    record.provenance.prompt_hash,
                )
            )
            stamp = record.provenance.created_at
            # A naive time is read as UTC so naive and aware stamps can be compared.
            created.append(stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC))
        return ConsensusProvenance(
            models=sorted(models),
            prompts=[PromptRef(name=n, version=v, hash=h) for n, v, h in sorted(prompts)],
            created_at=max(created) if created else None,
            tolerances={name: float(value) for name, value in self.tol.model_dump().items()},
        )

    def consensus(self) -> Consensus:
        return Consensus(
            event=self.event(),
            facts=self.facts(),
            outlets=[
                OutletInfo(
                    article_id=record.article_id,
                    outlet=self.outlet_raw[record.article_id],
                    published_at=self.published[record.article_id] or None,
                )
                for record in self.records
            ],
            derivatives=self.derivatives,
            narrative=[],
            narrative_mode="none",
            provenance=self.provenance(),
        )


def _collapse_records(records: Iterable[EventRecord]) -> list[EventRecord]:
    """One record per article id, sorted by id.

    Duplicates (the same article merged twice, or extracted twice) keep the record with
    the smallest JSON form: an arbitrary but order-independent choice.
    """
    by_id: dict[str, list[EventRecord]] = defaultdict(list)
    for record in records:
        by_id[record.article_id].append(record)
    chosen: list[EventRecord] = []
    for article_id in sorted(by_id):
        group = by_id[article_id]
        if len(group) == 1:
            chosen.append(group[0])
        else:
            chosen.append(min(group, key=lambda r: r.model_dump_json()))
    return chosen


def _collapse_articles(articles: Iterable[Article]) -> list[Article]:
    by_id: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_id[article.id].append(article)
    return [
        min(by_id[article_id], key=lambda a: a.model_dump_json()) for article_id in sorted(by_id)
    ]


def merge_records(
    records: Sequence[EventRecord],
    tolerances: MergeTolerances = DEFAULT_TOLERANCES,
    articles: Sequence[Article] | None = None,
) -> Consensus:
    """Merge the records of several articles about one event into a `Consensus`.

    Items about the same person, figure, date, place, quote or claim are aligned across
    records and each group becomes a `Fact` with exactly one status; see the module
    docstring for the rules. `articles`, when given, supply the texts for derivative
    detection (and outlet names missing from records). The result depends only on the
    set of records: any order gives the same output, and records sharing an article id
    collapse to one.
    """
    merger = _Merger(_collapse_records(records), _collapse_articles(articles or ()), tolerances)
    return merger.consensus()


__all__ = [
    "ACTION_TOKENS",
    "CONTEXT_SCOPES",
    "COUNTED_PHRASES",
    "COUNTED_SYNONYMS",
    "DEFAULT_TOLERANCES",
    "MEASURE_UNITS",
    "OLDER_MARKERS",
    "SCOPE_TOKENS",
    "STOP_WORDS",
    "TALLY_TOKENS",
    "TITLE_WORDS",
    "VAGUE_COUNT",
    "MergeTolerances",
    "merge_records",
]
