"""Online assignment: one article at a time, against the state kept in the database.

`OnlineClusterer.add(article)` links the article to the earlier ones (the same index and
threshold as `batch`), joins the components it links, and re-splits that one component
into events (`linkage.split_component`, over article rows kept once, `KeptRows`); an
event the re-split leaves as it was (its id and exactly its articles) stays as it is,
and `links.EventLinks` settles the stories of the events that changed: it keeps every
event's links, near events and linked group, and splits again only the stories it
cannot show to be unchanged. That re-split is the periodic merge of clusters that grew
together, done exactly when an article bridges them.

The work per article follows the size of its component and the events near it, plus
two products in C over earlier items: with the articles sharing an index key with it
inside the window, and with the events sharing any word with it (synthetic filler
words make that nearly all). The small products of a re-split are summed by
`products.products` (scipy's sums without its matrices), and a save writes only the
rows that changed, with statements built once. CPU per arrival at 10,000 synthetic
articles, 2 cores loaded by other work (load average 8-10): stories 1.5 ms (their
splits 1.0), the save 1.2 (plus the WAL's sync, wall time only), re-adding the changed
events 1.1, features 0.9, the component's split 0.8, the candidate links 0.4. Run side
by side with the code before those cuts, at the same moment (load average 9-13), 10,000
arrivals took 69.0 s of CPU instead of 87.0 (1,000: 4.8 instead of 6.7); the README
has the `make bench-cluster` numbers. What still grows is the component (14.9 articles
on average per arrival at 10,000, 3.7 at 1,000) and the events near an arrival (the
synthetic topics gather more events as the stream grows, all inside the time window).

Cluster ids stay stable: after a re-split each new event takes the id of the old cluster
it shares most articles with; an old cluster left without one is recorded as merged into
the event that took most of its articles. A story's id is the smallest id of its events.

The in-memory indexes are rebuilt from the store at startup; one process per database
writes it (as for the job queue).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from schemas.article import Article
from service.cluster.features import Features, features_of
from service.cluster.index import KeyIndex, neighbours
from service.cluster.linkage import Group, split_component
from service.cluster.links import EventLinks
from service.cluster.store import ClusterRow, ClusterStore
from service.cluster.stories import summarise_event
from service.cluster.vectors import KeptRows, window_of
from service.settings import ClusterSettings

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""Placeholder times of rows about to be written (the store sets the real ones)."""


@dataclass(frozen=True)
class Assignment:
    """Where an article landed."""

    article_id: str
    cluster_id: str
    story_id: str
    cluster_size: int
    created: bool
    """False when the article had been posted before (nothing changed)."""
    same_content: bool = True
    """False when an earlier article with this id had other content (it is kept)."""


def _ranked(overlap: Counter[tuple[int, str]]) -> list[tuple[int, str]]:
    return [k for k, _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0]))]


def match_ids(groups: list[Group], old_of: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Ids for `groups` (each keeps the old id it shares most articles with, else a new
    one) and old id → the id of the group that took most of its articles."""
    overlap: Counter[tuple[int, str]] = Counter(
        (g, old_of[a]) for g, group in enumerate(groups) for a in group.article_ids if a in old_of
    )
    ids: list[str | None] = [None] * len(groups)
    taken: set[str] = set()
    for g, old in _ranked(overlap):
        if ids[g] is None and old not in taken:
            ids[g] = old
            taken.add(old)
    final = [i if i is not None else uuid.uuid4().hex for i in ids]
    merged: dict[str, str] = {}
    for g, old in _ranked(overlap):
        if old not in taken and old not in merged:
            merged[old] = final[g]
    return final, merged


class OnlineClusterer:
    """Assigns posted articles to event clusters; state in `ClusterStore`."""

    def __init__(self, store: ClusterStore, settings: ClusterSettings) -> None:
        self.store = store
        self.settings = settings
        self._lock = threading.Lock()
        self._reload()

    def _reload(self) -> None:
        """Rebuild every in-memory index from the store."""
        self._index = KeyIndex(window_of(self.settings))
        self._known: dict[str, Features] = {}
        self._vectors = KeptRows()
        self._component: dict[str, str] = {}
        self._members: dict[str, set[str]] = {}
        self._cluster: dict[str, str] = {}
        self._rows: dict[str, ClusterRow] = {}
        self._stories: dict[str, set[str]] = defaultdict(set)
        for row in self.store.live():
            self._set_row(row)
        self._events = EventLinks(self.settings.story_threshold)
        by_event: dict[str, list[Features]] = defaultdict(list)
        for stored in self.store.load():
            features = stored.features
            self._known[features.article_id] = features
            self._vectors.add(features)
            self._index.add(features)
            self._move(features.article_id, stored.component, stored.cluster_id)
            by_event[stored.cluster_id].append(features)
        for event_id, members in by_event.items():
            self._events.add(summarise_event(event_id, members))
        self._events.stories_of(())  # every story found again (and certified)

    def __len__(self) -> int:
        return len(self._known)

    def _move(self, article_id: str, component: str, cluster_id: str) -> None:
        before = self._component.get(article_id)
        if before is not None and before != component:
            self._members[before].discard(article_id)
            if not self._members[before]:
                del self._members[before]
        self._component[article_id] = component
        self._members.setdefault(component, set()).add(article_id)
        self._cluster[article_id] = cluster_id

    def _set_row(self, row: ClusterRow) -> None:
        self._drop_row(row.id)
        self._rows[row.id] = row
        self._stories[row.story_id].add(row.id)

    def _drop_row(self, event_id: str) -> None:
        row = self._rows.pop(event_id, None)
        if row is not None:
            mates = self._stories[row.story_id]
            mates.discard(event_id)
            if not mates:
                del self._stories[row.story_id]

    def add(self, article: Article) -> Assignment:
        """Assign one article (stored at once); re-posting the same article changes nothing."""
        with self._lock:
            if article.id in self._known:
                return self._existing(article)
            try:
                return self._add(article)
            except BaseException:
                self._reload()  # nothing half-done stays in memory: the store is the truth
                raise

    def _existing(self, article: Article) -> Assignment:
        found = self.store.article(article.id)
        cluster_id = self._cluster[article.id]
        row = self._rows[cluster_id]
        return Assignment(
            article_id=article.id,
            cluster_id=cluster_id,
            story_id=row.story_id,
            cluster_size=row.size,
            created=False,
            same_content=found is not None
            and found[0].model_dump_json() == article.model_dump_json(),
        )

    def _add(self, article: Article) -> Assignment:
        features = features_of(article, self.settings)
        self._vectors.add(features)  # (a failed arrival reloads everything)
        linked = neighbours(features, self._index, self._vectors, self.settings.event_threshold)
        components = {self._component[a] for a in linked}
        member_ids = {article.id}.union(*(self._members[c] for c in components))

        def known(article_id: str) -> Features:
            return features if article_id == article.id else self._known[article_id]

        groups = split_component(
            [known(a) for a in sorted(member_ids)], self.settings, self._vectors
        )
        old_of = {a: self._cluster[a] for a in member_ids if a != article.id}
        ids, merged = match_ids(groups, old_of)
        component = min(member_ids)
        placed = {a: cid for g, cid in zip(groups, ids, strict=True) for a in g.article_ids}
        # An event that kept its id and exactly its articles stays as it is; the others
        # of the component go and their successors come (in memory, then stored).
        changed = [
            (group, cid)
            for group, cid in zip(groups, ids, strict=True)
            if cid not in self._rows
            or self._rows[cid].size != len(group.article_ids)
            or any(old_of.get(a) != cid for a in group.article_ids)
        ]
        gone = set(old_of.values()) - (set(ids) - {cid for _, cid in changed})
        mates = {e for old in gone for e in self._story_mates(old)} - gone
        for old in gone:
            self._events.remove(old)
        for group, cid in changed:
            self._events.add(summarise_event(cid, (known(a) for a in group.article_ids)))
        story_of = self._events.stories_of({cid for _, cid in changed} | mates)
        rows = {
            cid: ClusterRow(
                id=cid,
                story_id=story_of[cid],
                label=group.label,
                size=len(group.article_ids),
                first_day=group.first_day,
                last_day=group.last_day,
                merged_into=None,
                created_at=_EPOCH,
                updated_at=_EPOCH,
            )
            for group, cid in changed
        }
        for event_id, story_id in story_of.items():
            if event_id not in rows and self._rows[event_id].story_id != story_id:
                rows[event_id] = replace(self._rows[event_id], story_id=story_id)
        moved = {
            a: (component, placed[a])
            for a in member_ids
            if a == article.id or (self._component[a], self._cluster[a]) != (component, placed[a])
        }
        created = {cid for _, cid in changed if cid not in self._rows}
        self.store.save(article, features, moved, list(rows.values()), created, merged)
        self._known[article.id] = features
        self._index.add(features)
        for article_id, (comp, cluster_id) in moved.items():
            self._move(article_id, comp, cluster_id)
        for old in merged:
            self._drop_row(old)
        for row in rows.values():
            self._set_row(row)
        mine = rows[placed[article.id]]
        return Assignment(
            article_id=article.id,
            cluster_id=mine.id,
            story_id=mine.story_id,
            cluster_size=mine.size,
            created=True,
        )

    def _story_mates(self, event_id: str) -> set[str]:
        row = self._rows.get(event_id)
        return set(self._stories.get(row.story_id, ())) if row is not None else set()
