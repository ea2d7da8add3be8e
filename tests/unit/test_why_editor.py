"""`evals.why_editor`: a cause for each false and each missed row of the editor tables."""

from __future__ import annotations

from evals.scorers import GoldFact, ScoringContext
from evals.scorers.consensus import GoldFactValue
from evals.why_editor import false_cause, missed_cause
from schemas.consensus import Consensus, ConsensusEvent, Fact, FactValue
from schemas.record import EventType

CTX = ScoringContext()


def _value(number: float, outlet: str) -> FactValue:
    return FactValue(value=number, text=f"{number:g}", outlets=[outlet], article_ids=[outlet])


def _fact(status: str, *values: FactValue) -> Fact:
    return Fact(
        id=status,
        kind="quantity",
        key=status,
        statement=f"a {status} fact",
        status=status,
        values=list(values),
        independent_origins=1,
        outlets=sorted({o for v in values for o in v.outlets}),
    )


def _gold(fid: str, status: str, *values: tuple[float, str]) -> GoldFact:
    return GoldFact(
        id=fid,
        kind="quantity",
        statement=fid,
        status=status,
        outlets=sorted({outlet for _, outlet in values}),
        values=[GoldFactValue(value=number, outlets=[outlet]) for number, outlet in values],
    )


TOLL = _gold("toll", "revised", (12, "Ostrel Post"), (17, "Brenmoor Wire"))
INJURED = _gold("injured", "conflicting", (40, "Ostrel Post"), (55, "Brenmoor Wire"))
GOLD = [TOLL, INJURED]


def test_a_false_conflict_is_named_by_what_the_gold_makes_of_its_values() -> None:
    update = _fact("conflicting", _value(12, "Ostrel Post"), _value(17, "Brenmoor Wire"))
    assert false_cause(update, GOLD, CTX) == "gold says revised"
    mixed = _fact("conflicting", _value(12, "Ostrel Post"), _value(55, "Brenmoor Wire"))
    assert false_cause(mixed, GOLD, CTX) == "spans gold facts"
    half = _fact("conflicting", _value(12, "Ostrel Post"), _value(99, "Brenmoor Wire"))
    assert false_cause(half, GOLD, CTX) == "one value of a gold fact"
    # The right numbers from the wrong outlets are no gold fact's values.
    elsewhere = _fact("conflicting", _value(12, "Brenmoor Wire"), _value(17, "Ostrel Post"))
    assert false_cause(elsewhere, GOLD, CTX) == "no gold fact"


def test_a_missed_conflict_is_named_by_where_its_values_went() -> None:
    event = ConsensusEvent(headline="h", event_type=EventType.OTHER)
    as_revision = Consensus(
        event=event,
        facts=[_fact("revised", _value(40, "Ostrel Post"), _value(55, "Brenmoor Wire"))],
    )
    assert missed_cause(INJURED, as_revision, CTX, {}) == "merged as revised"
    apart = Consensus(
        event=event,
        facts=[
            _fact("single_source", _value(40, "Ostrel Post")),
            _fact("single_source", _value(55, "Brenmoor Wire")),
        ],
    )
    assert missed_cause(INJURED, apart, CTX, {"injured": "entity"}) == "kept apart: entity"
    assert missed_cause(INJURED, apart, CTX, {}) == "kept apart: values in other facts"
    one = Consensus(event=event, facts=[_fact("single_source", _value(40, "Ostrel Post"))])
    assert missed_cause(INJURED, one, CTX, {}) == "one value found"
    assert missed_cause(INJURED, Consensus(event=event, facts=[]), CTX, {}) == "not found"
