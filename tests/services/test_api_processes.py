"""Two API processes over one PostgreSQL database and one Redis broker, with Celery workers.

Jobs submitted to one API are seen, replayed (Idempotency-Key) and answered by the other;
while no worker runs, both keep answering and the jobs wait queued; once a worker starts,
they complete, and a synchronous request on either API gets its result.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import article_payload, dataset_articles
from tests.support.fault_server import FaultServer
from tests.support.procs import Proc, free_port, service_env, start_workers, unique_queue


@pytest.fixture
def stub() -> Iterator[FaultServer]:
    with FaultServer(latency=0.2) as server:
        yield server


def wait_status(api: str, job_id: str, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = httpx.get(f"{api}/v1/jobs/{job_id}", timeout=10).json()
        if job["status"] not in ("queued", "running"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}"
        time.sleep(0.2)


def test_two_api_processes_share_one_database(
    postgres_url: str, redis_url: str, stub: FaultServer, tmp_path: Path
) -> None:
    env = service_env(
        model="llamacpp/fault-server",
        base_url=stub.base_url,
        database_url=postgres_url,
        broker_url=redis_url,
        queue=unique_queue(),
        sync_timeout_s="60",
        rate_limit_per_minute="0",
    )
    ports = [free_port(), free_port()]
    cluster = {"articles": dataset_articles()[:3]}
    key = {"Idempotency-Key": "cluster-1"}
    with ExitStack() as stack:
        procs = [Proc(["serve", "--port", str(p)], env, tmp_path / f"api{p}.log") for p in ports]
        for proc in procs:
            stack.callback(proc.stop)
        one, two = (f"http://127.0.0.1:{p}" for p in ports)
        for api, proc in zip((one, two), procs, strict=True):
            wait_up(api, proc)

        # No worker yet: the APIs answer, jobs wait queued.
        first = httpx.post(f"{one}/v1/consensus?mode=async", json=cluster, headers=key)
        assert first.status_code == 202, first.text
        job_id = first.json()["id"]
        replay = httpx.post(f"{two}/v1/consensus?mode=async", json=cluster, headers=key)
        assert replay.status_code == 202 and replay.json()["id"] == job_id
        other = {"articles": cluster["articles"][:2]}
        clash = httpx.post(f"{two}/v1/consensus?mode=async", json=other, headers=key)
        assert clash.status_code == 409
        waited = httpx.post(f"{two}/v1/records?mode=async", json=article_payload(7))
        assert waited.status_code == 202 and waited.json()["status"] == "queued"
        for api in (one, two):
            assert httpx.get(f"{api}/v1/jobs/{job_id}").json()["status"] == "queued"
            ready = httpx.get(f"{api}/readyz")
            assert ready.status_code == 200 and ready.json()["queued_jobs"] == 2

        (worker,) = start_workers(env, tmp_path, ["w1"], concurrency=2)
        stack.callback(worker.stop)
        done = wait_status(two, job_id)
        assert done["status"] == "succeeded", done
        results = [httpx.get(f"{api}/v1/jobs/{job_id}/result") for api in (one, two)]
        assert all(r.status_code == 200 for r in results)
        assert results[0].json() == results[1].json()
        assert len(results[0].json()["outlets"]) == 3
        record_job = waited.json()["id"]
        assert wait_status(one, record_job)["status"] == "succeeded"

        # A synchronous request waits for a worker's result through the shared database.
        sync = httpx.post(f"{one}/v1/records", json=article_payload(8), timeout=90)
        assert sync.status_code == 200, sync.text
        assert sync.json()["article_id"] == "a8"


def wait_up(api: str, proc: Proc, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{api}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert proc.popen.poll() is None, "API exited:\n" + proc.text()[-3000:]
        assert time.monotonic() < deadline, "API did not come up:\n" + proc.text()[-3000:]
        time.sleep(0.2)
