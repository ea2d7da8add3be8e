"""Rules for records from the real extractor: vague counts, scope words read from the
figure's clause, thin `counted` texts, and dated figures from other outlets."""

from __future__ import annotations

from schemas.article import Article
from schemas.consensus import Consensus, Fact
from schemas.record import EventRecord, Hedge, Quantity, Span
from service.merge import merge_records


def grounded(
    text: str,
    phrase: str,
    value: float,
    counted: str,
    *,
    hedge: Hedge = "exact",
    unit: str = "",
    as_of: str | None = None,
    attributed_to: str | None = None,
    occurrence: int = 0,
) -> Quantity:
    """A figure whose evidence is the `occurrence`-th place `phrase` appears in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return Quantity(
        value=value,
        counted=counted,
        hedge=hedge,
        unit=unit,
        as_of=as_of,
        attributed_to=attributed_to,
        phrase=phrase,
        evidence=[Span(start=start, end=start + len(phrase), text=phrase)],
        grounded=True,
    )


def article(article_id: str, text: str) -> Article:
    return Article(id=article_id, outlet=article_id.title(), text=text)


def record(article_id: str, *quantities: Quantity) -> EventRecord:
    return EventRecord(
        article_id=article_id,
        outlet=article_id.title(),
        headline=f"Headline of {article_id}",
        quantities=list(quantities),
    )


def facts_with(consensus: Consensus, value: float) -> list[Fact]:
    return [
        f
        for f in consensus.facts
        if f.kind == "quantity" and any(v.value == value for v in f.values)
    ]


def test_a_vague_count_stays_in_a_fact_of_its_own_and_never_conflicts() -> None:
    east = "Organisers said hundreds of volunteers cleared the beach on Sunday."
    west = "Some 450 volunteers cleared the beach, the organisers said."
    north = "Hundreds of volunteers turned out, according to the council."
    consensus = merge_records(
        [
            record("east", grounded(east, "hundreds of volunteers", 100, "volunteers cleared",
                                    hedge="more_than", unit="volunteers")),
            record("west", grounded(west, "Some 450 volunteers", 450, "volunteers cleared",
                                    hedge="about", unit="volunteers")),
            record("north", grounded(north, "Hundreds of volunteers", 100, "volunteers cleared",
                                     hedge="more_than", unit="volunteers")),
        ],
        articles=[article("east", east), article("west", west), article("north", north)],
    )  # fmt: skip
    statuses = {f.key: f.status for f in consensus.facts if f.kind == "quantity"}
    assert sorted(statuses.values()) == ["compatible", "single_source"]
    assert next(k for k, v in statuses.items() if v == "compatible").endswith("(vague)")


def test_scope_words_in_the_clause_keep_a_planned_and_an_arrived_figure_apart() -> None:
    first = (
        "The operator has hired 8,000 drivers for the new line. "
        "It intends to hire another 3,000 drivers, 500 of whom already work there."
    )
    second = (
        "About 8,000 drivers were hired, the operator said. "
        "It is preparing to recruit an additional 3,000 drivers, and some 500 of them "
        "started already."
    )
    consensus = merge_records(
        [
            record(
                "first",
                grounded(first, "8,000 drivers", 8_000, "drivers hired", unit="drivers"),
                grounded(first, "3,000 drivers", 3_000, "drivers hired", unit="drivers"),
                grounded(first, "500", 500, "500 hired"),
            ),
            record(
                "second",
                grounded(second, "About 8,000 drivers", 8_000, "drivers hired",
                         hedge="about", unit="drivers"),
                grounded(second, "3,000 drivers", 3_000, "drivers hired", unit="drivers"),
                grounded(second, "some 500", 500, "some 500 hired", hedge="about"),
            ),
        ],
        articles=[article("first", first), article("second", second)],
    )  # fmt: skip
    assert not any(f.status in ("conflicting", "revised") for f in consensus.facts)
    for value, status in ((8_000, "compatible"), (3_000, "agreed"), (500, "compatible")):
        (fact,) = facts_with(consensus, value)
        assert fact.status == status, fact.statement
        assert {v.value for v in fact.values} == {value}


def test_scope_words_in_counted_texts_keep_figures_apart() -> None:
    consensus = merge_records(
        [
            record("a", Quantity(value=40, counted="ferries in service", phrase="40 ferries")),
            record("b", Quantity(value=12, counted="planned ferries in service", phrase="12")),
            record("c", Quantity(value=40, counted="ferries in service", phrase="40")),
        ]
    )
    (current,) = facts_with(consensus, 40)
    assert current.status == "agreed"
    (planned,) = facts_with(consensus, 12)
    assert planned.status == "single_source"


def test_a_dated_figure_from_another_unattributed_outlet_is_a_conflict() -> None:
    consensus = merge_records(
        [
            record(
                "a",
                Quantity(value=10_000, counted="members enrolled", hedge="more_than",
                         as_of="2023", phrase="more than 10,000"),
            ),
            record("b", Quantity(value=15_000, counted="members enrolled", hedge="about",
                                 phrase="about 15,000")),
        ]
    )  # fmt: skip
    (fact,) = [f for f in consensus.facts if f.kind == "quantity"]
    assert fact.status == "conflicting"


def test_a_dated_figure_marked_as_older_in_its_clause_is_revised() -> None:
    a = "Its earlier estimate was more than 10,000 members."
    consensus = merge_records(
        [
            record("a", grounded(a, "more than 10,000", 10_000, "members enrolled",
                                 hedge="more_than", as_of="2023")),
            record("b", Quantity(value=15_000, counted="members enrolled", hedge="about",
                                 phrase="about 15,000")),
        ],
        articles=[article("a", a)],
    )  # fmt: skip
    assert {f.status for f in consensus.facts if f.kind == "quantity"} == {
        "single_source",
        "revised",
    }


def test_a_frame_names_what_a_thin_counted_text_leaves_out() -> None:
    """The miner's parse fills a figure's frame ('the toll' counts the dead; 'people
    sent to the shelters have been killed' counts the killed); the merge compares
    frames, so thin or misleading `counted` words do not keep one fact apart."""
    one = "Rescuers said the storm had killed at least 40 people across the valley."
    two = "Officials now put the toll at about 40, up sharply."
    three = "Roughly 40 people sent to the shelters have been killed, the mayor said."
    killed = grounded(
        one, "at least 40 people", 40, "people killed", hedge="at_least", unit="people"
    )
    toll = grounded(two, "about 40", 40, "about 40 put", hedge="about")
    sent = grounded(three, "Roughly 40 people", 40, "people sent", hedge="about", unit="people")
    consensus = merge_records(
        [
            record("one", killed.model_copy(update={"entity": "people", "happening": "killed"})),
            record("two", toll.model_copy(update={"entity": "toll"})),
            record("three", sent.model_copy(update={"entity": "people", "happening": "killed"})),
            record("four", Quantity(value=40, counted="people killed in the valley",
                                    hedge="about", phrase="about 40")),
        ],
        articles=[article("one", one), article("two", two), article("three", three)],
    )  # fmt: skip
    (fact,) = facts_with(consensus, 40)
    assert fact.status == "compatible"
    assert fact.outlets == ["Four", "One", "Three", "Two"]


def test_a_counted_text_inside_a_longer_one_aligns() -> None:
    consensus = merge_records(
        [
            record("a", Quantity(value=300, counted="buses sent", hedge="more_than",
                                 phrase="more than 300")),
            record("b", Quantity(value=320, counted="city buses sent to the coast",
                                 phrase="320")),
        ]
    )  # fmt: skip
    (fact,) = [f for f in consensus.facts if f.kind == "quantity"]
    assert fact.status == "compatible"
