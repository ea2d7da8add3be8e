"""Unit tests for the deterministic miner, on a short made-up news story.

The story (a flood in the fictional river town of Varnholt) is written for these tests;
every facet is checked against the phrase it should come from.
"""

from __future__ import annotations

from datetime import date

import pytest

from schemas.article import Article
from schemas.candidates import Candidates, QuantityCandidate
from service.mine import mine, mine_unparsed, parse_number

PUBLISHED = date(2025, 9, 2)  # a Tuesday

STORY = """Flood forces thousands from homes in Varnholt

Floodwaters swept through the river town of Varnholt on Tuesday, forcing about 3,500 \
residents from their homes, the Varnholt Courier reported.

Mayor Odile Fenwick said at least 12 bridges had been damaged and that more than 40 streets \
were still closed.

"We have never seen the Lerne rise this fast," Fenwick told Radio Varnholt.

\u201cOur crews will stay until the last street is dry,\u201d she added.

In March the regional water board counted fewer than 30 working pumps along the valley. \
Engineers expect up to 600 tonnes of debris and between 20 and 24 hours of pumping before the \
main road reopens.

"The water came over the wall in minutes," said Tomas Reyl, a spokesman for the farmers' union.

\u201cThe first wave arrived before dawn,\u201d Bruno Kask, the director of the harbour, told \
reporters. \u201cBoats broke loose and drifted into the square.

\u201cBy noon the lower town was under water.\u201d

The regional government pledged $1.2 billion for repairs, according to the finance ministry. \
The Lerne peaked at 7.4 metres, roughly 2 metres above the level seen in 2011.

Ms Fenwick, who has led the town since 2019, told lawmakers that the 150th anniversary fair on \
Sept. 3 would be postponed. A report dated 02.09.2025 put the damage at 2 million euros.

Residents long called the old dam the \u201cgrey lady\u201d. Kim\u2019s bakery and the \
Reyls\u2019 barn were both flooded, and the town's only cinema closed.

A banner on the town hall read \u2018we will rebuild together\u2019 in red paint.

Interior Minister Lena Hartig visited the valley in April and promised new barriers. The river \
will crest again on Thursday, according to the weather service, which warned of "heavy rain \
through the weekend".
"""


@pytest.fixture(scope="module")
def mined() -> Candidates:
    return mine(Article(text=STORY, published_at=PUBLISHED))


def _quantity(mined: Candidates, phrase: str) -> QuantityCandidate:
    found = [q for q in mined.quantities if q.span.text == phrase]
    assert found, f"no quantity {phrase!r} in {[q.span.text for q in mined.quantities]}"
    return found[0]


# ----------------------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("phrase", "value", "hedge", "unit"),
    [
        ("about 3,500 residents", 3500, "about", "residents"),
        ("at least 12 bridges", 12, "at_least", "bridges"),
        ("more than 40 streets", 40, "more_than", "streets"),
        ("fewer than 30 working pumps", 30, "less_than", "pumps"),
        ("up to 600 tonnes", 600, "up_to", "tonnes"),
        ("$1.2 billion", 1.2e9, "exact", "USD"),
        ("7.4 metres", 7.4, "exact", "m"),
        ("roughly 2 metres", 2, "about", "m"),
        ("2 million euros", 2e6, "exact", "EUR"),
    ],
)
def test_quantity_value_hedge_and_unit(
    mined: Candidates, phrase: str, value: float, hedge: str, unit: str
) -> None:
    quantity = _quantity(mined, phrase)
    assert (quantity.value, quantity.hedge, quantity.unit) == (value, hedge, unit)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("The grant was $10m.", 1e7, "USD"), ("Aid reached \u20ac3.5 billion.", 3.5e9, "EUR"),
     ("Turnout rose to 61.5%.", 61.5, "%"), ("Thrust is 1,900 kN.", 1900, "kN"),
     ("The road runs 1,300 kilometers.", 1300, "km"), ("The flight took 14 hours.", 14, "hours"),
     # 'and a half' is part of the number
     ("He was jailed for eight and a half years.", 8.5, "years"),
     ("The talks lasted 2 and a half hours.", 2.5, "hours"),
     ("The delay lasted one and a half hours.", 1.5, "hours")],
)  # fmt: skip
def test_money_percent_and_units(text: str, value: float, unit: str) -> None:
    [quantity] = mine(Article(text=text)).quantities
    assert (quantity.value, quantity.unit) == (value, unit)


def test_range_has_bounds_and_no_value(mined: Candidates) -> None:
    quantity = _quantity(mined, "between 20 and 24 hours")
    assert (quantity.value, quantity.low, quantity.high) == (None, 20, 24)
    assert (quantity.hedge, quantity.unit) == ("range", "hours")


@pytest.mark.parametrize("text", ["It takes 20-24 hours.", "It takes 20 to 24 hours."])
def test_range_written_with_dash_or_to(text: str) -> None:
    [quantity] = mine(Article(text=text)).quantities
    assert (quantity.low, quantity.high, quantity.hedge) == (20, 24, "range")


@pytest.mark.parametrize(
    "text",
    ["Brenmoor won the final 72-65 on Sunday.",
     "The jury split 9-3 on the award.",
     "Norland Air flies the older A321-2 model."],
)  # fmt: skip
def test_two_numbers_a_dash_joins_the_first_not_lower_are_no_figure(text: str) -> None:
    assert mine(Article(text=text)).quantities == []


def test_a_fall_from_one_figure_to_another_keeps_both() -> None:
    text = "The crowd fell from 15,000 to 4,000 by the evening."
    assert [q.value for q in mine(Article(text=text)).quantities] == [15_000, 4_000]


def test_ordinal(mined: Candidates) -> None:
    quantity = _quantity(mined, "150th anniversary")
    assert (quantity.value, quantity.ordinal, quantity.unit) == (150, True, "anniversary")


def test_counted_hint_keeps_capitalised_modifiers() -> None:
    [quantity] = mine(Article(text="Officials said 2,000 Nordic volunteers arrived.")).quantities
    assert (quantity.unit, quantity.counted_hint) == ("volunteers", "Nordic volunteers")


def test_as_of_comes_from_a_date_in_the_same_sentence(mined: Candidates) -> None:
    quantity = _quantity(mined, "fewer than 30 working pumps")
    assert (quantity.as_of, quantity.as_of_phrase) == ("2025-03", "In March")
    assert _quantity(mined, "up to 600 tonnes").as_of is None  # next sentence: no date


def test_a_count_since_a_day_is_not_dated_by_that_day() -> None:
    """'more than 5,000 flights since Friday' holds at the report; Friday is where the
    count began, so it gives the figure no `as_of`. 'on Friday' does."""
    text = "Delta has cancelled more than 5,000 flights since Friday."
    [since] = mine(Article(text=text, published_at=PUBLISHED)).quantities
    assert since.time_scope == "since Friday" and since.as_of is None
    text = "Delta cancelled 1,079 flights on Monday."
    [monday] = mine(Article(text=text, published_at=PUBLISHED)).quantities
    assert monday.as_of == "2025-09-01"


def test_years_dates_and_times_are_not_figures(mined: Candidates) -> None:
    texts = {q.span.text for q in mined.quantities}
    assert not any(t in texts for t in ("2011", "2019", "3", "02", "2025"))
    assert mine(Article(text="The train left at 4 pm on Sept. 3.")).quantities == []


@pytest.mark.parametrize(
    ("text", "phrase", "low", "high"),
    [("Nine pupils aged between 11 and 16 were hurt.", "between 11 and 16", 11, 16),
     ("Four children aged from two to 11 died.", "from two to 11", 2, 11),
     ("Residents aged over 70 were moved first.", "over 70", 70, None)],
)  # fmt: skip
def test_a_groups_ages_are_years_not_a_count(
    text: str, phrase: str, low: float, high: float | None
) -> None:
    """'aged between 11 and 16' gives the ages of the people counted, not how many: a
    figure in years, which no count of people meets."""
    [age] = [q for q in mine(Article(text=text)).quantities if q.span.text == phrase]
    assert age.unit == "years"
    assert (age.low, age.high) == (low, high) if high is not None else age.value == low


@pytest.mark.parametrize(
    ("text", "value"),
    [("They moved thousands of sandbags.", 1e3), ("They moved hundreds of sandbags.", 1e2),
     ("They moved tens of thousands of sandbags.", 1e4),
     ("They moved hundreds of thousands of sandbags.", 1e5)],
)  # fmt: skip
def test_vague_plural_is_a_lower_bound(text: str, value: float) -> None:
    [quantity] = mine(Article(text=text)).quantities
    assert (quantity.value, quantity.hedge, quantity.unit) == (value, "more_than", "sandbags")


def test_number_words_inside_names_are_skipped() -> None:
    assert (
        mine(Article(text="He served in World War Two with the 38 North group.")).quantities == []
    )


def test_a_number_naming_a_flight_or_a_route_is_no_figure() -> None:
    text = "Norland Air flight 318 left the runway on route 9, and the flight carried 64 people."
    assert [q.span.text for q in mine(Article(text=text)).quantities] == ["64"]


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # after a capitalised word and a comma, a number that words follow is a figure ...
        ("In Lyon, 40 were arrested and 12 were hurt.", ["40", "12"]),
        ("Across Ohio, 25 died.", ["25"]),
        # ... one set off by commas is said of the name (an age) ...
        ("The pilot, Dana Reyes, 41, was unhurt.", []),
        # ... and after a name with a number, it and the number joined to it by 'and' or
        # 'or' are names of the same kind ('the 737 MAX, 767 and 777')
        ("The strike halted the A350 XWB, 787 and 777, an output of 40 jets a month.",
         ["40 jets"]),
        # a count joined to a count stays a count
        ("Police said 30 and 40 were hurt.", ["30", "40"]),
    ],
)  # fmt: skip
def test_a_number_after_a_name_and_a_comma(text: str, figures: list[str]) -> None:
    assert [q.span.text for q in mine(Article(text=text)).quantities] == figures


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2,000", 2000), ("1.3 million", 1.3e6), ("two", 2), ("twenty-five", 25), ("a dozen", 12),
     ("$1.2 billion", 1.2e9), ("17", 17), ("soldiers", None), ("", None)],
)  # fmt: skip
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


# ---------------------------------------------------------------------------------- quotes


def _speakers(mined: Candidates) -> dict[str, tuple[str | None, str | None]]:
    return {q.span.text: (q.speaker, q.via) for q in mined.quotes}


@pytest.mark.parametrize(
    ("quote", "speaker", "via"),
    [
        ("We have never seen the Lerne rise this fast", "Fenwick", "Radio Varnholt"),
        ("Our crews will stay until the last street is dry", "Fenwick", None),  # "she added"
        ("The water came over the wall in minutes", "Tomas Reyl", None),  # "said X"
        ("The first wave arrived before dawn", "Bruno Kask", None),  # "X, the ..., told"
        ("we will rebuild together", None, None),  # single curly quotes, no cue
        ("heavy rain through the weekend", "the weather service", None),  # "according to"
    ],
)
def test_quote_and_speaker(mined: Candidates, quote: str, speaker: str, via: str | None) -> None:
    assert _speakers(mined)[quote] == (speaker, via)


def test_quotation_across_two_paragraphs_is_one_quote(mined: Candidates) -> None:
    [quote] = [q for q in mined.quotes if q.span.text.startswith("Boats")]
    assert quote.span.text.endswith("By noon the lower town was under water.")
    assert "\n\n\u201cBy noon" in quote.span.text
    assert quote.speaker == "Bruno Kask"  # continues the previous quotation's speaker


def test_apostrophes_and_scare_quotes_are_not_quotes(mined: Candidates) -> None:
    texts = [q.span.text for q in mined.quotes]
    assert "grey lady" not in texts
    assert not any("bakery" in t or "barn" in t or "cinema" in t for t in texts)
    assert mine(Article(text="Kim\u2019s and the Reyls\u2019 farms, and Ann's shop.")).quotes == []


def test_speaker_before_the_quotation() -> None:
    [quote] = mine(Article(text='Dr Ines Vale said: "Stay away from the embankment."')).quotes
    assert (quote.speaker, quote.span.text) == ("Ines Vale", "Stay away from the embankment.")
    assert quote.speaker_span is not None and quote.speaker_span.text == "Ines Vale"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # 'he' is who spoke in the sentence before, not a person in what was said
        ('Mayor Ada Brenn said on Friday that Judge Omar Tull had smiled at the verdict. '
         '"This is a dark day for the town," she told reporters.', "Ada Brenn"),
        # no one named before a speech verb: the last person named
        ('Judge Omar Tull read the verdict aloud. "The court has spoken," he said.',
         "Omar Tull"),
    ],
)  # fmt: skip
def test_a_pronoun_speaker_is_who_spoke_before(text: str, speaker: str) -> None:
    [quote] = mine(Article(text=text)).quotes
    assert quote.speaker == speaker


def test_a_pronoun_speaker_named_no_closer_than_a_few_sentences_back_stays_unknown() -> None:
    filler = " ".join(f"The shelter took in {n} more families that night." for n in range(3, 8))
    visit = "Foreign Minister Ada Brenn visited the town on Monday."
    far = f'{visit} {filler} "We lost our home," she said.'
    [quote] = mine(Article(text=far)).quotes
    assert quote.speaker == "she"  # whom it means is not in the last sentences: no guess
    near = f'{visit} It rained. "We will rebuild," she said.'
    [quote] = mine(Article(text=near)).quotes
    assert quote.speaker == "Ada Brenn"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # the capitalised run after the verb is whom the speaker works for
        ('"Patch it now," said Norland Air safety researcher Lena Vik.', "Lena Vik"),
        ('"The flaw is real," said Harbour Bank director Ivo Lund on Tuesday.', "Ivo Lund"),
        # no role and name after it: the run itself speaks
        ('"The flaw is real," said Harbour Bank on Tuesday.', "Harbour Bank"),
        ('"It is over," said Mara Quist, the mayor.', "Mara Quist"),
    ],
)  # fmt: skip
def test_a_speaker_named_after_their_employer_and_role(text: str, speaker: str) -> None:
    [quote] = mine(Article(text=text)).quotes
    assert quote.speaker == speaker
    assert quote.speaker_span is not None and quote.speaker_span.text == speaker


def test_reported_by_a_publication() -> None:
    text = "\u201cThe levee held through the night,\u201d the Courier reported on Monday."
    [quote] = mine(Article(text=text)).quotes
    assert quote.speaker == "the Courier"


# ----------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("phrase", "iso", "granularity"),
    [
        ("on Tuesday", "2025-09-02", "day"),
        ("on Thursday", "2025-09-04", "day"),
        ("In March", "2025-03", "month"),
        ("in April", "2025-04", "month"),
        ("Sept. 3", "2025-09-03", "day"),
        ("02.09.2025", "2025-09-02", "day"),
        ("in 2011", "2011", "year"),
    ],
)
def test_dates_resolve_against_publication(
    mined: Candidates, phrase: str, iso: str, granularity: str
) -> None:
    found = {d.span.text: (d.iso, d.granularity) for d in mined.dates}
    key = next(k for k in found if k.endswith(phrase) or k == phrase)
    assert found[key] == (iso, granularity)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("It opened on September 2, 2025.", "2025-09-02"),
        ("It opened on 2 Sept.", "2025-09-02"),
        ("It reopened last month.", "2025-08"),
        ("Wednesday's parade was cancelled.", "2025-09-03"),
        ("The clinic was built in June 2024.", "2024-06"),
        ("It was repaired last Tuesday.", "2025-08-26"),
        # a stretch's start is not in the future: 'since Friday' is the Friday before
        ("Flights have been cancelled since Friday.", "2025-08-29"),
    ],
)
def test_more_date_forms(text: str, iso: str) -> None:
    [found] = mine(Article(text=text, published_at=PUBLISHED)).dates
    assert found.iso == iso


def test_relative_dates_need_a_publication_date() -> None:
    mined = mine(Article(text="It flooded on Tuesday and in April, and on June 19, 2024."))
    assert [d.iso for d in mined.dates] == ["2024-06-19"]


def test_may_the_verb_is_no_date() -> None:
    assert mine(Article(text="Crews may return tomorrow.", published_at=PUBLISHED)).dates[
        0
    ].iso == ("2025-09-03")
    assert mine(Article(text="Crews may return soon.", published_at=PUBLISHED)).dates == []


# ---------------------------------------------------------------------------------- people


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Odile Fenwick", "Mayor"),
        ("Tomas Reyl", "spokesman"),
        ("Bruno Kask", "director"),
        ("Fenwick", "Ms"),
        ("Lena Hartig", "Interior Minister"),
    ],
)
def test_people_with_titles(mined: Candidates, name: str, title: str) -> None:
    assert (name, title) in {(p.name, p.title) for p in mined.people}


def test_places_and_possessives_are_not_people(mined: Candidates) -> None:
    names = {p.name for p in mined.people}
    assert not names & {"Varnholt", "Lerne", "Kim", "Reyls", "Sept"}


def test_person_before_a_speech_verb_and_later_mentions() -> None:
    text = "Anna Brell said the pumps failed. Later, Brell inspected the dam."
    people = mine(Article(text=text)).people
    assert [(p.name, p.span.text) for p in people] == [
        ("Anna Brell", "Anna Brell"),
        ("Brell", "Brell"),
    ]


# --------------------------------------------------------------------------------- sources


@pytest.mark.parametrize(
    ("source", "cue"),
    [
        ("Varnholt Courier", "reported"),
        ("Mayor Odile Fenwick", "said"),
        ("the finance ministry", "according to"),
        ("Ms Fenwick", "told lawmakers"),
        ("Fenwick", "told"),
    ],
)
def test_sources(mined: Candidates, source: str, cue: str) -> None:
    assert (source, cue) in {(s.source, s.cue) for s in mined.sources}


@pytest.mark.parametrize(
    "text",
    [
        # a cue word after an article alone or a possessive is a noun, and names no source
        "The estimates rest on how long the outage lasted.",
        "Norvale's claims were rejected by the court.",
        "The confirmed cases rose to 40.",
    ],
)
def test_a_cue_word_that_is_a_noun_names_no_source(text: str) -> None:
    assert mine(Article(text=text)).sources == []


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        # a dateline's place and outlet are not part of the source after its dash
        (
            "DORVILLE, Norland (Harbour Wire) - Kestrel Motors said on Monday it would close "
            "two plants.",
            ["Kestrel Motors"],
        ),
        # initials end no name
        (
            "Some 40 people are detained, according to the Anna B. Kern Foundation.",
            ["Anna B. Kern Foundation"],
        ),
        # 'of' and 'for' inside a title or a name
        (
            "Minister of State for Transport Ivo Lind said the line would reopen.",
            ["Minister of State for Transport Ivo Lind"],
        ),
        # a second predicate's subject opens the sentence
        ("Ivo Lind thanked the crews and said the line would reopen.", ["Ivo Lind"]),
        ("Marta Ruiz was flown to Lisbon and told reporters she was well.", ["Marta Ruiz"]),
        # ... not a subject inside a clause of its own
        (
            "The court heard from her lawyer, who said she regretted it and had believed "
            "the money went to charity.",
            [],
        ),
        # a person 'of' an organisation is the person with it
        (
            "Judge Ana Vik of the Dorville High Court said the hearing would resume.",
            ["Judge Ana Vik of the Dorville High Court"],
        ),
        # a place names where, the head before it who
        (
            "The Norland embassy in Dorville told its staff to stay home.",
            ["Norland embassy in Dorville"],
        ),
        # a phrase after 'according to' ends where another noun phrase begins
        ("Kestrel Motors is cutting 900 jobs, according to a notice the carmaker filed.", []),
    ],
)
def test_a_source_is_the_whole_name_of_who_says_it(text: str, sources: list[str]) -> None:
    assert [s.source for s in mine(Article(text=text)).sources] == sources


def test_citing_and_passive_voice() -> None:
    text = "The agency, citing Deputy Mayor Ivo Lind, said 40 homes are estimated to be lost."
    sources = {(s.source, s.cue) for s in mine(Article(text=text)).sources}
    assert sources == {("Deputy Mayor Ivo Lind", "citing"), ("The agency", "said")}


# ------------------------------------------------------------------------ spans, ids, speed


def test_every_span_indexes_the_text_and_ids_follow_text_order(mined: Candidates) -> None:
    for prefix, items in (
        ("Q", mined.quotes), ("N", mined.quantities), ("D", mined.dates),
        ("P", mined.people), ("S", mined.sources),
    ):  # fmt: skip
        assert [c.id for c in items] == [f"{prefix}{i}" for i in range(1, len(items) + 1)]
        assert [c.span.start for c in items] == sorted(c.span.start for c in items)
        for c in items:
            for span in (c.span, c.sentence):
                assert STORY[span.start : span.end] == span.text
            assert c.sentence.start <= c.span.start and c.span.end <= c.sentence.end


@pytest.mark.parametrize(
    ("text", "figure", "year"),
    [
        ("Officials said 2000 killed in the blast.", 2000.0, None),
        ("About 2000 people fled the town.", 2000.0, None),
        ("Some 1950 soldiers were sent north.", 1950.0, None),
        ("It was built in 1998 and rebuilt later.", None, "1998"),
        ("The 2024 elections were close.", None, "2024"),
        ("By 2030 troops will leave the valley.", None, "2030"),
        ("The mill closed in 1999.", None, "1999"),
    ],
)
def test_a_bare_year_counting_something_is_a_figure(
    text: str, figure: float | None, year: str | None
) -> None:
    mined = mine(Article(text=text, published_at=PUBLISHED))
    assert [q.value for q in mined.quantities] == ([figure] if figure else [])
    assert [d.iso for d in mined.dates] == ([year] if year else [])


def test_a_capitalised_run_with_an_organisation_word_is_no_person() -> None:
    text = (
        "The official Ostrevian Central News Agency reported the deal on Monday. "
        "Ostrevian state media said Chairman Pavel Strand signed it."
    )
    names = {p.name for p in mine(Article(text=text, published_at=PUBLISHED)).people}
    assert names == {"Pavel Strand"}


def test_an_attribution_word_opening_a_sentence_is_no_part_of_a_name() -> None:
    """'Citing' and 'Quoting' open an attribution (the lexicon's `sources.cues_before`):
    the person is the name after them."""
    text = (
        "Quoting Ana Mirel Voss, a spokeswoman for the port, the agency said two berths "
        "were closed. Citing Tomas Reyl, an aide to the minister, the paper said the "
        "bridge would reopen."
    )
    names = {p.name for p in mine(Article(text=text)).people}
    assert "Ana Mirel Voss" in names and "Tomas Reyl" in names
    assert not any(n.startswith(("Quoting", "Citing")) for n in names)


def test_a_year_naming_an_older_event_in_another_clause_does_not_date_a_figure() -> None:
    """The toll climbed to 93, passing the 2019 Brenmoor fire's; the 2019 fire 'left 71
    dead' is dated, the 93 is not. A year of the figure's own clause still dates it."""
    text = (
        "Officials said on Saturday that the toll climbed to 93, surpassing the total killed "
        "in the 2019 Brenmoor fire, which left 71 dead. Turnout fell from 67.3% at the 2019 "
        "election."
    )
    mined = mine(Article(id="a", text=text, published_at=date(2025, 8, 12)))
    assert _quantity(mined, "93").as_of != "2019"
    assert _quantity(mined, "71").as_of == "2019"
    assert _quantity(mined, "67.3%").as_of == "2019"


@pytest.mark.parametrize(
    ("text", "people"),
    [
        # a middle initial is inside the name, not its end
        ("Deputy Director Ivo K. Lund said the line would reopen.",
         [("Ivo K. Lund", "Deputy Director")]),
        ("Mara T. Quist said the plant would close.", [("Mara T. Quist", None)]),
        # two initials after a given name, and initials right after a title
        ("A statement from Ana R.K, a local police official, said the search went on.",
         [("Ana R.K", "local police official")]),
        ("The survivor was found by police commissioner G. S. Lund, officials said.",
         [("G. S. Lund", "commissioner")]),
        # a title of local office or the courts is no part of the name
        ("Coroner Ana Ruiz said six had died.", [("Ana Ruiz", "Coroner")]),
    ],
)  # fmt: skip
def test_names_with_initials_and_titles(text: str, people: list[tuple[str, str | None]]) -> None:
    assert [(p.name, p.title) for p in mine(Article(text=text)).people] == people


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("The fire is contained, said Brenmoor County Sheriff Ivo Lund.",
         "Brenmoor County Sheriff Ivo Lund"),
        ("The fire is contained, said Sheriff Ivo Lund.", "Sheriff Ivo Lund"),
        ("The fire is contained, said Ana Ruiz of the Red Cross.", "Ana Ruiz"),
    ],
)  # fmt: skip
def test_a_titled_name_after_said_is_the_source_whole(text: str, source: str) -> None:
    assert [s.source for s in mine(Article(text=text)).sources] == [source]


@pytest.mark.parametrize(
    ("text", "value", "hedge"),
    [
        ("Half a million people marched in Tampere.", 500_000, "exact"),
        ("About a quarter of a million people fled.", 250_000, "about"),
        ("The deal is worth half a billion dollars.", 500_000_000, "exact"),
        # 'tens of thousands' is vague with or without an 'of' after it
        ("Tens of thousands marched.", 10_000, "more_than"),
        ("Hundreds of millions of dollars were lost.", 100_000_000, "more_than"),
    ],
)
def test_fractions_and_vague_counts_of_a_scale(text: str, value: float, hedge: str) -> None:
    [quantity] = mine(Article(text=text)).quantities
    assert (quantity.value, quantity.hedge) == (value, hedge)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # told in a past tense: the latest such day up to the report (a Tuesday), not the
        # one within three days either way ('Friday' alone would be 2025-09-05)
        ("The talks started on Friday.", "2025-08-29"),
        ("Ivo Lund was arrested Friday.", "2025-08-29"),
        ("The toll had reached 60 on Friday.", "2025-08-29"),
        ("Two dams collapsed on Friday night.", "2025-08-29"),
        # with 'will': the first such day from the report ('Saturday' alone: 2025-08-30)
        ("The trial will resume Saturday.", "2025-09-06"),
        # open: the day is what the verb is about, or goes on another time phrase
        ("Ahead of Friday's vote, the party met.", "2025-09-05"),
        ("The airline halted its flights until noon on Friday.", "2025-09-05"),
        ("The talks start on Friday.", "2025-09-05"),
    ],
)
def test_the_tense_of_its_verb_says_which_way_a_weekday_lies(text: str, iso: str) -> None:
    article = Article(text=text, published_at=PUBLISHED)
    [found] = mine(article).dates
    assert found.iso == iso
    assert mine_unparsed(article).dates == mine(article).dates  # the calls show it so


@pytest.mark.parametrize(
    ("text", "as_of"),
    [
        # the 'when' clause after a date tells what happened then, 'since' or not
        ("It is the worst disaster since 2014, when a ferry sank off Ostrel, killing 304.", "2014"),
        ("Turnout was the lowest since 2001, when it sank to 59.4%.", "2001"),
        # a count since a year holds at the report: the year is where it began
        ("The club has signed 14 players since 2019.", None),
    ],
)
def test_a_when_clause_is_dated_by_the_date_it_follows(text: str, as_of: str | None) -> None:
    [figure] = mine(Article(text=text, published_at=PUBLISHED)).quantities
    assert figure.as_of == as_of


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # a day that dates the subject takes its verb's tense (the report is a Tuesday)
        ("The final figures for Friday showed 4,548 cancellations.", "2025-08-29"),
        ("The vote on Saturday will decide the seat.", "2025-09-06"),
    ],
)
def test_a_day_dating_the_subject_takes_the_tense_of_its_verb(text: str, iso: str) -> None:
    found = [d.iso for d in mine(Article(text=text, published_at=PUBLISHED)).dates]
    assert found == [iso]


@pytest.mark.parametrize(
    ("text", "low", "high", "value", "unit"),
    [
        # lakh (100,000) and crore (10 million) are scale words, as million is
        ("The minister said between 2 and 3 lakh people had come.", 200_000, 300_000, None, ""),
        ("Police said more than 4 lakh people gathered in Tarro.", None, None, 400_000, ""),
        # the rupee's signs give a sum, as the word does
        ("The state will pay Rs 25 lakh to each family.", None, None, 2_500_000, "INR"),
        ("The bridge will cost Rs. 400 crore.", None, None, 4_000_000_000, "INR"),
        ("Tickets cost \u20b9200 each.", None, None, 200, "INR"),
    ],
)  # fmt: skip
def test_lakh_crore_and_the_rupee_sign(
    text: str, low: float | None, high: float | None, value: float | None, unit: str
) -> None:
    [quantity] = mine(Article(text=text)).quantities
    assert (quantity.low, quantity.high, quantity.value, quantity.unit) == (low, high, value, unit)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        # the Swiss franc's code and name give a sum in CHF
        ("The bank agreed to pay CHF 4.5 billion for its rival.", 4.5e9, "CHF"),
        ("The state offered 7 billion francs in guarantees.", 7e9, "CHF"),
    ],
)
def test_the_swiss_franc_gives_a_sum(text: str, value: float, unit: str) -> None:
    [quantity] = mine(Article(text=text)).quantities
    assert (quantity.value, quantity.unit) == (value, unit)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # thousands grouped by spaces, as many outlets outside the US write them
        ("In the Tarro region, 3 518 people were evacuated.", [3518.0]),
        ("Officials said 12\u00a0500 people left and 1\u202f300 homes flooded.", [12500.0, 1300.0]),
        ("The toll reached 1 250 on Monday, up from 980.", [1250.0, 980.0]),
        # never a year, nor a group of other than three digits
        ("In 2023 150 people died.", [150.0]),
        ("Crews of 30 and 41 were sent, and 12 45-minute delays followed.", [30.0, 41.0, 12.0]),
    ],
)
def test_thousands_grouped_by_spaces(text: str, values: list[float]) -> None:
    found = [q.value for q in mine(Article(text=text)).quantities if q.value is not None]
    assert found[: len(values)] == values


@pytest.mark.parametrize(
    ("text", "phrase", "hedge"),
    [
        # an upper bound, not a lower one
        ("Police said no more than 40 people died.", "no more than 40", "up_to"),
        ("Police said not more than 40 people died.", "not more than 40", "up_to"),
        ("Police said at most 40 people died.", "at most 40", "up_to"),
        ("Police said more than 40 people died.", "more than 40", "more_than"),
    ],
)
def test_no_more_than_is_an_upper_bound(text: str, phrase: str, hedge: str) -> None:
    found = [
        (text[q.span.start : q.span.end], q.hedge) for q in mine(Article(text=text)).quantities
    ]
    assert found == [(phrase, hedge)]


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # a number with a scale word or grouped thousands is a count, even after a name
        ("The police counted 48,000 marchers, the Kessby Union 1.3 million.", ["48,000 marchers",
                                                                       "1.3 million"]),
        ("Police counted 48,000, the Kessby Union 90,000.", ["48,000", "90,000"]),
        # a small bare number after a name is still part of it
        ("The Kessby Union 9 team won.", []),
    ],
)  # fmt: skip
def test_a_count_after_a_name_is_a_figure_when_it_is_grouped_or_scaled(
    text: str, figures: list[str]
) -> None:
    assert [q.span.text for q in mine(Article(text=text)).quantities] == figures


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # numbers an identifying noun opens a list of, in the plural too, are no figures
        ("They were charged under Sections 212 (negligence), 219 (fraud) and 87 (conspiracy).",
         []),
        ("Flights 318 and 319 were cancelled; 40 people were stranded.", ["40"]),
        ("Articles 5 and 6 of the treaty apply.", []),
        # a count after an identified number and a comma still counts
        ("On Flight 318, 64 people died and 12, 9 and 4 were hurt.", ["64", "12", "9",
                                                                      "4"]),
    ],
)  # fmt: skip
def test_numbers_listed_after_an_identifying_noun_are_no_figures(
    text: str, figures: list[str]
) -> None:
    assert [q.span.text for q in mine(Article(text=text)).quantities] == figures
