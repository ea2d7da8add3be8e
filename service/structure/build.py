"""Building a record from an article's mined candidates and what the LLM said of them.

Pure functions, the same for every prompt version: the figure, the quoted words and the
sentence come from the miner; a label only says what they mean, and is taken only where
the text bears it out (a stated action, a source the article names, a speaker next to the
quotation).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from lexicon import load
from schemas.article import Article
from schemas.candidates import Candidates, QuantityCandidate, QuoteCandidate, SourceCandidate
from schemas.extraction import ClaimLabel, CoreDraft, QuantityLabel, QuoteLabel
from schemas.record import (
    Actor,
    ActorRole,
    Claim,
    EventRecord,
    EventType,
    Granularity,
    Place,
    Quantity,
    Quote,
    SubEvent,
    When,
)
from service.nlp.attribution import SAYING
from service.nlp.figures import GENERIC_NOUNS as COUNT_NOUNS
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

_HONORIFICS = re.compile(rf"^(?:(?:{alternation(TITLES_BEFORE_NAMES)})\.?\s+)+", re.I)


def canonical_name(name: str) -> str:
    """Drop leading honorifics: 'Mr Kim' → 'Kim', 'Comrade Kim Jong Un' → 'Kim Jong Un'."""
    stripped = _HONORIFICS.sub("", name.strip())
    return stripped or name.strip()


def clip(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- building the record from candidates and labels -----------------------------------------


def build_quantities(article: Article, cands: Candidates, labels: dict[str, Any]) -> list[Quantity]:
    """Every mined figure, described by its parsed frame and (where given) its label; a
    figure labelled as page furniture is left out. The ages of named people follow, each
    in place of a mined figure on its number."""
    sources = _sources_by_sentence(cands.sources)
    known_sources = [fold_text(c.source) for c in cands.sources]
    out: list[Quantity] = []
    ages = [(a.span.start, a.span.end) for a in cands.ages]
    for cand in cands.quantities:
        label: QuantityLabel | None = labels.get(cand.id)
        if label is not None and not label.relevant:
            continue
        if any(start < cand.span.end and cand.span.start < end for start, end in ages):
            continue  # the parse read this number as a named person's age
        out.append(
            Quantity(
                value=cand.value,
                low=cand.low,
                high=cand.high,
                unit=(_PLACE_SIZE_COUNTS if _sizes_place(cand) else cand.unit)[:60],
                counted=_counted(cand, label, article.text),
                hedge=cand.hedge,
                ordinal=cand.ordinal,
                as_of=cand.as_of,
                attributed_to=_described(
                    _figure_source(
                        cand.source,
                        sources.get(cand.sentence.start),
                        label.attributed_to if label else "",
                        known_sources,
                    ),
                    cand.span.start,
                    cands.sources,
                    article.text,
                ),
                phrase=cand.span.text[:300],
                entity=cand.entity or _stated(label.what if label else "", cand.sentence.text),
                happening=cand.happening
                or _stated(label.action if label else "", cand.sentence.text),
                qualifier=cand.qualifier,
                place_scope=cand.place_scope,
                time_scope=cand.time_scope,
                owner=cand.owner,
                slot_evidence=cand.slot_spans,
                evidence=[cand.span],
                candidate=cand.id,
            )
        )
    out.extend(_age(cand) for cand in cands.ages)
    return out


def _age(cand: QuantityCandidate) -> Quantity:
    """A named person's age, as the parse read it (`Candidates.ages`): no label needed."""
    return Quantity(
        value=cand.value,
        unit=cand.unit,
        counted=cand.counted_hint,
        phrase=cand.span.text[:300],
        entity=cand.entity,
        qualifier=cand.qualifier[:100],
        owner=cand.owner[:100],
        slot_evidence=cand.slot_spans,
        evidence=[cand.span],
        candidate=cand.id,
    )


def build_quotes(article: Article, cands: Candidates, labels: dict[str, Any]) -> list[Quote]:
    """Every mined quotation with its speaker (see `_speaker`)."""
    out: list[Quote] = []
    for cand in cands.quotes:
        label: QuoteLabel | None = labels.get(cand.id)
        out.append(
            Quote(
                speaker=_speaker(cand, label.speaker if label else "", article.text, cands.sources),
                text=cand.span.text[:2_000],
                via=((label.via if label and label.via else cand.via) or None),
                evidence=[cand.span],
                candidate=cand.id,
            )
        )
    return out


def build_claims(article: Article, cands: Candidates, labels: dict[str, Any]) -> list[Claim]:
    """Every attributed statement with its source: the labelled one when the article names
    it, else the mined cue's."""
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
                statement=clip((cand.statement or cand.sentence).text, 500),
                according_to=named
                if trusted
                else _referent(cand.span.start, cand.source, cands.sources, article.text)
                or cand.source,
                evidence=[cand.statement or cand.sentence],
                candidate=cand.id,
            )
        )
    return out


def build_record(
    article: Article,
    cands: Candidates,
    core: CoreDraft | None,
    quantities: list[Quantity],
    quotes: list[Quote],
    claims: list[Claim],
) -> EventRecord:
    return EventRecord(
        article_id=article.id,
        outlet=article.outlet,
        published_at=article.published_at.isoformat() if article.published_at else None,
        headline=_headline(article, core),
        event_type=core.event_type if core else EventType.OTHER,
        when=_when(article, cands, core),
        where=_place(core, article.text),
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


# -- helpers ---------------------------------------------------------------------------------


def unique_people(cands: Candidates) -> list[Any]:
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
    visit' is no death because 'his father died' follows. Where that action is a fate and
    the parse read another fate for the figure itself, the parse's wins: in 'four dead
    and 19 injured' the 19 were injured."""
    rel_start = cand.span.start - cand.sentence.start
    mined = action_near(cand.sentence.text, rel_start, rel_start + len(cand.span.text))
    said = label.action.strip() if label else ""
    bare = not (cand.counted_hint or cand.unit)
    start = cand.sentence.start - (ACTION_LOOKBACK_CHARS if bare else 0)
    window = text[max(0, start) : cand.sentence.end]
    if said and not stated_in(said, window):
        said = ""
    if is_fate(mined) and is_movement(said):
        said = ""
    action = said or mined
    if is_fate(cand.happening) and is_fate(action) and not stated_in(action, cand.happening):
        return cand.happening
    return action


_PLACE_SIZE_COUNTS: Final = "people"
"""The counted noun of a bare number sizing a named place: 'Kocani, a town of 25,000' is
25,000 people, as 'a town of 25,000 people' says."""


def _sizes_place(cand: QuantityCandidate) -> bool:
    """The parse read a bare number as the size of a named place ('Kocani, a town of
    25,000'): no noun or happening of its own, the place's noun and name."""
    return bool(
        not cand.entity
        and not cand.happening
        and not cand.unit
        and cand.qualifier
        and cand.place_scope
    )


def _counted(cand: QuantityCandidate, label: QuantityLabel | None, text: str) -> str:
    """What is counted, in words: the parsed frame when it names the thing ('North
    Korean soldiers killed in Paris') or a named place a bare number sizes ('town
    Kocani' of 'Kocani, a town of 25,000'); else the miner's noun (over the LLM's) and the
    action from `_action`."""
    if _sizes_place(cand) or (cand.entity and cand.entity.casefold() not in COUNT_NOUNS):
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


def _figure_source(
    parsed: str | None, cued: str | None, labelled: str, known_sources: Sequence[str]
) -> str | None:
    """Whose figure: the parse's source when it names someone. A bare description
    ('the local prefecture') gives way to the sentence's attribution cue when the cue
    names the same thing more fully ('the state Employment Security Department' for 'the
    department'), else to the LLM's answer when the article cites that source, else it
    stands: a cue of another clause ('..., while the CGT said') gave another figure.
    With no source from the parse, see `_attribution`; where the parse found the words
    giving the figure and they name no one (`parsed` is ''), the sentence's cue belongs to
    another clause ('Preliminary' of 'Preliminary estimates suggest' is no one) and only a
    grounded LLM answer may name a source."""
    if parsed == "":
        return _attribution(None, labelled, known_sources)
    if not parsed:
        return _attribution(cued, labelled, known_sources)
    words = parsed.split()
    if _names(parsed):
        return parsed
    if cued and words[-1].lower() in cued.lower().split():
        return cued
    return _attribution(None, labelled, known_sources) or parsed


_ARTICLES = frozenset({"the", "a", "an"})


SPEAKER_WINDOW_CHARS = 200
"""How far past a quotation its attribution cue may sit ('..." the mayor told reporters')."""

REFERRING_SPEAKERS = ("it", "they", "he", "she", "we")
"""Cue words that only point back to a speaker named earlier ('It said ...'; the miner
resolves 'he' and 'she' to the last person named, and leaves the rest as written)."""


def refers_back(speaker: str) -> bool:
    """True for a cue that names no one itself: 'the agency', 'It'."""
    folded = speaker.strip().casefold()
    return folded.startswith("the ") or folded in REFERRING_SPEAKERS


_DESCRIBED_BEFORE = re.compile(r"\b(?i:the|a|an)\s+((?:[a-z][\w'-]*\s+){1,3})$")
"""The description a name follows: 'the state airline [Aerolineas Argentinas]'."""
_DESCRIBED_AFTER = re.compile(r"^,\s+(?:the|a|an)\s+((?:[\w'-]+\s+){0,3}[a-z][\w'-]*)\s*[,.;]")
"""The description after a name: '[Anderson Economic Group], a consultancy,'."""


def _said_of(source: SourceCandidate, text: str) -> list[str]:
    """A source's words with the description the text gives it beside its name: 'the
    magazine Manager Magazin', 'Anderson Economic Group, a Michigan-based consultancy,'."""
    words = source.source.casefold().split()
    start, end = source.span.start, source.span.end
    for found in (
        _DESCRIBED_BEFORE.search(text[max(0, start - 60) : start]),
        _DESCRIBED_AFTER.match(text[end : end + 80]),
    ):
        if found:
            words += found.group(1).casefold().split()
    return words


def _points_to(described: Sequence[str], source: str, words: Sequence[str]) -> bool:
    """A description's words ('spy agency' of 'the spy agency') point to an earlier source
    whose `words` (its own and those the text describes it with) hold them all and that
    says more: a name ('KCNA'), or more words ('the health ministry' for 'the ministry').
    'The agency' says no more than 'the agency' does; 'the Korean Central News Agency' is
    no 'spy agency'."""
    if not all(word in words for word in described):
        return False
    return _names(source) or bool(set(source.casefold().split()) - set(described) - _ARTICLES)


def _names(source: str) -> bool:
    """A capitalised word past a leading article: 'the ministry' names no one, 'The
    agency' neither, 'Indonesia's disaster agency' does."""
    words = source.split()
    if words and words[0].casefold() in _ARTICLES:
        words = words[1:]
    return any(word[:1].isupper() for word in words)


def _described(
    source: str | None, start: int, sources: Sequence[SourceCandidate], text: str
) -> str | None:
    """A figure's source that is a bare description ('the agency') stands for the source
    the text last gave before the figure that holds its words and says more (`_referent`),
    however far back: a description picks up the last of its kind named."""
    if source is None or _names(source) or not refers_back(source):
        return source
    return _referent(start, source, sources, text, window=None) or source


def _referent(
    start: int,
    cue: str,
    sources: Sequence[SourceCandidate],
    text: str,
    window: int | None = SPEAKER_WINDOW_CHARS * 2,
) -> str | None:
    """The source a described cue ('the agency', 'the ministry') points back to: the last
    one the text gives before `start`, within `window` (default `SPEAKER_WINDOW_CHARS` * 2),
    that holds the cue's words and says more (`_points_to`: 'state news agency KCNA' for
    'the agency', not for 'the spy agency'), by its name ('KCNA') when
    the name follows that noun, else whole; None when there is none."""
    words = cue.casefold().split()
    if len(words) < 2 or words[0] != "the":
        return None
    found: SourceCandidate | None = None
    for source in sources:
        if (
            (window is None or start - window <= source.span.start)
            and source.span.start < start
            and _points_to(words[1:], source.source, _said_of(source, text))
            and (found is None or source.span.start > found.span.start)
        ):
            found = source
    if found is None:
        return None
    # 'state news agency KCNA' → 'KCNA': the name, without the description before it,
    # when the name follows the cue's noun. After any other word ('health ministry in the
    # Hamas-run Gaza Strip', 'ministry spokesperson Lin Jian') the capitalised words name
    # where the body is or someone else: the whole source is the referent.
    found_words = found.source.split()
    tail = len(found_words)
    while tail > 0 and found_words[tail - 1][:1].isupper():
        tail -= 1
    if 0 < tail < len(found_words) and found_words[tail - 1].casefold() != words[-1]:
        return found.source
    return " ".join(found_words[tail:]) or found.source


def _speaker(
    cand: QuoteCandidate, labelled: str, text: str, sources: Sequence[SourceCandidate] = ()
) -> str | None:
    """Whose words: the speaker the cue next to the quotation names; else the LLM's, only
    when its name stands in the quotation's own sentence or the cue right after it. A
    name from elsewhere in the article (the head of state a union leader talks about)
    leaves the speaker unknown."""
    name = labelled.strip()
    # An echo of a cue that names no one ('the agency' for 'the agency said', 'It') is no
    # answer: the cue's referent may still be found below.
    if name.casefold() in REFERRING_SPEAKERS or (
        cand.speaker and refers_back(cand.speaker) and fold_text(name) == fold_text(cand.speaker)
    ):
        name = ""
    if cand.speaker:
        # 'Ada Quill' inside the cue's 'Mayor Ada Quill': the model trimmed the title.
        inside = bool(name) and fold_text(name) in fold_text(cand.speaker)
        # 'the agency said', 'It said': the model may name the body the text named just
        # before.
        described = refers_back(cand.speaker)
        before = text[max(0, cand.span.start - SPEAKER_WINDOW_CHARS * 2) : cand.span.start]
        named = described and bool(name) and fold_text(name) in fold_text(before)
        if inside or named:
            return name
        return _referent(cand.span.start, cand.speaker, sources, text) or cand.speaker
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


def _place(core: CoreDraft | None, text: str) -> Place | None:
    """'Beijing, China' as the place → name 'Beijing', country 'China'. A country the
    article never names is a small model's guess ('Corvina, Italy' for a company in a
    made-up port): it is left out, so it can set no place against another outlet's."""
    if core is None or not core.place.strip():
        return None
    name, _, rest = core.place.partition(",")
    country = (core.country or rest).strip()
    if country and fold_text(country) not in fold_text(text):
        country = ""
    return Place(name=name.strip() or core.place, country=country or None)


def _headline(article: Article, core: CoreDraft | None) -> str:
    if core and core.headline:
        return core.headline
    if article.title:
        return clip(article.title, 300)
    return clip(_lead(article), 300) or "(no headline)"


def _lead(article: Article) -> str:
    sentences = [s.text for s in split_sentences(article.text) if len(s.text.split()) >= 6]
    return clip(" ".join(sentences[:2]), 1_200)


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
        if _dates_saying(article.text, first.span.start):
            # The day a source spoke ('officials said on Monday') dates the report: a day
            # before it that the text gives to something else is the event's ('the crush
            # on Saturday'); with none, what was said that day is the news.
            first = next(
                (
                    d
                    for d in days
                    if d.iso < first.iso and not _dates_saying(article.text, d.span.start)
                ),
                first,
            )
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


_EN: Final = load("en")
_SAYING_FORMS: Final = frozenset(_EN.words("sources.cue_verbs")) | frozenset(
    _EN.words("names.speech_verbs")
)
_AUDIENCES: Final = frozenset(_EN.words("sources.audiences"))
_DAY_LEADS: Final = frozenset({"on", "late", "early", "last", "this"})


def _dates_saying(text: str, start: int) -> bool:
    """The day phrase at `start` dates a statement: a verb of saying right before it
    ('said on Monday', 'told reporters late Tuesday'), so the report, not the event. The
    phrase holds its own lead word ('on Monday'); a lead it leaves out ('said late | on
    Saturday') is passed over."""
    words = [w.casefold() for w in re.findall(r"[A-Za-z]+", text[max(0, start - 60) : start])]
    while words and words[-1] in _DAY_LEADS:
        words.pop()
    if words and words[-1] in _AUDIENCES:
        words.pop()
    return bool(words) and words[-1] in _SAYING_FORMS


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
    for cand in unique_people(cands):
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


__all__ = [
    "build_claims",
    "build_quantities",
    "build_quotes",
    "build_record",
    "canonical_name",
    "clip",
    "refers_back",
    "unique_people",
]
