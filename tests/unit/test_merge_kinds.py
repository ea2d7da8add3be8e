"""Each fact kind of the merge, built alone from a read-only `MergeContext`."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from schemas.article import Article
from schemas.record import (
    Actor,
    Claim,
    EventRecord,
    Hedge,
    Place,
    Quantity,
    Quote,
    Span,
    SubEvent,
    When,
)
from service.merge.actors import build_actor_facts
from service.merge.claims import build_claim_facts
from service.merge.context import MergeContext
from service.merge.counted import clause_around, marked_older
from service.merge.dates import build_date_facts
from service.merge.drafts import Draft, to_fact
from service.merge.event import build_event
from service.merge.frames import clause_scope
from service.merge.places import build_place_facts
from service.merge.quantities import build_quantity_facts
from service.merge.quotes import build_quote_facts
from service.merge.tolerances import DEFAULT_TOLERANCES, MergeTolerances


def record(article_id: str, outlet: str | None = None, **fields: object) -> EventRecord:
    return EventRecord.model_validate(
        {"article_id": article_id, "outlet": outlet, "headline": "Kim in Beijing", **fields}
    )


def context(*records: EventRecord, articles: tuple[Article, ...] = ()) -> MergeContext:
    """The context `merge_records` builds: records sorted by id, ids distinct."""
    ordered = sorted(records, key=lambda r: r.article_id)
    return MergeContext.build(ordered, list(articles), DEFAULT_TOLERANCES)


def figure(value: float, hedge: Hedge = "exact", *, as_of: str | None = None) -> Quantity:
    return Quantity(value=value, hedge=hedge, counted="North Korean soldiers killed", as_of=as_of)


def placed(*places: Place) -> MergeContext:
    """Records that each give only an event place, one outlet each (ids a, b, c, ...)."""
    outlets = ("Wire", "Daily", "Post", "Herald")
    return context(
        *(record(chr(ord("a") + i), outlets[i], where=place) for i, place in enumerate(places))
    )


def summary(drafts: list[Draft]) -> list[tuple[str, str]]:
    return [(draft.key, draft.status) for draft in drafts]


def test_the_context_is_built_once_and_read_only() -> None:
    article = Article(
        id="b", outlet="The Guardian", text="Kim arrived.", published_at=date(2025, 9, 3)
    )
    ctx = context(
        record("a", "the guardian"), record("b"), record("c", "Yonhap"), articles=(article,)
    )
    # One outlet however it is spelled; a record without an outlet takes its article's.
    assert ctx.outlet_key == {"a": "guardian", "b": "guardian", "c": "yonhap"}
    assert ctx.outlet_name["guardian"] == "The Guardian"
    assert ctx.published["b"] == "2025-09-03"
    assert ctx.texts == {"b": "Kim arrived."}
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.tol = MergeTolerances()  # type: ignore[misc]
    with pytest.raises(TypeError):
        ctx.outlet_key["a"] = "bbc"  # type: ignore[index]


def test_actor_facts_alone() -> None:
    ctx = context(
        record("a", "Wire", actors=[Actor(name="Mr Kim", canonical_name="Kim Jong Un")]),
        record("b", "Daily", actors=[Actor(name="Comrade Kim Jong Un", canonical_name="Kim")]),
        record("c", "Daily", actors=[Actor(name="Xi", canonical_name="Xi Jinping")]),
    )
    assert summary(build_actor_facts(ctx)) == [
        ("kim jong un", "agreed"),
        ("xi jinping", "single_source"),
    ]


def test_quantity_facts_alone_split_a_revision_from_the_current_figure() -> None:
    ctx = context(
        record("a", "Wire", quantities=[figure(600, "at_least", as_of="2025-04")]),
        record("b", "Daily", quantities=[figure(2_000, "about")]),
        record("c", "Post", quantities=[figure(2_000, "at_least")]),
    )
    current, revision = build_quantity_facts(ctx)
    assert (current.key, current.status) == ("soldier dead", "compatible")
    assert (revision.key, revision.status) == ("soldier dead (revision)", "revised")
    assert [v.value for v in revision.values] == [600, 2_000, 2_000]
    assert to_fact(ctx, current).related_fact_ids == [to_fact(ctx, revision).id]


def test_date_facts_alone_a_plan_and_its_outcome_fit() -> None:
    planned = SubEvent(what="Kim is expected to meet Xi", when="2025-09-04")
    done = SubEvent(what="Kim meets Xi", when="2025-09-04")
    ctx = context(
        record("a", "Wire", when=When(date="2025-09"), sub_events=[planned]),
        record("b", "Daily", when=When(date="2025-09-03"), sub_events=[done]),
    )
    drafts = build_date_facts(ctx)
    assert drafts[0].key == "event date"
    assert [d.status for d in drafts] == ["compatible", "compatible"]


def test_a_planned_date_moved_by_a_later_report_is_revised_not_compatible() -> None:
    appeal = "The party files its appeal in the high court"

    def told(article_id: str, outlet: str, published: str, day: str) -> tuple[Article, EventRecord]:
        article = Article(id=article_id, outlet=outlet, text=appeal, published_at=published)
        sub = SubEvent(what=appeal, when=day)
        return article, record(article_id, outlet, sub_events=[sub])

    (a1, r1), (a2, r2) = (
        told("a", "Wire", "2025-01-18T10:00:00Z", "2025-01-20"),
        told("b", "Daily", "2025-01-20T09:00:00Z", "2025-01-21"),
    )
    moved = build_date_facts(context(r1, r2, articles=(a1, a2)))
    assert [(d.status, [v.text for v in d.values]) for d in moved] == [
        ("revised", ["2025-01-20", "2025-01-21"])
    ]
    # Two dates reported on one day are no move: nothing says which came first.
    (a3, r3) = told("b", "Daily", "2025-01-18T15:00:00Z", "2025-01-21")
    same_day = build_date_facts(context(r1, r3, articles=(a1, a3)))
    assert [(d.status, d.confidence) for d in same_day] == [("compatible", 0.5)]


def test_place_facts_alone() -> None:
    agreed = placed(Place(name="Beijing", country="China"), Place(name="beijing"))
    assert summary(build_place_facts(agreed)) == [("event place", "agreed")]
    apart = placed(Place(name="Beijing", country="China"), Place(name="Pyongyang"))
    assert summary(build_place_facts(apart)) == [("event place", "conflicting")]
    assert build_place_facts(context(record("a", "Wire"))) == []


def test_a_country_the_gazetteer_does_not_know_tells_no_places_apart() -> None:
    # A town named with its region, or a region given as the country, is the same place
    # named more fully; two stated countries the gazetteer knows still tell places apart.
    nested = placed(
        Place(name="Brenmoor"),
        Place(name="Brenmoor", country="Westmarch"),
        Place(name="Valdoria", country="Brenmoor"),
    )
    [fact] = build_place_facts(nested)
    assert fact.status == "compatible"
    unknown = placed(
        Place(name="Kessby", country="Ostrevia"),
        Place(name="Port Essel", country="Netherlands"),
    )
    assert summary(build_place_facts(unknown)) == [("event place", "compatible")]
    known = placed(
        Place(name="Springfield", country="United States"),
        Place(name="Springfield", country="Australia"),
    )
    assert summary(build_place_facts(known)) == [("event place", "conflicting")]


def test_a_place_is_read_in_the_country_the_records_state_for_it() -> None:
    # The gazetteer's only 'Flores' is a department of Uruguay: the island named with its
    # country, or named bare beside records that give its country, is still in Indonesia.
    island = placed(
        Place(name="Flores", country="Indonesia"),
        Place(name="Kupang", country="Indonesia"),
        Place(name="Flores"),
    )
    assert summary(build_place_facts(island)) == [("event place", "compatible")]
    apart = placed(Place(name="Kyiv", country="Ukraine"), Place(name="Moscow"))
    assert summary(build_place_facts(apart)) == [("event place", "conflicting")]


def test_places_each_one_outlet_gives_alone_are_no_conflict() -> None:
    # Two outlets agree on the place; the others each name their own article's scene in
    # other countries (a dateline, a briefing's city): a check, not a disagreement.
    scenes = placed(
        Place(name="Ankara", country="Turkey"),
        Place(name="Ankara"),
        Place(name="Bonn", country="Germany"),
        Place(name="Moscow"),
    )
    [fact] = build_place_facts(scenes)
    assert (fact.status, fact.confidence) == ("compatible", 0.5)
    # Two outlets on each side still disagree; so do one against one.
    backed = placed(
        Place(name="Ankara", country="Turkey"),
        Place(name="Ankara"),
        Place(name="Bonn", country="Germany"),
        Place(name="Bonn"),
    )
    assert summary(build_place_facts(backed)) == [("event place", "conflicting")]
    even = placed(
        Place(name="Ankara", country="Turkey"),
        Place(name="Bonn", country="Germany"),
    )
    assert summary(build_place_facts(even)) == [("event place", "conflicting")]


def test_quote_facts_alone_flag_a_second_speaker() -> None:
    words = "We will never forget the sacrifice of our soldiers"
    ctx = context(
        record("a", "Wire", quotes=[Quote(text=words, speaker="Kim Jong Un")]),
        record("b", "Daily", quotes=[Quote(text=f"“{words}.”", speaker="Xi Jinping")]),
    )
    [draft] = build_quote_facts(ctx)
    assert draft.status == "conflicting"
    assert draft.statement.endswith("conflicting attribution (2 outlets)")


def test_a_speaker_named_more_fully_is_no_second_speaker() -> None:
    # The company and its chief executive by name: one speaker, named more or less fully.
    words = "Owning the terminals lets us give customers one chain from quay to warehouse"
    ctx = context(
        record("a", "Wire", quotes=[Quote(text=words, speaker="Halvorsen")]),
        record(
            "b", "Daily", quotes=[Quote(text=words, speaker="Halvorsen Chief Executive Ana Ruiz")]
        ),
    )
    [draft] = build_quote_facts(ctx)
    assert draft.status == "agreed"


def _said_by(*speakers: str) -> list[EventRecord]:
    words = "The runway will stay shut until the inspectors have finished their work"
    return [
        record(chr(ord("a") + n), f"Outlet {n}", quotes=[Quote(text=words, speaker=who)])
        for n, who in enumerate(speakers)
    ]


@pytest.mark.parametrize(
    "speakers",
    [
        ("Mara Quist", "he"),  # a pronoun points at someone it does not name
        ("Judge Osei", "the judge"),  # so does a description
        ("Pavel Dromm", "Secretary"),  # or a title alone
        ("Lena Vik", "Norland Air's Lena Vik", "Norland Air"),  # one names both
    ],
)
def test_a_speaker_who_names_no_one_or_is_named_through_another_is_no_second_speaker(
    speakers: tuple[str, ...],
) -> None:
    [draft] = build_quote_facts(context(*_said_by(*speakers)))
    assert draft.status == "agreed"
    who = draft.statement.rsplit(" — ", 1)[1].removesuffix(" (2 outlets)").split(" / ")
    assert "he" not in who and "the judge" not in who and "Secretary" not in who


def test_two_named_speakers_still_conflict_beside_a_pronoun() -> None:
    [draft] = build_quote_facts(context(*_said_by("Mara Quist", "he", "Pavel Dromm")))
    assert draft.status == "conflicting"
    assert "Mara Quist / Pavel Dromm: conflicting attribution" in draft.statement


def test_claim_facts_alone_name_their_source() -> None:
    claim = "North Korea sent troops to Russia"
    ctx = context(
        record(
            "a",
            "Wire",
            claims=[Claim(statement=claim, according_to="the National Intelligence Service")],
        ),
        record("b", "Daily", claims=[Claim(statement=claim + ".", according_to="NIS")]),
    )
    [draft] = build_claim_facts(ctx)
    assert draft.status == "agreed"
    assert draft.statement == "NIS: North Korea sent troops to Russia (2 outlets)"
    fact = to_fact(ctx, draft)
    assert (fact.upstream_sources, fact.independent_origins) == (["NIS"], 1)


def test_a_claim_that_runs_two_together_chains_no_groups_into_one() -> None:
    """A headline and its subheading read as one statement say what two groups of claims
    say; complete linkage keeps the two groups apart instead of chaining them through it."""
    toll = "2,000 soldiers were killed in the war in Brenmoor"
    growth = "cooperation between Norland and Brenmoor will keep growing"
    ctx = context(
        record("a", "Wire", claims=[Claim(statement=toll, according_to="Ivo Lund")]),
        record("b", "Daily", claims=[Claim(statement=f"{toll} - {growth}")]),
        record("c", "Post", claims=[Claim(statement=growth, according_to="Mara Quist")]),
    )
    groups = sorted(sorted(o.article_id for o in d.obs) for d in build_claim_facts(ctx))
    assert ["a", "c"] not in groups and not any(len(g) == 3 for g in groups)


def test_the_event_alone_is_what_most_records_say() -> None:
    ctx = context(
        record("a", "Wire", headline="Kim arrives in Beijing", where=Place(name="Beijing")),
        record("b", "Daily", headline="Kim arrives in Beijing"),
        record("c", "Post", headline="Parade in Beijing", when=When(date="2025-09-03")),
    )
    event = build_event(ctx)
    assert (event.headline, event.when, event.where) == (
        "Kim arrives in Beijing",
        "2025-09-03",
        "Beijing",
    )


def test_the_clause_around_a_figure_gives_its_scope_and_age() -> None:
    text = "Its initial count was 600. Another 6,000 troops will follow, officials said."
    another = clause_around(text, text.index("6,000"), text.index("6,000") + len("6,000"))
    assert clause_scope(another) == frozenset({"additional"})
    initial = clause_around(text, text.index("600"), text.index("600") + len("600"))
    assert marked_older(initial) and not marked_older(another)
    # The sentence break keeps 'another' out of the first figure's clause.
    assert clause_scope(initial) == frozenset()


def test_a_forecast_governs_its_whole_clause() -> None:
    """'expected' stands more than a few words before the second figure, past another
    figure, and still makes it a forecast; a clause after a break, or a relative clause
    inside it ('a club that hired ...'), is not governed by it."""
    text = (
        "Analysts had expected a core loss of $8.82 per share on revenue of $17.94 billion. "
        "Harbour Bank reported revenue of $17.84 billion. Fans had predicted a title for a "
        "club that hired Ivo Lund on a three-year contract worth $9 million."
    )
    cases: tuple[tuple[str, frozenset[str]], ...] = (
        ("$17.94 billion", frozenset({"planned"})),
        ("$17.84 billion", frozenset()),
        ("$9 million", frozenset()),
    )
    for figure, scope in cases:
        start = text.index(figure)
        assert clause_scope(clause_around(text, start, start + len(figure))) == scope


def test_a_quantity_clause_is_read_only_when_its_span_matches_the_text() -> None:
    text = "Another 6,000 troops will follow."
    phrase = "6,000 troops"
    start = text.index(phrase)
    spans = {
        "right": Span(start=start, end=start + len(phrase), text=phrase),
        "stale": Span(start=0, end=len(phrase), text=phrase),
    }
    keys = {}
    for name, span in spans.items():
        quantity = Quantity(value=6_000, counted="troops", evidence=[span], grounded=True)
        ctx = context(
            record("a", "Wire", quantities=[quantity]), articles=(Article(id="a", text=text),)
        )
        [draft] = build_quantity_facts(ctx)
        keys[name] = draft.key
    assert keys == {"right": "soldier additional", "stale": "soldier"}


def _containment(value: float, fire: str) -> Quantity:
    return Quantity(
        value=value,
        unit="%",
        counted=f"containment of the {fire} fire",
        entity="containment",
        happening="contained",
    )


def _published(article_id: str, day: int) -> Article:
    return Article(
        id=article_id, outlet=article_id.upper(), text="…", published_at=date(2025, 1, day)
    )


def test_a_running_share_grows_as_a_revision_and_two_named_things_stay_apart() -> None:
    early = record("a", "A", quantities=[_containment(6, "Palisades"), _containment(0, "Eaton")])
    later = record("b", "B", quantities=[_containment(11, "Palisades"), _containment(27, "Eaton")])
    ctx = context(early, later, articles=(_published("a", 10), _published("b", 12)))
    drafts = build_quantity_facts(ctx)
    statuses = sorted(d.status for d in drafts)
    # Each fire's containment grows from one day to the next: a revision each, with
    # its current value; never one fact mixing the two fires, never a conflict.
    assert "conflicting" not in statuses
    assert statuses.count("revised") == 2
    revised = [d for d in drafts if d.status == "revised"]
    assert sorted([v.value for v in d.values] for d in revised) == [[0, 27], [6, 11]]


def test_a_unit_named_as_the_counted_thing_is_no_named_thing() -> None:
    # 'kilometres' says how a figure is measured, not what: a depth of 5 / 10 km and a
    # distance of 17 / 21 km are two facts, each a conflict, never one revision chain.
    def km(value: float, what: str) -> Quantity:
        return Quantity(
            value=value, unit="km", counted=f"{what} of the earthquake", entity="kilometres"
        )

    ctx = context(
        record("a", "A", quantities=[km(5, "depth"), km(21, "distance of the epicentre")]),
        record("b", "B", quantities=[km(10, "depth"), km(17, "distance of the epicentre")]),
    )
    drafts = build_quantity_facts(ctx)
    assert sorted(sorted(v.value or 0 for v in d.values) for d in drafts) == [[5, 10], [17, 21]]
    assert {d.status for d in drafts} == {"conflicting"}


def test_one_outlet_giving_two_sources_figures_reports_a_dispute_not_a_revision() -> None:
    def march(value: float, source: str) -> Quantity:
        return Quantity(
            value=value,
            counted="demonstrators across the country",
            entity="demonstrators",
            happening="marched",
            attributed_to=source,
        )

    ctx = context(
        record(
            "a",
            "A",
            quantities=[march(195_000, "the Interior Ministry"), march(600_000, "the CGT")],
        ),
        record(
            "b",
            "B",
            quantities=[march(195_000, "the Interior Ministry"), march(600_000, "the CGT")],
        ),
    )
    drafts = build_quantity_facts(ctx)
    assert [d.status for d in drafts] == ["conflicting"]
    assert sorted(v.value or 0 for v in drafts[0].values) == [195_000, 600_000]


def test_a_source_does_not_contradict_its_own_running_count() -> None:
    def arrests(value: float) -> Quantity:
        return Quantity(
            value=value,
            counted="people arrested in the capital",
            entity="people",
            happening="arrested",
            attributed_to="the Interior Ministry",
        )

    day = (_published("a", 18), _published("b", 18))
    ctx = context(
        record("a", "A", quantities=[arrests(21)]),
        record("b", "B", quantities=[arrests(31)]),
        articles=day,
    )
    statuses = sorted(d.status for d in build_quantity_facts(ctx))
    assert statuses == ["revised", "single_source"]
    # The same two counts in one article, nothing dating them apart, hold at once: two
    # facts, not a count that rose (nothing says which came first).
    one = context(record("a", "A", quantities=[arrests(21), arrests(31)]), articles=day[:1])
    facts = build_quantity_facts(one)
    assert sorted((d.status, [v.value for v in d.values]) for d in facts) == [
        ("single_source", [21]),
        ("single_source", [31]),
    ]


def test_words_before_the_counted_head_say_which_of_them() -> None:
    # 'young people' are a part of the marchers; 'police officers and gendarmes' are two
    # kinds of people, not gendarmes of the police; 'primary and secondary teachers' meet
    # 'secondary teachers'.
    from service.merge.frames import modifiers_of

    assert modifiers_of("young people") == {"young"}
    assert modifiers_of("core loss per share") == {"core"}
    assert modifiers_of("police officers and gendarmes") == frozenset()
    assert modifiers_of("members of the security forces") == frozenset()
    assert modifiers_of("primary and secondary teachers") == {"primary", "secondary"}
    assert modifiers_of("troops") == frozenset()

    def marchers(value: float, entity: str) -> Quantity:
        return Quantity(value=value, unit="people", entity=entity, happening="marched")

    ctx = context(
        record("a", "A", quantities=[marchers(354_000, "demonstrators")]),
        record("b", "B", quantities=[marchers(110_000, "young people")]),
    )
    assert sorted(d.status for d in build_quantity_facts(ctx)) == ["single_source"] * 2


def test_two_units_sharing_only_their_head_noun_are_two_parts() -> None:
    # '$3 billion' in one unit and '$2 billion' in another are two charges, never a
    # conflict; the same unit worded twice is one fact.
    def charge(value: float, unit_of: str) -> Quantity:
        return Quantity(value=value * 1e9, unit="USD", entity="pre-tax charges", qualifier=unit_of)

    ctx = context(
        record("a", "A", quantities=[charge(3, "commercial airplanes unit")]),
        record("b", "B", quantities=[charge(2, "defence, space and security unit")]),
        record("c", "C", quantities=[charge(2, "defence business")]),
    )
    drafts = build_quantity_facts(ctx)
    assert "conflicting" not in {d.status for d in drafts}
    assert sorted(sorted(v.value or 0 for v in d.values) for d in drafts) == [[2e9], [3e9]]


def test_the_figure_s_own_words_give_its_scope() -> None:
    # 'another 396 workers' laid off is not the first round's '2,199 workers'.
    def laid_off(value: float, phrase: str) -> Quantity:
        return Quantity(
            value=value, unit="workers", entity="workers", happening="laid off", phrase=phrase
        )

    ctx = context(
        record("a", "A", quantities=[laid_off(2199, "2,199 workers")]),
        record("b", "B", quantities=[laid_off(396, "another 396 workers")]),
    )
    assert sorted(d.status for d in build_quantity_facts(ctx)) == ["single_source"] * 2


def test_values_far_more_apart_than_any_dispute_are_different_facts() -> None:
    def cut(value: float, hedge: Hedge = "exact") -> Quantity:
        return Quantity(value=value, hedge=hedge, counted="jobs cut", entity="jobs")

    ctx = context(
        record("a", "A", quantities=[cut(17_000, "about")]),
        record("b", "B", quantities=[cut(17_000, "about")]),
        record("c", "C", quantities=[cut(7)]),
    )
    assert [(d.status, [v.value for v in d.values]) for d in build_quantity_facts(ctx)] == [
        ("single_source", [7]),
        ("agreed", [17_000]),
    ]
    # Within the span, two named sources' values stay one disputed fact; values more than
    # `dispute_span` apart that no two sources give are two facts. Values a stated range
    # spans stay one.
    named = context(
        record(
            "a", "A", quantities=[cut(17_000).model_copy(update={"attributed_to": "IG Metall"})]
        ),
        record(
            "c", "C", quantities=[cut(1_000).model_copy(update={"attributed_to": "the company"})]
        ),
    )
    assert [d.status for d in build_quantity_facts(named)] == ["conflicting"]
    unnamed = context(
        record("a", "A", quantities=[cut(17_000)]), record("c", "C", quantities=[cut(1_000)])
    )
    assert [d.status for d in build_quantity_facts(unnamed)] == ["single_source"] * 2
    bridged = context(
        record("a", "A", quantities=[cut(40_000)]),
        record(
            "b",
            "B",
            quantities=[Quantity(low=40_000, high=600_000, counted="jobs cut", entity="jobs")],
        ),
        record("c", "C", quantities=[cut(600_000)]),
    )
    assert [d.status for d in build_quantity_facts(bridged)] == ["conflicting"]


def test_a_revision_chain_keeps_the_band_most_outlets_give() -> None:
    ctx = context(
        record("a", "Wire", quantities=[figure(600, "at_least", as_of="2025-04")]),
        record("b", "Daily", quantities=[figure(2_000)]),
        record("c", "Post", quantities=[figure(2_000)]),
        record("d", "Herald", quantities=[figure(7)]),
    )
    drafts = build_quantity_facts(ctx)
    assert [(d.status, sorted(v.value or 0 for v in d.values)) for d in drafts] == [
        ("agreed", [2_000]),
        ("revised", [600, 2_000]),
        ("single_source", [7]),
    ]


def test_a_later_count_of_the_missing_revises_it_whichever_way_it_moves() -> None:
    def count(value: float, happening: str, source: str) -> Quantity:
        return Quantity(
            value=value,
            counted=f"people {happening}",
            entity="people",
            happening=happening,
            attributed_to=source,
        )

    days = (_published("a", 2), _published("b", 4))
    for happening, status in (("missing", "revised"), ("killed", "conflicting")):
        ctx = context(
            record("a", "A", quantities=[count(441, happening, "the army chief")]),
            record("b", "B", quantities=[count(341, happening, "the army spokesman")]),
            articles=days,
        )
        # The missing are found as days pass; a lower toll from another source disputes.
        statuses = {d.status for d in build_quantity_facts(ctx)}
        assert status in statuses, (happening, statuses)


def _dated(days: tuple[str, str], *, sub: bool = False) -> list[Draft]:
    """Two outlets' date facts, each article published on 10 March after both days."""
    articles = tuple(
        Article(id=i, outlet=o, text="The dam broke.", published_at="2024-03-10T08:00:00Z")
        for i, o in (("a", "Wire"), ("b", "Daily"))
    )
    records = [
        record(i, o, sub_events=[SubEvent(what="The search ended", when=day)])
        if sub
        else record(i, o, when=When(date=day, grounded=True))
        for (i, o), day in zip((("a", "Wire"), ("b", "Daily")), days, strict=True)
    ]
    return build_date_facts(context(*records, articles=articles))


def test_event_dates_a_day_apart_fit_unsure_a_sub_events_do_not() -> None:
    # An event late at night, or told in another time zone, falls on two days in a row.
    (event,) = _dated(("2024-03-03", "2024-03-04"))
    assert (event.status, event.confidence) == ("compatible", 0.5)
    (apart,) = _dated(("2024-03-03", "2024-03-05"))
    assert apart.status == "conflicting"
    (search,) = _dated(("2024-03-03", "2024-03-04"), sub=True)
    assert search.status == "conflicting"
