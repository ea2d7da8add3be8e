"""The Celery app both sides share: broker, queue, delivery guarantees, task names."""

from __future__ import annotations

from celery import Celery

from service.settings import Settings

RUN_JOB = "corroborate.run_job"
EXTRACT = "corroborate.extract"
MERGE = "corroborate.merge"
WEBHOOK = "corroborate.webhook"


def celery_app(settings: Settings) -> Celery:
    """A Celery app over `settings.broker_url` (which must be set).

    Tasks are acknowledged after they finish (`acks_late`) and given back when their worker
    is lost, so a killed worker's task is delivered again; each worker takes one message
    at a time beyond those it is running (prefetch 1), so a long cluster spreads over
    workers. There is no result backend: results and states live in the store.
    """
    if not settings.broker_url:
        raise ValueError("celery_app needs settings.broker_url")
    app = Celery("corroborate", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        result_backend=None,
        task_default_queue=settings.queue,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout_s,
            # Redis: look for a dead worker's messages a few times per visibility timeout.
            "unacked_restore_interval": max(1.0, min(60.0, settings.visibility_timeout_s / 4)),
            "unacked_restore_throttle": 1,
        },
        # The API must answer even when the broker does not: give up publishing quickly.
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0.2,
            "interval_step": 0.5,
            "interval_max": 1.0,
        },
        worker_send_task_events=False,
    )
    return app


def send(app: Celery, task: str, *args: object) -> None:
    """Publish one task message (raises kombu's OperationalError if the broker is down).

    By name from the API, which has no task bodies; through the task itself where it is
    registered (a worker), so an eager app (tests) runs it in place.
    """
    if task in app.tasks:
        app.tasks[task].apply_async(args=list(args))
    else:
        app.send_task(task, args=list(args))
