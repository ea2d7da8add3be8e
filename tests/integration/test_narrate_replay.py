"""A real model's narrative, replayed on a fixed consensus (see `tests.support.narrative`).

The request body is built from the stored consensus alone, so no merge change can make this
cassette stale; only a change of the narrate prompt, its schema or `service.narrate` can.
"""

from __future__ import annotations

from evals.replay import REPLAY_BASE_URL, cassette
from service.llm import OpenAICompatibleLLM
from service.narrate import confident, narrate, select_facts
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
    # The small model cites an outlet its facts do not list in one sentence, and states a
    # figure of a fact it does not cite in another: both are dropped (the detail says
    # why). Of the rest, what is shown cites only its facts' outlets, and each confident
    # disagreement or revision is told: by the model's sentence where it gives two of the
    # values, else by its template sentence, in the order of the selected facts.
    assert told.mode == "llm"
    assert told.detail is not None and "but the facts are reported by" in told.detail
    assert "states figures the facts do not give" in told.detail
    facts = select_facts(consensus)
    by_id = {f.id: f for f in facts}
    for sentence in told.sentences:
        allowed = {o for fid in sentence.fact_ids for o in by_id[fid].outlets}
        assert set(sentence.cited_outlets) <= allowed
    by_model = [s for s in told.sentences if s.written_by == "llm"]
    assert by_model and len(told.sentences) <= 6
    leads = [f for f in facts if f.status in ("conflicting", "revised") and confident(f)]
    templates = {s.fact_ids[0] for s in told.sentences if s.written_by == "template"}
    for lead in leads:
        assert lead.id in templates or any(lead.id in s.fact_ids for s in by_model)
    order = [min(list(by_id).index(fid) for fid in s.fact_ids) for s in told.sentences]
    assert order == sorted(order)
