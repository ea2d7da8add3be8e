"""The frame words the merge compares figures with, read from the `frames` lexicon
(`lexicon/frames/v*.yaml`): classes of happenings and of counted things, scope
qualifiers and words for the whole country. See the lexicon file for what belongs there.
"""

from __future__ import annotations

from typing import Final

from lexicon import load

_LEX: Final = load("frames")

HAPPENING_CLASSES: Final[dict[str, tuple[str, ...]]] = _LEX.groups("happenings.classes")
"""Happenings by meaning: every form a news text uses for one of them."""

TALLY_HAPPENINGS: Final = frozenset(_LEX.words("happenings.tallies"))
"""Running tallies: counts that move as days pass. A later figure of one source chain
revises an earlier one; other figures are tied to when they happened."""

STOCK_HAPPENINGS: Final = frozenset(_LEX.words("happenings.stocks"))
"""Tallies of a state people leave (the missing, the displaced): a later count of one
revises an earlier one whether it is higher or lower."""

OCCASION_HAPPENINGS: Final = frozenset(_LEX.words("happenings.occasions"))
"""Counts of people doing something on a day: another day is another fact."""

ENTITY_CLASSES: Final[dict[str, tuple[str, ...]]] = _LEX.groups("things.classes")
"""Counted things by meaning."""

GENERIC_ENTITIES: Final = frozenset(_LEX.words("things.generic"))
"""Counted things that say little: they meet a more specific thing of the same happening
('people killed' and 'civilians killed'), with less confidence."""

MEASURE_NOUNS: Final = frozenset(_LEX.words("things.measures"))
"""Nouns naming only a kind of measure ('distance', 'amount'): they say no more of what
is measured than a unit does."""

OCCURRENCE_NOUNS: Final = frozenset(_LEX.words("things.occurrences"))
"""Nouns counting occurrences ('cases', 'aftershocks'): the noun says what happened, and
such counts only add up."""

PEOPLE_NOUNS: Final = frozenset(_LEX.words("things.people"))
"""Things counted that are people: a figure of 'people' may count them."""

CLASS_HAPPENINGS: Final[dict[str, str]] = _LEX.mapping("things.class_happenings")
"""Counted things whose class names what they did: a crowd of marchers protested."""

ENTITY_HAPPENINGS: Final[dict[str, tuple[str, str]]] = {
    word: (pair.split()[0], pair.split()[1])
    for word, pair in _LEX.mapping("things.naming_happenings").items()
}
"""Counted things that name their happening too: '23 deaths' counts people who died."""

SEQUENCE_NOUNS: Final = frozenset(_LEX.words("ordinals.sequences"))
"""Nouns of a sequence: an ordinal of one names which ('the fifth round of talks')."""

SPAN_TIMES: Final = _LEX.words("time.spans")
"""Words that open a time scope adding a count up over days ('since Friday', 'in all')."""

DAY_TIMES: Final = _LEX.words("time.days")
"""Words that open a time scope of one day ('on Monday', 'for Friday')."""

LAST_DAY_TIMES: Final = tuple(_LEX.words("time.last_day"))
"""Phrases that make a time scope the day before the report ('over the previous 24 hours')."""

CURRENT_WORDS: Final = frozenset(_LEX.words("time.current"))
"""Words just after a figure that hold its count as a state now ('441 still missing')."""

RATE_OPENERS: Final = frozenset(_LEX.words("time.rates.openers"))
"""Words that make a unit of time after them a figure's rate ('a month', 'each day')."""

RATE_UNITS: Final = frozenset(_LEX.words("time.rates.units"))
"""Units of time a figure may be given per ('hour', 'day', 'week', 'month', 'year')."""

RATE_NOT_AFTER: Final = frozenset(_LEX.words("time.rates.not_after"))
"""Words after 'a' and a unit of time that date a figure rather than make it a rate ('a
year ago')."""

CAPITAL_NOUNS: Final = frozenset(_LEX.words("parse.capital_nouns"))
"""Nouns for the country's capital ('in the capital'): one city of a country's story, the
story's own city in a city's story."""

OTHER_PLACES: Final = frozenset(_LEX.words("parse.other_places"))
"""Words that put a figure somewhere other than the story's place ('abroad', 'elsewhere in
Indonesia')."""

SNAPSHOT_TIMES: Final = _LEX.words("time.snapshots")
"""Words that open a time scope taken at a point of time ('by 4 pm', 'as of Tuesday',
'so far'): the figure is a snapshot of a count in progress."""

CHANGE_COMPARATIVES: Final = frozenset(_LEX.words("changes.comparatives"))
"""Words right after a figure that make it a difference ('39 fewer', '8 points lower than')."""

CHANGE_THAN: Final = CHANGE_COMPARATIVES | frozenset(_LEX.words("changes.than"))
"""Words right after a figure that make it a difference before 'than' ('8 points lower
than', 'seven more than the day before'); 'more' alone adds ('seven more bodies')."""

CHANGE_MOVEMENTS: Final = frozenset(_LEX.words("changes.movements"))
"""Words that name a change in a figure's words or just before it ('up 5', 'rose by 60')."""

PART_AMONG: Final = frozenset(_LEX.words("parts.among"))
"""'children among the dead': the figure counts a part of a group named after the word."""

PART_INCLUDING: Final = frozenset(_LEX.words("parts.including"))
"""'including 43 who are feared dead': right before a figure, it makes it a part."""

PROJECTING: Final = frozenset(_LEX.words("parse.projecting"))
"""'could', 'might': before a verb of `TALLYING_VERBS` they make a figure a projection."""

TALLYING_VERBS: Final = frozenset(_LEX.words("parse.tallying"))
"""Verbs that give a count a level ('reach', 'exceed', 'be')."""

PART_POINTING: Final = frozenset(_LEX.words("parts.pointing"))
"""'12 of whom were children', '15 of them children': after 'of' right after a figure,
it makes it a part of the group it points back to."""

DISTRIBUTIVES: Final = frozenset(_LEX.words("distributives"))
"""Qualifier words that pick no part ('each of them', 'both'): they say nothing of which."""

SCOPE_QUALIFIERS: Final[dict[str, str]] = _LEX.mapping("scope")
"""Words that pick a part of a whole: '6,000 additional troops' is not '10,000 troops
sent'. Two figures meet only when they name the same scope words, or none."""

WHOLE_COUNTRY: Final = frozenset(_LEX.words("places.whole_country"))
"""Place scopes that mean the whole country: for an event in one country, the same as
giving no place at all."""

WHOLE_WORLD: Final = frozenset(_LEX.words("places.whole_world"))
"""Place scopes that mean the whole world ('worldwide', 'around the globe'): a scope of
their own, wider than a country's, also where the event's own place is the world."""

WORLD: Final = "world"
"""The place key of every `WHOLE_WORLD` scope."""

PLACE_PREFIXES: Final = tuple(f"{word} " for word in _LEX.words("places.prefixes"))
"""Prepositions a place scope may start with; `outside` keeps its meaning in the key."""
