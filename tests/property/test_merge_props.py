"""Laws of the merge, over records grounded in real sentences.

Each drawn story is an article written from sentence templates (figures with hedges,
scope and older-value words, tallies and sources; measures and ordinals; names with
titles; quotes; claims; dated sub-events) together with the record an extractor would
make of it, every item's evidence pointing at its words in the text. The merge therefore
reads real clauses around the figures, and every law below also fails for a merge that
returns an empty consensus: the outlets must be the input articles, and every input item
must show up in a fact of its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from random import Random
from typing import TypedDict

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.article import Article
from schemas.consensus import Consensus, FactValue
from schemas.record import (
    Actor,
    Claim,
    EventRecord,
    EventType,
    Hedge,
    Place,
    Provenance,
    Quantity,
    Quote,
    Span,
    SubEvent,
    When,
)
from service.merge import merge_records

OUTLETS = ["Al Jazeera", "The Guardian", "the guardian", "Yonhap", "BBC", None]
PEOPLE = [
    ("Kim Jong Un", "Kim Jong Un"),
    ("Kim", "Kim Jong Un"),
    ("Kim Yo Jong", "Kim Yo Jong"),
    ("Choe Son-hui", "Choe Son Hui"),
    ("Xi Jinping", "Xi Jinping"),
    ("Xi", "Xi Jinping"),
    ("Lee Seong-kweun", "Lee Seong Kweun"),
]
TITLES = ["", "Mr ", "Comrade ", "North Korean leader ", "Foreign Minister ", "President "]
PLACES = [("Beijing", "China"), ("Tiananmen Square", "China"), ("Pyongyang", None)]
DAYS = [
    ("on 3 September", "2025-09-03"),
    ("on Tuesday", "2025-09-02"),
    ("in September", "2025-09"),
    ("this year", "2025"),
    ("at some point", "not a date"),
]
HEDGES: dict[Hedge, str] = {
    "exact": "",
    "about": "about ",
    "at_least": "at least ",
    "more_than": "more than ",
    "up_to": "up to ",
    "less_than": "fewer than ",
}
LEADS = [
    "",
    "Another ",
    "A further ",
    "Its initial count was ",
    "Officials said ",
    "The agency puts the toll at ",
    "North Korea intends to send ",
]
NOUNS = ["North Korean soldiers", "soldiers", "troops", "people", ""]
HAPPENINGS = [
    (" have been killed", "killed"),
    (" were sent to Russia", "sent to Russia"),
    (" died", "died"),
    (" were wounded", "wounded"),
    (" are already there", ""),
    ("", ""),
]
FIGURES = [26.0, 80.0, 600.0, 2_000.0, 2_200.0, 10_000.0, 15_000.0]
AS_OF = [None, None, "2024", "2025-04", "2025-09-03"]
SOURCES = ["the spy agency", "Yonhap", "KCNA", "Ukraine's HUR"]
MEASURES = [
    # (sentence before, unit as written, unit given, counted, sentence after, ordinal)
    ("The convoy stretched ", " km", "km", "convoy", ".", False),
    ("The train covered ", " miles", "miles", "train journey", ".", False),
    ("Turnout was ", "%", "%", "turnout", ".", False),
    ("It was Kim's ", "th visit", "", "visit to China", " to China.", True),
]
QUOTES = [
    "For once the leader stands beside a whole row of heads of state at one event",
    "for once the leader stands beside a whole row of heads of state",
    "a common security story that lines him up with two big neighbours",
    "We will never forget",
]
SPEAKERS = [None, "Jenny Town", "Ms Town", "Xi Jinping", "Kim"]
CLAIMS = [
    "North Korea sent troops to Russia",
    "North Korea has sent thousands of troops to Russia",
    "Kim will meet Xi on Thursday",
    "Kim arrived by train",
]
SUB_EVENTS = [
    "Kim and Putin signed a defence treaty",
    "Kim and Putin signed a mutual defence treaty",
    "Engineers hope to finish the bridge",
]
SUB_EVENT_DAYS = [
    ("in June 2024", "2024-06"),
    ("on 19 June 2024", "2024-06-19"),
    ("in 2023", "2023"),
]


@dataclass
class _Story:
    """An article being written, and the items an extractor found in it so far."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    actors: list[Actor] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    sub_events: list[SubEvent] = field(default_factory=list)
    when: When | None = None
    where: Place | None = None

    def write(self, text: str) -> Span:
        """Append `text`; its span in the article."""
        span = Span(start=self.length, end=self.length + len(text), text=text)
        self.parts.append(text)
        self.length += len(text)
        return span

    def text(self) -> str:
        return "".join(self.parts)


def _located(draw: st.DrawFn, span: Span) -> list[Span]:
    """Mostly `span`; sometimes the extractor could not locate the item (no evidence)."""
    return [span] if draw(st.sampled_from([True, True, True, False])) else []


class _Grounding(TypedDict):
    evidence: list[Span]
    grounded: bool


def _grounded(evidence: list[Span]) -> _Grounding:
    return {"evidence": evidence, "grounded": bool(evidence)}


def _number(value: float) -> str:
    return f"{int(value):,}" if value.is_integer() else str(value)


def _write_figure(draw: st.DrawFn, story: _Story) -> None:
    """'Another about 2,000 North Korean soldiers have been killed, KCNA said.'"""
    lead = draw(st.sampled_from(LEADS))
    noun = draw(st.sampled_from(NOUNS))
    after, happened = draw(st.sampled_from(HAPPENINGS))
    source = draw(st.sampled_from([None, *SOURCES]))
    value = draw(st.sampled_from(FIGURES))
    low = high = None
    if draw(st.integers(0, 6)) == 0:
        hedge: Hedge = "range"
        low, high = value, value + draw(st.sampled_from([4.0, 1_000.0]))
        words = f"between {_number(low)} and {_number(high)}"
    else:
        hedge = draw(st.sampled_from(sorted(HEDGES)))
        words = HEDGES[hedge] + _number(value)
    with_noun = bool(noun) and draw(st.booleans())
    phrase = f"{words} {noun}" if with_noun else words
    if not lead:
        phrase = phrase[0].upper() + phrase[1:]
    story.write(lead)
    span = story.write(phrase)
    story.write((f" {noun}" if noun and not with_noun else "") + after)
    story.write(f", {source} said. " if source else ". ")
    story.quantities.append(
        Quantity(
            value=None if hedge == "range" else value,
            low=low,
            high=high,
            hedge=hedge,
            counted=draw(st.sampled_from([f"{noun} {happened}".strip(), noun, happened, ""])),
            unit=draw(st.sampled_from(["", noun.split()[-1] if noun else ""])),
            as_of=draw(st.sampled_from(AS_OF)),
            attributed_to=source if draw(st.booleans()) else None,
            phrase=phrase,
            **_grounded(_located(draw, span)),
        )
    )


def _write_measure(draw: st.DrawFn, story: _Story) -> None:
    """'The train covered about 807 miles.', 'It was Kim's 5th visit to China.'"""
    before, written, unit, counted, after, ordinal = draw(st.sampled_from(MEASURES))
    value = float(draw(st.sampled_from([4, 5, 807, 1_300] if not ordinal else [4, 5])))
    hedge: Hedge = "exact" if ordinal else draw(st.sampled_from(["exact", "about"]))
    story.write(before)
    span = story.write(HEDGES[hedge] + _number(value) + written)
    story.write(after + " ")
    story.quantities.append(
        Quantity(
            value=value,
            hedge=hedge,
            unit=unit,
            counted=counted,
            ordinal=ordinal,
            phrase=span.text,
            **_grounded(_located(draw, span)),
        )
    )


def _write_arrival(draw: st.DrawFn, story: _Story) -> None:
    """'North Korean leader Kim Jong Un arrived in Beijing on 3 September.' The first
    arrival of a story gives its `when` and `where`."""
    name, canonical = draw(st.sampled_from(PEOPLE))
    title = draw(st.sampled_from(TITLES))
    (place, country), (day_words, iso) = draw(st.sampled_from(PLACES)), draw(st.sampled_from(DAYS))
    span = story.write(title + name)
    story.actors.append(
        Actor(
            name=span.text,
            canonical_name=canonical,
            title=title.strip() or None,
            aliases=draw(st.lists(st.sampled_from(["Kim", "Mr Kim", "Choe"]), max_size=1)),
            **_grounded(_located(draw, span)),
        )
    )
    story.write(" arrived in ")
    place_span = story.write(place)
    story.write(" ")
    day_span = story.write(day_words)
    story.write(". ")
    if story.where is None:
        story.where = Place(name=place, country=country, **_grounded(_located(draw, place_span)))
        story.when = When(date=iso, granularity="unknown", **_grounded(_located(draw, day_span)))


def _write_quote(draw: st.DrawFn, story: _Story) -> None:
    """'"We will never forget," Xi Jinping said.'"""
    speaker = draw(st.sampled_from(SPEAKERS))
    story.write("\u201c")
    span = story.write(draw(st.sampled_from(QUOTES)))
    story.write(f",\u201d {speaker or 'a spokesman'} said. ")
    story.quotes.append(
        Quote(
            text=span.text,
            speaker=speaker,
            via=draw(st.sampled_from([None, "Al Jazeera", "KCNA"])),
            **_grounded(_located(draw, span)),
        )
    )


def _write_claim(draw: st.DrawFn, story: _Story) -> None:
    """'North Korea sent troops to Russia, the spy agency said.'"""
    source = draw(st.sampled_from([None, *SOURCES]))
    span = story.write(draw(st.sampled_from(CLAIMS)))
    story.write(f", {source} said. " if source else ". ")
    story.claims.append(
        Claim(statement=span.text, according_to=source, **_grounded(_located(draw, span)))
    )


def _write_sub_event(draw: st.DrawFn, story: _Story) -> None:
    """'Kim and Putin signed a defence treaty in June 2024.'"""
    span = story.write(draw(st.sampled_from(SUB_EVENTS)))
    day_words, iso = draw(st.sampled_from(SUB_EVENT_DAYS))
    story.write(f" {day_words}. ")
    dated = draw(st.sampled_from([True, True, False]))
    story.sub_events.append(
        SubEvent(what=span.text, when=iso if dated else None, **_grounded(_located(draw, span)))
    )


WRITERS = [
    _write_figure,
    _write_figure,
    _write_measure,
    _write_arrival,
    _write_quote,
    _write_claim,
    _write_sub_event,
]


@st.composite
def stories(
    draw: st.DrawFn, ids: st.SearchStrategy[str] | None = None
) -> tuple[Article, EventRecord]:
    """An article written from the templates, and its record."""
    story = _Story()
    for writer in draw(st.lists(st.sampled_from(WRITERS), min_size=1, max_size=8)):
        writer(draw, story)
    article_id = draw(ids if ids is not None else st.sampled_from(list("abcdef")))
    outlet = draw(st.sampled_from(OUTLETS))
    headline = draw(st.sampled_from(["Kim arrives in Beijing", "Kim in Beijing for parade"]))
    stamp = draw(st.sampled_from([None, datetime(2025, 9, 2), datetime(2025, 9, 3, tzinfo=UTC)]))
    article = Article(
        id=article_id,
        outlet=outlet,
        published_at=draw(st.sampled_from([None, date(2025, 9, 2), datetime(2025, 9, 3, 8)])),
        title=headline,
        text=story.text(),
    )
    record = EventRecord(
        article_id=article_id,
        outlet=outlet if draw(st.booleans()) else None,
        published_at=draw(st.sampled_from([None, "2025-09-02", "2025-09-03T08:00:00Z"])),
        headline=headline,
        event_type=draw(st.sampled_from([EventType.VISIT, EventType.MILITARY])),
        when=story.when,
        where=story.where,
        actors=story.actors,
        quantities=story.quantities,
        quotes=story.quotes,
        claims=story.claims,
        sub_events=story.sub_events,
        provenance=None
        if stamp is None
        else Provenance(
            model=draw(st.sampled_from(["local/gemma-3-270m", "openai/gpt-4o-mini"])),
            prompt_name="extract_event",
            prompt_version="v1",
            prompt_hash="h1",
            created_at=stamp,
        ),
    )
    return article, record


story_lists = st.lists(stories(), max_size=5)
distinct_stories = st.lists(
    stories(ids=st.sampled_from(list("abcdefgh"))), max_size=5, unique_by=lambda s: s[0].id
)


def _merge(drawn: list[tuple[Article, EventRecord]]) -> Consensus:
    return merge_records([r for _, r in drawn], articles=[a for a, _ in drawn])


def _collapsed(records: list[EventRecord]) -> list[EventRecord]:
    """One record per article id, as the merge keeps it (the smallest JSON form)."""
    by_id: dict[str, list[EventRecord]] = {}
    for record in records:
        by_id.setdefault(record.article_id, []).append(record)
    return [min(group, key=lambda r: r.model_dump_json()) for _, group in sorted(by_id.items())]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


# --- the consensus covers its inputs ----------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(story_lists)
def test_the_outlets_are_the_input_articles(drawn: list[tuple[Article, EventRecord]]) -> None:
    consensus = _merge(drawn)
    ids = sorted({record.article_id for _, record in drawn})
    assert [outlet.article_id for outlet in consensus.outlets] == ids
    if drawn:
        assert consensus.event.headline in {record.headline for _, record in drawn}


def _found(
    consensus: Consensus, kind: str, article_id: str, evidence: list[Span], same: object = None
) -> bool:
    """Whether a `kind` fact has a value that `article_id` supports with all of `evidence`
    (and, when `same` is given, whose figure or text is `same`)."""
    for fact in consensus.facts:
        if fact.kind != kind:
            continue
        for value in fact.values:
            if article_id not in value.article_ids:
                continue
            spans = {ref.span for ref in value.evidence if ref.article_id == article_id}
            if set(evidence) <= spans and (same is None or same == _figure_or_text(kind, value)):
                return True
    return False


def _figure_or_text(kind: str, value: FactValue) -> object:
    if kind == "quantity":
        return (value.value, value.low, value.high, value.hedge, value.as_of)
    return value.text


@settings(max_examples=80, deadline=None)
@given(story_lists)
def test_every_input_item_shows_up_in_a_fact_of_its_kind(
    drawn: list[tuple[Article, EventRecord]],
) -> None:
    consensus = _merge(drawn)
    for record in _collapsed([r for _, r in drawn]):
        aid = record.article_id
        for actor in record.actors:
            assert _found(consensus, "actor", aid, actor.evidence), actor
        for q in record.quantities:
            figure = (q.value, q.low, q.high, q.hedge, q.as_of)
            assert _found(consensus, "quantity", aid, q.evidence, figure), q
        for quote in record.quotes:
            assert _found(consensus, "quote", aid, quote.evidence), quote
        for claim in record.claims:
            assert _found(consensus, "claim", aid, claim.evidence), claim
        when, where = record.when, record.where
        if when is not None and when.date:
            assert _found(consensus, "date", aid, when.evidence, when.date), when
        if where is not None:
            assert _found(consensus, "place", aid, where.evidence), where
        for sub in record.sub_events:
            if sub.when:
                assert _found(consensus, "date", aid, sub.evidence, sub.when), sub


def _item_matches(value: FactValue, kind: str, record: EventRecord) -> bool:
    """Whether one item of `record` carries exactly what `value` shows."""
    if kind == "quantity":
        return any(
            (q.value, q.low, q.high, q.hedge, q.as_of, q.unit, q.attributed_to)
            == (
                value.value,
                value.low,
                value.high,
                value.hedge,
                value.as_of,
                value.unit,
                value.attributed_to,
            )
            and (value.text == q.phrase or not q.phrase)
            for q in record.quantities
        )
    if kind == "actor":
        return any(a.name == value.text for a in record.actors)
    if kind == "date":
        dates = [s.when for s in record.sub_events] + [record.when.date if record.when else None]
        return value.text in dates
    if kind == "place":
        return record.where is not None and value.text.startswith(record.where.name.strip())
    if kind == "quote":
        return any((q.text, q.speaker) == (value.text, value.attributed_to) for q in record.quotes)
    return any(
        (c.statement, c.according_to) == (value.text, value.attributed_to) for c in record.claims
    )


@settings(max_examples=60, deadline=None)
@given(story_lists)
def test_every_value_comes_from_an_input_item(drawn: list[tuple[Article, EventRecord]]) -> None:
    consensus = _merge(drawn)
    by_id: dict[str, list[EventRecord]] = {}
    for _, record in drawn:
        by_id.setdefault(record.article_id, []).append(record)
    for fact in consensus.facts:
        assert fact.values, fact
        for value in fact.values:
            assert value.article_ids and set(value.article_ids) <= set(by_id)
            # The value is copied from one item; the other articles give equivalent ones.
            sources = [r for a in value.article_ids for r in by_id[a]]
            assert any(_item_matches(value, fact.kind, r) for r in sources), value


# --- order, copies and statuses ---------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(story_lists, st.randoms(use_true_random=False))
def test_any_order_gives_the_same_consensus(
    drawn: list[tuple[Article, EventRecord]], rng: Random
) -> None:
    records, articles = [r for _, r in drawn], [a for a, _ in drawn]
    rng.shuffle(records)
    rng.shuffle(articles)
    first = _merge(drawn)
    assert merge_records(records, articles=articles) == first
    for pair in first.derivatives:
        assert pair.article_a < pair.article_b
        for passage in pair.evidence:
            # The same words in the same order; spacing and punctuation may differ.
            assert _words(passage.span_a.text) == _words(passage.span_b.text)


@settings(max_examples=40, deadline=None)
@given(distinct_stories, st.integers(2, 4))
def test_n_copies_merge_like_one(drawn: list[tuple[Article, EventRecord]], copies: int) -> None:
    assert _merge(drawn * copies) == _merge(drawn)


@settings(max_examples=50, deadline=None)
@given(stories(), st.integers(1, 3))
def test_one_article_gives_single_source_facts_only(
    drawn: tuple[Article, EventRecord], copies: int
) -> None:
    once = _merge([drawn])
    assert _merge([drawn] * copies) == once
    assert [outlet.article_id for outlet in once.outlets] == [drawn[1].article_id]
    assert all(fact.status in ("single_source", "revised") for fact in once.facts)


@settings(max_examples=50, deadline=None)
@given(stories(ids=st.just("a")), st.sampled_from([None, "2025-09-03"]))
def test_a_copy_under_another_outlet_confirms_every_fact(
    drawn: tuple[Article, EventRecord], published: str | None
) -> None:
    article, record = drawn
    record = record.model_copy(update={"outlet": "Wire A", "published_at": published})
    copy_article = article.model_copy(update={"id": "b", "outlet": "Wire B"})
    copy = record.model_copy(update={"article_id": "b", "outlet": "Wire B"})
    alone = merge_records([record], articles=[article])
    both = merge_records([record, copy], articles=[article, copy_article])
    assert [o.outlet for o in both.outlets] == ["Wire A", "Wire B"]
    assert [f.key for f in both.facts] == [f.key for f in alone.facts]
    for fact in both.facts:
        assert fact.outlets == ["Wire A", "Wire B"], fact
        assert fact.status != "single_source", fact
        assert fact.independent_origins == 1  # the copy is a derivative, or one source


@settings(max_examples=60, deadline=None)
@given(story_lists)
def test_each_fact_has_one_consistent_status_and_a_unique_id(
    drawn: list[tuple[Article, EventRecord]],
) -> None:
    consensus = _merge(drawn)
    ids = [fact.id for fact in consensus.facts]
    assert len(ids) == len(set(ids))
    by_id = {fact.id: fact for fact in consensus.facts}
    for fact in consensus.facts:
        assert fact.status in ("agreed", "compatible", "conflicting", "revised", "single_source")
        assert fact.outlets == sorted(set(fact.outlets))
        assert 1 <= fact.independent_origins <= len({a for v in fact.values for a in v.article_ids})
        if fact.status == "revised":
            assert len(fact.values) >= 2
            assert [by_id[i].status != "revised" for i in fact.related_fact_ids] == [True]
        elif fact.status == "single_source":
            assert len(fact.outlets) == 1
        else:
            assert len(fact.outlets) >= 2 or fact.related_fact_ids


@settings(max_examples=40, deadline=None)
@given(story_lists)
def test_consensus_round_trips_through_json(drawn: list[tuple[Article, EventRecord]]) -> None:
    consensus = _merge(drawn)
    assert Consensus.model_validate_json(consensus.model_dump_json()) == consensus


# --- the clause around a figure ---------------------------------------------------------

SCOPED = [
    # (the plain sentence, the same figure with a scope word in its clause)
    ("{n} {noun} were sent to Russia.", "Another {n} {noun} were sent to Russia."),
    ("{n} {noun} were sent to Russia.", "A further {n} {noun} were sent to Russia."),
    ("Pyongyang sent {n} {noun} to Russia.", "Pyongyang intends to send {n} {noun} to Russia."),
    ("{n} {noun} were sent to Russia.", "{n} {noun} are already in Russia."),
]


def _sent(
    article_id: str, outlet: str, template: str, n: str, noun: str
) -> tuple[Article, EventRecord]:
    """An article of one sentence and a record holding its figure as 'noun sent'."""
    text = template.format(n=n, noun=noun)
    phrase = f"{n} {noun}"
    start = text.index(phrase)
    figure = Quantity(
        value=float(n.replace(",", "")),
        counted=f"{noun} sent",
        phrase=phrase,
        evidence=[Span(start=start, end=start + len(phrase), text=phrase)],
        grounded=True,
    )
    article = Article(id=article_id, outlet=outlet, text=text)
    record = EventRecord(article_id=article_id, outlet=outlet, headline=text, quantities=[figure])
    return article, record


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(SCOPED),
    st.sampled_from(["1,000", "6,000", "12,000"]),
    st.sampled_from(["troops", "soldiers", "North Korean troops"]),
)
def test_a_scope_word_in_the_clause_keeps_a_figure_apart(
    templates: tuple[str, str], n: str, noun: str
) -> None:
    drawn = [
        _sent("a", "Wire A", templates[0], n, noun),
        _sent("b", "Wire B", templates[1], n, noun),
    ]
    # Without the texts both records say '<n> <noun> sent': one agreed fact.
    blind = merge_records([r for _, r in drawn])
    assert [f.status for f in blind.facts if f.kind == "quantity"] == ["agreed"]
    # With them, 'another' / 'intends to' / 'already' name a different part of the whole.
    read = _merge(drawn)
    assert [f.status for f in read.facts if f.kind == "quantity"] == ["single_source"] * 2


@settings(max_examples=40, deadline=None)
@given(
    st.integers(10, 900),
    st.integers(2, 5),
    st.sampled_from([("the spy agency", "KCNA"), ("Yonhap", "Ukraine's HUR")]),
)
def test_an_older_marker_in_the_clause_makes_a_revision(
    old: int, times: int, sources: tuple[str, str]
) -> None:
    def told(
        article_id: str, day: str, lead: str, figure: int, hedge: Hedge, source: str
    ) -> tuple[Article, EventRecord]:
        words = HEDGES[hedge] + _number(float(figure))
        text = f"{lead}{words} soldiers killed, {source} said."
        start = text.index(words)
        quantity = Quantity(
            value=float(figure),
            hedge=hedge,
            counted="soldiers killed",
            attributed_to=source,
            phrase=words,
            evidence=[Span(start=start, end=start + len(words), text=words)],
            grounded=True,
        )
        record = EventRecord(
            article_id=article_id,
            outlet=f"Wire {article_id}",
            published_at=day,
            headline="Toll",
            quantities=[quantity],
        )
        return Article(id=article_id, outlet=f"Wire {article_id}", text=text), record

    drawn = [
        told("a", "2025-09-02", "Its initial count was ", old * times, "at_least", sources[0]),
        told("b", "2025-09-03", "The toll now stands at ", old, "exact", sources[1]),
    ]
    # Two sources, two disjoint figures, the later one lower (a tally that grows later
    # would be an update whoever counts): a conflict, unless the clause calls one older.
    blind = merge_records([r for _, r in drawn])
    assert [f.status for f in blind.facts if f.kind == "quantity"] == ["conflicting"]
    read = _merge(drawn)
    statuses = sorted(f.status for f in read.facts if f.kind == "quantity")
    assert statuses == ["revised", "single_source"]
