"""Event clustering: features, order independence, the time window, partition scores."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from evals.builtin import BUILTIN_DATASETS
from evals.clustering import load_builtin_items
from evals.scorers.partitions import score_partition
from schemas.article import Article
from service.cluster import cluster_articles, features_of, similarity
from service.cluster.features import Features
from service.cluster.linkage import split_component
from service.errors import InputError
from service.settings import ClusterSettings

SETTINGS = ClusterSettings()


def _articles() -> list[Article]:
    return [item.article for item in load_builtin_items(BUILTIN_DATASETS)]


def _partition(clusters: list) -> set[frozenset[str]]:  # type: ignore[type-arg]
    return {frozenset(c.article_ids) for c in clusters}


def test_common_words_weigh_nothing_and_names_may_count_twice() -> None:
    article = Article(id="a", text="The mayor said that Wexbridge flooded.\nIt was said again.")
    vector = features_of(article, SETTINGS).vector
    assert "the" not in vector and "said" not in vector
    assert "wexbridge" in vector and "N:wexbridge" not in vector  # default name_weight 0
    named = features_of(article, ClusterSettings(name_weight=1.0)).vector
    assert "N:wexbridge" in named
    assert "N:the" not in named  # sentence-initial capitals are not names


def test_possessives_fold_into_the_name() -> None:
    one = features_of(Article(id="a", text="Then Boeing's union struck."), SETTINGS)
    two = features_of(Article(id="b", text="Then Boeing union struck."), SETTINGS)
    assert set(one.vector) == set(two.vector)


def test_similarity_is_zero_outside_the_window() -> None:
    text = "Floods hit Wexbridge; the Tarrow river burst its banks near Wexbridge."
    a = features_of(Article(id="a", text=text, published_at=date(2025, 1, 1)), SETTINGS)
    b = features_of(Article(id="b", text=text, published_at=date(2025, 1, 3)), SETTINGS)
    assert similarity(a, b, window_days=7) == pytest.approx(1.0)
    assert similarity(a, b, window_days=1) == 0.0


def _at(article_id: str, day: int, vector: dict[str, float]) -> Features:
    return Features(article_id, day, vector, tuple(vector), article_id)


def _events(items: list[Features], settings: ClusterSettings = SETTINGS) -> list[tuple[str, ...]]:
    """The article ids of each event `split_component` cuts `items` into."""
    return [g.article_ids for g in split_component(items, settings)]


def test_a_follow_up_beyond_the_window_joins_the_event_it_follows() -> None:
    # a~b 0.35, b~c 0.35, a~c 0.30: one story told over 500 days; a and c lie further
    # apart than the window, so the linkage alone counts a~c as 0 and cuts c off.
    a = {"t1": 1.0}
    b = {"t1": 0.35, "t2": 0.936750}
    c = {"t1": 0.30, "t2": 0.261548, "t3": 0.917388}
    story = [_at("a", 0, a), _at("b", 200, b), _at("c", 500, c)]
    assert _events(story) == [("a", "b", "c")]
    # a piece no pair of which is dated close to the rest stays apart
    apart = [_at("a", 0, a), _at("b", 200, b), _at("c", 900, c)]
    assert _events(apart) == [("a", "b"), ("c",)]


def test_a_follow_up_published_within_days_joins_the_event() -> None:
    # a~b 0.5 (the first reports); c, a follow-up, is 0.2 like each: on average below
    # the event threshold, unless published within `near_days` (weighed 1.3: 0.26).
    a = {"t1": 1.0}
    b = {"t1": 0.5, "t2": 0.866025}
    c = {"t1": 0.2, "t2": 0.11547, "t3": 0.972968}
    near = [_at("a", 0, a), _at("b", 1, b), _at("c", 5, c)]
    assert _events(near) == [("a", "b", "c")]
    later = [_at("a", 0, a), _at("b", 1, b), _at("c", 40, c)]
    assert _events(later) == [("a", "b"), ("c",)]
    undated = [_at("a", 0, a), _at("b", 1, b), Features("c", None, c, tuple(c), "c")]
    assert _events(undated) == [("a", "b"), ("c",)]
    plain = SETTINGS.model_copy(update={"near_weight": 1.0})
    assert _events(near, plain) == [("a", "b"), ("c",)]


def test_clusters_do_not_depend_on_the_input_order() -> None:
    articles = _articles()
    first = cluster_articles(articles, SETTINGS)
    for seed in (1, 2):
        shuffled = list(articles)
        random.Random(seed).shuffle(shuffled)
        again = cluster_articles(shuffled, SETTINGS)
        assert again == first  # same members, ids, labels and dates


def test_builtin_clusters_mixed_come_back_mostly_as_their_datasets() -> None:
    items = load_builtin_items(BUILTIN_DATASETS)
    assigned = {a: c for c in cluster_articles([i.article for i in items], SETTINGS)
                for a in c.article_ids}  # fmt: skip
    scores = score_partition([assigned[i.article.id].id for i in items], [i.event for i in items])
    assert scores.bcubed_p == 1.0  # no two datasets ever share a cluster
    assert scores.bcubed_f1 > 0.95
    dev = [i for i in items if i.split == "dev"]  # the clusters the settings were chosen on
    assert {frozenset(i.article.id for i in dev if assigned[i.article.id] == c) for c in
            {assigned[i.article.id] for i in dev}} == {
        frozenset(i.article.id for i in dev if i.event == e) for e in {i.event for i in dev}
    }  # fmt: skip


def test_every_cluster_has_a_label_and_its_dates() -> None:
    for cluster in cluster_articles(_articles(), SETTINGS):
        assert cluster.label
        assert cluster.first_date is not None and cluster.last_date is not None
        assert cluster.first_date <= cluster.last_date


def test_duplicate_ids_are_refused() -> None:
    article = Article(id="same", text="Floods hit Wexbridge.")
    with pytest.raises(InputError, match="twice"):
        cluster_articles([article, article], SETTINGS)


def test_partition_scores() -> None:
    perfect = score_partition(["x", "x", "y"], [1, 1, 2])
    assert (perfect.bcubed_f1, perfect.ari) == (1.0, 1.0)
    lumped = score_partition([1, 1, 1, 1], ["a", "a", "b", "b"])
    assert lumped.bcubed_p == 0.5 and lumped.bcubed_r == 1.0 and lumped.ari == 0.0
    # ARI by hand: contingency [[2, 1], [0, 2]]; index 1 + 1 = 2, rows 3 + 1 = 4, cols 1 + 3
    # = 4, expected 4 * 4 / 10 = 1.6, max 4: (2 - 1.6) / (4 - 1.6) = 1/6.
    assert score_partition([1, 1, 1, 2, 2], ["a", "a", "b", "b", "b"]).ari == pytest.approx(1 / 6)
    with pytest.raises(ValueError):
        score_partition([1], [1, 2])


def test_builtin_dataset_path_is_there() -> None:
    assert Path(BUILTIN_DATASETS).is_dir()
