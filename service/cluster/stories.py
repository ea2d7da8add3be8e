"""Stories: events of the same kind about the same people (two rehab check-ins of one
actress, a quake and its aftershock), found over events rather than articles.

An event is summarised by the sum of its articles' vectors; the similarity of two events
is the mean similarity of their article pairs, `sum_a · sum_b / (n_a * n_b)` (average
linkage, computed in one dot product). Two events are compared when their articles share
an index key; those at least `story_threshold` alike are linked, and each group of linked
events is clustered by average linkage over events, cut at `story_threshold`. Working on
events keeps the groups small: linking articles this loosely would chain whole topics.
Like the events, the stories depend on the set of articles only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage

from service.cluster.features import Features
from service.cluster.vectors import DECIMALS, matrix
from service.text.groups import UnionFind


@dataclass(frozen=True)
class EventSummary:
    """What the story level knows of an event."""

    key: str
    """The event's id (any ordered, unique string)."""
    total: dict[str, float]
    """Sum of its articles' vectors."""
    size: int
    keys: frozenset[str]
    """Every index key of its articles."""


def summarise_event(key: str, members: Iterable[Features]) -> EventSummary:
    """The summary of one event from its articles' features."""
    total: dict[str, float] = defaultdict(float)
    keys: set[str] = set()
    size = 0
    for item in members:
        size += 1
        keys.update(item.keys)
        for term, weight in item.vector.items():
            total[term] += weight
    return EventSummary(key=key, total=dict(total), size=size, keys=frozenset(keys))


def event_similarity(a: EventSummary, b: EventSummary) -> float:
    """Mean similarity of the article pairs of two events."""
    small, large = (a.total, b.total) if len(a.total) <= len(b.total) else (b.total, a.total)
    return sum(w * large.get(t, 0.0) for t, w in small.items()) / (a.size * b.size)


class EventIndex:
    """Inverted index: key → ids of the events holding an article with that key."""

    def __init__(self) -> None:
        self._postings: dict[str, set[str]] = defaultdict(set)

    def add(self, event: EventSummary) -> None:
        """Index an event under its keys."""
        for key in event.keys:
            self._postings[key].add(event.key)

    def remove(self, event: EventSummary) -> None:
        """Forget an event (it merged, split or grew)."""
        for key in event.keys:
            posting = self._postings.get(key)
            if posting is not None:
                posting.discard(event.key)
                if not posting:
                    del self._postings[key]

    def candidates(self, event: EventSummary) -> set[str]:
        """Events sharing a key with `event` (itself excluded)."""
        found: set[str] = set()
        for key in event.keys:
            found.update(self._postings.get(key, ()))
        found.discard(event.key)
        return found


def linked_events(
    event: EventSummary, index: EventIndex, known: dict[str, EventSummary], threshold: float
) -> list[str]:
    """Events of `known` linked to `event`: a shared key and a similarity ≥ `threshold`."""
    return sorted(
        other
        for other in index.candidates(event)
        if other in known and round(event_similarity(event, known[other]), DECIMALS) >= threshold
    )


def story_groups(
    events: Sequence[EventSummary], index: EventIndex, threshold: float
) -> list[list[str]]:
    """Stories (lists of event keys, each sorted) of a closed set of events: every event
    linked to one of them is among them. Each linked group is split by average linkage."""
    ordered = sorted(events, key=lambda e: e.key)
    position = {e.key: i for i, e in enumerate(ordered)}
    totals = matrix([e.total for e in ordered])
    sizes = np.array([e.size for e in ordered], dtype=float)
    sets: UnionFind[str] = UnionFind(position)
    for i, event in enumerate(ordered):
        others = sorted(position[k] for k in index.candidates(event) if k in position)
        if not others:
            continue
        # Mean pair similarity with each candidate, in one sparse product.
        sims = np.round(
            (totals[others] @ totals[i].T).toarray().ravel() / (sizes[others] * sizes[i]),
            DECIMALS,
        )
        for j, sim in zip(others, sims, strict=True):
            if sim >= threshold:
                sets.union(event.key, ordered[j].key)
    stories: list[list[str]] = []
    for group in sets.groups():
        stories.extend(split_story([ordered[position[k]] for k in group], threshold))
    return sorted(stories)


def mean_similarities(totals: sparse.csr_matrix, sizes: np.ndarray) -> np.ndarray:
    """The events' pairwise similarities (rows of `totals` and their `sizes`), rounded."""
    products: np.ndarray = (totals @ totals.T).toarray()
    return np.round(products / np.outer(sizes, sizes), DECIMALS)


def split_story(
    events: Sequence[EventSummary], threshold: float, sims: np.ndarray | None = None
) -> list[list[str]]:
    """Average linkage over the events of one linked group, cut at `threshold`.

    `sims`, when given, is `mean_similarities` of the events ordered by key (computed
    once by a caller that holds their rows)."""
    ordered = sorted(events, key=lambda e: e.key)
    n = len(ordered)
    if n == 1:
        return [[ordered[0].key]]
    if sims is None:
        totals = matrix([e.total for e in ordered])
        sims = mean_similarities(totals, np.array([e.size for e in ordered], dtype=float))
    distances = np.clip(1.0 - sims[np.triu_indices(n, k=1)], 0.0, 1.0)
    tree = linkage(distances, method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    grouped: dict[int, list[str]] = defaultdict(list)
    for event, label in zip(ordered, labels, strict=True):
        grouped[int(label)].append(event.key)
    return sorted(grouped.values())
