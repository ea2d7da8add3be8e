"""The worker's tasks: run a job, extract one article of it, merge its records.

`Work` holds what the tasks share in one worker process (the store, the pipeline, the
Celery app); `register_tasks(app, work)` binds the three tasks to it. Every task starts
by reading the job: a job that is final (succeeded, failed, cancelled) is left alone, so a
late or duplicate message does nothing. A task the model failed upstream (unreachable,
5xx after the client's own retries) is retried with backoff `settings.task_retries`
times; past that, or for any other error, the job moves to `failed` with the problem body
the API shows. The outcomes are those of the in-process runner: `succeeded`, `partial` (a
degraded result: some LLM calls failed and mined candidates stand in), or `failed` when the
model answered none of the job's calls. A final job with a `callback_url` is then
delivered, signed, by a webhook task, retried with backoff `settings.webhook_retries`
times (the API's `WebhookSender` does this for in-process jobs; with workers, the worker
that finished the job does).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from celery import Celery

from schemas.api import CallbackState, ConsensusRequest
from schemas.article import Article
from schemas.record import EventRecord
from service.api.jobs import ServicePipeline
from service.api.problems import error_problem, internal_problem
from service.api.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, callback_body, sign_callback
from service.distributed.queue import EXTRACT, MERGE, RUN_JOB, WEBHOOK, send
from service.errors import CorroborateError, LLMError, LLMUnavailableError, ModelError
from service.pipeline import unanswered
from service.settings import Settings
from service.store import Job, Store

log = logging.getLogger("corroborate.worker")

RETRYABLE: tuple[type[CorroborateError], ...] = (LLMUnavailableError, ModelError)
"""Upstream failures worth another try later; anything else fails the job at once."""


@dataclass
class Work:
    """What one worker process's tasks share."""

    app: Celery
    store: Store
    pipeline: ServicePipeline
    settings: Settings

    def run_job(self, job_id: str) -> None:
        """Take up a queued job: a record job is done here, a consensus job fans out."""
        job = self.store.claim_job(job_id)
        if job is None:  # final (or cancelled) already: a duplicate message
            return
        if job.kind == "record":
            record = self.record(Article.model_validate_json(job.request_json))
            self._raise_if_unanswered([record])
            self._finish(job, record.model_dump_json(), partial=record.degraded)
            return
        articles = ConsensusRequest.model_validate_json(job.request_json).articles
        for index in range(len(articles)):
            send(self.app, EXTRACT, job_id, index)

    def extract(self, job_id: str, index: int) -> None:
        """Keep the record of the job's `index`-th article; the last one sends the merge."""
        job = self.store.get_job(job_id)
        if job is None or not job.is_open:
            return
        articles = ConsensusRequest.model_validate_json(job.request_json).articles
        article = articles[index]
        article_hash = self.pipeline.cache_key(article).article_hash
        if article_hash not in self.store.job_records(job_id):
            record = self.record(article)
            # The model could not be reached for any of its calls: try the article again
            # later rather than keep a record made of mined candidates alone.
            error = self._unanswered([record])
            if isinstance(error, LLMUnavailableError):
                raise error
            self.store.put_job_record(job_id, article_hash, record)
        # Counted even when the record was kept by an earlier delivery of this task: that
        # one may have died before sending the merge.
        if self.store.count_job_records(job_id) >= len(articles):
            send(self.app, MERGE, job_id)

    def merge(self, job_id: str) -> None:
        """All records kept: merge and narrate, and write the result once."""
        job = self.store.get_job(job_id)
        if job is None or not job.is_open:
            return
        articles = ConsensusRequest.model_validate_json(job.request_json).articles
        kept = self.store.job_records(job_id)
        hashes = [self.pipeline.cache_key(a).article_hash for a in articles]
        if any(h not in kept for h in hashes):  # pragma: no cover - sent only when all are kept
            log.warning("merge of job %s before all its records: ignored", job_id)
            return
        records = [kept[h] for h in hashes]
        error = self._unanswered(records)
        if error is not None:  # as in-process: the model answered none of the job's calls
            self.fail(job_id, error_problem(error, instance=f"/v1/jobs/{job_id}"))
            return
        consensus = self.pipeline.summarise(articles, records, narratives=self.store)
        self._finish(job, consensus.model_dump_json(), partial=consensus.degraded)

    def record(self, article: Article) -> EventRecord:
        """One article's record, from the record cache when the same work was done before."""
        key = self.pipeline.cache_key(article)
        cached = self.store.get_cached_record(key)
        if cached is not None:
            return cached
        record = self.pipeline.extract(article)
        self.store.put_cached_record(key, record)
        return record

    def fail(self, job_id: str, problem: dict[str, Any]) -> None:
        """The job failed: keep the problem body for the API to show."""
        final = self.store.fail_job(job_id, problem)
        if final is not None:
            log.warning("job %s failed: %s", job_id, problem.get("detail"))
            self._notify(final)

    def deliver(self, job_id: str, attempt: int) -> bool:
        """POST the final job to its `callback_url`, signed. True when done: delivered (2xx),
        or given up after `settings.webhook_retries` retries (its state then says `failed`)."""
        job = self.store.get_job(job_id)
        secret = self.settings.webhook_secret
        if job is None or not job.callback_url or secret is None:
            return True
        body, timestamp = callback_body(job), str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "corroborate-webhook",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign_callback(secret.get_secret_value(), timestamp, body),
            "X-Corroborate-Job": job.id,
        }
        try:
            answer = httpx.post(
                job.callback_url,
                content=body,
                headers=headers,
                timeout=self.settings.webhook_timeout_s,
            )
            delivered = answer.is_success
        except httpx.HTTPError as exc:
            log.warning("webhook for job %s, try %d: %s", job_id, attempt, exc)
            delivered = False
        last = attempt > self.settings.webhook_retries
        state: CallbackState = "delivered" if delivered else ("failed" if last else "pending")
        self.store.set_callback_state(job_id, state, attempt)
        return delivered or last

    def _finish(self, job: Job, result_json: str, *, partial: bool) -> None:
        """Write the result once (a degraded one ends the job `partial`)."""
        final = self.store.finish_job(job.id, result_json, partial=partial)
        if final is not None:
            log.info("job %s %s", job.id, final.status)
            self._notify(final)

    def _unanswered(self, records: list[EventRecord]) -> LLMError | None:
        retry_after = max(1, math.ceil(self.settings.breaker_cooldown_s))
        return unanswered(records, model=self.pipeline.model_id, retry_after=retry_after)

    def _raise_if_unanswered(self, records: list[EventRecord]) -> None:
        error = self._unanswered(records)
        if error is not None:
            raise error

    def _notify(self, job: Job) -> None:
        if job.callback_url and self.settings.webhook_secret is not None:
            send(self.app, WEBHOOK, job.id)


def _guarded(task: Any, work: Work, job_id: str, step: Callable[[], None]) -> None:
    """Run one task's step; retry upstream failures, fail the job on anything else."""
    instance = f"/v1/jobs/{job_id}"
    try:
        step()
    except RETRYABLE as exc:
        tries = task.request.retries
        if tries < work.settings.task_retries:
            delay = work.settings.task_retry_backoff_s * 2**tries
            log.warning("job %s: %s; retry %d in %.1f s", job_id, exc, tries + 1, delay)
            raise task.retry(exc=exc, countdown=delay) from exc
        work.fail(job_id, error_problem(exc, instance=instance))
    except CorroborateError as exc:
        work.fail(job_id, error_problem(exc, instance=instance))
    except Exception:
        log.exception("job %s: task %s failed", job_id, task.name)
        work.fail(job_id, internal_problem(instance=instance))


def register_tasks(app: Celery, work: Work) -> None:
    """Bind the three tasks to `work` on `app` (a worker does this once at start)."""

    def run_job(task: Any, job_id: str) -> None:
        _guarded(task, work, job_id, lambda: work.run_job(job_id))

    def extract(task: Any, job_id: str, index: int) -> None:
        _guarded(task, work, job_id, lambda: work.extract(job_id, index))

    def merge(task: Any, job_id: str) -> None:
        _guarded(task, work, job_id, lambda: work.merge(job_id))

    def webhook(task: Any, job_id: str) -> None:
        attempt = task.request.retries + 1
        if not work.deliver(job_id, attempt):
            delay = min(work.settings.webhook_backoff_s * 2 ** (attempt - 1), 300.0)
            raise task.retry(countdown=delay)

    tasks = ((RUN_JOB, run_job), (EXTRACT, extract), (MERGE, merge), (WEBHOOK, webhook))
    for name, body in tasks:
        app.task(name=name, bind=True, max_retries=None, shared=False)(body)
