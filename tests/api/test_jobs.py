"""Jobs: async submit → poll → result, cancel, idempotency, sync timeout, restart recovery."""

from __future__ import annotations

from fastapi.testclient import TestClient

from schemas.article import Article
from service.settings import Settings
from service.store import Store
from tests.api.conftest import (
    ClientMaker,
    FakeBlockingPipeline,
    FakeFailingPipeline,
    article_payload,
    assert_problem,
    make_pipeline,
    released,
    wait_for_job,
)


def test_async_record_job_lifecycle(make_client: ClientMaker) -> None:
    client = make_client()
    answer = client.post("/v1/records?mode=async", json=article_payload())
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert answer.headers["location"] == f"/v1/jobs/{job['id']}" == job["links"]["self"]
    assert job["kind"] == "record" and job["status"] in {"queued", "running", "succeeded"}
    done = wait_for_job(client, job["id"])
    assert done["status"] == "succeeded" and done["attempts"] == 1
    result = client.get(done["links"]["result"])
    assert result.status_code == 200 and result.json()["article_id"] == "a0"


def test_result_of_a_running_job_is_409(make_client: ClientMaker, settings: Settings) -> None:
    with released(FakeBlockingPipeline(make_pipeline(settings))) as pipeline:
        client = make_client(pipeline=pipeline)
        job = client.post("/v1/records?mode=async", json=article_payload()).json()
        assert pipeline.started.wait(10)
        body = assert_problem(client.get(f"/v1/jobs/{job['id']}/result"), 409)
        assert body["type"].endswith("/job-not-finished") and body["job_status"] == "running"


def test_cancel_a_queued_job(make_client: ClientMaker, settings: Settings) -> None:
    with released(FakeBlockingPipeline(make_pipeline(settings))) as pipeline:
        client = make_client(pipeline=pipeline)
        first = client.post("/v1/records?mode=async", json=article_payload(1)).json()
        assert pipeline.started.wait(10)  # the worker is busy with `first`
        queued = client.post("/v1/records?mode=async", json=article_payload(2)).json()
        assert queued["status"] == "queued"
        cancelled = client.delete(f"/v1/jobs/{queued['id']}")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert client.delete(f"/v1/jobs/{queued['id']}").status_code == 200  # idempotent
        pipeline.release()
        assert wait_for_job(client, first["id"])["status"] == "succeeded"
        assert wait_for_job(client, queued["id"])["attempts"] == 0  # never started
        body = assert_problem(client.get(f"/v1/jobs/{queued['id']}/result"), 409)
        assert body["type"].endswith("/job-cancelled")


def test_cancel_a_running_job_discards_its_result(
    make_client: ClientMaker, settings: Settings
) -> None:
    with released(FakeBlockingPipeline(make_pipeline(settings))) as pipeline:
        client = make_client(pipeline=pipeline)
        job = client.post("/v1/records?mode=async", json=article_payload()).json()
        assert pipeline.started.wait(10)
        assert client.delete(f"/v1/jobs/{job['id']}").json()["status"] == "cancelled"
        pipeline.release()
        # the next job runs after the cancelled one's call returned
        after = client.post("/v1/records", json=article_payload(5))
        assert after.status_code == 200
        assert client.get(f"/v1/jobs/{job['id']}").json()["status"] == "cancelled"


def test_cancel_a_finished_job_is_409(make_client: ClientMaker) -> None:
    client = make_client()
    done = client.post("/v1/records", json=article_payload())
    job_id = done.headers["location"].rsplit("/", 1)[1]
    body = assert_problem(client.delete(f"/v1/jobs/{job_id}"), 409)
    assert body["type"].endswith("/job-finished")


def test_sync_request_past_the_timeout_answers_202_with_the_job(
    make_client: ClientMaker, settings: Settings
) -> None:
    with released(FakeBlockingPipeline(make_pipeline(settings))) as pipeline:
        client = make_client(pipeline=pipeline, sync_timeout_s=0.2)
        answer = client.post("/v1/records", json=article_payload())
        assert answer.status_code == 202
        job_id = answer.json()["id"]
        assert answer.headers["location"] == f"/v1/jobs/{job_id}"
        pipeline.release()
        assert wait_for_job(client, job_id)["status"] == "succeeded"


def test_failed_job_keeps_its_problem(make_client: ClientMaker, settings: Settings) -> None:
    pipeline = FakeFailingPipeline(make_pipeline(settings), RuntimeError("secret detail"))
    client = make_client(pipeline=pipeline)
    sync = client.post("/v1/records", json=article_payload())
    body = assert_problem(sync, 500, type_suffix="/internal")
    assert "secret" not in sync.text  # a bug's message is logged, not sent
    job = client.post("/v1/records?mode=async", json=article_payload(1)).json()
    failed = wait_for_job(client, job["id"])
    assert failed["status"] == "failed" and failed["error"]["status"] == 500
    result = assert_problem(client.get(f"/v1/jobs/{job['id']}/result"), 409)
    assert result["type"].endswith("/job-failed") and result["job_error"]["status"] == 500
    assert body["instance"].startswith("/v1/jobs/")


def test_idempotency_key_replays_the_same_answer(make_client: ClientMaker) -> None:
    client = make_client()
    headers = {"Idempotency-Key": "req-1"}
    first = client.post("/v1/records", json=article_payload(), headers=headers)
    again = client.post("/v1/records", json=article_payload(), headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert first.headers["location"] == again.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"


def test_idempotency_key_async_gives_the_same_job(make_client: ClientMaker) -> None:
    client = make_client()
    headers = {"Idempotency-Key": "req-2"}
    first = client.post("/v1/records?mode=async", json=article_payload(), headers=headers)
    again = client.post("/v1/records?mode=async", json=article_payload(), headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]


def test_idempotency_key_with_another_body_is_409(make_client: ClientMaker) -> None:
    client = make_client()
    headers = {"Idempotency-Key": "req-3"}
    assert client.post("/v1/records", json=article_payload(1), headers=headers).is_success
    answer = client.post("/v1/records", json=article_payload(2), headers=headers)
    assert_problem(answer, 409, type_suffix="/idempotency-key-reused")
    # the same key on another endpoint is another request too
    cluster = {"articles": [article_payload(1), article_payload(2)]}
    assert_problem(client.post("/v1/consensus", json=cluster, headers=headers), 409)


def test_restart_completes_jobs_left_queued_or_running(
    make_client: ClientMaker, settings: Settings
) -> None:
    store = Store(settings.database_url)
    request = Article.model_validate(article_payload()).model_dump_json()
    queued, _ = store.create_job(kind="record", request_json=request, api_key_id="anonymous")
    running, _ = store.create_job(kind="record", request_json=request, api_key_id="anonymous")
    assert store.start_job(running.id) is not None  # its process died mid-run
    store.close()
    client = make_client()
    assert wait_for_job(client, queued.id)["status"] == "succeeded"
    assert wait_for_job(client, running.id)["attempts"] == 2


def test_a_new_app_over_the_same_database_finishes_the_old_ones_job(
    settings: Settings,
) -> None:
    from contextlib import nullcontext

    from service.api.app import create_app
    from service.api.config import ApiConfig
    from service.api.jobs import ServicePipeline

    def app_over(pipeline: ServicePipeline) -> TestClient:
        factory = lambda _s: nullcontext(pipeline)  # noqa: E731
        return TestClient(create_app(settings, pipeline_factory=factory, config=ApiConfig()))

    with released(FakeBlockingPipeline(make_pipeline(settings))) as blocked:
        with app_over(blocked) as first:
            job = first.post("/v1/records?mode=async", json=article_payload()).json()
            assert blocked.started.wait(10)
        # the first app stopped with the job running; a fresh one picks it up
        with app_over(make_pipeline(settings)) as second:
            done = wait_for_job(second, job["id"])
            assert done["status"] == "succeeded" and done["attempts"] == 2
