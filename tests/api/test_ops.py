"""Operational routes, OpenAPI, and problem bodies for the framework's own errors."""

from __future__ import annotations

from typing import Any

from service.api.auth import key_digest
from service.api.metrics import MeteredLLM
from service.errors import LLMError
from service.settings import Settings
from tests.api.conftest import ClientMaker, article_payload, assert_problem, make_pipeline
from tests.fakes import FakeLLM


def test_unknown_route_is_a_404_problem(make_client: ClientMaker) -> None:
    body = assert_problem(make_client().get("/v2/nothing"), 404)
    assert body["instance"] == "/v2/nothing"


def test_wrong_method_is_a_405_problem_with_allow(make_client: ClientMaker) -> None:
    answer = make_client().put("/v1/records", json={})
    assert_problem(answer, 405)
    assert "POST" in answer.headers["allow"]


def test_unknown_job_is_a_404_problem(make_client: ClientMaker) -> None:
    client = make_client()
    for answer in (
        client.get("/v1/jobs/nope"),
        client.get("/v1/jobs/nope/result"),
        client.delete("/v1/jobs/nope"),
    ):
        body = assert_problem(answer, 404, type_suffix="/not-found")
        assert body["job_id"] == "nope"


def test_bad_query_parameter_is_a_422_problem(make_client: ClientMaker) -> None:
    answer = make_client().post("/v1/records?mode=later", json=article_payload())
    body = assert_problem(answer, 422)
    assert body["errors"][0]["loc"] == ["query", "mode"]


def test_healthz(make_client: ClientMaker) -> None:
    assert make_client().get("/healthz").json() == {"status": "ok"}


def test_readyz_mined_only_is_ready(make_client: ClientMaker) -> None:
    body = make_client().get("/readyz").json()
    assert body["status"] == "ready" and body["model"] == "none" and body["queued_jobs"] == 0


def test_readyz_is_503_when_the_endpoint_is_down(
    make_client: ClientMaker, settings: Settings
) -> None:
    dead = settings.model_copy(update={"base_url": "http://127.0.0.1:9/v1"})
    client = make_client(app_settings=dead, pipeline=make_pipeline(dead, FakeLLM()))
    body = assert_problem(client.get("/readyz"), 503, type_suffix="/not-ready")
    assert body["llm"] is False and body["store"] is True


def test_metrics_count_requests_llm_calls_and_tokens(
    make_client: ClientMaker, settings: Settings
) -> None:
    def core_only(_messages: Any, model: type) -> Any:
        if model.__name__ == "CoreDraft":
            return {
                "headline": "Kim arrives in Beijing",
                "event_type": "visit",
                "date": "2025-09-02",
                "place": "Beijing",
                "summary": "Kim arrived in Beijing.",
                "people": [],
            }
        return LLMError("only the core facet answers", model="fake/metered")

    llm = MeteredLLM(FakeLLM(responder=core_only, model_id="fake/metered"))
    client = make_client(pipeline=make_pipeline(settings, llm))
    assert client.post("/v1/records", json=article_payload()).status_code == 200
    text = client.get("/metrics").text
    assert 'corroborate_http_requests_total{method="POST",route="/v1/records",status="200"}' in text
    assert 'corroborate_llm_calls_total{model="fake/metered",outcome="ok"}' in text
    assert 'corroborate_llm_tokens_total{kind="prompt",model="fake/metered"} 10.0' in text
    assert "corroborate_http_request_duration_seconds_bucket" in text
    assert "corroborate_record_cache_misses_total" in text


def test_metrics_label_routes_by_template(make_client: ClientMaker) -> None:
    client = make_client()
    client.get("/v1/jobs/some-id")
    text = client.get("/metrics").text
    assert 'route="/v1/jobs/{job_id}"' in text
    assert "some-id" not in text
    client.get("/openapi.json")
    assert 'route="/openapi.json",status="200"' in client.get("/metrics").text


def test_openapi_declares_problem_bodies(make_client: ClientMaker) -> None:
    client = make_client(api_key_digests=(key_digest("k"),))
    schema = client.get("/openapi.json").json()
    records = schema["paths"]["/v1/records"]["post"]
    assert set(records["requestBody"]["content"]) == {"application/json", "text/html"}
    for code in ("401", "403", "409", "413", "415", "422", "429", "502", "503"):
        content = records["responses"][code]["content"]
        assert list(content) == ["application/problem+json"], code
    assert "Location" in records["responses"]["202"]["headers"]
    components = schema["components"]["schemas"]
    for name in ("RecordRequest", "ConsensusRequest", "ProblemResponse", "JobResponse"):
        assert name in components, name
    assert "HTTPValidationError" not in components
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert make_client().get("/docs").status_code == 200


def test_405_allow_lists_every_method_of_the_path(make_client: ClientMaker) -> None:
    answer = make_client().options("/v1/jobs/some-id")
    assert_problem(answer, 405)
    assert answer.headers["allow"] == "DELETE, GET, HEAD"


def test_openapi_offers_callback_url_only_with_a_webhook_secret(make_client: ClientMaker) -> None:
    from pydantic import SecretStr

    def fields(client: Any) -> set[str]:
        schema = client.get("/openapi.json").json()
        return set(schema["components"]["schemas"]["ConsensusRequest"]["properties"])

    assert "callback_url" not in fields(make_client())
    assert "callback_url" in fields(make_client(webhook_secret=SecretStr("s")))
