"""What keeps two figures apart: the merge names the slot (`alignment.judge`), and
`evals.apart` counts gold facts whose figures the merge kept apart, by that slot."""

from __future__ import annotations

import pytest

from evals.apart import LINKAGE, kept_apart
from evals.scorers import GoldFact
from schemas.article import Article
from schemas.record import EventRecord, Quantity
from service.merge.alignment import APART_REASONS, fit, judge
from service.merge.consensus import merge_context
from service.merge.figure_groups import group_figures
from service.merge.frames import FigureFrame, frame_of
from service.merge.tolerances import DEFAULT_TOLERANCES
from tests.unit.test_merge_alignment import figure


def _frame(value: float, phrase: str, counted: str, **slots: str) -> FigureFrame:
    return frame_of(figure(value, phrase, counted, **slots), frozenset())


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (
            _frame(35, "35 people", "people injured", entity="people", happening="injured"),
            _frame(12, "12 people", "people killed", entity="people", happening="killed"),
            "happening",
        ),
        (
            _frame(600, "600 soldiers", "soldiers killed", entity="soldiers", happening="killed"),
            _frame(20, "20 km", "km", unit="km"),
            "dimension",
        ),
        (
            _frame(30, "another 30 people", "people hurt", entity="people", happening="hurt"),
            _frame(35, "35 people", "people hurt", entity="people", happening="hurt"),
            "scope",
        ),
        (
            _frame(
                14,
                "14 people",
                "people killed",
                entity="people",
                happening="killed",
                place_scope="Lyon",
            ),
            _frame(
                9,
                "nine people",
                "people killed",
                entity="people",
                happening="killed",
                place_scope="Marseille",
            ),
            "place",
        ),
    ],
)
def test_judge_names_the_slot_that_keeps_two_figures_apart(
    a: FigureFrame, b: FigureFrame, reason: str
) -> None:
    judged = judge(a, b, None, None, DEFAULT_TOLERANCES)
    assert judged == reason and reason in APART_REASONS
    assert fit(a, b, None, None, DEFAULT_TOLERANCES) is None


def test_judge_gives_the_fit_of_two_figures_that_may_be_one_fact() -> None:
    a = _frame(35, "35 people", "people injured", entity="people", happening="injured")
    b = _frame(30, "30 people", "people injured", entity="people", happening="injured")
    assert judge(a, b, None, None, DEFAULT_TOLERANCES) == fit(a, b, None, None, DEFAULT_TOLERANCES)
    assert fit(a, b, None, None, DEFAULT_TOLERANCES) is not None


def _record(article_id: str, text: str, quantity: Quantity) -> tuple[EventRecord, Article]:
    outlet = article_id.title()
    record = EventRecord(
        article_id=article_id,
        outlet=outlet,
        headline=f"Headline of {article_id}",
        quantities=[quantity],
    )
    return record, Article(id=article_id, outlet=outlet, text=text)


def test_kept_apart_names_why_figures_of_one_gold_fact_were_not_merged() -> None:
    east_text = "Another 30 people were hurt in the blast, police said."
    west_text = "The fire brigade said 35 people were hurt in the blast."
    north_text = "Officials said 33 people were hurt in the blast."
    east = _record(
        "east",
        east_text,
        figure(
            30,
            "Another 30 people",
            "people hurt",
            text=east_text,
            entity="people",
            happening="hurt",
        ),
    )
    west = _record(
        "west",
        west_text,
        figure(35, "35 people", "people hurt", text=west_text, entity="people", happening="hurt"),
    )
    north = _record(
        "north",
        north_text,
        figure(33, "33 people", "people hurt", text=north_text, entity="people", happening="hurt"),
    )
    ctx = merge_context([east[0], west[0], north[0]], articles=[east[1], west[1], north[1]])
    gold = GoldFact.model_validate(
        {
            "id": "hurt",
            "kind": "quantity",
            "statement": "People hurt in the blast",
            "status": "conflicting",
            "outlets": ["East", "West", "North"],
            "values": [
                {"value": 30, "outlets": ["East"]},
                {"value": 35, "outlets": ["West"]},
                {"value": 33, "outlets": ["North"]},
            ],
        }
    )
    found = kept_apart(ctx, [gold], group_figures(ctx))
    # 'Another 30' is read as an addition: its scope keeps it from the 35 and the 33,
    # which the merge put in one fact; the gold fact counts once for that reason.
    assert [(a.fact, a.reason) for a in found] == [("hurt", "scope")]
    assert LINKAGE not in {a.reason for a in found}
