"""Narrate step: consensus facts → a few sentences, each citing the outlets it rests on.

The LLM sees only the selected facts (never the articles) and must cite, per sentence,
the fact ids and the outlets it relies on. Each sentence is checked: every fact id must
exist, every cited outlet must be listed by one of those facts, and every figure in the
sentence, in digits or spelled out ('five'), must be one those facts give or a part of
the event's date (shown to the model with the facts); a sentence citing a disagreement
or a revision must state two of its values, not one side as if settled. A sentence that
fails is dropped;
the model's sentences that pass are kept (`written_by="llm"`), and each confident
disagreement or revision that no kept sentence tells gets its template sentence, so the
narrative always gives what an editor reads first. The sentences follow the order of
the selected facts (`select_facts`: confident findings first). If the LLM is missing or
fails, or most of its sentences fail, a deterministic template narrative is written
instead and marked `template`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from prompts import Prompt
from schemas.consensus import CONFIDENT, Consensus, Fact, FactValue, NarrativeSentence
from schemas.extraction import NarrativeDraft
from service.errors import LLMError, ReplayMissError
from service.text.numbers import spelled_figures

if TYPE_CHECKING:  # annotations only: importing service.llm loads the LLM client
    from service.llm import LLM, Usage

MAX_FACTS = 8
"""Facts shown to the narrator: the ones an editor most needs, in status order."""

MAX_SENTENCES = 6

_STATUS_ORDER = {"conflicting": 0, "revised": 1, "compatible": 2, "agreed": 3, "single_source": 4}
_KIND_ORDER = {"quantity": 0, "date": 1, "place": 2, "claim": 3, "quote": 4, "actor": 5}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def narrate_hash(prompt: Prompt) -> str:
    """sha256 over the narrate prompt file and its response schema."""
    schema = json.dumps(NarrativeDraft.model_json_schema(), sort_keys=True)
    return hashlib.sha256((prompt.sha256 + schema).encode()).hexdigest()


def select_facts(consensus: Consensus, limit: int = MAX_FACTS) -> list[Fact]:
    """The facts worth telling first: disagreements and revisions, then broad agreement.

    Actors and single-outlet facts come last; ties break on outlet count, then id, so the
    choice is deterministic.
    """
    ranked = sorted(
        consensus.facts,
        key=lambda f: (
            not confident(f),  # the confident findings lead; what to check comes after
            _STATUS_ORDER[f.status],
            _KIND_ORDER.get(f.kind, 9),
            -len(f.outlets),
            f.id,
        ),
    )
    return ranked[:limit]


def confident(fact: Fact) -> bool:
    """One outlet's fact, or an alignment the merge is sure of (`CONFIDENT`)."""
    return fact.confidence is None or fact.confidence >= CONFIDENT


def _value_text(value: FactValue) -> str:
    when = f" (as of {value.as_of})" if value.as_of else ""
    return f"{value.text}{when}"


def _outlets(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _subject(fact: Fact) -> str:
    return fact.statement.split(":", 1)[0].strip() or fact.key


def _given(value: FactValue) -> str:
    """'14,000 according to police (Northgate Daily)': a value, whose word it is when the
    outlets say, and the outlets giving it."""
    who = value.attributed_to or ""
    if who[:4] == "The ":  # 'The Interior Ministry' as written at a sentence's start
        who = "the " + who[4:]
    source = f" according to {who}" if who else ""
    return f"{_value_text(value)}{source} ({_outlets(value.outlets)})"


def template_sentence(fact: Fact, facts: Mapping[str, Fact] | None = None) -> NarrativeSentence:
    """One deterministic sentence for a fact, citing exactly the fact's outlets. A
    disagreement between named sources (police against organisers) says so. `facts`: the
    consensus's facts by id, where a revision's current values are read (they stand
    together as its last step: '5,200 → 11,300 / 3,252' when two sources now dispute it,
    never '11,300 → 3,252')."""
    subject = _subject(fact)
    values = fact.values
    if fact.status == "conflicting":
        sources = {v.attributed_to for v in values if v.attributed_to}
        who = "Sources" if len(sources) > 1 else "Outlets"
        text = f"{who} disagree on {subject}: " + "; ".join(_given(v) for v in values) + "."
    elif fact.status == "revised":
        standing = _standing(fact, facts or {})
        steps = [_given(v) for v in values if (v.text, tuple(v.outlets)) not in standing]
        now = [_given(v) for v in values if (v.text, tuple(v.outlets)) in standing]
        text = (
            f"The figure for {subject} was revised: "
            + " → ".join([*steps, " / ".join(now)] if now else steps)
            + "."
        )
    elif fact.status == "compatible":
        text = f"Figures for {subject} are compatible: " + ", ".join(map(_given, values)) + "."
    elif fact.status == "agreed":
        value = f": {_value_text(values[0])}" if values and fact.kind != "quote" else ""
        text = f"{_outlets(fact.outlets)} agree on {subject}{value}."
    else:
        value = f": {_value_text(values[0])}" if values else ""
        text = f"Only {_outlets(fact.outlets)} reports {subject}{value}."
    return NarrativeSentence(
        text=text, cited_outlets=list(fact.outlets), fact_ids=[fact.id], written_by="template"
    )


def _standing(revision: Fact, facts: Mapping[str, Fact]) -> set[tuple[str, tuple[str, ...]]]:
    """A revision's values that still stand (text and outlets): those its current fact
    (`related_fact_ids`) holds."""
    return {
        (v.text, tuple(v.outlets))
        for related in revision.related_fact_ids
        if related in facts and facts[related].status != "revised"
        for v in facts[related].values
    }


def template_narrative(
    facts: Sequence[Fact], every: Sequence[Fact] = ()
) -> list[NarrativeSentence]:
    """The fallback narrative: one template sentence per selected fact (`every`: all the
    consensus's facts, for a revision's current values)."""
    by_id = {f.id: f for f in every}
    return [template_sentence(f, by_id) for f in facts[:MAX_SENTENCES]]


def _fact_lines(facts: Sequence[Fact]) -> tuple[str, dict[str, Fact]]:
    by_label: dict[str, Fact] = {}
    lines = []
    for i, fact in enumerate(facts, start=1):
        label = f"F{i}"
        by_label[label] = fact
        values = "; ".join(f"{_value_text(v)} [{', '.join(v.outlets)}]" for v in fact.values)
        lines.append(
            f"{label} ({fact.status}, {fact.kind}) {_subject(fact)}: {values} "
            f"| outlets: {', '.join(fact.outlets)}"
        )
    return "\n".join(lines), by_label


def _numbers(text: str) -> set[str]:
    """The numbers a text states, in digits or spelled out ('five' → '5')."""
    return {_plain_number(n) for n in _NUMBER.findall(text)} | set(spelled_figures(text))


def _plain_number(raw: str) -> str:
    """'9,000' → '9000', '2.40' → '2.4', '03' → '3': one spelling per number."""
    text = raw.replace(",", "").rstrip(".")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.lstrip("0") or "0"


def _figure(number: float) -> str:
    return _plain_number(f"{number:.6f}")


def date_numbers(day: str | None) -> set[str]:
    """The year, month and day of an ISO date ('2025-09-02' → 2025, 9, 2): a sentence may
    write any of them ('2 September 2025')."""
    return _numbers(day.replace("-", " ")) if day else set()


def _value_numbers(value: FactValue) -> set[str]:
    """The numbers one value holds: as written, and its figures (value, bounds)."""
    found = _numbers(value.text.replace("-", " "))
    return found | {_figure(n) for n in (value.value, value.low, value.high) if n is not None}


def fact_numbers(fact: Fact) -> set[str]:
    """Every number a fact holds: in its statement and values as written, its figures
    (value, bounds), and the year, month and day of its dates ('2025-04' gives 2025, 4;
    a sentence may write 'April 2025'). A narrative may state any of them."""
    found = _numbers(fact.statement.replace("-", " "))
    for value in fact.values:
        found |= _value_numbers(value) | date_numbers(value.as_of)
    return found


def check_sentence(
    text: str,
    fact_labels: Sequence[str],
    outlets: Sequence[str],
    by_label: dict[str, Fact],
    event_day: str | None = None,
) -> tuple[NarrativeSentence | None, str | None]:
    """Validate one LLM sentence against the facts; returns it with real fact ids, or why not.
    `event_day`: the event's date as the model was shown it, whose parts it may state."""
    facts = [by_label.get(label.strip().upper()) for label in fact_labels]
    if not facts or any(f is None for f in facts):
        return None, f"unknown fact id in {list(fact_labels)}"
    known = [f for f in facts if f is not None]
    allowed = {o for f in known for o in f.outlets}
    cited = sorted({o.strip() for o in outlets if o.strip()})
    if not cited or any(o not in allowed for o in cited):
        return None, f"cites {cited}, but the facts are reported by {sorted(allowed)}"
    allowed_numbers = set().union(*(fact_numbers(f) for f in known)) | date_numbers(event_day)
    stray = _numbers(text) - allowed_numbers
    if stray:
        return None, f"states figures the facts do not give: {sorted(stray)}"
    ids = [f.id for f in known]
    return NarrativeSentence(text=text, cited_outlets=cited, fact_ids=ids, written_by="llm"), None


@dataclass
class NarrationResult:
    """The narrative, how it was written, and what the LLM call cost."""

    sentences: list[NarrativeSentence]
    mode: str
    detail: str | None = None
    usage: Usage | None = None
    """Tokens of the LLM call, when one answered."""
    llm_calls: int = 0
    error: str | None = None
    """The error kind (an error-tree class name) when the LLM call failed: a fallback that
    makes the consensus degraded. A narrative that failed the checks is no error."""

    @property
    def answered(self) -> bool:
        """The LLM gave an answer (kept, or refused by the check): the same facts, prompt and
        model give the same answer, so it may be cached. A failed call may not."""
        return self.error is None and self.usage is not None

    def to_json(self) -> str:
        """What a cache keeps: the sentences, the mode and why (not what it cost)."""
        return json.dumps(
            {
                "sentences": [s.model_dump(mode="json") for s in self.sentences],
                "mode": self.mode,
                "detail": self.detail,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, raw: str) -> NarrationResult:
        """A cached narrative (no LLM call made for it)."""
        data = json.loads(raw)
        sentences = [NarrativeSentence.model_validate(s) for s in data["sentences"]]
        return cls(sentences, str(data["mode"]), data.get("detail"))


def _messages(consensus: Consensus, listing: str, prompt: Prompt) -> list[dict[str, str]]:
    event = consensus.event
    return [
        {"role": "system", "content": prompt.parts["system"].strip()},
        {
            "role": "user",
            "content": prompt.render(
                "user",
                event=f"{event.headline} ({event.when or 'date unknown'}, "
                f"{event.where or 'place unknown'})",
                facts=listing,
                max_sentences=MAX_SENTENCES,
            ),
        },
    ]


def narration_key(consensus: Consensus, prompt: Prompt, model_id: str, code_hash: str) -> str:
    """What a narrative depends on, hashed: the exact messages the narrator is shown, the
    facts it may cite (ids, values, outlets), the prompt and its response schema, the model
    and `code_hash` (the code that checks and shapes the narrative). A change of any of
    them (a re-merged consensus, a new prompt version, another model) misses the cache."""
    facts = select_facts(consensus)
    listing, _ = _fact_lines(facts)
    payload = {
        "messages": _messages(consensus, listing, prompt),
        "facts": [f.model_dump(mode="json") for f in facts],
        "prompt": narrate_hash(prompt),
        "model": model_id,
        "code": code_hash,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def narrate(consensus: Consensus, llm: LLM | None, prompt: Prompt) -> NarrationResult:
    """The narrative for `consensus`: the LLM's when it passes the checks, else a template."""
    facts = select_facts(consensus)
    if not facts:
        return NarrationResult([], "none", "no facts to narrate")
    if llm is None:
        return NarrationResult(template_narrative(facts, consensus.facts), "template", "no LLM")
    listing, by_label = _fact_lines(facts)
    messages = _messages(consensus, listing, prompt)
    try:
        done = llm.complete(messages, NarrativeDraft, max_tokens=700)
    except ReplayMissError:
        raise
    except LLMError as exc:
        return NarrationResult(
            template_narrative(facts, consensus.facts),
            "template",
            f"LLM failed: {str(exc)[:200]}",
            llm_calls=1,
            error=type(exc).__name__,
        )
    kept: list[NarrativeSentence] = []
    dropped: list[str] = []
    drafts = done.value.sentences[:MAX_SENTENCES]
    for draft in drafts:
        checked, why = check_sentence(
            draft.text, draft.fact_ids, draft.cited_outlets, by_label, consensus.event.when
        )
        if checked is not None:
            why = _shape_problem(draft.text, [k.text for k in kept]) or _one_sided(
                checked, by_label
            )
        if checked is None or why:
            dropped.append(f"{draft.text[:80]!r}: {why}")
        else:
            kept.append(checked)
    if len(kept) * 2 < len(drafts) or not kept:
        # A narrative most of whose sentences fail is not trusted for the rest either.
        return NarrationResult(
            template_narrative(facts, consensus.facts),
            "template",
            f"LLM narrative failed its checks ({len(kept)} of {len(drafts)} sentences "
            f"passed; {'; '.join(dropped)[:1000]})",
            usage=done.usage,
            llm_calls=1,
        )
    sentences, leads = _with_leads(kept, facts, consensus.facts)
    shown = len(sentences) - len(leads)
    if not shown:  # the confident findings the model left out fill the narrative
        return NarrationResult(
            leads,
            "template",
            f"the {len(leads)} confident findings the model left out fill the narrative",
            usage=done.usage,
            llm_calls=1,
        )
    detail = None
    if shown < len(drafts) or leads:
        notes = [f"{shown} of {len(drafts)} model sentences shown"]
        if dropped:
            notes.append(f"dropped {'; '.join(dropped)}")
        if leads:
            notes.append(f"{len(leads)} template sentences for confident findings it left out")
        detail = "; ".join(notes)[:1000]
    return NarrationResult(sentences, "llm", detail, usage=done.usage, llm_calls=1)


_SENTENCE_START: Final = re.compile(r"^[\"'\u201c\u2018(]?[A-Z0-9]")
_SENTENCE_END: Final = re.compile(r"[.!?][\"'\u201d\u2019)]?$")


def _shape_problem(text: str, earlier: Sequence[str]) -> str | None:
    """Why a checked sentence is still no sentence to show: a fragment (it does not start
    like a sentence or does not end like one), or the words of an earlier sentence again."""
    stripped = text.strip()
    if not _SENTENCE_START.match(stripped) or not _SENTENCE_END.search(stripped):
        return "not a whole sentence"
    words = _words_of(stripped)
    if any(_words_of(e) == words for e in earlier):
        return "repeats an earlier sentence"
    return None


def _words_of(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.lower()))


def _one_sided(sentence: NarrativeSentence, by_label: dict[str, Fact]) -> str | None:
    """Why a checked sentence misleads: it cites a disagreement or a revision and states
    one side of it as if it were settled ('At least 600 soldiers were killed' for a toll
    revised to 2,000)."""
    for fact in by_label.values():
        disputed = fact.status in ("conflicting", "revised")
        if disputed and fact.id in sentence.fact_ids and not _tells(sentence, fact):
            return f"states one side of the {fact.status} fact {_subject(fact)!r}"
    return None


def _tells(sentence: NarrativeSentence, fact: Fact) -> bool:
    """The sentence tells the fact: it cites it and, for figures or dates that disagree or
    were revised, states at least two of the values (by the numbers that tell them apart:
    citing a conflict while giving one side's figure or day does not tell it)."""
    if fact.id not in sentence.fact_ids:
        return False
    if fact.kind not in ("quantity", "date") or len(fact.values) < 2:
        return True
    owns = [_value_numbers(value) for value in fact.values]
    common = set.intersection(*owns)
    stated = _numbers(sentence.text)
    shown = {frozenset((own - common) & stated) for own in owns} - {frozenset()}
    return len(shown) >= 2


def _with_leads(
    kept: Sequence[NarrativeSentence], facts: Sequence[Fact], every: Sequence[Fact] = ()
) -> tuple[list[NarrativeSentence], list[NarrativeSentence]]:
    """The template sentence of each confident disagreement or revision that none of the
    model's checked sentences tells, and as many of the model's sentences as leave room
    (`MAX_SENTENCES`), all in the order of `facts` (a sentence at its first fact's place,
    the model's own order kept among equals). Returns (sentences, the template ones)."""
    by_id = {f.id: f for f in every}
    leads = [
        template_sentence(f, by_id)
        for f in facts
        if f.status in ("conflicting", "revised")
        and confident(f)
        and not any(_tells(sentence, f) for sentence in kept)
    ]
    rank = {f.id: i for i, f in enumerate(facts)}

    def place(sentence: NarrativeSentence) -> int:
        return min(rank.get(fid, len(rank)) for fid in sentence.fact_ids)

    room = max(0, MAX_SENTENCES - len(leads))
    return sorted([*leads, *sorted(kept, key=place)[:room]], key=place), leads
