"""The pipeline every front end calls: mine → structure → ground (→ merge → narrate).

The CLI, the HTTP API and the eval harness all go through `Pipeline`, so a record
is produced the same way wherever it is asked for.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import lexicon
import prompts
from prompts import Prompt
from schemas.article import Article
from schemas.consensus import Consensus, PromptRef
from schemas.record import EventRecord, Provenance
from service.errors import (
    CorroborateError,
    DegradedResultError,
    InputError,
    LLMError,
    LLMOutputError,
    LLMUnavailableError,
    PromptNotFoundError,
)
from service.ground import ground_record
from service.limiter import LimitedLLM, process_limiter
from service.merge import merge_records
from service.mining import LocalMiner, Miner, Mining, open_miner
from service.narrate import NarrationResult, narrate, narrate_hash, narration_key
from service.settings import Settings
from service.structure import Structurer, prompt_hash

if TYPE_CHECKING:  # the LLM client and the database are imported when first used
    from service.llm import LLM
    from service.store import RecordCacheKey, Store

PROMPT_NAME = "extract_event"
PROMPT_VERSION: Final[str | None] = "v1"
"""The extract_event version used when none is asked for (`--prompt-version`); None would
be the newest on disk. v2 (two calls, compact answers: `service.structure.compact`) is
opt-in: `--prompt-version v2`."""
NO_MODEL = "none"
"""Model id recorded when records come from mined candidates alone."""


NARRATE_PROMPT = "narrate"


PROJECT_ROOT: Final = Path(__file__).resolve().parents[1]
"""The folder holding the `service` and `schemas` packages (a checkout or site-packages)."""

RECORD_CODE: Final = (
    "schemas",
    "service/text",
    "service/mine",
    "service/nlp",
    "service/structure",
    "service/ground.py",
    "service/llm.py",
)
"""The code that shapes a record, relative to `PROJECT_ROOT`. A folder counts whole: every
`.py` file below it, so a module added to a package is covered without a change here."""


NARRATE_CODE: Final = ("schemas", "service/narrate.py", "service/llm.py")
"""The code that shapes a narrative (as `RECORD_CODE`): the narrative cache key covers it."""


def record_code_hash(root: Path = PROJECT_ROOT, parts: Sequence[str] = RECORD_CODE) -> str:
    """sha256 over the paths and bytes of every file of `parts` under `root`: a new
    release never reuses a cached record (or narrative) that older code produced."""
    digest = hashlib.sha256()
    for part in parts:
        path = root / part
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        if not files or not all(f.is_file() for f in files):
            raise RuntimeError(f"record code {part!r} is missing under {root}")
        for file in files:
            digest.update(file.relative_to(root).as_posix().encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


RECORD_CODE_HASH: Final = record_code_hash()
NARRATE_CODE_HASH: Final = record_code_hash(parts=NARRATE_CODE)


def load_prompt(name: str, version: str | None = None) -> Prompt:
    """`prompts.load`, with an unknown name or version raised as the caller's mistake
    (`PromptNotFoundError` of the error tree: exit 2, HTTP 422)."""
    try:
        return prompts.load(name, version)
    except prompts.PromptNotFoundError as exc:
        if isinstance(exc, PromptNotFoundError):
            raise
        raise PromptNotFoundError(str(exc), prompt=name, version=version) from exc


RecordDone = Callable[[int, Article, EventRecord], None]
"""Called with (index, article, record) as each record of `extract_many` is done."""


@dataclass
class PipelineStats:
    """Running totals for a pipeline's lifetime: what a batch summary or /metrics shows."""

    records: int = 0
    cache_hits: int = 0
    narrative_cache_hits: int = 0
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    degraded: int = 0
    """Records made with a facet that fell back after an LLM error."""
    degraded_narratives: int = 0
    """Narratives that fell back to the template after an LLM error."""
    llm_answered: int = 0
    """LLM calls (facets and narratives) that the model answered."""
    llm_failed: int = 0
    """LLM calls that failed after their retries (or that the circuit breaker refused)."""
    llm_errors: dict[str, int] = field(default_factory=dict)
    """Failed calls by error kind (an error-tree class name)."""


def unanswered(records: Sequence[EventRecord], *, model: str, retry_after: int) -> LLMError | None:
    """The error to answer with when the LLM asked for `records` never answered: every
    facet sent to it fell back. `LLMUnavailableError` (HTTP 503, `retry_after` seconds) when
    any call could not reach it, else `LLMOutputError` (502). None when it answered once,
    or was not asked."""
    facets = [
        f
        for r in records
        if r.provenance
        for f in r.provenance.facets.values()
        if f.state != "skipped"
    ]
    if not facets or any(f.state == "llm" for f in facets):
        return None
    kinds = sorted({f.error or "LLMError" for f in facets})
    detail = f"{model} never answered: {len(facets)} calls failed ({', '.join(kinds)})"
    if "LLMUnavailableError" in kinds:
        return LLMUnavailableError(detail, model=model, retry_after=retry_after)
    return LLMOutputError(detail, model=model)


class Pipeline:
    """Turns articles into grounded records with one prompt version and one (optional) LLM.

    With a `store`, records are cached by (article, model, prompt hash, lexicon stamp,
    `RECORD_CODE_HASH`):
    the same work is never done twice, so a re-run makes no LLM call. A degraded record
    (a facet fell back after an LLM error) is not cached: a re-run redoes exactly those.

    Every LLM call waits for a slot of the process's limiter (`service.limiter`). When it
    allows more than one call, an article's facets and a cluster's articles are worked on
    at once; results are put back in input order, so the output never depends on which
    call finished first.
    """

    def __init__(
        self,
        settings: Settings,
        llm: LLM | None,
        prompt_version: str | None = None,
        store: Store | None = None,
        miner: Miner | None = None,
    ):
        self.settings = settings
        self.miner: Miner = miner if miner is not None else LocalMiner()
        self.llm = llm
        self.store = store
        self.prompt: Prompt = load_prompt(PROMPT_NAME, prompt_version or PROMPT_VERSION)
        self.prompt_hash = prompt_hash(self.prompt)
        self.lexicon = lexicon.stamp()
        # What a cached record must match: the prompt hash (prompt file and response
        # schemas), the lexicons and the code that shapes a record.
        self._cache_version = hashlib.sha256(
            f"{self.prompt_hash}:{self.lexicon.sha256}:{RECORD_CODE_HASH}".encode()
        ).hexdigest()
        self.narrate_prompt: Prompt = load_prompt(NARRATE_PROMPT)
        self.narrate_hash = narrate_hash(self.narrate_prompt)
        self.stats = PipelineStats()
        self._stats_lock = threading.Lock()  # batch runs extract from several threads
        self._begin_lock = threading.Lock()  # one call's articles are begun together
        self.limiter = process_limiter(settings)
        self.parallel = llm is not None and self.limiter.limit > 1
        self._llm = LimitedLLM(llm, self.limiter) if llm is not None else None
        self._structurer = Structurer(
            self.prompt,
            self._llm,
            max_candidates=settings.max_candidates,
            parallel=self.parallel,
        )

    @property
    def model_id(self) -> str:
        """The model behind this pipeline, or 'none' for mined-only records."""
        return self.llm.model_id if self.llm else NO_MODEL

    def cache_key(self, article: Article) -> RecordCacheKey:
        """The record-cache key of `article` under this pipeline's prompt, code and model."""
        from service.store import RecordCacheKey

        return RecordCacheKey.for_article(
            article, prompt_hash=self._cache_version, model_id=self.model_id
        )

    def extract(self, article: Article) -> EventRecord:
        """One article → one span-grounded event record (from the cache when already done)."""
        cached = self._cached(article)
        if cached is not None:
            return cached
        return self._make(article, self.miner.begin(article))

    def _cached(self, article: Article) -> EventRecord | None:
        if self.store is None:
            return None
        cached = self.store.get_cached_record(self.cache_key(article))
        if cached is not None:
            self._count(records=1, cache_hits=1)
        return cached

    def _make(self, article: Article, mining: Mining) -> EventRecord:
        record = self._extract(article, mining)
        if self.store is not None:
            self.store.put_cached_record(self.cache_key(article), record)
        return record

    def extract_many(
        self, articles: Sequence[Article], on_done: RecordDone | None = None
    ) -> list[EventRecord]:
        """The records of `articles`, in their order; at once when the limiter allows.

        `on_done(index, article, record)` is called as each record is done (in completion
        order, from the worker threads: one at a time). The first error is raised once
        every article has finished, so a record already made still reaches `on_done`.

        The articles not in the cache are begun together, in order, before any is worked
        on (`Miner.begin`: a few ms each): their parses queue one after another, so when
        several calls of this run at once (`batch`'s clusters), the articles of the one
        begun first are parsed first and its records are done first.
        """
        done_lock = threading.Lock()
        cached = [self._cached(a) for a in articles]
        with self._begin_lock:
            minings = {i: self.miner.begin(a) for i, a in enumerate(articles) if cached[i] is None}

        def one(index: int, article: Article) -> EventRecord:
            record = cached[index]
            if record is None:
                record = self._make(article, minings[index])
            if on_done is not None:
                with done_lock:
                    on_done(index, article, record)
            return record

        if not self.parallel or len(minings) < 2:
            return [one(i, a) for i, a in enumerate(articles)]
        workers = min(len(articles), self.limiter.limit)  # each article has several calls
        with ThreadPoolExecutor(workers, thread_name_prefix="article") as pool:
            futures = [pool.submit(one, i, a) for i, a in enumerate(articles)]
        return [f.result() for f in futures]

    def _extract(self, article: Article, mining: Mining) -> EventRecord:
        started = time.perf_counter()
        # The calls go out on the parse-free candidates; the record is built once the
        # parse is done too (in a worker process, or here while the calls are out).
        record, run = self._structurer.structure(article, mining.unparsed, parsed=mining.result)
        record = ground_record(record, article)
        record.provenance = Provenance(
            model=self.model_id,
            prompt_name=self.prompt.name,
            prompt_version=self.prompt.version,
            prompt_hash=self.prompt_hash,
            lexicon_version=self.lexicon.version,
            lexicon_hash=self.lexicon.sha256,
            created_at=datetime.now(UTC),
            seconds=round(time.perf_counter() - started, 3),
            prompt_tokens=sum(r.prompt_tokens for r in run.reports.values()),
            completion_tokens=sum(r.completion_tokens for r in run.reports.values()),
            llm_calls=run.llm_calls,
            facets=run.reports,
        )
        failed = [r.error or "LLMError" for r in run.reports.values() if r.state == "fallback"]
        self._count(
            records=1,
            llm_calls=run.llm_calls,
            prompt_tokens=record.provenance.prompt_tokens,
            completion_tokens=record.provenance.completion_tokens,
            degraded=int(record.degraded),
            llm_answered=sum(r.state == "llm" for r in run.reports.values()),
            llm_failed=len(failed),
        )
        self._count_errors(failed)
        return record

    def _count(self, **deltas: int) -> None:
        with self._stats_lock:
            for name, delta in deltas.items():
                setattr(self.stats, name, getattr(self.stats, name) + delta)

    def _count_errors(self, kinds: Sequence[str]) -> None:
        with self._stats_lock:
            for kind in kinds:
                self.stats.llm_errors[kind] = self.stats.llm_errors.get(kind, 0) + 1

    def verdict(self) -> CorroborateError | None:
        """What this pipeline's run amounts to, for an exit code: None when complete;
        an `LLMError` (exit 5) when the LLM failed every call it was sent; else a
        `DegradedResultError` (exit 8) when a record or narrative is degraded."""
        stats = self.stats
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(stats.llm_errors.items()))
        again = "outputs written; re-run once the model answers to redo only the degraded ones"
        if stats.llm_failed and not stats.llm_answered:
            detail = (
                f"{self.model_id} never answered: {stats.llm_failed} calls failed ({kinds}); "
                f"{stats.degraded} records degraded; {again}"
            )
            if "LLMUnavailableError" in stats.llm_errors:
                return LLMUnavailableError(detail, model=self.model_id)
            return LLMOutputError(detail, model=self.model_id)
        if stats.degraded or stats.degraded_narratives:
            return DegradedResultError(
                f"{stats.degraded} of {stats.records} records and {stats.degraded_narratives} "
                f"narratives degraded: {stats.llm_failed} LLM calls failed ({kinds}); {again}",
                model=self.model_id,
            )
        return None

    def summarise(
        self,
        articles: Sequence[Article],
        records: Sequence[EventRecord] | None = None,
        *,
        narratives: Store | None = None,
    ) -> Consensus:
        """A cluster of articles → records → consensus → cited narrative.

        `records` may hold records already extracted for these articles (same order).
        `narratives`: the store whose narrative cache to use (default: the pipeline's own
        store); the API and its workers pass theirs, so a consensus told once is not told
        again.
        """
        if len(articles) < 2:
            raise InputError(f"a cluster needs at least 2 articles, got {len(articles)}")
        ids = [a.id for a in articles]
        if len(set(ids)) != len(ids):
            raise InputError("article ids in a cluster must be unique")
        done = list(records) if records is not None else self.extract_many(articles)
        consensus = merge_records(done, articles=articles)
        told = self._narrate(consensus, narratives if narratives is not None else self.store)
        self._count(
            llm_calls=told.llm_calls,
            prompt_tokens=told.usage.prompt_tokens if told.usage else 0,
            completion_tokens=told.usage.completion_tokens if told.usage else 0,
            degraded_narratives=int(told.error is not None),
            llm_answered=int(told.llm_calls > 0 and told.error is None),
            llm_failed=int(told.error is not None),
        )
        self._count_errors([told.error] if told.error else [])
        consensus.narrative = told.sentences
        consensus.narrative_mode = told.mode  # type: ignore[assignment]
        consensus.narrative_detail = told.detail
        consensus.degraded = told.error is not None or any(r.degraded for r in done)
        prov = consensus.provenance
        prov.lexicon_version, prov.lexicon_hash = self.lexicon.version, self.lexicon.sha256
        prov.prompts = sorted(
            [
                *prov.prompts,
                PromptRef(
                    name=self.narrate_prompt.name,
                    version=self.narrate_prompt.version,
                    hash=self.narrate_hash,
                ),
            ],
            key=lambda p: (p.name, p.version, p.hash),
        )
        if told.mode == "llm" and self.model_id not in prov.models:
            prov.models = sorted([*prov.models, self.model_id])
        return consensus

    def _narrate(self, consensus: Consensus, store: Store | None) -> NarrationResult:
        """The narrative, from `store`'s narrative cache when these facts were already
        told by this model with this prompt and code (`narration_key`)."""
        if store is None or self._llm is None:
            return narrate(consensus, self._llm, self.narrate_prompt)
        key = narration_key(consensus, self.narrate_prompt, self.model_id, NARRATE_CODE_HASH)
        cached = store.get_cached_narrative(key)
        if cached is not None:
            self._count(narrative_cache_hits=1)
            return NarrationResult.from_json(cached)
        told = narrate(consensus, self._llm, self.narrate_prompt)
        if told.answered:  # a failed call is tried again next time
            store.put_cached_narrative(key, told.to_json())
        return told


@contextmanager
def open_pipeline(
    settings: Settings,
    *,
    use_llm: bool = True,
    prompt_version: str | None = None,
    store: Store | None = None,
    miner: Miner | None = None,
) -> Iterator[Pipeline]:
    """A pipeline with its LLM opened (and the embedded server started) for the block.

    Articles are mined by `miner`, or else by the one `service.mining.open_miner` gives
    for the settings (worker processes when LLM calls run in parallel), opened first so
    its workers load their parser while this process loads the LLM client.
    """
    if not use_llm:
        yield Pipeline(settings, None, prompt_version, store, miner)
        return
    with ExitStack() as stack:
        if miner is None:
            miner = stack.enter_context(open_miner(settings))
        from service.llm import open_llm  # openai and instructor load only when a model is used

        llm = stack.enter_context(open_llm(settings))
        yield Pipeline(settings, llm, prompt_version, store, miner)
