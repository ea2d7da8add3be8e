"""What a figure's wording says besides its frame: its unit's dimension, its clause, and
whether that clause marks it older or its phrase is a vague count.

* `classify_unit`: a unit of measurement has a dimension and a size in its base unit
  (`MEASURE_UNITS`: miles meet km); any other unit is a counted noun ('soldiers').
* `clause_around`: the words of the article's clause around a figure's evidence span,
  from which `frames.clause_scope` reads scope words ('another 6,000') and
  `marked_older` older values ('its initial count was 600').
* `is_vague`: 'thousands of troops' (no digit, `VAGUE_COUNT`) is a fact of its own.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final, NamedTuple

from service.merge.tokens import WORDS, fold, lemmatise, singularise
from service.merge.vocabulary import (
    HEDGING_WORDS,
    MEASURE_UNITS,
    OLDER_MARKERS,
    STOP_WORDS,
    VAGUE_COUNT,
)

CONTEXT_WORDS_BEFORE: Final = 6


CONTEXT_WORDS_AFTER: Final = 10


_CONTEXT_CHARS: Final = 240


_CLAUSE_BREAK: Final = re.compile(r"[;:!?()\[\]\u2014\u2013\n\"\u201c\u201d]|[.,](?=\s|$)")


COUNT_CLASS: Final = "count"


def _is_noun_word(word: str) -> bool:
    """A word of a unit that can name what is counted: no stop word, hedge or digit."""
    if word in STOP_WORDS or word in HEDGING_WORDS or word.isdigit():
        return False
    return lemmatise(word) not in STOP_WORDS


@cache
def classify_unit(unit: str) -> tuple[str, float, bool]:
    """(dimension, scale, False) of a unit of measurement, or ('count', 1, whether the
    unit names a counted noun) for any other unit."""
    folded = " ".join(fold(unit).replace("per cent", "percent").split())
    lemmas = " ".join(singularise(word) for word in folded.split())
    for candidate in (folded, lemmas):
        if candidate in MEASURE_UNITS:
            dimension, scale = MEASURE_UNITS[candidate]
            return dimension, scale, False
    return COUNT_CLASS, 1.0, any(_is_noun_word(word) for word in WORDS.findall(folded))


class Clause(NamedTuple):
    """The words of a figure's clause just before and just after its phrase."""

    before: str = ""
    after: str = ""
    lead: str = ""
    """Every word of the clause before the figure (`before` is its last few): a verb that
    governs the whole clause ('analysts had expected a loss of $8.82 a share on revenue of
    $17.94 billion') may stand further back."""
    trail: str = ""
    """Every word of the clause after the figure (`after` is its first few): a breakdown
    ('254 identified through DNA tests and six through facial recognition') may end
    further on."""


NO_CLAUSE: Final = Clause()


def clause_around(text: str, start: int, end: int) -> Clause:
    """Up to `CONTEXT_WORDS_BEFORE` / `_AFTER` words around text[start:end], in its clause."""
    before = text[max(0, start - _CONTEXT_CHARS) : start]
    after = text[end : end + _CONTEXT_CHARS]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    first_break = _CLAUSE_BREAK.search(after)
    if first_break is not None:
        after = after[: first_break.start()]
    lead = WORDS.findall(fold(before))
    trail = WORDS.findall(fold(after))
    return Clause(
        " ".join(lead[-CONTEXT_WORDS_BEFORE:]),
        " ".join(trail[:CONTEXT_WORDS_AFTER]),
        " ".join(lead),
        " ".join(trail),
    )


def marked_older(clause: Clause) -> bool:
    """The clause calls the figure an older value: 'its initial count was at least 600'."""
    return bool(OLDER_MARKERS.intersection(clause.before.split()))


def is_vague(phrase: str | None) -> bool:
    """'thousands of troops': no digit, only an order of magnitude."""
    if not phrase or any(ch.isdigit() for ch in phrase):
        return False
    return VAGUE_COUNT.search(phrase) is not None
