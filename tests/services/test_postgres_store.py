"""The store on a real PostgreSQL server: migrations up and down, concurrent openers,
idempotency keys under concurrency, the record cache and per-job records.

Every test has a schema of its own (`postgres_url`); without the server they skip, and
under `CORROBORATE_REQUIRE_SERVICES=1` (CI) they fail.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from schemas.article import Article
from schemas.record import EventRecord
from service import migrations
from service.store import RecordCacheKey, Store, metadata
from tests.api.conftest import article_payload

T = TypeVar("T")


@pytest.fixture
def engine(postgres_url: str) -> Iterator[sa.Engine]:
    e = sa.create_engine(postgres_url)
    yield e
    e.dispose()


@pytest.fixture
def store(postgres_url: str) -> Iterator[Store]:
    s = Store(postgres_url)
    yield s
    s.close()


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _together(n: int, work: Callable[[], T]) -> list[T]:
    """Run `work` on n threads released at the same moment."""
    barrier = threading.Barrier(n)

    def go() -> T:
        barrier.wait(10)
        return work()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda _: go(), range(n)))


def test_migrations_up_down_and_up_again(engine: sa.Engine) -> None:
    assert migrations.current(engine) is None and _tables(engine) == set()
    migrations.upgrade(engine)
    assert migrations.current(engine) == migrations.head()
    assert _tables(engine) == {"alembic_version", *metadata.tables}
    assert {"jobs", "record_cache", "job_records", "narrative_cache"} <= _tables(engine)
    migrations.downgrade(engine, "0002")
    assert "narrative_cache" not in _tables(engine)
    migrations.downgrade(engine, "0001")
    assert migrations.current(engine) == "0001"
    assert "job_records" not in _tables(engine)
    migrations.downgrade(engine, "base")
    assert migrations.current(engine) is None
    assert _tables(engine) == {"alembic_version"}
    migrations.upgrade(engine)
    assert migrations.current(engine) == migrations.head()


def test_the_migrated_schema_is_the_one_the_store_queries(engine: sa.Engine) -> None:
    migrations.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_downgrade_keeps_the_data_of_the_tables_it_keeps(store: Store) -> None:
    job, _ = store.create_job(kind="record", request_json="{}", api_key_id="k")
    store.put_job_record(job.id, "h", EventRecord(article_id="a0", headline="h"))
    migrations.downgrade(store.engine, "0001")
    assert store.get_job(job.id) == job
    migrations.upgrade(store.engine)
    assert store.get_job(job.id) == job and store.job_records(job.id) == {}


def test_a_database_made_before_migrations_is_stamped_then_upgraded(engine: sa.Engine) -> None:
    old = sa.MetaData()
    for name in ("jobs", "record_cache"):  # what `create_all` made before migrations
        metadata.tables[name].to_metadata(old)
    old.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO jobs (id, kind, status, request_json, created_at, updated_at, "
                "api_key_id, callback_state, callback_attempts, attempts) VALUES "
                "('old', 'record', 'succeeded', '{}', now(), now(), 'k', 'none', 0, 1)"
            )
        )
    store = Store(str(engine.url.render_as_string(hide_password=False)))
    assert migrations.current(engine) == migrations.head()
    old_job = store.get_job("old")
    assert old_job is not None and old_job.status == "succeeded"
    store.close()


def test_processes_opening_the_store_at_once_migrate_once(postgres_url: str) -> None:
    stores = _together(6, lambda: Store(postgres_url))
    engine = stores[0].engine
    assert migrations.current(engine) == migrations.head()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    for s in stores:
        s.close()


def test_one_job_per_idempotency_key_under_concurrency(store: Store) -> None:
    results = _together(
        8,
        lambda: store.create_job(
            kind="consensus",
            request_json="{}",
            api_key_id="k",
            idempotency_key="cluster-1",
            body_hash="h",
        ),
    )
    assert sum(created for _, created in results) == 1
    assert len({job.id for job, _ in results}) == 1
    assert store.count_jobs("queued") == 1


def test_record_cache_concurrent_writers_leave_one_row(store: Store) -> None:
    article = Article.model_validate(article_payload())
    key = RecordCacheKey.for_article(article, prompt_hash="p", model_id="m")
    record = EventRecord(article_id=article.id, headline="h")
    _together(6, lambda: store.put_cached_record(key, record))
    assert store.get_cached_record(key) == record
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM record_cache")).scalar_one() == 1


def test_job_records_first_write_wins(store: Store) -> None:
    job, _ = store.create_job(kind="consensus", request_json="{}", api_key_id="k")
    first = EventRecord(article_id="a0", headline="first")
    wrote = _together(5, lambda: store.put_job_record(job.id, "hash-a0", first))
    assert sorted(wrote) == [False] * 4 + [True]
    assert not store.put_job_record(job.id, "hash-a0", first.model_copy(update={"headline": "x"}))
    store.put_job_record(job.id, "hash-a1", EventRecord(article_id="a1", headline="h"))
    kept = store.job_records(job.id)
    assert kept["hash-a0"].headline == "first" and set(kept) == {"hash-a0", "hash-a1"}
    assert store.count_job_records(job.id) == 2
    other, _ = store.create_job(kind="consensus", request_json="{}", api_key_id="k")
    assert store.job_records(other.id) == {}


def test_claim_takes_an_open_job_again_but_never_a_final_one(store: Store) -> None:
    job, _ = store.create_job(kind="record", request_json="{}", api_key_id="k")
    first = store.claim_job(job.id)
    assert first is not None and first.status == "running" and first.attempts == 1
    again = store.claim_job(job.id)  # redelivered after a worker died
    assert again is not None and again.status == "running" and again.attempts == 2
    done = store.finish_job(job.id, '{"ok": true}')
    assert done is not None and done.status == "succeeded"
    assert store.claim_job(job.id) is None
    assert store.finish_job(job.id, '{"ok": false}') is None  # written exactly once
    final = store.get_job(job.id)
    assert final is not None and final.result_json == '{"ok": true}'
    assert store.claim_job("no-such-job") is None
    assert final.updated_at.tzinfo is not None
