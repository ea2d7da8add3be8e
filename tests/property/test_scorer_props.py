"""Laws of the record scorers: gold scores 1.0 against itself on every field it can be
scored on, and perturbing one field lowers that field and leaves every other one alone."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evals.scorers import RECORD_FIELDS, Score, ScoringContext, score_record
from schemas.record import (
    Actor,
    Claim,
    EventRecord,
    EventType,
    Place,
    Quantity,
    Quote,
    SubEvent,
    When,
)

CTX = ScoringContext()  # no aliases, no embedding model: summary_cosine stays NaN

FIRST = ["Arlo", "Cora", "Dmitri", "Esme", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kaia"]
LAST = ["Bexley", "Corwin", "Dunmore", "Ellery", "Fairbank", "Grimsby", "Hollins", "Ivanek"]
STRANGER = "Zyx Qwv"
HEDGES = ["exact", "about", "at_least", "more_than", "up_to", "less_than"]

names = st.builds(lambda f, last: f"{f} {last}", st.sampled_from(FIRST), st.sampled_from(LAST))


def iso(day: date, granularity: str) -> str:
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[
        granularity
    ]


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
granularities = st.sampled_from(["day", "month", "year"])
iso_dates = st.builds(iso, days, granularities)


def words(prefix: str, low: int, high: int) -> st.SearchStrategy[str]:
    """Text whose words are unique to one item (`prefix`), so items never cross-match."""
    return st.lists(st.integers(0, 50), min_size=low, max_size=high, unique=True).map(
        lambda ids: " ".join(f"{prefix}w{i}" for i in ids)
    )


@st.composite
def records(draw: st.DrawFn) -> EventRecord:
    actor_names = draw(st.lists(names, max_size=4, unique=True))
    actors = [Actor(name=n, canonical_name=n, grounded=True) for n in actor_names]
    quantities = []
    values = draw(st.lists(st.integers(1, 10**6), max_size=4, unique=True))
    for i, value in enumerate(values):
        ranged = draw(st.booleans())
        quantities.append(
            Quantity(
                value=None if ranged else float(value),
                low=float(value) if ranged else None,
                high=float(value) * 2 if ranged else None,
                unit=f"u{i}unit",
                counted=draw(words(f"c{i}", 2, 4)),
                hedge="range" if ranged else draw(st.sampled_from(HEDGES)),
                as_of=draw(st.none() | iso_dates),
                attributed_to=draw(st.none() | names),
                entity=draw(st.sampled_from(["", f"e{i}thing", "soldiers"])),
                happening=draw(st.sampled_from(["", "killed", f"h{i}ed"])),
                phrase=f"{value} u{i}unit",
                grounded=True,
            )
        )
    quotes = [
        Quote(text=draw(words(f"q{i}", 6, 12)), speaker=draw(st.none() | names), grounded=True)
        for i in range(draw(st.integers(0, 3)))
    ]
    claims = [
        Claim(
            statement=draw(words(f"k{i}", 4, 8)),
            according_to=draw(st.none() | names),
            grounded=True,
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    sub_events = [
        SubEvent(what=draw(words(f"s{i}", 3, 6)), when=draw(st.none() | iso_dates), grounded=True)
        for i in range(draw(st.integers(0, 3)))
    ]
    day, granularity = draw(days), draw(granularities)
    return EventRecord(
        article_id="a",
        headline=draw(words("h", 3, 8)),
        event_type=draw(st.sampled_from(list(EventType))),
        when=draw(
            st.none()
            | st.just(When(date=iso(day, granularity), granularity=granularity, grounded=True))
        ),
        where=draw(st.none() | st.just(Place(name=draw(names), grounded=True))),
        summary=draw(words("m", 5, 20)),
        actors=actors,
        quantities=quantities,
        quotes=quotes,
        claims=claims,
        sub_events=sub_events,
    )


def _far(iso_date: str | None) -> str:
    """A date of the same precision years away (or a date where there was none)."""
    if iso_date is None:
        return "1990-01-01"
    return str(int(iso_date[:4]) - 7) + iso_date[4:]


def _replace_third(text: str) -> str:
    """Replace a third of the words (rounded up): still the same item, no longer verbatim."""
    parts = text.split()
    k = -(-len(parts) // 3)
    return " ".join(["zzpert" + str(i) for i in range(k)] + parts[k:])


Perturbation = Callable[[EventRecord], EventRecord | None]
"""Returns the changed copy, or None when it does not apply to this record."""


def _p_headline(r: EventRecord) -> EventRecord:
    return r.model_copy(update={"headline": "zzhead one two"})


def _p_event_type(r: EventRecord) -> EventRecord:
    other = next(t for t in EventType if t != r.event_type)
    return r.model_copy(update={"event_type": other})


def _p_when(r: EventRecord) -> EventRecord:
    if r.when is None or r.when.date is None:
        return r.model_copy(update={"when": When(date="1990-01-01", granularity="day")})
    return r.model_copy(update={"when": r.when.model_copy(update={"date": _far(r.when.date)})})


def _p_where(r: EventRecord) -> EventRecord:
    return r.model_copy(update={"where": Place(name=STRANGER, grounded=True)})


def _p_summary(r: EventRecord) -> EventRecord:
    return r.model_copy(update={"summary": "zzsum alpha beta gamma"})


def _p_actor(r: EventRecord) -> EventRecord | None:
    if not r.actors:
        return None
    renamed = r.actors[0].model_copy(update={"name": STRANGER, "canonical_name": STRANGER})
    return r.model_copy(update={"actors": [renamed, *r.actors[1:]]})


def _extra(field: str, item: object) -> Perturbation:
    def add(r: EventRecord) -> EventRecord | None:
        if not r.items():  # grounding_rate would go from unscored to scored
            return None
        return r.model_copy(update={field: [*getattr(r, field), item]})

    add.__name__ = f"extra_{field}"
    return add


def _on_first(field: str, change: Callable[[object], dict[str, object]], name: str) -> Perturbation:
    def apply(r: EventRecord) -> EventRecord | None:
        items = getattr(r, field)
        if not items:
            return None
        first = items[0].model_copy(update=change(items[0]))
        return r.model_copy(update={field: [first, *items[1:]]})

    apply.__name__ = name
    return apply


def _shift_figure(q: object) -> dict[str, object]:
    assert isinstance(q, Quantity)
    if q.value is None:
        assert q.low is not None and q.high is not None
        return {"low": q.low + 5e7, "high": q.high + 5e7}
    return {"value": q.value + 5e7}


def _other_hedge(q: object) -> dict[str, object]:
    assert isinstance(q, Quantity)
    return {"hedge": "about" if q.hedge != "about" else "at_least"}


def _grounding(r: EventRecord) -> EventRecord | None:
    if r.actors:
        first = r.actors[0].model_copy(update={"grounded": False})
        return r.model_copy(update={"actors": [first, *r.actors[1:]]})
    if r.quantities:
        first_q = r.quantities[0].model_copy(update={"grounded": False})
        return r.model_copy(update={"quantities": [first_q, *r.quantities[1:]]})
    return None


PERTURBATIONS: dict[str, list[Perturbation]] = {
    "headline": [_p_headline],
    "event_type": [_p_event_type],
    "when": [_p_when],
    "where": [_p_where],
    "summary": [_p_summary],
    "actors": [
        _p_actor,
        _extra("actors", Actor(name=STRANGER, canonical_name=STRANGER, grounded=True)),
    ],
    "quantities": [
        _on_first("quantities", _shift_figure, "shift_figure"),
        _extra(
            "quantities", Quantity(value=9.9e9, unit="zzunit", counted="zzc zzd", grounded=True)
        ),
    ],
    "quantities.hedge": [_on_first("quantities", _other_hedge, "other_hedge")],
    "quantities.as_of": [
        _on_first("quantities", lambda q: {"as_of": _far(getattr(q, "as_of", None))}, "as_of")
    ],
    "quantities.attributed_to": [
        _on_first("quantities", lambda q: {"attributed_to": STRANGER}, "attributed_to")
    ],
    "quantities.entity": [_on_first("quantities", lambda q: {"entity": "zzthings"}, "entity")],
    "quantities.happening": [
        _on_first("quantities", lambda q: {"happening": "zzhappened"}, "happening")
    ],
    "quotes": [
        _on_first("quotes", lambda q: {"text": _replace_third(getattr(q, "text", ""))}, "text"),
        _extra("quotes", Quote(text="zzq one two three four five", grounded=True)),
    ],
    "quotes.speaker": [_on_first("quotes", lambda q: {"speaker": STRANGER}, "speaker")],
    "claims": [_extra("claims", Claim(statement="zzk one two three four", grounded=True))],
    "claims.according_to": [
        _on_first("claims", lambda c: {"according_to": STRANGER}, "according_to")
    ],
    "sub_events": [_extra("sub_events", SubEvent(what="zzs one two three", grounded=True))],
    "sub_events.when": [
        _on_first("sub_events", lambda s: {"when": _far(getattr(s, "when", None))}, "sub_when")
    ],
    "grounding_rate": [_grounding],
}


def _value(score: Score) -> float:
    return score.value


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_every_field_has_a_perturbation() -> None:
    assert set(PERTURBATIONS) | {"summary_cosine"} == set(RECORD_FIELDS)


@settings(max_examples=150, deadline=None)
@given(records())
def test_gold_scores_one_against_itself(gold: EventRecord) -> None:
    scores = score_record(gold, gold, CTX)
    for name, score in scores.items():
        assert math.isnan(score.value) or score.value == 1.0, (name, score.explanation)
    # fields the gold has content for are scored, not skipped
    assert scores["headline"].value == 1.0
    assert scores["event_type"].value == 1.0
    assert scores["summary"].value == 1.0
    for name in ("actors", "quantities", "quotes", "claims", "sub_events"):
        if getattr(gold, name):
            assert scores[name].value == 1.0, name
    assert math.isnan(scores["summary_cosine"].value)


@pytest.mark.parametrize(
    ("field", "perturb"),
    [(f, p) for f, ps in PERTURBATIONS.items() for p in ps],
    ids=lambda x: x if isinstance(x, str) else x.__name__,
)
@settings(max_examples=60, deadline=None)
@given(gold=records())
def test_perturbing_one_field_lowers_that_field_only(
    field: str, perturb: Perturbation, gold: EventRecord
) -> None:
    changed = perturb(gold)
    if changed is None:
        return
    before = {k: _value(v) for k, v in score_record(gold, gold, CTX).items()}
    after = {k: _value(v) for k, v in score_record(gold, changed, CTX).items()}
    reference = 1.0 if math.isnan(before[field]) else before[field]
    assert after[field] < reference, (field, before[field], after[field])
    for name in RECORD_FIELDS:
        if name != field:
            assert _same(before[name], after[name]), (field, name, before[name], after[name])
