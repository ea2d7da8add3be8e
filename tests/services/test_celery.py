"""Celery end to end: real workers (subprocesses) over the real Redis, jobs and records in
the real PostgreSQL, against the latency stub LLM (`tests/support/fault_server.py`).

- two workers share one cluster's extractions, and the consensus equals the in-process one;
- a worker killed with SIGKILL mid-task: its task is delivered again to the other worker,
  the job completes exactly once, with the same result as an undisturbed run.

Retries and the failed state are in `tests/unit/test_distributed_tasks.py` (eager Celery).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from schemas.api import ConsensusRequest
from schemas.article import Article
from service.distributed.queue import RUN_JOB, celery_app, send
from service.inputs import expand_paths, read_article
from service.llm import open_llm
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import Job, Store
from tests.support.fault_server import FaultServer
from tests.support.procs import ROOT, Proc, service_env, start_workers

LATENCY_S = 0.3
"""The stub's answer time per LLM call: the work a worker waits on."""

WORKER_LLM_CALLS = 2
"""Each worker's own cap on LLM calls in flight (CORROBORATE_LLM_CONCURRENCY)."""

DATASETS = ROOT / "evals" / "datasets" / "dev"
VOLATILE = frozenset({"created_at", "seconds"})


def stable(value: Any) -> Any:
    """A result without the fields that differ between any two runs (times, durations)."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def articles(cluster: str) -> list[Article]:
    folder = DATASETS / cluster / "articles"
    return [read_article(p) for p in expand_paths([folder])]


@pytest.fixture
def stub() -> Iterator[FaultServer]:
    with FaultServer(latency=LATENCY_S) as server:
        yield server


@pytest.fixture
def settings(postgres_url: str, redis_url: str, redis_queue: str, stub: FaultServer) -> Settings:
    return Settings(
        _env_file=None,
        model="llamacpp/fault-server",
        base_url=stub.base_url,
        database_url=postgres_url,
        broker_url=redis_url,
        queue=redis_queue,
        visibility_timeout_s=10,
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store(settings.database_url)
    yield s
    s.close()


def worker_env(settings: Settings) -> dict[str, str]:
    assert settings.base_url and settings.broker_url
    return service_env(
        model=settings.model,
        base_url=settings.base_url,
        database_url=settings.database_url,
        broker_url=settings.broker_url,
        queue=settings.queue,
        visibility_timeout_s=str(settings.visibility_timeout_s),
        llm_concurrency=str(WORKER_LLM_CALLS),
    )


def in_process_consensus(settings: Settings, cluster: list[Article]) -> dict[str, Any]:
    """The undisturbed run: the same pipeline in this process, no broker, no store."""
    local = settings.model_copy(update={"broker_url": None})
    with open_llm(local) as llm:
        consensus = Pipeline(local, llm).summarise(cluster)
    result: dict[str, Any] = stable(json.loads(consensus.model_dump_json()))
    return result


def submit(settings: Settings, store: Store, cluster: list[Article]) -> Job:
    request = ConsensusRequest(articles=cluster).model_dump_json()
    job, _ = store.create_job(kind="consensus", request_json=request, api_key_id="test")
    app = celery_app(settings)
    try:
        send(app, RUN_JOB, job.id)
    finally:
        app.close()
    return job


def wait_final(store: Store, job_id: str, timeout: float = 120.0) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = store.get_job(job_id)
        assert job is not None
        if not job.is_open:
            return job
        assert time.monotonic() < deadline, f"job still {job.status} after {timeout} s"
        time.sleep(0.2)


def received(proc: Proc, task: str) -> list[str]:
    """The ids of the `task` messages a worker took."""
    return re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received", proc.text())


def test_two_workers_then_one_killed_mid_task(
    settings: Settings, store: Store, stub: FaultServer, tmp_path: Path
) -> None:
    """Phase 1, undisturbed: both workers extract articles of one cluster; the consensus
    is the in-process one. Phase 2: a worker is killed with SIGKILL while it extracts an
    article of another cluster; its task is delivered again to the survivor, and the job
    completes once, with the undisturbed result."""
    first, second = articles("kim-beijing-2025")[:4], articles("river-flood")
    with ExitStack() as stack:
        doomed, survivor = start_workers(worker_env(settings), tmp_path, ["doomed", "survivor"])
        stack.callback(doomed.stop)
        stack.callback(survivor.stop)

        job = submit(settings, store, first)
        final = wait_final(store, job.id)
        assert final.status == "succeeded", final.error
        took = [set(received(w, "corroborate.extract")) for w in (doomed, survivor)]
        # Two workers, each within its own cap of LLM calls in flight.
        assert 0 < stub.stats().max_in_flight <= 2 * WORKER_LLM_CALLS
        assert all(took) and len(took[0] | took[1]) == len(first), took
        assert final.result_json is not None
        assert stable(json.loads(final.result_json)) == in_process_consensus(settings, first)

        stub.set_latency(2.0)  # an extraction now waits >= 4 s on the model
        seen = len(received(doomed, "corroborate.extract"))
        job = submit(settings, store, second)
        deadline = time.monotonic() + 60
        while len(received(doomed, "corroborate.extract")) == seen:
            assert time.monotonic() < deadline, "the doomed worker took no extraction"
            time.sleep(0.05)
        killed_task = received(doomed, "corroborate.extract")[-1]
        doomed.kill9()
        assert f"{killed_task}] succeeded" not in doomed.text(), "killed after the task ended"
        final = wait_final(store, job.id)

    assert final.status == "succeeded", final.error
    assert killed_task in received(survivor, "corroborate.extract"), "not delivered again"
    logs = doomed.text() + survivor.text()
    assert logs.count(f"job {job.id} succeeded") == 1
    assert store.count_job_records(job.id) == len(second)
    assert final.result_json is not None
    assert stable(json.loads(final.result_json)) == in_process_consensus(settings, second)
