"""Narrative checks and template fallback; the Markdown view puts conflicts first."""

from __future__ import annotations

from typing import Any

from prompts import load
from schemas.consensus import Consensus, ConsensusEvent, Fact, FactValue, NarrativeSentence
from schemas.extraction import NarrativeDraft
from service.errors import LLMUnavailableError
from service.narrate import check_sentence, narrate, select_facts
from service.render import consensus_markdown, single_source_rank
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
    assert told.mode == "template" and told.detail and "failed its checks" in told.detail
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


def test_a_sentence_may_state_the_event_date_it_was_shown() -> None:
    by_label = {"F1": CONSENSUS.facts[1]}
    text = "On 4 March 2025 Ledger counted about 900 strikers and Wire 1,500."
    bad, why = check_sentence(text, ["F1"], ["Ledger", "Wire"], by_label)
    assert bad is None and why and "2025" in why
    ok, why = check_sentence(text, ["F1"], ["Ledger", "Wire"], by_label, "2025-03-04")
    assert ok is not None and why is None and ok.written_by == "llm"


def test_spelled_out_numbers_are_checked_like_digits() -> None:
    by_label = {"F1": CONSENSUS.facts[0]}  # ferries cancelled: 40
    bad, why = check_sentence("Five ferries were cancelled.", ["F1"], ["Ledger"], by_label)
    assert bad is None and why and "'5'" in why
    ok, _ = check_sentence("Forty ferries were cancelled.", ["F1"], ["Ledger"], by_label)
    assert ok is not None


def _sentence(text: str, label: str, *outlets: str) -> dict[str, Any]:
    return {"text": text, "fact_ids": [label], "cited_outlets": list(outlets)}


def test_a_failing_sentence_is_dropped_and_the_confident_findings_lead() -> None:
    # F1 the conflict, F2 the revision, F3 the agreement (`select_facts`' order).
    fake = FakeLLM().enqueue(
        _draft(
            [
                _sentence("Ledger and Wire agree 40 ferries were cancelled.", "F3", "Ledger"),
                _sentence("Some 77 boats stood idle.", "F2", "Wire"),  # 77: no figure of F2
                _sentence("Forty ferries stayed in port.", "F3", "Wire"),
            ]
        )
    )
    told = narrate(CONSENSUS, fake, PROMPT)
    assert told.mode == "llm" and told.detail and "77" in told.detail
    assert [(s.written_by, s.fact_ids) for s in told.sentences] == [
        ("template", ["f-conf"]),  # the model left the conflict and the revision out
        ("template", ["f-rev"]),
        ("llm", ["f-agree"]),
        ("llm", ["f-agree"]),
    ]
    assert "disagree" in told.sentences[0].text and "revised" in told.sentences[1].text
    markdown = consensus_markdown(CONSENSUS.model_copy(update={
        "narrative": told.sentences, "narrative_mode": told.mode}))  # fmt: skip
    assert "- (template) Outlets disagree on strikers" in markdown
    assert "- Forty ferries stayed in port. [Wire]" in markdown


def test_a_sentence_giving_one_side_of_a_dispute_is_dropped() -> None:
    """'Wire says 1,500 struck' cites the conflict but states one side as settled; 'At
    least 12 boats stood idle' states the revision's old figure as the fact."""
    fake = FakeLLM().enqueue(
        _draft(
            [
                _sentence("Wire says 1,500 struck.", "F1", "Wire"),
                _sentence("At least 12 boats stood idle.", "F2", "Wire"),
                _sentence("Ledger and Wire agree 40 ferries were cancelled.", "F3", "Ledger"),
                _sentence("Idle boats rose from at least 12 to 30.", "F2", "Wire", "Ledger"),
            ]
        )
    )
    told = narrate(CONSENSUS, fake, PROMPT)
    assert told.mode == "llm" and told.detail
    assert "states one side of the conflicting fact 'strikers'" in told.detail
    assert "states one side of the revised fact 'boats idle'" in told.detail
    assert [(s.written_by, s.fact_ids) for s in told.sentences] == [
        ("template", ["f-conf"]),
        ("llm", ["f-rev"]),
        ("llm", ["f-agree"]),
    ]


def test_a_sentence_giving_two_sides_tells_the_conflict() -> None:
    fake = FakeLLM().enqueue(
        _draft([_sentence("Ledger counts about 900 strikers, Wire 1,500.", "F1", "Ledger", "Wire")])
    )
    told = narrate(CONSENSUS, fake, PROMPT)
    assert [(s.written_by, s.fact_ids) for s in told.sentences] == [
        ("llm", ["f-conf"]),
        ("template", ["f-rev"]),  # the revision it left out
    ]


def test_a_narrative_most_of_whose_sentences_fail_is_not_kept() -> None:
    fake = FakeLLM().enqueue(
        _draft(
            [
                _sentence("Ledger counts about 900 strikers, Wire 1,500.", "F1", "Ledger", "Wire"),
                _sentence("Some 77 boats stood idle.", "F2", "Wire"),
                _sentence("Gazette says 40.", "F3", "Gazette"),
            ]
        )
    )
    told = narrate(CONSENSUS, fake, PROMPT)
    assert told.mode == "template" and told.detail and "1 of 3 sentences passed" in told.detail
    assert all(s.written_by == "template" for s in told.sentences)


def test_fragments_and_repeated_sentences_are_dropped() -> None:
    told_twice = "Ledger counts about 900 strikers, Wire 1,500."
    fake = FakeLLM().enqueue(
        _draft(
            [
                _sentence(told_twice, "F1", "Ledger", "Wire"),
                _sentence(told_twice.upper().replace("WIRE", "Wire"), "F1", "Ledger", "Wire"),
                _sentence("40 ferries were cancelled.", "F3", "Ledger"),
                _sentence("ferries cancelled, according to", "F3", "Ledger"),
            ]
        )
    )
    told = narrate(CONSENSUS, fake, PROMPT)
    assert told.mode == "llm" and told.detail
    assert "repeats an earlier sentence" in told.detail and "not a whole sentence" in told.detail
    assert [s.text for s in told.sentences if s.written_by == "llm"] == [
        told_twice,
        "40 ferries were cancelled.",
    ]


def test_a_template_sentence_names_whose_word_each_value_is() -> None:
    crowd = fact(
        "f-crowd",
        "conflicting",
        "marchers in Brenmoor: conflicting",
        [
            value("14,000", 14000, "exact", "Ledger"),
            value("20,000", 20000, "exact", "Ledger"),
        ],
    )
    crowd.values[0].attributed_to = "police"
    crowd.values[1].attributed_to = "The Dockers' Union"
    told = narrate(Consensus(event=CONSENSUS.event, facts=[crowd]), None, PROMPT)
    assert told.sentences[0].text == (
        "Sources disagree on marchers in Brenmoor: 14,000 according to police (Ledger); "
        "20,000 according to the Dockers' Union (Ledger)."
    )
    plain = narrate(CONSENSUS, None, PROMPT).sentences[0].text
    assert plain == "Outlets disagree on strikers: about 900 (Ledger); 1,500 (Wire)."


def test_an_older_output_says_nothing_of_who_wrote_its_sentences() -> None:
    """A narrative stored before `written_by` was recorded reads as unknown, so the view
    marks none of the model's sentences as the template's."""
    stored = CONSENSUS.model_copy(
        update={
            "narrative": [NarrativeSentence(text="Wire counts 1,500.", cited_outlets=["Wire"])],
            "narrative_mode": "llm",
        }
    )
    again = Consensus.model_validate_json(stored.model_dump_json(exclude_none=True))
    assert again.narrative[0].written_by is None
    assert "(template)" not in consensus_markdown(again)
    assert narrate(CONSENSUS, None, PROMPT).sentences[0].written_by == "template"


def _alone(key: str, text: str, source: str | None) -> Fact:
    value = FactValue(
        value=2.0, text=text, attributed_to=source, outlets=["Valley Courier"], article_ids=["a"]
    )
    return Fact(
        id=f"f-{key}",
        kind="quantity",
        key=key,
        statement=f"{key}: {text} (1 outlet)",
        status="single_source",
        values=[value],
        independent_origins=1,
        outlets=["Valley Courier"],
    )


def test_single_source_counts_come_before_ordinals_and_vague_counts() -> None:
    # 'the second ceremony' names which one, 'hundreds of sites' no number: an editor
    # learns more from a count, even one no source is named for
    ordinal = _alone("ceremony [ordinal]", "second ceremony", "the council")
    vague = _alone("site (vague)", "hundreds of sites", "the council")
    count = _alone("ceremony held", "two ceremonies", None)
    ranked = sorted([ordinal, vague, count], key=single_source_rank)
    assert ranked[0] is count


def test_a_revisions_current_values_in_dispute_stand_together_as_its_last_step() -> None:
    """A toll of 520, then 1,130 from a charity and 325 from a ministry: the toll rose,
    and two sources now dispute it; it was never revised from 1,130 to 325."""
    now = [value("1,130", 1130, "exact", "Wire"), value("325", 325, "exact", "Ledger")]
    current = fact("f-now", "conflicting", "people killed: conflicting", now)
    revision = fact(
        "f-rev",
        "revised",
        "people killed: revised from 520 to 1,130 / 325",
        [value("520", 520, "exact", "Post"), *[v.model_copy() for v in now]],
    )
    current.related_fact_ids, revision.related_fact_ids = ["f-rev"], ["f-now"]
    told = narrate(Consensus(event=CONSENSUS.event, facts=[current, revision]), None, PROMPT)
    [said] = [s.text for s in told.sentences if "revised" in s.text]
    assert said == (
        "The figure for people killed was revised: 520 (Post) → 1,130 (Wire) / 325 (Ledger)."
    )
