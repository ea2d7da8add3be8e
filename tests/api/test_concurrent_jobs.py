"""The job runner runs as many jobs at once as the process's LLM limiter allows."""

from __future__ import annotations

from pathlib import Path

from service.settings import Settings
from tests.api.conftest import (
    ClientMaker,
    FakeBlockingPipeline,
    article_payload,
    dataset_articles,
    make_pipeline,
    released,
    wait_for_job,
)
from tests.fakes import FakeLLM
from tests.unit.test_structure_pipeline import responder


def _settings(tmp_path: Path, concurrency: int) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        llm_concurrency=concurrency,
    )


def _statuses(client: object, ids: list[str]) -> list[str]:
    return [client.get(f"/v1/jobs/{i}").json()["status"] for i in ids]  # type: ignore[attr-defined]


def test_jobs_run_up_to_the_llm_concurrency_at_once(
    make_client: ClientMaker, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, 2)
    with released(FakeBlockingPipeline(make_pipeline(settings))) as pipeline:
        client = make_client(pipeline=pipeline, app_settings=settings, rate_limit_per_minute=0)
        ids = [
            client.post("/v1/records?mode=async", json=article_payload(n)).json()["id"]
            for n in range(3)
        ]
        for job_id in ids[:2]:  # two run at once; both are held by the pipeline
            wait_for_job(client, job_id, ("running",))
        assert _statuses(client, ids) == ["running", "running", "queued"]
        pipeline.release()
        assert all(wait_for_job(client, i)["status"] == "succeeded" for i in ids)


def test_embedded_server_default_runs_one_job_at_a_time(
    make_client: ClientMaker, settings: Settings
) -> None:
    with released(FakeBlockingPipeline(make_pipeline(settings))) as pipeline:
        client = make_client(pipeline=pipeline)  # local/... model: one slot
        ids = [
            client.post("/v1/records?mode=async", json=article_payload(n)).json()["id"]
            for n in range(2)
        ]
        wait_for_job(client, ids[0], ("running",))
        assert _statuses(client, ids) == ["running", "queued"]


def test_a_consensus_job_is_the_same_at_any_concurrency(
    make_client: ClientMaker, tmp_path: Path
) -> None:
    results = []
    for concurrency in (1, 8):
        settings = _settings(tmp_path / str(concurrency), concurrency)
        (tmp_path / str(concurrency)).mkdir()
        client = make_client(llm=FakeLLM(responder), app_settings=settings, rate_limit_per_minute=0)
        answer = client.post("/v1/consensus", json={"articles": dataset_articles()})
        assert answer.status_code == 200, answer.text
        consensus = answer.json()
        consensus["provenance"].pop("created_at", None)
        results.append(consensus)
    assert results[0] == results[1]


def test_a_consensus_told_once_is_not_told_again(make_client: ClientMaker, tmp_path: Path) -> None:
    # The second request for the same cluster finds its records and its narrative in the
    # store: no LLM call at all, and the same consensus.
    llm = FakeLLM(responder)
    client = make_client(llm=llm, app_settings=_settings(tmp_path, 1), rate_limit_per_minute=0)
    first = client.post("/v1/consensus", json={"articles": dataset_articles()})
    assert first.status_code == 200, first.text
    told = [model.__name__ for _, model in llm.calls]
    assert any("arrat" in name for name in told), told  # the narrator was asked once
    calls = len(llm.calls)
    second = client.post("/v1/consensus", json={"articles": dataset_articles()})
    assert second.status_code == 200, second.text
    assert len(llm.calls) == calls
    assert second.json()["narrative"] == first.json()["narrative"]
    assert second.json()["narrative_mode"] == first.json()["narrative_mode"]
