"""The embedded model on the sample cluster, replayed from cassettes recorded off a real
llama.cpp server (`make record`). Nothing here talks to a model: replay only.

The cassettes are the eval harness's (`tests/integration/cassettes/eval/<dataset>/...`,
prompt hash in the name), so the tests and `make eval` judge the same exchanges. The
narrative is not replayed here: its request holds merge output (see test_narrate_replay.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.replay import (
    DEFAULT_CASSETTES,
    REPLAY_BASE_URL,
    cassette,
    cassette_path,
)
from schemas.article import Article
from schemas.consensus import Consensus, Fact
from schemas.record import EventRecord
from service.errors import ReplayMissError
from service.inputs import expand_paths, read_article
from service.llm import OpenAICompatibleLLM
from service.pipeline import Pipeline
from service.settings import DEFAULT_MODEL, Settings

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = "kim-beijing-2025"
ARTICLES = [read_article(p) for p in expand_paths([ROOT / "evals" / "datasets" / "dev" / CLUSTER])]
BY_ID = {a.id: a for a in ARTICLES}


def replay_pipeline() -> Pipeline:
    settings = Settings(_env_file=None, base_url=REPLAY_BASE_URL, retries=0)
    return Pipeline(settings, OpenAICompatibleLLM(settings))


@pytest.fixture(scope="module")
def records() -> Iterator[dict[str, EventRecord]]:
    pipe = replay_pipeline()
    out = {}
    for article in ARTICLES:
        path = cassette_path(DEFAULT_CASSETTES, CLUSTER, article.id, pipe.prompt_hash)
        if not path.is_file():
            pytest.fail(f"no cassette {path.relative_to(ROOT)}: run `make record`")
        with cassette(path, record=False):
            out[article.id] = pipe.extract(article)
    yield out


@pytest.fixture(scope="module")
def consensus(records: dict[str, EventRecord]) -> Consensus:
    # The facts only: a pipeline without a model narrates from the template, so this test
    # never replays the narrative cassette, whose request holds merge output (the recorded
    # narrative is replayed on a fixed consensus in test_narrate_replay.py).
    pipe = Pipeline(Settings(_env_file=None), None)
    return pipe.summarise(ARTICLES, [records[a.id] for a in ARTICLES])


def test_records_come_from_the_embedded_model_with_provenance(
    records: dict[str, EventRecord],
) -> None:
    for record in records.values():
        prov = record.provenance
        assert prov is not None and prov.model == DEFAULT_MODEL
        assert prov.prompt_version == "v1" and len(prov.prompt_hash) == 64
        assert prov.prompt_tokens > 0
        # every facet went to the model, but a facet with no mined candidates needs no call
        asked = [f for f, report in prov.facets.items() if report.state == "llm"]
        assert prov.llm_calls == len(asked) >= 3
        assert all(
            report.state == "llm" or (report.state == "skipped" and report.detail is not None)
            for report in prov.facets.values()
        ), prov.facets


def test_every_grounded_span_indexes_the_article(records: dict[str, EventRecord]) -> None:
    for article_id, record in records.items():
        text = BY_ID[article_id].text
        for item in record.items():
            for span in item.evidence:
                assert text[span.start : span.end] == span.text
        for quote in record.quotes:  # a quote is grounded only when verbatim in the text
            if quote.grounded:
                assert quote.evidence[0].text.strip("\u201c\u201d\"' ,.") in text


def _figures(record: EventRecord) -> set[tuple[float | None, str]]:
    return {(q.value, q.hedge) for q in record.quantities}


def test_troop_and_casualty_figures_with_their_hedges(records: dict[str, EventRecord]) -> None:
    gulf, seoul = records["kim-gulf-wire"], records["kim-seoul-desk"]
    assert {(2000.0, "about"), (600.0, "at_least"), (10000.0, "more_than")} <= _figures(gulf)
    assert {(15000.0, "about"), (2000.0, "about")} <= _figures(seoul)
    assert (2000.0, "at_least") in _figures(records["kim-anatolia-report"])
    april = next(q for q in gulf.quantities if q.value == 600)
    assert april.as_of == "2025-04"


def test_main_people_are_found(records: dict[str, EventRecord]) -> None:
    names = {a.canonical_name for r in records.values() for a in r.actors}
    for person in ("Kim Jong Un", "Xi Jinping", "Vladimir Putin", "Choe Son Hui"):
        assert any(person in name for name in names), (person, names)


def _quantity_fact(consensus: Consensus, status: str, value: float) -> Fact:
    facts = [
        f for f in consensus.facts
        if f.kind == "quantity" and f.status == status and any(v.value == value for v in f.values)
    ]  # fmt: skip
    assert facts, f"no {status} quantity fact with {value}"
    return facts[0]


def test_consensus_shows_the_troop_conflict_and_the_compatible_toll(
    consensus: Consensus,
) -> None:
    conflict = _quantity_fact(consensus, "conflicting", 15000.0)
    said: dict[float | None, set[str]] = {}
    for value in conflict.values:
        said.setdefault(value.value, set()).update(value.outlets)
    assert said[15000.0] == {"Seoul Desk"}
    # Gulf Wire's 'more than 10,000' is dated 2024: a figure of another time, a fact of
    # its own, not one side of today's disagreement.
    assert "Daily Aggregator" in said[10000.0]
    toll = _quantity_fact(consensus, "compatible", 2000.0)
    assert len(toll.outlets) >= 3
    revised = _quantity_fact(consensus, "revised", 600.0)
    assert revised.values[0].value == 600.0


def test_a_changed_prompt_fails_replay_loudly() -> None:
    pipe = replay_pipeline()
    article: Article = ARTICLES[0]
    path = cassette_path(DEFAULT_CASSETTES, CLUSTER, article.id, pipe.prompt_hash)
    pipe.prompt.parts["system"] += "\nBe terse."  # what an edited prompt file would send
    with pytest.raises(ReplayMissError), cassette(path, record=False):
        pipe.extract(article)
