"""The event date a record gives without an LLM: the day of the event, not of a report."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.article import Article
from service.pipeline import Pipeline
from service.settings import Settings


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # the day officials spoke dates the report; the failure's day is the event's
        (
            "At least 40 people were killed, officials said on Monday, after the Ostrel dam "
            "failed on Saturday night.",
            "2026-02-28",
        ),
        (
            "The mayor told reporters late Monday that 12 homes in Brenmoor burned down on Sunday.",
            "2026-03-01",
        ),
        # with no earlier day, what was said that day is the news
        (
            "Varnholt Shipping is buying a 51% stake in Ostrel Terminals, the company said on "
            "Monday, its largest purchase in a decade.",
            "2026-03-02",
        ),
        # a later day is no event of the report's past ('will close on Friday')
        (
            "Harbour Bank said on Monday that it will close 40 branches on Friday.",
            "2026-03-02",
        ),
    ],
)
def test_the_event_date_is_not_the_day_a_source_spoke(text: str, day: str) -> None:
    article = Article(id="a", text=text, outlet="Outlet a", published_at=date(2026, 3, 3))
    record = Pipeline(Settings(_env_file=None), None).extract(article)
    assert record.when is not None and record.when.date == day
