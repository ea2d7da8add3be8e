"""Prompt v2 on the sample cluster, replayed from its exchanges recorded off the embedded
llama.cpp server (`corroborate eval --mode live --record --prompt-version v2`): at most two
calls an article, every one answered, the same mined figures as v1. Replay only."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.replay import DEFAULT_CASSETTES, REPLAY_BASE_URL, cassette, cassette_path
from schemas.record import EventRecord
from service.inputs import expand_paths, read_article
from service.llm import OpenAICompatibleLLM
from service.pipeline import Pipeline
from service.settings import DEFAULT_MODEL, Settings

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = "kim-beijing-2025"
ARTICLES = [read_article(p) for p in expand_paths([ROOT / "evals" / "datasets" / "dev" / CLUSTER])]


@pytest.fixture(scope="module")
def records() -> dict[str, EventRecord]:
    settings = Settings(_env_file=None, base_url=REPLAY_BASE_URL, retries=0)
    pipe = Pipeline(settings, OpenAICompatibleLLM(settings), prompt_version="v2")
    out = {}
    for article in ARTICLES:
        path = cassette_path(DEFAULT_CASSETTES, CLUSTER, article.id, pipe.prompt_hash)
        assert path.is_file(), f"no cassette {path.relative_to(ROOT)}"
        with cassette(path, record=False):
            out[article.id] = pipe.extract(article)
    return out


def test_v2_records_take_two_answered_calls_at_most(records: dict[str, EventRecord]) -> None:
    for record in records.values():
        prov = record.provenance
        assert prov is not None and prov.model == DEFAULT_MODEL and prov.prompt_version == "v2"
        assert 1 <= prov.llm_calls <= 2 and not record.degraded
        assert set(prov.facets) <= {"core", "labels"} and prov.facets["core"].state == "llm"
        assert record.headline and record.where is not None


def test_v2_keeps_the_mined_figures_and_hedges(records: dict[str, EventRecord]) -> None:
    gulf = {(q.value, q.hedge) for q in records["kim-gulf-wire"].quantities}
    assert {(2000.0, "about"), (600.0, "at_least"), (10000.0, "more_than")} <= gulf
