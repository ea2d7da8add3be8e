"""The story level kept between arrivals (`online`): every event, its row over one
vocabulary, and its links to the events at least `story_threshold` alike.

Events never change in place: one that grows, splits or merges is removed and its
successor added. Adding an event compares it once with the events it shares an index key
with (one sparse product), so the links stay current without being computed again; the
stories of the events an arrival touched are then found over the kept links
(`stories_of`): the linked groups they are in, each split by average linkage from one
similarity matrix. The same rules as `stories.story_groups`, so the same stories.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from service.cluster.stories import EventIndex, EventSummary, mean_similarities, split_story
from service.cluster.vectors import DECIMALS, SparseRow, Vocabulary
from service.text.groups import UnionFind


class EventLinks:
    """Events, their rows and their links (an undirected graph kept up to date)."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.events: dict[str, EventSummary] = {}
        self._index = EventIndex()
        self._vocabulary = Vocabulary()
        self._rows: dict[str, SparseRow] = {}
        self._links: dict[str, set[str]] = {}

    def add(self, event: EventSummary) -> None:
        """Keep an event and link it to the kept events alike enough."""
        row = self._vocabulary.row(event.total)
        others = sorted(self._index.candidates(event))
        linked: set[str] = set()
        if others:
            rows = self._vocabulary.stack([self._rows[o] for o in others])
            sizes = np.array([self.events[o].size for o in others], dtype=float)
            products = (rows @ self._vocabulary.stack([row]).T).toarray().ravel()
            sims = np.round(products / (sizes * event.size), DECIMALS)
            linked = {o for o, sim in zip(others, sims, strict=True) if sim >= self.threshold}
        self.events[event.key] = event
        self._index.add(event)
        self._rows[event.key] = row
        self._links[event.key] = linked
        for other in linked:
            self._links[other].add(event.key)

    def remove(self, key: str) -> None:
        """Forget an event (it grew, split or merged) and its links."""
        event = self.events.pop(key, None)
        if event is None:
            return
        self._index.remove(event)
        del self._rows[key]
        for other in self._links.pop(key):
            self._links[other].discard(key)

    def closure(self, start: Iterable[str]) -> list[str]:
        """`start` and every event linked to them, transitively; sorted."""
        seen = set(start)
        queue = list(seen)
        while queue:
            for other in self._links[queue.pop()]:
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        return sorted(seen)

    def stories_of(self, start: Iterable[str]) -> dict[str, str]:
        """Event → story id (its smallest event id) for `start` and every event linked
        to them: whole linked groups, each split by average linkage."""
        keys = self.closure(start)
        position = {k: i for i, k in enumerate(keys)}
        sizes = np.array([self.events[k].size for k in keys], dtype=float)
        sims = mean_similarities(self._vocabulary.stack([self._rows[k] for k in keys]), sizes)
        sets: UnionFind[str] = UnionFind(keys)
        for key in keys:
            for other in self._links[key]:
                sets.union(key, other)
        story_of: dict[str, str] = {}
        for group in sets.groups():
            at = [position[k] for k in sorted(group)]
            chosen = sims[np.ix_(at, at)]
            for story in split_story([self.events[k] for k in group], self.threshold, chosen):
                story_of.update((e, min(story)) for e in story)
        return story_of
