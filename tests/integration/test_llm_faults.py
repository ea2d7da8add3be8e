"""What the project's LLM client (`service.llm`) does under each fault of the fault server.

One `complete()` per case, over the real loopback socket, with `retries=1`, `reasks=1` and
a 0.2 s time-out. Back-off sleeps are recorded instead of slept, so each case is fast.
The matrix pins today's behaviour; the `xfail(strict)` cases are the known gaps of
issue #15 (scope 2): when one is fixed it XPASSes, and its marker and the matrix row go.
`bench/bench_faults.py` measures the same with the default settings and real waits.
"""

from __future__ import annotations

import logging
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
    """tenacity's back-off sleeps, recorded and skipped (the server never calls time.sleep)."""
    recorded: list[float] = []
    monkeypatch.setattr(time, "sleep", recorded.append)
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
    # Cut-off output is neither re-asked nor retried (instructor raises at once).
    ("truncated", ALL, LLMOutputError, 1, 0),
    ("truncated", 1, LLMOutputError, 1, 0),
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


def test_truncated_output_reports_attempts_it_did_not_make(fault_server: FaultServer) -> None:
    fault_server.inject("truncated")
    with pytest.raises(LLMOutputError, match="after 2 attempts"):
        llm(fault_server).complete(MESSAGES, CoreDraft)
    assert fault_server.stats().calls == 1  # issue #15: 'true number of attempts'


@pytest.mark.parametrize("mode", ["json_schema", "tools", "json"])
def test_every_instructor_mode_gets_a_valid_answer(fault_server: FaultServer, mode: str) -> None:
    done = llm(fault_server, llm_mode=mode).complete(MESSAGES, labels_model("quantities", 4))
    assert len(done.value.items) == 4  # type: ignore[attr-defined]
    assert done.usage.prompt_tokens > 0 and done.usage.completion_tokens > 0


# -- known gaps (issue #15, scope 2) ----------------------------------------------------------


@pytest.mark.xfail(reason="issue #15: Retry-After is ignored (back-off of 1-2 s instead)")
def test_retry_after_is_honoured(fault_server: FaultServer, sleeps: list[float]) -> None:
    fault_server.inject("429", 1, retry_after=5)
    llm(fault_server, retries=1).complete(MESSAGES, CoreDraft)
    assert sleeps and sleeps[0] >= 5


@pytest.mark.xfail(reason="issue #15: finish_reason=length is not retried")
def test_truncated_output_is_retried_with_more_tokens(fault_server: FaultServer) -> None:
    fault_server.inject("truncated", 1)
    llm(fault_server).complete(MESSAGES, CoreDraft, max_tokens=100)
    first, second = fault_server.requests()
    assert second["max_tokens"] > first["max_tokens"]


@pytest.mark.xfail(reason="issue #15: instructor logs ERROR for a failure a retry then fixed")
def test_no_error_log_when_a_retry_succeeds(
    fault_server: FaultServer, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    fault_server.inject("503", 1)
    with caplog.at_level(logging.WARNING):
        llm(fault_server).complete(MESSAGES, CoreDraft)
    assert fault_server.stats().calls == 2
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
