"""Narratives are cached by what the narrator is shown, the prompt, the model and the code."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from app.batch import load_clusters, run_batch
from prompts import load
from service.narrate import NarrationResult, narration_key
from service.pipeline import NARRATE_CODE_HASH, Pipeline
from service.settings import Settings
from service.store import Store
from tests.fakes import FakeLLM
from tests.unit.test_narrate_render import CONSENSUS, fact, value
from tests.unit.test_structure_pipeline import responder

ROOT = Path(__file__).resolve().parents[2]
PROMPT = load("narrate")


def _clusters(tmp_path: Path) -> Path:
    root = tmp_path / "clusters"
    for name in ("kim-beijing-2025", "river-flood"):
        shutil.copytree(ROOT / "evals" / "datasets" / "dev" / name / "articles", root / name)
    return root


def test_a_warm_batch_into_a_new_folder_makes_no_llm_call(tmp_path: Path) -> None:
    settings = Settings(_env_file=None)
    store = Store(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    clusters = load_clusters(_clusters(tmp_path))
    first = run_batch(Pipeline(settings, FakeLLM(responder), store=store), clusters, tmp_path / "a")
    assert first.llm_calls > 0 and first.narrative_cache_hits == 0
    fake = FakeLLM(responder)
    warm = run_batch(Pipeline(settings, fake, store=store), clusters, tmp_path / "b")
    assert fake.calls == [] and warm.llm_calls == 0
    assert warm.narrative_cache_hits == len(clusters) and warm.skipped == 0
    for cluster in clusters:
        assert (tmp_path / "a" / f"{cluster.key}.md").read_text() == (
            tmp_path / "b" / f"{cluster.key}.md"
        ).read_text()
    other_model = FakeLLM(responder, model_id="fake/other")
    run_batch(Pipeline(settings, other_model, store=store), clusters, tmp_path / "c")
    assert any(model.__name__ == "NarrativeDraft" for _, model in other_model.calls)


def test_the_key_changes_with_the_facts_the_model_the_prompt_and_the_code() -> None:
    key = narration_key(CONSENSUS, PROMPT, "fake/a", NARRATE_CODE_HASH)
    assert key == narration_key(
        CONSENSUS.model_copy(deep=True), PROMPT, "fake/a", NARRATE_CODE_HASH
    )
    revised = CONSENSUS.model_copy(deep=True)
    revised.facts[0] = fact(
        "f-agree", "agreed", "ferries cancelled: 41", [value("41", 41, "exact", "Ledger", "Wire")]
    )
    others = {
        narration_key(revised, PROMPT, "fake/a", NARRATE_CODE_HASH),
        narration_key(CONSENSUS, PROMPT, "fake/b", NARRATE_CODE_HASH),
        narration_key(CONSENSUS, PROMPT, "fake/a", "0" * 64),
    }
    assert key not in others and len(others) == 3
    system = PROMPT.parts["system"] + " Be brief."  # a changed prompt: a new text and hash
    prompt = replace(PROMPT, parts={**PROMPT.parts, "system": system}, sha256="f" * 64)
    assert narration_key(CONSENSUS, prompt, "fake/a", NARRATE_CODE_HASH) != key


def test_a_failed_llm_call_is_not_cached(tmp_path: Path) -> None:
    from service.errors import LLMUnavailableError

    settings = Settings(_env_file=None)
    store = Store(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    down = FakeLLM(lambda m, model: LLMUnavailableError("down", model="fake/echo"))
    told = Pipeline(settings, down, store=store)._narrate(CONSENSUS, store)
    assert told.mode == "template" and not told.answered
    key = narration_key(CONSENSUS, PROMPT, "fake/echo", NARRATE_CODE_HASH)
    assert store.get_cached_narrative(key) is None
    told = Pipeline(settings, FakeLLM(responder), store=store)._narrate(CONSENSUS, store)
    assert told.answered and store.get_cached_narrative(key) == told.to_json()
    assert NarrationResult.from_json(told.to_json()).sentences == told.sentences


def test_batch_begins_the_longest_clusters_first(tmp_path: Path) -> None:
    # With one cluster at a time, clusters finish in the order they were begun: the longest
    # (most text) first, so the last ones begun are short and the run ends on a short tail.
    clusters = sorted(load_clusters(_clusters(tmp_path)), key=lambda c: len(c.articles))
    finished: list[str] = []
    pipe = Pipeline(Settings(_env_file=None), FakeLLM(responder))
    run_batch(
        pipe, clusters, tmp_path / "out", concurrency=1, progress=lambda k, _: finished.append(k)
    )
    size = {c.key: sum(len(a.text) for a in c.articles) for c in clusters}
    assert len(set(size.values())) == len(size)  # the order is not a tie
    assert finished == sorted(size, key=lambda k: -size[k])
    assert finished != [c.key for c in clusters]  # not merely the input order
