"""When two statements (claims, sub-events) say the same.

Statements within `statement_match` (rapidfuzz token ratio) say the same, or a rewording:
stemmed content words (Snowball, synonyms folded) reaching `statement_dice`. Statements
giving different figures never align ('2,000 killed' / '600 killed'); the quantity facts
carry those.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from rapidfuzz import fuzz

from service.merge.tokens import content_tokens, dice, lemmatise
from service.text.numbers import spelled_figures
from service.text.stems import stem_words

_FIGURE_IN_TEXT: Final = re.compile(r"\d(?:[\d,.]*\d)?")


_YEAR: Final = re.compile(r"(?:19|20)\d\d")


@cache
def statement_words(text: str) -> frozenset[str]:
    """Stemmed, synonym-folded content words without figures: what a rewording keeps."""
    return frozenset(
        stem_words([lemmatise(word) for word in content_tokens(text) if not word[:1].isdigit()])
    )


@cache
def _figures_in(text: str) -> frozenset[str]:
    """The figures a statement gives ('2,000' and '2000' alike, 'Eight' as 8), years left
    out: a year dates a statement, it does not count anything."""
    found = _FIGURE_IN_TEXT.findall(text)
    digits = {f.replace(",", "") for f in found if not _YEAR.fullmatch(f)}
    return frozenset(digits | spelled_figures(text))


def figures_fit(a: str, b: str) -> bool:
    """Statements that both give figures give the same ones: '2,000 killed' is not '600
    killed', nor '2,000 killed, up from 600' (a subset rule would chain the two). One
    that gives none ('Halvorsen buys Corvina') may be the other ('... buys a 51% stake')."""
    fa, fb = _figures_in(a), _figures_in(b)
    return not fa or not fb or fa == fb


def reworded(a: str, b: str, threshold: float) -> bool:
    """Two statements whose stemmed words reach `threshold` (Dice)."""
    return dice(statement_words(a), statement_words(b)) >= threshold


def statement_similarity(a: tuple[str, ...], b: tuple[str, ...], min_subset: int) -> float:
    """Token-set ratio when both statements are long enough, else the stricter sort ratio."""
    left, right = " ".join(a), " ".join(b)
    if min(len(a), len(b)) >= min_subset:
        return float(fuzz.token_set_ratio(left, right))
    return float(fuzz.token_sort_ratio(left, right))
