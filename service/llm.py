"""The one road to an LLM: the `openai` client + instructor against an OpenAI-compatible endpoint.

This is the only module that imports `openai` or `instructor`. Everything else sees
the `LLM` protocol: give messages and a pydantic response model, get a validated
object, its token usage, the HTTP calls it took and the time it took.

- Transport failures (refused, reset, time-out, 429, 5xx) are retried with exponential
  back-off and jitter (tenacity); a `Retry-After` the server sends is waited instead (up to
  `retry_after_max_s`). Then `LLMUnavailableError`.
- Output that fails validation is re-asked by instructor (`reasks` times), then raised
  as `LLMOutputError` carrying the raw output.
- Output cut off at the token cap (`finish_reason=length`) is asked once more with twice
  the cap, then raised as `LLMOutputError`.
- A `CircuitBreaker` (`service.breaker`) shared by every call of one client: after
  `breaker_failures` consecutive transport failures, calls fail at once with
  `LLMUnavailableError` (its `retry_after` says when the next probe goes) for
  `breaker_cooldown_s`, so a total outage does not run the retry cycle per facet per article.
- Errors report the HTTP calls really made (`attempt`). A failure a retry fixes is not
  logged above DEBUG; each final failure is logged once, as a WARNING.
- The embedded default (`local/...`) is a llama.cpp server we start on loopback; a
  `base_url` setting points at an already running server instead.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar, cast

# openai looks up a legacy `httpx` in sys.modules on every request (to accept its types).
# Imported here, before any call, it is never found half-imported while another thread
# imports it: loading spaCy's parser does, beside calls in flight (`service.mining`).
import httpx  # noqa: F401
import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorError
from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, stop_after_attempt, wait_exponential_jitter

from schemas.article import MAX_ARTICLE_CHARS
from service.breaker import CircuitBreaker
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

log = logging.getLogger("corroborate.llm")

KNOWN_PROVIDERS = ("local", "openai", "ollama", "vllm", "llamacpp")
"""Model-id prefixes stripped before the name is sent to the endpoint."""

_MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
}

LENGTH_RETRY_FACTOR = 2
"""A cut-off answer is asked once more with this many times the token cap."""


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
    attempts: int = 1
    """HTTP calls made for it: retries, re-asks and a longer second try included."""


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


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """The wait a response asks for: `retry-after-ms`, or `Retry-After` as seconds or an
    HTTP date; None when absent or unreadable."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _server_retry_after(error: BaseException) -> float | None:
    status = next((e for e in _chain(error) if isinstance(e, openai.APIStatusError)), None)
    return retry_after_seconds(status.response.headers) if status is not None else None


_PREPARED: dict[type[BaseModel], type[BaseModel]] = {}
_PREPARED_LOCK = threading.Lock()


def prepared_model(model: type[T]) -> type[T]:
    """`model` as instructor sends and parses it, made once per model and process.

    instructor wraps a plain response model in a new class on every call (a pydantic class
    built from scratch) and then generates its JSON schema again: several milliseconds of
    CPU per call for the same result. Handed the wrapped class, instructor uses it as it
    is; its schema is generated once here and each call gets a fresh copy of it (the
    request is the same, byte for byte). Other arguments than the defaults generate anew.
    """
    with _PREPARED_LOCK:
        done = _PREPARED.get(model)
        if done is None:
            done = instructor.openai_schema(model)
            text = json.dumps(done.model_json_schema())
            generate = done.model_json_schema

            def model_json_schema(cls: type[BaseModel], *args: Any, **kwargs: Any) -> Any:
                return generate(*args, **kwargs) if args or kwargs else json.loads(text)

            done.model_json_schema = classmethod(model_json_schema)  # type: ignore[assignment,method-assign]
            _PREPARED[model] = done
    return cast(type[T], done)


class _CircuitOpen(Exception):
    """Raised instead of a call while the breaker refuses calls (never leaves this module)."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"circuit open for {wait_s:.1f} s")
        self.wait_s = wait_s


_SENT: ContextVar[list[int] | None] = ContextVar("corroborate_llm_sent", default=None)
"""The HTTP-call counter of the `complete()` running in this thread (see `_count_request`)."""


def _count_request(request: object) -> None:
    sent = _SENT.get()
    if sent is not None:
        sent[0] += 1


class OpenAICompatibleLLM:
    """An `LLM` over any OpenAI-compatible chat-completions endpoint."""

    def __init__(self, settings: Settings, base_url: str | None = None) -> None:
        if settings.llm_mode not in _MODES:
            raise ConfigError(
                f"unknown llm_mode {settings.llm_mode!r}; use one of {sorted(_MODES)}",
                setting="CORROBORATE_LLM_MODE",
            )
        # instructor logs every failed attempt at ERROR, also those a retry then fixes;
        # this client logs each final failure once instead.
        logging.getLogger("instructor").setLevel(logging.CRITICAL)
        self._settings = settings
        self._model_id = settings.model
        self._name = endpoint_model_name(settings.model)
        self._client = openai.OpenAI(
            base_url=base_url or settings.base_url,
            api_key=settings.api_key.get_secret_value(),
            timeout=settings.timeout_s,
            max_retries=0,  # tenacity owns retries, so back-off and Retry-After are ours
            http_client=openai.DefaultHttpxClient(event_hooks={"request": [_count_request]}),
        )
        self._instructor = instructor.from_openai(self._client, mode=_MODES[settings.llm_mode])
        self.breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s)
        backoff = settings.retry_backoff_s
        self._backoff = wait_exponential_jitter(multiplier=backoff, jitter=backoff, max=20)

    @property
    def model_id(self) -> str:
        return self._model_id

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Completion[T]:
        started = time.perf_counter()
        sent = [0]
        token = _SENT.set(sent)
        tokens = max_tokens or self._settings.max_tokens
        try:
            try:
                value, raw = self._retrying(messages, response_model, tokens)
            except IncompleteOutputException:
                # Cut off at the cap: once more with room to finish (a re-ask would not help).
                tokens *= LENGTH_RETRY_FACTOR
                value, raw = self._retrying(messages, response_model, tokens)
        except Exception as exc:
            error = self._classify(exc, sent[0], tokens)
            log.warning("%s", error)
            raise error from exc
        finally:
            _SENT.reset(token)
        usage = getattr(raw, "usage", None)
        return Completion(
            value=value,
            usage=Usage(
                prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
                completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            ),
            seconds=time.perf_counter() - started,
            attempts=sent[0],
        )

    def _retrying(
        self, messages: list[Message], response_model: type[T], max_tokens: int
    ) -> tuple[T, Any]:
        retrying = Retrying(
            retry=self._should_retry,
            stop=stop_after_attempt(self._settings.retries + 1),
            wait=self._wait,
            reraise=True,
        )
        return retrying(self._call, messages, response_model, max_tokens)

    def _should_retry(self, state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome else None
        # An open breaker ends the cycle now: waiting out a back-off would change nothing.
        return error is not None and _is_transient(error) and not self.breaker.blocking()

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = _server_retry_after(error) if error is not None else None
        if asked is not None:
            return min(asked, self._settings.retry_after_max_s)
        return float(self._backoff(state))

    def _classify(self, exc: BaseException, attempts: int, max_tokens: int) -> LLMError:
        """Our error for a failed call: stale cassette, endpoint down, or bad output."""
        if _is_replay_miss(exc):
            return ReplayMissError(
                "no recorded LLM exchange matches this request: the prompt, schema or "
                "input changed since the cassettes were recorded; run `make record`",
                model=self._model_id,
            )
        if isinstance(exc, _CircuitOpen):
            wait = math.ceil(exc.wait_s)
            return LLMUnavailableError(
                f"{self._model_id} not called: {self.breaker.failures} consecutive transport "
                f"failures opened the circuit breaker; next try in {wait} s"
                + (f" (after {attempts} failed attempts)" if attempts else ""),
                model=self._model_id,
                attempt=attempts,
                retry_after=max(1, wait),
            )
        transport = _transport_error(exc)
        if transport is not None:
            asked = _server_retry_after(exc)
            return LLMUnavailableError(
                f"{self._model_id} unreachable after {attempts} attempts: {transport}",
                model=self._model_id,
                attempt=attempts,
                retry_after=max(1, math.ceil(asked or self._settings.breaker_cooldown_s)),
            )
        if isinstance(exc, IncompleteOutputException):
            return LLMOutputError(
                f"{self._model_id} output cut off at the token cap (finish_reason=length) "
                f"after {attempts} attempts, the last with max_tokens={max_tokens}",
                model=self._model_id,
                attempt=attempts,
                raw_output=str(getattr(exc, "last_completion", ""))[:2_000],
            )
        if isinstance(exc, openai.APIError):
            return LLMUnavailableError(
                f"{self._model_id} failed after {attempts} attempts: {exc}",
                model=self._model_id,
                attempt=attempts,
            )
        if not isinstance(exc, InstructorError):
            raise exc  # our bug, not the model's
        return LLMOutputError(
            f"{self._model_id} output failed validation after {attempts} attempts: "
            f"{str(exc)[:300]}",
            model=self._model_id,
            attempt=attempts,
            raw_output=str(getattr(exc, "last_completion", ""))[:2_000],
        )

    def _call(
        self, messages: list[Message], response_model: type[T], max_tokens: int
    ) -> tuple[T, Any]:
        wait = self.breaker.allow()
        if wait is not None:
            raise _CircuitOpen(wait)
        try:
            value, raw = self._instructor.chat.completions.create_with_completion(
                model=self._name,
                messages=messages,  # type: ignore[arg-type]
                response_model=prepared_model(response_model),
                max_retries=self._settings.reasks,  # instructor: attempts = 1 + max_retries
                temperature=self._settings.temperature,
                max_tokens=max_tokens,
                seed=0,
            )
        except Exception as exc:
            if not _is_transient(exc):
                self.breaker.success()  # it answered, if not usefully
            elif self.breaker.failure():
                log.warning(
                    "%s: %d consecutive transport failures; circuit breaker open for %g s",
                    self._model_id,
                    self.breaker.failures,
                    self.breaker.cooldown_s,
                )
            raise
        self.breaker.success()
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
