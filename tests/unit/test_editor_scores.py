"""The editor scorers: conflicts and revisions by fact with their outlets, false alarms."""

from __future__ import annotations

import json
from pathlib import Path

from evals.editor import score_editor
from evals.scorers import AliasTable, GoldFact, ScoringContext
from schemas.consensus import Consensus, ConsensusEvent, Fact, FactValue
from schemas.record import EventType
from service.render import shown_facts

ROOT = Path(__file__).resolve().parents[2]
KIM = ROOT / "evals" / "datasets" / "dev" / "kim-beijing-2025"


def _gold() -> list[GoldFact]:
    return [
        GoldFact.model_validate(f) for f in json.loads((KIM / "consensus_gold.json").read_text())
    ]


def _value(number: float, hedge: str, outlets: list[str]) -> FactValue:
    return FactValue(
        value=number,
        hedge=hedge,
        text=f"{number:g}",
        outlets=outlets,
        article_ids=outlets,
    )


def _consensus(*facts: Fact) -> Consensus:
    return Consensus(
        event=ConsensusEvent(headline="h", event_type=EventType.OTHER), facts=list(facts)
    )


def _fact(fid: str, status: str, values: list[FactValue]) -> Fact:
    outlets = sorted({o for v in values for o in v.outlets})
    return Fact(
        id=fid,
        kind="quantity",
        key=fid,
        statement=fid,
        status=status,
        values=values,
        independent_origins=1,
        outlets=outlets,
    )


TROOPS = [
    _value(10000, "more_than", ["Gulf Wire"]),
    _value(10000, "more_than", ["Daily Aggregator"]),
    _value(15000, "about", ["Seoul Desk"]),
]


def test_the_troop_conflict_with_its_outlets_is_found() -> None:
    scores = score_editor(_gold(), _consensus(_fact("t", "conflicting", TROOPS)), ScoringContext())
    counts = scores["editor.conflicts"].counts
    assert counts is not None and (counts.tp, counts.extra, counts.missing) == (1, 0, 0)
    assert scores["editor.false_conflicts"].value == 0


def test_right_numbers_from_the_wrong_outlets_are_no_match() -> None:
    wrong = [
        _value(10000, "more_than", ["Kyiv Ledger"]),
        _value(15000, "about", ["Anatolia Report"]),
    ]
    scores = score_editor(_gold(), _consensus(_fact("t", "conflicting", wrong)), ScoringContext())
    counts = scores["editor.conflicts"].counts
    assert counts is not None and (counts.tp, counts.extra, counts.missing) == (0, 1, 1)
    assert scores["editor.false_conflicts"].value == 1


def test_a_conflict_that_is_a_revision_in_the_gold_is_a_false_conflict() -> None:
    toll = [
        _value(600, "at_least", ["Gulf Wire"]),
        _value(2000, "about", ["Gulf Wire", "Seoul Desk"]),
    ]
    scores = score_editor(
        _gold(), _consensus(_fact("k", "conflicting", toll)), ScoringContext(aliases=AliasTable({}))
    )
    assert scores["editor.false_conflicts"].value == 1
    revisions = scores["editor.revisions"].counts
    assert revisions is not None and revisions.missing == 1 and revisions.tp == 0


def test_the_view_shows_every_multi_outlet_fact_and_some_single_source_ones() -> None:
    singles = [
        _fact(f"s{i}", "single_source", [_value(i, "exact", ["Gulf Wire"])]) for i in range(40)
    ]
    shown = shown_facts(_consensus(_fact("t", "conflicting", TROOPS), *singles))
    assert shown[0].id == "t" and 1 < len(shown) < 41
