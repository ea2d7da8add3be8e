"""Persistence: API jobs and the record cache, behind one SQLAlchemy engine.

`Store(settings.database_url)` works on SQLite (the default, a file beside the service)
and on PostgreSQL unchanged (`postgresql://host/db` uses psycopg 3): the tables use
portable types only and every statement is SQLAlchemy Core, no dialect-specific SQL. The
schema is made and moved forward by Alembic migrations (`service.migrations`), run when a
`Store` opens; the tables below mirror the newest revision.

Tables:

- `jobs`: one row per API unit of work (a record or a consensus) with its request,
  result or error problem, idempotency key + body hash, owner (API key id), webhook
  state and attempt counts. Status moves `queued → running → succeeded | partial | failed`, or to
  `cancelled` from either open state; every move is a conditional UPDATE, so a cancelled
  job is never overwritten by a late result.
- `record_cache`: `(article hash, prompt hash, model id) → EventRecord JSON`, so the same
  article under the same prompt and model is extracted once (`get_cached_record`,
  `put_cached_record`). Only complete records are put there: a degraded one (a facet fell
  back after an LLM error) is recomputed on the next run.
- `narrative_cache`: `narration key → narrative JSON`, so a cluster whose facts, narrate
  prompt, model and narrate code are unchanged is not narrated again
  (`get_cached_narrative`, `put_cached_narrative`; the key is `service.narrate.narration_key`).
- `job_records`: `(job id, article hash) → EventRecord JSON`, the records a distributed
  job's extraction tasks made. The first write wins (`put_job_record`), so a task
  delivered twice changes nothing.
- `cluster_articles` and `event_clusters`: the online event clustering's state, read and
  written by `service.cluster.store.ClusterStore` over the same engine.

The store is synchronous and thread-safe (one engine, a connection per call).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from schemas.api import CallbackState, JobKind, JobStatus
from schemas.article import Article
from schemas.record import EventRecord
from service import migrations

OPEN_STATUSES: tuple[JobStatus, ...] = ("queued", "running")
"""A job in one of these states still has work to do; the rest are final."""

metadata = sa.MetaData()

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("request_json", sa.Text, nullable=False),
    sa.Column("result_json", sa.Text, nullable=True),
    sa.Column("error_json", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("api_key_id", sa.String(64), nullable=False),
    sa.Column("idempotency_key", sa.String(255), nullable=True),
    sa.Column("body_hash", sa.String(64), nullable=True),
    sa.Column("callback_url", sa.Text, nullable=True),
    sa.Column("callback_state", sa.String(16), nullable=False, default="none"),
    sa.Column("callback_attempts", sa.Integer, nullable=False, default=0),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    # NULL keys are distinct in SQLite and PostgreSQL alike: only keyed requests collide.
    sa.UniqueConstraint("api_key_id", "idempotency_key", name="uq_jobs_idempotency"),
)

record_cache = sa.Table(
    "record_cache",
    metadata,
    sa.Column("article_hash", sa.String(64), primary_key=True),
    sa.Column("prompt_hash", sa.String(64), primary_key=True),
    sa.Column("model_id", sa.String(200), primary_key=True),
    sa.Column("record_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

narrative_cache = sa.Table(
    "narrative_cache",
    metadata,
    sa.Column("narration_key", sa.String(64), primary_key=True),
    sa.Column("narrative_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

job_records = sa.Table(
    "job_records",
    metadata,
    sa.Column(
        "job_id", sa.String(36), sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("article_hash", sa.String(64), primary_key=True),
    sa.Column("record_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Event clustering (`service.cluster.store`): every article posted to `/v1/articles` with its
# features and where it sits, and every event cluster. A cluster merged into another keeps
# its row with `merged_into` set, so an old id still leads somewhere.
cluster_articles = sa.Table(
    "cluster_articles",
    metadata,
    sa.Column("article_id", sa.String(128), primary_key=True),
    sa.Column("article_json", sa.Text, nullable=False),
    sa.Column("features_json", sa.Text, nullable=False),
    sa.Column("component", sa.String(128), nullable=False, index=True),
    sa.Column("cluster_id", sa.String(36), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

event_clusters = sa.Table(
    "event_clusters",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("story_id", sa.String(36), nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("first_day", sa.Integer, nullable=True),
    sa.Column("last_day", sa.Integer, nullable=True),
    sa.Column("merged_into", sa.String(36), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
)


def _now() -> datetime:
    return datetime.now(UTC)


def aware_utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone=True columns; they were UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Job:
    """One row of the `jobs` table. `request_json`/`result_json` are the API bodies as text."""

    id: str
    kind: JobKind
    status: JobStatus
    request_json: str
    result_json: str | None
    error: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    api_key_id: str
    idempotency_key: str | None
    body_hash: str | None
    callback_url: str | None
    callback_state: CallbackState
    callback_attempts: int
    attempts: int

    @property
    def is_open(self) -> bool:
        """True while the job is queued or running."""
        return self.status in OPEN_STATUSES

    @property
    def has_result(self) -> bool:
        """True when the job finished with a result: `succeeded`, or `partial` (degraded)."""
        return self.status in ("succeeded", "partial")


def _job(row: sa.Row[Any]) -> Job:
    m = row._mapping
    return Job(
        id=m["id"],
        kind=m["kind"],
        status=m["status"],
        request_json=m["request_json"],
        result_json=m["result_json"],
        error=json.loads(m["error_json"]) if m["error_json"] else None,
        created_at=aware_utc(m["created_at"]),
        updated_at=aware_utc(m["updated_at"]),
        api_key_id=m["api_key_id"],
        idempotency_key=m["idempotency_key"],
        body_hash=m["body_hash"],
        callback_url=m["callback_url"],
        callback_state=m["callback_state"],
        callback_attempts=m["callback_attempts"],
        attempts=m["attempts"],
    )


@dataclass(frozen=True)
class RecordCacheKey:
    """What makes a record reusable: the same article, prompt and model (the pipeline
    folds its code hash into `prompt_hash`).

    Build it with `RecordCacheKey.for_article(article, prompt_hash=..., model_id=...)`.
    """

    article_hash: str
    prompt_hash: str
    model_id: str

    @classmethod
    def for_article(cls, article: Article, *, prompt_hash: str, model_id: str) -> RecordCacheKey:
        """The key of `article` under a prompt and model.

        `article_hash` covers the whole article (text, id, outlet, url, title, publication
        time), not only `Article.content_hash`: the record copies the id and outlet, and
        relative dates ('on Tuesday') resolve against `published_at`, so two articles with
        the same text but other metadata must not share a record.
        """
        canonical = article.model_dump_json(exclude_none=False)
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return cls(article_hash=digest, prompt_hash=prompt_hash, model_id=model_id)


def _write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    """A SQLite file commits through a write-ahead log, synced at every commit.

    With the default rollback journal a commit syncs the journal, the database and the
    directory (5-20 ms on a busy disk: most of the time of `POST /v1/articles`); the log
    syncs one file, appended to. `synchronous=FULL` keeps every acknowledged commit
    through a crash or power loss, as before. Readers no longer wait for a writer.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


class Store:
    """Jobs and cached records in one database (`settings.database_url`)."""

    def __init__(self, database_url: str) -> None:
        url = sa.make_url(database_url)
        kwargs: dict[str, Any] = {}
        in_memory = url.database in (None, "", ":memory:")
        if url.get_backend_name() == "sqlite" and in_memory:
            # An in-memory database lives in one connection; share it across threads.
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        self.engine = sa.create_engine(url, **kwargs)
        if url.get_backend_name() == "sqlite" and not in_memory:
            sa.event.listen(self.engine, "connect", _write_ahead_log)
        migrations.upgrade(self.engine)

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.select(sa.literal(1)))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    # -- record cache -------------------------------------------------------------------

    def get_cached_record(self, key: RecordCacheKey) -> EventRecord | None:
        """The record stored under `key`, or None."""
        query = sa.select(record_cache.c.record_json).where(
            record_cache.c.article_hash == key.article_hash,
            record_cache.c.prompt_hash == key.prompt_hash,
            record_cache.c.model_id == key.model_id,
        )
        with self.engine.connect() as conn:
            raw = conn.execute(query).scalar_one_or_none()
        record = EventRecord.model_validate_json(raw) if raw is not None else None
        # A degraded record is never served as done (one cached by older code included).
        return record if record is not None and not record.degraded else None

    def put_cached_record(self, key: RecordCacheKey, record: EventRecord) -> None:
        """Store `record` under `key`, replacing any earlier one. A degraded record is not
        stored: served from the cache it would pass for a complete one, for ever."""
        if record.degraded:
            return
        values = {"record_json": record.model_dump_json(), "created_at": _now()}
        where = (
            (record_cache.c.article_hash == key.article_hash)
            & (record_cache.c.prompt_hash == key.prompt_hash)
            & (record_cache.c.model_id == key.model_id)
        )
        with self.engine.begin() as conn:
            if conn.execute(sa.update(record_cache).where(where).values(**values)).rowcount:
                return
            try:
                with conn.begin_nested():
                    conn.execute(
                        sa.insert(record_cache).values(
                            article_hash=key.article_hash,
                            prompt_hash=key.prompt_hash,
                            model_id=key.model_id,
                            **values,
                        )
                    )
            except IntegrityError:  # a concurrent writer got there first: same key, same work
                conn.execute(sa.update(record_cache).where(where).values(**values))

    # -- narrative cache ----------------------------------------------------------------

    def get_cached_narrative(self, key: str) -> str | None:
        """The narrative JSON stored under `key`, or None."""
        query = sa.select(narrative_cache.c.narrative_json).where(
            narrative_cache.c.narration_key == key
        )
        with self.engine.connect() as conn:
            raw = conn.execute(query).scalar_one_or_none()
        return str(raw) if raw is not None else None

    def put_cached_narrative(self, key: str, narrative_json: str) -> None:
        """Store a narrative under `key`; a concurrent writer of the same key wrote the same."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    sa.insert(narrative_cache).values(
                        narration_key=key, narrative_json=narrative_json, created_at=_now()
                    )
                )
        except IntegrityError:
            with self.engine.begin() as conn:
                conn.execute(
                    sa.update(narrative_cache)
                    .where(narrative_cache.c.narration_key == key)
                    .values(narrative_json=narrative_json, created_at=_now())
                )

    # -- a distributed job's records ----------------------------------------------------

    def put_job_record(self, job_id: str, article_hash: str, record: EventRecord) -> bool:
        """Keep `record` as the job's record of that article, unless one is kept already.

        True when this call wrote it. The first write wins: a task run twice (redelivered
        after its worker died) leaves the record the merge will use unchanged.
        """
        row = {
            "job_id": job_id,
            "article_hash": article_hash,
            "record_json": record.model_dump_json(),
            "created_at": _now(),
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.insert(job_records).values(**row))
        except IntegrityError:
            return False
        return True

    def job_records(self, job_id: str) -> dict[str, EventRecord]:
        """The records kept for a job, by article hash."""
        query = sa.select(job_records.c.article_hash, job_records.c.record_json).where(
            job_records.c.job_id == job_id
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {h: EventRecord.model_validate_json(raw) for h, raw in rows}

    def count_job_records(self, job_id: str) -> int:
        """How many of a job's articles have their record kept."""
        query = (
            sa.select(sa.func.count())
            .select_from(job_records)
            .where(job_records.c.job_id == job_id)
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # -- jobs ---------------------------------------------------------------------------

    def create_job(
        self,
        *,
        kind: JobKind,
        request_json: str,
        api_key_id: str,
        idempotency_key: str | None = None,
        body_hash: str | None = None,
        callback_url: str | None = None,
    ) -> tuple[Job, bool]:
        """Insert a queued job; returns `(job, created)`.

        With an `idempotency_key` already used by the same `api_key_id`, nothing is
        inserted and the existing job comes back with `created=False`: the caller compares
        its `body_hash` to decide between a replay and a conflict.
        """
        now = _now()
        row = {
            "id": str(uuid.uuid4()),
            "kind": kind,
            "status": "queued",
            "request_json": request_json,
            "created_at": now,
            "updated_at": now,
            "api_key_id": api_key_id,
            "idempotency_key": idempotency_key,
            "body_hash": body_hash,
            "callback_url": callback_url,
            "callback_state": "pending" if callback_url else "none",
            "callback_attempts": 0,
            "attempts": 0,
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.insert(jobs).values(**row))
        except IntegrityError:
            if idempotency_key is None:
                raise
            existing = self.find_job(api_key_id=api_key_id, idempotency_key=idempotency_key)
            if existing is None:  # pragma: no cover - the conflicting row vanished
                raise
            return existing, False
        job = self.get_job(str(row["id"]))
        assert job is not None
        return job, True

    def get_job(self, job_id: str, *, api_key_id: str | None = None) -> Job | None:
        """The job with this id (only if owned by `api_key_id`, when given), or None."""
        query = sa.select(jobs).where(jobs.c.id == job_id)
        if api_key_id is not None:
            query = query.where(jobs.c.api_key_id == api_key_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _job(row) if row is not None else None

    def find_job(self, *, api_key_id: str, idempotency_key: str) -> Job | None:
        """The job an API key created with this idempotency key, or None."""
        query = sa.select(jobs).where(
            jobs.c.api_key_id == api_key_id, jobs.c.idempotency_key == idempotency_key
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _job(row) if row is not None else None

    def _move(self, job_id: str, from_: Sequence[JobStatus], **values: Any) -> Job | None:
        """Conditional update: apply `values` only if the job is in one of `from_`; the job
        as the update left it (UPDATE … RETURNING: no second query), or None."""
        query = (
            sa.update(jobs)
            .where(jobs.c.id == job_id, jobs.c.status.in_(from_))
            .values(updated_at=_now(), **values)
            .returning(*jobs.c)
        )
        with self.engine.begin() as conn:
            row = conn.execute(query).first()
        return _job(row) if row is not None else None

    def start_job(self, job_id: str) -> Job | None:
        """queued → running (attempts + 1); None if the job is no longer queued."""
        return self._move(job_id, ("queued",), status="running", attempts=jobs.c.attempts + 1)

    def claim_job(self, job_id: str) -> Job | None:
        """queued | running → running (attempts + 1), for a worker taking up a job.

        Unlike `start_job` it accepts a running job: a task redelivered after its worker
        died finds the job running and carries on with it. None if the job is final
        (finished, failed or cancelled) or unknown: there is nothing left to do.
        """
        return self._move(job_id, OPEN_STATUSES, status="running", attempts=jobs.c.attempts + 1)

    def finish_job(self, job_id: str, result_json: str, *, partial: bool = False) -> Job | None:
        """running → succeeded (or `partial`: a degraded result) with its result; None if it
        was cancelled meanwhile."""
        status: JobStatus = "partial" if partial else "succeeded"
        return self._move(job_id, ("running",), status=status, result_json=result_json)

    def fail_job(self, job_id: str, problem: dict[str, Any]) -> Job | None:
        """running → failed with a problem body; None if it was cancelled meanwhile."""
        return self._move(job_id, ("running",), status="failed", error_json=json.dumps(problem))

    def reject_job(self, job_id: str, problem: dict[str, Any]) -> Job | None:
        """queued → failed with a problem body: the job could not be handed to a worker."""
        return self._move(job_id, ("queued",), status="failed", error_json=json.dumps(problem))

    def cancel_job(self, job_id: str) -> Job | None:
        """queued | running → cancelled; None if the job had already finished."""
        return self._move(job_id, OPEN_STATUSES, status="cancelled")

    def requeue_open_jobs(self) -> list[Job]:
        """After a restart: running → queued, then every queued job, oldest first.

        Assumes one service instance per database: a job another live instance is running
        would be run twice.
        """
        with self.engine.begin() as conn:
            conn.execute(sa.update(jobs).where(jobs.c.status == "running").values(status="queued"))
            rows = conn.execute(
                sa.select(jobs)
                .where(jobs.c.status == "queued")
                .order_by(jobs.c.created_at, jobs.c.id)
            ).all()
        return [_job(r) for r in rows]

    def count_jobs(self, status: JobStatus) -> int:
        """How many jobs are in `status`."""
        query = sa.select(sa.func.count()).select_from(jobs).where(jobs.c.status == status)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def set_callback_state(self, job_id: str, state: CallbackState, attempts: int) -> None:
        """Record a webhook delivery's progress."""
        query = (
            sa.update(jobs)
            .where(jobs.c.id == job_id)
            .values(callback_state=state, callback_attempts=attempts)
        )
        with self.engine.begin() as conn:
            conn.execute(query)

    def pending_callbacks(self) -> list[Job]:
        """Finished jobs whose webhook was not yet delivered (to resume after a restart)."""
        query = (
            sa.select(jobs)
            .where(jobs.c.callback_state == "pending", jobs.c.status.not_in(OPEN_STATUSES))
            .order_by(jobs.c.updated_at)
        )
        with self.engine.connect() as conn:
            return [_job(r) for r in conn.execute(query).all()]
