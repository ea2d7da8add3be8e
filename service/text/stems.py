"""English stems through Snowball, one stemmer per thread, each word's stem kept once made."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache

import snowballstemmer

_STEMMERS = threading.local()
_WORD = re.compile(r"[^\W\d_]{3,}")


def stem_words(words: Sequence[str]) -> list[str]:
    """English Snowball stems ('deployed' → 'deploy')."""
    return [_stem(word) for word in words]


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A word's Snowball stem, a pure function of the word: kept, since the merge and the
    clustering stem the same words over and over (Snowball is pure Python: it was about a
    sixth of a batch run's merge CPU). A Snowball stemmer keeps state while it works, so
    each thread (batch clusters run in parallel) has its own."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))


def stems(text: str) -> frozenset[str]:
    """Stems of the words of three letters or more in `text`, casefolded."""
    return frozenset(stem_words([w.casefold() for w in _WORD.findall(text)]))
