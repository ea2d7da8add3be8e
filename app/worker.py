"""`corroborate worker`: one Celery worker process over the broker in the settings.

The worker builds one pipeline (the configured model: an OpenAI-compatible endpoint, or the
embedded server it starts itself) and one store connection pool, binds the tasks of
`service.distributed.tasks` to them and consumes the queue. It runs its tasks on
`settings.worker_concurrency` threads, so it never has more LLM calls in flight than that,
however many workers share the endpoint.
"""

from __future__ import annotations

import os
import socket
from contextlib import ExitStack

from service.api.deps import pipeline_factory
from service.distributed.queue import celery_app
from service.distributed.tasks import Work, register_tasks
from service.errors import ConfigError
from service.nlp.parse import parser
from service.settings import Settings
from service.store import Store


def run_worker(
    settings: Settings,
    *,
    concurrency: int | None = None,
    name: str | None = None,
    loglevel: str = "INFO",
) -> None:
    """Consume the queue until stopped (SIGTERM: finish running tasks, then exit)."""
    if not settings.broker_url:
        raise ConfigError("corroborate worker needs CORROBORATE_BROKER_URL (redis:// or amqp://)")
    threads = concurrency or settings.worker_concurrency
    node = name or f"corroborate-{os.getpid()}@{socket.gethostname()}"
    with ExitStack() as stack:
        store = Store(settings.database_url)
        stack.callback(store.close)
        pipeline = stack.enter_context(pipeline_factory(use_llm=True)(settings))
        parser()  # load the dependency parser now, not inside the first task
        app = celery_app(settings)
        register_tasks(app, Work(app=app, store=store, pipeline=pipeline, settings=settings))
        app.worker_main(
            [
                "worker",
                "--pool=threads",
                f"--concurrency={threads}",
                f"--queues={settings.queue}",
                f"--hostname={node}",
                f"--loglevel={loglevel}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        )
