"""Jobs: every record or consensus request is a row in the store, run `concurrency` at once.

Model work runs in worker threads, as many jobs at once as the process's LLM limiter
allows (`service.limiter`: one for the embedded llama.cpp server, which has one slot), so
the event loop keeps answering polls, health checks and metrics. A consensus job extracts
its articles at once too, under the same limiter. A synchronous request waits for its job
up to `sync_timeout_s`. A job that reaches a final state is handed to `on_final` (the
webhook sender).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

import anyio.to_thread

from schemas.api import ConsensusRequest, JobLinksResponse, JobResponse, ProblemResponse
from schemas.article import Article
from schemas.consensus import Consensus
from schemas.record import EventRecord
from service.api.metrics import CACHE_HITS, CACHE_MISSES, JOBS_FINISHED, JOBS_QUEUED
from service.api.problems import error_problem, internal_problem
from service.errors import CorroborateError
from service.llm import LLM
from service.pipeline import unanswered
from service.settings import Settings
from service.store import Job, RecordCacheKey, Store

log = logging.getLogger("corroborate.api")


@dataclass(frozen=True)
class JobResult:
    """A job's result JSON, and whether it is degraded (the job then ends `partial`)."""

    json: str
    degraded: bool


class ServicePipeline(Protocol):
    """What the API needs of `service.pipeline.Pipeline`."""

    settings: Settings
    llm: LLM | None

    @property
    def model_id(self) -> str:
        """The model behind the pipeline, or 'none'."""
        ...

    def cache_key(self, article: Article) -> RecordCacheKey:
        """The record-cache key of `article` (prompt, lexicon, record code and model)."""
        ...

    def extract(self, article: Article) -> EventRecord:
        """One article → one record."""
        ...

    def summarise(
        self,
        articles: Sequence[Article],
        records: Sequence[EventRecord] | None = None,
        *,
        narratives: Store | None = None,
    ) -> Consensus:
        """A cluster of articles (and their records, if already made) → their consensus,
        its narrative from `narratives`' cache when the same facts were told before."""
        ...


class JobExecutor(Protocol):
    """Where the API's jobs run: `JobRunner` in this process, or `CeleryExecutor`
    (`service.distributed.executor`) on worker processes when a broker URL is set."""

    async def start(self) -> None:
        """Begin taking jobs (the in-process runner resumes those left open)."""
        ...

    async def stop(self) -> None:
        """Stop taking jobs."""
        ...

    def submit(self, job_id: str) -> None:
        """Run a stored, queued job."""
        ...

    def finished(self, job_id: str) -> None:
        """A job reached a final state outside the executor (cancelled): wake its waiters."""
        ...

    async def wait(self, job_id: str, timeout_s: float) -> Job | None:
        """The job once it is final, or as it is after `timeout_s` seconds."""
        ...


def job_response(job: Job) -> JobResponse:
    """The API view of a stored job."""
    base = f"/v1/jobs/{job.id}"
    return JobResponse(
        id=job.id,
        kind=job.kind,
        status=job.status,
        created_at=job.created_at,
        updated_at=job.updated_at,
        attempts=job.attempts,
        callback_url=job.callback_url,
        callback_state=job.callback_state,
        callback_attempts=job.callback_attempts,
        error=ProblemResponse.model_validate(job.error) if job.error else None,
        links=JobLinksResponse(self=base, result=base + "/result"),
    )


@dataclass
class _Waiters:
    """What the requests waiting on one job share: the wake-up, and the final job."""

    event: asyncio.Event = field(default_factory=asyncio.Event)
    final: Job | None = None


class JobRunner:
    """Runs queued jobs, `concurrency` at once, in worker threads; wakes their waiters."""

    def __init__(
        self,
        store: Store,
        pipeline: ServicePipeline,
        on_final: Callable[[Job], None] = lambda job: None,
        *,
        concurrency: int = 1,
    ) -> None:
        """`on_final` receives every job the runner brings to a final state (its webhook)."""
        if concurrency < 1:
            raise ValueError(f"a job runner needs a concurrency of at least 1, got {concurrency}")
        self.store = store
        self.pipeline = pipeline
        self.on_final = on_final
        self.concurrency = concurrency
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._done: dict[str, _Waiters] = {}
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Re-queue jobs a previous process left open, then start working."""
        for job in self.store.requeue_open_jobs():
            self.submit(job.id)
        if self._queue.qsize():
            log.info("resuming %d unfinished job(s)", self._queue.qsize())
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="job-runner")

    async def stop(self) -> None:
        """Stop taking jobs. Running jobs' threads are abandoned; they are re-run at next start."""
        tasks = [t for t in (self._task, *self._running) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        JOBS_QUEUED.set(0)

    def submit(self, job_id: str) -> None:
        """Queue a stored job."""
        self._queue.put_nowait(job_id)
        JOBS_QUEUED.set(self._queue.qsize())

    def finished(self, job_id: str, final: Job | None = None) -> None:
        """Wake whoever waits on `job_id` (it finished, failed or was cancelled); `final`
        is the job as this runner left it, handed to them instead of a read of the store."""
        waiters = self._done.pop(job_id, None)
        if waiters is not None:
            waiters.final = final
            waiters.event.set()

    async def wait(self, job_id: str, timeout_s: float) -> Job | None:
        """The job once it is final, or as it is after `timeout_s` seconds."""
        waiters = self._done.setdefault(job_id, _Waiters())
        job = self.store.get_job(job_id)
        if job is None or not job.is_open:
            return job
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiters.event.wait(), timeout_s)
        if waiters.final is not None:
            return waiters.final
        return self.store.get_job(job_id)

    async def _loop(self) -> None:
        slots = asyncio.Semaphore(self.concurrency)
        loop = asyncio.get_running_loop()
        while True:
            await slots.acquire()  # a free slot first: a queued job stays queued (and counted)
            job_id = await self._queue.get()
            JOBS_QUEUED.set(self._queue.qsize())
            task = loop.create_task(self._run(job_id), name=f"job-{job_id}")
            self._running.add(task)
            task.add_done_callback(self._running.discard)
            task.add_done_callback(lambda _: slots.release())

    async def _run(self, job_id: str) -> None:
        job = self.store.start_job(job_id)
        if job is None:  # cancelled while queued
            self.finished(job_id)
            return
        instance = f"/v1/jobs/{job_id}"
        final: Job | None
        try:
            result = await anyio.to_thread.run_sync(self._work, job, abandon_on_cancel=True)
        except CorroborateError as exc:
            final = self.store.fail_job(job_id, error_problem(exc, instance=instance))
        except Exception:
            log.exception("job %s failed", job_id)
            final = self.store.fail_job(job_id, internal_problem(instance=instance))
        else:
            final = self.store.finish_job(job_id, result.json, partial=result.degraded)
        if final is not None:  # None: cancelled while running, result discarded
            JOBS_FINISHED.labels(final.kind, final.status).inc()
            self.on_final(final)
        self.finished(job_id, final)

    def _work(self, job: Job) -> JobResult:
        """The model work of one job, in the worker thread.

        Raises the LLM's error (503 + Retry-After when it could not be reached) when it
        answered none of the calls the job needed; a result with some failed calls is
        `degraded` (the job ends `partial`)."""
        if job.kind == "record":
            record = self.record(Article.model_validate_json(job.request_json))
            self._raise_if_unanswered([record])
            return JobResult(record.model_dump_json(), record.degraded)
        request = ConsensusRequest.model_validate_json(job.request_json)
        # Records go through the record cache, so a cluster re-sent costs no model call.
        # Articles are extracted at once, under the LLM limiter; the list keeps their order.
        articles = request.articles
        workers = min(len(articles), self.concurrency)
        if workers > 1:
            with ThreadPoolExecutor(workers, thread_name_prefix=f"job-{job.id}") as pool:
                records = list(pool.map(self.record, articles))
        else:
            records = [self.record(a) for a in articles]
        self._raise_if_unanswered(records)
        consensus = self.pipeline.summarise(articles, records, narratives=self.store)
        return JobResult(consensus.model_dump_json(), consensus.degraded)

    def _raise_if_unanswered(self, records: Sequence[EventRecord]) -> None:
        settings = self.pipeline.settings
        error = unanswered(
            records,
            model=self.pipeline.model_id,
            retry_after=max(1, math.ceil(settings.breaker_cooldown_s)),
        )
        if error is not None:
            raise error

    def record(self, article: Article) -> EventRecord:
        """One article's record, from the record cache when the same work was done before
        (the store neither keeps nor serves a degraded record)."""
        key = self.pipeline.cache_key(article)
        cached = self.store.get_cached_record(key)
        if cached is not None:
            CACHE_HITS.inc()
            return cached
        CACHE_MISSES.inc()
        record = self.pipeline.extract(article)
        self.store.put_cached_record(key, record)
        return record
