"""What an article is compared by: a sparse, L2-normalised vector of weighted words.

A word's weight is `(1 + ln tf) * (IDF_CEILING - zipf)`, where `zipf` is the word's
frequency in general English on the Zipf scale (`wordfreq`: 7 for "the", 0 for a word it
has never seen). That background frequency stands in for a corpus IDF: it is fixed, so
the similarity of two articles never depends on which other articles came before them,
and online assignment gives the same clusters as a batch run in any order. Rare words and
names weigh most: "Lohan" and "rehab" say more about the event than "said".

With `ClusterSettings.name_weight` > 0, a capitalised word inside a sentence is read as
(part of) a name and counted again as a name feature (`N:lohan`); the default is 0, chosen
on dev data (`bench/bench_cluster.py --sensitivity`). Four-digit years are kept as words.
Only the heaviest `max_terms` terms are kept, and the heaviest `index_keys` of those are
the article's index keys (`service.cluster.index`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from schemas.article import Article
from service.settings import ClusterSettings

IDF_CEILING = 7.0
"""Zipf frequency at and above which a word weighs nothing (the, of, and, said: 6-7.7)."""
STOP_ZIPF = 5.5
"""Words at least this frequent are skipped outright (cheaper than weighing them ~1)."""
NAME_PREFIX = "N:"

_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019-]*[^\W_])?|(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_SENTENCE_END = frozenset(".!?:;\"'\u201c\u201d\u2018\u2019\n([")


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Frequency of a lowercase word in general English, Zipf scale (0 = unseen)."""
    from wordfreq import zipf_frequency  # loads its tables on first use

    return float(zipf_frequency(word, "en"))


@dataclass(frozen=True)
class Features:
    """One article as the clusterer sees it."""

    article_id: str
    day: int | None
    """Publication date as a proleptic ordinal (`date.toordinal`), None when unknown."""
    vector: dict[str, float]
    """Term → weight, L2-normalised; at most `max_terms` terms."""
    keys: tuple[str, ...]
    """The heaviest terms, the article's entries in the candidate index."""
    title: str
    """A headline for labels: the title, else the first line of the text."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form (the online store keeps it)."""
        return {
            "article_id": self.article_id,
            "day": self.day,
            "vector": self.vector,
            "keys": list(self.keys),
            "title": self.title,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Features:
        """The inverse of `to_json`."""
        return cls(
            article_id=str(data["article_id"]),
            day=data["day"],
            vector={str(k): float(v) for k, v in data["vector"].items()},
            keys=tuple(data["keys"]),
            title=str(data["title"]),
        )


def similarity(a: Features, b: Features, window_days: int) -> float:
    """Cosine similarity of two articles; 0 when both are dated further apart than the window."""
    if a.day is not None and b.day is not None and abs(a.day - b.day) > window_days:
        return 0.0
    small, large = (a.vector, b.vector) if len(a.vector) <= len(b.vector) else (b.vector, a.vector)
    return sum(w * large.get(t, 0.0) for t, w in small.items())


def _starts_sentence(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _headline(article: Article) -> str:
    if article.title and article.title.strip():
        return " ".join(article.title.split())
    first = article.text.strip().split("\n", 1)[0]
    return " ".join(first.split())[:160]


@lru_cache(maxsize=200_000)
def term_of(token: str) -> str | None:
    """The term a matched word counts as (lowercase, curly quote straightened, possessive
    dropped), or None for a word too common to weigh. Never empty: a match starts with a
    letter or a digit, which stays. Cached: a stream repeats its words."""
    lower = token.replace("\u2019", "'").removesuffix("'s").removesuffix("'").lower()
    return None if zipf(lower) >= STOP_ZIPF else lower


def features_of(article: Article, settings: ClusterSettings) -> Features:
    """The feature vector of one article (deterministic: same article, same features)."""
    text = f"{article.title or ''}\n{article.text[: settings.lead_chars]}"
    counts: Counter[str]
    if settings.name_weight > 0:
        counts = Counter()
        for m in _WORD.finditer(text):
            token = m.group(0)
            lower = term_of(token)
            if lower is None:
                continue
            counts[lower] += 1
            # The first letter is the token's own (the normalisation only trims the end).
            if token[0].isupper() and not _starts_sentence(text, m.start()):
                counts[NAME_PREFIX + lower] += 1
    else:
        counts = Counter(filter(None, map(term_of, _WORD.findall(text))))
    log = math.log
    # Heaviest first, then by term: sorted as (-weight, term) pairs, compared in C.
    heaviest: list[tuple[float, str]] = []
    for term, tf in counts.items():
        if settings.name_weight > 0 and term.startswith(NAME_PREFIX):
            idf = IDF_CEILING - zipf(term[len(NAME_PREFIX) :])
            weight = (1.0 + log(tf)) * idf * settings.name_weight
        else:  # (times 1.0, as a name's weight is times name_weight: the same float)
            weight = (1.0 + log(tf)) * (IDF_CEILING - zipf(term))
        if weight > 0:
            heaviest.append((-weight, term))
    heaviest.sort()
    ranked = [(t, -w) for w, t in heaviest[: settings.max_terms]]
    norm = math.sqrt(sum(w * w for _, w in ranked)) or 1.0
    vector = {t: w / norm for t, w in ranked}
    published = article.published_date
    return Features(
        article_id=article.id,
        day=published.toordinal() if isinstance(published, date) else None,
        vector=vector,
        keys=tuple(t for t, _ in ranked[: settings.index_keys]),
        title=_headline(article),
    )
