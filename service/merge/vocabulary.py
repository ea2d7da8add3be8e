"""The word tables the merge decides with, read from the `en` lexicon
(`lexicon/en/v*.yaml`; the frame classes are in `frame_words`): names (titles),
statements (synonyms, stop words, planned words), figures (units of measurement, vague,
older and belief words, hedges as a statement reads them). The lexicon
file says what belongs there."""

from __future__ import annotations

import re
from typing import Final, get_args

from lexicon import load
from schemas.record import Hedge
from service.text.words import TITLE_WORDS as _TITLE_WORDS
from service.text.words import alternation

_EN: Final = load("en")

COUNTED_SYNONYMS: Final[dict[str, str]] = _EN.mapping("statements.synonyms")
"""Single words (after plural stripping) folded to one canonical token."""

STOP_WORDS: Final = frozenset(_EN.words("statements.stop_words"))
"""Words that never decide what is counted or what a statement says."""

PLANNED_WORDS: Final = frozenset(_EN.words("statements.planned"))
"""Words marking a sub-event as planned rather than done. A planned and a reported
sub-event on dates that fit are `compatible` (the plan came true), not `agreed`."""

TITLE_WORDS: Final = _TITLE_WORDS
"""Honorifics, forms of address and titles (`service.text.words.TITLE_WORDS`) dropped from
names: everything up to the last of them goes ("North Korean leader Kim Jong Un" → "kim
jong un")."""

NOT_NAMES: Final = frozenset(
    {
        *TITLE_WORDS,
        *(w.casefold() for w in _EN.words("names.not_names")),
        *(w.casefold() for w in _EN.words("names.title_modifiers")),
    }
)
"""Capitalised words that name no one: pronouns, articles, titles and their modifiers
('He', 'The', 'Secretary', 'Interior')."""

MEASURE_UNITS: Final[dict[str, tuple[str, float]]] = {
    unit: (dimension, size)
    for dimension in _EN.table_names("figures.measures")
    for unit, size in _EN.numbers(f"figures.measures.{dimension}").items()
}
"""Units of measurement: (dimension, size in the dimension's base unit). Figures in one
dimension align and compare after conversion ('807 miles' ≈ '1,300 km'); currencies are
each their own dimension, since exchange rates move. Any other unit is a counted noun."""

VAGUE_COUNT: Final = re.compile(
    rf"\b(?:{alternation(_EN.words('figures.vague_words'))})\b", re.IGNORECASE
)
"""A phrase with no digit and one of these words is a vague count ('thousands of troops'),
which the miner turns into a bound such as 'more than 1,000'."""

OLDER_MARKERS: Final = frozenset(_EN.words("figures.older_markers"))
"""Words just before a figure that mark it as an older value ('its initial count was')."""

HEDGING_WORDS: Final = frozenset(_EN.words("figures.belief_words"))
"""Words of belief or expectation that say nothing about what is counted."""

_HEDGE_PHRASES: Final = _EN.groups("figures.hedges")
HEDGE_WORDS: Final[dict[str, str]] = {
    hedge: f"{_HEDGE_PHRASES[hedge][0]} " if hedge in _HEDGE_PHRASES else ""
    for hedge in get_args(Hedge)
}
"""How each hedge reads before a figure in a statement ('at least 2,000'): the first
phrase the lexicon gives for it; none for an exact figure or a range."""
