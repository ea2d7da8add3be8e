"""The pipeline every front end calls: mine → structure → ground (→ merge → narrate).

The CLI, the HTTP API and the eval harness all go through `Pipeline`, so a record
is produced the same way wherever it is asked for.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from prompts import Prompt, load
from schemas.article import Article
from schemas.record import EventRecord, Provenance
from service.ground import ground_record
from service.llm import LLM, open_llm
from service.mine import mine
from service.settings import Settings
from service.structure import Structurer, prompt_hash

PROMPT_NAME = "extract_event"
NO_MODEL = "none"
"""Model id recorded when records come from mined candidates alone."""


class Pipeline:
    """Turns articles into grounded records with one prompt version and one (optional) LLM."""

    def __init__(self, settings: Settings, llm: LLM | None, prompt_version: str | None = None):
        self.settings = settings
        self.llm = llm
        self.prompt: Prompt = load(PROMPT_NAME, prompt_version)
        self.prompt_hash = prompt_hash(self.prompt)
        self._structurer = Structurer(self.prompt, llm, max_candidates=settings.max_candidates)

    @property
    def model_id(self) -> str:
        """The model behind this pipeline, or 'none' for mined-only records."""
        return self.llm.model_id if self.llm else NO_MODEL

    def extract(self, article: Article) -> EventRecord:
        """One article → one span-grounded event record with its provenance."""
        started = time.perf_counter()
        candidates = mine(article)
        record, run = self._structurer.structure(article, candidates)
        record = ground_record(record, article)
        record.provenance = Provenance(
            model=self.model_id,
            prompt_name=self.prompt.name,
            prompt_version=self.prompt.version,
            prompt_hash=self.prompt_hash,
            created_at=datetime.now(UTC),
            seconds=round(time.perf_counter() - started, 3),
            prompt_tokens=sum(r.prompt_tokens for r in run.reports.values()),
            completion_tokens=sum(r.completion_tokens for r in run.reports.values()),
            llm_calls=run.llm_calls,
            facets=run.reports,
        )
        return record


@contextmanager
def open_pipeline(
    settings: Settings, *, use_llm: bool = True, prompt_version: str | None = None
) -> Iterator[Pipeline]:
    """A pipeline with its LLM opened (and the embedded server started) for the block."""
    if not use_llm:
        yield Pipeline(settings, None, prompt_version)
        return
    with open_llm(settings) as llm:
        yield Pipeline(settings, llm, prompt_version)
