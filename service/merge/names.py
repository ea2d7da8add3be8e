"""Which person or body a name means: the name index one merge builds from its records.

Names lose titles and honorifics ("Mr Kim", "Comrade Kim Jong Un", "North Korean leader
Kim Jong Un" → "kim jong un"), hyphens and spacing ("Choe Son-hui" = "Choe Son Hui" =
"Choe Sonhui"). An item's canonical name, name and multi-word aliases are one person;
names within `name_match` (rapidfuzz) join; a surname-only mention ("Kim", "Mr Lee")
joins the one full name starting or ending with it, and stays apart when two full names
do. Spellings of one source ("NIS" / "National Intelligence Service") join when the
merge's `SourceResolver` joined them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Final

from rapidfuzz import fuzz

from service.merge.sources import SourceResolver
from service.merge.tokens import WORDS, fold, lemmatise
from service.merge.vocabulary import STOP_WORDS, TITLE_WORDS
from service.text.groups import UnionFind, group_linked

_MIN_DISTINCTIVE_CHARS: Final = 3


@cache
def name_tokens(name: str) -> tuple[str, ...]:
    """A name's words without titles: 'Comrade Kim Jong-un' → ('kim', 'jong', 'un')."""
    words = WORDS.findall(fold(name))
    last_title = max((i for i, word in enumerate(words[:-1]) if word in TITLE_WORDS), default=-1)
    return tuple(words[last_title + 1 :])


class NameIndex:
    """Clusters person and organisation names; resolves any mention to its cluster root."""

    def __init__(
        self, mentions: Iterable[Sequence[str]], name_match: float, sources: SourceResolver
    ) -> None:
        self._sources = sources
        self._sets: UnionFind[str] = UnionFind()
        spaced: set[str] = set()
        for names in sorted({tuple(sorted(set(group))) for group in mentions}):
            strong = self._strong_keys(names)
            for key in strong:
                self._sets.union(strong[0], key)
            spaced.update(" ".join(name_tokens(n)) for n in names if len(name_tokens(n)) > 1)
        distinct = sorted(spaced)
        tokens = [name.split() for name in distinct]

        def similar(a: int, b: int) -> bool:
            score = max(
                fuzz.ratio(distinct[a], distinct[b]),
                fuzz.token_sort_ratio(distinct[a], distinct[b]),
            )
            return score >= name_match

        for group in group_linked(len(distinct), tokens, similar):
            for index in group[1:]:
                self._sets.union(_compact(distinct[group[0]]), _compact(distinct[index]))
        self._surnames: dict[str, set[str]] = defaultdict(set)
        owners: dict[str, set[str]] = defaultdict(set)
        for name, words in zip(distinct, tokens, strict=True):
            root = self._sets.find(_compact(name))
            self._surnames[words[0]].add(root)
            self._surnames[words[-1]].add(root)
            for word in words:
                owners[lemmatise(word)].add(root)
        # Words that point at one person only ('putin', 'jinping'; not 'kim'). Short ones
        # are left out: 'un' or 'xi' also occur as ordinary tokens ('UN Charter').
        self._distinctive = {
            word: next(iter(roots))
            for word, roots in owners.items()
            if len(roots) == 1 and len(word) >= _MIN_DISTINCTIVE_CHARS and word not in STOP_WORDS
        }

    def people_in(self, tokens: Iterable[str]) -> frozenset[str]:
        """The people a what-is-counted text names through their distinctive words."""
        return frozenset(self._distinctive[t] for t in tokens if t in self._distinctive)

    def _strong_keys(self, names: Sequence[str]) -> tuple[str, ...]:
        """Keys that identify one person or body: multi-word names, compacted, and sources
        whose spellings met. A single word ('Kim') is not among them: it may be anyone
        with that surname."""
        keys = set(_word_keys(tuple(names)))
        for name in names:
            source = self._sources.known(name)
            if source is not None:
                keys.add("src:" + source)
        return tuple(sorted(keys))

    def resolve(self, names: Sequence[str]) -> str:
        """The cluster of a mention given as all its names (canonical name, aliases...)."""
        strong = self._strong_keys(names)
        if strong:
            return self._sets.find(strong[0])
        singles = sorted({name_tokens(name)[0] for name in names if name_tokens(name)})
        for single in singles:
            roots = self._surnames.get(single, set())
            if len(roots) == 1:
                return next(iter(roots))
        # An ambiguous or unknown surname stays its own cluster.
        return "~" + (singles[0] if singles else "")


@cache
def _word_keys(names: tuple[str, ...]) -> tuple[str, ...]:
    """The compacted multi-word names among `names`."""
    return tuple("".join(words) for words in map(name_tokens, names) if len(words) > 1)


def _compact(spaced: str) -> str:
    return spaced.replace(" ", "")
