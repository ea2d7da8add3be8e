"""Deterministic candidate mining: quotes, figures, dates, people and sources with exact spans.

Regexes and small word tables, and a dependency parse for the frames of figures
(`frames`): the same article always yields the same candidates in the same order. The
structure step shows them to the LLM, which picks and corrects them, so the miner leans to
recall where a false candidate is cheap to drop (people, sources) and to precision where a
wrong value would mislead (figures, dates).

One module per kind of candidate: `numbers` (reading a figure), `dates`, `people`,
`sources`, `quotes` and `quantities`, over the text of `doc`. Choices worth knowing are in
each module's docstring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemas.article import Article
from schemas.candidates import Candidates
from service.mine.ages import add_ages
from service.mine.dates import DateHit, date_hits, find_dates, tense_open
from service.mine.doc import Doc
from service.mine.frames import add_frames, add_statements
from service.mine.numbers import parse_number
from service.mine.people import find_people
from service.mine.quantities import find_quantities, is_counted_year
from service.mine.quotes import find_quotes
from service.mine.sources import find_sources
from service.nlp.parse import parse as parse_text
from service.nlp.tense import Tense, adverbial_tense
from service.text.stems import stem_words

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc as Parse

# stem_words is handed on for service.merge until it imports service.text itself.
__all__ = [
    "add_parse",
    "dates_need_parse",
    "mine",
    "mine_unparsed",
    "needs_parse",
    "parse_number",
    "stem_words",
]


def mine(article: Article) -> Candidates:
    """Mine quote, quantity, date, person and source candidates from one article.

    Deterministic and model-free. Every candidate's `span` and `sentence` index
    `article.text` exactly; ids (Q1.., N1.., D1.., P1.., S1..) follow text order. Relative
    dates resolve against `article.published_at`; without it they are left out.
    """
    candidates = mine_unparsed(article)
    add_parse(article, candidates)
    return candidates


def mine_unparsed(article: Article, parse: Parse | None = None) -> Candidates:
    """`mine` without the figure frames and reported statements the dependency parse
    gives: the same candidates with the same ids, spans, sentences, speakers and sources.
    Cheap (a few ms: regexes and word tables), so an article's LLM calls, which show only
    these fields, can go out while its parse is still being made (`add_parse`); except
    where a weekday's date rests on the tense of its verb (`dates_need_parse`): then the
    parse is read first (`parse`, else it is made or taken from the parse cache)."""
    doc = Doc.of(article.text)
    hits = _date_hits(article, parse)
    people = find_people(doc)
    quantities = find_quantities(doc, hits)
    sources = find_sources(doc)
    return Candidates(
        quotes=find_quotes(doc, people),
        quantities=quantities,
        dates=find_dates(doc, hits),
        people=people,
        sources=sources,
    )


def needs_parse(candidates: Candidates) -> bool:
    """Whether `add_parse` reads the parse for these candidates (figures, sources, or
    people, whose ages it reads)."""
    return bool(candidates.quantities or candidates.sources or candidates.people)


def add_parse(article: Article, candidates: Candidates, parse: Parse | None = None) -> None:
    """Fill in place what the dependency parse gives `mine_unparsed`'s candidates: each
    figure's frame, each source's reported statement and the ages of named people
    (`ages`). `parse`: the article's parse (`service.nlp.parse.parse_many`), else it is
    made (or taken from the parse cache)."""
    doc = parse if parse is not None else parse_text(article.text)
    add_frames(article.text, candidates.quantities, _date_hits(article, doc), doc)
    add_statements(article.text, candidates.sources, doc)
    add_ages(article.text, candidates, doc)


def dates_need_parse(article: Article) -> bool:
    """Whether `mine_unparsed` reads the parse: a weekday in the text is not the day of the
    report, and the tense of its verb says which way from it to look (`dates.tense_open`)."""
    return tense_open(date_hits(article.text, article.published_date), article.published_date)


def _date_hits(article: Article, parse: Parse | None = None) -> list[DateHit]:
    """The article's date phrases (not a counted year), a weekday steered by the tense of
    its verb; the parse is made only when a weekday asks for it (`dates_need_parse`)."""
    text = article.text
    made: list[Parse] = [parse] if parse is not None else []

    def tense(start: int, end: int) -> Tense:
        if not made:
            made.append(parse_text(text))
        return adverbial_tense(made[0], start, end)

    hits = date_hits(text, article.published_date, tense)
    return [h for h in hits if not is_counted_year(text, h)]
