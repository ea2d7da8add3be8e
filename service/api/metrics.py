"""Prometheus metrics (process-wide, the usual pattern) and an `LLM` that counts its calls."""

from __future__ import annotations

import time
from typing import TypeVar

from prometheus_client import Counter, Gauge, Histogram
from pydantic import BaseModel

from service.llm import LLM, Completion, Message

T = TypeVar("T", bound=BaseModel)

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
