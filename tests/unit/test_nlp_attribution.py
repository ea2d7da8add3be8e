"""Who gives a figure, read from the real dependency parse (`service.nlp.attribution`)."""

from __future__ import annotations

import pytest

from service.nlp.attribution import reported_clause, sentence_statement
from service.nlp.parse import parse
from tests.unit.test_nlp_figures import frame, said


def source_of(text: str, figure: str) -> str | None:
    return said(frame(text, figure).source)


@pytest.mark.parametrize(
    ("text", "figure", "source"),
    [
        # each clause's own 'according to', not the sentence's first one
        (
            "About 20% of nurses walked out, according to the Health Ministry, and 8% of "
            "doctors were on strike, according to police figures.",
            "8%",
            "police",
        ),
        # the verb of saying of the figure's own clause, not another clause's
        (
            "In Turin, police put the crowd at 9,000, while the union said 30,000 marched.",
            "9,000",
            "police",
        ),
        # 'he' is the person last named, never the organisation
        (
            "The Harbour Board met on Monday. Its chairman Tomas Berg spoke first. "
            "He said 40 berths were idle.",
            "40 berths",
            "Tomas Berg",
        ),
        # a described source is kept as written when no name holds its noun
        ("The regional justice department said nine victims were identified.", "nine", None),
        # a document's author is the source
        ("The Coast Guard's own count was under 50 people rescued.", "50", "The Coast Guard"),
        # ... all the words that name who wrote it, not those naming the kind of document
        ("According to Norvalian media reports, 40 people were held.", "40", "Norvalian media"),
        ("The NDMA situation report said 1,200 people had fled.", "1,200", "NDMA"),
        # ... every word of an author of several ('Zealand', 'Nations' were read alone)
        ("According to New Zealand estimates, about 300 homes were damaged.", "300", "New Zealand"),
        ("According to United Nations figures, 1,200 people fled.", "1,200", "United Nations"),
        # 'data' is a document though its lemma is 'datum'; its author is the source
        (
            "The epicentre lay 40 km offshore, according to data from the Norland Survey.",
            "40 km",
            "the Norland Survey",
        ),
        # 'to' after a name is whom it was said to; before one, part of a title
        (
            '"We have treated 50 people," said local doctor Ana Ruiz to the Brenmoor Herald.',
            "50",
            "local doctor Ana Ruiz",
        ),
        # 'put ... at' however deep the parse hangs the 'at'
        (
            "After the meeting, spokesman Ivo Lund put the number of people who marched to "
            "the square at 40,000.",
            "40,000",
            "spokesman Ivo Lund",
        ),
        # ... and 'in' a document after a name is how it was said
        ("The deal is worth $40 million, said Ivo Lund in a statement.", "$40 million", "Ivo Lund"),
        (
            "According to the Norland ambassador to the UN, 40 people died.",
            "40",
            "the Norland ambassador to the UN",
        ),
        # a day the parse joins to the name is no part of it
        (
            "Yesterday Ostrel Devices Inc. announced a $5.4 billion deal.",
            "5.4",
            "Ostrel Devices Inc.",
        ),
        # 'It' opening a sentence carries on the previous sentence's subject
        (
            "Northbridge Analytics published its study on Monday. The consultancy said the "
            "strike had cost $2 billion. It put the losses of suppliers at $400 million.",
            "$400 million",
            "The consultancy",
        ),
        # an appositive name before a description
        (
            "The town's fire chief, Ana Ruiz, said 12 homes burned.",
            "12 homes",
            "Ana Ruiz",
        ),
        # a document noun in a name is part of the name ('Survey'), not a document by it
        (
            "The United States Geological Survey said the quake struck 40 km off the coast.",
            "40 km",
            "The United States Geological Survey",
        ),
    ],
)
def test_the_source_is_read_from_the_figure_s_own_clause(
    text: str, figure: str, source: str | None
) -> None:
    found = source_of(text, figure)
    if source is None:
        assert found is not None and "department" in found
    else:
        assert found == source


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        # a figure inside the subject of a verb of saying is not its own source
        ("During the trial, 35 witnesses gave evidence.", "35 witnesses"),
        # a bare plural subject of 'give' or 'show' is not a source
        ("Relatives gave 200 samples at the hospital.", "200 samples"),
        ("Satellite images show two craters near the dock.", "two craters"),
        # a phrasal verb says nothing
        ("The company's losses add up to more than $9 billion.", "more than $9 billion"),
        # a document the figure counts names no source by its modifiers
        ("Deputies logged 23 missing-person reports overnight.", "23 missing-person reports"),
        # being or having a count is no counting of it
        ("The carrier has roughly 9,000 employees.", "roughly 9,000 employees"),
        # 'by' a time in the passive says by when, not by whom
        ("More than 300 aftershocks had been recorded by Friday evening.", "More than 300"),
        # a place that records or counts is where the count was made
        ("Manchester recorded 22 deaths over the weekend.", "22 deaths"),
        ("Japan counts 111 active volcanoes.", "111 active volcanoes"),
        # 'put' and 'place' give a figure only with an 'at' phrase
        ("The treaty placed the two provinces in the north.", "two provinces"),
        # a line break ends a sentence: a line of page furniture is not the next line's
        (
            "Norland leader visits Brenmoor\n\n2 min read\n\nThe leader arrived in "
            "Brenmoor on Tuesday, state media said.",
            "2 min",
        ),
        # reports from a place say where they come from, not who wrote them
        ("About 80 percent voted, according to reports from Tampere.", "80 percent"),
    ],
)
def test_no_source_where_nobody_gives_the_figure(text: str, figure: str) -> None:
    assert source_of(text, figure) is None


@pytest.mark.parametrize(
    ("text", "figure", "source"),
    [
        ("Mara Quist has argued that the port lost some 300 sailings a year.", "some 300",
         "Mara Quist"),
        ("Lena Vik insisted that 45 staff would keep their jobs.", "45 staff", "Lena Vik"),
        ("In a note to clients, the analysts wrote that 12 stores could close.", "12 stores",
         "the analysts"),
        ("Ivo Lund stressed that 80 flights had been cancelled.", "80 flights", "Ivo Lund"),
        ("The carrier admitted that 2,000 bags were lost.", "2,000 bags", "The carrier"),
        ("Harbour Bank explained that 9% of its loans had soured.", "9%", "Harbour Bank"),
    ],
)  # fmt: skip
def test_every_verb_of_saying_gives_the_figure_as_its_subject_s_word(
    text: str, figure: str, source: str
) -> None:
    assert source_of(text, figure) == source


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Brenmoor declared three days of mourning.", "three days"),
        ("The mayor declared a state of emergency after 40 homes flooded.", "40 homes"),
    ],
)
def test_declaring_mourning_or_an_emergency_gives_no_figure(text: str, figure: str) -> None:
    assert source_of(text, figure) is None


def test_a_name_with_non_breaking_spaces_is_a_source() -> None:
    """Web text often joins a name's words with non-breaking spaces, which the parse reads
    as space tokens: the name is still the source."""
    text = "The Norland\u00a0Defence\u00a0Agency said 300 soldiers had been deployed."
    assert source_of(text, "300 soldiers") == "The Norland\u00a0Defence\u00a0Agency"


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        (
            "Lena Vik, a fan from Brenmoor, Norland, who came with her two teenage children, "
            "said the bag search had been thorough.",
            "two",
        ),
        ("Ivo Lund, who had served 25 years for fraud, said the trial was unfair.", "25 years"),
    ],
)
def test_a_figure_that_describes_who_speaks_is_given_by_no_one(text: str, figure: str) -> None:
    """Found, and naming no one: the sentence's cue ('Norland', 'Ivo Lund') is not its
    source either."""
    reading = frame(text, figure)
    assert reading.sourced and reading.source is None


@pytest.mark.parametrize(
    ("text", "figure", "source"),
    [
        # 'the council' as the owner of a report is the organisation named with its noun,
        # not the last one named
        (
            "The Brenmoor Disaster Council met on Monday with the Harbour Bank. The "
            "council's latest report counts 559 people injured.",
            "559",
            "The Brenmoor Disaster Council",
        ),
        # a report 'of' a name is by it; a report 'of' deaths is by no one
        (
            "The latest report of the Brenmoor Disaster Council showed four deaths taken "
            "off the tally.",
            "four deaths",
            "the Brenmoor Disaster Council",
        ),
        (
            "A report of 20 deaths reached the Brenmoor Disaster Council on Monday.",
            "20 deaths",
            None,
        ),
        # reports 'from' a day or a place came from then or there, not from someone
        (
            "According to reports from Tuesday, the toll has risen to over 1,480.",
            "1,480",
            None,
        ),
        (
            "According to reports from the Norland Survey, the toll has risen to 40.",
            "40",
            "the Norland Survey",
        ),
    ],
)
def test_a_report_is_by_whoever_it_names_as_its_author(
    text: str, figure: str, source: str | None
) -> None:
    assert source_of(text, figure) == source


@pytest.mark.parametrize(
    ("text", "figure", "source"),
    [
        # '..., it said' closing a sentence carries on the previous sentence's subject
        (
            "The health ministry in Brenmoor said 283 people had been killed over the "
            "previous day. Most of them, 274 dead and 698 wounded, were casualties of the "
            "Harbour Bank raid, it said.",
            "274 dead",
            "The health ministry in Brenmoor",
        ),
        (
            "The Brenmoor council met on Monday. Some 40 of the dead worked at the Harbour "
            "Bank branch, it said.",
            "Some 40",
            "The Brenmoor council",
        ),
        # and 'it' is never a name inside what it says
        ("Most of the 40 dead were staff of the Norland Air office, it said.", "40 dead", None),
    ],
)
def test_it_said_after_what_it_says_is_named_outside_it(
    text: str, figure: str, source: str | None
) -> None:
    assert source_of(text, figure) == source


@pytest.mark.parametrize(
    ("text", "figure", "source"),
    [
        # a verb of saying joined to the figure's clause with a report of its own gives
        # that report, not the figure: the figure is the writer's, found as no one's
        (
            "Norland Air employs about 3,000 people in Ostrevia, and Ivo Lund said all "
            "six bases would have to be restructured.",
            "about 3,000",
            None,
        ),
        (
            "Since Friday the carrier has cancelled more than 700 flights, and the "
            "transport ministry estimated on Wednesday that 50,000 passengers were hit.",
            "more than 700 flights",
            None,
        ),
        # ... nor does one in a clause that describes a noun
        (
            "Part of the 200-person crowd became unruly on the day the autopsy showed he "
            "had been shot four times.",
            "200",
            None,
        ),
        # one that reports the figure's clause gives it, however the parse hangs it
        (
            "The toll from the Brenmoor fire has risen to 61 after a second patient died, "
            "the health ministry said on Tuesday.",
            "61",
            "the health ministry",
        ),
        ("Twelve people were killed in Brenmoor, police said.", "Twelve", "police"),
    ],
)
def test_a_verb_of_saying_gives_only_the_clause_it_reports(
    text: str, figure: str, source: str | None
) -> None:
    reading = frame(text, figure)
    assert (reading.source.text if reading.source is not None else None) == source
    assert reading.sourced


@pytest.mark.parametrize(
    ("text", "figure", "source"),
    [
        # the words that give the figure name no one: no source, and the parse says it
        # found them, so no other clause's source stands in
        (
            "Preliminary estimates drawn from aerial imaging suggest that more than 900 "
            "homes were destroyed by the Brenmoor fire.",
            "more than 900 homes",
            None,
        ),
        ("Early reports suggested up to 60 people may have died in Brenmoor.", "up to 60", None),
        # an 'according to' that names no one leaves the author of the count the clause
        # holds
        (
            "The Brenmoor council's count of the dead stands at 72, according to its "
            "latest report.",
            "72",
            "The Brenmoor council",
        ),
    ],
)
def test_words_that_give_a_figure_and_name_no_one_are_found(
    text: str, figure: str, source: str | None
) -> None:
    reading = frame(text, figure)
    assert reading.sourced
    assert (reading.source.text if reading.source is not None else None) == source


@pytest.mark.parametrize(
    ("text", "figure", "source"),
    [
        (
            "KARSTOV (Eastern Wire) - Ruritania's army chief, General Ivo Petrak, said on "
            "Tuesday that the strike had killed 31 soldiers and injured 40.",
            "31 soldiers",
            "General Ivo Petrak",
        ),
        (
            "DALMORE (Coast Wire) - Norland's health minister, Dr Ana Vik, said on Friday "
            "that the virus had infected 66 people.",
            "66 people",
            "Dr Ana Vik",
        ),
    ],
)
def test_a_dateline_is_no_source(text: str, figure: str, source: str) -> None:
    """The dateline's place, which the parse takes for the subject of the first
    sentence's verb, gives way to the speaker after the dash."""
    assert source_of(text, figure) == source


def test_a_sentence_opening_with_a_capital_letter_and_a_dash_is_no_dateline() -> None:
    text = "A police spokesman - speaking on condition of anonymity - said 12 people died."
    assert source_of(text, "12 people") == "A police spokesman"


def _statement(text: str, source: str) -> str | None:
    doc = parse(text)
    start = text.index(source)
    clause = reported_clause(doc, start, start + len(source)) or sentence_statement(
        doc, start, start + len(source)
    )
    return None if clause is None else clause.text


@pytest.mark.parametrize(
    ("text", "source", "statement"),
    [
        (  # 'according to': the sentence without the phrase, and without the dateline
            "VELMORA (Northgate Wire) - Floods cut the coastal road in three places on "
            "Monday, according to the roads agency.",
            "the roads agency",
            "Floods cut the coastal road in three places on Monday",
        ),
        (  # '..., X said': the reported clause, past the dateline
            "KESSBY, Ostrevia (Harbour Post) - The ferry service will resume on Friday, "
            "the port authority said.",
            "the port authority",
            "The ferry service will resume on Friday",
        ),
        (  # no verb of saying shows what was said: the sentence past the dateline
            "TARRO (Inland Courier) - The regional council's plan to close two clinics "
            "drew protests from nurses.",
            "The regional council",
            "The regional council's plan to close two clinics drew protests from nurses",
        ),
        (  # no dateline: the reported clause as before
            "The mayor said the bridge would stay shut until engineers had checked it.",
            "The mayor",
            "the bridge would stay shut until engineers had checked it",
        ),
    ],
)
def test_a_statement_never_holds_the_dateline(text: str, source: str, statement: str) -> None:
    assert _statement(text, source) == statement


def test_a_quotation_s_sentence_gives_no_statement_of_its_own() -> None:
    """The quotation is what was said: no sentence statement is made around it."""
    text = '"We will rebuild every school," the education minister told reporters in Tarro.'
    start = text.index("the education minister")
    assert sentence_statement(parse(text), start, start + 22) is None


@pytest.mark.parametrize(
    ("text", "figure", "source"),
    [
        # a document with an author that shows a figure gives it as its author's word
        ("Varnholt Air's final figures for Friday showed 4,600 flights cancelled.", "4,600",
         "Varnholt Air"),
        ("Data from the Brenmoor Provincial Disaster Office show that 377 people have been "
         "affected.", "377",
         "the Brenmoor Provincial Disaster Office"),
        # a bare document, or a plural of other things, names no one
        ("Final figures showed 4,600 flights cancelled.", "4,600", None),
    ],
)  # fmt: skip
def test_a_document_that_shows_a_figure_gives_it_as_its_authors(
    text: str, figure: str, source: str | None
) -> None:
    assert source_of(text, figure) == source


@pytest.mark.parametrize(
    ("text", "figure", "source"),
    [
        # '..., said a spokesman': the speaker after the verb, which the parse may take for
        # its object (and the sentence's first noun phrase after the dateline for its subject)
        ("OSTREL (Wire) — Three strong quakes killed at least 9 and hurt some 25 others in "
         "northern Varnholt on Tuesday, said a spokesman for the regional emergency service.",
         "some 25", "a spokesman for the regional emergency service"),
        ("BRENMOOR (Wire) — Two 5.8 magnitude tremors killed at least 9 and injured about 30 "
         "others in northern Varnholt on Sunday, said a spokesman for the regional rescue "
         "service.", "about 30", "a spokesman for the regional rescue service"),
        ("KESSBY (Wire) — Heavy storms killed at least 20 and injured more than 60 others along "
         "the coast on Monday, said an official of the national weather office.", "more than 60",
         "an official of the national weather office"),
        # a subject before the verb keeps it: the object after it is what was estimated
        ("Tomas Lund, the minister, estimated the damage at $120 million.", "$120 million",
         "Tomas Lund"),
    ],
)  # fmt: skip
def test_a_speaker_after_the_verb_of_saying_is_the_source(
    text: str, figure: str, source: str | None
) -> None:
    assert source_of(text, figure) == source


def test_putting_something_at_risk_gives_no_figure() -> None:
    """'put hundreds of posts at risk': the 'at' holds no figure, so the subject is no
    source; the analysts who said it are."""
    text = (
        "The merger of the two insurers may put hundreds of posts at risk, "
        "including 400 in Tarro, analysts said."
    )
    assert source_of(text, "400") == "analysts"
    assert source_of("Police put the crowd at 9,000 on Friday.", "9,000") == "Police"


def place_of(text: str, figure: str) -> str | None:
    return said(frame(text, figure).place)


@pytest.mark.parametrize(
    ("text", "figure", "place", "source"),
    [
        # a country or city the gazetteer knows that reports a count is where it was made
        ("Chile reported 190 deaths on Monday.", "190 deaths", "Chile", None),
        ("Chile and Peru reported 190 and 80 deaths.", "190", "Chile and Peru", None),
        # a speaker above it still gives the figure
        (
            "Peru reported 80 deaths, the health ministry said.",
            "80 deaths",
            "Peru",
            "the health ministry",
        ),
        # a place that records it, as before, and now where it was recorded
        ("Manchester recorded 22 deaths over the weekend.", "22 deaths", "Manchester", None),
        # who reports is a source when no place
        ("Police reported 40 arrests overnight.", "40 arrests", None, "Police"),
    ],
)
def test_a_place_that_reports_a_count_is_where_it_was_made(
    text: str, figure: str, place: str | None, source: str | None
) -> None:
    assert (place_of(text, figure), source_of(text, figure)) == (place, source)


def sourced(text: str, figure: str) -> tuple[bool, str | None]:
    reading = frame(text, figure)
    return reading.sourced, said(reading.source)


@pytest.mark.parametrize(
    ("text", "figure", "found"),
    [
        # a name that '&' joins is one name, not a list
        (
            "Brenmoor Power & Light, the largest power company, said it had restored power "
            "to more than 26,000 customers.",
            "26,000 customers",
            (True, "Brenmoor Power & Light"),
        ),
        # a speaker 'no' denies says nothing
        (
            "No authorities have confirmed that 12 ships were lost.",
            "12 ships",
            (True, None),
        ),
        # a verb of saying that takes lives says nothing, nor does the verb joined to it
        (
            "Wildfires in Kessby, Norland have claimed at least 37 lives and destroyed more "
            "than 640 structures.",
            "640 structures",
            (True, None),
        ),
        ("The floods claimed 200 lives, officials said.", "200 lives", (True, "officials")),
        # a joined verb that reports a clause shares its head's subject
        (
            "Ostrel Air cancelled the flight and said no seat would be free for six days.",
            "six days",
            (True, "Ostrel Air"),
        ),
        (
            "The army disputed the toll and put the dead at fewer than 100.",
            "100",
            (True, "The army"),
        ),
        # one that only tallies reports nothing
        ("Ana Ruiz scored 22 points and added nine rebounds.", "nine rebounds", (False, None)),
    ],
)
def test_who_says_a_figure_reads_names_denials_and_joined_verbs(
    text: str, figure: str, found: tuple[bool, str | None]
) -> None:
    assert sourced(text, figure) == found


def test_a_relative_word_is_no_part_of_a_source() -> None:
    text = "Officials said a ferry whose crew said 340 people were on board had capsized."
    assert source_of(text, "340") == "crew"


@pytest.mark.parametrize(
    ("text", "figure", "source"),
    [
        # a subject the parse takes across a colon is another clause's
        (
            "A bigger turnout than on May 2, 2029: during the first march over the old rent "
            "plan, officers had counted 48,000 people in Norland.",
            "48,000",
            "officers",
        ),
        (
            "A record for the region: across the first weekend of the festival, organisers "
            "had counted 48,000 visitors in Norland.",
            "48,000",
            "organisers",
        ),
        # nor does a speaker after a dash give a figure before it
        (
            "Guards fired 14 rounds \u2014 the coroner said that six struck the van.",
            "14 rounds",
            None,
        ),
        # while one whose verb reports the words before the break gives them
        (
            "Turnout topped 90,000 in Ostrel: said Ana Ruiz, who leads the drivers' union.",
            "90,000",
            "Ana Ruiz",
        ),
        # a verb of saying with a state and no object: its subject is what was confirmed
        ("7 people confirmed dead, 22 wounded in Kessby shootings", "22", None),
        ("Officials confirmed two hikers dead after the flood.", "two", "Officials"),
    ],
)
def test_a_subject_that_does_not_say_the_figure_is_no_source(
    text: str, figure: str, source: str | None
) -> None:
    assert said(frame(text, figure).source) == source


@pytest.mark.parametrize(
    ("text", "figure", "place", "source"),
    [
        # a place's name with an apostrophe is a name the gazetteer knows, written with
        # it or without ('Sana'a' is its 'Sanaa'), so it reports a count as a place
        ("Officials said Sana\u2019a reported 6,500 marchers on Friday.", "6,500 marchers",
         "Sana\u2019a", "Officials"),
        ("Some 3,700 people marched in Sana\u2019a on Monday.", "Some 3,700",
         "in Sana\u2019a", None),
        # an apostrophe before a capital is a surname's, which no place's name takes
        ("Ivo O'Brien reported 6,500 marchers on Friday.", "6,500 marchers", None,
         "Ivo O'Brien"),
    ],
)  # fmt: skip
def test_a_place_named_with_an_apostrophe_is_a_place(
    text: str, figure: str, place: str | None, source: str | None
) -> None:
    assert (place_of(text, figure), source_of(text, figure)) == (place, source)
