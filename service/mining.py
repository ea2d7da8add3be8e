"""Where articles are mined: in this process, or in a few worker processes.

Mining is CPU work: spaCy's parse of an article (~85 ms) and the figure frames read from
it (~25 ms), plus ~1 s to load the parser once. An article's LLM calls show only what the
parse-free part finds (`service.mine.mine_unparsed`, a few ms), so they go out first and
the parse is made while they are in flight (`Mining`); the record waits for both.

`LocalMiner` (the default) parses in this process, one article at a time, under the GIL
the threads sending calls need too. `MinePool` (`CORROBORATE_MINE_WORKERS`) parses in
worker processes, which can use idle cores; on 2 cores shared with other work it cost
more CPU (a fork server with its own parser, candidates pickled both ways) than it saved.

`mine` is deterministic, and the candidates come back as the same pydantic objects
(pickled), so records are the same whichever miner made them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Final, Protocol

from schemas.article import Article
from schemas.candidates import Candidates
from service.limiter import llm_concurrency
from service.mine import add_parse, mine, mine_unparsed
from service.settings import Settings


class Mining:
    """One article's mining under way: `unparsed` at once (`service.mine.mine_unparsed`:
    what the LLM calls show), `result()` the complete candidates once the parse is done."""

    def __init__(self, unparsed: Candidates, finish: Callable[[], Candidates]) -> None:
        self.unparsed = unparsed
        self._finish = finish
        self._lock = threading.Lock()
        self._result: Candidates | None = None

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

_LOCAL: Final = threading.Lock()
"""One article is parsed at a time in a process. The parse is CPU work under the GIL (and
locked too), so running more at once gains nothing, and dozens of articles parsed at once
(a batch of clusters) each parse twice: the parse cache holds the last 32 texts only."""


class LocalMiner:
    """Mines in this process: the parse-free candidates at once, the parse when asked for,
    one article at a time."""

    def begin(self, article: Article) -> Mining:
        unparsed = mine_unparsed(article)

        def finish() -> Candidates:
            candidates = unparsed.model_copy(deep=True)  # `unparsed` stays as it was shown
            with _LOCAL:
                add_parse(article, candidates)
            return candidates

        return Mining(unparsed, finish)

    def close(self) -> None:
        return None


def _load_parser() -> None:
    """A worker's initializer: load (and check) the parser before the first article (a
    no-op in a worker forked from a fork server that loaded it: `service.mining_server`)."""
    from service.nlp.parse import parser

    parser()


def _ready() -> int:
    return os.getpid()


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
        if self.failed is None:
            try:
                mined = self._pool.submit(mine, article)
            except Exception as exc:
                self._fail(exc)
        if self.failed is not None:
            return self._fallback.begin(article)

        def finish() -> Candidates:
            try:
                return mined.result()
            except BrokenProcessPool as exc:  # a worker died: this article is mined here
                self._fail(exc)
                return self._fallback.begin(article).result()

        return Mining(mine_unparsed(article), finish)

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


def mine_workers(settings: Settings, *, use_llm: bool = True) -> int:
    """Worker processes to mine in: `settings.mine_workers` when LLM calls run in parallel
    (`llm_concurrency` > 1), else none (0: mine in this process, which keeps up when calls
    go one at a time, and without an LLM articles are extracted one after another)."""
    return settings.mine_workers if use_llm and llm_concurrency(settings) > 1 else 0


@contextmanager
def open_miner(settings: Settings, *, use_llm: bool = True) -> Iterator[Miner]:
    """The miner `mine_workers` asks for, for the block: a `MinePool` (its workers started
    at once, so open it before the rest of the start-up) or a `LocalMiner`."""
    workers = mine_workers(settings, use_llm=use_llm)
    miner: Miner = MinePool(workers) if workers > 0 else LocalMiner()
    try:
        yield miner
    finally:
        miner.close()
