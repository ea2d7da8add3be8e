"""Online event clustering: `POST /v1/articles`, `GET /v1/clusters[/{id}]` and a cluster's
consensus job; articles posted one by one in random order end in the batch's clusters."""

from __future__ import annotations

import random
from typing import Any

from fastapi.testclient import TestClient

from evals.builtin import BUILTIN_DATASETS
from evals.clustering import load_builtin_items
from schemas.article import Article
from service.cluster import cluster_articles
from service.settings import Settings
from tests.api.conftest import ClientMaker, wait_for_job


def _articles() -> list[Article]:
    return [item.article for item in load_builtin_items(BUILTIN_DATASETS)]


def _all_clusters(client: TestClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    url: str | None = "/v1/clusters?limit=5"
    while url is not None:
        page = client.get(url)
        assert page.status_code == 200, page.text
        found += page.json()["clusters"]
        url = page.json()["next"]
    return found


def _online_partition(client: TestClient) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    events: set[frozenset[str]] = set()
    stories: dict[str, set[str]] = {}
    for summary in _all_clusters(client):
        cluster = client.get(f"/v1/clusters/{summary['id']}").json()
        members = frozenset(a["id"] for a in cluster["articles"])
        assert len(members) == cluster["size"] == summary["size"]
        events.add(members)
        stories.setdefault(cluster["story_id"], set()).update(members)
    return events, {frozenset(s) for s in stories.values()}


def test_posted_in_random_order_the_articles_end_in_the_batch_clusters(
    make_client: ClientMaker, settings: Settings
) -> None:
    articles = _articles()
    batch = cluster_articles(articles, settings.cluster)
    batch_events = {frozenset(c.article_ids) for c in batch}
    batch_stories: dict[str, set[str]] = {}
    for c in batch:
        batch_stories.setdefault(c.story, set()).update(c.article_ids)
    client = make_client(rate_limit_per_minute=0)
    stream = list(articles)
    random.Random(7).shuffle(stream)
    for article in stream:
        answer = client.post("/v1/articles", json=article.model_dump(mode="json"))
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["article_id"] == article.id and body["cluster_size"] >= 1
        assert answer.headers["location"] == f"/v1/clusters/{body['cluster_id']}"
    events, stories = _online_partition(client)
    assert events == batch_events
    assert stories == {frozenset(s) for s in batch_stories.values()}


def test_a_restart_loses_nothing_and_reposting_changes_nothing(
    make_client: ClientMaker, settings: Settings
) -> None:
    articles = [a for a in _articles() if a.id.startswith(("river-flood/", "port-deal/"))]
    first = make_client(rate_limit_per_minute=0)
    for article in articles[:-1]:
        assert first.post("/v1/articles", json=article.model_dump(mode="json")).status_code == 201
    before, _ = _online_partition(first)
    again = first.post("/v1/articles", json=articles[0].model_dump(mode="json"))
    assert again.status_code == 200 and again.json()["created"] is False
    changed = articles[0].model_copy(update={"text": articles[0].text + " More."})
    clash = first.post("/v1/articles", json=changed.model_dump(mode="json"))
    assert clash.status_code == 409
    assert clash.headers["content-type"].startswith("application/problem+json")
    # A new app over the same database: same clusters, and assignment goes on from there.
    second = make_client(rate_limit_per_minute=0)
    assert _online_partition(second)[0] == before
    last = second.post("/v1/articles", json=articles[-1].model_dump(mode="json"))
    assert last.status_code == 201
    after, _ = _online_partition(second)
    assert after == {frozenset(c.article_ids) for c in cluster_articles(articles, settings.cluster)}


def test_unknown_cluster_is_404_and_a_single_article_has_no_consensus(
    make_client: ClientMaker,
) -> None:
    client = make_client(rate_limit_per_minute=0)
    missing = client.get("/v1/clusters/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    lone = Article(id="lone", text="Floods hit Wexbridge after the Tarrow burst its banks.")
    cluster_id = client.post("/v1/articles", json=lone.model_dump(mode="json")).json()["cluster_id"]
    refused = client.post(f"/v1/clusters/{cluster_id}/consensus")
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("cluster-too-small")


def test_a_cluster_consensus_runs_as_a_job(make_client: ClientMaker) -> None:
    client = make_client(rate_limit_per_minute=0)
    articles = [a for a in _articles() if a.id.startswith("river-flood/")]
    ids = {
        client.post("/v1/articles", json=a.model_dump(mode="json")).json()["cluster_id"]
        for a in articles
    }
    (cluster_id,) = ids
    started = client.post(f"/v1/clusters/{cluster_id}/consensus")
    assert started.status_code == 202, started.text
    job = wait_for_job(client, started.json()["id"])
    assert job["status"] == "succeeded"
    result = client.get(f"/v1/jobs/{job['id']}/result").json()
    assert sorted(o["article_id"] for o in result["outlets"]) == sorted(a.id for a in articles)
