"""Who a fact ultimately comes from, and which articles copy one another.

Five outlets repeating one intelligence briefing are one origin, not five. Two tools
decide that:

* `sources.SourceResolver` maps the names the articles give for a source ("NIS",
  "South Korea's National Intelligence Service") to one key, by general rules over the
  names of one merge (no table of names).
* `detect_derivatives` finds article pairs that share most of their wording (Jaccard
  similarity, or containment, of 5-word shingles) and shows the shared passages.

`count_independent_origins` then counts the connected groups among a fact's articles,
where two articles are joined when they cite the same upstream source, come from the
same outlet, or form a derivative pair.

Everything here is pure and deterministic; texts are compared case-insensitively.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from schemas.article import Article
from schemas.consensus import DerivativePair, SharedPassage
from schemas.record import Span
from service.text.groups import UnionFind

_WORD = re.compile(r"\w+")


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
