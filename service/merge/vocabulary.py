"""The word tables the merge decides with, kept in one module so they can be read and
reviewed as one: what is counted (phrases, synonyms, actions, scopes, tallies, units),
names (titles), statements (stop words, planned words), hedges, and known sources."""

from __future__ import annotations

import re
from typing import Final

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


OLDER_MARKERS: Final[frozenset[str]] = frozenset(
    {"initial", "initially", "earlier", "previous", "previously", "original", "former", "prior"}
)
"""Words just before a figure that mark it as an older value ('its initial count was')."""


VAGUE_COUNT: Final = re.compile(
    r"\b(?:dozens|scores|hundreds|thousands|millions|billions|tens)\b", re.IGNORECASE
)
"""A phrase with no digit and one of these words is a vague count ('thousands of troops'),
which the miner turns into a bound such as 'more than 1,000'."""


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


HEDGING_WORDS: Final = frozenset({"believed", "thought", "confirmed"})
"""Words of belief or expectation that say nothing about what is counted."""


HEDGE_WORDS: Final[dict[str, str]] = {
    "exact": "",
    "about": "about ",
    "at_least": "at least ",
    "more_than": "more than ",
    "up_to": "up to ",
    "less_than": "fewer than ",
    "range": "",
}
"""How each hedge reads before a figure in a statement ('at least 2,000')."""


SOURCE_ALIASES: dict[str, tuple[str, ...]] = {
    "NIS": (
        "nis",
        "national intelligence service",
        "south korea national intelligence service",
        "south korean national intelligence service",
        "south korea spy agency",
        "south korean spy agency",
        "seoul spy agency",
        "spy agency",
        "south korean intelligence agency",
        "south korea intelligence agency",
        "south korean intelligence",
    ),
    "KCNA": ("kcna", "korean central news agency"),
    "Rodong Sinmun": ("rodong sinmun",),
    "Yonhap": ("yonhap", "yonhap news agency", "yonhap news"),
    "Xinhua": ("xinhua", "xinhua news agency"),
    "Reuters": ("reuters",),
    "AP": ("ap", "associated press"),
    "AFP": ("afp", "agence france presse"),
}
"""Canonical display name → known spellings (already normalised by `normalise_source`).

Kept small on purpose: it covers the sources of the sample cluster and the big wire
services; anything else falls back to fuzzy matching against these spellings, then to
its own normalised name."""


GENERIC_ALIASES: frozenset[str] = frozenset({"spy agency"})
"""Aliases that name a source only when they are the whole name ('the spy agency' in a
Korean story); inside a longer name ('Russia's spy agency') they mean someone else."""
