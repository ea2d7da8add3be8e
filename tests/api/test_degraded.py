"""Honest failure in the API (issue #15), over a `FakeLLM`: an LLM that never answers is a
503 with Retry-After, a partial result a 200 with `degraded: true` and a `partial` job, and a
degraded record is never served from the record cache. The same over the real loopback
socket is in tests/integration/test_fault_matrix.py."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from schemas.article import Article
from service import pipeline as pipeline_module
from service.api.deps import pipeline_factory
from service.errors import LLMUnavailableError
from service.llm import Message
from service.pipeline import open_pipeline
from service.settings import Settings
from tests.api.conftest import (
    ClientMaker,
    article_payload,
    assert_problem,
    dataset_articles,
    wait_for_job,
)
from tests.fakes import FakeLLM
from tests.support.schema_instance import instance

DOWN = LLMUnavailableError("down", model="fake/echo")


def _valid(model: type[BaseModel]) -> dict[str, Any]:
    return instance(model.model_json_schema())  # type: ignore[no-any-return]


def _core_only(messages: list[Message], model: type[BaseModel]) -> Any:
    return _valid(model) if model.__name__ == "CoreDraft" else DOWN


class Switch:
    """A fake model that is down until `up` is set, counting the calls it answers."""

    def __init__(self) -> None:
        self.up = False
        self.answered = 0

    def __call__(self, messages: list[Message], model: type[BaseModel]) -> Any:
        if not self.up:
            return DOWN
        self.answered += 1
        return _valid(model)


def test_async_job_with_failed_facets_ends_partial(make_client: ClientMaker) -> None:
    client = make_client(llm=FakeLLM(_core_only))
    job = client.post("/v1/records?mode=async", json=article_payload()).json()
    done = wait_for_job(client, job["id"], ("succeeded", "partial", "failed"))
    assert done["status"] == "partial" and done["error"] is None
    result = client.get(done["links"]["result"])
    assert result.status_code == 200 and result.json()["degraded"] is True


def test_async_job_whose_llm_never_answers_fails_with_503(make_client: ClientMaker) -> None:
    client = make_client(llm=FakeLLM(lambda _m, _r: DOWN))
    job = client.post("/v1/records?mode=async", json=article_payload()).json()
    done = wait_for_job(client, job["id"], ("succeeded", "partial", "failed"))
    assert done["status"] == "failed" and done["error"]["status"] == 503
    assert done["error"]["retry_after"] == 30
    body = assert_problem(client.get(done["links"]["result"]), 409)
    assert body["job_status"] == "failed"


def test_consensus_with_a_degraded_record_is_200_degraded(make_client: ClientMaker) -> None:
    client = make_client(llm=FakeLLM(_core_only))
    answer = client.post("/v1/consensus", json={"articles": dataset_articles()[:2]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["degraded"] is True


def test_consensus_whose_llm_never_answers_is_503(make_client: ClientMaker) -> None:
    client = make_client(llm=FakeLLM(lambda _m, _r: DOWN))
    answer = client.post("/v1/consensus", json={"articles": dataset_articles()[:2]})
    body = assert_problem(answer, 503, type_suffix="/llm-unavailable")
    assert answer.headers["Retry-After"] == "30" and "never answered" in body["detail"]


def test_after_recovery_the_degraded_record_is_redone(make_client: ClientMaker) -> None:
    switch = Switch()
    client = make_client(llm=FakeLLM(switch))
    assert client.post("/v1/records", json=article_payload()).status_code == 503
    switch.up = True
    first = client.post("/v1/records", json=article_payload())
    assert first.status_code == 200 and first.json()["degraded"] is False
    asked = switch.answered
    assert asked > 0
    again = client.post("/v1/records", json=article_payload())
    assert again.json() == first.json() and switch.answered == asked  # from the cache


def test_the_api_record_cache_key_is_the_clis(settings: Settings, monkeypatch: Any) -> None:
    article = Article.model_validate(article_payload())
    with pipeline_factory(use_llm=False)(settings) as api_pipe:
        api_key = api_pipe.cache_key(article)
    with open_pipeline(settings, use_llm=False) as cli_pipe:
        assert cli_pipe.cache_key(article) == api_key
    monkeypatch.setattr(pipeline_module, "RECORD_CODE_HASH", "0" * 64)  # a new release
    with pipeline_factory(use_llm=False)(settings) as upgraded:
        assert upgraded.cache_key(article) != api_key  # the record code is in the API's key
