"""Narrative checks and template fallback; the Markdown view puts conflicts first."""

from __future__ import annotations

from typing import Any

from prompts import load
from schemas.consensus import Consensus, ConsensusEvent, Fact, FactValue
from schemas.extraction import NarrativeDraft
from service.errors import LLMUnavailableError
from service.narrate import check_sentence, narrate, select_facts
from service.render import consensus_markdown
from tests.fakes import FakeLLM
from tests.support.narrative import fixed_consensus

PROMPT = load("narrate")


def value(
    text: str, number: float, hedge: str, *outlets: str, as_of: str | None = None
) -> FactValue:
    return FactValue(
        value=number,
        hedge=hedge,
        text=text,
        as_of=as_of,
        outlets=sorted(outlets),
        article_ids=sorted(o.lower() for o in outlets),
    )


def fact(fid: str, status: str, statement: str, values: list[FactValue]) -> Fact:
    outlets = sorted({o for v in values for o in v.outlets})
    return Fact(
        id=fid,
        kind="quantity",
        key=statement.lower(),
        statement=statement,
        status=status,
        values=values,
        independent_origins=len(outlets),
        outlets=outlets,
    )


CONSENSUS = Consensus(
    event=ConsensusEvent(headline="Ferry strike ends", event_type="other"),
    facts=[
        fact(
            "f-agree",
            "agreed",
            "ferries cancelled: 40",
            [value("40", 40, "exact", "Ledger", "Wire")],
        ),
        fact(
            "f-conf",
            "conflicting",
            "strikers: conflicting",
            [value("about 900", 900, "about", "Ledger"), value("1,500", 1500, "exact", "Wire")],
        ),
        fact(
            "f-rev",
            "revised",
            "boats idle: revised",
            [
                value("at least 12", 12, "at_least", "Wire", as_of="2025-03"),
                value("30", 30, "exact", "Ledger"),
            ],
        ),
    ],
)


def test_select_facts_puts_conflicts_and_revisions_first() -> None:
    assert [f.id for f in select_facts(CONSENSUS)] == ["f-conf", "f-rev", "f-agree"]


def test_check_sentence_rejects_wrong_outlets_unknown_ids_and_new_figures() -> None:
    by_label = {"F1": CONSENSUS.facts[1], "F2": CONSENSUS.facts[0]}
    ok, why = check_sentence(
        "Ledger says about 900 struck; Wire says 1,500.", ["F1"], ["Ledger", "Wire"], by_label
    )
    assert ok is not None and why is None and ok.fact_ids == ["f-conf"]
    bad, why = check_sentence("Ledger says 900.", ["F1"], ["Gazette"], by_label)
    assert bad is None and why and "Gazette" in why
    bad, why = check_sentence("Some 2,200 struck.", ["F1"], ["Wire"], by_label)
    assert bad is None and why and "2200" in why
    bad, why = check_sentence("x", ["F9"], ["Wire"], by_label)
    assert bad is None and why and "unknown fact" in why


def _draft(sentences: list[dict[str, Any]]) -> NarrativeDraft:
    return NarrativeDraft.model_validate({"sentences": sentences})


def test_llm_narrative_kept_when_it_passes_the_checks() -> None:
    fake = FakeLLM().enqueue(
        _draft(
            [
                {
                    "text": "Ledger counts about 900 strikers, Wire 1,500.",
                    "fact_ids": ["F1"],
                    "cited_outlets": ["Ledger", "Wire"],
                },
            ]
        )
    )
    told = narrate(CONSENSUS, fake, PROMPT)
    assert told.mode == "llm" and told.sentences[0].fact_ids == ["f-conf"]


def test_failed_citation_check_or_llm_error_gives_a_marked_template() -> None:
    fake = FakeLLM().enqueue(
        _draft(
            [
                {"text": "Gazette says 900.", "fact_ids": ["F1"], "cited_outlets": ["Gazette"]},
            ]
        )
    )
    told = narrate(CONSENSUS, fake, PROMPT)
    assert told.mode == "template" and told.detail and "citation check" in told.detail
    assert "disagree" in told.sentences[0].text and told.sentences[0].cited_outlets == [
        "Ledger",
        "Wire",
    ]
    down = narrate(CONSENSUS, FakeLLM().enqueue(LLMUnavailableError("down")), PROMPT)
    assert down.mode == "template" and down.detail and "LLM failed" in down.detail
    assert narrate(CONSENSUS, None, PROMPT).mode == "template"


def test_every_template_sentence_cites_exactly_its_facts_outlets() -> None:
    told = narrate(CONSENSUS, None, PROMPT)
    by_id = {f.id: f for f in CONSENSUS.facts}
    for sentence in told.sentences:
        allowed = {o for fid in sentence.fact_ids for o in by_id[fid].outlets}
        assert set(sentence.cited_outlets) == allowed


def test_markdown_shows_conflicts_before_everything_else() -> None:
    text = consensus_markdown(CONSENSUS)
    assert text.index("Conflicts") < text.index("Revised") < text.index("Agreed")
    assert "| strikers | about 900 | Ledger |" in text
    assert "at least 12 (as of 2025-03)" in text


def test_the_fixed_consensus_is_narrated_from_its_selected_facts() -> None:
    consensus = fixed_consensus()  # a stored consensus of the sample cluster: no merge run
    facts = select_facts(consensus)
    conflict = next(f for f in facts if f.status == "conflicting" and f.kind == "quantity")
    label = f"F{facts.index(conflict) + 1}"
    fake = FakeLLM().enqueue(
        _draft(
            [
                {
                    "text": "Seoul Desk puts the troops at around 15,000, others at 10,000.",
                    "fact_ids": [label],
                    "cited_outlets": conflict.outlets,
                }
            ]
        )
    )
    told = narrate(consensus, fake, PROMPT)
    assert told.mode == "llm" and told.sentences[0].fact_ids == [conflict.id]
    listing = fake.calls[0][0][-1]["content"]
    assert all(f"F{i} ({f.status}, {f.kind})" in listing for i, f in enumerate(facts, start=1))
    stray = FakeLLM().enqueue(
        _draft([{"text": "It was 99.", "fact_ids": [label], "cited_outlets": conflict.outlets}])
    )
    assert narrate(consensus, stray, PROMPT).mode == "template"  # 99 is no figure of the facts


def test_a_narrative_may_state_the_dates_and_figures_its_facts_hold() -> None:
    from schemas.consensus import Fact, FactValue
    from service.narrate import fact_numbers

    fact = Fact(
        id="f1",
        kind="quantity",
        key="k",
        statement="people killed: revised from at least 600 (as of 2025-04) to 2,000",
        status="revised",
        values=[
            FactValue(value=600, hedge="at_least", text="at least 600", as_of="2025-04",
                      outlets=["A"], article_ids=["a"]),
            FactValue(value=9000.0, text="nine thousand", outlets=["B"], article_ids=["b"]),
        ],
        independent_origins=2,
        outlets=["A", "B"],
    )  # fmt: skip
    numbers = fact_numbers(fact)
    assert {"600", "2025", "4", "2000", "9000"} <= numbers
    assert "31" not in numbers
