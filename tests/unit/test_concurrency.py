"""Concurrent LLM calls: the process limiter caps them, and the output never depends on the
order in which they finish."""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from app.batch import load_clusters, run_batch
from schemas.article import Article
from schemas.extraction import CoreDraft
from service.inputs import expand_paths, read_article
from service.limiter import CallLimiter, LimitedLLM, llm_concurrency, process_limiter
from service.llm import Completion, Message, Usage
from service.pipeline import Pipeline
from service.settings import Settings
from service.structure import FACETS
from tests.unit.test_structure_pipeline import responder

T = TypeVar("T", bound=BaseModel)

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "evals" / "datasets" / "dev"


class FakeShuffledLLM:
    """A fake model whose answers take a random 0-40 ms (seeded), so calls made at once
    finish in a shuffled order; counts the calls in flight."""

    def __init__(self, seed: int, model_id: str = "fake/shuffled") -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._model_id = model_id
        self.in_flight = 0
        self.peak = 0
        self.finished: list[str] = []

    @property
    def model_id(self) -> str:
        return self._model_id

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int | None = None
    ) -> Completion[T]:
        with self._lock:
            delay = self._random.uniform(0, 0.04)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            time.sleep(delay)
            value = response_model.model_validate(responder(messages, response_model))
        finally:
            with self._lock:
                self.in_flight -= 1
                self.finished.append(f"{response_model.__name__}:{messages[-1]['content'][:80]}")
        return Completion(value=value, usage=Usage(10, 5), seconds=delay)


TIMING = {"created_at", "seconds"}


def _stable(value: Any) -> Any:
    """A dumped model without the fields that time the run."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in TIMING}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _cluster(name: str) -> list[Article]:
    return [read_article(p) for p in expand_paths([DEV / name / "articles"])]


def _settings(concurrency: int) -> Settings:
    return Settings(_env_file=None, llm_concurrency=concurrency)


def test_concurrency_defaults_to_one_for_the_embedded_server_and_more_for_endpoints() -> None:
    assert llm_concurrency(Settings(_env_file=None)) == 1  # local/...: one slot
    remote = Settings(_env_file=None, model="openai/gpt-4o-mini")
    assert llm_concurrency(remote) > 1
    assert llm_concurrency(remote.model_copy(update={"llm_concurrency": 3})) == 3
    assert process_limiter(_settings(5)) is process_limiter(_settings(5))


def test_the_limiter_caps_calls_in_flight_across_threads() -> None:
    fake = FakeShuffledLLM(seed=1)
    limited = LimitedLLM(fake, CallLimiter(3))
    ask = ([{"role": "user", "content": "x"}], CoreDraft)
    threads = [threading.Thread(target=limited.complete, args=ask) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.peak == 3 and limited.limiter.peak == 3 and limited.limiter.in_flight == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_records_and_consensus_do_not_depend_on_completion_order(seed: int) -> None:
    articles = _cluster("kim-beijing-2025")
    one_by_one = Pipeline(_settings(1), FakeShuffledLLM(seed))
    expected = one_by_one.summarise(articles)
    assert not one_by_one.parallel

    fake = FakeShuffledLLM(seed)
    at_once = Pipeline(_settings(8), fake)
    assert at_once.parallel
    got = at_once.summarise(articles)

    assert fake.peak > 1  # calls really overlapped
    assert _stable(got.model_dump(mode="json")) == _stable(expected.model_dump(mode="json"))
    for article in articles:
        record = at_once.extract(article)  # the same work again, in a new shuffle
        assert record.provenance is not None
        assert list(record.provenance.facets) == [
            f for f in FACETS if f in record.provenance.facets
        ]
    narrative_calls = 1
    assert at_once.stats.llm_calls == 2 * one_by_one.stats.llm_calls - narrative_calls


def test_extract_many_keeps_input_order_and_reports_each_record_once() -> None:
    articles = _cluster("river-flood") + _cluster("port-deal")
    seen: list[int] = []
    pipe = Pipeline(_settings(6), FakeShuffledLLM(seed=4))
    records = pipe.extract_many(articles, on_done=lambda i, a, r: seen.append(i))
    assert [r.article_id for r in records] == [a.id for a in articles]
    assert sorted(seen) == list(range(len(articles)))
    assert pipe.limiter.peak <= 6


def test_batch_output_is_the_same_at_any_concurrency(tmp_path: Path) -> None:
    root = tmp_path / "clusters"
    for name in ("kim-beijing-2025", "river-flood", "port-deal"):
        (root / name).mkdir(parents=True)
        for path in (DEV / name / "articles").iterdir():
            (root / name / path.name).write_bytes(path.read_bytes())
    clusters = load_clusters(root)
    slow = run_batch(Pipeline(_settings(1), FakeShuffledLLM(7)), clusters, tmp_path / "one")
    fast_pipe = Pipeline(_settings(16), FakeShuffledLLM(8))
    fast = run_batch(fast_pipe, clusters, tmp_path / "many", concurrency=3)
    assert slow.llm_calls == fast.llm_calls and not slow.failed and not fast.failed
    assert fast_pipe.limiter.peak > 1
    for cluster in clusters:
        a = (tmp_path / "one" / f"{cluster.key}.json").read_text()
        b = (tmp_path / "many" / f"{cluster.key}.json").read_text()
        assert _stable(json.loads(a)) == _stable(json.loads(b))
