"""Ages of named people: read from the real parse (`service.nlp.ages`), mined as figures the
LLM never sees (`service.mine.ages`), and put in the record in place of the bare number."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.article import Article
from service.mine import mine, mine_unparsed
from service.mine.ages import full_name
from service.nlp.ages import read_ages
from service.nlp.parse import parse
from service.pipeline import Pipeline
from service.settings import Settings


@pytest.mark.parametrize(
    ("text", "age", "words", "holder"),
    [
        ("Dana Reyes, 41, a nurse from Leeds, was freed on Monday.", 41, "41", "Dana Reyes"),
        ("Officers said Tomas Varga, 58, was held overnight.", 58, "58", "Tomas Varga"),
        ("Reyes, aged 41, flew home.", 41, "aged 41", "Reyes"),
        ("Ilse Brandt, a 63-year-old chemistry teacher, stayed in jail.", 63, "63-year-old",
         "Ilse Brandt"),
        ("The court jailed the 29-year-old Omar Haddad for a decade.", 29, "29-year-old",
         "Omar Haddad"),
        ("Brandt is a 63-year-old teacher.", 63, "63-year-old", "Brandt"),
        ("Police named him as Owen Pike, a 31-year-old from Leeds.", 31, "31-year-old",
         "Owen Pike"),
        ("The gunman, Lars Vik, a 27-year-old former guard, was shot.", 27, "27-year-old",
         "Lars Vik"),
    ],
)  # fmt: skip
def test_an_age_is_read_with_the_name_it_is_said_of(
    text: str, age: int, words: str, holder: str
) -> None:
    [found] = read_ages(parse(text))
    assert (found.years, found.words.text, found.holder.text) == (age, words, holder)
    assert text[found.words.start : found.words.end] == words


@pytest.mark.parametrize(
    "text",
    [
        "A 29-year-old woman died in the fire.",  # no name: whose age is it elsewhere?
        "The storm killed 41 people, officials said.",
        "In Rennes, 6,000 people marched on Thursday.",
        "Reyes spent 41 days in custody.",
    ],
)
def test_a_number_that_is_no_named_persons_age_is_not_an_age(text: str) -> None:
    assert read_ages(parse(text)) == []


def test_the_holder_is_named_in_full_only_by_a_person_the_article_names() -> None:
    names = ["Ksenia Karelina", "Karelina", "Paul Whelan"]
    assert full_name("Karelina", names) == "Ksenia Karelina"
    assert full_name("Whelan", names) == "Paul Whelan"
    assert full_name("Boeing", names) is None


TEXT = (
    "Russia freed Ilse Brandt on Thursday. Brandt, 63, had served four years of a "
    "nine-year sentence. A 29-year-old woman was also freed, officials said."
)
ARTICLE = Article(id="swap-1", outlet="Valley Courier", published_at=date(2025, 3, 4), text=TEXT)


def test_an_age_is_mined_after_the_parse_and_never_shown_to_the_llm() -> None:
    assert mine_unparsed(ARTICLE).ages == []
    [age] = mine(ARTICLE).ages
    assert (age.id, age.value, age.unit) == ("A1", 63, "years")
    assert age.counted_hint == "age of Ilse Brandt"
    assert age.span.text == "63" and TEXT[age.span.start : age.span.end] == "63"


def test_the_record_holds_the_age_in_place_of_the_bare_number() -> None:
    record = Pipeline(Settings(_env_file=None), None).extract(ARTICLE)
    at_63 = [q for q in record.quantities if q.value == 63]
    assert [(q.unit, q.counted, q.owner) for q in at_63] == [
        ("years", "age of Ilse Brandt", "Ilse Brandt")
    ]
    assert not any(q.counted.startswith("age of") for q in record.quantities if q.value == 29)
