"""Figure frames read from the real dependency parse (`service.nlp.figures`)."""

from __future__ import annotations

import pytest

from service.nlp.figures import FrameReading, read_frame
from service.nlp.parse import parse
from service.nlp.spans import Slot


def frame(text: str, figure: str) -> FrameReading:
    start = text.index(figure)
    return read_frame(parse(text), start, start + len(figure))


def said(slot: Slot | None) -> str | None:
    """A slot's words, or None when the parse gave none."""
    return slot.text if slot is not None else None


@pytest.mark.parametrize(
    ("text", "figure", "entity"),
    [
        ("The quake struck at a depth of 10 kilometres off the coast.", "10 kilometres", "depth"),
        ("The plane reached an altitude of 625 feet before falling.", "625 feet", "altitude"),
        # a count of things 'of' a whole is still a count of those things
        ("Some 30 of the dead were children.", "30", "dead"),
        # a measure with no noun it is 'of' keeps its unit
        ("The epicentre was 17 km northeast of the town.", "17 km", "km"),
        # a percentage counts what it is a share of, or stands where a bare number would
        ("Labour won a vote share of 33.7%.", "33.7%", "share"),
        ("Workers were offered a pay rise of 35% over four years.", "35%", "rise"),
        ("Some 40% of teachers walked out.", "40%", "teachers"),
        ("The group will buy a 51% stake in the port operator.", "51%", "stake"),
        # a movement by so much measures the verb's subject ('revenue dropped 5%')
        ("In the airplanes unit, revenue dropped 5% to $7.4 billion.", "5%", "revenue"),
        ("Exports rose 12% in March.", "12%", "Exports"),
        # a generic noun whose 'of' is the figure itself counts nothing more ('the count of
        # 65' is no count of '65'); a part of a figure counts what that figure counts
        ("It said the count of 65 had been lowered.", "65", "count"),
        ("The toll stood at a total of 1,200 on Monday.", "1,200", "total"),
        (
            "About a dozen of the 16 freed prisoners spoke to reporters.",
            "About a dozen",
            "prisoners",
        ),
        # a dateline's town the parse takes for a second subject is not what rose
        (
            "CEBU CITY, Philippines (Wire) - The death toll from the quake has risen to 72, "
            "the council said.",
            "72",
            "toll",
        ),
    ],
)
def test_a_measure_or_share_counts_the_noun_it_is_of(text: str, figure: str, entity: str) -> None:
    reading = frame(text, figure)
    assert reading.entity is not None and reading.entity.text == entity


@pytest.mark.parametrize(
    ("text", "figure", "measured"),
    [
        ("Its epicentre was 17 kilometres northeast of Bogo City.", "17 kilometres",
         "northeast of Bogo City"),
        ("The town lies some 80 km from the capital Skopje.", "80 km", "capital Skopje"),
        # the tagger takes 'about 700' for a bare number: the unit says it is a measure
        ("The volcano lies about 700 km west of Lima.", "about 700 km", "west of Lima"),
        # no named point: nothing more than the unit
        ("Villages around 4 km from the crater were struck.", "4 km", None),
        ("The injured were driven to a hospital about 100 km away.", "100 km", None),
        ("The volcano, 1,584 metres tall, erupted again.", "1,584 metres", None),
        # a span of time is read by what it is of
        ("The cabinet declared five days of national mourning.", "five days",
         "national mourning"),
        ("The vote ended 12 years of coalition rule.", "12 years", "coalition rule"),
        ("The talks lasted three hours.", "three hours", None),
    ],
)  # fmt: skip
def test_a_measure_in_its_unit_is_read_by_the_named_point_or_the_thing_it_is_of(
    text: str, figure: str, measured: str | None
) -> None:
    reading = frame(text, figure)
    assert said(reading.qualifier) == measured


@pytest.mark.parametrize(
    ("text", "figure", "whole", "place"),
    [
        ("Kocani, a town of about 20,000 people, lies east of the capital.", "20,000", "town",
         "Kocani"),
        # a bare number sizing a named place counts its people too
        ("Ana Ruiz, director of the hospital in Tampere, a town of 25,000, said so.", "25,000",
         "town", "Tampere"),
        # a group named by no one: nothing more than its people
        ("The group of 30 people was rescued.", "30", None, None),
        ("A crowd of 5,000 people gathered.", "5,000", None, None),
    ],
)  # fmt: skip
def test_a_named_places_size_counts_its_people(
    text: str, figure: str, whole: str | None, place: str | None
) -> None:
    """'Kocani, a town of 20,000 people': the town's people, in Kocani; two outlets'
    sizes of one town meet, another town's stays apart."""
    reading = frame(text, figure)
    assert said(reading.qualifier) == whole
    assert said(reading.place) == place


@pytest.mark.parametrize(
    ("text", "figure", "level"),
    [
        ("It had climbed to only 625 feet when it began to sink.", "625 feet", "climbed"),
        ("The river rose to 5 metres overnight.", "5 metres", "rose"),
        # a change, not a level; and a count names its thing as the subject
        ("The fire grew by 3,000 acres on Thursday.", "3,000 acres", None),
        ("The toll rose to 60 on Monday.", "60", None),
    ],
)
def test_a_measure_a_verb_reached_is_named_by_the_verb(
    text: str, figure: str, level: str | None
) -> None:
    reading = frame(text, figure)
    assert said(reading.happening) == level


@pytest.mark.parametrize(
    ("text", "figure", "owner"),
    [
        ("Labour won 412 seats in the election.", "412", "Labour"),
        ("Labour took 410 of the 650 seats.", "410", "Labour"),
        ("Some 412 seats were won by Labour.", "412", "Labour"),
        ("Boeing's revenue fell to $17.8 billion.", "$17.8 billion", "Boeing"),
        ("Reform UK's five MPs will sit in the Commons.", "five", "Reform UK"),
        # a person who did what is counted: one player's points are not another's
        ("Ana Ruiz scored 31 points in the final on Sunday.", "31", "Ana Ruiz"),
        ("Tomas Berg netted 9 goals while Ivo Lund netted 12.", "12", "Ivo Lund"),
        # a verb joined to another shares its subject
        ("Mara Quist scored 18 points and grabbed 9 rebounds.", "9", "Mara Quist"),
        ("Labour held 300 seats, gained 112 and lost 20.", "112", "Labour"),
        # no one named party: a description, a list, a person's party, a span of time, or
        # the source of the figure
        ("The party won 412 seats.", "412", None),
        ("Starmer's party won 412 seats.", "412", None),
        ("Moscow freed the journalist two weeks later.", "two weeks", None),
        ("Labour and the Liberal Democrats won 484 seats.", "484", None),
        ("Police counted 55,000 marchers in Paris.", "55,000", None),
        ("The CGT said 1 million people marched.", "1 million", None),
    ],
)
def test_the_owner_is_the_named_party_whose_count_it_is(
    text: str, figure: str, owner: str | None
) -> None:
    reading = frame(text, figure)
    assert said(reading.owner) == owner


@pytest.mark.parametrize(
    ("text", "figure", "place"),
    [
        ("FlightAware showed 4,548 flights cancelled worldwide.", "4,548", "worldwide"),
        ("There were 24,802 delays around the globe.", "24,802", "around the globe"),
        ("Officials said 12 people killed in Gaza were children.", "12", "in Gaza"),
        # a place said to be another than the story's, with the place it governs
        ("Elsewhere in Indonesia, Mount Marapi also erupted, sending ash 800 m high.", "800 m",
         "Elsewhere in Indonesia"),
        ("Twenty-seven of the injured will be moved to hospitals abroad.", "Twenty-seven",
         "abroad"),
        # a place noun a proper name makes one place, though the tagger took the name alone
        ("Twelve people were killed in Tampere district, the agency said.", "Twelve",
         "in Tampere district"),
        # a clause of 'where' counts in the place it stands for
        ("The worst damage was in Tampere, where 43 people died.", "43", "in Tampere"),
        ("Sixty-eight died in Tampere County alone, 40 were adults and 28 were children.",
         "Sixty-eight", "in Tampere County"),
        # a facility a proper name makes one place
        ("Five died at Ostrel Hospital in Tampere, while three died at another hospital.",
         "Five", "at Ostrel Hospital"),
        # 'the city of X' is X
        ("The death toll in the city of Tampere alone is now more than 5,300, a spokesman said.",
         "5,300", "Tampere"),
    ],
)  # fmt: skip
def test_the_whole_world_elsewhere_and_a_place_on_the_participle_are_place_scopes(
    text: str, figure: str, place: str
) -> None:
    reading = frame(text, figure)
    assert reading.place is not None and reading.place.text == place


def test_lives_a_verb_of_saying_takes_are_no_speech() -> None:
    """'The floods have claimed 200 lives': the floods killed them, they said nothing; the
    source is who said so."""
    reading = frame("The floods have claimed 200 lives, officials said.", "200")
    assert (said(reading.happening), said(reading.source)) == ("claimed", "officials")
    unsaid = frame("The disaster claimed at least 52 lives in Tampere County.", "52")
    assert said(unsaid.source) is None
    # a verb of saying with another object still says
    assert said(frame("Organisers claimed 200,000 marchers.", "200,000").source) == "Organisers"


def test_a_fate_keeps_its_figure_whatever_the_next_clause_says() -> None:
    """'3,000 people died and 10,000 are missing': the 3,000 died; the parse hangs the next
    clause's subject on its auxiliary, so 'missing' seemed to share theirs."""
    text = "At least 3,000 people died and 10,000 are missing after the storm hit the coast."
    assert said(frame(text, "3,000").happening) == "died"
    assert said(frame(text, "10,000").happening) == "missing"


@pytest.mark.parametrize(
    ("text", "figure", "happening"),
    [
        ("The blast left four people dead and dozens hurt.", "four", "dead"),
        ("The storm left two others missing.", "two", "missing"),
        ("Floods have left 5,000 residents homeless.", "5,000", "homeless"),
        # an object with no state word after it keeps the verb
        ("The firm left 300 staff on the payroll.", "300", "left"),
    ],
)  # fmt: skip
def test_a_state_after_the_object_is_what_befell_it(text: str, figure: str, happening: str) -> None:
    """'left four people dead': the state the verb leaves its object in, not 'left'."""
    assert said(frame(text, figure).happening) == happening


@pytest.mark.parametrize(
    ("text", "figure", "happening"),
    [
        ("Three men were found dead in the house on Ostrel Road.", "Three", "dead"),
        ("Around 40 miners are feared dead after the collapse.", "40", "dead"),
        ("Officials said 12 hikers were presumed missing.", "12", "missing"),
        ("Over 300 people were hurt, with approximately 50 feared dead.", "50", "dead"),
        ("Some 25 villagers are believed to have lost their lives.", "25", "lost their lives"),
        ("Nine crew are thought to have been killed.", "Nine", "killed"),
        # a passive verb with no state after it keeps the verb
        ("Some 60 passengers were rescued from the ferry.", "60", "rescued"),
    ],
)  # fmt: skip
def test_a_state_a_passive_verb_gives_its_subject_is_what_befell_it(
    text: str, figure: str, happening: str
) -> None:
    """'40 are feared dead', 'believed to have lost their lives': the state the subject is
    found or believed in, not 'feared'."""
    assert said(frame(text, figure).happening) == happening


@pytest.mark.parametrize(
    ("text", "figure", "happening"),
    [
        # after a linking verb, a preposition's phrase is the state the counted things are in
        ("The county said 8,420 people were under evacuation orders.", "8,420",
         "under evacuation orders"),
        ("In all, 5,100 residents remained under mandatory evacuation orders on Sunday.",
         "5,100", "under mandatory evacuation orders"),
        ("Some 17 people are still in hospital.", "17", "in hospital"),
        ("Officials said 26 men were in custody.", "26", "in custody"),
        ("About 90,000 homes were without power on Monday.", "90,000", "without power"),
        # a place is no state, nor is a phrase after a verb of movement
        ("About 3,000 people were in the capital.", "3,000", None),
        ("Some 400 of the workers are already in the country.", "400", None),
        ("About 1,500 volunteers were in Lyon on Friday.", "1,500", None),
        ("Shares of the group rose 8% in early trading.", "8%", None),
        ("In all, 600 people were evacuated.", "600", "evacuated"),
    ],
)  # fmt: skip
def test_a_state_after_a_linking_verb_is_what_befell_the_counted_things(
    text: str, figure: str, happening: str | None
) -> None:
    assert said(frame(text, figure).happening) == happening


@pytest.mark.parametrize(
    ("text", "figure", "owner"),
    [
        ("On Friday the judge sentenced Ivo Lund to 14 years in jail and his wife Mara Quist "
         "to seven years.", "14 years", "Ivo Lund"),
        ("On Friday the judge sentenced Ivo Lund to 14 years in jail and his wife Mara Quist "
         "to seven years.", "seven years", "Mara Quist"),
        ("Ana Ruiz, who had been sentenced to nine years in 2022, was freed.", "nine years",
         "Ana Ruiz"),
        ("Ivo Lund, sentenced in 2022 to eight years for his posts, spoke to reporters.",
         "eight years", "Ivo Lund"),
        ("Mara Quist was stopped at the border in 2021 and was sentenced in June 2022 to 14 "
         "years in a penal colony.", "14 years", "Mara Quist"),
        ("Ivo Lund, who was stopped at the border in 2021 and was sentenced in June 2022 to "
         "14 years, was freed.", "14 years", "Ivo Lund"),
    ],
)  # fmt: skip
def test_a_span_someone_is_sentenced_to_is_theirs(text: str, figure: str, owner: str) -> None:
    reading = frame(text, figure)
    assert said(reading.happening) == "sentenced"
    assert said(reading.owner) == owner


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        # 'for' a span says how long anything went on; a tally's verb moves a count
        ("The singer performed for 35 years before retiring.", "35 years"),
        ("The waiting time rose to 14 days in March.", "14 days"),
    ],
)
def test_no_sentence_from_a_span_after_for_or_a_tallying_verb(text: str, figure: str) -> None:
    reading = frame(text, figure)
    assert said(reading.happening) is None and said(reading.owner) is None


@pytest.mark.parametrize(
    ("text", "figure", "happening"),
    [
        # a participle with its own object counts its own things, not the first one's
        ("The storm hit the coast on Monday, killing nine people and injuring more than 40.",
         "nine", "killing"),
        ("The storm hit the coast on Monday, killing nine people and injuring more than 40.",
         "more than 40", "injuring"),
        # a figure named by a pronoun takes its own clause's verb ...
        ("The fever spread to 80 villagers and killed 12 of them.", "12", "killed"),
        ("Police questioned 30 suspects and arrested nine of them.", "nine", "arrested"),
        # ... and, when its clause has none, what befell the noun the pronoun stands for
        ("At least 150 people were hurt, 20 of them children.", "20", "hurt"),
        # the verb an auxiliary the parse hangs the figure on belongs to
        ("Officials said 4,715 people had been injured and 341 were missing.", "341",
         "missing"),
        # a fate named by the object of the figure's own verb ('had injuries')
        ("Officials said six people had been killed and 41 had light or serious injuries.",
         "41", "injuries"),
        # a verb and the words after it make one happening phrase of the lexicon, however
        # the parse attached them (an object, an adverb, a prepositional phrase)
        ("About 12% of nurses stopped work on Monday, the union said.", "12%", "stopped work"),
        ("Nearly 3,000 dockers walked out at dawn.", "3,000", "walked out"),
        ("Some 8,000 students took to the streets of the capital.", "8,000",
         "took to the streets"),
        # a verb alone when the words after it make no such phrase
        ("About 400 workers stopped production at the plant.", "400", "stopped"),
        # a state word right after a bare number, however the parse attached it
        ("The mayor had spoken of 30 dead and more than 80 injured.", "30", "dead"),
        ("The mayor had spoken of 30 dead and more than 80 injured.", "more than 80",
         "injured"),
    ],
)  # fmt: skip
def test_a_figure_takes_the_verb_of_its_own_clause(text: str, figure: str, happening: str) -> None:
    reading = frame(text, figure)
    assert reading.happening is not None and reading.happening.text == happening


@pytest.mark.parametrize(
    ("text", "figure", "place"),
    [
        # a participle's count holds where the clause it adds to happened
        ("In a similar attack, in Lyon last spring, a van hit a crowd, killing four people.",
         "four", "in Lyon"),
        # where a source spoke is not where the count holds
        ("Officials in Lyon said on Monday that the crash had killed four people.", "four",
         None),
        # a place phrase that opens the sentence frames all of it, reported clauses too
        ("In Marseille, police put the crowd at 9,000, while the union said 15,000 had "
         "marched.", "15,000", "In Marseille"),
        # a proper noun the tagger does not take for a place, known to the gazetteer
        ("In Toulouse, officers put the crowd at 9,000.", "9,000", "In Toulouse"),
        ("In the attack, 5 people were killed.", "5 people", None),
        ("In Harris's view, 40 people were hurt.", "40 people", None),
        # the capital, named or not, and the country outside a place
        ("Police counted 24,000 marchers in the capital.", "24,000", "in the capital"),
        ("The ministry counted 451,789 marchers outside the capital.", "451,789",
         "outside the capital"),
        ("Some 300 fans were hurt outside the stadium.", "300", None),
    ],
)  # fmt: skip
def test_a_figure_takes_the_place_of_its_clause_or_its_sentence(
    text: str, figure: str, place: str | None
) -> None:
    reading = frame(text, figure)
    assert said(reading.place) == place


@pytest.mark.parametrize(
    ("text", "figure", "time"),
    [
        # a date hung on the preposition the figure is the object of dates the figure
        ("Turnout was 41%, down from 48.5% on 3 March.", "48.5%", "on 3 March"),
        ("The toll rose to 90, up from 64 on Tuesday.", "64", "on Tuesday"),
        # the figure after it is not that preposition's object: it keeps its own time
        ("The toll rose to 90, up from 64 on Tuesday.", "90", None),
    ],
)  # fmt: skip
def test_a_date_on_the_preposition_a_figure_is_the_object_of_dates_it(
    text: str, figure: str, time: str | None
) -> None:
    assert said(frame(text, figure).time) == time


@pytest.mark.parametrize(
    ("text", "figure", "time"),
    [
        # the parse may take a span of time's hedge for a date of its own ('about' as a
        # DATE beside its verb): the figure's own words date nothing
        ("The Brenmoor meeting lasted about 20 hours before a deal.", "about 20 hours", None),
        ("Rescuers searched for around three hours for the driver.", "around three hours", None),
        ("The talks with Norland Air went on for almost six years.", "almost six years", None),
        ("Ana Ruiz spent nearly 500 days in custody.", "nearly 500 days", None),
        # and a date beside them, which the hedge hid, dates them
        ("The meeting lasted about 20 hours on 3 March.", "about 20 hours", "on 3 March"),
    ],
)  # fmt: skip
def test_a_figures_own_words_are_never_its_time(text: str, figure: str, time: str | None) -> None:
    assert said(frame(text, figure).time) == time


@pytest.mark.parametrize(
    ("text", "figure", "happening", "owner"),
    [
        # the whole a part is taken from: what happened, and who did it, is the part's
        ("Ana Ruiz completed 19 of 30 passes on Sunday.", "30", None, None),
        ("Labour won 410 of the 650 seats.", "650", None, None),
        ("Ivo Lund grabbed 4 of his 12 rebounds late on.", "12", None, None),
        # the whole keeps what its own words say
        ("The coroner named 12 of the 14 people killed.", "14", "killed", None),
        # the part keeps the clause
        ("Labour won 410 of the 650 seats.", "410", "won", "Labour"),
    ],
)
def test_the_whole_of_a_part_is_only_how_many_there_were(
    text: str, figure: str, happening: str | None, owner: str | None
) -> None:
    reading = frame(text, figure)
    assert said(reading.happening) == happening
    assert said(reading.owner) == owner


@pytest.mark.parametrize(
    ("text", "figure", "place"),
    [
        # the small tagger takes these for organisations or nothing; the gazetteer knows them
        ("The minister said 300 homes were destroyed in Hatay alone.", "300", "in Hatay"),
        ("Some 40 people were rescued in Antakya.", "40", "in Antakya"),
        # a proper name the gazetteer does not know as a place is none
        ("Some 40 people were rescued in Harbour Bank.", "40", None),
    ],
)  # fmt: skip
def test_a_place_the_tagger_misses_is_read_by_the_gazetteer(
    text: str, figure: str, place: str | None
) -> None:
    """'in Hatay alone': a proper name after a place preposition that the gazetteer knows
    is a place, whatever the tagger took it for; an adverb after it is no part of it."""
    assert said(frame(text, figure).place) == place


@pytest.mark.parametrize(
    ("text", "figure", "place", "owner"),
    [
        ("Norway's death toll rose to 3,210 on Tuesday.", "3,210", "Norway", None),
        ("The death toll for Norway alone has risen to 3,210.", "3,210", "Norway", None),
        # a firm's count is no place's, and a possessor of another noun stays its owner
        ("An analyst's price target for Norland Air is $14.50.", "$14.50", None, None),
        ("Norland Air's revenue rose to $4 billion.", "$4 billion", None, "Norland Air"),
    ],
)  # fmt: skip
def test_a_place_that_owns_a_toll_or_that_it_is_for_is_where_it_counts(
    text: str, figure: str, place: str | None, owner: str | None
) -> None:
    """'Norway's death toll', 'the toll for Norway': the place the count is of, not a
    party that owns it."""
    reading = frame(text, figure)
    assert (said(reading.place), said(reading.owner)) == (place, owner)


@pytest.mark.parametrize(
    ("text", "figure", "place"),
    [
        ("2,140 people were injured in at least six provinces in Norway.", "2,140", "in Norway"),
        ("Some 400 people were arrested in several cities across France.", "400",
         "across France"),
        # one town of a country is a part of it, not the country
        ("Some 40 people were hurt in a village in Norway.", "40", None),
    ],
)  # fmt: skip
def test_places_of_a_country_are_in_that_country(text: str, figure: str, place: str | None) -> None:
    """'in ten provinces in Norway': the named place the provinces lie in."""
    assert said(frame(text, figure).place) == place


@pytest.mark.parametrize(
    ("text", "figure", "entity", "happening"),
    [
        # the subject of a verb of counting that takes the figure is who counts
        ("On Friday the ministry had counted more than 500,000.", "more than 500,000", None,
         None),
        ("The toll reached 2,056 on Sunday.", "2,056", "toll", None),
        # a rival count that leaves out what it counts counts what the other figure does
        ("Police said 80,000 people had marched, while the union counted 200,000.", "200,000",
         "people", "marched"),
        ("Ana Ruiz ran for 143 yards while Lena Vik added 88.", "88", "yards", None),
        # a state word after the number says what it counts, whatever the clause says
        ("Ten people were killed and 57 injured, well above the 35 injured reported at first.",
         "35", None, "injured"),
        # 'placed' gives no figure without an 'at': what befell these
        ("Police said 309 people had been arrested and 134 placed in custody.", "134", None,
         "placed"),
    ],
)  # fmt: skip
def test_who_counts_is_not_what_is_counted_and_a_rival_count_shares_its_noun(
    text: str, figure: str, entity: str | None, happening: str | None
) -> None:
    reading = frame(text, figure)
    assert (said(reading.entity), said(reading.happening)) == (entity, happening)


def test_a_place_after_a_part_by_pronoun_is_the_parts() -> None:
    """'had marched, 55,000 of them in Brenmoor': the whole is not counted in Brenmoor."""
    text = "The minister said that 500,000 people had marched, 55,000 of them in Brenmoor."
    assert said(frame(text, "500,000").place) is None
    assert said(frame(text, "55,000").place) == "in Brenmoor"


@pytest.mark.parametrize(
    ("text", "figure", "entity", "happening"),
    [
        # the subject of an active verb of a fate with an object did it: no dead, no fires burned
        ("Two strong earthquakes killed at least 23 people in Norland on Sunday.",
         "Two strong earthquakes", "earthquakes", None),
        ("Together the three fires have burned about 12,000 acres.", "three fires", "fires",
         None),
        ("An offshore quake of magnitude 6.7 killed eight people in 2023.", "6.7", "magnitude",
         None),
        # a bare number the verb takes counts whom it befell, not the verb's subject
        ("The floods killed 12 on Monday.", "12", None, "killed"),
        ("The fire destroyed 300 on Monday.", "300", None, "destroyed"),
        # the object is the fate, or a verb whose subject meets its fate whatever it takes
        ("In Brenmoor 12 people lost their lives.", "12", "people", "lost their lives"),
        ("About 40 passengers survived the crash.", "About 40", "passengers", "survived"),
        ("Some 2,000 residents fled their homes.", "Some 2,000", "residents", "fled"),
        # a passive verb's subject met it: 'not 10' is a count of the bodies
        ("The rescue office in Tarro said that nine bodies had been recovered and verified, "
         "not 10 as first reported.", "10", "bodies", "recovered"),
        # the participle of a reduced relative still says what befell the noun
        ("The 14 people killed in the attack were named.", "14", "people", "killed"),
    ],
)  # fmt: skip
def test_who_did_a_fate_to_others_is_not_who_met_it(
    text: str, figure: str, entity: str | None, happening: str | None
) -> None:
    reading = frame(text, figure)
    assert (said(reading.entity), said(reading.happening)) == (entity, happening)


@pytest.mark.parametrize(
    ("text", "figure", "place"),
    [
        # 'on' a site a named place owns places a figure; a street alone is the event's
        # own site, and 'on' a day or 'on strike' no place
        ("Some 60,000 marchers converged on London's Oxford Street on Saturday.", "60,000",
         "on London's Oxford Street"),
        ("The FBI said 14 people were killed and at least 30 injured on Harbour Street.",
         "at least 30", None),
        ("Some 60,000 workers were on strike on Thursday.", "60,000", None),
        # a participle that describes the counted noun says where they were
        ("The first 300 tents, donated by the Harbour Bank with help from the city, arrived "
         "in Lisbon on Sunday night.", "300 tents", "in Lisbon"),
    ],
)  # fmt: skip
def test_a_named_site_after_on_and_a_describing_participle_place_a_figure(
    text: str, figure: str, place: str | None
) -> None:
    assert said(frame(text, figure).place) == place


def test_a_scale_word_is_no_counted_thing() -> None:
    """'2 to 3 lakh had come': the lakh is part of the number, not what it counts."""
    reading = frame("He said that between 2 and 3 lakh had come.", "between 2 and 3 lakh")
    assert (said(reading.entity), said(reading.happening)) == (None, "come")


@pytest.mark.parametrize(
    ("text", "figure", "entity", "qualifier"),
    [
        # a number before another number's measure counts the things measured
        ("Two 6.1 magnitude quakes killed dozens of people in Norland on Sunday.", "Two",
         "quakes", None),
        ("Two 6.1 magnitude quakes struck western Norland.", "Two", "quakes", None),
        # a whole number before a fraction is one number with it
        ("The storm lasted 2 1/2 days.", "2", None, None),
    ],
)  # fmt: skip
def test_a_number_before_another_numbers_measure_counts_what_is_measured(
    text: str, figure: str, entity: str | None, qualifier: str | None
) -> None:
    reading = frame(text, figure)
    assert (said(reading.entity), said(reading.qualifier)) == (entity, qualifier)


@pytest.mark.parametrize(
    ("text", "figure", "owner"),
    [
        # a bare share's sign is the object its number hangs on
        ("President Ana Ruiz received 47.3%, and Ivo Lund 41.6%.", "47.3%",
         "President Ana Ruiz"),
        # the name in apposition to a title is who won
        ("Final results show the incumbent mayor Ana Ruiz won 55.4 percent of votes in the "
         "second round.", "55.4 percent", "Ana Ruiz"),
        # a day's possession is no party's
        ("Mayor Ana Ruiz took 46.2 percent of Saturday's vote, officials said.",
         "46.2 percent", "Mayor Ana Ruiz"),
        # a forecasting verb's subject gives the figure: its source, not its owner
        ("By noon the operator, Harbour Air, had logged 90 cancellations for the day.",
         "90 cancellations", None),
    ],
)  # fmt: skip
def test_whose_share_it_is(text: str, figure: str, owner: str | None) -> None:
    assert said(frame(text, figure).owner) == owner


@pytest.mark.parametrize(
    ("text", "figure", "entity", "qualifier", "time"),
    [
        # people and nothing more are the level the count reached: the count says what
        ("The death toll from the flood in Ostrel rose to 212 people on Tuesday, the "
         "ministry said.", "212", "toll", "death", "on Tuesday"),
        ("Officials put the death toll in Brenmoor at 95 people.", "95", "toll", "death", None),
        ("The number of deaths from the storm in Tarro climbed to 64 people, officials said.",
         "64", "deaths", None, None),
        # no count noun that says what: the people stay what is counted
        ("Ostrel has 2 million people.", "2 million", "people", None, None),
        ("The tally had included 2,400 people in Tarro.", "2,400", "people", None, None),
        # a date after 'as of' dates the figure
        ("The flood's death toll as of March 4 was 300, the ministry said.", "300", "toll",
         "death", "as of March 4"),
        ("The agency said 612 aftershocks had been recorded as of 10 a.m. on Wednesday.",
         "612 aftershocks", "aftershocks", None, "as of 10 a.m. on Wednesday"),
    ],
)  # fmt: skip
def test_people_a_count_reached_are_what_the_count_counts(
    text: str, figure: str, entity: str, qualifier: str | None, time: str | None
) -> None:
    reading = frame(text, figure)
    got = (said(reading.entity), said(reading.qualifier), said(reading.time))
    assert got == (entity, qualifier, time)


@pytest.mark.parametrize(
    ("text", "figure", "entity", "happening"),
    [
        # what befell others in a clause with its own subject is not the toll's happening
        ("Police figures put the number of dead at 44, with 61 people wounded.", "44", "dead",
         None),
        # a state after a linking verb in the chain
        ("The bodies of three climbers were said to remain missing in the gorge.",
         "three climbers", "climbers", "missing"),
        ("Twelve people are believed to be dead.", "Twelve", "people", "dead"),
        # a noun joined by 'and' with no number of its own is counted too
        ("The ferry, with 54 passengers and crew on board, sank off Ostrel.", "54 passengers",
         "passengers and crew", "on board"),
        ("Some 120 soldiers and police were deployed.", "Some 120 soldiers",
         "soldiers and police", "deployed"),
        ("The ferry had 50 passengers and three crew members on board.", "50 passengers",
         "passengers", None),
        ("The march lasted three hours and transport ran normally.", "three hours", "hours",
         "lasted"),
    ],
)  # fmt: skip
def test_what_the_count_counts_and_what_befell_it(
    text: str, figure: str, entity: str, happening: str | None
) -> None:
    reading = frame(text, figure)
    assert (said(reading.entity), said(reading.happening)) == (entity, happening)


def test_a_fate_the_noun_itself_names_outranks_a_belief() -> None:
    """'Four missing hikers were thought to be dead': still the missing, not the dead."""
    reading = frame(
        "Four missing hikers were thought to be dead, the park service said.", "Four missing hikers"
    )
    assert said(reading.happening) == "missing"


@pytest.mark.parametrize(
    ("text", "figure", "place"),
    [
        # places joined by 'and' are the figure's place together
        ("At least 320 people have died across Chile and Peru since the storm hit.",
         "At least 320", "across Chile and Peru"),
        ("At least 40 people died in Lisbon and three in the capital.", "At least 40",
         "in Lisbon"),
        # 'where' of a relative clause joined to another stands for the place they describe
        ("Aid reached neighbouring Peru, whose north was hit hardest by the storm and where "
         "the death toll had climbed to at least 950 by Wednesday.", "at least 950",
         "neighbouring Peru"),
        # a participle on the count places what it counts
        ("The number of homes lost in Peru now tops 812.", "812", "in Peru"),
    ],
)  # fmt: skip
def test_joined_places_and_the_counts_participle_place_a_figure(
    text: str, figure: str, place: str
) -> None:
    assert said(frame(text, figure).place) == place


def test_a_bare_numbers_own_relative_clause_says_what_befell_them() -> None:
    """'the 14 who died': the clause says what the number counts met, not the verb that
    takes it or that verb's subject."""
    reading = frame("Officials named the 14 who died in the fire.", "14")
    assert (said(reading.entity), said(reading.happening)) == (None, "died")


def test_the_year_in_a_figures_own_relative_clause_dates_it() -> None:
    """'eclipsing the more than 1,800 who died in the 2011 flood': the 1,800 are that
    flood's dead, so the year dates them (an older event's toll, not this one's)."""
    from schemas.article import Article
    from service.mine import mine

    text = (
        "The toll rose to 2,100, eclipsing the more than 1,800 who died in the 2011 flood in Chile."
    )
    article = Article(id="a", text=text, outlet="Outlet a", published_at="2026-03-06T10:00:00Z")
    older = [q for q in mine(article).quantities if q.value == 1800]
    assert [(q.as_of, q.happening) for q in older] == [("2011", "died")]


@pytest.mark.parametrize(
    ("text", "figure", "place"),
    [
        # a place phrase that opens the sentence frames each of its clauses, however the
        # parse hangs them (here the first clause on the last one's verb)
        (
            "In Brenmoor, 12 villages were flooded, one person died, and 740 people were "
            "evacuated.",
            "740 people",
            "In Brenmoor",
        ),
        # a place noun a proper name makes one place opens the sentence as a name does
        (
            "In Kessby district, 12 villages were flooded, one person died, and 740 people "
            "were evacuated.",
            "740 people",
            "In Kessby district",
        ),
        # an opening phrase that names no place frames nothing
        ("In a statement, the ministry said 40 people died.", "40 people", None),
    ],
)
def test_a_place_that_opens_the_sentence_frames_each_clause(
    text: str, figure: str, place: str | None
) -> None:
    assert said(frame(text, figure).place) == place


@pytest.mark.parametrize(
    ("text", "figure", "place"),
    [
        # a 'where' of a place noun that names the place it is said to be
        (
            "Ontario was the worst-hit province, where 120 people died, followed by Quebec "
            "with 80 deaths.",
            "120 people",
            "Ontario",
        ),
        # a place 'with' a count, the 'with' on the place or on the verb whose agent it is
        (
            "Ontario was the worst-hit province, where 120 people died, followed by Quebec "
            "with 80 deaths.",
            "80 deaths",
            "Quebec",
        ),
        ("Quebec, with 80 deaths, was the worst hit.", "80 deaths", "Quebec"),
        # nothing else that is 'with' a count is a place
        ("The convoy arrived with 40 trucks.", "40 trucks", None),
    ],
)
def test_a_region_breakdown_places_each_count(text: str, figure: str, place: str | None) -> None:
    assert said(frame(text, figure).place) == place


@pytest.mark.parametrize(
    ("text", "figure", "entity"),
    [
        # 'per cent' in two words is the '%' sign: the share is of what follows 'of'
        ("Ana Ruiz won 45.5 per cent of the votes.", "45.5 per cent", "votes"),
        ("Ana Ruiz won 45.5% of the votes.", "45.5%", "votes"),
    ],
)
def test_per_cent_in_two_words_is_a_share_of_its_of_noun(
    text: str, figure: str, entity: str
) -> None:
    assert said(frame(text, figure).entity) == entity


@pytest.mark.parametrize(
    ("text", "figure", "time"),
    [
        # how far the count had got is when the figure beside it was taken
        (
            "With 87% of the ballots counted, Ana Ruiz received 54.3% of the votes.",
            "54.3%",
            "With 87% of the ballots counted",
        ),
        (
            "Ana Ruiz won 45.5% of the vote with 83.5% of precincts reporting.",
            "45.5%",
            "with 83.5% of precincts reporting",
        ),
        (
            "Ana Ruiz received 55.4% of the vote after 91.5% of ballots had been counted.",
            "55.4%",
            "after 91.5% of ballots had been counted",
        ),
        ("Ana Ruiz had 45.5% with all votes counted.", "45.5%", "with all votes counted"),
        # a count of things reported beside another figure dates nothing
        ("The storm hit 40 towns, with 20 deaths reported in Tarro.", "40 towns", None),
        # nor is the progress its own time
        (
            "With 87% of the ballots counted, Ana Ruiz received 54.3% of the votes.",
            "87%",
            None,
        ),
    ],
)
def test_how_far_a_count_had_got_is_when_the_figure_was_taken(
    text: str, figure: str, time: str | None
) -> None:
    assert said(frame(text, figure).time) == time


def test_per_cent_with_no_of_noun_is_the_sign_itself() -> None:
    # '41.7 per cent for Lund' names no share of anything: the sign in two words, as '%'
    # is in one, not a count of 'cent' qualified by 'per'
    reading = frame(
        "Ruiz had 46.2 per cent of votes versus 41.7 per cent for Lund.", "41.7 per cent"
    )
    assert (said(reading.entity), said(reading.qualifier)) == ("per cent", None)


@pytest.mark.parametrize(
    ("text", "figure", "denial"),
    [
        # the subject's 'no' or 'neither' denies the figure its clause gives
        (
            "The board said no candidate won more than 50% of the vote in the first round.",
            "more than 50%",
            "no",
        ),
        (
            "Neither Ana Ruiz nor Ivo Lund won more than 50% of the ballots.",
            "more than 50%",
            "Neither",
        ),
        # not a figure said outright, nor one inside the denied subject itself
        ("Ana Ruiz won 45.5% of the vote.", "45.5%", None),
        ("No fewer than 40 people died in Tarro.", "40", None),
    ],
)
def test_a_figure_its_clause_denies_is_marked_by_the_denying_word(
    text: str, figure: str, denial: str | None
) -> None:
    assert said(frame(text, figure).qualifier) == denial


@pytest.mark.parametrize(
    ("text", "figure", "happening"),
    [
        # a headline's list: each count is of those its own word describes, not of the
        # subject or the complement of the verb the parse hangs it on
        ("Police confirm 7 dead, 22 injured in Kessby", "22", "injured"),
        ("7 people confirmed dead, 22 wounded in Kessby shootings", "22", "wounded"),
        ("Toll rises to 7 dead, 22 injured in Kessby", "22", "injured"),
        ("Police confirm 7 dead, 22 injured in Kessby", "7", "dead"),
    ],
)
def test_each_count_of_a_listed_pair_is_of_what_its_own_word_says(
    text: str, figure: str, happening: str
) -> None:
    reading = frame(text, figure)
    assert (said(reading.happening), said(reading.entity)) == (happening, None)


@pytest.mark.parametrize(
    ("text", "figure", "source", "entity"),
    [
        # a gapped clause: the rival source's count of what the clause before counts
        (
            "The police counted 48,000 marchers in Ostrel, the Kessby Union 90,000.",
            "90,000",
            "Kessby Union",
            "marchers",
        ),
        (
            "Police put the crowd at 48,000, Norland Labour at more than 90,000.",
            "more than 90,000",
            "Norland Labour",
            "crowd",
        ),
        ("The police had counted 48,000 marchers, the Kessby Union 1.3 million.",
         "1.3 million", "Kessby Union",
         "marchers"),
        # the clause before gives its own figure as before
        (
            "The police counted 48,000 marchers in Ostrel, the Kessby Union 90,000.",
            "48,000",
            "The police",
            "marchers",
        ),
    ],
)  # fmt: skip
def test_a_gapped_clause_gives_its_source_s_count_of_the_same_thing(
    text: str, figure: str, source: str, entity: str
) -> None:
    reading = frame(text, figure)
    assert (said(reading.source), said(reading.entity)) == (source, entity)
    assert said(reading.place) == ("in Ostrel" if "Ostrel" in text else None)


def test_a_gapped_name_with_no_source_before_it_is_no_source() -> None:
    # 'Lund won 40%, Ruiz 35%' leaves out who won, not who counted
    assert frame("Ivo Lund won 40%, Ana Ruiz 35%.", "35%").source is None


@pytest.mark.parametrize(
    ("text", "figure", "happening"),
    [
        # one count of people either fate befell, never of the first fate alone
        ("The ministry said some 580 people were dead or injured in Tarro.",
         "some 580", "dead or injured"),
        ("At least 580 people were killed or injured in Tarro.", "At least 580",
         "killed or injured"),
        ("Some 300 people are dead or missing.", "Some 300", "dead or missing"),
        # 'and' joins what befell the same people, or two counts: each keeps its own word
        ("Officials said 38 bodies were recovered and identified.", "38 bodies", "recovered"),
        ("Twelve people were killed and 40 injured in Tarro.", "Twelve", "killed"),
    ],
)  # fmt: skip
def test_fates_joined_by_or_are_one_count_of_either(text: str, figure: str, happening: str) -> None:
    assert said(frame(text, figure).happening) == happening


@pytest.mark.parametrize(
    ("text", "figure", "place"),
    [
        # the place a hardest-hit one is said to be holds the counts it is 'with'
        ("Of all the districts, the Tarro district was the hardest-hit one, with 41 deaths "
         "and 212 injuries.", "41 deaths", "Tarro district"),
        ("Of all the districts, the Tarro district was the hardest-hit one, with 41 deaths "
         "and 212 injuries.", "212 injuries", "Tarro district"),
        # a subject that is no place gives none
        ("The storm was the worst in years, with 120 deaths.", "120 deaths", None),
        ("Ana Ruiz was the top scorer, with 30 points.", "30 points", None),
    ],
)  # fmt: skip
def test_counts_a_named_place_is_said_to_be_with_are_placed_there(
    text: str, figure: str, place: str | None
) -> None:
    assert said(frame(text, figure).place) == place


@pytest.mark.parametrize(
    ("text", "figure", "place"),
    [
        # some places a number counts are the figure's place, not the whole story's
        ("Ruiz took 31 per cent of the votes cast in 14 states.", "31 per cent",
         "in 14 states"),
        ("Officials said 517 people died across nine villages of the Tarro district.", "517",
         "across nine villages of the Tarro district"),
        ("Some 64 deaths were logged at five private clinics.", "64 deaths",
         "at five private clinics"),
        # a named place they lie in comes first
        ("The quake killed 40 people in ten provinces in Norland.", "40", "in Norland"),
    ],
)  # fmt: skip
def test_places_a_number_counts_are_the_figure_s_place(text: str, figure: str, place: str) -> None:
    assert said(frame(text, figure).place) == place
