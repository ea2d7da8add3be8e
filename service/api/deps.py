"""What the routes depend on: the one pipeline, the store, the job runner, auth, rate limits.

- **Pipeline**: built once at startup by a `PipelineFactory` (default:
  `pipeline_factory()`, the same `Pipeline` the CLI uses; tests pass one over `FakeLLM`).
  Model work runs in a worker thread, one job at a time (the embedded llama.cpp server
  has one slot), so the event loop keeps answering polls, health checks and metrics.
- **Jobs**: every record or consensus request is a row in the store; `JobRunner` runs
  them in order. A synchronous request waits for its job up to `sync_timeout_s`.
- **Auth**: `Authorization: Bearer <key>` against the configured keys, compared as
  sha256 digests with `hmac.compare_digest`. With no keys configured, auth is OFF and
  every caller is `anonymous` (meant for a loopback-only deployment).
- **Rate limit**: a token bucket per API key (per client address when auth is off):
  `rate_limit_per_minute` requests a minute, bursts up to the same number; 0 turns it off.
  Buckets live in the process: several uvicorn workers would each allow the full rate.
- **Webhooks**: a finished job with a `callback_url` is POSTed there, signed with
  HMAC-SHA256 (`X-Corroborate-Signature: sha256=<hex>` over `<timestamp>.<raw body>`,
  timestamp in `X-Corroborate-Timestamp`), retried with exponential backoff and jitter.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar, cast

import anyio.to_thread
import httpx
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import Counter, Gauge, Histogram
from pydantic import BaseModel, SecretStr

from schemas.api import ConsensusRequest, JobLinksResponse, JobResponse, ProblemResponse
from schemas.article import Article
from schemas.consensus import Consensus
from schemas.record import EventRecord
from service.api.problems import ApiProblem, error_problem, internal_problem
from service.errors import CorroborateError
from service.llm import LLM, Completion, Message, local_endpoint, open_llm, ping
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import Job, RecordCacheKey, Store

log = logging.getLogger("corroborate.api")

T = TypeVar("T", bound=BaseModel)

ANONYMOUS = "anonymous"
"""The caller id when auth is off."""

SIGNATURE_HEADER = "X-Corroborate-Signature"
TIMESTAMP_HEADER = "X-Corroborate-Timestamp"

# -- settings the API reads ---------------------------------------------------------------


@dataclass(frozen=True)
class ApiConfig:
    """The API's settings, read from `Settings` (defaults apply to fields it lacks)."""

    api_key_digests: tuple[str, ...] = ()
    rate_limit_per_minute: int = 60
    max_request_bytes: int = 8 * 1024 * 1024
    sync_timeout_s: float = 60.0
    webhook_secret: SecretStr | None = None
    webhook_retries: int = 5
    webhook_backoff_s: float = 1.0
    webhook_timeout_s: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiConfig:
        """Read the API fields of `settings`, tolerating a Settings without them."""
        keys: Sequence[SecretStr | str] = getattr(settings, "api_keys", None) or ()
        secret = getattr(settings, "webhook_secret", None)
        if isinstance(secret, str):
            secret = SecretStr(secret)
        return cls(
            api_key_digests=tuple(key_digest(k) for k in keys),
            rate_limit_per_minute=int(
                getattr(settings, "rate_limit_per_minute", cls.rate_limit_per_minute)
            ),
            max_request_bytes=int(getattr(settings, "max_request_bytes", cls.max_request_bytes)),
            sync_timeout_s=float(getattr(settings, "sync_timeout_s", cls.sync_timeout_s)),
            webhook_secret=secret if secret and secret.get_secret_value() else None,
            webhook_retries=int(getattr(settings, "webhook_retries", cls.webhook_retries)),
            webhook_backoff_s=float(getattr(settings, "webhook_backoff_s", cls.webhook_backoff_s)),
            webhook_timeout_s=float(getattr(settings, "webhook_timeout_s", cls.webhook_timeout_s)),
        )


def key_digest(key: SecretStr | str) -> str:
    """sha256 hex digest of an API key: what is kept in memory and compared."""
    raw = key.get_secret_value() if isinstance(key, SecretStr) else key
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# -- metrics (process-wide, the usual Prometheus pattern) -----------------------------------

HTTP_REQUESTS = Counter(
    "corroborate_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "corroborate_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
LLM_CALLS = Counter(
    "corroborate_llm_calls", "LLM calls made, by model and outcome.", ["model", "outcome"]
)
LLM_TOKENS = Counter(
    "corroborate_llm_tokens", "LLM tokens used, by model and kind.", ["model", "kind"]
)
LLM_LATENCY = Histogram(
    "corroborate_llm_call_duration_seconds",
    "Duration of one LLM call, retries and re-asks included.",
    ["model"],
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
CACHE_HITS = Counter("corroborate_record_cache_hits", "Records served from the record cache.")
CACHE_MISSES = Counter("corroborate_record_cache_misses", "Records extracted (cache misses).")
JOBS_FINISHED = Counter(
    "corroborate_jobs_finished", "Jobs that reached a final state.", ["kind", "status"]
)
JOBS_QUEUED = Gauge("corroborate_jobs_queued", "Jobs waiting for the model in this process.")
WEBHOOKS = Counter(
    "corroborate_webhook_deliveries", "Webhook delivery attempts, by outcome.", ["outcome"]
)


class MeteredLLM:
    """An `LLM` that counts calls, tokens and time in the metrics, then defers to `inner`."""

    def __init__(self, inner: LLM) -> None:
        self.inner = inner

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Completion[T]:
        started = time.perf_counter()
        try:
            done = self.inner.complete(messages, response_model, max_tokens=max_tokens)
        except Exception:
            LLM_CALLS.labels(self.model_id, "error").inc()
            raise
        finally:
            LLM_LATENCY.labels(self.model_id).observe(time.perf_counter() - started)
        LLM_CALLS.labels(self.model_id, "ok").inc()
        LLM_TOKENS.labels(self.model_id, "prompt").inc(done.usage.prompt_tokens)
        LLM_TOKENS.labels(self.model_id, "completion").inc(done.usage.completion_tokens)
        return done


# -- the pipeline ---------------------------------------------------------------------------


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
        self, articles: Sequence[Article], records: Sequence[EventRecord] | None = None
    ) -> Consensus:
        """A cluster of articles (and their records, if already made) → their consensus."""
        ...


PipelineFactory = Callable[[Settings], AbstractContextManager[ServicePipeline]]
"""Builds the app's one pipeline at startup and tears it down (the model server) at exit."""


def pipeline_factory(*, use_llm: bool = True, prompt_version: str | None = None) -> PipelineFactory:
    """The production factory: `Pipeline` over the configured model, its calls metered.

    For the embedded model the llama.cpp server is started here and its URL is put in
    the pipeline's settings, so `/readyz` can ping it like any configured endpoint.
    """

    @contextmanager
    def open_service_pipeline(settings: Settings) -> Iterator[ServicePipeline]:
        with ExitStack() as stack:
            if use_llm and settings.is_local:
                url = stack.enter_context(local_endpoint(settings))
                settings = settings.model_copy(update={"base_url": url})
            llm = MeteredLLM(stack.enter_context(open_llm(settings))) if use_llm else None
            yield Pipeline(settings, llm, prompt_version)

    return open_service_pipeline


def llm_reachable(pipeline: ServicePipeline) -> bool:
    """True when the pipeline's model answers (always, for mined-only or in-process models)."""
    if pipeline.llm is None:
        return True
    settings = pipeline.settings
    if settings.base_url or settings.model.startswith("openai/"):
        return ping(settings, settings.base_url)
    return True  # an in-process model (tests): nothing to reach


# -- auth and rate limits -------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """Who is asking: `key_id` owns jobs; `bucket` is charged for the rate limit."""

    key_id: str
    bucket: str


class Authenticator:
    """Bearer API keys, kept and compared as sha256 digests."""

    def __init__(self, digests: Sequence[str]) -> None:
        self._digests = tuple(digests)

    @property
    def enabled(self) -> bool:
        """False when no key is configured: every request is let in as `anonymous`."""
        return bool(self._digests)

    def identify(self, token: str | None) -> str:
        """The key id (a digest prefix) for a bearer token, or an ApiProblem (401/403)."""
        if not self.enabled:
            return ANONYMOUS
        if not token:
            raise ApiProblem(
                401,
                "unauthenticated",
                "send 'Authorization: Bearer <API key>'",
                headers={"WWW-Authenticate": 'Bearer realm="corroborate"'},
            )
        presented = key_digest(token)
        match: str | None = None
        for digest in self._digests:  # no early exit: time does not depend on which key
            if hmac.compare_digest(presented, digest):
                match = digest
        if match is None:
            raise ApiProblem(403, "forbidden", "this API key is not accepted")
        return "key-" + match[:12]


class RateLimiter:
    """Token buckets: `per_minute` tokens a minute, holding at most `per_minute`."""

    MAX_BUCKETS = 10_000

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, bucket: str) -> float:
        """Take one token: 0.0 when allowed, else the seconds until a token is free."""
        if self.capacity <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(bucket, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[bucket] = (tokens - 1.0, now)
                self._prune(now)
                return 0.0
            self._buckets[bucket] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        if len(self._buckets) <= self.MAX_BUCKETS:
            return
        full_after = self.capacity / self.rate
        for key, (_, last) in list(self._buckets.items()):
            if now - last >= full_after:  # refilled to capacity: same as a fresh bucket
                del self._buckets[key]


# -- webhooks -------------------------------------------------------------------------------


def sign_callback(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value: `sha256=` + HMAC-SHA256(secret, `<timestamp>.<body>`)."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, "sha256")
    return "sha256=" + mac.hexdigest()


def verify_callback(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance_s: float = 300.0,
    now: float | None = None,
) -> bool:
    """What a receiver does: check the signature and that the timestamp is recent."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    expected = sign_callback(secret, timestamp, body)
    return age <= tolerance_s and hmac.compare_digest(expected, signature)


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


def callback_body(job: Job) -> bytes:
    """The JSON a job's webhook carries (`JobCallbackRequest`)."""
    event = {"succeeded": "job.succeeded", "failed": "job.failed"}.get(job.status, "job.cancelled")
    payload: dict[str, Any] = {
        "event": event,
        "job": job_response(job).model_dump(mode="json"),
        "result": json.loads(job.result_json) if job.result_json else None,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookSender:
    """Delivers finished jobs to their `callback_url`, retrying with backoff until a 2xx."""

    def __init__(self, store: Store, config: ApiConfig) -> None:
        self.store = store
        self.config = config
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, job: Job) -> None:
        """Start delivering `job` in the background (no-op without a callback_url)."""
        if not job.callback_url or self.config.webhook_secret is None:
            return
        task = asyncio.get_running_loop().create_task(self._deliver(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def resume(self) -> None:
        """Re-schedule deliveries interrupted by a restart."""
        for job in self.store.pending_callbacks():
            self.schedule(job)

    async def stop(self) -> None:
        """Abandon pending deliveries (they resume at the next start)."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver(self, job: Job) -> None:
        assert job.callback_url is not None and self.config.webhook_secret is not None
        secret = self.config.webhook_secret.get_secret_value()
        body = callback_body(job)
        attempts = job.callback_attempts
        last_try = self.config.webhook_retries + 1
        async with httpx.AsyncClient(timeout=self.config.webhook_timeout_s) as client:
            while attempts < last_try:
                attempts += 1
                timestamp = str(int(time.time()))
                headers = {
                    "Content-Type": "application/json",
                    "User-Agent": "corroborate-webhook",
                    TIMESTAMP_HEADER: timestamp,
                    SIGNATURE_HEADER: sign_callback(secret, timestamp, body),
                    "X-Corroborate-Job": job.id,
                }
                try:
                    answer = await client.post(job.callback_url, content=body, headers=headers)
                    delivered = answer.is_success
                    why = f"HTTP {answer.status_code}"
                except httpx.HTTPError as exc:
                    delivered, why = False, f"{type(exc).__name__}: {exc}"
                WEBHOOKS.labels("delivered" if delivered else "error").inc()
                if delivered:
                    self.store.set_callback_state(job.id, "delivered", attempts)
                    return
                self.store.set_callback_state(job.id, "pending", attempts)
                log.warning("webhook for job %s, try %d: %s", job.id, attempts, why)
                if attempts < last_try:
                    delay = min(self.config.webhook_backoff_s * 2 ** (attempts - 1), 300.0)
                    await asyncio.sleep(delay * (1 + random.random() / 4))
        self.store.set_callback_state(job.id, "failed", attempts)


# -- the job runner -------------------------------------------------------------------------


class JobRunner:
    """Runs queued jobs one at a time in a worker thread; wakes the requests waiting on them."""

    def __init__(self, store: Store, pipeline: ServicePipeline, webhooks: WebhookSender) -> None:
        self.store = store
        self.pipeline = pipeline
        self.webhooks = webhooks
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._done: dict[str, asyncio.Event] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Re-queue jobs a previous process left open, then start working."""
        for job in self.store.requeue_open_jobs():
            self.submit(job.id)
        if self._queue.qsize():
            log.info("resuming %d unfinished job(s)", self._queue.qsize())
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="job-runner")

    async def stop(self) -> None:
        """Stop taking jobs. A running job's thread is abandoned; it is re-run at next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        JOBS_QUEUED.set(0)

    def submit(self, job_id: str) -> None:
        """Queue a stored job."""
        self._queue.put_nowait(job_id)
        JOBS_QUEUED.set(self._queue.qsize())

    def finished(self, job_id: str) -> None:
        """Wake whoever waits on `job_id` (it finished, failed or was cancelled)."""
        event = self._done.pop(job_id, None)
        if event is not None:
            event.set()

    async def wait(self, job_id: str, timeout_s: float) -> Job | None:
        """The job once it is final, or as it is after `timeout_s` seconds."""
        event = self._done.setdefault(job_id, asyncio.Event())
        job = self.store.get_job(job_id)
        if job is None or not job.is_open:
            return job
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout_s)
        return self.store.get_job(job_id)

    async def _loop(self) -> None:
        while True:
            job_id = await self._queue.get()
            JOBS_QUEUED.set(self._queue.qsize())
            await self._run(job_id)

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
            final = self.store.finish_job(job_id, result)
        if final is not None:  # None: cancelled while running, result discarded
            JOBS_FINISHED.labels(final.kind, final.status).inc()
            self.webhooks.schedule(final)
        self.finished(job_id)

    def _work(self, job: Job) -> str:
        """The model work of one job, in the worker thread; returns the result JSON."""
        if job.kind == "record":
            return self.record(Article.model_validate_json(job.request_json)).model_dump_json()
        request = ConsensusRequest.model_validate_json(job.request_json)
        # Records go through the record cache, so a cluster re-sent costs no model call.
        records = [self.record(a) for a in request.articles]
        return self.pipeline.summarise(request.articles, records).model_dump_json()

    def record(self, article: Article) -> EventRecord:
        """One article's record, from the record cache when the same work was done before."""
        key = self.pipeline.cache_key(article)
        cached = self.store.get_cached_record(key)
        if cached is not None:
            CACHE_HITS.inc()
            return cached
        CACHE_MISSES.inc()
        record = self.pipeline.extract(article)
        self.store.put_cached_record(key, record)
        return record


# -- what routes receive --------------------------------------------------------------------


@dataclass
class Services:
    """Everything the app holds for its lifetime (on `app.state.services`)."""

    settings: Settings
    config: ApiConfig
    store: Store
    pipeline: ServicePipeline
    runner: JobRunner
    webhooks: WebhookSender
    auth: Authenticator
    limiter: RateLimiter


def get_services(request: Request) -> Services:
    """The app's services (set up by the lifespan)."""
    return cast(Services, request.app.state.services)


bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer <key>`.")


def get_caller(
    request: Request,
    services: Annotated[Services, Depends(get_services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """Authenticate the request (401/403), then charge its rate-limit bucket (429)."""
    key_id = services.auth.identify(credentials.credentials if credentials else None)
    client = request.client.host if request.client else "unknown"
    bucket = key_id if key_id != ANONYMOUS else f"ip:{client}"
    wait_s = services.limiter.acquire(bucket)
    if wait_s > 0:
        retry_after = max(1, math.ceil(wait_s))
        raise ApiProblem(
            429,
            "rate-limited",
            f"over {services.config.rate_limit_per_minute} requests a minute; "
            f"retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )
    return Caller(key_id=key_id, bucket=bucket)
