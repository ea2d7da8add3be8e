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
from scipy.cluster.hierarchy import fcluster, linkage

from service.cluster.features import Features
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
        if other in known and event_similarity(event, known[other]) >= threshold
    )


def story_groups(
    events: Sequence[EventSummary], index: EventIndex, threshold: float
) -> list[list[str]]:
    """Stories (lists of event keys, each sorted) of a closed set of events: every event
    linked to one of them is among them. Each linked group is split by average linkage."""
    known = {e.key: e for e in events}
    sets: UnionFind[str] = UnionFind(sorted(known))
    for event in events:
        for other in linked_events(event, index, known, threshold):
            sets.union(event.key, other)
    stories: list[list[str]] = []
    for group in sets.groups():
        stories.extend(split_story([known[k] for k in group], threshold))
    return sorted(stories)


def split_story(events: Sequence[EventSummary], threshold: float) -> list[list[str]]:
    """Average linkage over the events of one linked group, cut at `threshold`."""
    ordered = sorted(events, key=lambda e: e.key)
    n = len(ordered)
    if n == 1:
        return [[ordered[0].key]]
    distances = np.array(
        [1.0 - event_similarity(ordered[i], ordered[j]) for i in range(n) for j in range(i + 1, n)]
    )
    tree = linkage(np.clip(distances, 0.0, 1.0), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    grouped: dict[int, list[str]] = defaultdict(list)
    for event, label in zip(ordered, labels, strict=True):
        grouped[int(label)].append(event.key)
    return sorted(grouped.values())
