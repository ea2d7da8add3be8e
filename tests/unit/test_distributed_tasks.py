"""The worker's task code, run by an eager Celery app (no broker, no worker process) over
a SQLite store and pipeline doubles: retries, the failed state, duplicate messages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from schemas.api import ConsensusRequest
from schemas.article import Article
from schemas.record import EventRecord
from service.distributed.queue import EXTRACT, MERGE, RUN_JOB, celery_app, send
from service.distributed.tasks import Work, register_tasks
from service.errors import InputError, LLMUnavailableError
from service.llm import open_llm
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import Store
from tests.api.conftest import FakeFailingPipeline, dataset_articles
from tests.support.fault_server import FaultServer
from tests.support.fixtures import fault_settings


class FakeCountingFailingPipeline(FakeFailingPipeline):
    """Test double: every extraction raises `error`, and is counted."""

    def __init__(self, inner: Any, error: Exception) -> None:
        super().__init__(inner, error)
        self.tried: list[str] = []

    def extract(self, article: Article) -> EventRecord:
        self.tried.append(article.id)
        return super().extract(article)


@pytest.fixture
def settings() -> Settings:
    return Settings(
        _env_file=None,
        broker_url="memory://",
        task_retries=2,
        task_retry_backoff_s=0.01,
    )


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store("sqlite://")
    yield s
    s.close()


def eager_work(settings: Settings, store: Store, pipeline: Any) -> Work:
    app = celery_app(settings)
    app.conf.update(task_always_eager=True, task_eager_propagates=False)
    work = Work(app=app, store=store, pipeline=pipeline, settings=settings)
    register_tasks(app, work)
    return work


def cluster_job(store: Store, n: int = 2) -> tuple[str, list[Article]]:
    cluster = [Article.model_validate(a) for a in dataset_articles()[:n]]
    job, _ = store.create_job(
        kind="consensus",
        request_json=ConsensusRequest(articles=cluster).model_dump_json(),
        api_key_id="test",
    )
    return job.id, cluster


def test_upstream_failure_is_retried_then_the_job_fails_with_the_error(
    settings: Settings, store: Store
) -> None:
    down = LLMUnavailableError("model endpoint refused the connection", model="m")
    pipeline = FakeCountingFailingPipeline(Pipeline(settings, None), down)
    work = eager_work(settings, store, pipeline)
    job_id, cluster = cluster_job(store)
    send(work.app, RUN_JOB, job_id)
    final = store.get_job(job_id)
    assert final is not None and final.status == "failed"
    assert final.error is not None and final.error["status"] == 503
    assert "refused" in final.error["detail"]
    assert pipeline.tried.count(cluster[0].id) == 3  # the first try and two retries


def test_a_caller_error_fails_the_job_at_once(settings: Settings, store: Store) -> None:
    pipeline = FakeCountingFailingPipeline(Pipeline(settings, None), InputError("bad article"))
    work = eager_work(settings, store, pipeline)
    job_id, cluster = cluster_job(store)
    send(work.app, RUN_JOB, job_id)
    final = store.get_job(job_id)
    assert final is not None and final.status == "failed" and final.error is not None
    assert final.error["status"] == 422 and pipeline.tried.count(cluster[0].id) == 1


def test_duplicate_messages_change_nothing(settings: Settings, store: Store) -> None:
    work = eager_work(settings, store, Pipeline(settings, None))
    job_id, cluster = cluster_job(store, 3)
    send(work.app, RUN_JOB, job_id)
    done = store.get_job(job_id)
    assert done is not None and done.status == "succeeded" and done.attempts == 1
    kept = store.job_records(job_id)
    for index in range(len(cluster)):  # every task delivered once more, late
        send(work.app, EXTRACT, job_id, index)
    send(work.app, MERGE, job_id)
    send(work.app, RUN_JOB, job_id)
    again = store.get_job(job_id)
    assert again == done and store.job_records(job_id) == kept


def test_a_redelivered_extraction_keeps_the_first_record_and_sends_the_merge(
    settings: Settings, store: Store
) -> None:
    work = eager_work(settings, store, Pipeline(settings, None))
    job_id, cluster = cluster_job(store, 2)
    assert store.claim_job(job_id) is not None
    # The first delivery of extract(1) kept its record, then its worker died before the
    # merge was sent; extract(0) never ran. Its redelivery must still lead to the merge.
    first = work.record(cluster[1]).model_copy(update={"headline": "kept first"})
    store.put_job_record(job_id, work.pipeline.cache_key(cluster[1]).article_hash, first)
    send(work.app, EXTRACT, job_id, 1)
    assert store.get_job(job_id).status == "running"  # type: ignore[union-attr]
    send(work.app, EXTRACT, job_id, 0)
    final = store.get_job(job_id)
    assert final is not None and final.status == "succeeded"
    kept = store.job_records(job_id)
    assert kept[work.pipeline.cache_key(cluster[1]).article_hash].headline == "kept first"


def test_a_cancelled_job_is_left_alone(settings: Settings, store: Store) -> None:
    work = eager_work(settings, store, Pipeline(settings, None))
    job_id, _ = cluster_job(store)
    store.cancel_job(job_id)
    send(work.app, RUN_JOB, job_id)
    final = store.get_job(job_id)
    assert final is not None and final.status == "cancelled" and store.job_records(job_id) == {}


def test_a_final_job_is_delivered_to_its_callback_signed_with_retries(
    settings: Settings, store: Store
) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    from service.api.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_callback

    seen: list[tuple[bytes, str, str]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((body, self.headers[TIMESTAMP_HEADER], self.headers[SIGNATURE_HEADER]))
            self.send_response(500 if len(seen) == 1 else 204)  # the first try fails
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        hooked = settings.model_copy(
            update={"webhook_secret": SecretStr("s3cret"), "webhook_backoff_s": 0.01}
        )
        work = eager_work(hooked, store, Pipeline(hooked, None))
        job, _ = store.create_job(
            kind="record",
            request_json=Article.model_validate(dataset_articles()[0]).model_dump_json(),
            api_key_id="test",
            callback_url=f"http://127.0.0.1:{server.server_port}/hook",
        )
        send(work.app, RUN_JOB, job.id)
    finally:
        server.shutdown()
        server.server_close()
    final = store.get_job(job.id)
    assert final is not None and final.status == "succeeded"
    assert final.callback_state == "delivered" and final.callback_attempts == 2
    assert len(seen) == 2
    body, timestamp, signature = seen[-1]
    assert verify_callback("s3cret", timestamp, body, signature)
    assert json.loads(body)["event"] == "job.succeeded"


def test_a_model_that_never_answers_fails_the_job_after_the_task_retries(
    fault_server: FaultServer, store: Store
) -> None:
    """The real client against the stub answering 503 to everything: the extraction tasks
    are retried, then the job is `failed` with the 503 problem, keeping no record."""
    fault_server.inject("503", times=None)
    stubbed = fault_settings(
        fault_server, broker_url="memory://", retries=0, task_retries=1, task_retry_backoff_s=0.01
    )
    with open_llm(stubbed) as llm:
        work = eager_work(stubbed, store, Pipeline(stubbed, llm))
        job_id, _ = cluster_job(store, 2)
        send(work.app, RUN_JOB, job_id)
    final = store.get_job(job_id)
    assert final is not None and final.status == "failed" and final.error is not None
    assert final.error["status"] == 503 and "never answered" in final.error["detail"]
    assert store.job_records(job_id) == {}
