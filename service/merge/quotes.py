"""Quote facts: normalised words within `quote_match`, or a fragment of a longer quote.

Quotes are `agreed` when the outlets quote the same words, `compatible` when the wording
differs (a fragment, a variant), and `conflicting` when they attribute the words to
different speakers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from typing import Final

from rapidfuzz import fuzz

from schemas.consensus import FactStatus
from schemas.record import EventRecord
from service.merge.context import MergeContext
from service.merge.drafts import (
    Draft,
    Observation,
    count_outlets,
    grouped_values,
    observe,
    with_outlets,
)
from service.merge.grouping import most_common
from service.merge.tokens import WORDS, fold
from service.merge.vocabulary import NOT_NAMES as _NOT_NAMES
from service.text.groups import group_linked

_QUOTE_CHARS: Final = str.maketrans(
    dict.fromkeys("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201f\u2039\u203a[]()\u2026", " ")
)


_MAX_QUOTE_CHARS_IN_STATEMENT: Final = 120


@cache
def _quote_key(text: str) -> str:
    """Quote words, case and punctuation removed: what two outlets quoting alike share."""
    return " ".join(WORDS.findall(fold(text.translate(_QUOTE_CHARS))))


def _shingles(words: Sequence[str], size: int) -> list[tuple[str, ...]]:
    if len(words) <= size:
        return [tuple(words)]
    return [tuple(words[i : i + size]) for i in range(len(words) - size + 1)]


def build_quote_facts(ctx: MergeContext) -> list[Draft]:
    """One draft per quote quoted alike (the same words, or a fragment of them)."""
    keyed: dict[str, list[tuple[EventRecord, int]]] = defaultdict(list)
    for record in ctx.records:
        for index, quote in enumerate(record.quotes):
            keyed[_quote_key(quote.text)].append((record, index))
    texts = sorted(keyed)
    words = [text.split() for text in texts]
    tol = ctx.tol

    def same_words(a: int, b: int) -> bool:
        if fuzz.ratio(texts[a], texts[b]) >= tol.quote_match:
            return True
        shorter = min(len(texts[a]), len(texts[b]))
        return (
            shorter >= tol.quote_fragment_min_chars
            and fuzz.partial_ratio(texts[a], texts[b]) >= tol.quote_match
        )

    clusters = group_linked(len(texts), [_shingles(w, 3) for w in words], same_words)
    drafts: list[Draft] = []
    for cluster in clusters:
        obs: list[Observation] = []
        speakers: dict[str, set[str]] = defaultdict(set)
        for i in cluster:
            for record, index in keyed[texts[i]]:
                quote = record.quotes[index]
                speaker = ctx.names.resolve([quote.speaker]) if quote.speaker else ""
                if quote.speaker:
                    speakers[speaker].add(quote.speaker.strip())
                obs.append(
                    observe(
                        ctx,
                        record,
                        quote,
                        quote.text,
                        attributed_to=quote.speaker,
                        group=f"{texts[i]}\x1f{speaker}",
                        upstream=quote.via,
                    )
                )
        counts = {texts[i]: len({r.article_id for r, _ in keyed[texts[i]]}) for i in cluster}
        key = most_common(counts, lambda t: (-len(t), t))
        status: FactStatus
        if count_outlets(obs) == 1:
            status = "single_source"
        elif _second_speaker(speakers):
            status = "conflicting"
        elif len(cluster) == 1:
            status = "agreed"
        else:
            status = "compatible"
        shown = min(o.text for o in obs if _quote_key(o.text) == key).strip()
        if len(shown) > _MAX_QUOTE_CHARS_IN_STATEMENT:
            shown = shown[: _MAX_QUOTE_CHARS_IN_STATEMENT - 1].rstrip() + "…"
        named = {k: v for k, v in speakers.items() if any(_names_someone(n) for n in v)}
        who = " / ".join(min(names) for _, names in sorted((named or speakers).items()))
        line = f"“{shown}”" + (f" — {who}" if who else "")
        statement = f"{line}: conflicting attribution" if status == "conflicting" else line
        drafts.append(
            Draft(
                "quote",
                key,
                status,
                with_outlets(statement, obs),
                grouped_values(ctx, obs, lambda g: g),
                obs,
            )
        )
    return drafts


def _names_someone(speaker: str) -> bool:
    """Whether a speaker's words name someone: a capitalised word that is no pronoun,
    article or title ('Judge Osei', 'Norland Air'). 'he', 'the judge', 'Secretary' and
    'the company' only point at someone the words do not name."""
    return any(
        word[:1].isupper() and word.casefold() not in _NOT_NAMES
        for word in re.findall(r"[^\W\d_][\w'\u2019-]*", speaker)
    )


def _second_speaker(speakers: dict[str, set[str]]) -> bool:
    """Whether the outlets give the words to two speakers: two names that are not one by
    holding each other. 'Halvorsen' and 'Halvorsen Chief Executive Ingrid Toller' name one
    speaker, more or less fully (the company speaking through its head), and so do
    'Lena Vik' and 'Norland Air' where a third outlet says 'Norland Air's Lena Vik'. A
    speaker that names no one ('he', 'the judge': `_names_someone`) contradicts
    no one."""
    if len(speakers) < 2:  # one speaker however the outlets spell the name
        return False
    names = sorted(
        {
            frozenset(WORDS.findall(fold(n)))
            for group in speakers.values()
            for n in group
            if _names_someone(n)
        },
        key=sorted,
    )
    one_speaker = group_linked(
        len(names), names, lambda a, b: names[a] <= names[b] or names[b] <= names[a]
    )
    return len(one_speaker) > 1
