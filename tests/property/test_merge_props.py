"""Laws of the merge: order does not matter, copies change nothing, values come from inputs.

Records are drawn from small shared pools (names, counted things, figures, sources) so
that the alignment, revision and conflict code paths all get exercised.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.article import Article
from schemas.consensus import Consensus, FactValue
from schemas.record import (
    Actor,
    Claim,
    EventRecord,
    EventType,
    Place,
    Provenance,
    Quantity,
    Quote,
    Span,
    SubEvent,
    When,
)
from service.merge import merge_records

OUTLETS = ["Al Jazeera", "The Guardian", "Yonhap", "BBC", "the guardian", None]
NAMES = [
    ("Kim Jong Un", "Kim Jong Un"),
    ("Mr Kim", "Kim"),
    ("Comrade Kim Jong Un", "Kim Jong Un"),
    ("Kim Yo Jong", "Kim Yo Jong"),
    ("Choe Son-hui", "Choe Son-hui"),
    ("Foreign Minister Choe Son Hui", "Choe Son Hui"),
    ("President Xi", "Xi Jinping"),
    ("Xi", "Xi"),
    ("NIS", "National Intelligence Service"),
    ("Lee Seong-kweun", "Lee Seong Kweun"),
]
COUNTED = [
    "North Korean soldiers killed",
    "North Korean troops who died",
    "war dead",
    "soldiers sent to Russia",
    "troops deployed",
    "world leaders attending the parade",
    "anniversary",
    "",
]
UNITS = ["", "soldiers", "troops", "km", "%"]
HEDGES = ["exact", "about", "at_least", "more_than", "up_to", "less_than", "range"]
FIGURES = [0.0, 26.0, 80.0, 600.0, 2_000.0, 2_200.0, 10_000.0, 15_000.0, 2.5]
AS_OF = [None, None, "2024", "2025-04", "2025-09-03", "spring"]
SOURCES = [None, None, "NIS", "the spy agency", "KCNA", "Ukraine's HUR", "Yonhap"]
QUOTES = [
    "For once the leader stands beside a whole row of heads of state at one event.",
    "for once the leader stands beside a whole row of heads of state at one event",
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
DATES = ["2025-09", "2025-09-02", "2025-09-03", "2025", "not a date"]
PLACES = [
    ("Beijing", "China"),
    ("beijing", None),
    ("Tiananmen Square", "China"),
    ("Pyongyang", None),
]
WHATS = ["Kim and Putin signed a defence treaty", "Kim and Putin signed a mutual defence treaty"]


@st.composite
def spans(draw: st.DrawFn) -> list[Span]:
    found = draw(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 12)), max_size=2))
    return [Span(start=start, end=start + size, text="x" * size) for start, size in found]


@st.composite
def quantities(draw: st.DrawFn) -> Quantity:
    hedge = draw(st.sampled_from(HEDGES))
    value = draw(st.sampled_from(FIGURES))
    low = high = None
    if hedge == "range" and draw(st.booleans()):
        low, high = value, value + draw(st.sampled_from([0.0, 4.0, 1_000.0]))
    return Quantity(
        value=value,
        low=low,
        high=high,
        hedge=hedge,
        counted=draw(st.sampled_from(COUNTED)),
        unit=draw(st.sampled_from(UNITS)),
        ordinal=draw(st.booleans()),
        as_of=draw(st.sampled_from(AS_OF)),
        attributed_to=draw(st.sampled_from(SOURCES)),
        phrase=draw(st.sampled_from(["", "about 2,000", "more than 10,000"])),
        evidence=draw(spans()),
        grounded=draw(st.booleans()),
    )


@st.composite
def actors(draw: st.DrawFn) -> Actor:
    name, canonical = draw(st.sampled_from(NAMES))
    return Actor(
        name=name,
        canonical_name=canonical,
        title=draw(st.sampled_from([None, "leader", "Foreign Minister"])),
        aliases=draw(st.lists(st.sampled_from(["Kim", "Mr Kim", "Choe"]), max_size=1)),
        evidence=draw(spans()),
    )


@st.composite
def records(draw: st.DrawFn, article_ids: st.SearchStrategy[str] | None = None) -> EventRecord:
    ids = article_ids if article_ids is not None else st.sampled_from(list("abcdef"))
    when = draw(st.sampled_from([None, *DATES]))
    place = draw(st.sampled_from([None, *PLACES]))
    stamp = draw(st.sampled_from([None, datetime(2025, 9, 2), datetime(2025, 9, 3, tzinfo=UTC)]))
    return EventRecord(
        article_id=draw(ids),
        outlet=draw(st.sampled_from(OUTLETS)),
        published_at=draw(st.sampled_from([None, "2025-09-02", "2025-09-03T08:00:00Z"])),
        headline=draw(st.sampled_from(["Kim arrives in Beijing", "Kim in Beijing for parade"])),
        event_type=draw(st.sampled_from([EventType.VISIT, EventType.MILITARY])),
        when=None
        if when is None
        else When(date=when, granularity="unknown", evidence=draw(spans())),
        where=None if place is None else Place(name=place[0], country=place[1]),
        actors=draw(st.lists(actors(), max_size=3)),
        quantities=draw(st.lists(quantities(), max_size=4)),
        quotes=draw(
            st.lists(
                st.builds(
                    Quote,
                    text=st.sampled_from(QUOTES),
                    speaker=st.sampled_from(SPEAKERS),
                    via=st.sampled_from([None, "Al Jazeera", "KCNA"]),
                    evidence=spans(),
                ),
                max_size=2,
            )
        ),
        claims=draw(
            st.lists(
                st.builds(
                    Claim,
                    statement=st.sampled_from(CLAIMS),
                    according_to=st.sampled_from(SOURCES),
                    evidence=spans(),
                ),
                max_size=2,
            )
        ),
        sub_events=draw(
            st.lists(
                st.builds(
                    SubEvent,
                    what=st.sampled_from(WHATS),
                    when=st.sampled_from([None, "2024-06", "2024-06-19", "2023"]),
                ),
                max_size=2,
            )
        ),
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


record_lists = st.lists(records(), max_size=6)
distinct_records = st.lists(
    records(article_ids=st.sampled_from(list("abcdefgh"))),
    max_size=6,
    unique_by=lambda r: r.article_id,
)


@settings(max_examples=80, deadline=None)
@given(record_lists, st.randoms(use_true_random=False))
def test_any_order_gives_the_same_consensus(inputs: list[EventRecord], rng: Random) -> None:
    shuffled = list(inputs)
    rng.shuffle(shuffled)
    assert merge_records(shuffled) == merge_records(inputs)


@settings(max_examples=50, deadline=None)
@given(distinct_records, st.integers(2, 4))
def test_n_copies_merge_like_one(inputs: list[EventRecord], copies: int) -> None:
    assert merge_records(inputs * copies) == merge_records(inputs)


@settings(max_examples=50, deadline=None)
@given(records(), st.integers(2, 4))
def test_copies_of_one_record_merge_like_that_record(item: EventRecord, copies: int) -> None:
    once = merge_records([item])
    assert merge_records([item] * copies) == once
    assert all(fact.status in ("single_source", "revised") for fact in once.facts)


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


def _spans_of(record: EventRecord) -> set[tuple[int, int, str]]:
    items = [*record.items()]
    items += [g for g in (record.when, record.where) if g is not None]
    return {(s.start, s.end, s.text) for item in items for s in item.evidence}


@settings(max_examples=80, deadline=None)
@given(record_lists)
def test_every_value_comes_from_an_input_item(inputs: list[EventRecord]) -> None:
    consensus = merge_records(inputs)
    by_id: dict[str, list[EventRecord]] = {}
    for item in inputs:
        by_id.setdefault(item.article_id, []).append(item)
    for fact in consensus.facts:
        assert fact.values, fact
        for value in fact.values:
            assert value.article_ids and set(value.article_ids) <= set(by_id)
            # The value is copied from one item; the other articles give equivalent ones.
            sources = [r for a in value.article_ids for r in by_id[a]]
            assert any(_item_matches(value, fact.kind, r) for r in sources), value
            for ref in value.evidence:
                span = (ref.span.start, ref.span.end, ref.span.text)
                assert any(span in _spans_of(r) for r in by_id[ref.article_id])


@settings(max_examples=80, deadline=None)
@given(record_lists)
def test_each_fact_has_one_consistent_status_and_a_unique_id(inputs: list[EventRecord]) -> None:
    consensus = merge_records(inputs)
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


@settings(max_examples=50, deadline=None)
@given(record_lists)
def test_nothing_grounded_is_dropped(inputs: list[EventRecord]) -> None:
    consensus = merge_records(inputs)
    shown = {
        (ref.article_id, ref.span.start, ref.span.end, ref.span.text)
        for fact in consensus.facts
        for value in fact.values
        for ref in value.evidence
    }
    kept = {o.article_id: o for o in consensus.outlets}
    for item in inputs:
        if item.article_id not in kept:
            continue
        chosen = [r for r in inputs if r.article_id == item.article_id]
        merged = min(chosen, key=lambda r: r.model_dump_json())
        for piece in [*merged.actors, *merged.quantities, *merged.quotes, *merged.claims]:
            for span in piece.evidence:
                assert (merged.article_id, span.start, span.end, span.text) in shown


SENTENCES = [
    "Kim Jong Un arrived in Beijing by train on Tuesday.",
    "About 2,000 North Korean soldiers have been killed, the spy agency said.",
    "Kim is among 26 world leaders due at the parade.",
    "The parade honours eighty years since the war in the Pacific ended.",
    "Analysts said the visit was a diplomatic opportunity.",
]


@st.composite
def articles(draw: st.DrawFn) -> Article:
    picked = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8))
    return Article(
        id=draw(st.sampled_from(list("abcdef"))),
        outlet=draw(st.sampled_from(["Wire", "Daily", None])),
        text=" ".join(picked),
    )


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


@settings(max_examples=50, deadline=None)
@given(record_lists, st.lists(articles(), max_size=5), st.randoms(use_true_random=False))
def test_any_order_of_articles_gives_the_same_derivatives_and_origins(
    inputs: list[EventRecord], texts: list[Article], rng: Random
) -> None:
    shuffled = list(texts)
    rng.shuffle(shuffled)
    first = merge_records(inputs, articles=texts)
    assert merge_records(list(reversed(inputs)), articles=shuffled) == first
    for pair in first.derivatives:
        assert pair.article_a < pair.article_b
        for passage in pair.evidence:
            # The same words in the same order; spacing and punctuation may differ.
            assert _words(passage.span_a.text) == _words(passage.span_b.text)


@settings(max_examples=50, deadline=None)
@given(record_lists)
def test_consensus_round_trips_through_json(inputs: list[EventRecord]) -> None:
    consensus = merge_records(inputs)
    assert Consensus.model_validate_json(consensus.model_dump_json()) == consensus
