"""Grounding on our own sentences: exact, normalised, fuzzy, and the stricter quote rule."""

from __future__ import annotations

from schemas.article import Article
from schemas.record import Actor, Claim, EventRecord, Quantity, Quote, Span
from service.ground import Locator, ground_record

TEXT = (
    "The ferry Marisol docked in Porto Lento on Friday after a 14-hour crossing.\n\n"
    "\u201cWe were  never in danger,\u201d captain Ines Varga-Lopes told the Harbour Gazette.\n"
    "About 300 passengers were on board, the port authority said."
)
ARTICLE = Article(text=TEXT, outlet="Test Wire")


def _record(**items: object) -> EventRecord:
    return EventRecord(article_id=ARTICLE.id, headline="Ferry docks", **items)


def test_exact_match_spans_index_the_text() -> None:
    span, kind, _ = Locator(TEXT).locate("Porto Lento")
    assert kind == "exact"
    assert span is not None and TEXT[span.start : span.end] == "Porto Lento"


def test_normalised_match_folds_case_space_quotes_and_dashes() -> None:
    span, kind, _ = Locator(TEXT).locate('"we were never in danger,"')
    assert kind == "normalised"
    assert span is not None
    assert TEXT[span.start : span.end] == "\u201cWe were  never in danger,\u201d"
    span, kind, _ = Locator(TEXT).locate("Ines Varga Lopes")
    assert kind == "normalised" and span is not None and span.text == "Ines Varga-Lopes"


def test_a_figure_is_found_as_a_whole_word_before_inside_a_longer_one() -> None:
    text = "The airline cancelled 267 flights and rescheduled 26. Another 26 were late."
    span, kind, _ = Locator(text).locate("26")
    assert kind == "exact" and span is not None
    assert text[span.start - 12 : span.end] == "rescheduled 26"
    span, _, _ = Locator("Flights: 267 cancelled.").locate("26")
    assert span is not None and span.text == "26"  # only inside a word: still found


def test_fuzzy_match_above_threshold_only() -> None:
    span, kind, score = Locator(TEXT).locate("captain Ines Varga-Lopez")
    assert kind == "fuzzy" and span is not None and score >= 88
    span, kind, _ = Locator(TEXT).locate("a completely different remark")
    assert span is None and kind == "none"


def test_quote_is_grounded_only_when_verbatim() -> None:
    record = _record(
        quotes=[
            Quote(speaker="Ines Varga-Lopes", text="We were never in danger,"),
            Quote(speaker="Ines Varga-Lopes", text="We were never in any danger,"),
        ]
    )
    out = ground_record(record, ARTICLE)
    good, invented = out.quotes
    assert good.grounded and good.match == "normalised"
    assert not invented.grounded and invented.evidence == []
    assert invented.reason and "not verbatim" in invented.reason


def test_failures_stay_in_the_record_with_a_reason() -> None:
    record = _record(
        actors=[
            Actor(name="Ines Varga-Lopes", canonical_name="Ines Varga-Lopes"),
            Actor(name="Omar Brandt", canonical_name="Omar Brandt"),
        ],
        quantities=[
            Quantity(value=300, hedge="about", phrase="About 300 passengers"),
            Quantity(value=900, phrase="900 cars"),
        ],
    )
    out = ground_record(record, ARTICLE)
    assert [a.grounded for a in out.actors] == [True, False]
    assert [q.grounded for q in out.quantities] == [True, False]
    assert out.actors[1].reason and "Omar Brandt" in out.actors[1].reason
    assert out.grounding_rate == 0.5


def test_candidate_span_is_kept_when_it_still_indexes_the_text() -> None:
    start = TEXT.index("About 300")
    span = Span(start=start, end=start + 20, text=TEXT[start : start + 20])
    stale = Span(start=0, end=5, text="XXXXX")
    record = _record(
        quantities=[
            Quantity(value=300, phrase="About 300 passengers", evidence=[span]),
            Quantity(value=14, phrase="14-hour crossing", evidence=[stale]),
        ]
    )
    out = ground_record(record, ARTICLE)
    assert out.quantities[0].evidence == [span]
    fixed = out.quantities[1]
    assert fixed.grounded and fixed.evidence[0].text == "14-hour crossing"


def test_paraphrased_claim_grounds_to_its_sentence() -> None:
    record = _record(
        claims=[
            Claim(statement="about 300 passengers were on board", according_to="port authority"),
            Claim(statement="the mayor resigned over the delay", according_to="council"),
        ]
    )
    out = ground_record(record, ARTICLE)
    assert out.claims[0].grounded and "300 passengers" in out.claims[0].evidence[0].text
    assert not out.claims[1].grounded
