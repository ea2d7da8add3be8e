"""Laws of grounding: every span it returns indexes the article text exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.article import Article
from schemas.record import Actor, Claim, EventRecord, Quantity, Quote
from service.ground import Locator, ground_record

texts = st.text(
    alphabet=st.sampled_from(list("abcdeAB XYZ,.\n\u201c\u201d\"'\u2019-\u2013 0123456789\u00df")),
    min_size=1,
    max_size=300,
).filter(lambda t: t.strip() != "")


@settings(max_examples=150, deadline=None)
@given(text=texts, start=st.integers(0, 300), length=st.integers(0, 40))
def test_located_spans_equal_text_slices(text: str, start: int, length: int) -> None:
    needle = text[start : start + length] or "abc"
    span, kind, _ = Locator(text).locate(needle)
    if span is not None:
        assert span.text == text[span.start : span.end]
    if needle.strip() and needle in text:
        assert kind == "exact"


@settings(max_examples=100, deadline=None)
@given(text=texts, needles=st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4))
def test_every_grounded_item_span_is_a_text_slice(text: str, needles: list[str]) -> None:
    article = Article(text=text)
    record = EventRecord(
        article_id=article.id,
        headline="h",
        actors=[Actor(name=n[:200], canonical_name=n[:200]) for n in needles],
        quantities=[Quantity(value=1, phrase=n) for n in needles],
        quotes=[Quote(text=n) for n in needles],
        claims=[Claim(statement=n) for n in needles],
    )
    out = ground_record(record, article)
    for item in out.items():
        assert item.grounded == bool(item.evidence)
        for span in item.evidence:
            assert span.text == article.text[span.start : span.end]
    assert out.grounding_rate is not None and 0.0 <= out.grounding_rate <= 1.0
