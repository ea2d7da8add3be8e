"""Clustering a whole collection at once (`corroborate cluster`, the eval, the benchmark).

The articles are featurised, indexed one by one and linked to the earlier articles they
share a key with (similarity ≥ `event_threshold`, inside the time window); linked articles
form components (union-find), each component is split into events by
`service.cluster.linkage`, and the events are grouped into stories by
`service.cluster.stories`. The online path (`service.cluster.online`) applies the same
rules one article at a time and ends in the same clusters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from schemas.article import Article
from service.cluster.features import Features, features_of
from service.cluster.index import KeyIndex
from service.cluster.linkage import Group, split_component
from service.cluster.stories import EventIndex, story_groups, summarise_event
from service.cluster.vectors import Rows, window_of
from service.errors import InputError
from service.settings import ClusterSettings
from service.text.groups import UnionFind

Progress = Callable[[str, int], None]
"""Called with (stage, articles done in it) while a collection is clustered."""


@dataclass(frozen=True)
class EventCluster:
    """One event: its articles, the story it belongs to, a label and its dates."""

    id: str
    story: str
    article_ids: tuple[str, ...]
    label: str
    first_date: date | None
    last_date: date | None


def _date(day: int | None) -> date | None:
    return date.fromordinal(day) if day is not None else None


def components(
    features: Sequence[Features], settings: ClusterSettings, progress: Progress | None = None
) -> list[list[Features]]:
    """Linked articles, grouped: each component ordered by article id."""
    window = window_of(settings)
    index = KeyIndex(window)
    rows = Rows(features)
    known: dict[str, Features] = {}
    sets: UnionFind[str] = UnionFind()
    for n, item in enumerate(features, start=1):
        sets.find(item.article_id)
        # The same rule as `index.neighbours`, with the products done in bulk.
        others = sorted(index.candidates(item))
        if others:
            sims = rows.similarities(item.article_id, others, window)
            for other, sim in zip(others, sims, strict=True):
                if sim >= settings.event_threshold:
                    sets.union(item.article_id, other)
        index.add(item)
        known[item.article_id] = item
        if progress is not None and n % 200 == 0:
            progress("link", n)
    return [sorted((known[i] for i in ids), key=lambda f: f.article_id) for ids in sets.groups()]


def name_clusters(groups: Sequence[tuple[int, Group]]) -> list[EventCluster]:
    """Ids for a batch: events ordered by first date (undated last) then first article id,
    numbered e00001…; stories numbered s0001… in the order their first event appears.
    `groups` pairs each event with the number of its story."""
    ordered = sorted(
        groups,
        key=lambda cg: (cg[1].first_day is None, cg[1].first_day or 0, cg[1].article_ids[0]),
    )
    width = max(5, len(str(len(ordered))))
    stories: dict[int, str] = {}
    out = []
    for n, (story_number, group) in enumerate(ordered, start=1):
        story = stories.setdefault(story_number, f"s{len(stories) + 1:0{width - 1}d}")
        out.append(
            EventCluster(
                id=f"e{n:0{width}d}",
                story=story,
                article_ids=group.article_ids,
                label=group.label,
                first_date=_date(group.first_day),
                last_date=_date(group.last_day),
            )
        )
    return out


def cluster_articles(
    articles: Sequence[Article],
    settings: ClusterSettings,
    progress: Progress | None = None,
) -> list[EventCluster]:
    """Sort articles (any order, any span of days) into event clusters.

    The result depends on the set of articles only: shuffling the input gives the same
    clusters under the same ids.
    """
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            raise InputError(f"article id {article.id!r} occurs twice", article_id=article.id)
        seen.add(article.id)
    features = []
    for n, article in enumerate(articles, start=1):
        features.append(features_of(article, settings))
        if progress is not None and n % 200 == 0:
            progress("read", n)
    # Linking in id order makes the union-find's work (not its result) order-independent.
    features.sort(key=lambda f: f.article_id)
    by_id = {f.article_id: f for f in features}
    events = [
        g for c in components(features, settings, progress) for g in split_component(c, settings)
    ]
    # An event's provisional key is its smallest article id (unique, order-free).
    keyed = {min(g.article_ids): g for g in events}
    summaries = [summarise_event(k, (by_id[a] for a in g.article_ids)) for k, g in keyed.items()]
    index = EventIndex()
    for summary in summaries:
        index.add(summary)
    stories = story_groups(summaries, index, settings.story_threshold)
    return name_clusters([(n, keyed[k]) for n, story in enumerate(stories) for k in story])
