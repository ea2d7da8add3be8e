"""Jobs from a process that is not the API (`corroborate batch`): store, send, wait.

`RemoteSummariser(store, settings)` is called like `Pipeline.summarise(articles)`, but the
work happens on the workers: the cluster becomes a consensus job in the shared store, its
first task goes to the broker, and the call returns the consensus once a worker wrote it.
A job that fails raises a `CorroborateError` with the problem's detail.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from schemas.api import ConsensusRequest
from schemas.article import Article
from schemas.consensus import Consensus
from service.distributed.queue import RUN_JOB, celery_app, send
from service.errors import CorroborateError
from service.settings import Settings
from service.store import Store

BATCH_OWNER = "batch"
"""The `api_key_id` of jobs `batch` submits (the API shows them to no API key)."""


class RemoteSummariser:
    """`summarise(articles)` on the Celery workers, through the shared store."""

    def __init__(self, store: Store, settings: Settings, *, poll_s: float = 0.2) -> None:
        self.store = store
        self.app = celery_app(settings)
        self.poll_s = poll_s

    def close(self) -> None:
        """Release the broker connections."""
        self.app.close()

    def __call__(self, articles: Sequence[Article]) -> Consensus:
        request = ConsensusRequest(articles=list(articles)).model_dump_json()
        job, _ = self.store.create_job(
            kind="consensus", request_json=request, api_key_id=BATCH_OWNER
        )
        send(self.app, RUN_JOB, job.id)
        while True:
            current = self.store.get_job(job.id)
            if current is None:  # pragma: no cover - jobs are never deleted
                raise CorroborateError(f"job {job.id} vanished", job_id=job.id)
            if current.status == "succeeded" and current.result_json is not None:
                return Consensus.model_validate_json(current.result_json)
            if not current.is_open:
                detail = (current.error or {}).get("detail", current.status)
                raise CorroborateError(f"job {job.id} {current.status}: {detail}", job_id=job.id)
            time.sleep(self.poll_s)
