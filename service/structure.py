"""Structure step: article + mined candidates → an (ungrounded) `EventRecord`.

The LLM is asked one facet at a time — core (what/when/where/who), quantities,
quotes, claims — with the whole article text first and identical in every call, so a
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
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from prompts import Prompt
from schemas.article import Article
from schemas.candidates import (
    Candidate,
    Candidates,
    QuantityCandidate,
    QuoteCandidate,
    SourceCandidate,
)
from schemas.extraction import (
    ClaimLabel,
    CoreDraft,
    QuantityLabel,
    QuoteLabel,
    labels_model,
    schema_fingerprint,
)
from schemas.record import (
    Actor,
    ActorRole,
    Claim,
    EventRecord,
    EventType,
    FacetReport,
    Granularity,
    Place,
    Quantity,
    Quote,
    SubEvent,
    When,
)
from service.errors import LLMError, ReplayMissError
from service.nlp.figures import GENERIC_NOUNS as COUNT_NOUNS
from service.nlp.figures import SAYING
from service.text.fold import fold_text
from service.text.sentences import split_sentences
from service.text.words import (
    TITLES_BEFORE_NAMES,
    action_near,
    alternation,
    is_fate,
    is_movement,
    stated_in,
)

if TYPE_CHECKING:  # annotations only: importing service.llm loads the LLM client
    from service.llm import LLM, Message

_HONORIFICS = re.compile(rf"^(?:(?:{alternation(TITLES_BEFORE_NAMES)})\.?\s+)+", re.I)


def prompt_hash(prompt: Prompt) -> str:
    """sha256 over the prompt file and every response schema."""
    digest = hashlib.sha256()
    digest.update(prompt.sha256.encode())
    digest.update(schema_fingerprint().encode())
    return digest.hexdigest()


def canonical_name(name: str) -> str:
    """Drop leading honorifics: 'Mr Kim' → 'Kim', 'Comrade Kim Jong Un' → 'Kim Jong Un'."""
    stripped = _HONORIFICS.sub("", name.strip())
    return stripped or name.strip()


@dataclass
class FacetRun:
    """What the structure step did for each facet, for the provenance."""

    reports: dict[str, FacetReport] = field(default_factory=dict)
    llm_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    """Facets may run at once, each in its own thread."""


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


FACETS = ("core", "quantities", "quotes", "claims")
"""The facet calls of one article, in the order their reports are kept."""


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
            "; ".join(f"{p.name} ({p.title})" if p.title else p.name for p in _unique_people(cands))
            or "none found"
        )
        dates = "; ".join(f"{d.span.text} = {d.iso}" for d in cands.dates[:12]) or "none found"
        block = self.prompt.render("core", people=people, dates=dates)
        value: CoreDraft | None = self._ask(
            run, "core", self._messages(article, block), CoreDraft, max_tokens=700
        )
        return value

    def _quantities(self, run: FacetRun, article: Article, cands: Candidates) -> list[Quantity]:
        shown = cands.quantities[: self.max_candidates]
        lines = [f'{c.id} | "{c.span.text}" | in: "{_clip(c.sentence.text, 220)}"' for c in shown]
        labels = self._labels(run, article, "quantities", shown, lines, tokens_per_item=60)
        sources = _sources_by_sentence(cands.sources)
        known_sources = [fold_text(c.source) for c in cands.sources]
        out: list[Quantity] = []
        for cand in cands.quantities:
            label: QuantityLabel | None = labels.get(cand.id)
            if label is not None and not label.relevant:
                continue
            out.append(
                Quantity(
                    value=cand.value,
                    low=cand.low,
                    high=cand.high,
                    unit=cand.unit[:60],
                    counted=_counted(cand, label, article.text),
                    hedge=cand.hedge,
                    ordinal=cand.ordinal,
                    as_of=cand.as_of,
                    attributed_to=_named(cand.source)
                    or _attribution(
                        sources.get(cand.sentence.start),
                        label.attributed_to if label else "",
                        known_sources,
                    ),
                    phrase=cand.span.text[:300],
                    entity=cand.entity or _stated(label.what if label else "", cand.sentence.text),
                    happening=cand.happening
                    or _stated(label.action if label else "", cand.sentence.text),
                    qualifier=cand.qualifier,
                    place_scope=cand.place_scope,
                    time_scope=cand.time_scope,
                    slot_evidence=cand.slot_spans,
                    evidence=[cand.span],
                    candidate=cand.id,
                )
            )
        return out

    def _quotes(self, run: FacetRun, article: Article, cands: Candidates) -> list[Quote]:
        shown = cands.quotes[: self.max_candidates]
        lines = [f'{c.id} [{c.speaker or "?"}] "{_clip(c.span.text, 200)}"' for c in shown]
        labels = self._labels(run, article, "quotes", shown, lines, tokens_per_item=45)
        out: list[Quote] = []
        for cand in cands.quotes:
            label: QuoteLabel | None = labels.get(cand.id)
            out.append(
                Quote(
                    speaker=_speaker(cand, label.speaker if label else "", article.text),
                    text=cand.span.text[:2_000],
                    via=((label.via if label and label.via else cand.via) or None),
                    evidence=[cand.span],
                    candidate=cand.id,
                )
            )
        return out

    def _claims(self, run: FacetRun, article: Article, cands: Candidates) -> list[Claim]:
        shown = cands.sources[: self.max_candidates]
        lines = [f'{c.id} [source: {c.source}] "{_clip(c.sentence.text, 260)}"' for c in shown]
        labels = self._labels(run, article, "claims", shown, lines, tokens_per_item=40)
        folded_text = fold_text(article.text)
        out: list[Claim] = []
        for cand in cands.sources:
            label: ClaimLabel | None = labels.get(cand.id)
            named = label.according_to if label else ""
            # The LLM may name the agency behind a lawmaker's briefing, but only a source the
            # article itself names is taken; anything else falls back to the mined cue.
            trusted = bool(named) and fold_text(named) in folded_text
            out.append(
                Claim(
                    # The reported clause, not the whole sentence, when the parse shows it.
                    statement=_clip((cand.statement or cand.sentence).text, 500),
                    according_to=named if trusted else cand.source,
                    evidence=[cand.statement or cand.sentence],
                    candidate=cand.id,
                )
            )
        return out

    # -- assembly ---------------------------------------------------------------------------

    def structure(self, article: Article, cands: Candidates) -> tuple[EventRecord, FacetRun]:
        """Build the record for `article` from its candidates (and the LLM, if any)."""
        run = FacetRun()
        steps: tuple[Callable[[FacetRun, Article, Candidates], Any], ...] = (
            self._core,
            self._quantities,
            self._quotes,
            self._claims,
        )
        if self.parallel and self.llm is not None:
            with ThreadPoolExecutor(len(steps), thread_name_prefix="facet") as pool:
                futures = [pool.submit(step, run, article, cands) for step in steps]
                core, quantities, quotes, claims = (f.result() for f in futures)
        else:
            core, quantities, quotes, claims = (step(run, article, cands) for step in steps)
        # Reports in facet order, not in the order the calls finished.
        run.reports = {name: run.reports[name] for name in FACETS if name in run.reports}
        record = EventRecord(
            article_id=article.id,
            outlet=article.outlet,
            published_at=article.published_at.isoformat() if article.published_at else None,
            headline=_headline(article, core),
            event_type=core.event_type if core else EventType.OTHER,
            when=_when(article, cands, core),
            where=_place(core),
            summary=core.summary if core else _lead(article),
            actors=_actors(cands, core),
            quantities=quantities,
            quotes=quotes,
            claims=claims,
            sub_events=[
                SubEvent(when=s.date or None, what=s.what)
                for s in (core.sub_events if core else [])
                if s.what
            ],
        )
        return record, run


# -- helpers ---------------------------------------------------------------------------------


def _unique_people(cands: Candidates) -> list[Any]:
    seen: set[str] = set()
    out = []
    for person in cands.people:
        key = canonical_name(person.name).casefold()
        if key not in seen:
            seen.add(key)
            out.append(person)
    return out


ACTION_LOOKBACK_CHARS = 300
"""How far before its sentence the text may state the LLM's action for a bare figure
(one naming no counted noun), which refers back: 'the number of war dead was at least
600. ... it now estimates the figure at around 2,000'."""


def _action(cand: QuantityCandidate, label: QuantityLabel | None, text: str) -> str:
    """What happened to the counted things. The LLM's action wins over the nearest action
    word of the sentence when the text states it in the figure's sentence, or just before
    it for a bare figure ('mentioned', or 'deployed' for '101 soldiers' whose sentence
    never says so, is a small model's guess), except that a fate the sentence gives wins
    over a mere movement: '2,000 soldiers deployed to help Russia are estimated to have
    been killed' counts the killed. Any other action the LLM states stands: 'his fifth
    visit' is no death because 'his father died' follows."""
    rel_start = cand.span.start - cand.sentence.start
    mined = action_near(cand.sentence.text, rel_start, rel_start + len(cand.span.text))
    said = label.action.strip() if label else ""
    bare = not (cand.counted_hint or cand.unit)
    start = cand.sentence.start - (ACTION_LOOKBACK_CHARS if bare else 0)
    window = text[max(0, start) : cand.sentence.end]
    if said and not stated_in(said, window):
        said = ""
    if is_fate(mined) and is_movement(said):
        return mined
    return said or mined


def _counted(cand: QuantityCandidate, label: QuantityLabel | None, text: str) -> str:
    """What is counted, in words: the parsed frame when it names the thing ('North
    Korean soldiers killed in Paris'); else the miner's noun (over the LLM's) and the
    action from `_action`."""
    if cand.entity and cand.entity.casefold() not in COUNT_NOUNS:
        happening = cand.happening or _stated(label.action if label else "", cand.sentence.text)
        parts = (cand.qualifier, cand.entity, happening, cand.place_scope)
        return " ".join(" ".join(p.split()) for p in parts if p)[:200]
    llm_what = label.what if label and not any(c.isdigit() for c in label.what) else ""
    what = cand.counted_hint or cand.unit or llm_what  # a small model may echo the figure
    rel_start = cand.span.start - cand.sentence.start
    action = _action(cand, label, text)
    if cand.ordinal:  # '80th anniversary of the war's end' ≠ '70th anniversary of ties'
        tail = cand.sentence.text[rel_start + len(cand.span.text) :].split()
        if tail[:1] == ["of"]:
            what = " ".join([what, *tail[:6]]).rstrip(",.;")
    return " ".join(part for part in (what, action) if part)[:200]


def _named(source: str | None) -> str | None:
    """The parse's source when it names someone ('the Interior Ministry', 'Yonhap'), not a
    bare description ('the shipping line') the sentence's cue may name better."""
    if source and any(word[:1].isupper() for word in source.split()[1:] or source.split()):
        return source
    return None


SPEAKER_WINDOW_CHARS = 200
"""How far past a quotation its attribution cue may sit ('..." the mayor told reporters')."""


def _speaker(cand: QuoteCandidate, labelled: str, text: str) -> str | None:
    """Whose words: the speaker the cue next to the quotation names; else the LLM's, only
    when its name stands in the quotation's own sentence or the cue right after it. A
    name from elsewhere in the article (the head of state a union leader talks about)
    leaves the speaker unknown."""
    name = labelled.strip()
    if cand.speaker:
        # 'Ada Quill' inside the cue's 'Mayor Ada Quill': the model trimmed the title.
        inside = bool(name) and fold_text(name) in fold_text(cand.speaker)
        # 'the agency said': the model may name the agency the text named just before.
        described = cand.speaker.casefold().startswith("the ")
        before = text[max(0, cand.span.start - SPEAKER_WINDOW_CHARS * 2) : cand.span.start]
        named = described and bool(name) and fold_text(name) in fold_text(before)
        return name if inside or named else cand.speaker
    if not name:
        return None
    window = text[
        cand.sentence.start : max(cand.sentence.end, cand.span.end + SPEAKER_WINDOW_CHARS)
    ]
    parts = [p for p in name.split() if len(p) > 2 and p[:1].isupper()]
    found = fold_text(name) in fold_text(window) or (
        bool(parts) and fold_text(parts[-1]) in fold_text(window)
    )
    return name if found else None


def _stated(labelled: str, sentence: str) -> str:
    """The LLM's word for a slot the parse left open, when the figure's sentence says it
    and it is no verb of saying ('estimated' gives a figure; it is not what happened)."""
    words = labelled.strip()[:100]
    if not words or any(c.isdigit() for c in words):
        return ""
    first = words.split()[0].casefold()
    if {first, first.rstrip("s"), first.rstrip("d"), first.removesuffix("ed")} & SAYING:
        return ""
    return words if stated_in(words, sentence) else ""


def _attribution(mined: str | None, labelled: str, known_sources: Sequence[str]) -> str | None:
    """Whose figure: the source cued in the figure's own sentence; else the LLM's answer, but
    only if the article cites that source somewhere ('according to X', 'X said'). A small
    model otherwise names the sentence's subject, e.g. the leader the figure is about."""
    if mined:
        return mined
    folded = fold_text(labelled)
    if folded and any(folded in known or known in folded for known in known_sources):
        return labelled
    return None


def _sources_by_sentence(sources: Sequence[SourceCandidate]) -> dict[int, str]:
    out: dict[int, str] = {}
    for source in sources:
        out.setdefault(source.sentence.start, source.source)
    return out


def _granularity(iso: str) -> Granularity:
    return {10: "day", 7: "month", 4: "year"}.get(len(iso), "unknown")  # type: ignore[return-value]


def _place(core: CoreDraft | None) -> Place | None:
    """'Beijing, China' as the place → name 'Beijing', country 'China'."""
    if core is None or not core.place.strip():
        return None
    name, _, rest = core.place.partition(",")
    return Place(name=name.strip() or core.place, country=core.country or rest.strip() or None)


def _headline(article: Article, core: CoreDraft | None) -> str:
    if core and core.headline:
        return core.headline
    if article.title:
        return _clip(article.title, 300)
    return _clip(_lead(article), 300) or "(no headline)"


def _lead(article: Article) -> str:
    sentences = [s.text for s in split_sentences(article.text) if len(s.text.split()) >= 6]
    return _clip(" ".join(sentences[:2]), 1_200)


def _when(article: Article, cands: Candidates, core: CoreDraft | None) -> When | None:
    if core and core.date:
        when = When(date=core.date, granularity=_granularity(core.date), phrase=core.date_phrase)
        for cand in cands.dates:  # tie it to the mined phrase stating that date, if any
            if cand.iso == core.date:
                when.evidence = [cand.span]
                when.phrase = cand.span.text
                break
        return when
    days = [d for d in cands.dates if d.granularity == "day"]
    if days:
        first = days[0]
        return When(
            date=first.iso,
            granularity="day",
            phrase=first.span.text,
            evidence=[first.span],
            candidate=first.id,
        )
    if article.published_date:
        return When(
            date=article.published_date.isoformat(),
            granularity="day",
            phrase=None,
            reason="publication date; the text states no date",
        )
    return None


def _actors(cands: Candidates, core: CoreDraft | None) -> list[Actor]:
    actors: list[Actor] = []
    keys: list[str] = []

    def known(name: str) -> bool:
        key = canonical_name(name).casefold()
        return any(key == k or key in k.split() or k in key.split() for k in keys)

    for person in core.people if core else []:
        if not person.name or known(person.name):
            continue
        keys.append(canonical_name(person.name).casefold())
        actors.append(
            Actor(
                name=person.name,
                canonical_name=canonical_name(person.name),
                role=person.role,
                title=person.title or None,
            )
        )
    # Titled people the miner is sure of complete a small model's list.
    for cand in _unique_people(cands):
        if (core and not cand.title) or known(cand.name):
            continue
        keys.append(canonical_name(cand.name).casefold())
        actors.append(
            Actor(
                name=cand.name,
                canonical_name=canonical_name(cand.name),
                role=ActorRole.OTHER,
                title=cand.title,
                evidence=[cand.span],
                candidate=cand.id,
            )
        )
    return actors


__all__ = ["FACETS", "FacetRun", "Structurer", "canonical_name", "prompt_hash"]
