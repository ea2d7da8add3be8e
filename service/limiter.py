"""How many LLM calls this process has in flight: one limiter, shared by every pipeline.

`CORROBORATE_LLM_CONCURRENCY` sets the cap. Unset, it is 1 for the embedded llama.cpp
server (one slot: a second call would only queue there and evict the article prefix the
facets share) and `REMOTE_DEFAULT` for an endpoint someone else runs. Facets, articles,
clusters and API jobs all run as threads and wait here for a slot, so the cap holds
whatever mix of work the process is doing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final, TypeVar

from pydantic import BaseModel

from service.settings import Settings

if TYPE_CHECKING:  # only for annotations: importing service.llm loads openai
    from service.llm import LLM, Completion, Message

T = TypeVar("T", bound=BaseModel)

REMOTE_DEFAULT: Final = 16
"""Calls in flight to an endpoint we do not run (OpenAI, vLLM, Ollama, a remote llama.cpp)."""

EMBEDDED_DEFAULT: Final = 1
"""Calls in flight to the embedded llama.cpp server, which has one slot: on 2 cores more
slots are slower (`bench/bench_slots.py`: 1.07x the time with 2, 1.26x with 4), each
evaluating the article prefix again."""


def llm_concurrency(settings: Settings) -> int:
    """The configured cap, or the default for the kind of endpoint."""
    if settings.llm_concurrency is not None:
        return settings.llm_concurrency
    return EMBEDDED_DEFAULT if settings.is_local else REMOTE_DEFAULT


class CallLimiter:
    """At most `limit` holders at once; counts the calls in flight and the most seen."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"a call limiter needs a limit of at least 1, got {limit}")
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the block, waiting for one to free up first."""
        with self._slots:
            with self._lock:
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
            try:
                yield
            finally:
                with self._lock:
                    self.in_flight -= 1


_PROCESS: dict[int, CallLimiter] = {}
_PROCESS_LOCK: Final = threading.Lock()


def process_limiter(settings: Settings) -> CallLimiter:
    """The process's limiter for the configured cap (one per distinct cap, in practice one)."""
    limit = llm_concurrency(settings)
    with _PROCESS_LOCK:
        return _PROCESS.setdefault(limit, CallLimiter(limit))


class LimitedLLM:
    """An `LLM` whose every call first takes a slot of `limiter`."""

    def __init__(self, inner: LLM, limiter: CallLimiter) -> None:
        self.inner = inner
        self.limiter = limiter

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Completion[T]:
        with self.limiter.slot():
            return self.inner.complete(messages, response_model, max_tokens=max_tokens)
