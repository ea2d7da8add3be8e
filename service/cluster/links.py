"""The story level kept between arrivals (`online`): every event, its row over one
vocabulary, the events near it, its links and its story.

Events never change in place: one that grows, splits or merges is removed and its
successor added. Adding an event compares it once with every kept event (one sparse
product that reads only the events sharing a term with it). That gives its *links* (the
events sharing an index key with it and at least `story_threshold` alike, the batch's
rule) and the events *near* it (at least `story_threshold` alike, key or not).

**Stories without re-splitting a whole linked group.** The batch splits each linked group
by average linkage (`stories.split_story`). Weak links chain many stories into one large
group (a synthetic stream of 5,000 articles: 861 of its 978 events in one), and splitting
it again at every arrival costs a matrix and a linkage over the whole group. Instead a
story is *settled* when

1. every event outside it is further from each of its events than its own highest merge
   (then no part of it merges with anything outside before it is whole: average linkage
   merges in order of distance, and a mean distance is at least its smallest term), and
2. every event outside it has a mean distance to its events above the cut (then, whole,
   it never merges again: its mean distance to any cluster is a mean of those).

An event not near any of its events meets both, so only the near ones are checked. A
settled story comes out of its group's linkage as it is, whatever else the group holds.
At an arrival, the new events, the stories that lost an event and those a new event is
near are split again by average linkage, alone: nothing settled takes part in their
merges. Together with them go the unsettled events near them, and those near these, and
so on (in the same group): two clusters merge within the cut only if some pair of their
events is near, so the unsettled events not reached split as they did before and keep
their stories. That is the batch's result exactly.

**Groups without walking them.** Each event's linked group is kept across arrivals: a new
event joins the groups of the events it links (the smaller ones move into the largest).
A removed event may have held its group together; a walk from one of its linked events
that stops as soon as it met the others says whether it did, and only then are those
groups walked again (rarely: about 25 times in the 5,000 arrivals above). So the work per
arrival depends on the events near the arrival, not on the size of its group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from service.cluster.settle import Block, Story, connected, linked_groups, story_linkage, verdicts
from service.cluster.stories import EventIndex, EventSummary
from service.cluster.vectors import DECIMALS, RowStore

NEAR_MARGIN = 1e-6
"""Events this little below the threshold still count as near (well beyond `settle.MARGIN`)."""


class EventLinks:
    """Events, their rows, links, near events and stories, kept up to date."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.events: dict[str, EventSummary] = {}
        self._index = EventIndex()
        self._rows = RowStore()
        self._links: dict[str, set[str]] = {}
        self._near: dict[str, set[str]] = {}
        self._story: dict[str, Story] = {}
        self._unsettled: set[str] = set()
        """Events without a story, or in a story not settled."""
        self._fresh: set[str] = set()
        """Events added since the stories were last settled."""
        self._changed: set[str] = set()
        """Events removed since then (a successor may have the same key)."""
        self._bridged: set[str] = set()
        """The events linked to those removed since then (do they still meet?)."""
        self._group: dict[str, int] = {}
        """Event → its linked group, kept across arrivals (the groups are never walked but
        when a removed event may have held one together)."""
        self._members: dict[int, set[str]] = {}
        self._groups_made = 0
        self._dirty: set[str] = set()
        """Events near an event of a group just joined to theirs, without a link between
        them, since the stories were last settled (split together from now on)."""

    def add(self, event: EventSummary) -> None:
        """Keep an event, with its links and the events near it."""
        self.remove(event.key)
        row = self._rows.add(event.key, event.total, event.size)
        near = self._rows.similar(row, event.size, self.threshold - NEAR_MARGIN)
        near.pop(event.key, None)
        candidates = self._index.candidates(event)
        linked = {o for o, sim in near.items() if sim >= self.threshold and o in candidates}
        self.events[event.key] = event
        self._index.add(event)
        self._links[event.key] = linked
        self._near[event.key] = set(near)
        for other in linked:
            self._links[other].add(event.key)
        for other in near:
            self._near[other].add(event.key)
        self._join(event.key, linked)
        self._fresh.add(event.key)
        self._unsettled.add(event.key)

    def _new_group(self, keys: set[str]) -> int:
        self._groups_made += 1
        self._members[self._groups_made] = keys
        for key in keys:
            self._group[key] = self._groups_made
        return self._groups_made

    def _leave(self, key: str) -> None:
        group = self._group.pop(key)
        self._members[group].discard(key)
        if not self._members[group]:
            del self._members[group]

    def _join(self, key: str, linked: set[str]) -> None:
        """Put a new event in the group of the events it links, joining their groups (the
        smaller ones move into the largest)."""
        joined = sorted({self._group[o] for o in linked}, key=lambda g: (-len(self._members[g]), g))
        if not joined:
            self._new_group({key})
            return
        kept, *others = joined
        for other in others:
            moving = self._members.pop(other)
            # Unsettled events near each other, unlinked and so far in two groups, are
            # split together from now on.
            for member in moving:
                for near in self._near[member] - self._links[member]:
                    if self._group.get(near, other) != other and self._group[near] in joined:
                        self._dirty.update((member, near))
            for member in moving:
                self._group[member] = kept
            self._members[kept] |= moving
        self._group[key] = kept
        self._members[kept].add(key)

    def remove(self, key: str) -> None:
        """Forget an event (it grew, split or merged), its links and nearness."""
        event = self.events.pop(key, None)
        if event is None:
            return
        self._index.remove(event)
        self._rows.remove(key)
        linked = self._links.pop(key)
        for other in linked:
            self._links[other].discard(key)
        self._bridged |= linked
        self._leave(key)
        for other in self._near.pop(key):
            self._near[other].discard(key)
        self._fresh.discard(key)
        self._changed.add(key)
        self._unsettled.discard(key)

    def _unsettle(self, story: Story) -> set[str]:
        """Forget a story: its events are to be split again. Returns them."""
        for member in story.members:
            if self._story.get(member) is story:
                del self._story[member]
        members = set(story.members) & self.events.keys()
        self._unsettled |= members
        return members

    def stories_of(self, start: Iterable[str]) -> dict[str, str]:
        """Settle the stories after arrivals: event → story id (its smallest event id) for
        every event whose story may have changed (the new events among them). `start`
        names events to look at besides the new ones and those of changed stories."""
        wanted = set(start) | self._fresh | self._dirty
        for key in self._changed:  # a story that lost an event is split again
            story = self._story.get(key)
            if story is not None:
                wanted |= self._unsettle(story)
        # A story a new event is near is no longer settled, unless it still meets the
        # conditions.
        near = {
            story.members: story
            for key in self._fresh
            for other in self._near[key]
            if (story := self._story.get(other)) is not None and story.settled
        }
        stories = list(near.values())
        for story, holds in zip(stories, self._holds(stories), strict=True):
            if not holds:
                self._story.update((m, replace(story, settled=False)) for m in story.members)
                self._unsettled.update(story.members)
                wanted.update(story.members)
        # A removed event may have held its group together: only then is it walked.
        bridged = self._bridged & self.events.keys()
        if not connected(self._links, bridged):
            wanted |= self._regroup(bridged)
        story_of: dict[str, str] = {}
        for part in self._parts(wanted & self._unsettled):
            story_of.update(self._split(part))
        self._fresh.clear()
        self._changed.clear()
        self._bridged.clear()
        self._dirty.clear()
        return story_of

    def _regroup(self, bridged: set[str]) -> set[str]:
        """The groups of `bridged` found again by a walk (a group may have fallen apart);
        returns their unsettled events and those of the stories torn apart with them."""
        pieces = linked_groups(self._links, sorted(bridged))
        for piece in pieces:
            for key in piece:
                self._leave(key)
            self._new_group(piece)
        redo: set[str] = set()
        for piece in pieces:
            redo |= piece & self._unsettled
            for key in piece:
                story = self._story.get(key)
                if story is not None and any(
                    self._group.get(m, self._group[key]) != self._group[key] for m in story.members
                ):
                    redo |= self._unsettle(story)
        return redo

    def _parts(self, start: set[str]) -> list[list[str]]:
        """What to split again: the unsettled events of `start` and, again and again, the
        unsettled events near them, by linked group (each sorted).

        Average linkage merges two clusters within the cut only if some pair of their
        events is (near), so the unsettled events of a group split alone as they split
        together with the others of the group; those not reached keep their stories."""
        reached = set(start)
        frontier = list(start)
        while frontier:
            for other in self._near[frontier.pop()]:
                if other in self._unsettled and other not in reached:
                    reached.add(other)
                    frontier.append(other)
        by_group: dict[int, list[str]] = {}
        for key in reached:
            by_group.setdefault(self._group[key], []).append(key)
        return sorted(sorted(keys) for keys in by_group.values())

    def _distances(self, rows: list[str], columns: list[str]) -> np.ndarray:
        """1 - rounded mean similarity, `rows` by `columns`."""
        products = self._rows.products(rows, columns)
        ours, theirs = self._rows.sizes(rows), self._rows.sizes(columns)
        return 1.0 - np.round(products / np.outer(ours, theirs), DECIMALS)

    def _holds(self, stories: list[Story], known: Block | None = None) -> list[bool]:
        """Whether each story meets conditions (1) and (2) against every event near it
        (the others meet them: they are further than the cut from each of its events).
        One product for all the stories, none when `known` holds the distances of every
        event near them to their events."""
        near = [
            sorted({n for m in story.members for n in self._near[m]} - set(story.members))
            for story in stories
        ]
        if not any(near):
            return [True] * len(stories)
        if known is None:
            rows = sorted({n for found in near for n in found})
            columns = sorted({m for story, found in zip(stories, near, strict=True) if found
                              for m in story.members})  # fmt: skip
            distance = self._distances(rows, columns)
        else:
            rows, columns, distance = known
        return verdicts(stories, near, (rows, columns, distance), 1.0 - self.threshold)

    def _split(self, keys: list[str]) -> dict[str, str]:
        """Average linkage over `keys` (sorted, one linked group), cut at the threshold;
        each story kept, settled or not."""
        cut = 1.0 - self.threshold
        story_of: dict[str, str] = {}
        # The events near `keys` as rows too: one product serves the linkage and `_holds`.
        rows = [*keys, *sorted({n for k in keys for n in self._near[k]} - set(keys))]
        distance = self._distances(rows, keys) if len(rows) > 1 else np.zeros((1, 1))
        found = [
            Story(tuple(members), top, settled=False)
            for members, top in story_linkage(keys, distance[: len(keys)], cut)
        ]
        for story, holds in zip(found, self._holds(found, (rows, keys, distance)), strict=True):
            story = replace(story, settled=holds)
            members = story.members
            for key in members:
                self._story[key] = story
                story_of[key] = members[0]
                if story.settled:
                    self._unsettled.discard(key)
                else:
                    self._unsettled.add(key)
        return story_of
