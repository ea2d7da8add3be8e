"""POST /v1/records: JSON and HTML in, a record out; every refusal is a problem."""

from __future__ import annotations

from typing import Any

import pytest

from schemas.article import MAX_ARTICLE_CHARS
from schemas.record import EventRecord
from service import pipeline as pipeline_module
from service.errors import LLMUnavailableError, ReplayMissError
from tests.api.conftest import (
    TEXT,
    ClientMaker,
    FakeFailingPipeline,
    article_payload,
    assert_problem,
    make_pipeline,
)
from tests.fakes import FakeLLM

HTML = f"""<!doctype html><html><head><title>Kim arrives in Beijing</title>
<meta property="og:site_name" content="Example News"></head>
<body><nav>Home | World</nav><article><h1>Kim arrives in Beijing</h1>
<p>{TEXT}</p><p>{TEXT}</p></article><footer>(c) Example</footer></body></html>"""


def test_json_article_gives_a_grounded_record(make_client: ClientMaker) -> None:
    client = make_client()
    answer = client.post("/v1/records", json=article_payload())
    assert answer.status_code == 200, answer.text
    record = EventRecord.model_validate(answer.json())
    assert record.article_id == "a0"
    assert record.outlet == "Outlet 0"
    assert record.provenance is not None and record.provenance.model == "none"
    assert answer.headers["content-location"].startswith("/v1/jobs/")


def test_same_article_twice_is_served_from_the_record_cache(make_client: ClientMaker) -> None:
    client = make_client()
    first = client.post("/v1/records", json=article_payload()).json()
    before = _metric(client, "corroborate_record_cache_hits_total")
    second = client.post("/v1/records", json=article_payload()).json()
    assert second == first  # the cached record, provenance included
    assert _metric(client, "corroborate_record_cache_hits_total") == before + 1


def test_the_record_cache_is_not_reused_by_other_record_code(
    make_client: ClientMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_client().post("/v1/records", json=article_payload()).json()
    monkeypatch.setattr(pipeline_module, "RECORD_CODE_HASH", "0" * 64)  # a new release
    client = make_client()  # same database
    before = _metric(client, "corroborate_record_cache_hits_total")
    second = client.post("/v1/records", json=article_payload()).json()
    assert _metric(client, "corroborate_record_cache_hits_total") == before
    assert second["provenance"]["created_at"] != first["provenance"]["created_at"]


def test_html_page_is_cleaned_and_query_fields_override(make_client: ClientMaker) -> None:
    client = make_client()
    answer = client.post(
        "/v1/records?outlet=Wire&published_at=2025-09-02",
        content=HTML.encode(),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    assert answer.status_code == 200, answer.text
    record = answer.json()
    assert record["outlet"] == "Wire"
    assert "Home | World" not in record["summary"]


def test_html_without_article_text_is_422(make_client: ClientMaker) -> None:
    client = make_client()
    answer = client.post(
        "/v1/records", content=b"<html></html>", headers={"Content-Type": "text/html"}
    )
    assert_problem(answer, 422, type_suffix="/input")


def test_unsupported_media_type_is_415(make_client: ClientMaker) -> None:
    client = make_client()
    answer = client.post(
        "/v1/records", content=b"text=hello", headers={"Content-Type": "text/plain"}
    )
    body = assert_problem(answer, 415, type_suffix="/unsupported-input")
    assert "application/json" in body["detail"]


def test_invalid_article_is_422_with_every_error(make_client: ClientMaker) -> None:
    client = make_client()
    answer = client.post("/v1/records", json={"text": "", "outlet": 5, "colour": "red"})
    body = assert_problem(answer, 422, type_suffix="/validation")
    locations = {tuple(e["loc"]) for e in body["errors"]}
    assert ("body", "text") in locations
    assert ("body", "outlet") in locations
    assert ("body", "colour") in locations
    assert body["instance"] == "/v1/records"


def test_malformed_json_is_422(make_client: ClientMaker) -> None:
    client = make_client()
    answer = client.post(
        "/v1/records", content=b'{"text": ', headers={"Content-Type": "application/json"}
    )
    body = assert_problem(answer, 422)
    assert body["errors"][0]["type"] == "json_invalid"


def test_empty_body_is_422(make_client: ClientMaker) -> None:
    client = make_client()
    answer = client.post("/v1/records", headers={"Content-Type": "application/json"})
    assert_problem(answer, 422)


def test_over_long_article_is_rejected_not_chunked(make_client: ClientMaker) -> None:
    client = make_client()
    answer = client.post(
        "/v1/records", json=article_payload(text="x " * (MAX_ARTICLE_CHARS // 2 + 1))
    )
    body = assert_problem(answer, 422)
    assert body["errors"][0]["type"] == "string_too_long"
    assert "not truncated or chunked" in body["detail"]


def test_body_over_the_limit_is_413_before_parsing(make_client: ClientMaker) -> None:
    client = make_client(max_request_bytes=1_000)
    answer = client.post(
        "/v1/records", content=b"{" + b" " * 2_000, headers={"Content-Type": "application/json"}
    )
    body = assert_problem(answer, 413, type_suffix="/body-too-large")
    assert "1,000" in body["detail"]


def test_chunked_body_over_the_limit_is_413(make_client: ClientMaker) -> None:
    client = make_client(max_request_bytes=1_000)

    def chunks() -> Any:
        for _ in range(10):
            yield b" " * 300

    answer = client.post(
        "/v1/records", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert_problem(answer, 413, type_suffix="/body-too-large")


def test_replay_miss_from_the_llm_is_502(make_client: ClientMaker) -> None:
    llm = FakeLLM(responder=lambda _m, _r: ReplayMissError("no cassette", model="fake/echo"))
    client = make_client(llm=llm)
    answer = client.post("/v1/records", json=article_payload())
    body = assert_problem(answer, 502, type_suffix="/replay-miss")
    assert body["model"] == "fake/echo"


def test_unreachable_llm_is_503(make_client: ClientMaker, settings: Any) -> None:
    # The real Pipeline degrades a failing facet to mined candidates, so an unreachable
    # model only surfaces when the pipeline itself raises: a fake pipeline stands in.
    error = LLMUnavailableError("fake/echo unreachable after 4 attempts", model="fake/echo")
    client = make_client(pipeline=FakeFailingPipeline(make_pipeline(settings), error))
    answer = client.post("/v1/records", json=article_payload())
    body = assert_problem(answer, 503, type_suffix="/llm-unavailable")
    assert body["detail"].startswith("fake/echo unreachable")


def test_an_llm_that_never_answers_is_503_with_retry_after(make_client: ClientMaker) -> None:
    llm = FakeLLM(responder=lambda _m, _r: LLMUnavailableError("down", model="fake/echo"))
    client = make_client(llm=llm)
    answer = client.post("/v1/records", json=article_payload())
    body = assert_problem(answer, 503, type_suffix="/llm-unavailable")
    assert "never answered" in body["detail"] and "LLMUnavailableError" in body["detail"]
    assert answer.headers["Retry-After"] == str(body["retry_after"]) == "30"


def test_failing_llm_facets_give_a_degraded_record(make_client: ClientMaker) -> None:
    client = make_client(llm=FakeLLM(responder=_answer_core_only))
    answer = client.post("/v1/records", json=article_payload())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    facets = body["provenance"]["facets"]
    assert body["degraded"] is True and body["provenance"]["degraded"] is True
    assert facets["core"]["state"] == "llm"
    assert {f["state"] for n, f in facets.items() if n != "core"} == {"fallback"}
    assert {f["error"] for n, f in facets.items() if n != "core"} == {"LLMUnavailableError"}


def _answer_core_only(messages: Any, model: Any) -> Any:
    if model.__name__ == "CoreDraft":
        return {
            "headline": "Kim arrives in Beijing",
            "event_type": "visit",
            "date": "2025-09-02",
            "place": "Beijing",
            "summary": "Kim arrived in Beijing.",
            "people": [],
        }
    return LLMUnavailableError("down", model="fake/echo")


def _metric(client: Any, name: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0
