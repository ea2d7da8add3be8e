"""GET /v1/jobs/{id}/result as HTML: a finished consensus job's review page."""

from __future__ import annotations

import pytest

from schemas.api import ConsensusRequest
from schemas.consensus import Consensus
from service.api.review import prefers_html
from service.review import content_security_policy, review_page
from service.settings import Settings
from tests.api.conftest import (
    ClientMaker,
    FakeBlockingPipeline,
    article_payload,
    assert_problem,
    dataset_articles,
    make_pipeline,
    released,
    wait_for_job,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_finished_consensus_job_serves_the_review_page(make_client: ClientMaker) -> None:
    client = make_client()
    articles = dataset_articles()
    job = client.post("/v1/consensus?mode=async", json={"articles": articles}).json()
    assert wait_for_job(client, job["id"])["status"] == "succeeded"
    result = client.get(f"/v1/jobs/{job['id']}/result")
    assert result.headers["content-type"].startswith("application/json")
    assert result.headers["vary"] == "Accept"
    expected = review_page(
        Consensus.model_validate(result.json()),
        ConsensusRequest.model_validate({"articles": articles}).articles,
    )

    page = client.get(f"/v1/jobs/{job['id']}/result", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == content_security_policy()
    assert page.headers["vary"] == "Accept"
    assert page.text == expected  # the same page `summarise --format html` writes

    by_suffix = client.get(f"/v1/jobs/{job['id']}/result.html")
    assert by_suffix.status_code == 200 and by_suffix.text == expected


def test_a_record_job_has_no_review_page(make_client: ClientMaker) -> None:
    client = make_client()
    job = client.post("/v1/records?mode=async", json=article_payload()).json()
    wait_for_job(client, job["id"])
    as_json = client.get(f"/v1/jobs/{job['id']}/result", headers={"Accept": BROWSER})
    assert as_json.headers["content-type"].startswith("application/json")
    body = assert_problem(client.get(f"/v1/jobs/{job['id']}/result.html"), 406)
    assert body["type"].endswith("/no-review-page")


def test_the_page_of_a_running_job_is_409(make_client: ClientMaker, settings: Settings) -> None:
    with released(FakeBlockingPipeline(make_pipeline(settings))) as pipeline:
        client = make_client(pipeline=pipeline)
        cluster = {"articles": [article_payload(1), article_payload(2)]}
        job = client.post("/v1/consensus?mode=async", json=cluster).json()
        assert pipeline.started.wait(10)
        body = assert_problem(client.get(f"/v1/jobs/{job['id']}/result.html"), 409)
        assert body["type"].endswith("/job-not-finished")


def test_openapi_declares_the_html_result(make_client: ClientMaker) -> None:
    paths = make_client().get("/openapi.json").json()["paths"]
    result = paths["/v1/jobs/{job_id}/result"]["get"]["responses"]["200"]["content"]
    assert set(result) == {"application/json", "text/html"}
    page = paths["/v1/jobs/{job_id}/result.html"]["get"]["responses"]
    assert list(page["200"]["content"]) == ["text/html"]
    assert list(page["406"]["content"]) == ["application/problem+json"]


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (None, False),
        ("*/*", False),
        ("application/json", False),
        (BROWSER, True),
        ("text/html", True),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0", False),
        ("text/html, application/json", False),
    ],
)
def test_html_only_when_preferred(accept: str | None, html: bool) -> None:
    assert prefers_html(accept) is html
