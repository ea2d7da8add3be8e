"""The fault matrix (issue #15): every fault of the fault server by every entry point, over
the real loopback socket, then the same entry point again once the model has recovered.

Entry points: the CLI's `extract`, `summarise` and `batch`, the API's sync `POST
/v1/records` and an async `POST /v1/consensus` job polled to its end. Faults hit either
the first two calls (one facet of the first article falls back: a partial result) or every
call (the LLM never answers). Each case asserts the exit code or HTTP status, which records
came out degraded, that every accepted article was still written or answered, what was
cached, and that the circuit breaker cut a transport outage short. After a partial run and
after a total outage, a re-run once the model has recovered must complete, with LLM calls
for exactly the degraded records (and the cluster's narrative).

Settings (`tests.support.fault_runs.fault_env`): 1 retry, 1 re-ask, 1.5 s time-out,
`Retry-After` capped at 0.05 s, a 3-failure breaker, one call in flight.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final, Literal

import pytest

from tests.support.fault_runs import (
    ENTRY_POINTS,
    NARRATIVE,
    EntryPoint,
    Outcome,
    cluster_articles,
    run_entry,
)
from tests.support.fault_server import Fault, FaultKind, FaultServer

TRANSPORT: Final[tuple[FaultKind, ...]] = ("hang", "429", "500", "503", "reset", "outage")
OUTPUT: Final[tuple[FaultKind, ...]] = (
    "malformed_body",
    "malformed_content",
    "schema_invalid",
    "truncated",
)
Mode = Literal["first2", "all"]

FIRST, SECOND = (a.id for a in cluster_articles())
BOTH: Final = {FIRST, SECOND}
NARRATED: Final = ("summarise", "batch", "api-consensus-async")
"""Entry points that write a narrative (one more LLM call per run)."""

CASES: Final = [
    *[(kind, "first2") for kind in (*TRANSPORT, *OUTPUT) if kind != "outage"],
    *[(kind, "all") for kind in (*TRANSPORT, *OUTPUT)],
]


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def _warm_up(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    # The first run pays the imports and the parser's load; pay it here, not in a case.
    run_entry("summarise", server, tmp_path_factory.mktemp("warm"))


def _inject(server: FaultServer, kind: FaultKind, mode: Mode) -> None:
    _recover(server)
    if kind == "outage":  # refused calls never reach the server: an outage is timed
        server.outage()
        return
    retry_after = 1 if kind == "429" else None
    server.set_faults([Fault(kind, 2 if mode == "first2" else None, retry_after=retry_after)])


def _recover(server: FaultServer) -> None:
    server.clear()
    server.restore()  # listening again after an outage (a no-op otherwise)


def _assert_complete(entry: EntryPoint, done: Outcome) -> None:
    if entry == "api-consensus-async":
        assert (done.code, done.job_status) == (200, "succeeded"), done
    elif entry == "api-record":
        assert done.code == 200, done
    else:
        assert done.code == 0, done
    assert done.degraded == set(), done


def _asked(entry: EntryPoint) -> set[str]:
    return {FIRST} if entry == "api-record" else BOTH


def _check_faulty_run(entry: EntryPoint, kind: FaultKind, mode: Mode, first: Outcome) -> None:
    asked = _asked(entry)
    if mode == "first2":
        # The first article's first facet took both faulty calls and fell back.
        assert first.degraded == {FIRST}, first
        if entry == "api-consensus-async":
            assert (first.code, first.job_status) == (200, "partial"), first
        elif entry == "api-record":
            assert first.code == 200, first
        else:
            assert first.code == 8, first
            assert "1 of 2 records" in first.detail, first
        assert first.written == asked  # nothing accepted is lost
    else:
        transport = kind in TRANSPORT
        if entry == "api-record":
            assert first.code == (503 if transport else 502), first
            assert (first.retry_after == "60") is transport, first
            assert first.written == set()
        elif entry == "api-consensus-async":
            assert first.job_status == "failed" and first.code == 409, first
            assert first.error_status == (503 if transport else 502), first
            assert (first.retry_after == "60") is transport, first
        else:
            assert first.code == 5 and "never answered" in first.detail, first
            assert first.degraded == first.written == BOTH, first  # written all the same
        if transport:  # the breaker ends a total outage after 3 calls, not 2 per facet
            assert first.total_calls <= 3, first
    if entry == "batch" and first.written:
        assert "[not marked done]" in first.detail, first
    complete = asked - {FIRST} if mode == "first2" else set()
    assert first.cached == (set() if entry == "extract" else complete), first


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(("kind", "mode"), CASES, ids=[f"{k}-{m}" for k, m in CASES])
def test_fault(
    server: FaultServer, tmp_path: Path, entry: EntryPoint, kind: FaultKind, mode: Mode
) -> None:
    _inject(server, kind, mode)
    _check_faulty_run(entry, kind, mode, run_entry(entry, server, tmp_path))


RECOVERY: Final[list[tuple[FaultKind, Mode]]] = [("503", "first2"), ("outage", "all")]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(("kind", "mode"), RECOVERY, ids=[f"{k}-{m}" for k, m in RECOVERY])
def test_recovery_redoes_exactly_the_degraded_records(
    server: FaultServer, tmp_path: Path, entry: EntryPoint, kind: FaultKind, mode: Mode
) -> None:
    _inject(server, kind, mode)
    first = run_entry(entry, server, tmp_path)
    _check_faulty_run(entry, kind, mode, first)
    asked = _asked(entry)
    _recover(server)
    again = run_entry(entry, server, tmp_path)
    _assert_complete(entry, again)
    redo = asked if entry == "extract" else asked - first.cached  # extract has no cache
    assert redo  # something was degraded
    assert {k for k in again.calls if k != NARRATIVE} == redo, again
    narratives = again.calls.get(NARRATIVE, 0)
    if entry not in NARRATED:
        assert narratives == 0, again
    elif mode == "all":  # the narrative failed too, and a failed one is never cached
        assert narratives == 1, again
    else:  # a narrative of the very same facts was answered and cached before
        assert narratives <= 1, again
    assert again.cached == (set() if entry == "extract" else asked), again
    if entry != "extract":  # cached now: a third run makes no record call
        third = run_entry(entry, server, tmp_path)
        _assert_complete(entry, third)
        assert {k for k in third.calls if k != NARRATIVE} == set(), third


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_no_fault(server: FaultServer, tmp_path: Path, entry: EntryPoint) -> None:
    _recover(server)
    done = run_entry(entry, server, tmp_path)
    _assert_complete(entry, done)
    assert done.written == _asked(entry)
    assert done.cached == (set() if entry == "extract" else _asked(entry))
