"""All settings, read from the environment (prefix `CORROBORATE_`) and `.env`.

Reach them through `get_settings()`; nothing is built at import time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from platformdirs import user_cache_dir
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from service.errors import SettingError

DEFAULT_MODEL = "local/qwen2.5-coder-1.5b"


class ClusterSettings(BaseModel):
    """Event clustering (`service.cluster`): named thresholds and feature sizes.

    The thresholds were chosen on the dev topics of ECB+ and the dev datasets
    (`bench/bench_cluster.py --sensitivity` prints the table they were chosen from). Set
    them as `CORROBORATE_CLUSTER__EVENT_THRESHOLD=0.2` and so on.
    """

    model_config = ConfigDict(frozen=True)

    event_threshold: float = Field(
        default=0.22,
        gt=0,
        le=1,
        description="Average cosine similarity from which articles are one event.",
    )
    story_threshold: float = Field(
        default=0.05,
        gt=0,
        le=1,
        description="Average cosine similarity from which events are one story (the same "
        "kind of news about the same people); also the similarity that links two articles.",
    )
    window_days: int = Field(
        default=365,
        ge=0,
        description="Articles published further apart than this are never linked (both "
        "dates known) and count as unrelated in an event's linkage; an event followed up "
        "later is still joined through the articles dated close to it "
        "(`linkage.join_follow_ups`).",
    )
    near_days: int = Field(
        default=7,
        ge=0,
        description="Articles published at most this many days apart count `near_weight` "
        "times their similarity (at most 1): follow-ups of an event share fewer words with "
        "its first reports than those share with each other.",
    )
    near_weight: float = Field(
        default=1.3,
        ge=1,
        le=2,
        description="Weight of the similarity of two articles published within `near_days`.",
    )
    lead_chars: int = Field(
        default=3000, ge=200, description="Characters of the text read after the headline."
    )
    max_terms: int = Field(default=80, ge=8, description="Heaviest terms kept per article.")
    index_keys: int = Field(
        default=12,
        ge=1,
        description="Heaviest terms an article is indexed under: two articles are compared "
        "only when they share one of them.",
    )
    name_weight: float = Field(
        default=0.0,
        ge=0,
        description="Extra weight of a capitalised word inside a sentence (a name); 0 on "
        "the dev data's evidence (names already weigh most as rare words).",
    )


class Settings(BaseSettings):
    """Service configuration. Every field is documented in `.env.example`."""

    model_config = SettingsConfigDict(
        env_prefix="CORROBORATE_", env_file=".env", extra="ignore", env_nested_delimiter="__"
    )

    model: str = Field(
        default=DEFAULT_MODEL,
        description="'local/<name>' (embedded llama.cpp), 'openai/<model>', or any name "
        "served by `base_url`.",
    )
    base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint to use instead of starting the embedded server.",
    )
    api_key: SecretStr = Field(default=SecretStr("not-needed"), description="Endpoint API key.")
    llm_mode: str = Field(
        default="json_schema",
        description="How structured output is requested: json_schema, tools or json.",
    )
    timeout_s: float = Field(default=300.0, gt=0, description="Per-request LLM timeout.")
    retries: int = Field(default=3, ge=0, description="Transport retries (backoff + jitter).")
    reasks: int = Field(default=1, ge=0, description="Re-asks when output fails validation.")
    retry_backoff_s: float = Field(
        default=1.0,
        gt=0,
        description="First back-off wait (plus up to as much jitter); doubles per retry, max 20 s.",
    )
    retry_after_max_s: float = Field(
        default=60.0, ge=0, description="Longest server `Retry-After` waited before a retry."
    )
    breaker_failures: int = Field(
        default=5,
        ge=0,
        description="Consecutive transport failures that open the circuit breaker; 0 = off.",
    )
    breaker_cooldown_s: float = Field(
        default=30.0, gt=0, description="How long an open breaker refuses calls before a probe."
    )
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int = Field(default=1_024, gt=0, description="Completion token cap per call.")
    cache_dir: Path = Field(
        default_factory=lambda: Path(user_cache_dir("corroborate")),
        description="Where the assembled model and the result cache live.",
    )
    threads: int | None = Field(default=None, description="llama.cpp threads; None = all cores.")
    n_ctx: int = Field(
        default=32_768,
        gt=0,
        description="llama.cpp context window, in tokens: a 60,000-character article is sent "
        "whole with its prompt (about 24,000 tokens at most).",
    )
    server_start_timeout_s: float = Field(default=180.0, gt=0)
    llm_concurrency: int | None = Field(
        default=None,
        ge=1,
        description="Most LLM calls in flight in this process; None = 1 for the embedded "
        "server (one slot), 16 for any other endpoint.",
    )
    mine_workers: int | None = Field(
        default=None,
        ge=0,
        description="Processes that mine articles (spaCy's parse) when LLM calls run in "
        "parallel; 0 = in this process. None = 1 for `batch` and `cluster --summarise` on a "
        "machine with two or more cores, else 0 (see `service.mining.mine_workers`).",
    )
    max_candidates: int = Field(
        default=14, ge=1, description="Most candidates per facet shown to the LLM."
    )
    database_url: str = Field(
        default="sqlite:///corroborate.sqlite3", description="Jobs, results and cache store."
    )
    api_keys: list[SecretStr] = Field(
        default_factory=list,
        description="API keys (JSON list). Empty = auth off: then bind to loopback only.",
    )
    rate_limit_per_minute: int = Field(default=60, ge=0, description="Per key; 0 = off.")
    max_request_bytes: int = Field(default=8 * 1024 * 1024, gt=0, description="413 above this.")
    sync_timeout_s: float = Field(
        default=60.0, gt=0, description="Sync requests wait this long, then answer 202 + job."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="HMAC-SHA256 key for callbacks; callbacks need it."
    )
    webhook_retries: int = Field(default=5, ge=0)
    webhook_backoff_s: float = Field(default=1.0, gt=0)
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    broker_url: str | None = Field(
        default=None,
        description="Celery broker (redis://host:6379/0 or amqp://user:pw@host//). Set: API "
        "jobs and batch clusters run on `corroborate worker` processes; unset: in-process.",
    )
    queue: str = Field(default="corroborate", description="The broker queue the tasks use.")
    worker_concurrency: int = Field(
        default=2, ge=1, description="Tasks one worker runs at once: its LLM calls in flight."
    )
    task_retries: int = Field(
        default=3, ge=0, description="Retries of a task the model failed, before its job fails."
    )
    task_retry_backoff_s: float = Field(default=2.0, gt=0, description="First retry delay.")
    visibility_timeout_s: float = Field(
        default=900.0,
        gt=0,
        description="Redis broker: a task unacknowledged this long (its worker died) is "
        "delivered again. Keep it above the longest task.",
    )
    price_per_1k_prompt: float = Field(default=0.0, ge=0, description="Cost per 1k prompt tokens.")
    price_per_1k_completion: float = Field(default=0.0, ge=0)
    cluster: ClusterSettings = Field(
        default_factory=ClusterSettings, description="Event clustering thresholds."
    )

    @property
    def is_local(self) -> bool:
        """True when the embedded llama.cpp server must be started by us."""
        return self.base_url is None and self.model.startswith("local/")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built on first use; a malformed value is a `SettingError`
    naming the variable and the expected form (never a traceback)."""
    try:
        return Settings()
    except SettingsError as exc:  # a complex value (list, object) that is not JSON
        found = re.search(r'field "(\w+)"', str(exc))
        field = found.group(1) if found else "?"
        raise SettingError(
            f"{_env_name(field)}: {_expected_form(field)}", variable=_env_name(field)
        ) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first["loc"]]
        raise SettingError(
            f"{_env_name(*loc)}: {first['msg']} (got {str(first.get('input'))[:40]!r})",
            variable=_env_name(*loc),
        ) from exc


def _env_name(*loc: str) -> str:
    return "CORROBORATE_" + "__".join(part.upper() for part in loc)


def _expected_form(field: str) -> str:
    info = Settings.model_fields.get(field)
    shape = str(info.annotation) if info is not None else ""
    if shape.startswith("list"):
        return 'expected a JSON list, e.g. ["value1", "value2"]'
    return 'expected a JSON object, e.g. {"key": "value"}'
