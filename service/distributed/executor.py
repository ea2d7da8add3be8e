"""The API side: jobs go to the broker, and their state is read back from the store.

`CeleryExecutor` is the API's `JobExecutor` when `CORROBORATE_BROKER_URL` is set. The API
process does no model work: `submit` publishes one message, `wait` polls the store (any API
process sees any worker's writes, since they share the database). Jobs wait in the broker
while no worker runs, and the API keeps answering. When the broker itself cannot be reached
the job is failed at once with a 503 problem, never left looking queued forever.
"""

from __future__ import annotations

import asyncio
import logging
import time

import anyio.to_thread
from kombu.exceptions import OperationalError

from service.api.problems import API_PROBLEMS, problem_body, problem_type
from service.distributed.queue import RUN_JOB, celery_app, send
from service.settings import Settings
from service.store import Job, Store

log = logging.getLogger("corroborate.api")

POLL_S = 0.1
"""How often a waiting request looks at its job."""


class CeleryExecutor:
    """Publishes jobs to the broker; waits on them through the store."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.app = celery_app(settings)
        self.broker = settings.broker_url

    async def start(self) -> None:
        """Nothing to resume: open jobs are in the broker, or failed if they never got there."""

    async def stop(self) -> None:
        """Release the broker connections."""
        self.app.close()

    def submit(self, job_id: str) -> None:
        """Publish the job's first task; fail the job (503) if the broker cannot be reached."""
        try:
            send(self.app, RUN_JOB, job_id)
        except OperationalError as exc:
            log.error("job %s: broker unreachable: %s", job_id, exc)
            problem = problem_body(
                503,
                title=API_PROBLEMS["queue-unavailable"],
                detail="the job could not be queued: the broker does not answer",
                type_=problem_type("queue-unavailable"),
                instance=f"/v1/jobs/{job_id}",
            )
            self.store.reject_job(job_id, problem)

    def finished(self, job_id: str) -> None:
        """Nothing to wake: waiters poll the store."""

    async def wait(self, job_id: str, timeout_s: float) -> Job | None:
        """Poll the store until the job is final or `timeout_s` has passed."""
        deadline = time.monotonic() + timeout_s
        while True:
            job = await anyio.to_thread.run_sync(self.store.get_job, job_id)
            if job is None or not job.is_open or time.monotonic() >= deadline:
                return job
            await asyncio.sleep(POLL_S)
