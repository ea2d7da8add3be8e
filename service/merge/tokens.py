"""Words as the merge compares them: folded, singular, synonym-folded, without stop words."""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from service.merge.vocabulary import COUNTED_SYNONYMS, STOP_WORDS
from service.text.fold import plain as unaccented

WORDS: Final = re.compile(r"[^\W_]+")
_POSSESSIVE: Final = re.compile(r"'s\b")


@cache
def fold(text: str) -> str:
    """`service.text.fold.plain` (casefolded, accents off, apostrophes straight) without
    possessive 's."""
    return _POSSESSIVE.sub("", unaccented(text))


def singularise(word: str) -> str:
    """A plural noun's singular by its ending ('casualties' → 'casualty')."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def lemmatise(word: str) -> str:
    """A word's canonical token: its synonym in `COUNTED_SYNONYMS`, else its singular's."""
    if word in COUNTED_SYNONYMS:
        return COUNTED_SYNONYMS[word]
    singular = singularise(word)
    return COUNTED_SYNONYMS.get(singular, singular)


@cache
def content_tokens(text: str) -> tuple[str, ...]:
    """Words of a statement without stop words, for fuzzy comparison and blocking."""
    return tuple(word for word in WORDS.findall(fold(text)) if word not in STOP_WORDS)


@cache
def place_key(name: str) -> str:
    """A place name folded, without a leading 'the'."""
    words = WORDS.findall(fold(name))
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def plain(text: str) -> str:
    """Casefolded with single spaces: what counts as the same wording."""
    return " ".join(text.casefold().split())


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice similarity of two word sets (1 for two empty sets)."""
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))
