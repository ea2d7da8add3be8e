"""service.llm against a fake OpenAI-compatible server on loopback: success, usage,
retries, and how failures map onto the error tree."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import BaseModel

from service.errors import ConfigError, LLMOutputError, LLMUnavailableError
from service.llm import OpenAICompatibleLLM, context_needed, local_endpoint, prepared_model
from service.settings import Settings


class Answer(BaseModel):
    city: str
    count: int


class FakeOpenAIServer:
    """A fake chat-completions endpoint: replies from a script, counts requests."""

    def __init__(self) -> None:
        self.script: list[tuple[int, str, str]] = []  # (status, content, finish_reason)
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                status, content, finish = fake.script.pop(0) if fake.script else (500, "", "")
                payload = {
                    "id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                    "choices": [{"index": 0, "finish_reason": finish,
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
                }  # fmt: skip
                data = json.dumps(payload if status == 200 else {"error": "boom"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    fake = FakeOpenAIServer()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def llm(url: str, **overrides: Any) -> OpenAICompatibleLLM:
    settings = Settings(_env_file=None, model="local/qwen2.5-coder-1.5b", base_url=url, **overrides)
    return OpenAICompatibleLLM(settings)


MESSAGES = [{"role": "user", "content": "Where and how many?"}]


def test_valid_output_is_typed_with_usage_and_schema_sent(server: FakeOpenAIServer) -> None:
    server.script = [(200, '{"city": "Porto Lento", "count": 3}', "stop")]
    done = llm(server.url).complete(MESSAGES, Answer)
    assert done.value.model_dump() == {"city": "Porto Lento", "count": 3}
    assert (done.usage.prompt_tokens, done.usage.completion_tokens) == (11, 7)
    sent = server.requests[0]
    assert sent["model"] == "qwen2.5-coder-1.5b" and sent["temperature"] == 0
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"]["required"] == ["city", "count"]


def test_each_call_sends_the_same_schema_from_one_class(server: FakeOpenAIServer) -> None:
    server.script = [(200, '{"city": "Porto Lento", "count": 3}', "stop")] * 2
    client = llm(server.url)
    first, second = (client.complete(MESSAGES, Answer) for _ in range(2))
    assert type(first.value) is type(second.value) is prepared_model(Answer)
    fresh = Answer.model_json_schema()  # what instructor's wrapping of Answer generates
    for sent in server.requests:
        assert sent["response_format"]["json_schema"]["schema"] == fresh
        assert sent["response_format"]["json_schema"]["name"] == "Answer"
    # Each caller gets its own copy: changing one changes no later request.
    prepared_model(Answer).model_json_schema()["required"].append("spoilt")
    assert prepared_model(Answer).model_json_schema() == fresh


def test_invalid_output_is_reasked_then_an_output_error(server: FakeOpenAIServer) -> None:
    server.script = [(200, '{"city": "X"}', "stop"), (200, '{"count": "many"}', "stop")]
    with pytest.raises(LLMOutputError):
        llm(server.url, reasks=1).complete(MESSAGES, Answer)
    assert len(server.requests) == 2


def test_cut_off_output_is_an_output_error(server: FakeOpenAIServer) -> None:
    server.script = [(200, '{"city": "Por', "length")] * 2
    with pytest.raises(LLMOutputError):
        llm(server.url, reasks=0).complete(MESSAGES, Answer)


def test_server_errors_are_retried_then_unavailable(server: FakeOpenAIServer) -> None:
    server.script = [(500, "", ""), (200, '{"city": "Y", "count": 1}', "stop")]
    assert llm(server.url, retries=1).complete(MESSAGES, Answer).value.city == "Y"
    server.script = [(503, "", "")] * 10
    with pytest.raises(LLMUnavailableError):
        llm(server.url, retries=0, reasks=0).complete(MESSAGES, Answer)


def test_refused_connection_is_unavailable() -> None:
    with pytest.raises(LLMUnavailableError):
        llm("http://127.0.0.1:9/v1", retries=0, reasks=0).complete(MESSAGES, Answer)


def test_the_embedded_server_refuses_a_context_too_small_for_a_whole_article(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_model(*args: Any) -> Any:
        raise AssertionError("nothing may start before the context is checked")

    monkeypatch.setattr("service.embedded.ensure_model", no_model)
    small = Settings(_env_file=None, n_ctx=8_192)
    too_small = pytest.raises(ConfigError, match="CORROBORATE_N_CTX=8192 is too small")
    with too_small as caught, local_endpoint(small):
        pass
    assert caught.value.context == {"setting": "CORROBORATE_N_CTX"}
    assert Settings(_env_file=None).n_ctx >= context_needed() >= 60_000 / 4
