"""The candidate index: which earlier articles a new one is compared with.

Two articles are compared only when they share one of their index keys (their heaviest
terms, `Features.keys`) and, when both are dated, lie within the time window. Postings are
bucketed by publication day, so a look-up reads the days of the window only: the work per
article stays bounded as the stream grows, instead of growing with every article seen.
The rule is symmetric and depends on the two articles alone, so the edges it yields do not
depend on the order the articles arrive in.
"""

from __future__ import annotations

from collections import defaultdict

from service.cluster.features import Features
from service.cluster.vectors import KeptRows, Window

UNDATED = None


class KeyIndex:
    """Inverted index: key → publication day → article ids."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self._postings: dict[str, dict[int | None, list[str]]] = defaultdict(
            lambda: defaultdict(list)
        )

    def add(self, features: Features) -> None:
        """Index one article under each of its keys."""
        for key in features.keys:
            self._postings[key][features.day].append(features.article_id)

    def candidates(self, features: Features) -> set[str]:
        """Ids of indexed articles sharing a key with `features` inside its window."""
        found: set[str] = set()
        for key in features.keys:
            days = self._postings.get(key)
            if not days:
                continue
            if features.day is None:
                for ids in days.values():
                    found.update(ids)
                continue
            found.update(days.get(UNDATED, ()))
            if len(days) <= 2 * self.window.days + 1:
                for day, ids in days.items():
                    if day is not None and abs(day - features.day) <= self.window.days:
                        found.update(ids)
            else:
                for day in range(
                    features.day - self.window.days, features.day + self.window.days + 1
                ):
                    found.update(days.get(day, ()))
        found.discard(features.article_id)
        return found


def neighbours(features: Features, index: KeyIndex, rows: KeptRows, threshold: float) -> list[str]:
    """Indexed articles linked to `features` (kept in `rows`): a shared key and a
    similarity ≥ `threshold`; the batch's rule and products (`batch.components`)."""
    others = sorted(index.candidates(features))
    if not others:
        return []
    sims = rows.similarities(features.article_id, others, index.window)
    return [other for other, sim in zip(others, sims, strict=True) if sim >= threshold]
