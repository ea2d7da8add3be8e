"""`make stack` on this machine (the API and two workers over the real Redis and
PostgreSQL, the latency stub LLM as the model server), driven over HTTP like a user would,
with a second API process sharing its database: jobs submitted to one API are seen,
replayed (Idempotency-Key) and answered by the other."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import article_payload, dataset_articles
from tests.support.fault_server import FaultServer
from tests.support.procs import ROOT, Proc, free_port, service_env

DATASETS = ROOT / "evals" / "datasets" / "dev"


@pytest.fixture
def stub() -> Iterator[FaultServer]:
    with FaultServer(latency=0.2) as server:
        yield server


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


def wait_final(api: str, job_id: str, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = httpx.get(f"{api}/v1/jobs/{job_id}", timeout=10).json()
        if job["status"] not in ("queued", "running"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}"
        time.sleep(0.2)


def test_make_stack_and_a_second_api_process_share_one_database(
    postgres_url: str, redis_url: str, redis_queue: str, stub: FaultServer, tmp_path: Path
) -> None:
    port, second_port = free_port(), free_port()
    env = service_env(model="llamacpp/fault-server", base_url=stub.base_url, queue=redis_queue)
    log = tmp_path / "stack.log"
    with log.open("wb") as out:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "stack", f"PORT={port}", f"BROKER={redis_url}",
             f"DATABASE={postgres_url}", "WORKERS=2"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        second_env = dict(
            env, CORROBORATE_BROKER_URL=redis_url, CORROBORATE_DATABASE_URL=postgres_url
        )
        second = Proc(["serve", "--port", str(second_port)], second_env, tmp_path / "api2.log")
        try:
            deadline = time.monotonic() + 240
            while "stack: API" not in log.read_text(errors="replace"):
                assert make.poll() is None, log.read_text(errors="replace")[-3000:]
                assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
                time.sleep(0.3)
            one, two = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{second_port}"
            wait_up(two, second)

            # The README's calls, on the stack's API.
            cluster = {"articles": dataset_articles()[:3]}
            answer = httpx.post(f"{one}/v1/consensus", json=cluster, timeout=120)
            assert answer.status_code == 200, answer.text
            assert len(answer.json()["outlets"]) == 3
            text = log.read_text(errors="replace")
            assert "celery@worker1 ready" in text and "celery@worker2 ready" in text

            # Two APIs, one database: a job sent to one is replayed and answered by the other.
            key = {"Idempotency-Key": "cluster-2"}
            other = {"articles": dataset_articles()[2:5]}
            first = httpx.post(f"{one}/v1/consensus?mode=async", json=other, headers=key)
            assert first.status_code == 202, first.text
            job_id = first.json()["id"]
            replay = httpx.post(f"{two}/v1/consensus?mode=async", json=other, headers=key)
            assert replay.status_code == 202 and replay.json()["id"] == job_id
            clash = httpx.post(f"{two}/v1/consensus?mode=async", json=cluster, headers=key)
            assert clash.status_code == 409
            assert wait_final(two, job_id)["status"] == "succeeded"
            results = [httpx.get(f"{api}/v1/jobs/{job_id}/result") for api in (one, two)]
            assert [r.status_code for r in results] == [200, 200]
            assert results[0].json() == results[1].json()
            # A synchronous request on the second API waits for a worker's result.
            record = httpx.post(f"{two}/v1/records", json=article_payload(5), timeout=120)
            assert record.status_code == 200 and record.json()["article_id"] == "a5"

            # `batch` with the broker: each cluster a job on the stack's workers.
            clusters = tmp_path / "clusters"
            for name, n in (("kim-beijing-2025", 3), ("river-flood", 2)):
                (clusters / name).mkdir(parents=True)
                for src in sorted((DATASETS / name / "articles").iterdir())[:n]:
                    shutil.copy(src, clusters / name / src.name)
            batch_out = tmp_path / "batch"
            batch = subprocess.run(
                [sys.executable, "-m", "app.cli", "batch", str(clusters), "--out", str(batch_out)],
                cwd=ROOT, env=second_env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert batch.returncode == 0, batch.stderr[-3000:]
            assert "as jobs on the workers" in batch.stderr
            for name in ("kim-beijing-2025", "river-flood"):
                written = json.loads((batch_out / f"{name}.json").read_text())
                assert written["provenance"]["models"] == ["llamacpp/fault-server"]
        finally:
            second.stop()
            os.killpg(make.pid, signal.SIGTERM)
            try:
                make.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(make.pid, signal.SIGKILL)
                make.wait()
    assert "stack: stopping" in log.read_text(errors="replace")
