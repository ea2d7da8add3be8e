"""English stems through Snowball, one stemmer per thread."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

import snowballstemmer

_STEMMERS = threading.local()
_WORD = re.compile(r"[^\W\d_]{3,}")


def stem_words(words: Sequence[str]) -> list[str]:
    """English Snowball stems ('deployed' → 'deploy'). A Snowball stemmer keeps state
    while it works, so each thread (batch clusters run in parallel) has its own."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return list(stemmer.stemWords(list(words)))


def stems(text: str) -> frozenset[str]:
    """Stems of the words of three letters or more in `text`, casefolded."""
    return frozenset(stem_words([w.casefold() for w in _WORD.findall(text)]))
