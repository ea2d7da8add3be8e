"""What the project's LLM client (`service.llm`) does under each fault of the fault server.

One `complete()` per case, over the real loopback socket, with `retries=1`, `reasks=1` and
a 0.2 s time-out. Back-off sleeps are recorded instead of slept, so each case is fast.
The matrix pins the client's behaviour; the tests below it pin issue #15's scope 2:
`Retry-After` honoured, cut-off output retried with more tokens, true attempt counts, one
log line per final failure, and the circuit breaker.
`bench/bench_faults.py` measures the same with the default settings and real waits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from schemas.extraction import CoreDraft, labels_model
from service.errors import LLMError, LLMOutputError, LLMUnavailableError
from service.llm import OpenAICompatibleLLM
from tests.support.fault_server import Fault, FaultKind, FaultServer
from tests.support.fixtures import fault_settings

MESSAGES = [
    {"role": "system", "content": "Extract the event."},
    {"role": "user", "content": "ARTICLE: Kim Jong Un arrived in Beijing on Tuesday."},
]


@pytest.fixture(scope="module", autouse=True)
def _warm_up() -> None:
    # The first call pays openai's and instructor's lazy imports (seconds on a busy
    # machine); pay it here so no case's duration is mistaken for its fault's.
    with FaultServer() as server:
        llm(server).complete(MESSAGES, CoreDraft)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """tenacity's back-off sleeps in the test's own thread, recorded and skipped. Another
    thread's sleep (a thread an earlier test left polling) is no back-off of this call and
    is left to sleep."""
    recorded: list[float] = []
    caller, real_sleep = threading.get_ident(), time.sleep

    def sleep(seconds: float) -> None:
        if threading.get_ident() == caller:
            recorded.append(seconds)
        else:
            real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    yield recorded


def llm(server: FaultServer, **overrides: object) -> OpenAICompatibleLLM:
    settings = {"retries": 1, "reasks": 1, "timeout_s": 0.2, **overrides}
    return OpenAICompatibleLLM(fault_settings(server, **settings))


ALL = None
TRANSIENT: tuple[FaultKind, ...] = ("hang", "429", "500", "503", "reset")
OUTPUT: tuple[FaultKind, ...] = ("malformed_body", "malformed_content", "schema_invalid")

# (fault, on the first k calls or ALL, error raised or None, calls the server saw, sleeps)
MATRIX: list[tuple[FaultKind, int | None, type[LLMError] | None, int, int]] = [
    *[(kind, ALL, LLMUnavailableError, 2, 1) for kind in TRANSIENT],
    *[(kind, 1, None, 2, 1) for kind in TRANSIENT],
    # A body that is not JSON is taken for bad output and re-asked, not retried.
    *[(kind, ALL, LLMOutputError, 2, 0) for kind in OUTPUT],
    *[(kind, 1, None, 2, 0) for kind in OUTPUT],
    # Cut-off output is asked once more with twice the token cap (no back-off).
    ("truncated", ALL, LLMOutputError, 2, 0),
    ("truncated", 1, None, 2, 0),
]


@pytest.mark.parametrize(
    ("kind", "times", "error", "calls", "n_sleeps"),
    MATRIX,
    ids=[f"{kind}-{times or 'all'}" for kind, times, *_ in MATRIX],
)
def test_client_under_fault(
    fault_server: FaultServer,
    sleeps: list[float],
    kind: FaultKind,
    times: int | None,
    error: type[LLMError] | None,
    calls: int,
    n_sleeps: int,
) -> None:
    fault_server.set_faults([Fault(kind, times)])
    client = llm(fault_server)
    if error is None:
        assert client.complete(MESSAGES, CoreDraft).value.summary == ""
    else:
        with pytest.raises(error):
            client.complete(MESSAGES, CoreDraft)
    assert fault_server.stats().calls == calls
    assert len([s for s in sleeps if s > 0]) == n_sleeps  # instructor re-asks sleep(0)


def test_client_under_total_outage(fault_server: FaultServer, sleeps: list[float]) -> None:
    fault_server.outage()
    with pytest.raises(LLMUnavailableError, match="unreachable after 2 attempts"):
        llm(fault_server).complete(MESSAGES, CoreDraft)
    assert fault_server.stats().calls == 0 and len([s for s in sleeps if s > 0]) == 1


def test_truncated_output_reports_the_attempts_it_made(fault_server: FaultServer) -> None:
    fault_server.inject("truncated")
    with pytest.raises(LLMOutputError, match="after 2 attempts") as caught:
        llm(fault_server).complete(MESSAGES, CoreDraft)
    assert fault_server.stats().calls == 2 and caught.value.attempt == 2


@pytest.mark.parametrize("mode", ["json_schema", "tools", "json"])
def test_every_instructor_mode_gets_a_valid_answer(fault_server: FaultServer, mode: str) -> None:
    done = llm(fault_server, llm_mode=mode).complete(MESSAGES, labels_model("quantities", 4))
    assert len(done.value.items) == 4  # type: ignore[attr-defined]
    assert done.usage.prompt_tokens > 0 and done.usage.completion_tokens > 0


# -- retries that respect the server (issue #15, scope 2) -----------------------------------


def test_retry_after_is_honoured(fault_server: FaultServer, sleeps: list[float]) -> None:
    fault_server.inject("429", 1, retry_after=5)
    llm(fault_server, retries=1).complete(MESSAGES, CoreDraft)
    assert sleeps and sleeps[0] == 5


def test_retry_after_is_capped_by_the_setting(
    fault_server: FaultServer, sleeps: list[float]
) -> None:
    fault_server.inject("503", 1, retry_after=120)
    llm(fault_server, retries=1, retry_after_max_s=7).complete(MESSAGES, CoreDraft)
    assert sleeps == [7]


def test_truncated_output_is_retried_with_more_tokens(fault_server: FaultServer) -> None:
    fault_server.inject("truncated", 1)
    done = llm(fault_server).complete(MESSAGES, CoreDraft, max_tokens=100)
    first, second = fault_server.requests()
    assert (first["max_tokens"], second["max_tokens"]) == (100, 200)
    assert done.attempts == 2


def test_no_error_log_when_a_retry_succeeds(
    fault_server: FaultServer, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    fault_server.inject("503", 1)
    with caplog.at_level(logging.WARNING):
        done = llm(fault_server).complete(MESSAGES, CoreDraft)
    assert fault_server.stats().calls == 2 and done.attempts == 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_one_warning_per_final_failure(
    fault_server: FaultServer, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    fault_server.inject("503")
    with caplog.at_level(logging.WARNING), pytest.raises(LLMUnavailableError):
        llm(fault_server).complete(MESSAGES, CoreDraft)
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "after 2 attempts" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def _cool_down(seconds: float) -> None:
    """Let a breaker's cool-down pass on the real clock (`sleeps` has patched time.sleep)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        threading.Event().wait(0.01)


def test_circuit_breaker_fails_fast_then_probes(
    fault_server: FaultServer, sleeps: list[float]
) -> None:
    fault_server.inject("503")
    client = llm(fault_server, retries=3, breaker_failures=3, breaker_cooldown_s=0.3)
    with pytest.raises(LLMUnavailableError, match="unreachable after 3 attempts"):
        client.complete(MESSAGES, CoreDraft)  # the third failure opens it: no 4th try
    assert fault_server.stats().calls == 3
    for _ in range(5):  # every later call is refused without reaching the server
        with pytest.raises(LLMUnavailableError, match="circuit breaker") as caught:
            client.complete(MESSAGES, CoreDraft)
        assert caught.value.context["retry_after"] == 1
    assert fault_server.stats().calls == 3
    fault_server.clear()
    _cool_down(0.35)
    assert client.complete(MESSAGES, CoreDraft).attempts == 1  # the probe answers: closed
    assert client.breaker.state == "closed" and fault_server.stats().calls == 4


def test_a_failed_probe_opens_the_breaker_again(
    fault_server: FaultServer, sleeps: list[float]
) -> None:
    fault_server.inject("reset")
    client = llm(fault_server, retries=0, breaker_failures=1, breaker_cooldown_s=0.2)
    with pytest.raises(LLMUnavailableError):
        client.complete(MESSAGES, CoreDraft)
    _cool_down(0.25)
    with pytest.raises(LLMUnavailableError, match="unreachable after 1 attempts"):
        client.complete(MESSAGES, CoreDraft)  # the probe
    with pytest.raises(LLMUnavailableError, match="circuit breaker"):
        client.complete(MESSAGES, CoreDraft)
    assert fault_server.stats().calls == 2 and client.breaker.opened == 2
