"""Structure step: article + mined candidates → an (ungrounded) `EventRecord`.

With prompt v1 the LLM is asked one facet at a time — core (what/when/where/who),
quantities, quotes, claims; with v2 (`compact`) the core and one call labelling only the
candidates the parse left open, in compact answers, claims keeping their mined source.
The whole article text comes first and identical in every call, so a
llama.cpp server reuses its prompt cache (the embedded server's context window is sized
for the longest accepted article: `service.llm.context_needed`). Label facets show
numbered candidates and demand exactly one label per candidate; the figure, the quoted
words and the sentence come from the miner, the LLM only says what they mean. A facet
whose call fails falls back to the mined candidates alone and says so in the provenance
(`fallback` with the error kind, which makes the record `degraded`): a weak or failing
model makes the record poorer, never wrong, and never passes it off as complete.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from prompts import Prompt
from schemas.article import Article
from schemas.candidates import Candidate, Candidates
from schemas.extraction import (
    CompactCore,
    CoreDraft,
    QuantityLabel,
    QuoteLabel,
    compact_labels_model,
    compact_schema_fingerprint,
    labels_model,
    schema_fingerprint,
)
from schemas.record import EventRecord, FacetReport
from service.errors import LLMError, ReplayMissError
from service.structure import compact
from service.structure.build import (
    build_claims,
    build_quantities,
    build_quotes,
    build_record,
    canonical_name,
    clip,
    unique_people,
)

if TYPE_CHECKING:  # annotations only: importing service.llm loads the LLM client
    from service.llm import LLM, Message

Answers = dict[str, Any]
"""A label call's answers by candidate id."""


def is_compact(prompt: Prompt) -> bool:
    """A prompt of v2's design: a core call and one `labels` call with compact answers."""
    return "labels" in prompt.parts


def prompt_hash(prompt: Prompt) -> str:
    """sha256 over the prompt file and every response schema of its design."""
    digest = hashlib.sha256()
    digest.update(prompt.sha256.encode())
    fingerprint = compact_schema_fingerprint() if is_compact(prompt) else schema_fingerprint()
    digest.update(fingerprint.encode())
    return digest.hexdigest()


@dataclass
class FacetRun:
    """What the structure step did for each facet, for the provenance."""

    reports: dict[str, FacetReport] = field(default_factory=dict)
    llm_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    """Facets may run at once, each in its own thread."""


FACETS = ("core", "quantities", "quotes", "claims")
"""The facet calls of one article, in the order their reports are kept."""

COMPACT_FACETS = ("core", "labels")
"""The calls of one article with a prompt of v2's design (`is_compact`)."""


class Structurer:
    """Fills records for one prompt version with one (optional) LLM.

    With `parallel`, an article's facet calls are made at once, each from its own thread
    (the LLM decides how many really run: see `service.limiter`); the record is the same
    whatever order they finish in.
    """

    def __init__(
        self, prompt: Prompt, llm: LLM | None, *, max_candidates: int, parallel: bool = False
    ) -> None:
        self.prompt = prompt
        self.llm = llm
        self.max_candidates = max_candidates
        self.parallel = parallel

    # -- messages ---------------------------------------------------------------------------

    def _messages(self, article: Article, facet_block: str) -> list[Message]:
        published = article.published_at.isoformat() if article.published_at else "unknown"
        body = self.prompt.render(
            "article",
            outlet=article.outlet or "unknown",
            published=published,
            title=article.title or "",
            text=article.text.strip(),  # the whole article: never truncated
        )
        return [
            {"role": "system", "content": self.prompt.parts["system"].strip()},
            {"role": "user", "content": body + facet_block},
        ]

    def _ask(
        self,
        run: FacetRun,
        facet: str,
        messages: list[Message],
        model: type[BaseModel],
        max_tokens: int,
    ) -> Any:
        """One facet call; returns the value or None (and records why) on failure."""
        assert self.llm is not None
        started = time.perf_counter()
        with run.lock:
            run.llm_calls += 1
        try:
            done = self.llm.complete(messages, model, max_tokens=max_tokens)
        except ReplayMissError:
            raise  # a stale cassette must fail loudly, never degrade silently
        except LLMError as exc:
            run.reports[facet] = FacetReport(
                state="fallback",
                error=type(exc).__name__,
                detail=f"{str(exc)[:300]}; mined candidates used",
                attempts=exc.attempt or 0,
                seconds=time.perf_counter() - started,
            )
            return None
        run.reports[facet] = FacetReport(
            state="llm",
            attempts=done.attempts,
            seconds=done.seconds,
            prompt_tokens=done.usage.prompt_tokens,
            completion_tokens=done.usage.completion_tokens,
        )
        return done.value

    def _labels(
        self,
        run: FacetRun,
        article: Article,
        facet: str,
        shown: Sequence[Candidate],
        lines: list[str],
        tokens_per_item: int,
    ) -> dict[str, Any]:
        """Ask for one label per shown candidate; map the answers back by id, else position."""
        if self.llm is None or not shown:
            run.reports[facet] = FacetReport(
                state="skipped", detail="no LLM" if shown else "no candidates"
            )
            return {}
        block = self.prompt.render(facet, items="\n".join(lines))
        value = self._ask(
            run,
            facet,
            self._messages(article, block),
            labels_model(facet, len(shown)),
            max_tokens=tokens_per_item * len(shown) + 60,
        )
        if value is None:
            return {}
        ids = [c.id for c in shown]
        out: dict[str, Any] = {}
        for position, label in enumerate(value.items):
            key = label.id.strip().upper()
            if key not in ids or key in out:
                key = ids[position]
            out[key] = label
        return out

    # -- facets -----------------------------------------------------------------------------

    def _core(self, run: FacetRun, article: Article, cands: Candidates) -> CoreDraft | None:
        if self.llm is None:
            run.reports["core"] = FacetReport(state="skipped", detail="no LLM")
            return None
        people = (
            "; ".join(f"{p.name} ({p.title})" if p.title else p.name for p in unique_people(cands))
            or "none found"
        )
        dates = "; ".join(f"{d.span.text} = {d.iso}" for d in cands.dates[:12]) or "none found"
        block = self.prompt.render("core", people=people, dates=dates)
        if is_compact(self.prompt):
            answer: CompactCore | None = self._ask(
                run, "core", self._messages(article, block), CompactCore, max_tokens=450
            )
            return compact.core_draft(answer) if answer is not None else None
        value: CoreDraft | None = self._ask(
            run, "core", self._messages(article, block), CoreDraft, max_tokens=700
        )
        return value

    def _compact_labels(self, run: FacetRun, article: Article, cands: Candidates) -> Labels:
        """v2: one call labelling the figures and quotations the parse left open."""
        pronouns = compact.own_lines(self.prompt)
        figures = [c for c in cands.quantities if compact.figure_open(c)][: self.max_candidates]
        quotes = [c for c in cands.quotes if compact.quote_open(c, pronouns=pronouns)][
            : self.max_candidates
        ]
        if self.llm is None or not (figures or quotes):
            run.reports["labels"] = FacetReport(
                state="skipped", detail="no LLM" if self.llm is None else "no open candidates"
            )
            return Labels()
        sections = [self.prompt.parts["labels"].rstrip("\n")]
        if figures:
            lines = "\n".join(compact.render_figure(self.prompt, c) for c in figures)
            sections.append(self.prompt.render("figures", items=lines).rstrip("\n"))
        if quotes:
            lines = "\n".join(compact.render_quote(self.prompt, c, article.text) for c in quotes)
            sections.append(self.prompt.render("quotes", items=lines).rstrip("\n"))
        value = self._ask(
            run,
            "labels",
            self._messages(article, "\n".join(sections) + "\n"),
            compact_labels_model(len(figures), len(quotes)),
            max_tokens=24 * len(figures) + 32 * len(quotes) + 40,
        )
        if value is None:
            return Labels()
        return Labels(
            quantities=compact.figure_labels(figures, getattr(value, "figures", [])),
            quotes=compact.speaker_labels(quotes, getattr(value, "quotes", [])),
        )

    def _quantity_labels(self, run: FacetRun, article: Article, cands: Candidates) -> Answers:
        shown = cands.quantities[: self.max_candidates]
        lines = [f'{c.id} | "{c.span.text}" | in: "{clip(c.sentence.text, 220)}"' for c in shown]
        return self._labels(run, article, "quantities", shown, lines, tokens_per_item=60)

    def _quote_labels(self, run: FacetRun, article: Article, cands: Candidates) -> Answers:
        shown = cands.quotes[: self.max_candidates]
        lines = [f'{c.id} [{c.speaker or "?"}] "{clip(c.span.text, 200)}"' for c in shown]
        return self._labels(run, article, "quotes", shown, lines, tokens_per_item=45)

    def _claim_labels(self, run: FacetRun, article: Article, cands: Candidates) -> Answers:
        shown = cands.sources[: self.max_candidates]
        lines = [f'{c.id} [source: {c.source}] "{clip(c.sentence.text, 260)}"' for c in shown]
        return self._labels(run, article, "claims", shown, lines, tokens_per_item=40)

    # -- assembly ---------------------------------------------------------------------------

    def structure(
        self,
        article: Article,
        cands: Candidates,
        *,
        parsed: Callable[[], Candidates] | None = None,
    ) -> tuple[EventRecord, FacetRun]:
        """Build the record for `article` from its candidates (and the LLM, if any).

        `cands` are what the calls show; the record is built from `parsed()`, the same
        candidates with what the dependency parse adds (figure frames, reported
        statements), or from `cands` themselves when there is no `parsed`. v1's calls show
        nothing the parse adds, so they go out first and the parse is waited for while they
        are out; v2's label call asks only about figures the parse left open, so it waits.
        """
        complete = parsed if parsed is not None else lambda: cands
        if is_compact(self.prompt):
            return self._structure_compact(article, cands, complete)
        run = FacetRun()
        asks: tuple[Callable[[FacetRun, Article, Candidates], Any], ...] = (
            self._core,
            self._quantity_labels,
            self._quote_labels,
            self._claim_labels,
        )
        if self.parallel and self.llm is not None:
            with ThreadPoolExecutor(len(asks), thread_name_prefix="facet") as pool:
                futures = [pool.submit(ask, run, article, cands) for ask in asks]
                full = complete()
                core, quantities, quotes, claims = (f.result() for f in futures)
        else:
            core, quantities, quotes, claims = (ask(run, article, cands) for ask in asks)
            full = complete()
        # Reports in facet order, not in the order the calls finished.
        run.reports = {name: run.reports[name] for name in FACETS if name in run.reports}
        record = build_record(
            article,
            full,
            core,
            build_quantities(article, full, quantities),
            build_quotes(article, full, quotes),
            build_claims(article, full, claims),
        )
        return record, run

    def _structure_compact(
        self, article: Article, cands: Candidates, complete: Callable[[], Candidates]
    ) -> tuple[EventRecord, FacetRun]:
        run = FacetRun()
        if self.parallel and self.llm is not None:
            with ThreadPoolExecutor(1, thread_name_prefix="facet") as pool:
                core_call = pool.submit(self._core, run, article, cands)
                full = complete()
                labels = self._compact_labels(run, article, full)
                core = core_call.result()
        else:
            core = self._core(run, article, cands)
            full = complete()
            labels = self._compact_labels(run, article, full)
        run.reports = {n: run.reports[n] for n in COMPACT_FACETS if n in run.reports}
        record = build_record(
            article,
            full,
            core,
            build_quantities(article, full, labels.quantities),
            build_quotes(article, full, labels.quotes),
            build_claims(article, full, {}),  # the mined cue names the source
        )
        return record, run


@dataclass
class Labels:
    """What v2's label call said, as v1's label objects keyed by candidate id."""

    quantities: dict[str, QuantityLabel] = field(default_factory=dict)
    quotes: dict[str, QuoteLabel] = field(default_factory=dict)


__all__ = [
    "COMPACT_FACETS",
    "FACETS",
    "FacetRun",
    "Structurer",
    "canonical_name",
    "is_compact",
    "prompt_hash",
]
