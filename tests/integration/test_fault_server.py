"""The fault server itself, over its real loopback socket: answers, faults, counts, control.

Every fault is observed with a real `openai` client (no retries), the way the project's
client sees it; `test_llm_faults.py` then shows what `service.llm` makes of each.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import openai  # noqa: TID251  (the real client is what the server must satisfy)
import pytest
from openai.types.chat import ChatCompletion  # noqa: TID251
from openai.types.shared_params import ResponseFormatJSONSchema  # noqa: TID251
from pydantic import BaseModel, ValidationError

from schemas.extraction import labels_model
from tests.support.fault_server import Fault, FaultServer

ROOT = Path(__file__).resolve().parents[2]
QUOTES = labels_model("quotes", 3)
MESSAGES: list[Any] = [
    {"role": "system", "content": "Label the quotes."},
    {"role": "user", "content": "ARTICLE: the same long article text. Q1 Q2 Q3"},
]


@pytest.fixture(autouse=True)
def _no_threads_left() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not left, f"threads left behind: {left}"


@pytest.fixture(scope="module")
def _openai() -> Iterator[openai.OpenAI]:
    # One client for the module (building one costs ~0.1 s); tests point copies of it
    # at their own server, and the copies share its connection pool.
    with (
        FaultServer() as server,
        openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0) as client,
    ):
        ask(client)  # the first call pays openai's lazy imports; pay them here
        yield client


@pytest.fixture
def client(_openai: openai.OpenAI, fault_server: FaultServer) -> openai.OpenAI:
    return _openai.with_options(base_url=fault_server.base_url, timeout=2.0)


def ask(client: openai.OpenAI, model: type[BaseModel] = QUOTES) -> ChatCompletion:
    """One chat completion asking for `model` the way instructor's JSON_SCHEMA mode does."""
    fmt: ResponseFormatJSONSchema = {
        "type": "json_schema",
        "json_schema": {"name": model.__name__, "schema": model.model_json_schema()},
    }
    return client.chat.completions.create(
        model="m", messages=MESSAGES, response_format=fmt, max_tokens=300
    )


def content(completion: ChatCompletion) -> str:
    text = completion.choices[0].message.content
    assert text is not None
    return text


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    # One client for the module: building one costs ~0.1 s (its SSL context).
    with httpx.Client(timeout=2.0) as client:
        yield client


def post(http: httpx.Client, server: FaultServer, timeout: float = 2.0) -> httpx.Response:
    body = {"model": "m", "messages": MESSAGES}
    return http.post(f"{server.base_url}/chat/completions", json=body, timeout=timeout)


# -- answers ----------------------------------------------------------------------------------


def test_answer_is_a_schema_valid_instance_with_usage_and_timings(
    fault_server: FaultServer, client: openai.OpenAI
) -> None:
    first, second = ask(client), ask(client)
    value = QUOTES.model_validate_json(content(second))
    assert len(value.items) == 3  # type: ignore[attr-defined]
    assert second.choices[0].finish_reason == "stop"
    usage = second.usage
    assert usage is not None and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    timings = (second.model_extra or {})["timings"]
    assert timings["prompt_n"] + timings["cache_n"] == usage.prompt_tokens
    assert (first.model_extra or {})["timings"]["cache_n"] == 0
    # The same prompt again: all cached but the last token, as llama.cpp does.
    assert timings["cache_n"] == usage.prompt_tokens - 1
    assert fault_server.stats().calls == 2
    assert fault_server.requests()[0]["response_format"]["json_schema"]["name"] == "QuoteLabels"


def test_health_and_models_answer_like_llama_cpp(
    http: httpx.Client, fault_server: FaultServer
) -> None:
    assert http.get(f"{fault_server.url}/health").json() == {"status": "ok"}
    models = http.get(f"{fault_server.base_url}/models").json()
    assert models["data"][0]["id"] == "fault-server"
    assert fault_server.stats().calls == 0 and fault_server.stats().other_requests == 2


# -- each fault, as the openai client sees it -----------------------------------------------


def raises(error: type[BaseException], kind: str) -> Any:
    return pytest.param(kind, error, id=kind)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        raises(openai.APITimeoutError, "hang"),
        raises(openai.RateLimitError, "429"),
        raises(openai.InternalServerError, "500"),
        raises(openai.InternalServerError, "503"),
        raises(openai.APIConnectionError, "reset"),
        raises(json.JSONDecodeError, "malformed_body"),  # openai does not wrap it
    ],
)
def test_transport_faults_raise(
    client: openai.OpenAI, fault_server: FaultServer, kind: str, error: type[BaseException]
) -> None:
    fault_server.set_faults([Fault.parse(f"{kind}=3")])
    with pytest.raises(error) as caught:
        ask(client.with_options(timeout=0.2))
    if kind == "429":
        assert isinstance(caught.value, openai.RateLimitError)
        assert caught.value.response.headers["retry-after"] == "3"
    if kind in ("500", "503"):
        assert isinstance(caught.value, openai.APIStatusError)
        assert caught.value.status_code == int(kind)
    if kind == "reset":
        assert not isinstance(caught.value, openai.APITimeoutError)
    assert fault_server.stats().outcomes == {kind: 1}


def test_hung_call_is_counted_abandoned_once_the_client_gives_up(
    http: httpx.Client,
    fault_server: FaultServer,
) -> None:
    fault_server.inject("hang")
    with pytest.raises(httpx.ReadTimeout):
        post(http, fault_server, timeout=0.1)
    stats = fault_server.wait_for(lambda s: s.in_flight == 0, timeout=2)
    assert stats.abandoned == 1 and stats.outcomes == {"hang": 1}


def test_output_faults_answer_200_with_bad_content(
    fault_server: FaultServer, client: openai.OpenAI
) -> None:
    fault_server.set_faults(
        [Fault("malformed_content", 1), Fault("schema_invalid", 1), Fault("truncated", 1)]
    )
    prose, wrong, cut = ask(client), ask(client), ask(client)
    with pytest.raises(json.JSONDecodeError):
        json.loads(content(prose))
    with pytest.raises(ValidationError):
        QUOTES.model_validate_json(content(wrong))
    assert cut.choices[0].finish_reason == "length"
    assert cut.usage is not None and cut.usage.completion_tokens == 300
    with pytest.raises(json.JSONDecodeError):
        json.loads(content(cut))
    assert ask(client).choices[0].finish_reason == "stop"  # rules used up: normal again


def test_outage_refuses_connections_until_restored(
    fault_server: FaultServer, client: openai.OpenAI
) -> None:
    port = fault_server.port
    fault_server.outage()
    with pytest.raises(openai.APIConnectionError) as caught:
        ask(client)
    assert type(caught.value.__cause__).__name__ == "ConnectError"  # refused, not reset
    assert not fault_server.stats().listening
    fault_server.restore()
    assert ask(client).choices[0].finish_reason == "stop"
    assert fault_server.port == port and fault_server.stats().calls == 1


def test_outage_rule_begins_after_the_calls_before_it_and_ends_by_itself(
    http: httpx.Client,
    fault_server: FaultServer,
) -> None:
    fault_server.set_faults([Fault("ok", 1), Fault.parse("outage=0.3"), Fault("503", 1)])
    assert post(http, fault_server).status_code == 200
    with pytest.raises(httpx.ConnectError):
        post(http, fault_server)
    fault_server.wait_for(lambda s: s.listening, timeout=2)
    assert [post(http, fault_server).status_code for _ in range(2)] == [503, 200]


# -- first k calls, order, counts -------------------------------------------------------------


def test_rules_apply_in_order_on_the_first_k_calls(
    http: httpx.Client, fault_server: FaultServer
) -> None:
    fault_server.set_faults([Fault("503", 2), Fault("ok", 1), Fault("500")])
    statuses = [post(http, fault_server).status_code for _ in range(5)]
    assert statuses == [503, 503, 200, 500, 500]
    assert fault_server.stats().outcomes == {"503": 2, "ok": 1, "500": 2}
    assert fault_server.faults() == [Fault("500")]


def test_latency_overlaps_concurrent_calls(http: httpx.Client, fault_server: FaultServer) -> None:
    fault_server.set_latency(0.2)
    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: post(http, fault_server).status_code, range(4)))
    elapsed = time.perf_counter() - started
    assert statuses == [200] * 4
    assert 0.2 <= elapsed < 0.7  # one after another would take 0.8 s
    assert fault_server.stats().max_in_flight == 4


def test_slots_queue_calls_beyond_them(http: httpx.Client, fault_server: FaultServer) -> None:
    fault_server.set_latency(0.1)
    fault_server.set_slots(1)
    started = time.perf_counter()
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: post(http, fault_server), range(3)))
    assert time.perf_counter() - started >= 0.3
    stats = fault_server.stats()
    assert stats.max_queued == 2 and stats.queued == 0 and stats.calls == 3


def test_latency_on_the_first_k_calls_only(http: httpx.Client, fault_server: FaultServer) -> None:
    fault_server.set_latency(0.2, times=1)
    started = time.perf_counter()
    post(http, fault_server)
    slow = time.perf_counter() - started
    started = time.perf_counter()
    post(http, fault_server)
    assert slow >= 0.2 > time.perf_counter() - started


def test_stop_releases_a_hung_call_and_joins_everything(http: httpx.Client) -> None:
    server = FaultServer(faults=[Fault("hang")]).start()
    errors: list[BaseException] = []

    def call() -> None:
        try:
            post(http, server, timeout=10)
        except httpx.HTTPError as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    server.wait_for(lambda s: s.in_flight == 1)
    started = time.perf_counter()
    server.stop()
    caller.join(timeout=2)
    assert time.perf_counter() - started < 1 and not caller.is_alive()
    assert isinstance(errors[0], httpx.RemoteProtocolError)  # closed without an answer


# -- control over HTTP and from another process -----------------------------------------------


def test_admin_endpoints_configure_and_count(http: httpx.Client, fault_server: FaultServer) -> None:
    admin = f"{fault_server.url}/admin"
    config = {"faults": [{"kind": "429", "times": 1, "retry_after": 2}], "latency": 0.0}
    assert http.post(f"{admin}/faults", json=config).json()["faults"][0]["kind"] == "429"
    reply = post(http, fault_server)
    assert (reply.status_code, reply.headers["retry-after"]) == (429, "2")
    assert post(http, fault_server).status_code == 200
    stats = http.get(f"{admin}/stats").json()
    assert stats["calls"] == 2 and stats["outcomes"] == {"429": 1, "ok": 1}
    assert len(http.get(f"{admin}/requests").json()) == 2
    assert http.delete(f"{admin}/stats").json()["calls"] == 0
    http.post(f"{admin}/faults", json={"faults": [{"kind": "500"}]})
    assert http.delete(f"{admin}/faults").json()["faults"] == []
    assert http.post(f"{admin}/outage", json={"seconds": 0.2}).status_code == 200
    fault_server.wait_for(lambda s: not s.listening, timeout=1)
    fault_server.wait_for(lambda s: s.listening, timeout=2)
    assert post(http, fault_server).status_code == 200


def test_runs_as_a_separate_process(http: httpx.Client) -> None:
    command = [sys.executable, "-m", "tests.support.fault_server", "--latency", "0.05"]
    command += ["--fault", "503*1", "--slots", "2"]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": "."}
    ) as process:
        assert process.stdout is not None
        try:
            base_url = process.stdout.readline().split()[-1]
            body = {"model": "m", "messages": MESSAGES}
            codes = [http.post(f"{base_url}/chat/completions", json=body).status_code]
            codes.append(http.post(f"{base_url}/chat/completions", json=body).status_code)
        finally:
            process.send_signal(signal.SIGTERM)
        stats = json.loads(process.stdout.read().strip().splitlines()[-1])
    assert codes == [503, 200]
    assert stats["calls"] == 2 and stats["outcomes"] == {"503": 1, "ok": 1}
    assert process.returncode == 0


def test_fault_specs_parse() -> None:
    assert Fault.parse("429*2=5") == Fault("429", 2, retry_after=5)
    assert Fault.parse("outage=2.5") == Fault("outage", seconds=2.5)
    assert Fault.from_dict(Fault("503", 1).as_dict()) == Fault("503", 1)
    with pytest.raises(ValueError, match="unknown fault"):
        Fault.parse("teapot")
