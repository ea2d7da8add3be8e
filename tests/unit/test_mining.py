"""Where articles are mined (`service.mining`): the LLM calls go out on the parse-free
candidates, and a pool of processes mines exactly what this process mines."""

from __future__ import annotations

import concurrent.futures
import os
import threading
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from schemas.article import Article
from schemas.record import EventRecord
from service import mining
from service.errors import LLMError
from service.inputs import read_article
from service.llm import Message
from service.mine import add_parse, mine, mine_unparsed
from service.mining import (
    BATCH_WORKERS,
    PARSE_BATCH,
    LocalMiner,
    MinePool,
    Mining,
    ParseQueue,
    mine_workers,
)
from service.nlp.parse import parse_many, parser
from service.pipeline import Pipeline, load_prompt
from service.settings import Settings
from service.structure import Structurer
from tests.fakes import FakeLLM
from tests.unit.test_structure_pipeline import responder

DEV = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "dev"
SAMPLE = DEV / "kim-beijing-2025"


def _articles() -> list[Article]:
    return [read_article(p) for p in sorted((SAMPLE / "articles").glob("*.json"))]


def _failing(messages: Any, model: Any) -> Exception:
    return LLMError("no answer in this test")


def _by_schema(call: tuple[list[Message], type[BaseModel]]) -> str:
    """Calls in schema order, not in the order they finished."""
    return call[1].__name__


def _stable(record: EventRecord) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude={"provenance"})


def test_the_parse_only_adds_to_the_parse_free_candidates() -> None:
    for article in _articles():
        unparsed = mine_unparsed(article)
        parsed = unparsed.model_copy(deep=True)
        add_parse(article, parsed)
        assert parsed == mine(article)
        assert any(q.slot_spans for q in parsed.quantities)  # the parse did add something
        for before, after in zip(unparsed.quantities, parsed.quantities, strict=True):
            assert (before.id, before.span, before.sentence) == (
                after.id,
                after.span,
                after.sentence,
            )
        for before_s, after_s in zip(unparsed.sources, parsed.sources, strict=True):
            assert before_s.model_dump(exclude={"statement"}) == after_s.model_dump(
                exclude={"statement"}
            )


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("parallel", [False, True])
def test_calls_made_before_the_parse_are_the_calls_made_after_it(
    version: str, parallel: bool
) -> None:
    """Every call shows the same messages and the record is the same whether the calls
    were built on the parse-free candidates (the parse waited for while they are out) or
    on the complete ones."""
    prompt = load_prompt("extract_event", version)
    for article in _articles():
        early, late = FakeLLM(_failing), FakeLLM(_failing)
        first, _ = Structurer(prompt, early, max_candidates=14, parallel=parallel).structure(
            article, mine_unparsed(article), parsed=partial(mine, article)
        )
        second, _ = Structurer(prompt, late, max_candidates=14, parallel=parallel).structure(
            article, mine(article)
        )
        assert sorted(early.calls, key=_by_schema) == sorted(late.calls, key=_by_schema)
        assert early.calls
        assert _stable(first) == _stable(second)


# The fork server is reached over a Unix socket in a temporary folder ('.../pymp-*/listener-*').
LOCAL_AND_FORK_SERVER = ["127.0.0.1", "localhost", "::1", r".*pymp-.*"]


@pytest.mark.block_network(allowed_hosts=LOCAL_AND_FORK_SERVER)
def test_a_pool_mines_what_this_process_mines() -> None:
    articles = _articles()[:2]
    pool = MinePool(1)
    try:
        minings = [pool.begin(a) for a in articles]
        for article, mining in zip(articles, minings, strict=True):
            assert mining.unparsed == mine_unparsed(article)
            assert mining.result() == mine(article)
            assert mining.result() is mining.result()  # made once
        assert pool.failed is None
    finally:
        pool.close()


def test_a_pool_that_cannot_start_mines_here(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refused(*_: object, **__: object) -> None:
        raise OSError("no processes in this sandbox")

    monkeypatch.setattr(concurrent.futures.ProcessPoolExecutor, "submit", refused)
    article = _articles()[0]
    pool = MinePool(2)
    try:
        assert pool.begin(article).result() == mine(article)
        assert isinstance(pool.failed, OSError)
    finally:
        pool.close()
    assert "worker processes failed" in caplog.text


def test_a_local_miner_shows_the_calls_candidates_untouched_by_the_parse() -> None:
    article = _articles()[0]
    mining = LocalMiner().begin(article)
    shown = mining.unparsed.model_copy(deep=True)
    assert mining.result() == mine(article)
    assert mining.unparsed == shown


def test_a_local_miner_parsing_in_batches_mines_what_mine_mines() -> None:
    articles = _articles()
    miner = LocalMiner(PARSE_BATCH)
    minings = [miner.begin(a) for a in articles]
    for article, mining_ in reversed(list(zip(articles, minings, strict=True))):
        assert mining_.result() == mine(article)


def test_worker_processes_only_when_asked_for_and_calls_run_in_parallel() -> None:
    remote = {"model": "openai/gpt-4o-mini", "_env_file": None}
    assert mine_workers(Settings(**remote)) == 0  # type: ignore[arg-type]
    cores = (os.cpu_count() or 1) >= 2
    assert mine_workers(Settings(**remote), many=True) == (BATCH_WORKERS if cores else 0)  # type: ignore[arg-type]
    assert mine_workers(Settings(**remote, mine_workers=0), many=True) == 0  # type: ignore[arg-type]
    assert mine_workers(Settings(**remote, llm_concurrency=1), many=True) == 0  # type: ignore[arg-type]
    assert mine_workers(Settings(**remote, mine_workers=2)) == 2  # type: ignore[arg-type]
    assert mine_workers(Settings(**remote, mine_workers=2), use_llm=False) == 0  # type: ignore[arg-type]
    one = Settings(**remote, mine_workers=2, llm_concurrency=1)  # type: ignore[arg-type]
    assert mine_workers(one) == 0


def _tokens(doc: Any) -> list[tuple[Any, ...]]:
    return [
        (t.i, t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.ent_type_, t.ent_iob_)
        for t in doc
    ]


def test_parsing_articles_together_gives_each_the_parse_it_gets_alone() -> None:
    texts = [a.text for a in _articles()]
    texts += [read_article(p).text for p in sorted((DEV / "port-deal" / "articles").iterdir())]
    together = parse_many(texts)
    assert len(together) == len(texts)
    for text, doc in zip(texts, together, strict=True):
        alone = parser()(text)
        assert doc.text == text
        assert _tokens(doc) == _tokens(alone)
        assert [(e.start, e.end, e.label_) for e in doc.ents] == [
            (e.start, e.end, e.label_) for e in alone.ents
        ]
    assert parse_many([]) == []


class _Recorded:
    """Stands in for `parse_many` in a queue test: records each batch asked for and
    raises for the text 'bad'."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> list[str]:
        self.batches.append(list(texts))
        if "bad" in texts:
            raise ValueError("no parse for 'bad'")
        return [f"doc of {t}" for t in texts]


def test_the_parse_queue_parses_in_the_order_queued_a_batch_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorded = _Recorded()
    monkeypatch.setattr(mining, "parse_many", recorded)
    queue = ParseQueue()
    waiting = [queue.add(f"t{n}") for n in range(PARSE_BATCH + 2)]
    last = queue.doc(waiting[-1], PARSE_BATCH)  # the last asked for first
    assert str(last) == f"doc of t{PARSE_BATCH + 1}"
    assert recorded.batches == [
        [f"t{n}" for n in range(PARSE_BATCH)],
        [f"t{n}" for n in range(PARSE_BATCH, PARSE_BATCH + 2)],
    ]
    assert [str(queue.doc(w)) for w in waiting[:-1]] == [
        f"doc of t{n}" for n in range(PARSE_BATCH + 1)
    ]
    assert len(recorded.batches) == 2  # each parsed once


def test_a_parse_that_fails_fails_only_its_own_article(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = _Recorded()
    monkeypatch.setattr(mining, "parse_many", recorded)
    queue = ParseQueue()
    good, bad, other = queue.add("good"), queue.add("bad"), queue.add("other")
    with pytest.raises(ValueError, match="no parse for 'bad'"):
        queue.doc(bad, 3)
    assert str(queue.doc(good, 3)) == "doc of good"
    assert str(queue.doc(other, 3)) == "doc of other"
    assert recorded.batches[0] == ["good", "bad", "other"]


def test_the_parse_queue_parses_one_at_a_time_unless_asked_for_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorded = _Recorded()
    monkeypatch.setattr(mining, "parse_many", recorded)
    queue = ParseQueue()
    waiting = [queue.add(f"t{n}") for n in range(3)]
    assert str(queue.doc(waiting[1])) == "doc of t1"
    assert recorded.batches == [["t0"], ["t1"]]  # the one queued first, first


class _OrderedMiner:
    """A local miner that records the order articles are begun in, slowly."""

    def __init__(self) -> None:
        self.begun: list[str] = []
        self._inner = LocalMiner()

    def begin(self, article: Article) -> Mining:
        self.begun.append(article.id)
        time.sleep(0.01)  # others' begins would fall in between, if they could
        return self._inner.begin(article)

    def close(self) -> None:
        return None


def test_a_clusters_articles_are_begun_together_in_their_order() -> None:
    port = [read_article(p) for p in sorted((DEV / "port-deal" / "articles").iterdir())]
    clusters = [_articles(), port]
    miner = _OrderedMiner()
    settings = Settings(_env_file=None, llm_concurrency=8)
    pipe = Pipeline(settings, FakeLLM(responder), miner=miner)
    threads = [threading.Thread(target=pipe.extract_many, args=(c,)) for c in clusters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [[a.id for a in c] for c in clusters]
    assert miner.begun in (ids[0] + ids[1], ids[1] + ids[0])


_TENSED = Article(
    id="tensed",
    text=(
        "Two dams above Varnholt collapsed on Friday night, and about 3,500 people left "
        "their homes, the mayor said. The town's schools will reopen on Saturday."
    ),
    published_at="2025-09-02",  # a Tuesday: 'Friday' alone would be 2025-09-05
)


def test_a_local_miner_shows_the_calls_the_dates_the_tense_gives() -> None:
    for miner in (LocalMiner(), LocalMiner(PARSE_BATCH)):
        mining_ = miner.begin(_TENSED)
        assert [d.iso for d in mining_.unparsed.dates] == ["2025-08-29", "2025-09-06"]
        assert mining_.unparsed == mine_unparsed(_TENSED)
        assert mining_.result() == mine(_TENSED)


@pytest.mark.block_network(allowed_hosts=LOCAL_AND_FORK_SERVER)
def test_a_pool_shows_the_calls_the_dates_the_tense_gives() -> None:
    pool = MinePool(1)
    try:
        mining_ = pool.begin(_TENSED)
        assert [d.iso for d in mining_.unparsed.dates] == ["2025-08-29", "2025-09-06"]
        assert mining_.unparsed == mine_unparsed(_TENSED)
        assert mining_.result() == mine(_TENSED)
        assert pool.failed is None
    finally:
        pool.close()
