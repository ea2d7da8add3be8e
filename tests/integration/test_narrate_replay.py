"""A real model's narrative, replayed on a fixed consensus (see `tests.support.narrative`).

The request body is built from the stored consensus alone, so no merge change can make this
cassette stale; only a change of the narrate prompt, its schema or `service.narrate` can.
"""

from __future__ import annotations

from evals.replay import REPLAY_BASE_URL, cassette
from service.llm import OpenAICompatibleLLM
from service.narrate import narrate, select_facts
from service.settings import Settings
from tests.support.narrative import cassette_file, fixed_consensus, narrate_prompt


def test_the_recorded_narrative_is_checked_against_the_fixed_facts() -> None:
    settings = Settings(_env_file=None, base_url=REPLAY_BASE_URL, retries=0)
    prompt = narrate_prompt()
    consensus = fixed_consensus()
    path = cassette_file(prompt)
    assert path.is_file(), f"no cassette {path.name}: run `make record`"
    with cassette(path, record=False):
        told = narrate(consensus, OpenAICompatibleLLM(settings), prompt)
    assert (
        told.llm_calls == 1 and told.usage and told.usage.completion_tokens > 0
    )  # the model was asked
    # The small model cites an outlet its facts do not list (its figures and dates are
    # all ones the facts hold): the check catches it and the marked template is used,
    # each sentence citing exactly its fact's outlets.
    assert told.mode == "template"
    assert told.detail is not None and "but the facts are reported by" in told.detail
    facts = {f.id: f for f in select_facts(consensus)}
    assert [s.fact_ids[0] for s in told.sentences] == list(facts)[: len(told.sentences)]
    for sentence in told.sentences:
        assert sentence.cited_outlets == facts[sentence.fact_ids[0]].outlets
