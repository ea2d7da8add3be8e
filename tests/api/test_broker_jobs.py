"""The API with a broker while no worker runs: it keeps answering, and jobs wait queued in
the real Redis, their state in the real PostgreSQL. A broker that does not answer fails the
job at once with a 503 problem, never a job that looks queued forever."""

from __future__ import annotations

import json
import time

import redis

from service.distributed.queue import celery_app
from service.settings import Settings
from tests.api.conftest import ClientMaker, article_payload, dataset_articles
from tests.support.procs import unique_queue


def test_jobs_wait_queued_while_no_worker_runs(
    make_client: ClientMaker, postgres_url: str, redis_url: str, redis_queue: str
) -> None:
    queue = redis_queue
    broker = Settings(_env_file=None, database_url=postgres_url, broker_url=redis_url, queue=queue)
    client = make_client(app_settings=broker)
    cluster = {"articles": dataset_articles()[:2]}
    job = client.post("/v1/consensus?mode=async", json=cluster)
    assert job.status_code == 202 and job.json()["status"] == "queued"
    record = client.post("/v1/records?mode=async", json=article_payload(1))
    assert record.status_code == 202
    assert client.get(f"/v1/jobs/{job.json()['id']}").json()["status"] == "queued"
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["queued_jobs"] == 2
    messages = redis.Redis.from_url(redis_url)
    try:
        assert messages.llen(queue) == 2  # one message per job, waiting for a worker
    finally:
        messages.delete(queue)
        messages.close()


def test_an_unreachable_broker_fails_the_job_with_503(
    make_client: ClientMaker, postgres_url: str
) -> None:
    down = Settings(_env_file=None, database_url=postgres_url, broker_url="redis://127.0.0.1:1/0")
    client = make_client(app_settings=down)
    answer = client.post("/v1/records?mode=async", json=article_payload(1))
    job = client.get(f"/v1/jobs/{answer.json()['id']}").json()
    assert job["status"] == "failed"
    assert job["error"]["status"] == 503 and "broker" in job["error"]["detail"]


def test_rabbitmq_works_as_the_broker_too(
    make_client: ClientMaker, postgres_url: str, rabbitmq_url: str
) -> None:
    queue = unique_queue()
    amqp = Settings(_env_file=None, database_url=postgres_url, broker_url=rabbitmq_url, queue=queue)
    client = make_client(app_settings=amqp)
    answer = client.post("/v1/records?mode=async", json=article_payload(1))
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    broker = celery_app(amqp)
    with broker.connection_for_read() as conn:
        channel = conn.default_channel
        try:
            message = None
            for _ in range(50):  # published before the 202: give the broker a moment
                message = channel.basic_get(queue, no_ack=True)
                if message is not None:
                    break
                time.sleep(0.1)
            assert message is not None, "no message in the RabbitMQ queue"
            assert message.headers["task"] == "corroborate.run_job"
            assert json.loads(message.body)[0] == [answer.json()["id"]]
        finally:
            channel.queue_delete(queue)
    broker.close()
