"""Laws of the miner: it never raises, every span indexes the text, and it is deterministic.

Texts mix arbitrary unicode with fragments that trigger every facet (quotation marks, figures,
dates, titles, attribution verbs, line breaks), so the regex paths all run on odd input.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.article import Article
from schemas.candidates import Candidate, Candidates
from service.mine import mine, parse_number
from service.text.sentences import split_sentences

FRAGMENTS = [
    '"', "\u201c", "\u201d", "\u2018", "\u2019", "'", " ", "  ", "\n", "\n\n", ".", ",", ":",
    "Mr ", "Dr. ", "Sept. 3", "02.09.2025", "2025-09-02", "in April", "on Tuesday", "last month",
    "in 2011", "about ", "at least ", "more than ", "between 20 and 24 ", "20-24", "2,000", "1.5",
    "$1.2 billion", "80th ", "two ", "thousands of ", " soldiers", " km", "%", "4 pm",
    "Mayor Ines Vale", "President Odo Brand", ", the director of the port,", " said", " told ",
    "Radio Varnholt", "according to ", "the agency reported", "he added", "U.S. ", "Kim\u2019s",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=40).map("".join)
PUBLISHED = st.none() | st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


def _all_candidates(mined: Candidates) -> list[Candidate]:
    return [*mined.quotes, *mined.quantities, *mined.dates, *mined.people, *mined.sources]


@settings(max_examples=300, deadline=None)
@given(TEXTS.filter(lambda t: t.strip() and "\x00" not in t), PUBLISHED)  # NUL: not text
def test_mine_never_raises_and_spans_index_the_text(text: str, published: date | None) -> None:
    mined = mine(Article(text=text, published_at=published))
    for candidate in _all_candidates(mined):
        for span in (candidate.span, candidate.sentence):
            assert text[span.start : span.end] == span.text
    for quote in mined.quotes:
        if quote.speaker_span is not None:
            assert (
                text[quote.speaker_span.start : quote.speaker_span.end] == quote.speaker_span.text
            )
    for quantity in mined.quantities:
        assert quantity.value is not None or (
            quantity.low is not None and quantity.high is not None
        )


@settings(max_examples=150, deadline=None)
@given(TEXTS.filter(lambda t: t.strip() and "\x00" not in t), PUBLISHED)  # NUL: not text
def test_mining_is_deterministic(text: str, published: date | None) -> None:
    article = Article(text=text, published_at=published)
    assert mine(article).model_dump() == mine(article).model_dump()


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_sentences_cover_every_visible_character_once(text: str) -> None:
    spans = split_sentences(text)
    covered = [False] * len(text)
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text
        for i in range(span.start, span.end):
            assert not covered[i]
            covered[i] = True
    assert all(covered[i] for i, c in enumerate(text) if not c.isspace())


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_number_reads_thousands_separators(n: int) -> None:
    assert parse_number(f"{n:,}") == n
