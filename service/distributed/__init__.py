"""Past one machine: jobs as Celery tasks on `corroborate worker` processes.

With `CORROBORATE_BROKER_URL` set, the API and `batch` store each job in the database
(`service.store`, PostgreSQL when several machines share it) and send one message to the
broker; workers anywhere do the work. Without it nothing here is used: the API runs jobs
in-process (`service.api.jobs.JobRunner`) and `batch` in threads.

A job's tasks (`tasks.py`)::

    run_job(job) ─┬─ extract(job, 0) ─┐
                  ├─ extract(job, 1) ─┼─► merge(job)      (a consensus job)
                  └─ extract(job, n) ─┘
    run_job(job) ── the record                            (a record job)

Each `extract` keeps its record in `job_records` under (job id, article hash), first write
wins, then counts the job's records; the one that sees them all sends `merge`. This is
the join a Celery chord would do, kept in the database: a chord counts its parts in the
result backend, where a part delivered twice could be counted twice. Here a redelivered
task (its worker was killed, `acks_late`) finds its record kept and only repeats the
count, and `merge` writes the result with a conditional UPDATE (running → succeeded), so a
job completes exactly once whatever was delivered twice.

`queue.py` configures the Celery app (acks late, reject on worker loss, prefetch 1, no
result backend: results live in the store). `executor.py` is the API side, `worker.py`
the worker's process.
"""
