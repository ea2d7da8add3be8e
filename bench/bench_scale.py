"""Jobs per second with 1, 2 and 4 Celery worker processes against the stub LLM.

Real processes over this machine's Redis (the broker) and PostgreSQL (a schema of its own,
dropped at the end): `corroborate worker` (1 task at a time each) and the latency stub LLM
(`tests/support/fault_server.py`, every call answered after `--latency` seconds, no slot
limit: an endpoint that serves every worker at once, as vLLM or OpenAI would). Each round
submits `--jobs` record jobs (one article each; the articles of the sample cluster under
fresh ids and closing lines, so nothing comes from a cache) and times them until the last is final.

Prints, per worker count: jobs/s, the speedup over 1 worker and its share of linear
scaling. Then the broker and database overhead per article: over `--probes` jobs sent one
at a time to an idle worker, the job's time in the store (created → final) minus the
extraction's own time (the record's provenance.seconds).

    python bench/bench_scale.py [--latency 4.0] [--jobs 8] [--workers 1,2,4] [--probes 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The repository root goes on the path first, so the script runs without an install.
import sqlalchemy as sa

from schemas.article import Article
from schemas.record import EventRecord
from service.distributed.queue import RUN_JOB, celery_app, send
from service.inputs import expand_paths, read_article
from service.settings import Settings
from service.store import Job, Store
from tests.support.fault_server import FaultServer
from tests.support.procs import ROOT, Proc, service_env, start_workers, unique_queue
from tests.support.services import POSTGRES_URL, REDIS_URL, forget_queue, postgres_schema_url

SAMPLE = ROOT / "evals" / "datasets" / "dev" / "kim-beijing-2025" / "articles"


def fresh_articles(n: int) -> list[Article]:
    """n articles from the sample cluster, each under an id and with a closing line never
    used before: no record comes from the record cache, no parse from a worker's parse
    cache, so every round does the same work per job."""
    base = [read_article(p) for p in expand_paths([SAMPLE])]
    tag = uuid.uuid4().hex[:8]
    fresh = []
    for i in range(n):
        article = base[i % len(base)]
        fresh.append(
            article.model_copy(
                update={"id": f"{article.id}-{tag}-{i}", "text": f"{article.text}\n\n({tag}-{i})"}
            )
        )
    return fresh


def submit(store: Store, settings: Settings, articles: list[Article]) -> list[str]:
    app = celery_app(settings)
    ids = []
    try:
        for article in articles:
            job, _ = store.create_job(
                kind="record", request_json=article.model_dump_json(), api_key_id="bench"
            )
            send(app, RUN_JOB, job.id)
            ids.append(job.id)
    finally:
        app.close()
    return ids


def wait_all(store: Store, ids: list[str], timeout: float = 600.0) -> list[Job]:
    deadline = time.monotonic() + timeout
    while True:
        jobs = [store.get_job(i) for i in ids]
        if all(j is not None and not j.is_open for j in jobs):
            done = [j for j in jobs if j is not None]
            bad = [j for j in done if j.status not in ("succeeded", "partial")]
            if bad:
                raise SystemExit(f"{len(bad)} job(s) ended {bad[0].status}: {bad[0].error}")
            return done
        if time.monotonic() > deadline:
            raise SystemExit("jobs did not finish in time")
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=float, default=4.0, help="stub seconds per LLM call")
    parser.add_argument("--jobs", type=int, default=8, help="record jobs per round")
    parser.add_argument("--workers", default="1,2,4", help="worker counts, ascending")
    parser.add_argument("--probes", type=int, default=5, help="jobs for the overhead")
    args = parser.parse_args()
    counts = [int(c) for c in args.workers.split(",")]

    schema, queue = f"bench_{uuid.uuid4().hex[:10]}", unique_queue()
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    logs = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        with FaultServer(latency=args.latency) as stub, ExitStack() as stack:
            settings = Settings(
                _env_file=None,
                model="llamacpp/fault-server",
                base_url=stub.base_url,
                database_url=postgres_schema_url(schema),
                broker_url=REDIS_URL,
                queue=queue,
            )
            store = Store(settings.database_url)
            stack.callback(store.close)
            env = service_env(
                model=settings.model,
                base_url=stub.base_url,
                database_url=settings.database_url,
                broker_url=REDIS_URL,
                queue=settings.queue,
            )
            workers: list[Proc] = []
            rates: dict[int, float] = {}
            print(
                f"stub LLM latency {args.latency:.2f} s per call; {args.jobs} record jobs per "
                f"round; Redis {REDIS_URL}; PostgreSQL {POSTGRES_URL} (schema {schema})"
            )
            print("\n| workers | seconds | jobs/s | speedup | of linear |\n|---|---|---|---|---|")
            for count in counts:
                names = [f"bench{n}" for n in range(len(workers) + 1, count + 1)]
                for proc in start_workers(env, logs, names):
                    stack.callback(proc.stop)
                    workers.append(proc)
                ids = submit(store, settings, fresh_articles(args.jobs))
                started = time.perf_counter()
                wait_all(store, ids)
                seconds = time.perf_counter() - started
                rates[count] = args.jobs / seconds
                speedup = rates[count] / rates[counts[0]] * counts[0]
                print(
                    f"| {count} | {seconds:.1f} | {rates[count]:.2f} | {speedup:.2f}x "
                    f"| {speedup / count:.0%} |",
                    flush=True,
                )

            overheads = []
            for article in fresh_articles(args.probes):
                (job,) = wait_all(store, submit(store, settings, [article]))
                assert job.result_json is not None
                record = EventRecord.model_validate_json(job.result_json)
                extract_s = record.provenance.seconds if record.provenance else 0.0
                total = (job.updated_at - job.created_at).total_seconds()
                overheads.append((total - extract_s) * 1000)
            print(
                f"\nbroker + database overhead per article (job in the store minus its "
                f"extraction, {args.probes} jobs one at a time): median "
                f"{statistics.median(overheads):.0f} ms, max {max(overheads):.0f} ms"
            )
    finally:
        forget_queue(REDIS_URL, queue)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
