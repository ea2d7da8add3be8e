"""Prompt v2 (compact answers, two calls) over a fake LLM: what is asked, how the compact
answers are read back, and that v1 stays selectable with its recorded hash."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import prompts
from schemas.article import Article
from schemas.extraction import CompactCore, compact_labels_model
from service.errors import LLMOutputError
from service.llm import Message
from service.pipeline import Pipeline
from service.settings import Settings
from service.structure import prompt_hash
from tests.fakes import FakeLLM

TEXT = (
    "Flood waters swept through the river town of Brenford on Monday, officials said.\n\n"
    "At least 14 people were killed, the regional emergency office said on Tuesday. "
    "About 3,000 residents were evacuated from low-lying streets.\n\n"
    "\u201cWe have never seen the river rise this fast,\u201d Mayor Ada Quill told the Valley "
    "Courier. Governor Tomas Reyes visited the town later that day. \u201cThe levee held "
    "until noon,\u201d the agency said. Sandbags were stacked along 2 kilometres of the bank."
)
ARTICLE = Article(id="flood-1", outlet="Valley Courier", published_at=date(2025, 3, 4), text=TEXT)

CORE = {
    "headline": "Flood kills at least 14 in Brenford",
    "event_type": "disaster",
    "date": "2025-03-03",
    "place": "Brenford, Valdoria",
    "summary": "A flood hit Brenford. At least 14 people died.",
    "people": [["Ada Quill", "official", "Mayor"], ["Invented Person", "other", ""]],
    "sub_events": [["2025-03-04", "the regional emergency office gave the toll"], ["", "x"]],
}


def v2(llm: FakeLLM | None) -> Pipeline:
    return Pipeline(Settings(_env_file=None), llm, prompt_version="v2")


def shown(messages: list[Message], prefix: str) -> list[str]:
    """Ids of the candidates listed in the last block of a labels prompt."""
    block = messages[-1]["content"].split("END OF ARTICLE", 1)[1]
    return [
        line.split()[0] for line in block.splitlines() if line[:1] == prefix and line[1:2].isdigit()
    ]


def compact_fake(messages: list[Message], model: type[BaseModel]) -> dict[str, Any]:
    """A fake model answering v2's two schemas."""
    if model is CompactCore:
        return CORE
    assert model.__name__ == "CompactLabels", model.__name__
    answer: dict[str, Any] = {}
    if "figures" in model.model_fields:
        answer["figures"] = [[i, "kilometres", "stacked", True] for i in shown(messages, "N")]
    if "quotes" in model.model_fields:
        answer["quotes"] = [[i, "the regional emergency office", ""] for i in shown(messages, "Q")]
    return answer


def test_v2_asks_two_calls_and_only_the_candidates_the_parse_left_open() -> None:
    fake = FakeLLM(compact_fake)
    record = v2(fake).extract(ARTICLE)
    assert [model.__name__ for _, model in fake.calls] == ["CompactCore", "CompactLabels"]
    labels_prompt = fake.calls[1][0]
    # '3,000 residents evacuated' has its frame from the parse; '2 kilometres' has no
    # happening; 'Mayor Ada Quill told' names the speaker, 'the agency said' does not.
    figures, quotes = shown(labels_prompt, "N"), shown(labels_prompt, "Q")
    by_phrase = {q.phrase: q for q in record.quantities}
    assert by_phrase["2 kilometres"].candidate in figures
    assert by_phrase["About 3,000 residents"].candidate not in figures
    assert quotes == [q.candidate for q in record.quotes if q.text.startswith("The levee")]
    schema = fake.calls[1][1].model_json_schema()
    assert schema["properties"]["figures"]["minItems"] == len(figures)
    assert schema["properties"]["quotes"]["maxItems"] == len(quotes) == 1
    prov = record.provenance
    assert prov is not None and prov.prompt_version == "v2" and prov.llm_calls == 2
    assert {f: r.state for f, r in prov.facets.items()} == {"core": "llm", "labels": "llm"}


def test_v2_reads_compact_answers_back_into_the_record() -> None:
    record = v2(FakeLLM(compact_fake)).extract(ARTICLE)
    assert record.headline.startswith("Flood kills")
    assert record.where is not None
    # the article never names Valdoria: a guessed country is left out
    assert (record.where.name, record.where.country) == ("Brenford", None)
    named = ARTICLE.model_copy(update={"text": TEXT + " Valdoria sent soldiers."})
    where = v2(FakeLLM(compact_fake)).extract(named).where
    assert where is not None and (where.name, where.country) == ("Brenford", "Valdoria")
    mayor = next(a for a in record.actors if a.name == "Ada Quill")
    assert (mayor.role.value, mayor.title) == ("official", "Mayor")
    assert not next(a for a in record.actors if a.name == "Invented Person").grounded
    assert [(s.when, s.what) for s in record.sub_events] == [
        ("2025-03-04", "the regional emergency office gave the toll"),
        (None, "x"),
    ]
    sandbags = next(q for q in record.quantities if q.phrase == "2 kilometres")
    assert sandbags.happening == "stacked" and "stacked" in sandbags.counted
    # 'the agency said': the LLM may name the agency, as the text names it just before
    levee = next(q for q in record.quotes if q.text.startswith("The levee"))
    assert levee.speaker == "the regional emergency office"
    mayor_quote = next(q for q in record.quotes if q.text.startswith("We have"))
    assert mayor_quote.speaker == "Mayor Ada Quill"  # named by its cue, never asked
    # claims keep the mined cue's source: no call is made for them
    assert {c.according_to for c in record.claims} >= {"the regional emergency office"}


def test_figure_labelled_as_page_furniture_is_dropped_and_ids_fall_back_to_position() -> None:
    def furniture(messages: list[Message], model: type[BaseModel]) -> dict[str, Any]:
        answer = compact_fake(messages, model)
        if "figures" in answer:  # a wrong id: the row's position names the figure
            answer["figures"] = [["N99", "", "", False] for _ in answer["figures"]]
        return answer

    record = v2(FakeLLM(furniture)).extract(ARTICLE)
    assert all(q.phrase != "2 kilometres" for q in record.quantities)
    assert any(q.phrase == "About 3,000 residents" for q in record.quantities)


def test_a_failed_label_call_falls_back_to_the_mined_candidates_and_says_so() -> None:
    def flaky(messages: list[Message], model: type[BaseModel]) -> Any:
        if model.__name__ == "CompactLabels":
            return LLMOutputError("bad output", model="fake/echo")
        return compact_fake(messages, model)

    pipe = v2(FakeLLM(flaky))
    record = pipe.extract(ARTICLE)
    assert record.provenance is not None
    report = record.provenance.facets["labels"]
    assert report.state == "fallback" and report.error == "LLMOutputError"
    assert any(q.phrase == "2 kilometres" and q.grounded for q in record.quantities)
    assert record.degraded and pipe.stats.llm_failed == 1 and pipe.stats.llm_answered == 1


def test_an_article_with_nothing_open_makes_one_call() -> None:
    plain = ARTICLE.model_copy(
        update={"text": "About 3,000 residents were evacuated from Brenford on Monday."}
    )
    fake = FakeLLM(compact_fake)
    record = v2(fake).extract(plain)
    assert [model.__name__ for _, model in fake.calls] == ["CompactCore"]
    assert record.provenance is not None
    assert record.provenance.facets["labels"].state == "skipped"
    assert record.provenance.facets["labels"].detail == "no open candidates"


def test_compact_schemas_are_rows_by_position() -> None:
    labels = compact_labels_model(2, 0).model_json_schema()
    assert list(labels["properties"]) == ["figures"]  # no list for a kind with no candidates
    row = labels["properties"]["figures"]["items"]
    assert [p["type"] for p in row["prefixItems"]] == ["string", "string", "string", "boolean"]
    people = CompactCore.model_json_schema()["properties"]["people"]["items"]
    assert people["minItems"] == people["maxItems"] == 3
    # instructor validates strictly: a JSON array must still read as a row
    strict = compact_labels_model(1, 0).model_validate_json(
        '{"figures":[["N1","soldiers","sent",true]]}', strict=True
    )
    assert strict.figures == [("N1", "soldiers", "sent", True)]  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):  # exactly one row per listed figure
        compact_labels_model(2, 0).model_validate({"figures": [["N1", "a", "b", True]]})
    with pytest.raises(ValidationError):  # a role outside the enum
        CompactCore.model_validate({**CORE, "people": [["Ada Quill", "mayor", ""]]})


def test_v1_stays_selectable_with_its_recorded_hash() -> None:
    v1 = prompts.load("extract_event", "v1")
    # The recorded cassettes of v1 are named by this hash: v2's schemas must not move it.
    assert prompt_hash(v1).startswith("030a943d78c1")
    assert prompt_hash(prompts.load("extract_event", "v2")) != prompt_hash(v1)

    def v1_fake(messages: list[Message], model: type[BaseModel]) -> Any:
        from tests.unit.test_structure_pipeline import responder

        return responder(messages, model)

    fake = FakeLLM(v1_fake)
    record = Pipeline(Settings(_env_file=None), fake, prompt_version="v1").extract(ARTICLE)
    assert record.provenance is not None and record.provenance.prompt_version == "v1"
    assert len(fake.calls) == 4 and list(record.provenance.facets) == [
        "core",
        "quantities",
        "quotes",
        "claims",
    ]


IT_SAID = TEXT + (
    " The regional emergency office praised the volunteers. It said the town owed them"
    " \u201ca debt it can never repay.\u201d"
)


def test_v3_asks_about_a_quotation_whose_cue_is_a_pronoun_and_shows_the_words_before_it() -> None:
    article = ARTICLE.model_copy(update={"text": IT_SAID})
    fake_v2, fake_v3 = FakeLLM(compact_fake), FakeLLM(compact_fake)
    v2_record = v2(fake_v2).extract(article)
    v3_record = Pipeline(Settings(_env_file=None), fake_v3, prompt_version="v3").extract(article)
    debt = next(q for q in v2_record.quotes if q.text.startswith("a debt"))
    assert debt.candidate not in shown(fake_v2.calls[1][0], "Q")  # v2 leaves 'It said' alone
    assert debt.speaker == "It"
    block = fake_v3.calls[1][0][-1]["content"].split("END OF ARTICLE", 1)[1]
    line = next(x for x in block.splitlines() if x.startswith(f"{debt.candidate} "))
    assert line.startswith(f'{debt.candidate} [It] "a debt it can never repay."')
    assert "The regional emergency office praised the volunteers." in line  # the words before
    # the fake names the office, which the text names just before: the record takes it
    again = next(q for q in v3_record.quotes if q.text.startswith("a debt"))
    assert again.speaker == "the regional emergency office"
    assert v3_record.provenance is not None and v3_record.provenance.prompt_version == "v3"


def test_v3_shows_a_figure_with_only_the_words_around_it() -> None:
    long_sentence = (
        "Officials who spent the whole of the long night walking the flooded streets of the"
        " lower town said that the water rose by 40 centimetres in one hour before the"
        " army arrived with sandbags, trucks and pumps from the regional depot."
    )
    article = ARTICLE.model_copy(update={"text": TEXT + " " + long_sentence})
    fake = FakeLLM(compact_fake)
    Pipeline(Settings(_env_file=None), fake, prompt_version="v3").extract(article)
    block = fake.calls[1][0][-1]["content"].split("END OF ARTICLE", 1)[1]
    line = next(x for x in block.splitlines() if '"40 centimetres" in: "…' in x)
    context = line.split(' in: "', 1)[1].rstrip('"')
    assert context.startswith("…") and context.endswith("…")
    assert "rose by 40 centimetres in one hour" in context and "Officials" not in context
    assert len(context) < len(long_sentence)


def echo_cue(messages: list[Message], model: type[BaseModel]) -> dict[str, Any]:
    """A fake model that answers every quotation with the cue 'the agency'."""
    answer = compact_fake(messages, model)
    if "quotes" in answer:
        answer["quotes"] = [[i, "the agency", ""] for i in shown(messages, "Q")]
    return answer


def test_a_described_cue_takes_the_name_of_the_source_it_points_back_to() -> None:
    text = (
        "The missile plant makes parts for long-range rockets, the state news agency KCNA"
        " reported on Tuesday. \u201cThe new engine reaches full thrust,\u201d the agency said."
        " The port was closed, a harbour official said."
    )
    article = ARTICLE.model_copy(update={"text": text})
    record = Pipeline(Settings(_env_file=None), None).extract(article)  # no LLM at all
    engine = next(q for q in record.quotes if q.text.startswith("The new engine"))
    assert engine.speaker == "KCNA"  # 'the agency' → 'state news agency KCNA', by its name
    # a model echoing the cue names no one: the referent still stands
    echo = Pipeline(Settings(_env_file=None), FakeLLM(echo_cue), prompt_version="v3")
    engine = next(q for q in echo.extract(article).quotes if q.text.startswith("The new engine"))
    assert engine.speaker == "KCNA"
    # 'a harbour official' names no one before it: the cue stays as written
    assert all(c.according_to != "KCNA" for c in record.claims if "port" in c.statement)


def test_a_described_cue_keeps_the_whole_source_when_its_capitals_name_a_place() -> None:
    """'the ministry' after 'the health ministry in the Norland Republic': the capitalised
    words name where the ministry is, not the ministry, so the whole source is its
    referent, never the place."""
    text = (
        "At least 40 people were killed in the floods, the health ministry in the Norland"
        " Republic said on Monday. Another 120 people were injured, the ministry said."
    )
    article = ARTICLE.model_copy(update={"text": text})
    record = Pipeline(Settings(_env_file=None), None).extract(article)  # no LLM at all
    injured = next(c for c in record.claims if "120" in c.statement)
    assert injured.according_to == "health ministry in the Norland Republic"
