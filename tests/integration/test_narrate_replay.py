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
    # The small model cites an outlet its facts do not list in one sentence, states a
    # figure of a fact it does not cite in another, and in the rest states one side of a
    # disagreement or a revision as if settled ('met Xi and Putin on September 2' where
    # outlets give 2 and 3 September): no sentence passes, so the marked template stands
    # in, each sentence citing exactly its fact's outlets, in the selected facts' order.
    assert told.mode == "template" and told.detail is not None
    assert "0 of 6 sentences passed" in told.detail
    assert "but the facts are reported by" in told.detail
    assert "states one side of the conflicting fact" in told.detail
    facts = select_facts(consensus)
    assert [s.fact_ids[0] for s in told.sentences] == [f.id for f in facts][: len(told.sentences)]
    by_id = {f.id: f for f in facts}
    for sentence in told.sentences:
        assert sentence.written_by == "template"
        assert sentence.cited_outlets == by_id[sentence.fact_ids[0]].outlets
