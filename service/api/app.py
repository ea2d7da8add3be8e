"""The FastAPI application: `create_app(settings, pipeline_factory=...)`.

Startup builds the one pipeline (and the embedded model server, if configured), opens the
store, re-queues jobs a previous process left open and resumes undelivered webhooks.
Shutdown stops the job runner; a job cut off mid-run is re-run at the next start.

Run it with `corroborate serve` (uvicorn, one process: the LLM limiter, the rate limiter
and the job queue live in the process). With `CORROBORATE_BROKER_URL` set, jobs run on
Celery workers instead (`service.distributed`), and several API processes may share one
PostgreSQL database.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemas.api import ConsensusRequest, ProblemResponse, RecordRequest
from service.api.auth import Authenticator, RateLimiter
from service.api.clusters import clusters
from service.api.config import ApiConfig
from service.api.deps import PipelineFactory, Services, pipeline_factory
from service.api.jobs import JobExecutor, JobRunner, ServicePipeline
from service.api.metrics import HTTP_LATENCY, HTTP_REQUESTS
from service.api.problems import (
    API_PROBLEMS,
    PROBLEM_MEDIA_TYPE,
    ApiProblem,
    install_problem_handlers,
    problem_body,
    problem_openapi,
    problem_type,
)
from service.api.routes import ops, v1
from service.api.webhooks import WebhookSender
from service.cluster.online import OnlineClusterer
from service.cluster.store import ClusterStore
from service.limiter import llm_concurrency
from service.settings import Settings, get_settings
from service.store import Store

API_VERSION = "1.0.0"

DESCRIPTION = """\
Span-grounded event records per article and a claim-level consensus across outlets.

**Auth.** `Authorization: Bearer <API key>` on every `/v1` route (401 without a key, 403 for
an unknown one). With no keys configured the server runs without auth: keep it on loopback.

**Limits.** Bodies over the size limit get 413 before they are parsed. An article longer
than 60,000 characters is rejected (422), never truncated or chunked. Each API key gets a
token bucket of N requests a minute; over it, 429 with `Retry-After`.

**Jobs.** Every request becomes a job. Synchronous calls wait up to a timeout and answer
200 with the result, or 202 with the job (and `Location`) if it is still running;
`?mode=async` answers 202 at once. Poll `GET /v1/jobs/{id}`, fetch `/v1/jobs/{id}/result`,
cancel with `DELETE`. A `callback_url` receives the finished job, signed:
`X-Corroborate-Signature: sha256=<hex>` is HMAC-SHA256 keyed with the webhook secret over
`<X-Corroborate-Timestamp>.<raw body>`.

**Idempotency.** Send `Idempotency-Key: <unique>` on a POST to make retries safe: the same
key and body give the same job and answer; the same key with another body gives 409.

**Errors.** Every error is `application/problem+json` (RFC 9457).
"""


class _BodyLimit:
    """413 for bodies over `max_bytes`, decided before the body is parsed.

    A declared `Content-Length` is refused at once; a chunked body is counted as it is
    read and refused as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await self._refuse(scope, send, 400, "Content-Length is not a number")
                return
            if size > self.max_bytes:
                await self._refuse(scope, send, 413, self._too_large(size))
                return
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise ApiProblem(413, "body-too-large", self._too_large(seen))
            return message

        await self.app(scope, counted, send)

    def _too_large(self, size: int) -> str:
        return f"request body of {size:,} bytes exceeds the limit of {self.max_bytes:,} bytes"

    async def _refuse(self, scope: Scope, send: Send, status: int, detail: str) -> None:
        slug = "body-too-large" if status == 413 else "bad-request"
        body = problem_body(
            status,
            title=API_PROBLEMS[slug],
            detail=detail,
            type_=problem_type(slug),
            instance=scope["path"],
        )
        raw = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(raw)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": raw})


class _Metrics:
    """Counts requests by method, route template and status, and times them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def tracked(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        finally:
            template = _route_template(scope)
            method = scope.get("method", "")
            HTTP_REQUESTS.labels(method, template, str(status)).inc()
            HTTP_LATENCY.labels(method, template).observe(time.perf_counter() - started)


def _route_template(scope: Scope) -> str:
    """The route's path template ('/v1/jobs/{job_id}'), never the raw path: few labels."""
    route = scope.get("route")  # set by FastAPI's own routes
    if isinstance(route, BaseRoute) and getattr(route, "path", None):
        return str(route.path)  # type: ignore[attr-defined]
    for candidate in getattr(scope.get("app"), "routes", ()):  # /openapi.json, /docs
        if isinstance(candidate, Route) and candidate.matches(scope)[0] == Match.FULL:
            return candidate.path
    return "unmatched"


class CorroborateAPI(FastAPI):
    """FastAPI with an OpenAPI document whose every error is a problem+json body."""

    auth_enabled: bool = True
    webhooks_enabled: bool = False

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema:
            return self.openapi_schema
        schema = get_openapi(
            title=self.title,
            version=self.version,
            description=self.description,
            routes=self.routes,
        )
        # Request bodies are parsed by hand (JSON or HTML, size-checked first); their
        # models are registered here so the routes' `$ref`s resolve.
        _, extra = models_json_schema(
            [
                (RecordRequest, "validation"),
                (ConsensusRequest, "validation"),
                (ProblemResponse, "serialization"),
            ],
            ref_template="#/components/schemas/{model}",
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in extra.get("$defs", {}).items():
            components.setdefault(name, definition)
        problem_openapi(schema)
        if not self.auth_enabled:  # the document describes this deployment
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    if isinstance(operation, dict):
                        operation.pop("security", None)
                        operation.get("responses", {}).pop("401", None)
                        operation.get("responses", {}).pop("403", None)
            schema["components"].pop("securitySchemes", None)
        if not self.webhooks_enabled:  # no secret to sign with: callbacks are refused
            cluster = components.get("ConsensusRequest", {})
            cluster.get("properties", {}).pop("callback_url", None)
        self.openapi_schema = schema
        return schema


def create_app(
    settings: Settings | None = None,
    *,
    pipeline_factory: PipelineFactory | None = None,
    config: ApiConfig | None = None,
) -> FastAPI:
    """The API over one pipeline, built at startup by `pipeline_factory`.

    `config` defaults to `ApiConfig.from_settings(settings)`; tests pass their own, and
    a pipeline factory over `FakeLLM`.
    """
    settings = settings or get_settings()
    config = config or ApiConfig.from_settings(settings)
    factory = pipeline_factory or _default_factory()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with ExitStack() as stack:
            store = Store(settings.database_url)
            stack.callback(store.close)
            pipeline = stack.enter_context(factory(settings))
            webhooks = WebhookSender(store, config)
            runner = _executor(settings, store, pipeline, webhooks)
            app.state.services = Services(
                settings=settings,
                config=config,
                store=store,
                pipeline=pipeline,
                runner=runner,
                webhooks=webhooks,
                auth=Authenticator(config.api_key_digests),
                limiter=RateLimiter(config.rate_limit_per_minute),
                clusters=OnlineClusterer(ClusterStore(store), settings.cluster),
            )
            await runner.start()
            if not settings.broker_url:  # with workers, the worker that finished a job sends it
                webhooks.resume()
            try:
                yield
            finally:
                await runner.stop()
                await webhooks.stop()

    app = CorroborateAPI(
        title="Corroborate",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.auth_enabled = bool(config.api_key_digests)
    app.webhooks_enabled = config.webhook_secret is not None
    install_problem_handlers(app)
    app.include_router(v1)
    app.include_router(clusters)
    app.include_router(ops)
    app.add_middleware(_BodyLimit, max_bytes=config.max_request_bytes)
    app.add_middleware(_Metrics)
    return app


def _executor(
    settings: Settings, store: Store, pipeline: ServicePipeline, webhooks: WebhookSender
) -> JobExecutor:
    """In-process by default; on Celery workers when a broker URL is set."""
    if settings.broker_url:
        from service.distributed.executor import CeleryExecutor  # only with a broker

        return CeleryExecutor(store, settings)
    return JobRunner(
        store,
        pipeline,
        on_final=webhooks.schedule,
        concurrency=llm_concurrency(pipeline.settings),
    )


def _default_factory() -> PipelineFactory:
    return pipeline_factory(use_llm=True)
