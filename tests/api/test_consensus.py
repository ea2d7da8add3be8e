"""POST /v1/consensus: a cluster of 2..50 articles → the consensus, sync or async."""

from __future__ import annotations

from schemas.api import MAX_CLUSTER
from schemas.article import MAX_ARTICLE_CHARS
from schemas.consensus import Consensus
from tests.api.conftest import (
    ClientMaker,
    article_payload,
    assert_problem,
    dataset_articles,
    wait_for_job,
)


def test_sync_consensus_over_the_sample_cluster(make_client: ClientMaker) -> None:
    client = make_client()
    articles = dataset_articles()
    answer = client.post("/v1/consensus", json={"articles": articles})
    assert answer.status_code == 200, answer.text
    consensus = Consensus.model_validate(answer.json())
    assert {o.article_id for o in consensus.outlets} == {a["id"] for a in articles}


def test_async_consensus_then_result(make_client: ClientMaker) -> None:
    client = make_client()
    answer = client.post(
        "/v1/consensus?mode=async", json={"articles": [article_payload(1), article_payload(2)]}
    )
    assert answer.status_code == 202
    job = wait_for_job(client, answer.json()["id"])
    assert job["kind"] == "consensus" and job["status"] == "succeeded"
    result = client.get(f"/v1/jobs/{job['id']}/result")
    assert result.status_code == 200
    Consensus.model_validate(result.json())


def test_too_few_articles_is_422(make_client: ClientMaker) -> None:
    answer = make_client().post("/v1/consensus", json={"articles": [article_payload()]})
    body = assert_problem(answer, 422, type_suffix="/validation")
    assert body["errors"][0]["loc"] == ["body", "articles"]
    assert body["errors"][0]["type"] == "too_short"


def test_too_many_articles_is_422(make_client: ClientMaker) -> None:
    cluster = {"articles": [article_payload(i) for i in range(MAX_CLUSTER + 1)]}
    body = assert_problem(make_client().post("/v1/consensus", json=cluster), 422)
    assert body["errors"][0]["type"] == "too_long"


def test_an_over_long_article_in_the_cluster_is_422(make_client: ClientMaker) -> None:
    long_one = article_payload(2, text="y" * (MAX_ARTICLE_CHARS + 1))
    cluster = {"articles": [article_payload(1), long_one]}
    body = assert_problem(make_client().post("/v1/consensus", json=cluster), 422)
    assert body["errors"][0]["loc"] == ["body", "articles", 1, "text"]


def test_consensus_takes_json_only(make_client: ClientMaker) -> None:
    answer = make_client().post(
        "/v1/consensus", content=b"<html/>", headers={"Content-Type": "text/html"}
    )
    assert_problem(answer, 415)


def test_callback_url_needs_a_webhook_secret(make_client: ClientMaker) -> None:
    cluster = {
        "articles": [article_payload(1), article_payload(2)],
        "callback_url": "http://127.0.0.1:1/hook",
    }
    body = assert_problem(make_client().post("/v1/consensus", json=cluster), 422)
    assert "webhook secret" in body["detail"]
