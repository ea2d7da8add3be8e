"""API test harness: the app over a `Pipeline` with `FakeLLM` (or none), on a tmp SQLite file.

`make_client(...)` builds an app and enters its lifespan (`with TestClient(app)`), so
the job runner is live between requests. Everything is torn down at test end.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from schemas.article import Article
from schemas.consensus import Consensus
from schemas.record import EventRecord
from service.api.app import create_app
from service.api.config import ApiConfig
from service.api.jobs import ServicePipeline
from service.llm import LLM
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import RecordCacheKey, Store

DATASET = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "dev" / "kim-beijing-2025"

TEXT = (
    "BEIJING, Sept 2 - North Korean leader Kim Jong Un arrived in Beijing on Tuesday for a "
    "parade held eighty years after the Second World War came to a close, state media "
    "KCNA said. About 2,000 North Korean soldiers have been killed in Ukraine, according to "
    'South Korea\'s National Intelligence Service. "We are old friends," Xi Jinping said.'
)


def article_payload(n: int = 0, **overrides: Any) -> dict[str, Any]:
    """A small valid article JSON object; `n` varies the outlet and id."""
    payload: dict[str, Any] = {
        "id": f"a{n}",
        "outlet": f"Outlet {n}",
        "published_at": "2025-09-02T10:00:00Z",
        "title": "Kim arrives in Beijing",
        "text": TEXT,
    }
    payload.update(overrides)
    return payload


def dataset_articles() -> list[dict[str, Any]]:
    """The sample cluster's articles as JSON objects."""
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((DATASET / "articles").glob("*.json"))
    ]


def make_pipeline(settings: Settings, llm: LLM | None = None) -> Pipeline:
    """The real pipeline over `llm` (None: mined-only records, template narrative)."""
    return Pipeline(settings, llm)


class FakeBlockingPipeline:
    """Test double: a pipeline whose work waits until `release()`, to catch jobs mid-run."""

    def __init__(self, inner: ServicePipeline) -> None:
        self.inner = inner
        self.settings = inner.settings
        self.llm = inner.llm
        self.started = threading.Event()
        self._gate = threading.Event()

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def cache_key(self, article: Article) -> RecordCacheKey:
        return self.inner.cache_key(article)

    def release(self) -> None:
        self._gate.set()

    def _hold(self) -> None:
        self.started.set()
        assert self._gate.wait(30), "FakeBlockingPipeline was never released"

    def extract(self, article: Article) -> EventRecord:
        self._hold()
        return self.inner.extract(article)

    def summarise(
        self,
        articles: Sequence[Article],
        records: Sequence[EventRecord] | None = None,
        *,
        narratives: Store | None = None,
    ) -> Consensus:
        self._hold()
        return self.inner.summarise(articles, records, narratives=narratives)


class FakeFailingPipeline:
    """Test double: a pipeline whose every call raises `error` (e.g. an LLMUnavailableError)."""

    def __init__(self, inner: ServicePipeline, error: Exception) -> None:
        self.inner = inner
        self.settings = inner.settings
        self.llm = inner.llm
        self.error = error

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def cache_key(self, article: Article) -> RecordCacheKey:
        return self.inner.cache_key(article)

    def extract(self, article: Article) -> EventRecord:
        raise self.error

    def summarise(
        self,
        articles: Sequence[Article],
        records: Sequence[EventRecord] | None = None,
        *,
        narratives: Store | None = None,
    ) -> Consensus:
        raise self.error


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings over a fresh SQLite file, no model endpoint."""
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'api.sqlite3'}")


ClientMaker = Callable[..., TestClient]


@pytest.fixture
def make_client(settings: Settings) -> Iterator[ClientMaker]:
    """Build a started TestClient: `make_client(pipeline=..., llm=..., **ApiConfig fields)`."""
    with ExitStack() as stack:

        def build(
            *,
            pipeline: ServicePipeline | None = None,
            llm: LLM | None = None,
            app_settings: Settings | None = None,
            config: ApiConfig | None = None,
            raise_server_exceptions: bool = True,
            **config_fields: Any,
        ) -> TestClient:
            used = app_settings or settings
            built = pipeline if pipeline is not None else make_pipeline(used, llm)
            api_config = config or ApiConfig(**config_fields)
            app = create_app(
                used, pipeline_factory=lambda _s: nullcontext(built), config=api_config
            )
            client = TestClient(app, raise_server_exceptions=raise_server_exceptions)
            return stack.enter_context(client)

        yield build


def wait_for_job(
    client: TestClient,
    job_id: str,
    statuses: Sequence[str] = ("succeeded", "failed", "cancelled"),
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 20.0,
) -> dict[str, Any]:
    """Poll `GET /v1/jobs/{id}` until its status is one of `statuses`."""
    deadline = time.monotonic() + timeout
    while True:
        answer = client.get(f"/v1/jobs/{job_id}", headers=headers)
        assert answer.status_code == 200, answer.text
        job: dict[str, Any] = answer.json()
        if job["status"] in statuses:
            return job
        assert time.monotonic() < deadline, f"job stuck in {job['status']}"
        time.sleep(0.02)


def assert_problem(answer: Any, status: int, *, type_suffix: str | None = None) -> dict[str, Any]:
    """Check an answer is an RFC 9457 problem with `status`; returns its body."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["type"], str) and body["type"]
    if type_suffix is not None:
        assert body["type"].endswith(type_suffix), body["type"]
    return body


@contextmanager
def released(pipeline: FakeBlockingPipeline) -> Iterator[FakeBlockingPipeline]:
    """Release a blocking pipeline however the block exits (no thread left waiting)."""
    try:
        yield pipeline
    finally:
        pipeline.release()
