"""Which figures are one fact: general rules of English news figures (issue #14).

A change is not a level, a subgroup is not the whole, a duration is named by what it
lasts, 'extra' in a description is a scope, and 'another' after a figure of another
happening sets the figure apart from that figure, not from its own count.
"""

from __future__ import annotations

import pytest

from schemas.article import Article
from schemas.consensus import Consensus
from schemas.record import EventRecord, Place, Quantity, Span
from service.merge import merge_records
from service.merge.alignment import judge
from service.merge.counted import Clause, clause_around
from service.merge.frames import (
    clause_reads_change,
    clause_reads_current,
    clause_reads_part,
    clause_scope,
    frame_of,
    is_change,
    place_of,
    rate_in,
    same_party,
)
from service.merge.tolerances import DEFAULT_TOLERANCES
from tests.unit.test_merge import record


def figure(
    value: float,
    phrase: str,
    counted: str,
    *,
    text: str | None = None,
    unit: str = "",
    **frame: str,
) -> Quantity:
    """A figure with its frame slots; grounded in `text` when given (its first `phrase`)."""
    start = text.index(phrase) if text is not None else 0
    return Quantity(
        value=value,
        phrase=phrase,
        counted=counted,
        unit=unit,
        evidence=[Span(start=start, end=start + len(phrase), text=phrase)],
        grounded=True,
        **frame,
    )


def statuses(consensus: Consensus) -> list[tuple[str, list[str], int]]:
    """(status, values shown, outlets) of each quantity fact, sorted; a value given alike
    by several outlets is shown once."""
    return sorted(
        (f.status, sorted(v.text for v in f.values), len(f.outlets))
        for f in consensus.facts
        if f.kind == "quantity"
    )


# --- a change is not a level -----------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "happening", "time_scope", "counted", "change"),
    [
        ("39 fewer", "", "", "seats lost", True),
        ("fewer than 100", "", "", "people killed", False),  # a hedge
        ("up 5%", "", "", "share", True),
        ("up to 5,000", "", "", "troops", False),  # a hedge
        ("a rise of 3%", "", "", "revenue", True),
        ("around eight points", "lower", "", "turnout", True),
        ("18 points", "", "", "rise in Labour's vote", True),
        ("8 points", "", "than in 2019", "turnout", True),
        ("six seats", "won", "", "seats won", False),
        ("180 millimetres", "fell", "", "rainfall", False),  # rain fell: a level
    ],
)
def test_a_figure_phrased_as_a_difference_is_a_change(
    phrase: str, happening: str, time_scope: str, counted: str, change: bool
) -> None:
    assert is_change(phrase, happening, time_scope, counted) is change


def test_the_clause_makes_a_figure_a_change_but_not_a_level_it_moved_to() -> None:
    assert clause_reads_change(Clause("boeing shares fell", ""), "1.1%")
    assert clause_reads_change(Clause("labour vote had risen by", ""), "18 points")
    assert clause_reads_change(Clause("", "lower than in 2019"), "eight points")
    assert not clause_reads_change(Clause("in marseille the count fell", ""), "to 4,000")
    assert not clause_reads_change(Clause("down from the", "it won in 2019"), "48")


def test_seats_fewer_than_before_do_not_join_the_seats_won() -> None:
    consensus = merge_records(
        [
            record(
                "a",
                quantities=[
                    figure(
                        6,
                        "six seats",
                        "seats won by the SNP",
                        entity="seats",
                        qualifier="Scottish National Party",
                    )
                ],
            ),
            record(
                "b",
                quantities=[
                    figure(
                        39,
                        "39 fewer",
                        "seats lost by the SNP since 2019",
                        entity="seats",
                        happening="fewer",
                        qualifier="Scottish National Party",
                        time_scope="than in 2019",
                    ),
                    figure(
                        9,
                        "nine seats",
                        "seats won by the SNP",
                        entity="seats",
                        qualifier="Scottish National Party",
                    ),
                ],
            ),
        ]
    )
    assert statuses(consensus) == [
        ("conflicting", ["nine seats", "six seats"], 2),
        ("single_source", ["39 fewer"], 1),
    ]


# --- a subgroup is not the whole -------------------------------------------------------


def test_children_among_the_dead_stay_apart_from_the_toll() -> None:
    text = "The raid left 274 Palestinians dead. Among the dead were 64 children and 57 women."
    consensus = merge_records(
        [
            record(
                "a",
                quantities=[
                    figure(
                        274,
                        "274 Palestinians",
                        "Palestinians killed in the raid",
                        text=text,
                        entity="Palestinians",
                        happening="dead",
                    ),
                    figure(
                        64,
                        "64 children",
                        "children killed in the raid",
                        text=text,
                        entity="children",
                        happening="killed",
                    ),
                ],
            ),
            record(
                "b",
                quantities=[
                    figure(
                        210,
                        "210 people",
                        "people killed in the raid",
                        as_of="2024-06-08",
                        entity="people",
                        happening="killed",
                    )
                ],
            ),
        ],
        articles=[Article(id="a", text=text)],
    )
    chained = [values for _, values, _ in statuses(consensus) if "64 children" in values]
    assert chained == [["64 children"]]
    assert clause_reads_part(Clause("among the dead were", ""))
    assert clause_reads_part(Clause("including", "who are feared dead"))
    assert not clause_reads_part(Clause("both fires now rank among the", ""))
    assert not clause_reads_part(Clause("will be among the leaders from", ""))


@pytest.mark.parametrize(
    ("after", "part"),
    [
        ("of whom were children, officials said", True),
        ("of which were letters", True),
        # what befell them is the count itself, not a part of it
        ("of whom died", False),
        ("of whom were dead", False),
        ("of whom it believes are dead", False),
        ("of the 650 seats", False),
        ("of them children", True),
        ("of them critically", True),
        ("of them died", False),
        ("of them in the raid", False),
    ],
)
def test_a_figure_before_of_whom_and_a_group_is_a_part_of_it(after: str, part: bool) -> None:
    """'40 died, 12 of whom were children': the 12 are some of the 40, never another
    outlet's toll; '5 of whom died' is how many died."""
    assert clause_reads_part(Clause("killed 40 people on Tuesday,", after)) is part
    # a figure with a verb of its own says what they did, not which of them they are
    assert not clause_reads_part(Clause("hired", "of them started already"), acted=True)


def test_lives_counted_are_people_who_died() -> None:
    """'3,166 lives were lost', 'claimed 200 lives': a toll, as '200 people died' is;
    'saved 300 lives' is no toll."""
    lost = frame_of(figure(3166, "3,166", "lives lost", entity="lives", happening="lost"),
                    frozenset())  # fmt: skip
    assert (lost.entity, lost.happening) == ("person", frozenset({"dead"}))
    saved = frame_of(figure(300, "300", "lives saved", entity="lives", happening="saved"),
                     frozenset())  # fmt: skip
    assert "dead" not in saved.happening


def test_a_qualifier_that_names_the_happening_says_nothing_more() -> None:
    """'revised the death toll to 275': 'death' is what befell the counted, no part of
    them, so the toll meets '288 people died'; beside a figure of no happening a word
    naming one still qualifies ('injury claims' are no toll)."""
    toll = frame_of(figure(275, "275", "death toll", entity="toll", qualifier="death"),
                    frozenset())  # fmt: skip
    died = frame_of(figure(288, "288", "people died", entity="people", happening="died"),
                    frozenset())  # fmt: skip
    assert (toll.entity, toll.happening, toll.qualifier) == ("person", frozenset({"dead"}),
                                                            frozenset())  # fmt: skip
    assert (died.entity, died.happening, died.qualifier) == (toll.entity, toll.happening,
                                                             toll.qualifier)  # fmt: skip
    claims = frame_of(figure(40, "40", "injury claims", entity="claims", qualifier="injury"),
                      frozenset())  # fmt: skip
    assert "injury" in claims.qualifier


def test_a_nation_counted_by_name_is_people_of_that_nation() -> None:
    nation = frame_of(
        figure(1.5e6, "1.5 million Argentines", "people who took part", entity="Argentines"),
        frozenset(),
    )
    assert (nation.entity, nation.qualifier) == ("person", frozenset({"argentine"}))
    consensus = merge_records(
        [
            record(
                "a",
                quantities=[
                    figure(
                        1.5e6,
                        "1.5 million Argentines",
                        "people who took part in the strike protests across Argentina",
                        entity="Argentines",
                        happening="took part",
                    )
                ],
            ),
            record(
                "b",
                quantities=[
                    figure(
                        1.5e6,
                        "1.5 million people",
                        "people who took part in the strike protests across Argentina",
                        entity="people",
                        happening="mobilised",
                    )
                ],
            ),
        ]
    )
    assert statuses(consensus) == [("agreed", ["1.5 million Argentines"], 2)]


# --- durations and scopes ---------------------------------------------------------------


def test_durations_are_named_by_what_they_last() -> None:
    def years(article: str, qualifier: str, counted: str) -> EventRecord:
        return record(
            article,
            quantities=[
                figure(14, "14 years", counted, unit="years", entity="years", qualifier=qualifier)
            ],
        )

    consensus = merge_records(
        [
            years("a", "Conservative government", "years of Conservative government"),
            years("b", "Conservative-led government", "years of Conservative government"),
            years("c", "Conservative rule", "years of Conservative government"),
            years("d", "Labour", "years Labour spent in opposition"),
        ]
    )
    assert statuses(consensus) == [("agreed", ["14 years"], 3), ("single_source", ["14 years"], 1)]


def test_an_extra_term_is_an_extra_whether_or_not_the_words_say_more() -> None:
    extra = "extra prison term for Bushra Bibi if her fine is unpaid"
    consensus = merge_records(
        [
            record(
                "a",
                quantities=[
                    figure(3, "three months more", extra, unit="months", qualifier="Bushra Bibi")
                ],
            ),
            record(
                "b",
                quantities=[
                    figure(3, "three months", extra, unit="months", qualifier="Bushra Bibi")
                ],
            ),
            record(
                "c",
                quantities=[
                    figure(6, "six months", extra, unit="months", qualifier="each of them")
                ],
            ),
        ]
    )
    assert statuses(consensus) == [("conflicting", ["six months", "three months"], 3)]


def test_a_scope_word_of_the_next_figure_is_not_this_figures() -> None:
    clause = Clause("aerolineas argentinas cancelled", "and rescheduled another 26")
    assert clause_scope(clause) == frozenset()
    assert clause_scope(Clause("will send another", "")) == {"additional"}
    # a modal of possibility and a verb of tallying make a projection, not a count
    assert clause_scope(Clause("the mayor said the toll could reach", "")) == {"planned"}
    assert clause_scope(Clause("insured losses might exceed", "")) == {"planned"}
    assert clause_scope(Clause("the toll could not reach", "")) == frozenset()
    # a vague count is another figure too: 'dozens more' are the dozens'
    assert clause_scope(Clause("the blast killed", "people and hurt dozens more")) == set()


def test_another_after_a_figure_of_another_happening_is_no_addition() -> None:
    one = "The airline cancelled 267 flights and rescheduled 26."
    two = "The airline cancelled almost 300 flights and rescheduled another 26."
    three = "Pyongyang sent 10,000 troops and will send another 6,000 troops."

    def flights(
        article: str, text: str, cancelled: str, value: float, rescheduled: str
    ) -> EventRecord:
        return record(
            article,
            quantities=[
                figure(
                    value,
                    cancelled,
                    "flights cancelled for the strike",
                    text=text,
                    entity="flights",
                    happening="cancelled",
                ),
                figure(
                    26,
                    rescheduled,
                    "flights rescheduled for the strike",
                    text=text,
                    entity="flights",
                    happening="rescheduled",
                ),
            ],
        )

    consensus = merge_records(
        [
            flights("a", one, "267 flights", 267, "26"),
            flights("b", two, "almost 300 flights", 290, "another 26"),
        ],
        articles=[Article(id="a", text=one), Article(id="b", text=two)],
    )
    assert ("agreed", ["26"], 2) in statuses(consensus)
    troops = merge_records(
        [
            record(
                "c",
                quantities=[
                    figure(1e4, "10,000 troops", "troops sent", text=three, happening="sent"),
                    figure(6e3, "another 6,000", "troops sent", text=three, happening="send"),
                ],
            ),
            record("d", quantities=[figure(6e3, "6,000 troops", "troops sent", happening="sent")]),
        ],
        articles=[Article(id="c", text=three)],
    )
    assert ("single_source", ["another 6,000"], 1) in statuses(troops)


# --- whose count it is -------------------------------------------------------------------


def _seats(article_id: str, value: float, owner: str) -> EventRecord:
    phrase = f"{value:g} seats"
    return record(
        article_id,
        quantities=[
            figure(value, phrase, "seats won", entity="seats", happening="won", owner=owner)
        ],
    )


def test_two_parties_counts_are_two_facts_and_one_party_under_two_names_is_one() -> None:
    apart = merge_records([_seats("a", 412, "Labour"), _seats("b", 121, "the Conservatives")])
    assert [s for s, _, _ in statuses(apart)] == ["single_source", "single_source"]
    # initials and a shorter name are the same party; an unnamed owner narrows nothing
    for other in ("LP", "Labour Party", ""):
        one = merge_records([_seats("a", 412, "Labour Party"), _seats("b", 411, other)])
        assert [s for s, _, _ in statuses(one)] == ["conflicting"], other
    assert same_party(("georgian", "dream"), ("gd",))
    assert not same_party(("labour",), ("conservatives",))


def test_the_same_count_of_one_thing_is_one_fact_though_its_noun_is_its_unit() -> None:
    """'121 seats' the Conservatives took and '121 seats' they won: a count's unit is the
    noun it counts, not a unit of measure, so the same number of one specific thing is one
    fact though neither verb is a known happening. A length's unit word ('7 km') is still
    only a unit: it says nothing of what was measured."""

    def seats(article_id: str, verb: str) -> EventRecord:
        quantity = figure(121, "121 seats", f"seats {verb}", unit="seats", entity="seats")
        return record(article_id, quantities=[quantity.model_copy(update={"owner": "the Tories"})])

    assert not frame_of(
        figure(121, "121 seats", "seats", unit="seats", entity="seats"), frozenset()
    ).unit_word
    assert statuses(merge_records([seats("a", "took"), seats("b", "won")])) == [
        ("agreed", ["121 seats"], 2)
    ]
    assert frame_of(figure(7, "7 km", "km", unit="km", entity="km"), frozenset()).unit_word


# --- another year's event ----------------------------------------------------------------


def _toll(value: float, phrase: str, as_of: str | None = None) -> Quantity:
    dated = {"as_of": as_of} if as_of is not None else {}
    return figure(value, phrase, "people killed", entity="people", happening="killed", **dated)


def test_a_toll_dated_by_a_past_year_is_another_events_not_a_step_of_this_chain() -> None:
    consensus = merge_records(
        [
            record(
                "a",
                published_at="2025-10-01T08:00:00Z",
                quantities=[_toll(69, "69 people"), _toll(200, "200 people", "2013")],
            ),
            record(
                "b",
                published_at="2025-10-02T08:00:00Z",
                quantities=[_toll(72, "72 people"), _toll(8, "8 people", "2023")],
            ),
            record(
                "c",
                published_at="2025-10-02T09:00:00Z",
                quantities=[_toll(200, "200 people", "2013")],
            ),
        ]
    )
    revised = [f for f in consensus.facts if f.kind == "quantity" and f.status == "revised"]
    assert [sorted(v.text for v in f.values) for f in revised] == [["69 people", "72 people"]]
    # the 2013 toll told by two outlets is agreed; the 2023 toll stands alone
    assert ("agreed", ["200 people"], 2) in statuses(consensus)
    assert ("single_source", ["8 people"], 1) in statuses(consensus)
    # a toll dated by a month of this year may still be an earlier report of this one
    month = merge_records(
        [
            record(
                "a",
                published_at="2025-09-03T08:00:00Z",
                quantities=[_toll(600, "600 people", "2025-04")],
            ),
            record(
                "b", published_at="2025-09-03T09:00:00Z", quantities=[_toll(2000, "2,000 people")]
            ),
        ]
    )
    assert [f.status for f in month.facts if f.kind == "quantity"].count("revised") == 1
    # ... but one dated by a month over a year before the first report is another event's
    old = merge_records(
        [
            record(
                "a",
                published_at="2025-09-03T08:00:00Z",
                quantities=[_toll(14, "14 people", "2023-09")],
            ),
            record("b", published_at="2025-09-03T09:00:00Z", quantities=[_toll(60, "60 people")]),
        ]
    )
    assert [f.status for f in old.facts if f.kind == "quantity"] == ["single_source"] * 2


def test_the_count_itself_gives_way_to_what_its_description_counts() -> None:
    """'the count' names no kind of thing: 'demonstrators' in its description make it a
    protest's count, which holds on its own day (a count a fortnight earlier is another
    march, not an earlier report of this one)."""
    count = frame_of(
        figure(4000, "4,000", "demonstrators in Marseille on 2 October", entity="count"),
        frozenset(),
    )
    assert count.entity == "demonstrator" and "protest" in count.happening
    people = frame_of(figure(12, "12 people", "people killed", entity="people"), frozenset())
    assert people.entity == "person"
    earlier = figure(
        15000, "15,000", "demonstrators in Marseille on 18 September", entity="count",
        place_scope="Marseille", as_of="2025-09-18",
    )  # fmt: skip
    later = figure(
        4000, "4,000", "demonstrators in Marseille on 2 October", entity="count",
        place_scope="Marseille",
    )  # fmt: skip
    consensus = merge_records(
        [record("a", published_at="2025-10-02T18:00:00Z", quantities=[earlier, later])]
    )
    assert not [f for f in consensus.facts if f.status == "revised"]


# --- the whole world is a place; a day's count is not a running total --------------------


def test_a_worldwide_figure_is_not_one_countrys() -> None:
    """'24,802 delays around the globe' and '10,525 delays in the United States' count two
    places: no conflict between them, even where the event's own place is the world."""
    globe = figure(24802, "24,802", "flights delayed", place_scope="around the globe")
    assert frame_of(globe, frozenset()).place == "world"
    world = figure(24802, "24,802", "flights delayed", place_scope="worldwide")
    country = figure(10525, "10,525", "flights delayed", place_scope="the United States")
    assert frame_of(world, frozenset({"world"})).place == "world"
    consensus = merge_records(
        [
            record("a", quantities=[world], where={"name": "worldwide"}),
            record("b", quantities=[country], where={"name": "worldwide"}),
        ]
    )
    assert [s for s, _, _ in statuses(consensus)] == ["single_source", "single_source"]


@pytest.mark.parametrize(
    ("words", "rate"),
    [
        ("$1 billion a month", "month"),
        ("vehicles a year", "year"),
        ("9.97 per share", "share"),
        ("25 lakh per family", "family"),
        ("each day", "day"),
        ("12 per cent", ""),
        ("troops a week ago", ""),  # dates the figure
        ("a year earlier", ""),
        ("a 10% cut to monthly pay", ""),
    ],
)
def test_a_rate_is_read_from_per_or_a_unit_of_time(words: str, rate: str) -> None:
    assert rate_in(words) == rate


def test_a_rate_is_not_a_total_but_the_same_figure_without_its_rate_is_it() -> None:
    """'$1 billion a month' is not the '$5 billion' the strike cost; '500,000 cars a year'
    and '500,000 cars' are one figure, one outlet leaving out its rate."""
    monthly = figure(1e9, "$1 billion a month", "strike cost", unit="USD", entity="cost")
    total = figure(5e9, "$5 billion", "strike cost", unit="USD", entity="cost")
    apart = merge_records([record("a", quantities=[monthly]), record("b", quantities=[total])])
    assert [s for s, _, _ in statuses(apart)] == ["single_source", "single_source"]
    yearly = figure(500_000, "500,000 cars a year", "cars built", entity="cars", happening="built")
    plain = figure(500_000, "500,000 cars", "cars built", entity="cars", happening="built")
    one = merge_records([record("a", quantities=[yearly]), record("b", quantities=[plain])])
    assert [(s, n) for s, _, n in statuses(one)] == [("agreed", 2)]


def test_one_days_count_is_not_the_running_total() -> None:
    """1,079 flights cancelled 'on Monday' and 5,000 cancelled 'since Friday' are two facts,
    not a conflict; two counts of that Monday are one."""
    monday = figure(1079, "1,079", "flights cancelled", time_scope="on Monday")
    monday_too = figure(1160, "1,160", "flights cancelled", time_scope="On Monday")
    since = figure(5000, "5,000", "flights cancelled", time_scope="since Friday")
    assert frame_of(monday, frozenset()).period == "day"
    assert frame_of(since, frozenset()).period == "span"
    assert frame_of(figure(9, "9", "flights cancelled", time_scope="over the whole day"),
                    frozenset()).period == ""  # fmt: skip
    consensus = merge_records(
        [
            record("a", quantities=[monday, since]),
            record("b", quantities=[monday_too]),
        ]
    )
    assert statuses(consensus) == [
        ("conflicting", ["1,079", "1,160"], 2),
        ("single_source", ["5,000"], 1),
    ]


def test_a_count_since_a_day_runs_as_a_tally() -> None:
    """Flights cancelled 'since Friday' add up day by day: 'more than 5,000' one day and
    'more than 7,000' two days later revise it, they do not dispute it. A share over a
    span is no running count, nor is a count taken 'so far' (a snapshot has its own rule)."""
    since = figure(5000, "more than 5,000", "flights cancelled", time_scope="since Friday")
    since_later = figure(7000, "more than 7,000", "flights cancelled", time_scope="since Friday")
    since, since_later = (q.model_copy(update={"hedge": "more_than"}) for q in (since, since_later))
    assert frame_of(since, frozenset()).tally
    assert not frame_of(figure(5000, "5,000", "flights cancelled"), frozenset()).tally
    share = figure(28, "28%", "flights cancelled", unit="%", time_scope="since Friday")
    assert not frame_of(share, frozenset()).tally
    so_far = figure(900, "900", "flights cancelled", time_scope="so far")
    assert not frame_of(so_far, frozenset()).tally
    consensus = merge_records(
        [
            record("a", published_at="2024-07-22T08:00:00Z", quantities=[since]),
            record("b", published_at="2024-07-24T08:00:00Z", quantities=[since_later]),
        ]
    )
    assert statuses(consensus) == [
        ("revised", ["more than 5,000", "more than 7,000"], 2),
        ("single_source", ["more than 7,000"], 1),
    ]


def test_a_distance_names_no_thing_measured() -> None:
    """'distance' says what kind of measure a figure is, not what it measures: the
    distance of the villages evacuees were taken to and the distance within which the dead
    were found are two facts. A quake's 'depth' is one thing's, so two depths still meet."""
    taken = figure(20, "about 20 km", "distance of the villages evacuees were taken to",
                   unit="km", entity="distance")  # fmt: skip
    found = figure(4, "within 4 km", "distance from the crater within which the dead lay",
                   unit="km", entity="distance")  # fmt: skip
    assert frame_of(taken, frozenset()).unit_word
    assert not frame_of(taken, frozenset()).named_thing
    consensus = merge_records([record("a", quantities=[taken]), record("b", quantities=[found])])
    assert [s for s, _, _ in statuses(consensus)] == ["single_source", "single_source"]
    shallow = figure(5, "5 km", "depth", unit="km", entity="depth")
    deep = figure(10, "10 km", "depth", unit="km", entity="depth")
    assert frame_of(shallow, frozenset()).named_thing
    consensus = merge_records([record("a", quantities=[shallow]), record("b", quantities=[deep])])
    assert statuses(consensus) == [("conflicting", ["10 km", "5 km"], 2)]


def test_a_count_of_occurrences_needs_no_happening_and_runs() -> None:
    """'848 aftershocks' and 'at least 5,092 aftershocks recorded' count one thing, and
    aftershocks only add up: the later count revises the earlier. Two counts of another
    noun with no happening ('26 countries', '2 countries') still need wording to meet."""
    early = figure(848, "848", "aftershocks", entity="aftershock")
    later = figure(5092, "at least 5,092", "aftershocks recorded", entity="aftershock",
                   happening="recorded").model_copy(update={"hedge": "at_least"})  # fmt: skip
    assert frame_of(early, frozenset()).tally and frame_of(early, frozenset()).occurrence
    consensus = merge_records(
        [
            record("a", published_at="2025-10-01T08:00:00Z", quantities=[early]),
            record("b", published_at="2025-10-08T08:00:00Z", quantities=[later]),
        ]
    )
    assert [s for s, _, _ in statuses(consensus)] == ["revised", "single_source"]
    few = figure(26, "26", "countries", entity="country")
    two = figure(2, "2", "countries", entity="country")
    assert not frame_of(few, frozenset()).occurrence
    consensus = merge_records([record("a", quantities=[few]), record("b", quantities=[two])])
    assert [s for s, _, _ in statuses(consensus)] == ["single_source", "single_source"]


@pytest.mark.parametrize(
    ("before", "after", "current"),
    [
        ("", "still missing", True),
        ("said", "were still being treated", True),
        ("nearly", "people remain in emergency shelters", True),
        ("the fire grew to", "acres and remained at", False),  # the fire remained
        ("only 190 of the", "injured were still in hospital", False),  # the 190 are
        ("", "people were injured", False),
    ],
)
def test_still_or_remain_after_a_figure_counts_a_state_now(
    before: str, after: str, current: bool
) -> None:
    assert clause_reads_current(Clause(before, after)) is current


def test_a_state_now_is_not_the_running_tally() -> None:
    """'13 still in hospital' are not the injured: a part that moves both ways, not a
    revision of 35 injured nor a dispute with it. Two such states of two days are a
    revision, even downwards (29 being treated, then 27)."""
    text = "Police said 35 people were injured. Doctors said 13 were still in hospital."
    injured = figure(35, "35 people", "people injured", text=text, entity="people",
                     happening="injured")  # fmt: skip
    still = figure(13, "13", "people", text=text[text.index("Doctors") :], entity="people",
                   happening="hospitalised")  # fmt: skip
    still = still.model_copy(update={"evidence": [Span(start=text.index("13"),
                             end=text.index("13") + 2, text="13")]})  # fmt: skip
    consensus = merge_records(
        [record("a", quantities=[injured, still])], articles=[Article(id="a", text=text)]
    )
    assert [s for s, _, _ in statuses(consensus)] == ["single_source", "single_source"]
    first = "Officials said 29 were still being treated."
    second = "The minister said 27 were still being treated."
    treated = [
        figure(n, str(n), "patients treated", text=t, entity="patients", happening="treated")
        for n, t in ((29, first), (27, second))
    ]
    consensus = merge_records(
        [
            record("a", published_at="2024-10-05T08:00:00Z", quantities=[treated[0]]),
            record("b", published_at="2024-10-09T08:00:00Z", quantities=[treated[1]]),
        ],
        articles=[Article(id="a", text=first), Article(id="b", text=second)],
    )
    assert statuses(consensus) == [
        ("revised", ["27", "29"], 2),
        ("single_source", ["27"], 1),
    ]


def test_a_figure_elsewhere_is_not_the_storys_own() -> None:
    """'Elsewhere in Indonesia' another volcano sent ash 8,000 m high: not this eruption's
    10,000 m column, although no other figure of the kind names a place."""
    here = figure(10000, "10,000 m", "m sent", unit="m", entity="m", happening="sent")
    there = figure(8000, "8,000 m", "m sent", unit="m", entity="m", happening="sent",
                   place_scope="Elsewhere in Indonesia")  # fmt: skip
    assert frame_of(there, frozenset()).elsewhere
    consensus = merge_records([record("a", quantities=[here]), record("b", quantities=[there])])
    assert [s for s, _, _ in statuses(consensus)] == ["single_source", "single_source"]
    named = there.model_copy(update={"place_scope": "in Flores"})
    consensus = merge_records([record("a", quantities=[here]), record("b", quantities=[named])])
    assert [s for s, _, _ in statuses(consensus)] == ["conflicting"]  # a lone named place


def test_a_place_one_outlet_leaves_out_of_the_same_number_is_that_place() -> None:
    """Where marches in Paris and Lyon are counted apart, '55,000 in Paris' and another
    outlet's '55,000' are one count; its '40,000' with no place may be any city's."""

    def march(value: float, place: str = "") -> Quantity:
        return figure(value, f"{value:,.0f}", "people marched", entity="people",
                      happening="marched", place_scope=place)  # fmt: skip

    lyon = march(20_000, "in Lyon")
    for other, expected in ((march(55_000), ["agreed"]), (march(40_000), ["single_source"] * 2)):
        consensus = merge_records(
            [
                record("a", published_at="2025-09-18T20:00:00Z",
                       quantities=[march(55_000, "in Paris"), lyon]),
                record("b", published_at="2025-09-18T21:00:00Z", quantities=[other]),
            ]
        )  # fmt: skip
        shown = [s for s, v, _ in statuses(consensus) if "20,000" not in v]
        assert shown == expected


def test_a_place_an_article_counts_below_its_whole_is_a_part_of_it() -> None:
    """One article gives officials' '24 dead' and Ivo Lund's '10 killed in Brenmoor
    district': the district's 10 are a part, so another outlet's '24' for the whole is
    no dispute with them, though no other place of the kind is named. A place counted
    above an open figure of its article narrows nothing ('4,500 worldwide', '474'): it
    stays a lone place, one fact with the open figures."""

    def dead(value: float, place: str = "", source: str = "officials") -> Quantity:
        return figure(value, f"{value:,.0f}", "people killed", entity="people",
                      happening="killed", place_scope=place, attributed_to=source)  # fmt: skip

    consensus = merge_records(
        [
            record("a", quantities=[dead(24), dead(10, "in Brenmoor district", "Ivo Lund")]),
            record("b", quantities=[dead(24)]),
        ]
    )
    assert sorted((s, v) for s, v, _ in statuses(consensus)) == [
        ("agreed", ["24"]),
        ("single_source", ["10"]),
    ]
    above = merge_records(
        [
            record("a", quantities=[dead(24), dead(30, "in Brenmoor district", "Ivo Lund")]),
            record("b", quantities=[dead(30)]),
        ]
    )
    assert [(s, v) for s, v, _ in statuses(above)] == [("conflicting", ["24", "30"])]


def test_the_capital_is_the_storys_city_or_one_city_of_the_storys_country() -> None:
    assert place_of("in the capital", frozenset({"seoul", "south korea"})) == ""
    assert place_of("in the capital", frozenset({"france"})) == "capital"
    assert place_of("outside the capital", frozenset({"france"})) == "outside the capital"


def test_two_ordinals_of_a_sequence_are_two_of_it() -> None:
    """'the second round of talks' and 'the fifth round' are two rounds, not a dispute."""
    second = figure(2, "second", "round of wage talks", entity="round")
    fifth = figure(5, "fifth", "round of wage talks", entity="round")
    second, fifth = (q.model_copy(update={"ordinal": True}) for q in (second, fifth))
    assert frame_of(second, frozenset()).instance == 2
    consensus = merge_records([record("a", quantities=[second]), record("b", quantities=[fifth])])
    assert [s for s, _, _ in statuses(consensus)] == ["single_source", "single_source"]


def test_a_named_part_counted_below_the_whole_is_a_fact_of_its_own() -> None:
    """'10 cabin crew' on board and '12 crew' on board: the cabin crew are some of the crew,
    so two facts, not a dispute. A part counted above the whole cannot be a part: still a
    conflict. And a measure ('6 months', '3 months') is no count of things with parts."""
    whole = figure(12, "12", "crew on board", entity="crew", happening="on board")
    part = figure(10, "10", "cabin crew on board", entity="crew", happening="on board",
                  qualifier="cabin")  # fmt: skip
    too_many = figure(14, "14", "cabin crew on board", entity="crew", happening="on board",
                      qualifier="cabin")  # fmt: skip
    split = merge_records(
        [
            record("a", quantities=[whole]),
            record("b", quantities=[whole]),
            record("c", quantities=[part]),
        ]
    )
    assert statuses(split) == [("agreed", ["12"], 2), ("single_source", ["10"], 1)]
    kept = merge_records([record("a", quantities=[whole]), record("c", quantities=[too_many])])
    assert statuses(kept) == [("conflicting", ["12", "14"], 2)]


# --- a share is a share of something -----------------------------------------------------


def test_a_share_that_names_nothing_has_no_entity_to_match() -> None:
    """'17.06%' and '27%' with nothing said of what they are shares of are not one fact:
    the '%' sign is no entity. A '51% stake' does say (of ownership), and a share of
    teachers says of whom."""
    bare = figure(17.06, "17.06%", "%", unit="%", entity="%")
    other = figure(27, "27%", "%", unit="%")
    assert frame_of(bare, frozenset()).entity == ""
    assert frame_of(figure(51, "51%", "stake", unit="%", entity="stake"), frozenset()).entity
    assert frame_of(figure(40, "40%", "teachers", unit="%", entity="teachers"), frozenset()).entity
    consensus = merge_records([record("a", quantities=[bare]), record("b", quantities=[other])])
    assert [s for s, _, _ in statuses(consensus)] == ["single_source", "single_source"]


def test_a_share_named_by_a_happening_is_a_share_of_it() -> None:
    """'27% containment' is the fire '27% contained' (a noun of the happening, nothing
    else said); a '10% pay cut' is a share of pay, and 'votes' are things, not voting."""
    noun = frame_of(figure(27, "27%", "containment", unit="%", entity="containment"), frozenset())
    verb = frame_of(figure(27, "27%", "% contained", unit="%", happening="contained"), frozenset())
    assert noun.happening == verb.happening == frozenset({"contained"})
    pay = frame_of(
        figure(10, "10%", "pay cut", unit="%", entity="cut", qualifier="pay"), frozenset()
    )
    assert not pay.happening and "cut" in pay.qualifier
    votes = frame_of(figure(34, "34%", "share of the vote", unit="%", entity="vote"), frozenset())
    assert not votes.happening
    consensus = merge_records(
        [
            record(
                "a", quantities=[figure(27, "27%", "containment", unit="%", entity="containment")]
            ),
            record(
                "b", quantities=[figure(27, "27%", "% contained", unit="%", happening="contained")]
            ),
        ]
    )
    assert statuses(consensus) == [("agreed", ["27%"], 2)]


def test_the_counted_word_alone_does_not_make_descriptions_alike() -> None:
    """'41 people injured' and 'four people' (whose fate the parse did not find) share only
    'people', the thing counted: that is no likeness that makes up for the missing
    happening, so they are no conflict (nor is a city's population of people)."""
    injured = figure(41, "41", "people injured", entity="people", happening="injured")
    bare = figure(4, "Four", "people", entity="people")
    consensus = merge_records([record("a", quantities=[injured]), record("b", quantities=[bare])])
    assert [s for s, _, _ in statuses(consensus)] == ["single_source", "single_source"]
    also = figure(40, "40", "people injured in hospital", entity="people", happening="")
    consensus = merge_records([record("a", quantities=[injured]), record("b", quantities=[also])])
    assert [s for s, _, _ in statuses(consensus)] == ["conflicting"]


def test_a_count_over_the_previous_24_hours_is_that_days() -> None:
    """'814 wounded over the previous 24 hours' (one day's report) and '116 wounded over
    the same 24 hours' (the next day's) are two days' counts, and neither is the raid's
    own count of its wounded: no conflict, no revision. Two reports of the same day's
    count are one fact."""

    def wounded(value: float, scope: str) -> Quantity:
        return figure(value, f"{value:g}", "people wounded", happening="wounded",
                      time_scope=scope)  # fmt: skip

    day = "over the previous 24 hours"
    assert frame_of(wounded(814, day), frozenset()).period == "last_day"
    consensus = merge_records(
        [
            record("a", published_at="2024-06-09", quantities=[wounded(814, day)]),
            record("b", published_at="2024-06-10", quantities=[wounded(116, day)]),
            record("c", published_at="2024-06-10", quantities=[wounded(698, "")]),
        ]
    )
    assert [s for s, _, _ in statuses(consensus)] == ["single_source"] * 3
    same_day = merge_records(
        [
            record("a", published_at="2024-06-10", quantities=[wounded(116, day)]),
            record("b", published_at="2024-06-10", quantities=[wounded(120, day)]),
        ]
    )
    assert [s for s, _, _ in statuses(same_day)] == ["conflicting"]


def _share(article_id: str, day: str, value: float, source: str | None = None) -> EventRecord:
    """A record of `day` giving the share of voters who back a plan, undated: a share that
    moves either way, no running tally ('patients recovered' is one: they add up)."""
    quantity = figure(
        value,
        f"{value:g}%",
        "voters backing the plan",
        unit="%",
        entity="voters",
        happening="backing",
    )
    return record(
        article_id,
        published_at=f"{day}T08:00:00Z",
        quantities=[quantity.model_copy(update={"attributed_to": source})],
    )


def test_a_moving_figure_a_week_later_is_of_another_time_unless_named_sources_dispute_it() -> None:
    """An undated share reported two weeks after another, with a value that does not meet
    it, is the situation of then, not a dispute of the first; a day later it is a
    dispute. The same value two weeks later still agrees, and two named sources' values
    dispute each other whenever each was reported. A length is no moving thing."""
    early = _share("a", "2024-10-04", 31)
    assert [s for s, _, _ in statuses(merge_records([early, _share("b", "2024-10-05", 23)]))] == [
        "conflicting"
    ]
    later = merge_records([early, _share("b", "2024-10-18", 23)])
    assert [s for s, _, _ in statuses(later)] == ["single_source", "single_source"]
    assert statuses(merge_records([early, _share("b", "2024-10-18", 31)])) == [
        ("agreed", ["31%"], 2)
    ]
    named = merge_records(
        [_share("a", "2024-10-04", 31, "the WHO"), _share("b", "2024-10-18", 23, "the ministry")]
    )
    assert [s for s, _, _ in statuses(named)] == ["conflicting"]

    def depth(article_id: str, day: str, value: float) -> EventRecord:
        quantity = figure(value, f"{value:g} km", "depth", unit="km", entity="depth")
        return record(article_id, published_at=f"{day}T08:00:00Z", quantities=[quantity])

    steady = merge_records([depth("a", "2025-10-01", 5), depth("b", "2025-10-15", 10)])
    assert [s for s, _, _ in statuses(steady)] == ["conflicting"]


def test_the_same_bare_figure_in_two_reports_of_one_week_is_one_fact() -> None:
    """'14 years' with nothing said of what lasted them cannot meet another figure, but
    the same bare figure in two reports a day apart is one fact; a month apart, two."""

    def years(article_id: str, day: str) -> EventRecord:
        quantity = figure(14, "14 years", "years", unit="years", entity="years")
        return record(article_id, published_at=f"{day}T08:00:00Z", quantities=[quantity])

    near = merge_records([years("a", "2025-01-17"), years("b", "2025-01-18")])
    assert statuses(near) == [("agreed", ["14 years"], 2)]
    far = merge_records([years("a", "2025-01-17"), years("b", "2025-02-18")])
    assert [s for s, _, _ in statuses(far)] == ["single_source", "single_source"]


def test_values_several_times_apart_dispute_only_between_named_sources() -> None:
    """Two unattributed marches of 40,000 and 160,000 are not one crowd disputed: four
    times apart, nothing says two counters differ, so they are two facts. The police's
    40,000 against the organisers' 160,000 is the dispute an editor wants; twice apart
    (50,000 and 100,000) stays a dispute with no sources named."""

    def marchers(article_id: str, value: float, source: str | None = None) -> EventRecord:
        quantity = figure(
            value, f"{value:,.0f}", "people marched", entity="people", happening="marched"
        )
        update = {"attributed_to": source}
        return record(article_id, quantities=[quantity.model_copy(update=update)])

    apart = merge_records([marchers("a", 40_000), marchers("b", 160_000)])
    assert [s for s, _, _ in statuses(apart)] == ["single_source", "single_source"]
    named = merge_records([marchers("a", 40_000, "police"), marchers("b", 160_000, "the union")])
    assert [s for s, _, _ in statuses(named)] == ["conflicting"]
    near = merge_records([marchers("a", 50_000), marchers("b", 100_000)])
    assert [s for s, _, _ in statuses(near)] == ["conflicting"]


def test_two_players_points_are_two_facts_and_one_players_points_are_one() -> None:
    from service.pipeline import Pipeline
    from service.settings import Settings

    texts = {
        "a": "Ana Ruiz scored 31 points as the Harbour Hawks won the final on Sunday.",
        "b": "Ivo Lund scored 33 points for the Valley Owls, who lost the final on Sunday.",
        "c": "Ana Ruiz scored 30 points for the Harbour Hawks in the final on Sunday.",
    }
    articles = [Article(id=k, text=v, outlet=f"Outlet {k}") for k, v in texts.items()]
    pipe = Pipeline(Settings(_env_file=None), None)
    records = [pipe.extract(a) for a in articles]
    assert [q.owner for r in records for q in r.quantities] == [
        "Ana Ruiz", "Ivo Lund", "Ana Ruiz",
    ]  # fmt: skip
    merged = merge_records(records, articles=articles)
    points = [f for f in merged.facts if f.kind == "quantity"]
    assert sorted((f.status, len(f.values)) for f in points) == [
        ("conflicting", 2), ("single_source", 1),
    ]  # fmt: skip


def test_a_units_name_is_no_description() -> None:
    """Two shares described only by their unit ('42 percent': a team's shooting; '90
    percent': a player's readiness) say nothing of what they are shares of: not one fact.
    The same share of a thing named alike still meets."""
    shot = figure(42, "42 percent", "percent", unit="%", entity="percent")
    ready = figure(90, "90 percent", "percent", unit="%", entity="percent")
    apart = merge_records([record("a", quantities=[shot]), record("b", quantities=[ready])])
    assert [s for s, _, _ in statuses(apart)] == ["single_source", "single_source"]
    turnout = figure(60, "60 percent", "percent turnout", unit="%")
    again = figure(60, "60 percent", "percent turnout", unit="%")
    alike = merge_records([record("a", quantities=[turnout]), record("b", quantities=[again])])
    assert statuses(alike) == [("agreed", ["60 percent"], 2)]


@pytest.mark.parametrize(
    ("phrase", "happening", "current"),
    [
        ("41", "still being treated", True),  # the happening a labeller gave
        ("41 remain in shelters", "", True),  # the figure's own words after its number
        ("41 patients", "treated", False),
        ("still only 41", "treated", False),  # 'still' before the number says no state
    ],
)
def test_a_figure_whose_own_words_hold_a_state_now_counts_it(
    phrase: str, happening: str, current: bool
) -> None:
    quantity = figure(41, phrase, "patients", entity="patients", happening=happening)
    assert frame_of(quantity, frozenset()).current is current


def test_patients_still_in_treatment_a_week_later_update_the_count() -> None:
    # A count of a state (in treatment) falls as patients leave it: a later count from
    # another source updates it, it does not dispute it.
    early = figure(
        41, "41 patients", "patients in treatment", entity="patients", as_of="2024-03-02"
    )
    later = figure(
        36, "36", "patients still in treatment", entity="patients", happening="still being treated"
    )
    articles = [
        Article(id="a", outlet="A", text="41 patients", published_at="2024-03-03T10:00:00Z"),
        Article(id="b", outlet="B", text="36", published_at="2024-03-10T10:00:00Z"),
    ]
    merged = merge_records(
        [
            record("a", quantities=[early.model_copy(update={"attributed_to": "Ostrel Hospital"})]),
            record("b", quantities=[later.model_copy(update={"attributed_to": "Ana Ruiz"})]),
        ],
        articles=articles,
    )
    assert "conflicting" not in [s for s, _, _ in statuses(merged)]
    assert ("revised", ["36", "41 patients"], 2) in statuses(merged)


def test_a_lone_place_inside_the_storys_own_place_is_a_part_of_it() -> None:
    """A story set in Norway: 'rescued in Tampere' does not meet the country's rescued,
    even where no other rescued figure names a place (Tampere lies in Finland: another
    place, the lone-place rule's). A region around the story's city is no part of it."""

    def rescued(value: float, place: str = "") -> Quantity:
        return figure(value, f"{value:,.0f}", "people rescued", entity="people",
                      happening="rescued", place_scope=place)  # fmt: skip

    def story(where: str, place: str) -> list[str]:
        at = Place(name=where)
        return [
            s
            for s, _, _ in statuses(
                merge_records(
                    [
                        record("a", where=at, quantities=[rescued(800)]),
                        record("b", where=at, quantities=[rescued(620, place)]),
                    ]
                )
            )
        ]

    assert story("Norway", "in Trondheim") == ["single_source", "single_source"]
    assert story("Norway", "in Tampere") == ["conflicting"]
    assert story("Trondheim", "in Norway") == ["conflicting"]  # the story's own country


def test_more_than_right_after_a_figure_makes_it_a_difference() -> None:
    """'The toll rose to 106, seven more than the day before': the seven are a difference
    of two tolls, not a toll; 'seven more bodies' adds to one (a scope, not a change)."""
    assert clause_reads_change(Clause("", "more than the day before"), "seven")
    assert not clause_reads_change(Clause("rescuers found", "more bodies"), "seven")
    assert not clause_reads_change(Clause("it killed", "and more than 100 were hurt"), "90")


def test_an_expectation_held_before_the_figure_is_planned_not_the_figure() -> None:
    """'analysts were expecting $3.10' is a forecast, as 'had expected' is: never a dispute
    of the profit reported; the present 'expects' stays a company's own figure."""
    assert clause_scope(Clause("analysts were expecting a profit of", "")) == {"planned"}
    assert clause_scope(Clause("analysts had expected a profit of", "")) == {"planned"}
    assert clause_scope(Clause("the company expects a loss of", "")) == frozenset()
    reported = "Harbour Bank reported a profit of $2.40 a share."
    expected = "Analysts were expecting a profit of $3.10 a share, according to a poll."
    consensus = merge_records(
        [
            record(
                "a",
                quantities=[
                    figure(2.40, "$2.40", "profit", text=reported, unit="USD", entity="profit"),
                ],
            ),
            record(
                "b",
                quantities=[
                    figure(3.10, "$3.10", "profit", text=expected, unit="USD", entity="profit"),
                ],
            ),
        ],
        articles=[Article(id="a", text=reported), Article(id="b", text=expected)],
    )
    assert [f.status for f in consensus.facts if f.kind == "quantity"] == ["single_source"] * 2


def test_two_named_sources_forecasts_that_do_not_meet_are_no_dispute() -> None:
    """'could exceed 9,000' from a survey agency and 'could exceed 2,500' from a general are
    each their own forecast, not a dispute of the toll; forecasts that meet agree."""

    def forecast(article: str, value: float, said: str, source: str) -> EventRecord:
        text = f"{source} said the death toll could exceed {said}."
        return record(
            article,
            quantities=[
                figure(
                    value,
                    said,
                    "people killed",
                    text=text,
                    entity="people",
                    happening="killed",
                    attributed_to=source,
                )
            ],
        )

    def merged(*records: EventRecord) -> list[str]:
        texts = [Article(id=r.article_id, text=_text_of(r)) for r in records]
        consensus = merge_records(list(records), articles=texts)
        return sorted(f.status for f in consensus.facts if f.kind == "quantity")

    def _text_of(rec: EventRecord) -> str:
        return f"{rec.quantities[0].attributed_to} said the death toll could exceed " + (
            f"{rec.quantities[0].phrase}."
        )

    agency = forecast("a", 9000, "9,000", "The survey agency")
    general = forecast("b", 2500, "2,500", "General Ivo Lund")
    assert merged(agency, general) == ["single_source", "single_source"]
    close = forecast("c", 9000, "9,000", "General Ivo Lund")
    assert merged(agency, close) == ["agreed"]


def test_a_scope_word_that_opens_another_noun_phrase_is_not_the_figures() -> None:
    """After the figure, a scope word after a preposition or a determiner is its own noun's:
    the march is not planned, the count not a forecast, the days not 'already'."""
    after = "people marched across varnholt on thursday against planned budget cuts"
    assert clause_scope(Clause("", after)) == frozenset()
    assert clause_scope(Clause("", "fans came more than expected")) == frozenset()
    assert clause_scope(Clause("well above the", "injured given in the first days")) == set()
    # said of the figure itself, it stands
    assert clause_scope(Clause("", "are planned")) == {"planned"}
    assert clause_scope(Clause("", "of whom are already there")) == {"already"}


def test_people_who_did_what_a_class_is_named_for_are_of_that_class() -> None:
    """'1.03 million people took to the streets' and '240,000 protesters' count the same
    people, as surely as two counts of protesters do; 'people' beside another kind of
    people ('240,000 teachers') stays a looser fit."""
    tol = DEFAULT_TOLERANCES
    took = frame_of(figure(1.03e6, "1.03 million", "people took to the streets",
                           entity="people", happening="took to the streets"),
                    frozenset())  # fmt: skip
    protesters = frame_of(figure(240000, "240,000 protesters", "protesters",
                                 entity="protesters"), frozenset())  # fmt: skip
    teachers = frame_of(figure(240000, "240,000 teachers", "teachers took to the streets",
                               entity="teachers", happening="took to the streets"),
                        frozenset())  # fmt: skip
    for a, b in ((took, protesters), (protesters, took)):
        fit = judge(a, b, None, None, tol)
        assert not isinstance(fit, str) and "entity" in fit.slots
    loose = judge(took, teachers, None, None, tol)
    assert not isinstance(loose, str) and "entity" not in loose.slots


def test_a_scope_word_after_a_number_spelled_out_is_that_numbers() -> None:
    """'nine bodies had been recovered and one more victim was pinned': the victim is more,
    the nine are no addition; 'scored six goals and added three more' likewise."""
    after = "had been recovered by monday morning and one more victim was pinned"
    assert clause_scope(Clause("officials said", after)) == frozenset()
    assert clause_scope(Clause("ana ruiz scored", "goals and added three more")) == set()
    assert clause_scope(Clause("", "more were on the way")) == {"additional"}


def test_each_figure_of_a_breakdown_is_a_part() -> None:
    """'35 had been identified, 31 from Brenmoor and four from Ostrel': each is a part of
    the 35, as is '254 through DNA tests and six through facial recognition'; a figure with
    a phrase of its own and no list after it is no part ('40 people from several towns')."""
    text = "Officials said 35 had been identified, 31 from Brenmoor and four from Ostrel."
    for figure, part in (("35", False), ("31", True), ("four", True)):
        start = text.index(figure)
        assert clause_reads_part(clause_around(text, start, start + len(figure))) is part
    text = "He said 254 had been identified through DNA tests and six through facial records."
    for figure in ("254", "six"):
        start = text.index(figure)
        assert clause_reads_part(clause_around(text, start, start + len(figure)))
    text = "Police arrested 40 people from several towns on Monday."
    start = text.index("40")
    assert not clause_reads_part(clause_around(text, start, start + 2))


@pytest.mark.parametrize(
    ("text", "figure", "part"),
    [
        ("The health office said 30 of the victims were children.", "30", True),
        ("A doctor said at least eight of the dead had not been on the plane.", "eight", True),
        ("Of those, 14 of the injured were hospitalised in Ostrel.", "14", True),
        ("The coroner released the names of 12 of the 14 people killed.", "12", True),
        ("Brenmoor accounted for 27 of the dead.", "27", True),
        # the predicate says what befell them: the count itself, not a part
        ("Officials said 241 of the 242 people aboard were killed.", "241", False),
        ("Eleven of the 36 people confirmed to have the virus have died.", "Eleven", False),
        ("Police said 35 of the dead had been identified.", "35", False),
        # a verb before it says what was done to them, as before
        ("The Varnholt party won 412 of the 650 seats.", "412", False),
        # a verb in a clause of its own is not the partitive's predicate
        (
            "Two of the five climbers died when a ridge gave way where they had camped.",
            "Two",
            False,
        ),
    ],
)
def test_a_number_of_the_group_is_a_part_of_it_unless_its_verb_counts_a_happening(
    text: str, figure: str, part: bool
) -> None:
    """'30 of the victims were children' are some of the victims, never another outlet's
    toll; '241 of the 242 people aboard were killed' is how many were killed."""
    start = text.index(figure)
    clause = clause_around(text, start, start + len(figure))
    assert clause_reads_part(clause, counts=True) is part
    # a share or a number with its own noun is no partitive ('52% of the vote')
    assert not clause_reads_part(Clause("took", "of the vote"), counts=False)


def test_some_of_the_victims_do_not_dispute_the_toll() -> None:
    """Mined end to end: the children among the victims stay apart from the toll that two
    outlets agree on, instead of making a three-way conflict of 30, 'at least 40' and 40."""
    from service.pipeline import Pipeline
    from service.settings import Settings

    texts = {
        "a": "At least 40 people were killed when the Ostrel dam failed on Monday, officials "
        "said. The regional health office said 30 of the victims were children.",
        "b": "The failure of the Ostrel dam on Monday killed 40 people, police said.",
    }
    articles = [Article(id=k, text=v, outlet=f"Outlet {k}") for k, v in texts.items()]
    pipe = Pipeline(Settings(_env_file=None), None)
    merged = merge_records([pipe.extract(a) for a in articles], articles=articles)
    facts = sorted((f.status, len(f.values)) for f in merged.facts if f.kind == "quantity")
    assert facts == [("compatible", 2), ("single_source", 1)]


def test_a_figure_right_after_include_is_a_part() -> None:
    """'the dead included 31 children', 'the 30 foreign victims include six from
    Norland': the verb names a part as 'including' does (frames lexicon v22)."""
    for before in ("the dead included", "the passengers include", "the toll includes"):
        assert clause_reads_part(Clause(before, "children"))
    assert not clause_reads_part(Clause("the toll rose to", ""))
    from service.pipeline import Pipeline
    from service.settings import Settings

    texts = {
        "a": "At least 40 people were killed when the Ostrel dam failed on Monday, officials "
        "said. The 30 foreign victims include six from Norland, three from Brenmoor and two "
        "from Varnholt, officials said.",
        "b": "The failure of the Ostrel dam on Monday killed 40 people, police said.",
    }
    articles = [Article(id=k, text=v, outlet=f"Outlet {k}") for k, v in texts.items()]
    pipe = Pipeline(Settings(_env_file=None), None)
    merged = merge_records([pipe.extract(a) for a in articles], articles=articles)
    tolls = [f for f in merged.facts if f.kind == "quantity" and "40" in f.statement]
    assert tolls and all(" 6 " not in f.statement and "/ 6" not in f.statement for f in tolls)


def test_a_kind_of_people_below_the_people_counted_is_no_dispute() -> None:
    """Mined end to end: '48 passengers' on board is some of '52 people on board', not a
    conflict with it."""
    from service.pipeline import Pipeline
    from service.settings import Settings

    texts = {
        "a": "A Harbour Air plane with 52 people on board came down near Ostrel on Sunday, "
        "the airline said.",
        "b": "The Harbour Air plane that came down near Ostrel had 48 passengers on board, "
        "officials said.",
    }
    articles = [Article(id=k, text=v, outlet=f"Outlet {k}") for k, v in texts.items()]
    pipe = Pipeline(Settings(_env_file=None), None)
    merged = merge_records([pipe.extract(a) for a in articles], articles=articles)
    statuses = sorted(f.status for f in merged.facts if f.kind == "quantity")
    assert statuses == ["single_source", "single_source"]


def test_the_same_figure_said_again_weeks_later_is_one_fact() -> None:
    """'Two health facilities' in a follow-up six weeks after a report of two facilities,
    neither dated: one figure said twice, whichever report the merge looks at first;
    another value that long after (and no dispute of named sources) is the situation of
    then."""
    tol = DEFAULT_TOLERANCES
    two = frame_of(figure(2, "two health facilities", "health facilities",
                          entity="facilities"), frozenset())  # fmt: skip
    early, late = (739163, 739163), (739205, 739205)
    for days_a, days_b in ((early, late), (late, early)):
        assert not isinstance(judge(two, two, days_a, days_b, tol, same_figure=True), str)
        assert judge(two, two, days_a, days_b, tol, drift=True) == "time"


def test_a_description_naming_another_happening_gives_way_to_one_naming_its_own() -> None:
    # the miner took 'dead' from further on in one article ('... wounding 11, was found
    # dead'); the fact counts the wounded, and its statement says so
    consensus = merge_records(
        [
            record("a", quantities=[figure(11, "11", "dead", happening="wounding")]),
            record(
                "b", quantities=[figure(11, "11 others", "others wounded", happening="wounded")]
            ),
        ]
    )
    [fact] = [f for f in consensus.facts if f.kind == "quantity"]
    assert fact.statement.startswith("others wounded:"), fact.statement
    # a description alone keeps its words, whatever they name
    alone = merge_records(
        [
            record("a", quantities=[figure(11, "11", "dead", happening="wounding")]),
            record("b", quantities=[figure(11, "11", "dead", happening="wounded")]),
        ]
    )
    assert [f.statement.split(":")[0] for f in alone.facts if f.kind == "quantity"] == ["dead"]


def _mined_statuses(texts: dict[str, tuple[str, str]]) -> list[tuple[str, list[str], int]]:
    """Articles (text, publication time) mined with no LLM and merged."""
    from service.pipeline import Pipeline
    from service.settings import Settings

    articles = [
        Article(id=k, text=text, outlet=f"Outlet {k}", published_at=when)
        for k, (text, when) in texts.items()
    ]
    pipe = Pipeline(Settings(_env_file=None), None)
    return statuses(merge_records([pipe.extract(a) for a in articles], articles=articles))


def test_a_running_count_for_a_year_still_running_holds_on_its_report_day() -> None:
    """'Fires have burned 1.35 million hectares this year' in June and '4.6 million
    hectares' for the same year in August: the June count is the count so far, which the
    August one updates, not a rival count of the whole year."""
    found = _mined_statuses(
        {
            "a": (
                "In 2031, fires in Norland have burned more than 1.35 million hectares, "
                "officials said.",
                "2031-06-05T10:00:00Z",
            ),
            "b": (
                "Fires in Norland have burned 4.6 million hectares in 2031, the minister said.",
                "2031-08-06T10:00:00Z",
            ),
        }
    )
    assert [status for status, *_ in found if status in ("conflicting", "revised")] == ["revised"]


def test_a_share_taken_with_part_of_the_count_done_is_revised_by_a_later_one() -> None:
    """'With 87% of the ballots counted, Ruiz had 54.3%', then '55.4%' the next day: the
    count went on, no outlet contradicts another."""
    found = _mined_statuses(
        {
            "a": (
                "With 87% of the ballots counted, Ana Ruiz received 54.3% of the votes, "
                "according to preliminary results.",
                "2031-05-28T21:00:00Z",
            ),
            "b": ("Ana Ruiz received 55.4% of the votes in the runoff.", "2031-05-29T12:00:00Z"),
        }
    )
    assert ("conflicting", ["54.3%", "55.4%"], 2) not in found
    assert any(status == "revised" and "54.3%" in shown for status, shown, _ in found)


def test_two_counts_one_article_gives_at_once_do_not_revise_each_other() -> None:
    """One article: 'with 87% counted, the Norland Alliance won 63 seats' and 'the
    opposition bloc has 38 seats': two parties' counts that hold at once, though only one
    names its moment."""
    found = _mined_statuses(
        {
            "a": (
                "With 87% of ballots counted, the Norland Alliance received 63 seats in the "
                "120-seat parliament. The opposition bloc has received 38 seats in "
                "parliament.",
                "2031-05-15T12:00:00Z",
            )
        }
    )
    assert all(status != "revised" for status, *_ in found)


def test_increments_dated_on_two_days_are_two_facts() -> None:
    """'Another 23 bodies were exhumed on Monday' and, weeks later, '31 more bodies were
    exhumed on Tuesday': each is what that day added, not an update of the other (a
    running tally's later count would be)."""
    found = _mined_statuses(
        {
            "a": (
                "Police said another 23 bodies were exhumed in Kessby forest on 3 May 2031.",
                "2031-05-04T10:00:00Z",
            ),
            "b": (
                "Police said another 31 bodies were exhumed in Kessby forest on 20 July 2031.",
                "2031-07-21T10:00:00Z",
            ),
        }
    )
    assert [status for status, *_ in found] == ["single_source", "single_source"]


def test_a_denied_threshold_is_no_rival_to_a_share_won() -> None:
    """'No candidate won more than 50%' beside 'Ruiz won 45.5%': the first says what no
    one reached, no outlet's count of Ruiz's share."""
    found = _mined_statuses(
        {
            "a": (
                "Ana Ruiz won 45.5% of the vote, the election board said.",
                "2031-05-15T12:00:00Z",
            ),
            "b": (
                "The board said no candidate won more than 50% of the vote in the first round, "
                "so a runoff will follow.",
                "2031-05-16T12:00:00Z",
            ),
        }
    )
    assert all(status not in ("conflicting", "revised", "compatible") for status, *_ in found)


def test_a_toll_rising_within_one_day_is_revised_by_the_later_report() -> None:
    """A toll of 23 in a morning report and 31 in an evening one, the same day: the
    count went on, no outlet contradicts another. Reported the other way round, the
    later report's lower count is no update of the earlier higher one."""
    rising = _mined_statuses(
        {
            "a": ("The death toll in Tarro rose to 23 on Monday, the governor said.",
                  "2031-03-03T08:00:00Z"),
            "b": ("The death toll in Tarro has risen to 31, officials said.",
                  "2031-03-03T19:00:00Z"),
        }
    )  # fmt: skip
    assert [status for status, *_ in rising if status in ("conflicting", "revised")] == ["revised"]
    falling = _mined_statuses(
        {
            "a": ("The death toll in Tarro rose to 31 on Monday, the governor said.",
                  "2031-03-03T08:00:00Z"),
            "b": ("The death toll in Tarro has risen to 23, officials said.",
                  "2031-03-03T19:00:00Z"),
        }
    )  # fmt: skip
    assert "revised" not in [status for status, *_ in falling]
