"""Merging hand-built records: every status, the Kim-in-Beijing patterns, aliases, origins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from schemas.article import Article
from schemas.consensus import Consensus, Fact
from schemas.record import (
    Actor,
    Claim,
    EventRecord,
    Hedge,
    Place,
    Provenance,
    Quantity,
    Quote,
    Span,
    SubEvent,
    When,
)
from service.merge import MergeTolerances, merge_records
from service.merge.frames import is_snapshot
from service.merge.independence import count_independent_origins, detect_derivatives
from service.merge.sources import SourceResolver, described_core

# --- builders ---------------------------------------------------------------------------


def _span(text: str, start: int = 0) -> Span:
    return Span(start=start, end=start + len(text), text=text)


def qty(
    value: float,
    counted: str,
    *,
    hedge: Hedge = "exact",
    unit: str = "",
    as_of: str | None = None,
    attributed_to: str | None = None,
    phrase: str | None = None,
    ordinal: bool = False,
    at: int = 0,
) -> Quantity:
    """A grounded figure whose evidence is its own phrase (offset `at`)."""
    words = phrase or f"{value:,.0f} {counted}"
    return Quantity(
        value=value,
        counted=counted,
        hedge=hedge,
        unit=unit,
        as_of=as_of,
        attributed_to=attributed_to,
        phrase=words,
        ordinal=ordinal,
        evidence=[_span(words, at)],
        grounded=True,
    )


def actor(
    name: str, canonical: str | None = None, *aliases: str, title: str | None = None
) -> Actor:
    return Actor(
        name=name,
        canonical_name=canonical or name,
        aliases=list(aliases),
        title=title,
        evidence=[_span(name)],
        grounded=True,
    )


def record(article_id: str, outlet: str | None = None, **items: object) -> EventRecord:
    return EventRecord(
        article_id=article_id,
        outlet=outlet if outlet is not None else article_id.upper(),
        headline=f"Headline of {article_id}",
        **items,
    )


def only(consensus: Consensus, kind: str, *, revised: bool | None = None) -> Fact:
    """The single fact of `kind` (optionally only revision facts, or only current ones)."""
    facts = [f for f in consensus.facts if f.kind == kind]
    if revised is not None:
        facts = [f for f in facts if (f.status == "revised") == revised]
    assert len(facts) == 1, [f.statement for f in facts]
    return facts[0]


# --- quantity statuses ------------------------------------------------------------------


def test_more_than_10000_against_around_15000_conflicts_and_shows_both() -> None:
    consensus = merge_records(
        [
            record(
                "a",
                "Al Jazeera",
                quantities=[qty(10_000, "North Korean soldiers sent to Russia", hedge="more_than")],
            ),
            record(
                "b",
                "The Guardian",
                quantities=[qty(15_000, "North Korean troops sent to Russia", hedge="about")],
            ),
        ]
    )
    fact = only(consensus, "quantity")
    assert fact.status == "conflicting"
    assert [(v.value, v.hedge, v.outlets) for v in fact.values] == [
        (10_000, "more_than", ["Al Jazeera"]),
        (15_000, "about", ["The Guardian"]),
    ]
    low, high = fact.values[0].interval, fact.values[1].interval
    assert low is not None and (low.low, low.high, low.low_open) == (10_000, 13_000, True)
    assert high is not None and (high.low, high.high) == pytest.approx((13_500, 16_500))
    assert "more than 10,000 (Al Jazeera)" in fact.statement
    assert "about 15,000 (The Guardian)" in fact.statement


def test_the_same_figure_of_one_specific_thing_is_one_fact_though_nothing_happened() -> None:
    """'33,000 machinists' in two accounts are one fact though neither says what happened
    to them; 30,000 of them is not known to be the same count, and '7 km' twice names no
    thing measured."""

    def statuses(first: Quantity, second: Quantity) -> list[tuple[str, int]]:
        consensus = merge_records(
            [record("a", quantities=[first]), record("b", quantities=[second])]
        )
        return sorted((f.status, len(f.outlets)) for f in consensus.facts if f.kind == "quantity")

    union = qty(33_000, "machinists in the union")
    assert statuses(union, qty(33_000, "machinists")) == [("agreed", 2)]
    assert statuses(union, qty(30_000, "machinists")) == [("single_source", 1)] * 2
    # a hedge ('some 33,000') or a date one outlet gives the same number makes no other count
    some = qty(33_000, "machinists", hedge="about", as_of="2024-10")
    assert statuses(union, some) == [("compatible", 2)]
    far = qty(7, "km", unit="km", phrase="7 km")
    assert (
        statuses(far, qty(7, "km from the crater", unit="km", phrase="7 km"))
        == [("single_source", 1)] * 2
    )


def test_about_roughly_and_at_least_2000_killed_are_compatible() -> None:
    consensus = merge_records(
        [
            record("a", quantities=[qty(2_000, "North Korean soldiers killed", hedge="about")]),
            record("b", quantities=[qty(2_000, "North Korean soldiers died", hedge="about")]),
            record("c", quantities=[qty(2_000, "North Korean troops killed", hedge="at_least")]),
        ]
    )
    fact = only(consensus, "quantity")
    assert fact.status == "compatible"
    assert fact.outlets == ["A", "B", "C"]
    # "about" and "roughly" share a hedge class, so they are one value with two outlets.
    assert [(v.hedge, v.article_ids) for v in fact.values] == [
        ("about", ["a", "b"]),
        ("at_least", ["c"]),
    ]
    assert fact.statement.endswith(": about 2,000 / at least 2,000 (3 outlets)")
    assert fact.confidence is not None and "happening" in fact.matched_slots


def test_earlier_dated_figure_is_a_revision_not_a_conflict() -> None:
    consensus = merge_records(
        [
            record(
                "a",
                quantities=[
                    qty(600, "North Korean soldiers killed", hedge="at_least", as_of="2025-04"),
                ],
            ),
            record("b", quantities=[qty(2_000, "North Korean soldiers killed", hedge="about")]),
        ]
    )
    revision = only(consensus, "quantity", revised=True)
    current = only(consensus, "quantity", revised=False)
    assert [(v.value, v.as_of) for v in revision.values] == [(600, "2025-04"), (2_000, None)]
    assert "revised from at least 600 (as of 2025-04) to about 2,000" in revision.statement
    assert current.status == "single_source"
    assert [v.value for v in current.values] == [2_000]
    assert revision.related_fact_ids == [current.id]
    assert current.related_fact_ids == [revision.id]
    assert not any(f.status == "conflicting" for f in consensus.facts)


def test_sample_pattern_gives_a_compatible_fact_and_a_revision_fact() -> None:
    killed = "North Korean soldiers killed"
    consensus = merge_records(
        [
            record(
                "aj",
                "Al Jazeera",
                quantities=[
                    qty(2_000, killed, hedge="about", at=10),
                    qty(600, "North Korean war dead", hedge="at_least", as_of="2025-04", at=90),
                ],
            ),
            record("gu", "The Guardian", quantities=[qty(2_000, killed, hedge="about")]),
            record(
                "yo",
                "Yonhap",
                quantities=[
                    qty(2_000, "North Korean soldiers killed in Ukraine", hedge="at_least"),
                    qty(600, "North Korean troops killed", hedge="at_least", as_of="2025-04"),
                ],
            ),
        ]
    )
    current = only(consensus, "quantity", revised=False)
    revision = only(consensus, "quantity", revised=True)
    assert current.status == "compatible"
    assert {v.value for v in current.values} == {2_000}
    assert revision.status == "revised"
    assert [v.value for v in revision.values] == [600, 2_000, 2_000]
    assert revision.values[0].outlets == ["Al Jazeera", "Yonhap"]


def test_same_outlet_giving_two_undated_figures_keeps_them_apart() -> None:
    consensus = merge_records(
        [
            record(
                "a",
                quantities=[
                    qty(600, "soldiers killed", hedge="at_least", at=5),
                    qty(2_000, "soldiers killed", hedge="about", at=50),
                ],
            ),
            record("b", quantities=[qty(2_000, "soldiers killed", hedge="about")]),
        ]
    )
    # Nothing says 600 came first ('31 sent home by air', '229 by road' read the same
    # way): no revision chain. More outlets back 2,000, so 600 stands apart.
    assert not [f for f in consensus.facts if f.status == "revised"]
    facts = {f.status: f for f in consensus.facts if f.kind == "quantity"}
    assert [v.value for v in facts["agreed"].values] == [2_000]
    assert [v.value for v in facts["single_source"].values] == [600]
    assert facts["single_source"].outlets == ["A"]


def test_single_source_figure() -> None:
    consensus = merge_records(
        [record("a", quantities=[qty(80, "anniversary", ordinal=True, hedge="exact")])]
    )
    fact = only(consensus, "quantity")
    assert fact.status == "single_source"
    assert fact.statement == "anniversary: 80th (1 outlet)"
    assert fact.independent_origins == 1


def test_26_world_leaders_from_two_outlets_are_agreed() -> None:
    consensus = merge_records(
        [
            record("a", quantities=[qty(26, "world leaders attending the parade", unit="leaders")]),
            record("b", quantities=[qty(26, "state leaders attending the military parade")]),
        ]
    )
    fact = only(consensus, "quantity")
    assert fact.status == "agreed"
    assert fact.values[0].article_ids == ["a", "b"]


def test_killed_and_deployed_never_align_and_units_of_measure_stay_apart() -> None:
    consensus = merge_records(
        [
            record(
                "a",
                quantities=[
                    qty(2_000, "North Korean soldiers killed"),
                    qty(10_000, "North Korean soldiers deployed"),
                    qty(15, "North Korean soldiers march", unit="km"),
                ],
            ),
            record("b", quantities=[qty(15_000, "North Korean troops sent")]),
        ]
    )
    by_value = {v.value: f for f in consensus.facts for v in f.values}
    assert by_value[10_000].status == "conflicting" and by_value[15_000] is by_value[10_000]
    assert by_value[2_000].status == "single_source"
    assert any("[length]" in f.key for f in consensus.facts)


def test_a_dated_figure_from_another_source_is_a_conflict_not_a_revision() -> None:
    sent = "North Korean troops sent to Russia"
    consensus = merge_records(
        [
            record(
                "gulf",
                quantities=[
                    qty(
                        10_000,
                        sent,
                        hedge="more_than",
                        as_of="2024",
                        attributed_to="Western agencies",
                    )
                ],
            ),
            record(
                "seoul",
                quantities=[
                    qty(15_000, sent, hedge="about", attributed_to="South Korean assessments")
                ],
            ),
        ]
    )
    assert only(consensus, "quantity").status == "conflicting"


def test_figures_from_later_articles_revise_earlier_ones_from_the_same_agency() -> None:
    killed, agency = "people killed in the flood", "Westmarch Emergency Management Agency"

    def day(article_id: str, published: str, value: float, hedge: Hedge) -> EventRecord:
        toll = qty(value, killed, hedge=hedge, attributed_to=agency)
        return record(article_id, published_at=published, quantities=[toll])

    consensus = merge_records(
        [
            day("cbn", "2025-11-06T18:20:00Z", 23, "exact"),
            day("herald", "2025-11-04T07:30:00Z", 12, "at_least"),
            day("meridian", "2025-11-04T13:05:00Z", 12, "at_least"),
            day("chronicle", "2025-11-05T06:00:00Z", 17, "at_least"),
        ]
    )
    revision = only(consensus, "quantity", revised=True)
    assert [(v.value, v.article_ids) for v in revision.values] == [
        (12, ["herald", "meridian"]),
        (17, ["chronicle"]),
        (23, ["cbn"]),
    ]
    assert only(consensus, "quantity", revised=False).status == "single_source"


def test_a_sources_two_counts_in_one_article_hold_at_once_however_many_copy_it() -> None:
    # One agency's two tolls that time does not order: given in two articles, the lower
    # is the earlier (a source does not contradict its own running count); given both in
    # one article, they hold at once, and a second outlet copying that article changes
    # nothing (a property test found the copy turning them into a revision).
    killed, agency = "people killed in the flood", "Westmarch Emergency Management Agency"

    def both(article_id: str) -> EventRecord:
        tolls = [
            qty(26, killed, attributed_to=agency),
            qty(80, killed, attributed_to=agency, at=40),
        ]
        return record(article_id, quantities=tolls)

    alone = merge_records([both("a")])
    copied = merge_records([both("a"), both("b")])
    assert not [f for f in alone.facts if f.status == "revised"]
    assert [f.key for f in copied.facts] == [f.key for f in alone.facts]
    assert not [f for f in copied.facts if f.status == "revised"]
    apart = merge_records(
        [
            record("a", quantities=[qty(26, killed, attributed_to=agency)]),
            record("b", quantities=[qty(80, killed, attributed_to=agency)]),
        ]
    )
    revision = only(apart, "quantity", revised=True)
    assert [v.value for v in revision.values] == [26, 80]


def test_a_growing_tally_is_revised_down_only_a_little() -> None:
    """One agency's toll corrected from 17 to 16 the next day is its revision; a later
    count of under half of it ('7 arrested' after '40 arrested') counts something else
    (a part, a place, a day) and supersedes nothing."""
    agency = "Westmarch Police"

    def day(article_id: str, published: str, value: float, counted: str) -> EventRecord:
        figure = qty(value, counted, attributed_to=agency)
        return record(article_id, published_at=published, quantities=[figure])

    corrected = merge_records(
        [
            day("herald", "2025-11-04T07:30:00Z", 17, "people killed in the flood"),
            day("chronicle", "2025-11-05T06:00:00Z", 16, "people killed in the flood"),
        ]
    )
    revision = only(corrected, "quantity", revised=True)
    assert [v.value for v in revision.values] == [17, 16]

    dropped = merge_records(
        [
            day("herald", "2025-11-04T07:30:00Z", 40, "people arrested in the protests"),
            day("chronicle", "2025-11-05T06:00:00Z", 7, "people arrested in the protests"),
        ]
    )
    assert not [f for f in dropped.facts if f.status == "revised"]
    values = [v.value for f in dropped.facts if f.kind == "quantity" for v in f.values]
    assert sorted(v for v in values if v is not None) == [7, 40]
    loose = MergeTolerances(tally_drop=10.0)
    again = merge_records(
        [
            day("herald", "2025-11-04T07:30:00Z", 40, "people arrested in the protests"),
            day("chronicle", "2025-11-05T06:00:00Z", 7, "people arrested in the protests"),
        ],
        loose,
    )
    assert [v.value for v in only(again, "quantity", revised=True).values] == [40, 7]


def test_the_recovered_add_up_and_recovered_bodies_are_the_dead() -> None:
    """Recoveries from an outbreak accumulate as deaths do: the health ministry's '8
    patients recovered' and, ten days later, the agency's '43 patients recovered' are one
    running tally updated, not a dispute. 'Recovered' of bodies means found dead: '9
    bodies recovered' counts the dead, not recoveries."""

    def day(article_id: str, published: str, figure: Quantity) -> EventRecord:
        return record(article_id, published_at=published, quantities=[figure])

    recovered = merge_records(
        [
            day(
                "herald",
                "2025-03-07T08:00:00Z",
                qty(8, "patients recovered", attributed_to="the health ministry"),
            ),
            day(
                "chronicle",
                "2025-03-17T08:00:00Z",
                qty(43, "patients recovered", attributed_to="the health agency"),
            ),
        ]
    )
    assert not [f for f in recovered.facts if f.status == "conflicting"]
    assert [v.value for v in only(recovered, "quantity", revised=True).values] == [8, 43]

    bodies = merge_records(
        [
            day("herald", "2025-03-07T08:00:00Z", qty(9, "bodies recovered")),
            day("chronicle", "2025-03-07T09:00:00Z", qty(9, "people killed")),
        ]
    )
    assert [f.status for f in bodies.facts if f.kind == "quantity"] == ["agreed"]


def test_a_term_given_differently_next_day_is_a_conflict_not_a_revision() -> None:
    stake, source = "share of Corvina Terminals bought by Halvorsen", "Halvorsen and Corvina"

    def day(article_id: str, published: str, value: float) -> EventRecord:
        share = qty(value, stake, unit="%", attributed_to=source)
        return record(article_id, published_at=published, quantities=[share])

    consensus = merge_records([day("wire", "2025-06-16", 51), day("daily", "2025-06-17", 49)])
    assert only(consensus, "quantity").status == "conflicting"


def test_counted_nouns_scopes_and_people_keep_similar_figures_apart() -> None:
    killed = "North Korean soldiers killed in the Ukraine war"
    consensus = merge_records(
        [
            record(
                "a",
                quantities=[
                    qty(2_000, killed, unit="soldiers", hedge="about"),
                    qty(2, f"ceremonies honouring {killed}", unit="ceremonies"),
                    qty(10_000, "North Korean troops sent to Russia", hedge="more_than"),
                    qty(6_000, "additional North Korean soldiers to be sent to Russia"),
                    qty(5, "meetings between Kim Jong Un and Xi Jinping"),
                ],
            ),
            record(
                "b",
                actors=[actor("Vladimir Putin"), actor("Xi Jinping")],
                quantities=[
                    qty(2_000, killed, unit="soldiers", hedge="at_least"),
                    qty(15_000, "North Korean troops sent to Russia", hedge="about"),
                    qty(3, "meetings between Kim Jong Un and Vladimir Putin"),
                ],
            ),
        ]
    )
    statuses = {
        f.statement.split(":")[0]: f.status for f in consensus.facts if f.kind == "quantity"
    }
    assert statuses == {
        killed: "compatible",
        f"ceremonies honouring {killed}": "single_source",
        "North Korean troops sent to Russia": "conflicting",
        "additional North Korean soldiers to be sent to Russia": "single_source",
        "meetings between Kim Jong Un and Xi Jinping": "single_source",
        "meetings between Kim Jong Un and Vladimir Putin": "single_source",
    }


def test_a_bare_count_noun_joins_no_cluster_when_two_could_hold_it() -> None:
    sent = record("a", quantities=[qty(10000, "soldiers sent", hedge="more_than", unit="soldiers")])
    killed = record("b", quantities=[qty(2000, "North Korean soldiers killed", unit="soldiers")])
    bare = record("c", quantities=[qty(101, "soldiers", unit="soldiers")])
    facts = merge_records([sent, killed, bare]).facts
    assert sorted((f.status, len(f.values)) for f in facts) == [("single_source", 1)] * 3
    also_sent = record("d", quantities=[qty(12000, "troops sent", hedge="about", unit="troops")])
    joined = merge_records([sent, also_sent, bare]).facts
    # A figure that says only 'soldiers' fits no fact well: it stays on its own rather
    # than being forced into the one of soldiers sent.
    assert sorted((f.status, len(f.outlets)) for f in joined) == [
        ("compatible", 2),  # 12,000 lies in what 'more than 10,000' allows
        ("single_source", 1),
    ]


def test_units_of_one_dimension_are_compared_after_conversion() -> None:
    journey = "length of the train journey from Pyongyang to Beijing"
    consensus = merge_records(
        [
            record("a", quantities=[qty(1_300, journey, unit="km", hedge="about")]),
            record("b", quantities=[qty(807, journey, unit="miles", hedge="about")]),
        ]
    )
    fact = only(consensus, "quantity")
    assert fact.status == "compatible"
    assert [v.unit for v in fact.values] == ["miles", "km"]
    assert fact.values[1].interval is not None
    assert fact.values[1].interval.high == pytest.approx(1_430)


def test_wider_tolerance_turns_a_conflict_compatible() -> None:
    records = [
        record("a", quantities=[qty(10_000, "soldiers sent", hedge="more_than")]),
        record("b", quantities=[qty(15_000, "troops sent", hedge="about")]),
    ]
    assert only(merge_records(records), "quantity").status == "conflicting"
    wide = MergeTolerances(open_bound_slack=0.5)
    assert only(merge_records(records, wide), "quantity").status == "compatible"


# --- people -----------------------------------------------------------------------------


def test_honorifics_and_surname_only_mentions_join_the_full_name() -> None:
    consensus = merge_records(
        [
            record("a", actors=[actor("Mr Kim", "Kim")]),
            record("b", actors=[actor("Comrade Kim Jong Un")]),
            record("c", actors=[actor("Kim Jong Un", title="North Korean leader")]),
            record("d", actors=[actor("North Korean leader Kim Jong-un", "Kim Jong-un")]),
        ]
    )
    fact = only(consensus, "actor")
    assert fact.key == "kim jong un"
    assert fact.status == "agreed"
    assert fact.outlets == ["A", "B", "C", "D"]
    assert fact.statement == "Kim Jong Un, North Korean leader (4 outlets)"
    assert {v.text for v in fact.values} == {
        "Mr Kim",
        "Comrade Kim Jong Un",
        "Kim Jong Un",
        "North Korean leader Kim Jong-un",
    }


def test_hyphen_and_space_variants_of_korean_names_merge() -> None:
    consensus = merge_records(
        [
            record("a", actors=[actor("Choe Son-hui"), actor("Lee Seong-kweun")]),
            record("b", actors=[actor("Foreign Minister Choe Son Hui", "Choe Son Hui")]),
            record("c", actors=[actor("lawmaker Lee Seong Kweun", "Lee Seong Kweun")]),
        ]
    )
    keys = {f.key: f.outlets for f in consensus.facts if f.kind == "actor"}
    assert keys == {"choe son hui": ["A", "B"], "lee seong kweun": ["A", "C"]}


def test_ambiguous_surname_stays_apart() -> None:
    consensus = merge_records(
        [
            record("a", actors=[actor("Kim Jong Un"), actor("Kim Yo Jong")]),
            record("b", actors=[actor("Mr Kim", "Kim")]),
        ]
    )
    assert sorted(f.key for f in consensus.facts if f.kind == "actor") == [
        "kim",
        "kim jong un",
        "kim yo jong",
    ]


# --- dates, places, quotes, claims --------------------------------------------------------


def test_dates_compare_at_their_granularity() -> None:
    def dated(article_id: str, iso: str, grain: str) -> EventRecord:
        return record(article_id, when=When(date=iso, granularity=grain))

    compatible = merge_records([dated("a", "2025-09", "month"), dated("b", "2025-09-03", "day")])
    assert only(compatible, "date").status == "compatible"
    assert compatible.event.when == "2025-09-03"
    # Two days in a row may be one moment on either side of midnight: they fit, unsure.
    midnight = merge_records([dated("a", "2025-09-02", "day"), dated("b", "2025-09-03", "day")])
    assert (only(midnight, "date").status, only(midnight, "date").confidence) == ("compatible", 0.5)
    conflicting = merge_records([dated("a", "2025-09-01", "day"), dated("b", "2025-09-03", "day")])
    assert only(conflicting, "date").status == "conflicting"


def test_dated_sub_events_align_by_what_happened() -> None:
    treaty = "Kim and Putin signed"
    consensus = merge_records(
        [
            record("a", sub_events=[SubEvent(what=f"{treaty} a defence treaty", when="2024-06")]),
            record(
                "b",
                sub_events=[SubEvent(what=f"{treaty} a mutual defence treaty", when="2024-06-19")],
            ),
            record("c", sub_events=[SubEvent(what="Kim visited Beijing", when="2019")]),
        ]
    )
    statuses = sorted((f.key, f.status) for f in consensus.facts if f.kind == "date")
    assert statuses == [
        ("sub-event: kim and putin signed a defence treaty", "compatible"),
        ("sub-event: kim visited beijing", "single_source"),
    ]


def test_places_agree_by_normalised_name() -> None:
    consensus = merge_records(
        [
            record("a", where=Place(name="Beijing", country="China")),
            record("b", where=Place(name="beijing")),
            record("c", where=Place(name="Pyongyang", country="North Korea")),
            record("d", where=Place(name="Pyongyang")),
        ]
    )
    # (one outlet alone on another country would be a check, not a conflict:
    # test_merge_kinds.test_places_each_one_outlet_gives_alone_are_no_conflict)
    assert only(consensus, "place").status == "conflicting"
    assert consensus.event.where == "Beijing" and consensus.event.where_country == "China"
    two = merge_records(
        [record("a", where=Place(name="Beijing")), record("b", where=Place(name="BEIJING"))]
    )
    assert only(two, "place").status == "agreed"


def test_quotes_match_across_punctuation_and_fragments_and_flag_misattribution() -> None:
    words = "it also places the country squarely inside a common security story"
    consensus = merge_records(
        [
            record("a", quotes=[Quote(speaker="Jenny Town", text=f"{words}.", via="Al Jazeera")]),
            record(
                "b", quotes=[Quote(speaker="Ms Town", text=f"\u201c{words.capitalize()}\u201d")]
            ),
            record("c", quotes=[Quote(speaker="Jenny Town", text="a common security story")]),
        ]
    )
    fact = only(consensus, "quote")
    assert fact.status == "compatible"
    assert fact.outlets == ["A", "B", "C"]
    misattributed = merge_records(
        [
            record("a", quotes=[Quote(speaker="Jenny Town", text=words)]),
            record("b", quotes=[Quote(speaker="Xi Jinping", text=words)]),
        ]
    )
    assert only(misattributed, "quote").status == "conflicting"


def test_claims_align_by_statement_and_source() -> None:
    def claim(statement: str, source: str) -> Claim:
        return Claim(statement=statement, according_to=source)

    sent = "North Korea has sent"
    consensus = merge_records(
        [
            record("a", claims=[claim("North Korea sent troops to Russia", "NIS")]),
            record(
                "b",
                claims=[
                    claim(
                        f"{sent} thousands of troops to Russia",
                        "South Korea's National Intelligence Service",
                    )
                ],
            ),
            record("c", claims=[claim("Kim will meet Xi on Thursday", "KCNA")]),
        ]
    )
    facts = sorted((f.status, f.upstream_sources, f.independent_origins) for f in consensus.facts)
    # Outlets relaying one claim agree on it, however they word it.
    assert facts == [("agreed", ["NIS"], 1), ("single_source", ["KCNA"], 1)]


def test_reworded_claims_align_unless_their_figures_differ() -> None:
    institute = "Kim visited a missile research institute working on a new ICBM engine"
    facility = "Kim visited a missile research facility working on materials for ICBM engines"
    pair = [
        record("a", claims=[Claim(statement=f"{institute} before leaving.")]),
        record("b", claims=[Claim(statement=f"{facility} before crossing the border.")]),
    ]
    assert only(merge_records(pair), "claim").status == "agreed"
    strict = merge_records(pair, tolerances=MergeTolerances(statement_dice=0.95))
    assert [f.status for f in strict.facts] == ["single_source", "single_source"]
    figures = merge_records(
        [
            record("a", claims=[Claim(statement="About 2,000 North Korean soldiers were killed")]),
            record("b", claims=[Claim(statement="About 600 North Korean soldiers were killed")]),
            record("c", claims=[Claim(statement="About 2,000 soldiers were killed, up from 600")]),
        ]
    )
    assert [f.status for f in figures.facts] == ["single_source"] * 3
    buys = "Halvorsen Blue Lines buys"
    one_gives_none = merge_records(
        [
            record("a", claims=[Claim(statement=f"{buys} Corvina Terminals")]),
            record("b", claims=[Claim(statement=f"{buys} a 51% stake in Corvina Terminals")]),
        ]
    )
    assert only(one_gives_none, "claim").status == "agreed"


def test_reworded_sub_events_align_on_dates_that_fit_and_a_plan_met_is_compatible() -> None:
    def sub(article_id: str, what: str, when: str) -> EventRecord:
        return record(article_id, sub_events=[SubEvent(what=what, when=when)])

    closing = merge_records(
        [
            sub("a", "Expected closing of the transaction", "2025-12"),
            sub("b", "Expected closing of the purchase", "2025-12"),
        ]
    )
    assert only(closing, "date").status == "agreed"
    bridge = merge_records(
        [
            sub(
                "a",
                "Army engineers hope to build a temporary crossing over the river",
                "2025-11-06",
            ),
            sub("b", "Army engineers open a temporary crossing over the river", "2025-11-06"),
        ]
    )
    assert only(bridge, "date").status == "compatible"
    # The same rewording a year apart is two events, not one.
    apart = merge_records(
        [
            sub("a", "Expected closing of the transaction", "2025-12"),
            sub("b", "Expected closing of the purchase", "2026-12"),
        ]
    )
    assert sorted(f.status for f in apart.facts) == ["single_source", "single_source"]


# --- independence -------------------------------------------------------------------------


def test_outlets_citing_one_upstream_count_once() -> None:
    killed = "North Korean soldiers killed"
    consensus = merge_records(
        [
            record("a", quantities=[qty(2_000, killed, hedge="about", attributed_to="NIS")]),
            record(
                "b",
                quantities=[
                    qty(
                        2_000,
                        killed,
                        hedge="about",
                        attributed_to="South Korea's National Intelligence Service",
                    )
                ],
            ),
            record(
                "c", quantities=[qty(2_000, killed, hedge="about", attributed_to="the spy agency")]
            ),
            record(
                "d", quantities=[qty(2_000, killed, hedge="about", attributed_to="Ukraine's HUR")]
            ),
            record("e", quantities=[qty(2_000, killed, hedge="about")]),
        ]
    )
    fact = only(consensus, "quantity")
    assert fact.status == "agreed"
    # 'the spy agency' names no one agency: only its article could tell which.
    assert fact.upstream_sources == ["NIS", "Ukraine's HUR", "the spy agency"]
    assert fact.independent_origins == 4  # NIS, HUR, the spy agency, outlet E's reporting


def _resolved_keys(resolver: SourceResolver) -> Callable[[str], str]:
    """The key a resolver gives a name (never None for a name given)."""

    def key(name: str) -> str:
        resolved = resolver.resolve(name)
        assert resolved is not None
        return resolved.key

    return key


def test_spellings_of_one_source_meet_by_general_rules() -> None:
    names = [
        "South Korea's National Intelligence Service (NIS)",
        "South Korea\u2019s NIS",
        "NIS, according to lawmaker Lee Seong-kweun",
        "National Inteligence Service",
        "Agence France-Presse",
        "AFP",
        "Yonhap",
        "Yonhap news agency",
        "The state-controlled Rodong Sinmun",
        "the state-run Rodong Sinmun newspaper",
        "Marine Le Pen",
        "Marine Le Pen's lawyer",
        "lawyer for Marine Le Pen",
        "the spy agency",
        "Russia's spy agency",
        "North Korean state media",
        "North Korea",
    ]
    resolver = SourceResolver(names, fuzzy_threshold=90)
    key = _resolved_keys(resolver)

    assert {key(name) for name in names[:4]} == {"NIS"}
    assert key("Agence France-Presse") == key("AFP") == "AFP"
    assert key("Yonhap news agency") == key("Yonhap")
    assert key("The state-controlled Rodong Sinmun") == key("the state-run Rodong Sinmun newspaper")
    assert resolver.resolve("state newspaper Rodong Sinmun") == resolver.resolve(
        "The state-controlled Rodong Sinmun"
    )
    # A possessive or a preposition before the name makes it someone else's.
    assert len({key(n) for n in ("Marine Le Pen", "Marine Le Pen's lawyer")}) == 2
    assert key("lawyer for Marine Le Pen") != key("Marine Le Pen")
    # A description names no body; a nationality is not a name misspelt.
    assert len({key(n) for n in ("the spy agency", "Russia's spy agency", "NIS")}) == 3
    assert key("North Korean state media") != key("North Korea")
    assert resolver.resolve("") is None and resolver.resolve(None) is None
    other = resolver.resolve("Ukraine's HUR")
    assert other is not None and not other.known and other.display == "Ukraine's HUR"


def test_a_description_is_built_around_a_name() -> None:
    assert described_core("the state-run Rodong Sinmun newspaper") == "Rodong Sinmun"
    assert described_core("NIS, according to lawmaker Lee") == "NIS"
    assert described_core("North Korean state media") == ""
    assert described_core("Le Pen's lawyer") == ""
    assert described_core("the spy agency") == ""


def test_source_resolution_does_not_depend_on_the_order_of_names() -> None:
    names = ["Yonhap news agency", "Yonhap", "KCNA", "Korean Central News Agency", "the spy agency"]
    forward = SourceResolver(names, fuzzy_threshold=90)
    backward = SourceResolver(list(reversed(names)), fuzzy_threshold=90)
    assert [forward.resolve(n) for n in names] == [backward.resolve(n) for n in names]


BASE = (
    "The ferry Marisol reached Porto Lento by night, harbour officials said on Friday, ahead "
    "of a regatta held to mark eighty years of the town's sailing club. The skipper is one "
    "of 40 captains invited to race. Roughly 300 passengers were aboard the vessel when it "
    "docked, the regional port authority said, citing a deck officer it had spoken to."
)


def test_near_copies_are_detected_and_count_as_one_origin() -> None:
    original = Article(id="wire", outlet="Wire", text=BASE)
    copy = Article(
        id="copy",
        outlet="Copycat Daily",
        text=BASE.replace("by night", "late at night") + " Analysts were not surprised.",
    )
    unrelated = Article(
        id="other", outlet="Elsewhere", text="A ferry docked in Porto Lento on Friday. " * 5
    )
    pairs = detect_derivatives(
        [unrelated, copy, original],
        threshold=0.5,
        containment_threshold=0.8,
        min_shingles=20,
        shingle_size=5,
        max_passages=5,
    )
    assert [(p.article_a, p.article_b) for p in pairs] == [("copy", "wire")]
    pair = pairs[0]
    assert pair.similarity > 0.7
    longest = max(pair.evidence, key=lambda p: len(p.span_a.text))
    assert "one of 40 captains invited to race" in longest.span_a.text
    assert copy.text[longest.span_a.start : longest.span_a.end] == longest.span_a.text
    assert original.text[longest.span_b.start : longest.span_b.end] == longest.span_b.text

    records = [
        record("wire", "Wire", quantities=[qty(26, "world leaders")]),
        record("copy", "Copycat Daily", quantities=[qty(26, "world leaders")]),
        record("other", "Elsewhere", quantities=[qty(26, "world leaders")]),
    ]
    with_texts = merge_records(records, articles=[original, copy, unrelated])
    assert [(d.article_a, d.article_b) for d in with_texts.derivatives] == [("copy", "wire")]
    assert only(with_texts, "quantity").independent_origins == 2
    assert only(merge_records(records), "quantity").independent_origins == 3


def test_count_independent_origins_joins_shared_sources_and_derivatives() -> None:
    origins = {"a": {"NIS"}, "b": {"NIS"}, "c": {"c-outlet"}, "d": {"d-outlet"}}
    assert count_independent_origins(origins) == 3
    assert count_independent_origins(origins, [("c", "d")]) == 2
    assert count_independent_origins(origins, [("c", "zzz")]) == 3


# --- the consensus as a whole -----------------------------------------------------------


def test_duplicate_article_ids_collapse_and_provenance_is_collected() -> None:
    stamp = datetime(2025, 9, 2, 12, tzinfo=UTC)
    provenance = Provenance(
        model="local/gemma-3-270m",
        prompt_name="extract_event",
        prompt_version="v1",
        prompt_hash="abc",
        created_at=stamp,
    )
    one = record("a", quantities=[qty(26, "world leaders")], provenance=provenance)
    consensus = merge_records([one, one, one])
    assert consensus == merge_records([one])
    assert [o.article_id for o in consensus.outlets] == ["a"]
    assert consensus.provenance.models == ["local/gemma-3-270m"]
    assert consensus.provenance.prompts[0].hash == "abc"
    assert consensus.provenance.created_at == stamp
    assert consensus.provenance.tolerances["approx_rel"] == pytest.approx(0.10)
    assert consensus.narrative_mode == "none" and consensus.narrative == []


def test_event_is_chosen_by_majority() -> None:
    consensus = merge_records(
        [
            record("a", event_type="visit", where=Place(name="Beijing")),
            record("b", event_type="visit"),
            record("c", event_type="military"),
        ]
    )
    assert consensus.event.event_type == "visit"
    assert consensus.event.where == "Beijing"


def test_empty_input_gives_an_empty_consensus() -> None:
    consensus = merge_records([])
    assert consensus.facts == [] and consensus.outlets == []
    assert consensus.event.headline == ""


def test_a_count_taken_by_an_hour_is_revised_by_its_sources_count_for_the_day() -> None:
    marched, ministry = "demonstrators marched across France", "Interior Ministry"

    def counts(scope: str) -> Consensus:
        early = qty(354_000, marched, attributed_to=ministry).model_copy(
            update={"time_scope": scope}
        )
        day = qty(505_000, marched, attributed_to=ministry, as_of="2025-09-18")
        return merge_records(
            [
                record("wire", published_at="2025-09-18T16:30:00Z", quantities=[early]),
                record("post", published_at="2025-10-02T09:00:00Z", quantities=[day]),
            ]
        )

    revision = only(counts("by 4 pm"), "quantity", revised=True)
    assert [(v.value, v.article_ids) for v in revision.values] == [
        (354_000, ["wire"]),
        (505_000, ["post"]),
    ]
    # Without the hour, the undated figure reads as the current one: the day's count
    # would be the one replaced.
    unscoped = only(counts(""), "quantity", revised=True)
    assert [v.value for v in unscoped.values] == [505_000, 354_000]


@pytest.mark.parametrize(
    ("scope", "snapshot"),
    [
        ("by 4 pm", True),
        ("as of 10 a.m. on Wednesday", True),
        ("so far", True),
        ("on Thursday", False),
        ("bystanders", False),
        ("", False),
    ],
)
def test_a_time_scope_at_a_point_of_time_is_a_snapshot(scope: str, snapshot: bool) -> None:
    assert is_snapshot(scope) is snapshot


def test_an_unattributed_count_so_far_is_replaced_by_a_later_count() -> None:
    turnout = "turnout at the general election"
    early = qty(55, turnout, unit="%", phrase="55%").model_copy(update={"time_scope": "so far"})
    consensus = merge_records(
        [
            record("night", published_at="2024-07-04T23:40:00Z", quantities=[early]),
            record(
                "day",
                published_at="2024-07-05T18:00:00Z",
                quantities=[qty(60, turnout, unit="%", phrase="60%")],
            ),
        ]
    )
    revision = only(consensus, "quantity", revised=True)
    assert [(v.value, v.article_ids) for v in revision.values] == [(55, ["night"]), (60, ["day"])]
    # Named sources giving the two counts dispute them: no revision, a conflict.
    named = merge_records(
        [
            record(
                "night",
                published_at="2024-07-04T23:40:00Z",
                quantities=[early.model_copy(update={"attributed_to": "the union"})],
            ),
            record(
                "day",
                published_at="2024-07-05T18:00:00Z",
                quantities=[qty(60, turnout, unit="%", phrase="60%", attributed_to="the police")],
            ),
        ]
    )
    assert only(named, "quantity").status == "conflicting"


def test_two_sources_tolls_side_by_side_stay_a_dispute_while_the_toll_rises() -> None:
    killed = "people killed in the raid"
    early = qty(150, killed, hedge="at_least")
    army = qty(100, killed, hedge="less_than", attributed_to="the army", at=40)
    ministry = qty(274, killed, attributed_to="the health ministry")
    consensus = merge_records(
        [
            record("first", published_at="2024-06-08T13:00:00Z", quantities=[early]),
            record("both", published_at="2024-06-09T09:00:00Z", quantities=[army, ministry]),
            record("later", published_at="2024-06-10T07:00:00Z", quantities=[ministry]),
        ]
    )
    current = only(consensus, "quantity", revised=False)
    assert current.status == "conflicting"
    assert [(v.value, v.attributed_to) for v in current.values] == [
        (100, "the army"),
        (274, "the health ministry"),
    ]
    # The unattributed first count still rises into the current figures.
    revision = only(consensus, "quantity", revised=True)
    assert revision.values[0].value == 150


def test_a_bodys_officials_and_spokesman_speak_for_it() -> None:
    names = ["UN officials", "UN", "Brenmoor County spokesman", "Brenmoor County", "officials"]
    key = _resolved_keys(SourceResolver(names, fuzzy_threshold=90))

    assert key("UN officials") == key("UN")
    assert key("Brenmoor County spokesman") == key("Brenmoor County")
    assert key("officials") != key("UN")  # officials of no named body are no one's


def test_a_title_before_a_name_is_the_office_it_names() -> None:
    """'Coroner Ivo Lund', 'the coroner' and 'the coroner's office' are one source; a
    title is no office when a name does not follow it, and a name with another title
    stays apart."""
    names = [
        "Coroner Ivo Lund",
        "the coroner's office",
        "the coroner",
        "Mayor Ana Ruiz",
        "the governor",
        "Ivo Lund's lawyer",
    ]
    resolver = SourceResolver(names, fuzzy_threshold=90)
    key = _resolved_keys(resolver)

    assert key("Coroner Ivo Lund") == key("the coroner's office") == key("the coroner")
    assert resolver.known("the coroner's office") == "Coroner Ivo Lund"  # the name is shown
    assert key("Mayor Ana Ruiz") not in (key("the governor"), key("the coroner"))
    assert key("Ivo Lund's lawyer") != key("Coroner Ivo Lund")
