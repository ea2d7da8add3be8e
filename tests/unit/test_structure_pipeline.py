"""Structure step and pipeline over a fake LLM: labels, fallbacks, provenance, cache."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from schemas.article import MAX_ARTICLE_CHARS, Article
from service import pipeline as pipeline_module
from service.errors import (
    DegradedResultError,
    LLMOutputError,
    LLMUnavailableError,
    ReplayMissError,
    exit_code,
)
from service.llm import CHARS_PER_TOKEN, Message, context_needed
from service.merge import merge_records
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import Store, record_cache
from tests.fakes import FakeLLM

TEXT = (
    "Flood waters swept through the river town of Brenford on Monday, officials said.\n\n"
    "At least 14 people were killed, the regional emergency office said on Tuesday. "
    "About 3,000 residents were evacuated from low-lying streets.\n\n"
    "\u201cWe have never seen the river rise this fast,\u201d Mayor Ada Quill told the Valley "
    "Courier. Governor Tomas Reyes visited the town later that day."
)
ARTICLE = Article(id="flood-1", outlet="Valley Courier", published_at=date(2025, 3, 4), text=TEXT)


def settings() -> Settings:
    return Settings(_env_file=None)


def count_items(messages: list[Message]) -> int:
    block = messages[-1]["content"].rsplit("\n\n", 1)[-1]
    return sum(1 for line in block.splitlines() if line[:1] in "NQS" and line[1:2].isdigit())


def responder(messages: list[Message], model: type[BaseModel]) -> dict[str, Any]:
    """Fake model answers, keyed on the response schema it is asked to fill."""
    name = model.__name__
    if name == "CoreDraft":
        return {
            "headline": "Flood kills at least 14 in Brenford",
            "event_type": "disaster",
            "date": "2025-03-03",
            "date_phrase": "on Monday",
            "place": "Brenford",
            "country": "",
            "summary": "A flood hit Brenford. At least 14 people died.",
            "people": [
                {"name": "Ada Quill", "role": "official", "title": "Mayor"},
                {"name": "Invented Person", "role": "other", "title": ""},
            ],
            "sub_events": [],
        }
    if name == "NarrativeDraft":  # cites an outlet no fact lists: the template must win
        return {"sentences": [{"text": "x", "fact_ids": ["F1"], "cited_outlets": ["Nobody"]}]}
    items = model.model_fields["items"]
    n = next(m.min_length for m in items.metadata if hasattr(m, "min_length"))
    if name == "QuantityLabels":
        return {
            "items": [
                {
                    "id": f"N{i + 1}",
                    "what": "people",
                    "action": "killed" if i == 0 else "evacuated",
                    "attributed_to": "Governor Tomas Reyes",
                    "relevant": True,
                }
                for i in range(n)
            ]
        }
    if name == "QuoteLabels":
        return {"items": [{"id": "Q1", "speaker": "Ada Quill", "via": "Valley Courier"}] * n}
    if name == "ClaimLabels":
        return {"items": [{"id": f"S{i + 1}", "according_to": "Atlantis Times"} for i in range(n)]}
    raise AssertionError(f"unexpected schema {name}")


def test_record_from_fake_llm_keeps_mined_figures_and_checks_llm_answers() -> None:
    fake = FakeLLM(responder)
    record = Pipeline(settings(), fake).extract(ARTICLE)
    assert record.headline.startswith("Flood kills")
    assert record.when is not None and record.when.date == "2025-03-03"
    killed = next(q for q in record.quantities if q.value == 14)
    assert killed.hedge == "at_least" and "killed" in killed.counted
    # the figure's own sentence names its source; the LLM's guess is not in it
    assert killed.attributed_to and "emergency office" in killed.attributed_to
    assert all(q.attributed_to != "Governor Tomas Reyes" for q in record.quantities)
    quote = record.quotes[0]
    assert quote.speaker == "Ada Quill" and quote.grounded
    # a source the article never names is not taken from the LLM
    assert all(c.according_to != "Atlantis Times" for c in record.claims)
    invented = next(a for a in record.actors if a.name == "Invented Person")
    assert not invented.grounded and invented.reason
    prov = record.provenance
    assert prov is not None and prov.model == "fake/echo" and prov.prompt_version == "v1"
    assert len(prov.prompt_hash) == 64 and prov.llm_calls == 4
    assert {f: r.state for f, r in prov.facets.items()} == {
        "core": "llm",
        "quantities": "llm",
        "quotes": "llm",
        "claims": "llm",
    }


def test_label_schemas_demand_one_item_per_candidate() -> None:
    fake = FakeLLM(responder)
    Pipeline(settings(), fake).extract(ARTICLE)
    for messages, model in fake.calls:
        if model.__name__.endswith("Labels"):
            schema = model.model_json_schema()["properties"]["items"]
            assert schema["minItems"] == schema["maxItems"] == count_items(messages)


def test_failed_facet_falls_back_to_mined_candidates_and_says_so() -> None:
    def flaky(messages: list[Message], model: type[BaseModel]) -> Any:
        if model.__name__ == "QuantityLabels":
            return LLMOutputError("bad output", model="fake/echo")
        return responder(messages, model)

    pipe = Pipeline(settings(), FakeLLM(flaky))
    record = pipe.extract(ARTICLE)
    assert record.provenance is not None
    report = record.provenance.facets["quantities"]
    assert report.state == "fallback" and report.error == "LLMOutputError"
    assert report.detail and "bad output" in report.detail
    assert any(q.value == 14 and q.grounded for q in record.quantities)
    assert record.degraded and record.model_dump(mode="json")["degraded"] is True
    assert pipe.stats.degraded == 1 and pipe.stats.llm_failed == 1
    assert pipe.stats.llm_answered == 3 and pipe.stats.llm_errors == {"LLMOutputError": 1}
    verdict = pipe.verdict()
    assert isinstance(verdict, DegradedResultError) and exit_code(verdict) == 8


def test_a_degraded_record_is_not_cached_and_is_redone(tmp_path: Any) -> None:
    store = Store(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    down = FakeLLM(lambda _m, _r: LLMUnavailableError("down", model="fake/echo"))
    outage = Pipeline(settings(), down, store=store)
    first = outage.extract(ARTICLE)
    assert first.degraded and not first.provenance.llm_answered  # type: ignore[union-attr]
    verdict = outage.verdict()
    assert isinstance(verdict, LLMUnavailableError) and exit_code(verdict) == 5
    assert "never answered" in str(verdict)
    up = FakeLLM(responder)
    again = Pipeline(settings(), up, store=store)
    second = again.extract(ARTICLE)
    assert len(up.calls) == 4 and again.stats.cache_hits == 0 and not second.degraded
    assert again.verdict() is None
    third = Pipeline(settings(), FakeLLM(), store=store)
    assert third.extract(ARTICLE) == second and third.stats.cache_hits == 1


def test_a_degraded_record_in_the_cache_is_never_served(tmp_path: Any) -> None:
    store = Store(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    down = FakeLLM(lambda _m, _r: LLMUnavailableError("down", model="fake/echo"))
    pipe = Pipeline(settings(), down, store=store)
    record = pipe.extract(ARTICLE)
    key = pipe.cache_key(ARTICLE)
    store.put_cached_record(key, record)  # refused
    assert store.get_cached_record(key) is None
    with store.engine.begin() as conn:  # as older code would have written it
        conn.execute(
            record_cache.insert().values(
                article_hash=key.article_hash,
                prompt_hash=key.prompt_hash,
                model_id=key.model_id,
                record_json=record.model_dump_json(),
                created_at=datetime.now(UTC),
            )
        )
    assert store.get_cached_record(key) is None


def test_a_narrative_that_fell_back_after_an_error_degrades_the_consensus() -> None:
    def no_narrator(messages: list[Message], model: type[BaseModel]) -> Any:
        if model.__name__ == "NarrativeDraft":
            return LLMUnavailableError("down", model="fake/echo")
        return responder(messages, model)

    pipe = Pipeline(settings(), FakeLLM(no_narrator))
    other = ARTICLE.model_copy(update={"id": "flood-2", "outlet": "Other Daily"})
    consensus = pipe.summarise([ARTICLE, other])
    assert consensus.narrative_mode == "template" and consensus.degraded
    assert pipe.stats.degraded == 0 and pipe.stats.degraded_narratives == 1
    assert isinstance(pipe.verdict(), DegradedResultError)


def test_replay_miss_is_never_swallowed() -> None:
    fake = FakeLLM().enqueue(ReplayMissError("no cassette"))
    with pytest.raises(ReplayMissError):
        Pipeline(settings(), fake).extract(ARTICLE)


def test_a_bare_number_sizing_a_named_place_counts_its_people() -> None:
    """'Tampere, a town of 25,000' is the town's people, as 'a town of about 20,000 people'
    is: two outlets' sizes of one town meet, and differ."""
    pipe = Pipeline(settings(), None)
    first = Article(
        id="a",
        outlet="Norland Post",
        text="The fire broke out in Tampere, a town of about 20,000 people, on Sunday.",
    )
    said = "Ana Ruiz, director of the hospital in Tampere, a town of 25,000, said so."
    second = Article(id="b", outlet="Harbour Daily", text=said)
    records = [pipe.extract(first), pipe.extract(second)]
    sized = records[1].quantities[0]
    assert (sized.unit, sized.qualifier, sized.place_scope) == ("people", "town", "Tampere")
    facts = merge_records(records, articles=[first, second]).facts
    assert [(f.status, len(f.values)) for f in facts if f.kind == "quantity"] == [
        ("conflicting", 2)
    ]


def test_mined_only_record_has_no_model(tmp_path: Any) -> None:
    record = Pipeline(settings(), None).extract(ARTICLE)
    assert record.provenance is not None and record.provenance.model == "none"
    assert record.provenance.llm_calls == 0
    assert {r.state for r in record.provenance.facets.values()} == {"skipped"}
    assert record.grounding_rate == 1.0 and not record.degraded


def test_a_figure_whose_giving_words_name_no_one_takes_no_source_from_its_sentence() -> None:
    """The parse finds 'Preliminary estimates ... suggest' giving the figure, naming no
    one; the sentence's attribution cue ('Preliminary', a capital at the sentence's start)
    is not its source."""
    text = (
        "BRENMOOR (Norland Wire) - Preliminary estimates drawn from aerial imaging suggest "
        "that more than 900 homes were destroyed by the fire. Officials said the town was calm."
    )
    article = Article(id="a1", outlet="Norland Wire", title="Fire in Brenmoor", text=text)
    record = Pipeline(settings(), None).extract(article)
    homes = [q for q in record.quantities if q.phrase.startswith("more than 900")]
    assert len(homes) == 1 and homes[0].attributed_to is None


@pytest.mark.parametrize(
    ("text", "phrase", "source"),
    [
        # 'the agency' is the last agency the text gave, however far back
        (
            "BRENMOOR (Norland Wire) - Twelve people died in the floods, Norland's disaster "
            "agency said on Monday. Roads to the valley stayed closed and the river kept "
            "rising through the night, while rescuers in boats reached the farms cut off by "
            "the water. Schools in the town will stay shut until Thursday, and the mayor "
            "asked residents to boil their water. Volunteers filled sandbags along the quay. "
            "The agency said 3,400 people had been evacuated.",
            "3,400",
            "Norland's disaster agency",
        ),
        # the description the text gives a name beside it: 'the state airline Norland
        # Air', 'Brenmoor Analytics, a consultancy,'
        (
            "BRENMOOR (Norland Wire) - Air travel was badly hit. The state airline Norland "
            "Air said it had grounded its fleet. The airline said 300 flights were cancelled.",
            "300 flights",
            "Norland Air",
        ),
        (
            "BRENMOOR (Norland Wire) - The strike dragged on. Brenmoor Analytics, a "
            "consultancy, said on Monday that it was costly. The consultancy put the losses "
            "at $5 billion.",
            "$5 billion",
            "Brenmoor Analytics",
        ),
        # 'the spy agency' is no news agency, and 'the agency' says no more than itself
        (
            "BRENMOOR (Norland Wire) - The Brenmoor News Agency reported the visit on "
            "Tuesday. The spy agency said 2,000 soldiers had been sent.",
            "2,000 soldiers",
            "The spy agency",
        ),
    ],
)
def test_a_described_source_of_a_figure_is_the_last_of_its_kind_given(
    text: str, phrase: str, source: str
) -> None:
    article = Article(id="a1", outlet="Norland Wire", title="Floods in Brenmoor", text=text)
    record = Pipeline(settings(), None).extract(article)
    figures = [q for q in record.quantities if q.phrase.startswith(phrase)]
    assert len(figures) == 1 and figures[0].attributed_to == source


def test_record_cache_makes_a_second_run_free(tmp_path: Any) -> None:
    store = Store(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    first = FakeLLM(responder)
    a = Pipeline(settings(), first, store=store).extract(ARTICLE)
    second = FakeLLM(responder)
    again = Pipeline(settings(), second, store=store)
    b = again.extract(ARTICLE)
    assert second.calls == [] and again.stats.cache_hits == 1 and again.stats.llm_calls == 0
    assert a == b
    changed = ARTICLE.model_copy(update={"published_at": date(2025, 3, 5)})
    again.extract(changed)
    assert len(second.calls) == 4  # other metadata, other record


def test_record_cache_is_not_reused_by_other_code(tmp_path: Any, monkeypatch: Any) -> None:
    store = Store(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    Pipeline(settings(), FakeLLM(responder), store=store).extract(ARTICLE)
    monkeypatch.setattr(pipeline_module, "RECORD_CODE_HASH", "0" * 64)  # a new release
    upgraded = FakeLLM(responder)
    Pipeline(settings(), upgraded, store=store).extract(ARTICLE)
    assert len(upgraded.calls) == 4


def test_an_action_the_sentence_does_not_state_is_not_taken_from_the_llm() -> None:
    def guessing(messages: list[Message], model: type[BaseModel]) -> dict[str, Any]:
        answer = responder(messages, model)
        if model.__name__ == "QuantityLabels":
            for item in answer["items"]:
                item["action"] = "deployed" if item["id"] == "N1" else "mentioned"
        return answer

    record = Pipeline(settings(), FakeLLM(guessing)).extract(ARTICLE)
    counted = {q.value: q.counted for q in record.quantities}
    assert "killed" in counted[14] and "deployed" not in counted[14]
    assert "evacuated" in counted[3000] and "mentioned" not in counted[3000]


def test_a_bare_figure_may_take_its_action_from_the_sentence_before() -> None:
    text = (
        "Relief teams were deployed to the valley last week. The town hall shows 12 "
        "portraits on a wall.\n\nThe board counted at least 40 flood deaths in May. Now it "
        "puts the figure at about 60."
    )
    article = Article(
        id="bare-1", outlet="Valley Courier", published_at=date(2025, 6, 2), text=text
    )

    def labels(messages: list[Message], model: type[BaseModel]) -> dict[str, Any]:
        if model.__name__ != "QuantityLabels":
            return responder(messages, model)
        actions = {"N1": "deployed", "N2": "", "N3": "flood deaths"}
        return {
            "items": [
                {"id": i, "what": "", "action": a, "attributed_to": "", "relevant": True}
                for i, a in actions.items()
            ]
        }

    record = Pipeline(settings(), FakeLLM(labels)).extract(article)
    counted = {q.value: q.counted for q in record.quantities}
    assert "deployed" not in counted[12]  # its own sentence never says 'deployed'
    assert "flood deaths" in counted[60]  # 'the figure' refers back to the flood deaths


def test_a_fate_nearby_overrides_only_a_movement() -> None:
    text = "He will make his fifth visit to the capital, years after his father died there."
    article = Article(id="fate-1", published_at=date(2025, 6, 2), text=text)

    def make(messages: list[Message], model: type[BaseModel]) -> dict[str, Any]:
        if model.__name__ != "QuantityLabels":
            return responder(messages, model)
        item = {"id": "N1", "what": "", "action": "make", "attributed_to": "", "relevant": True}
        return {"items": [item]}

    record = Pipeline(settings(), FakeLLM(make)).extract(article)
    assert [q.counted for q in record.quantities] == ["visit make"]


@pytest.mark.parametrize("with_llm", [False, True])
def test_a_figure_is_described_by_the_fate_its_own_words_give(with_llm: bool) -> None:
    text = (
        "A rockfall hit the Brenmoor quarry road on Monday. It left four dead and 19 "
        "injured, the regional office said."
    )
    article = Article(id="fate-2", published_at=date(2025, 6, 2), text=text)

    def dead(messages: list[Message], model: type[BaseModel]) -> dict[str, Any]:
        if model.__name__ != "QuantityLabels":
            return responder(messages, model)
        return {
            "items": [
                {"id": f"N{i}", "what": "", "action": "dead", "attributed_to": "", "relevant": True}
                for i in (1, 2)
            ]
        }

    llm = FakeLLM(dead) if with_llm else None
    record = Pipeline(settings(), llm).extract(article)
    by_value = {q.value: q for q in record.quantities}
    assert by_value[19].happening == "injured"
    assert "injured" in by_value[19].counted and "dead" not in by_value[19].counted
    assert "dead" in by_value[4].counted


def test_record_code_hash_covers_every_file_of_the_mine_package(tmp_path: Path) -> None:
    for part in pipeline_module.RECORD_CODE:
        source = pipeline_module.PROJECT_ROOT / part
        target = tmp_path / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    before = pipeline_module.record_code_hash(tmp_path)
    assert before == pipeline_module.RECORD_CODE_HASH
    quotes = tmp_path / "service" / "mine" / "quotes.py"
    quotes.write_text(quotes.read_text() + "\n# a changed miner\n")
    changed = pipeline_module.record_code_hash(tmp_path)
    assert changed != before
    (tmp_path / "service" / "mine" / "tables.py").write_text("WORDS = ()\n")  # a new module
    assert pipeline_module.record_code_hash(tmp_path) not in (before, changed)


def test_a_60000_character_article_is_sent_whole_and_fits_the_context() -> None:
    paragraph = TEXT + "\n\n"
    text = (paragraph * (MAX_ARTICLE_CHARS // len(paragraph) + 1))[:MAX_ARTICLE_CHARS].strip()
    article = Article(id="long", outlet="Valley Courier", published_at=date(2025, 3, 4), text=text)
    sizes: list[tuple[int, int]] = []

    class Measuring(FakeLLM):
        def complete(
            self, messages: list[Message], response_model: Any, *, max_tokens: int | None = None
        ) -> Any:
            assert text in messages[-1]["content"]  # the whole article, not a prefix
            sizes.append((sum(len(m["content"]) for m in messages), max_tokens or 0))
            return super().complete(messages, response_model, max_tokens=max_tokens)

    Pipeline(settings(), Measuring(responder)).extract(article)
    assert len(sizes) == 4
    for chars, answer in sizes:
        assert chars / CHARS_PER_TOKEN + answer <= context_needed() <= settings().n_ctx
