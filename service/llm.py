"""The one road to an LLM: the `openai` client + instructor against an OpenAI-compatible endpoint.

This is the only module that imports `openai` or `instructor`. Everything else sees
the `LLM` protocol: give messages and a pydantic response model, get a validated
object, its token usage and the time it took.

- Transport failures (refused, timeout, 429, 5xx) are retried with exponential backoff
  and jitter (tenacity), then raised as `LLMUnavailableError`.
- Output that fails validation is re-asked by instructor (`reasks` times), then raised
  as `LLMOutputError` carrying the raw output.
- The embedded default (`local/...`) is a llama.cpp server we start on loopback; a
  `base_url` setting points at an already running server instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import instructor
import openai
from instructor.core import InstructorError
from pydantic import BaseModel
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from schemas.article import MAX_ARTICLE_CHARS
from service.errors import (
    ConfigError,
    LLMError,
    LLMOutputError,
    LLMUnavailableError,
    ReplayMissError,
)
from service.settings import Settings

T = TypeVar("T", bound=BaseModel)

Message = dict[str, str]

KNOWN_PROVIDERS = ("local", "openai", "ollama", "vllm", "llamacpp")
"""Model-id prefixes stripped before the name is sent to the endpoint."""

_MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
}


@dataclass(frozen=True)
class Usage:
    """Token counts of one call (zeros when the endpoint reports none)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class Completion(Generic[T]):
    """A validated response with what it cost."""

    value: T
    usage: Usage
    seconds: float


class LLM(Protocol):
    """What the pipeline needs from a model."""

    @property
    def model_id(self) -> str:
        """'provider/model' id recorded in every output."""
        ...

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Completion[T]:
        """Return `response_model` filled from `messages`, or raise an `LLMError`."""
        ...


def endpoint_model_name(model_id: str) -> str:
    """The name to send to the endpoint: 'ollama/qwen2.5:7b' → 'qwen2.5:7b'."""
    provider, sep, rest = model_id.partition("/")
    return rest if sep and provider in KNOWN_PROVIDERS else model_id


def _is_replay_miss(error: BaseException) -> bool:
    # vcrpy raises inside the HTTP transport; openai and instructor wrap it. Walk the
    # cause chain by name: this module must not import vcr.
    return any(
        type(e).__name__ == "CannotOverwriteExistingCassetteException" for e in _chain(error)
    )


_TRANSIENT = (
    openai.APIConnectionError,
    openai.APITimeoutError,
    openai.RateLimitError,
    openai.InternalServerError,
)


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _transport_error(error: BaseException) -> BaseException | None:
    """The transport failure behind `error`, if any (instructor wraps them)."""
    return next((e for e in _chain(error) if isinstance(e, _TRANSIENT)), None)


def _is_transient(error: BaseException) -> bool:
    return not _is_replay_miss(error) and _transport_error(error) is not None


class OpenAICompatibleLLM:
    """An `LLM` over any OpenAI-compatible chat-completions endpoint."""

    def __init__(self, settings: Settings, base_url: str | None = None) -> None:
        if settings.llm_mode not in _MODES:
            raise ConfigError(
                f"unknown llm_mode {settings.llm_mode!r}; use one of {sorted(_MODES)}",
                setting="CORROBORATE_LLM_MODE",
            )
        self._settings = settings
        self._model_id = settings.model
        self._name = endpoint_model_name(settings.model)
        self._client = openai.OpenAI(
            base_url=base_url or settings.base_url,
            api_key=settings.api_key.get_secret_value(),
            timeout=settings.timeout_s,
            max_retries=0,  # tenacity owns retries, so backoff and jitter are ours
        )
        self._instructor = instructor.from_openai(self._client, mode=_MODES[settings.llm_mode])

    @property
    def model_id(self) -> str:
        return self._model_id

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Completion[T]:
        started = time.perf_counter()
        retrying = Retrying(
            retry=retry_if_exception(_is_transient),
            stop=stop_after_attempt(self._settings.retries + 1),
            wait=wait_exponential_jitter(initial=1, max=20),
            reraise=False,
        )
        try:
            value, raw = retrying(self._call, messages, response_model, max_tokens)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            raise LLMUnavailableError(
                f"{self._model_id} unreachable after {self._settings.retries + 1} attempts: {last}",
                model=self._model_id,
                attempt=self._settings.retries + 1,
            ) from last
        except (InstructorError, openai.APIError) as exc:
            raise self._classify(exc) from exc
        usage = getattr(raw, "usage", None)
        return Completion(
            value=value,
            usage=Usage(
                prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
                completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            ),
            seconds=time.perf_counter() - started,
        )

    def _classify(self, exc: Exception) -> LLMError:
        """Our error for a failed call: stale cassette, endpoint down, or bad output."""
        if _is_replay_miss(exc):
            return ReplayMissError(
                "no recorded LLM exchange matches this request: the prompt, schema or "
                "input changed since the cassettes were recorded; run `make record`",
                model=self._model_id,
            )
        transport = _transport_error(exc)
        if transport is not None or isinstance(exc, openai.APIError):
            return LLMUnavailableError(
                f"{self._model_id} failed: {transport or exc}", model=self._model_id
            )
        return LLMOutputError(
            f"{self._model_id} output failed validation after "
            f"{self._settings.reasks + 1} attempts: {str(exc)[:300]}",
            model=self._model_id,
            attempt=self._settings.reasks + 1,
            raw_output=str(getattr(exc, "last_completion", ""))[:2_000],
        )

    def _call(
        self, messages: list[Message], response_model: type[T], max_tokens: int | None
    ) -> tuple[T, Any]:
        value, raw = self._instructor.chat.completions.create_with_completion(
            model=self._name,
            messages=messages,  # type: ignore[arg-type]
            response_model=response_model,
            max_retries=self._settings.reasks,  # instructor: attempts = 1 + max_retries
            temperature=self._settings.temperature,
            max_tokens=max_tokens or self._settings.max_tokens,
            seed=0,
        )
        return value, raw


CHARS_PER_TOKEN = 3.0
"""A floor on the characters per token of news text for the embedded models' tokenizer
(Qwen2.5 averages about 4 on English), so the context window is sized with room to spare."""

PROMPT_TOKENS = 4_096
"""Room for everything around the article in one call: instructions, the candidate lines
and the answer."""


def context_needed(article_chars: int = MAX_ARTICLE_CHARS) -> int:
    """Context tokens one call needs for an article of `article_chars` characters (by default
    the longest accepted, 60,000): an article is sent whole, never truncated."""
    return math.ceil(article_chars / CHARS_PER_TOKEN) + PROMPT_TOKENS


@contextmanager
def local_endpoint(settings: Settings) -> Iterator[str]:
    """Start the embedded llama.cpp server for `settings.model`; yield its base URL.

    Refused (`ConfigError`) before anything starts when `n_ctx` cannot hold the longest
    accepted article with its prompt.
    """
    from service.embedded import LocalServer, ensure_model

    needed = context_needed()
    if settings.n_ctx < needed:
        raise ConfigError(
            f"CORROBORATE_N_CTX={settings.n_ctx} is too small: an article of up to "
            f"{MAX_ARTICLE_CHARS:,} characters is sent whole with its prompt, which needs "
            f"{needed:,} tokens of context; set CORROBORATE_N_CTX to {needed} or more",
            setting="CORROBORATE_N_CTX",
        )
    path = ensure_model(settings.model, settings.cache_dir / "models")
    server = LocalServer(
        path,
        n_ctx=settings.n_ctx,
        threads=settings.threads,
        startup_timeout=settings.server_start_timeout_s,
        alias=endpoint_model_name(settings.model),
    )
    with server:
        yield server.base_url


@contextmanager
def open_llm(settings: Settings) -> Iterator[LLM]:
    """Yield an `LLM` for the settings, starting the embedded server when needed."""
    if settings.is_local:
        with local_endpoint(settings) as base_url:
            yield OpenAICompatibleLLM(settings, base_url=base_url)
        return
    if settings.base_url is None and not settings.model.startswith("openai/"):
        raise ConfigError(
            f"model {settings.model!r} needs CORROBORATE_BASE_URL (an OpenAI-compatible "
            "endpoint); only 'local/...' and 'openai/...' models have a default endpoint",
            setting="CORROBORATE_BASE_URL",
        )
    yield OpenAICompatibleLLM(settings)


def ping(settings: Settings, base_url: str | None = None) -> bool:
    """True when the endpoint answers a model listing (used by /readyz)."""
    client = openai.OpenAI(
        base_url=base_url or settings.base_url,
        api_key=settings.api_key.get_secret_value(),
        timeout=5.0,
        max_retries=0,
    )
    try:
        client.models.list()
    except openai.APIError:
        return False
    return True
