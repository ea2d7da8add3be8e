"""Online assignment (`OnlineClusterer`) against the batch (`cluster_articles`) on a stream
whose stories link into one large group: any arrival order, and a restart half-way, end
in the batch's events and stories."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from schemas.article import Article
from service.cluster import cluster_articles
from service.cluster.online import OnlineClusterer
from service.cluster.store import ClusterStore
from service.settings import ClusterSettings
from service.store import Store

SETTINGS = ClusterSettings()
_SYLLABLES = ("ka", "lo", "mer", "vin", "tas", "dro", "pel", "zu", "ran", "fe", "gor", "bi")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(4))


def _stream(seed: int, events: int = 40) -> list[Article]:
    """Events of 1-4 articles over 6 topics; a small pool of words every topic borrows
    from links stories of different topics weakly (one large linked group)."""
    rng = random.Random(seed)
    shared = [_word(rng) for _ in range(12)]
    topics = [[_word(rng) for _ in range(8)] for _ in range(6)]
    articles = []
    for event in range(events):
        topic = topics[rng.randrange(len(topics))]
        own = [_word(rng) for _ in range(6)]
        day = date(2025, 3, 1) + timedelta(days=event // 4)
        for k in range(rng.randint(1, 4)):
            words = [
                *rng.choices(own, k=20),
                *rng.choices(topic, k=6),
                *rng.choices(shared, k=rng.randint(1, 5)),
            ]
            rng.shuffle(words)
            articles.append(
                Article(
                    id=f"e{event:03d}-{k}",
                    title=" ".join(words[:5]).capitalize(),
                    text=" ".join(words).capitalize() + ".",
                    published_at=day + timedelta(days=rng.randint(0, 2)),
                )
            )
    return articles


def _batch(articles: list[Article]) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    clusters = cluster_articles(articles, SETTINGS)
    stories: dict[str, set[str]] = defaultdict(set)
    for c in clusters:
        stories[c.story].update(c.article_ids)
    return {frozenset(c.article_ids) for c in clusters}, {frozenset(s) for s in stories.values()}


def _online(clusterer: OnlineClusterer) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    events: dict[str, set[str]] = defaultdict(set)
    stories: dict[str, set[str]] = defaultdict(set)
    for article_id, cluster_id in clusterer._cluster.items():
        events[cluster_id].add(article_id)
        stories[clusterer._rows[cluster_id].story_id].add(article_id)
    return {frozenset(e) for e in events.values()}, {frozenset(s) for s in stories.values()}


def _rows(clusterer: OnlineClusterer) -> dict[str, tuple[object, ...]]:
    """The live clusters in memory, times left out (the store sets them)."""
    return {
        i: (r.story_id, r.label, r.size, r.first_day, r.last_day, r.merged_into)
        for i, r in clusterer._rows.items()
    }


def assert_batch_clusters(store: Store, seed: int) -> None:
    """Half a shuffled stream, a restart, the other half: the batch's clusters each time
    (also run on PostgreSQL, `tests/services/test_postgres_clusters.py`)."""
    articles = _stream(seed)
    expected = _batch(articles)
    assert max(len(s) for s in expected[1]) > 1  # stories of several events
    stream = list(articles)
    random.Random(seed).shuffle(stream)
    clusterer = OnlineClusterer(ClusterStore(store), SETTINGS)
    half = len(stream) // 2
    for article in stream[:half]:
        clusterer.add(article)
    assert _online(clusterer) == _batch(stream[:half])
    restarted = OnlineClusterer(ClusterStore(store), SETTINGS)
    assert _online(restarted) == _online(clusterer)
    assert _rows(restarted) == _rows(clusterer)  # every cluster that changed was stored
    for article in stream[half:]:
        restarted.add(article)
    assert _online(restarted) == expected
    assert _rows(OnlineClusterer(ClusterStore(store), SETTINGS)) == _rows(restarted)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_order_and_a_restart_end_in_the_batch_clusters(seed: int, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/clusters.sqlite3")
    try:
        assert_batch_clusters(store, seed)
    finally:
        store.close()
