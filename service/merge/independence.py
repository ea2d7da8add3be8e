"""Who a fact ultimately comes from, and which articles copy one another.

Five outlets repeating one intelligence briefing are one origin, not five. Two tools
decide that:

* `SourceResolver` maps the names an article gives for its source ("NIS", "South Korea's
  National Intelligence Service", "the spy agency") to one canonical key, through a small
  alias table (`vocabulary.SOURCE_ALIASES`), then whole-word alias search, then fuzzy
  matching.
* `detect_derivatives` finds article pairs that share most of their wording (Jaccard
  similarity, or containment, of 5-word shingles) and shows the shared passages.

`count_independent_origins` then counts the connected groups among a fact's articles,
where two articles are joined when they cite the same upstream source, come from the
same outlet, or form a derivative pair.

Everything here is pure and deterministic; texts are compared case-insensitively.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from schemas.article import Article
from schemas.consensus import DerivativePair, SharedPassage
from schemas.record import Span
from service.merge.vocabulary import GENERIC_ALIASES, SOURCE_ALIASES
from service.text.groups import UnionFind

_ALIAS_TO_SOURCE: dict[str, str] = {
    alias: display for display, aliases in SOURCE_ALIASES.items() for alias in aliases
}
# Longest first, so "south korean spy agency" wins over "spy agency" inside one name.
_ALIASES_LONGEST_FIRST: tuple[str, ...] = tuple(
    sorted(_ALIAS_TO_SOURCE, key=lambda alias: (-len(alias), alias))
)
_EMBEDDABLE_ALIASES: tuple[str, ...] = tuple(
    alias for alias in _ALIASES_LONGEST_FIRST if alias not in GENERIC_ALIASES
)
_LEADING_NOISE = ("according to ", "the ", "a ")
_PARENTHESISED = re.compile(r"\(([^()]*)\)")
_NON_WORD = re.compile(r"[^\w]+")
_WORD = re.compile(r"\w+")


@cache
def normalise_source(name: str) -> str:
    """Lowercase `name`, drop accents, possessives, punctuation and a leading 'the'.

    "South Korea's National Intelligence Service" → "south korea national intelligence
    service".
    """
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    folded = folded.replace("\u2019", "'").replace("'s ", " ").replace("s' ", "s ")
    if folded.endswith("'s"):
        folded = folded[:-2]
    text = _NON_WORD.sub(" ", folded).strip()
    changed = True
    while changed:
        changed = False
        for prefix in _LEADING_NOISE:
            if text.startswith(prefix):
                text = text[len(prefix) :]
                changed = True
    return text


@cache
def known_source(name: str) -> str | None:
    """The canonical display name of `name` when it is in `SOURCE_ALIASES`, else None.

    Exact lookup only (after normalisation, and of a parenthesised acronym such as
    "(NIS)"); cheap enough to call on every actor name.
    """
    for inner in _PARENTHESISED.findall(name):
        hit = _ALIAS_TO_SOURCE.get(normalise_source(inner))
        if hit is not None:
            return hit
    return _ALIAS_TO_SOURCE.get(normalise_source(name))


@dataclass(frozen=True)
class SourceKey:
    """A resolved upstream source: `key` compares, `known` tells a table hit from a guess."""

    key: str
    known: bool


class SourceResolver:
    """Resolves source names to canonical keys, caching each distinct name it has seen."""

    def __init__(self, *, fuzzy_threshold: float) -> None:
        """Create a resolver; `fuzzy_threshold` is a rapidfuzz ratio (0-100)."""
        self._fuzzy_threshold = fuzzy_threshold
        self._cache: dict[str, SourceKey | None] = {}

    def resolve(self, name: str | None) -> SourceKey | None:
        """The canonical key of `name`, or None for a missing or empty name.

        Known sources resolve to their display name in `SOURCE_ALIASES` (e.g. "NIS");
        others resolve to their normalised text, so two spellings of an unknown source
        still meet when they normalise alike.
        """
        if name is None:
            return None
        if name not in self._cache:
            self._cache[name] = self._resolve(name)
        return self._cache[name]

    def _resolve(self, name: str) -> SourceKey | None:
        hit = known_source(name)
        if hit is not None:
            return SourceKey(hit, known=True)
        text = normalise_source(name)
        if not text:
            return None
        padded = f" {text} "
        # A longer attribution often embeds the source: "NIS, according to lawmaker Lee".
        for alias in _EMBEDDABLE_ALIASES:
            if f" {alias} " in padded:
                return SourceKey(_ALIAS_TO_SOURCE[alias], known=True)
        match = process.extractOne(
            text, _EMBEDDABLE_ALIASES, scorer=fuzz.ratio, score_cutoff=self._fuzzy_threshold
        )
        if match is not None:
            return SourceKey(_ALIAS_TO_SOURCE[match[0]], known=True)
        return SourceKey(text, known=False)


def count_independent_origins(
    origins_by_article: Mapping[str, Collection[str]],
    derivative_pairs: Iterable[tuple[str, str]] = (),
) -> int:
    """Count the independent origins behind a fact.

    `origins_by_article` maps each supporting article id to the origin keys its items
    give: the resolved upstream sources, or the article's own outlet when an item cites
    none. Articles sharing an origin key, and article pairs in `derivative_pairs`, are
    joined; the answer is the number of groups holding at least one supporting article.
    """
    # Union-find over origin keys only (there are far fewer of them than articles): an
    # article joins all of its origins, and an article citing none stands for itself.
    sets: UnionFind[str] = UnionFind()
    anchor: dict[str, str] = {}
    for article_id, origins in origins_by_article.items():
        keys = sorted(origins) or ["article\x00" + article_id]
        anchor[article_id] = keys[0]
        for key in keys:
            sets.union(keys[0], key)
    for a, b in derivative_pairs:
        if a in anchor and b in anchor:
            sets.union(anchor[a], anchor[b])
    return len({sets.find(key) for key in anchor.values()})


@dataclass(frozen=True)
class _Shingled:
    """An article's word tokens (with character offsets) and its shingles by position."""

    article: Article
    tokens: tuple[tuple[str, int, int], ...]
    shingles: tuple[tuple[str, ...], ...]


def _shingle(article: Article, size: int) -> _Shingled:
    tokens = tuple(
        (match.group().casefold(), match.start(), match.end())
        for match in _WORD.finditer(article.text)
    )
    words = [token for token, _, _ in tokens]
    if len(words) < size:
        shingles: tuple[tuple[str, ...], ...] = (tuple(words),) if words else ()
    else:
        shingles = tuple(tuple(words[i : i + size]) for i in range(len(words) - size + 1))
    return _Shingled(article, tokens, shingles)


def _span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


def _shared_passages(a: _Shingled, b: _Shingled, max_passages: int) -> list[SharedPassage]:
    """Maximal runs of consecutive shingles that appear in the same order in both texts."""
    first_in_b: dict[tuple[str, ...], int] = {}
    for position, shingle in enumerate(b.shingles):
        first_in_b.setdefault(shingle, position)
    runs: list[tuple[int, int, int]] = []  # (length in shingles, start in a, start in b)
    i = 0
    while i < len(a.shingles):
        j = first_in_b.get(a.shingles[i])
        if j is None:
            i += 1
            continue
        length = 1
        while (
            i + length < len(a.shingles)
            and j + length < len(b.shingles)
            and a.shingles[i + length] == b.shingles[j + length]
        ):
            length += 1
        runs.append((length, i, j))
        i += length
    runs.sort(key=lambda run: (-run[0], run[1], run[2]))
    passages: list[SharedPassage] = []
    for length, i, j in sorted(runs[:max_passages], key=lambda run: (run[1], run[2])):
        words = length + len(a.shingles[i]) - 1
        a_start, a_end = a.tokens[i][1], a.tokens[i + words - 1][2]
        b_start, b_end = b.tokens[j][1], b.tokens[j + words - 1][2]
        passages.append(
            SharedPassage(
                span_a=_span(a.article.text, a_start, a_end),
                span_b=_span(b.article.text, b_start, b_end),
            )
        )
    return passages


def detect_derivatives(
    articles: Sequence[Article],
    *,
    threshold: float,
    containment_threshold: float,
    min_shingles: int,
    shingle_size: int,
    max_passages: int,
) -> list[DerivativePair]:
    """Article pairs whose texts share most of their word shingles, sorted by id pair.

    A pair is derivative when the Jaccard similarity of its shingle sets reaches
    `threshold`, or when at least `containment_threshold` of the shorter text's shingles
    (it having at least `min_shingles`) appear in the longer one: a rewrite that pads a
    wire story with new paragraphs keeps a high containment but a lower Jaccard. Only
    pairs that share a shingle are compared, so unrelated articles cost nothing.
    Articles are expected to have distinct ids.
    """
    shingled = [_shingle(article, shingle_size) for article in sorted(articles, key=_by_id)]
    sets = [frozenset(item.shingles) for item in shingled]
    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, shingles in enumerate(sets):
        for shingle in shingles:
            postings[shingle].append(index)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for indices in postings.values():
        for x, first in enumerate(indices):
            for second in indices[x + 1 :]:
                shared[(first, second)] += 1
    pairs: list[DerivativePair] = []
    for (first, second), common in sorted(shared.items()):
        size_a, size_b = len(sets[first]), len(sets[second])
        jaccard = common / (size_a + size_b - common)
        smaller = min(size_a, size_b)
        contained = common / smaller
        if jaccard < threshold and (contained < containment_threshold or smaller < min_shingles):
            continue
        pairs.append(
            DerivativePair(
                article_a=shingled[first].article.id,
                article_b=shingled[second].article.id,
                similarity=round(jaccard, 4),
                containment=round(contained, 4),
                evidence=_shared_passages(shingled[first], shingled[second], max_passages),
            )
        )
    return pairs


def _by_id(article: Article) -> str:
    return article.id
