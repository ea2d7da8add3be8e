"""Where articles are mined: in this process, or in a few worker processes.

Mining is CPU work: spaCy's parse of an article (~85 ms) and the figure frames read from
it (~25 ms), plus ~1 s to load the parser once. An article's LLM calls show only what the
parse-free part finds (`service.mine.mine_unparsed`, a few ms), so they go out first and
the parse is made while they are in flight (`Mining`); the record waits for both. Where a
weekday's date rests on the tense of its verb (`service.mine.dates_need_parse`: about a
quarter of the dataset articles), the calls wait for the parse instead, made once.

`LocalMiner` parses in this process, in the order articles were begun (`ParseQueue`; a
few together in `batch`), under the GIL the threads sending calls need too. `MinePool`
parses in worker processes, which can use idle cores: `batch` uses one by default on two
or more cores (`BATCH_WORKERS`), `CORROBORATE_MINE_WORKERS` sets how many anywhere.

`mine` is deterministic, and the candidates come back as the same pydantic objects
(pickled), so records are the same whichever miner made them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final, Protocol

from schemas.article import Article
from schemas.candidates import Candidates
from service.limiter import llm_concurrency
from service.mine import add_parse, dates_need_parse, mine, mine_unparsed, needs_parse
from service.nlp.parse import parse_many
from service.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc as ParsedDoc


class Mining:
    """One article's mining under way: `unparsed` (`service.mine.mine_unparsed`: what the
    LLM calls show; at once, or made when first asked for where it waits for the parse),
    `result()` the complete candidates once the parse is done."""

    def __init__(
        self, unparsed: Candidates | Callable[[], Candidates], finish: Callable[[], Candidates]
    ) -> None:
        self._shown = unparsed
        self._finish = finish
        self._lock = threading.Lock()
        self._shown_lock = threading.Lock()
        self._result: Candidates | None = None

    @property
    def unparsed(self) -> Candidates:
        """What the LLM calls show (made once)."""
        with self._shown_lock:
            if callable(self._shown):
                self._shown = self._shown()
            return self._shown

    def result(self) -> Candidates:
        """The candidates `service.mine.mine` gives (waits for the parse; made once)."""
        with self._lock:
            if self._result is None:
                self._result = self._finish()
            return self._result


class Miner(Protocol):
    """Mines articles (`service.mine.mine`), somewhere."""

    def begin(self, article: Article) -> Mining: ...

    def close(self) -> None: ...


_log = logging.getLogger(__name__)

PARSE_BATCH: Final = 4
"""Articles `batch` parses together at most (`service.nlp.parse.parse_many`): less CPU
than one by one (about 10-15 % measured on this machine), while the first article of a
batch waits for only a few others. Elsewhere (the API, `summarise`) articles are parsed
one at a time: a record someone waits for should not also wait for others' parses (with
batches of 4 the API's records/s fell from 66 % to 55 % of its ideal, one pair of runs)."""


class _Waiting:
    """One article's parse, queued: `doc` once made, or `error` if the parse failed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.doc: ParsedDoc | None = None
        self.error: Exception | None = None


class ParseQueue:
    """The articles of this process waiting for their parse, parsed in the order they
    were queued, a batch at a time (`LocalMiner.batch` of them at most).

    Whoever needs a parse first parses the batch at the head of the queue. So the parse of
    the articles begun first is done first: the clusters a batch run started first are
    finished (merged, narrated, written) first, and their place goes to the next ones,
    instead of every cluster waiting until nearly every article is parsed (the order a
    plain lock gives waiting threads is arbitrary). The parse is CPU work under the GIL
    the threads sending calls need too, so one at a time gains as much as any number.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parsing = threading.Lock()
        self._waiting: deque[_Waiting] = deque()

    def add(self, text: str) -> _Waiting:
        """Queue `text` for its parse."""
        waiting = _Waiting(text)
        with self._lock:
            self._waiting.append(waiting)
        return waiting

    def doc(self, waiting: _Waiting, at_most: int = 1) -> ParsedDoc:
        """The parse of a queued text: made with those queued before it, if not yet,
        `at_most` at a time."""
        with self._parsing:
            while waiting.doc is None and waiting.error is None:
                with self._lock:
                    count = min(max(1, at_most), len(self._waiting))
                    batch = [self._waiting.popleft() for _ in range(count)]
                if not batch:  # not queued here: never happens, but never loops forever
                    raise RuntimeError("an article's parse was asked for but never queued")
                try:
                    docs = parse_many([w.text for w in batch])
                except Exception:  # one by one: only the article whose parse fails raises
                    for each in batch:
                        try:
                            each.doc = parse_many([each.text])[0]
                        except Exception as exc:
                            each.error = exc
                    continue
                for each, doc in zip(batch, docs, strict=True):
                    each.doc = doc
        if waiting.error is not None:
            raise waiting.error
        assert waiting.doc is not None
        doc, waiting.doc = waiting.doc, None  # the Mining keeps its candidates, not the doc
        return doc


_QUEUE: Final = ParseQueue()
"""This process's parse queue: every `LocalMiner` parses through it, in one order."""


class LocalMiner:
    """Mines in this process: the parse-free candidates at once, the parse when asked
    for, in the order articles were begun (`ParseQueue`)."""

    def __init__(self, batch: int = 1, queue: ParseQueue = _QUEUE) -> None:
        self.batch = batch
        """Articles parsed together at most (`PARSE_BATCH` in `batch`)."""
        self.queue = queue

    def begin(self, article: Article) -> Mining:
        if dates_need_parse(article):
            return self._begin_parsed(article)
        unparsed = mine_unparsed(article)
        waiting = self.queue.add(article.text) if needs_parse(unparsed) else None

        def finish() -> Candidates:
            candidates = unparsed.model_copy(deep=True)  # `unparsed` stays as it was shown
            if waiting is not None:
                add_parse(article, candidates, self.queue.doc(waiting, self.batch))
            return candidates

        return Mining(unparsed, finish)

    def _begin_parsed(self, article: Article) -> Mining:
        """An article whose prompt shows dates that wait for the parse: queued now, in
        order; what the prompt shows is made (in the article's own thread) once it is."""
        waiting = self.queue.add(article.text)
        made: list[ParsedDoc] = []
        lock = threading.Lock()

        def doc() -> ParsedDoc:
            with lock:
                if not made:
                    made.append(self.queue.doc(waiting, self.batch))
                return made[0]

        def finish() -> Candidates:
            candidates = mining.unparsed.model_copy(deep=True)
            add_parse(article, candidates, doc())
            made.clear()  # the Mining keeps its candidates, not the doc
            return candidates

        mining = Mining(lambda: mine_unparsed(article, doc()), finish)
        return mining

    def close(self) -> None:
        return None


def _load_parser() -> None:
    """A worker's initializer: load (and check) the parser before the first article (a
    no-op in a worker forked from a fork server that loaded it: `service.mining_server`)."""
    from service.nlp.parse import parser

    parser()


def _ready() -> int:
    return os.getpid()


def _mine_both(article: Article) -> tuple[Candidates, Candidates]:
    """A worker's task for an article whose prompt waits for the parse (`dates_need_parse`):
    what the prompt shows and the complete candidates, from one parse."""
    doc = parse_many([article.text])[0]
    unparsed = mine_unparsed(article, doc)
    candidates = unparsed.model_copy(deep=True)
    add_parse(article, candidates, doc)
    return unparsed, candidates


class MinePool:
    """Mines in `workers` processes, started (and their parsers loaded) on creation.

    The processes come from a fork server where the platform has one: a process with no
    threads that imported the miner and loaded the parser once (`service.mining_server`),
    so a worker forked from it is ready at once; else they are spawned and each loads its
    own. If the pool cannot start or breaks (no sockets, a worker killed, the parser
    missing), articles are mined here instead (which raises a real error again where it
    can be reported), with one warning logged.
    """

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"a mine pool needs at least 1 worker, got {workers}")
        self.workers = workers
        self._forkserver = "forkserver" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if self._forkserver else "spawn")
        if self._forkserver:
            context.set_forkserver_preload(["service.mining", "service.mining_server"])
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_load_parser)
        self._fallback = LocalMiner()
        self.failed: Exception | None = None
        """Why the pool could not be used, if so: every article is then mined here."""
        # One task per worker makes the pool start them all now. Starting one waits for the
        # fork server to load the parser (about a second), so it is done from a thread:
        # meanwhile this process goes on with its own start-up (the LLM client, the store).
        self._starter = threading.Thread(target=self._start, name="mine-pool", daemon=True)
        self._starter.start()

    def _start(self) -> None:
        try:
            for _ in range(self.workers):
                self._pool.submit(_ready)
        except Exception as exc:  # no processes here (a sandbox, no sockets): mine here
            self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        if self.failed is None:
            self.failed = exc
            _log.warning("mining in this process: the worker processes failed (%r)", exc)

    def begin(self, article: Article) -> Mining:
        both = None
        if self.failed is None:
            try:
                if dates_need_parse(article):  # the prompt waits for the worker's parse
                    both = self._pool.submit(_mine_both, article)
                else:
                    mined = self._pool.submit(mine, article)
            except Exception as exc:
                self._fail(exc)
        if self.failed is not None:
            return self._fallback.begin(article)
        if both is not None:
            pair = both

            def shown() -> Candidates:
                return self._both(article, pair)[0]

            def done() -> Candidates:
                return self._both(article, pair)[1]

            return Mining(shown, done)

        def finish() -> Candidates:
            try:
                return mined.result()
            except BrokenProcessPool as exc:  # a worker died: this article is mined here
                self._fail(exc)
                return self._fallback.begin(article).result()

        return Mining(mine_unparsed(article), finish)

    def _both(
        self, article: Article, both: Future[tuple[Candidates, Candidates]]
    ) -> tuple[Candidates, Candidates]:
        try:
            return both.result()
        except BrokenProcessPool as exc:  # a worker died: this article is mined here
            self._fail(exc)
            here = self._fallback.begin(article)
            return here.unparsed, here.result()

    def close(self) -> None:
        self._starter.join()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._forkserver:
            _stop_fork_server()


def _stop_fork_server() -> None:
    """Stop the fork server and wait for it (the next pool starts a new one), so no process
    of ours outlives the command holding its stdout, and the CPU time of the server and its
    workers counts as this process's children's. `ForkServer._stop` is private (CPython's
    tests use it) but present in every version we support; without it the server stops on
    its own once this process exits."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if callable(stop):
        stop()


BATCH_WORKERS: Final = 1
"""Mine workers `batch` uses by default where there are two or more cores. Measured with
`bench/bench_throughput.py` (34 clusters, 654 calls at L = 0.5 s, concurrency 16, an idle
2-core machine, three runs each): 71 % of the ideal with the parse in the main process, 81 %
with one worker, for less CPU (27.1 s against 28.6 s): the main process, which holds the GIL
for the calls, the merge and the writing, is the bottleneck, and the parse goes to the
other core. One request (`summarise`, the API) has too few articles to gain from it."""


def mine_workers(settings: Settings, *, use_llm: bool = True, many: bool = False) -> int:
    """Worker processes to mine in: none unless LLM calls run in parallel
    (`llm_concurrency` > 1; mining here keeps up when calls go one at a time, and without
    an LLM articles are extracted one after another); then `settings.mine_workers`, or by
    default `BATCH_WORKERS` for `many` articles (`batch`) on two or more cores."""
    if not use_llm or llm_concurrency(settings) <= 1:
        return 0
    if settings.mine_workers is not None:
        return settings.mine_workers
    return BATCH_WORKERS if many and (os.cpu_count() or 1) >= 2 else 0


@contextmanager
def open_miner(settings: Settings, *, use_llm: bool = True, many: bool = False) -> Iterator[Miner]:
    """The miner `mine_workers` asks for, for the block: a `MinePool` (its workers started
    at once, so open it before the rest of the start-up) or a `LocalMiner`. `many`: the
    articles of many clusters (`batch`), parsed `PARSE_BATCH` at a time, and by default
    in a worker process (`BATCH_WORKERS`)."""
    workers = mine_workers(settings, use_llm=use_llm, many=many)
    miner: Miner = MinePool(workers) if workers > 0 else LocalMiner(PARSE_BATCH if many else 1)
    try:
        yield miner
    finally:
        miner.close()
