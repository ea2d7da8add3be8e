"""What the routes depend on: the one pipeline and the services the app holds for its life.

The pipeline is built once at startup by a `PipelineFactory` (default:
`pipeline_factory()`, the same `Pipeline` the CLI uses, its LLM calls metered; tests
pass one over `FakeLLM`). Auth and rate limits are in `auth`, jobs in `jobs`, webhooks in
`webhooks`, metrics in `metrics`, problem bodies in `problems`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.api.auth import ANONYMOUS, Authenticator, Caller, RateLimiter
from service.api.config import ApiConfig
from service.api.jobs import JobExecutor, ServicePipeline
from service.api.metrics import MeteredLLM
from service.api.problems import ApiProblem
from service.api.webhooks import WebhookSender
from service.cluster.online import OnlineClusterer
from service.limiter import llm_concurrency
from service.llm import local_endpoint, open_llm, ping
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import Store

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
                # Still the embedded server's slots, though now reached by URL.
                concurrency = llm_concurrency(settings)
                settings = settings.model_copy(
                    update={"base_url": url, "llm_concurrency": concurrency}
                )
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


@dataclass
class Services:
    """Everything the app holds for its lifetime (on `app.state.services`)."""

    settings: Settings
    config: ApiConfig
    store: Store
    pipeline: ServicePipeline
    runner: JobExecutor
    webhooks: WebhookSender
    auth: Authenticator
    limiter: RateLimiter
    clusters: OnlineClusterer
    """Online event clustering (`POST /v1/articles`), its state in `store`."""


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
