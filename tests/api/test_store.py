"""The store: record cache, idempotent job creation, conditional status moves.

Each test runs on SQLite and on PostgreSQL (`postgres_url`: skipped without the server,
a failure under `CORROBORATE_REQUIRE_SERVICES=1`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas.article import Article
from schemas.record import EventRecord
from service.store import RecordCacheKey, Store
from tests.api.conftest import article_payload


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same tests on a SQLite file and on the real PostgreSQL server (own schema)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    s = Store(url)
    yield s
    s.close()


def test_record_cache_round_trip_and_replace(store: Store) -> None:
    article = Article.model_validate(article_payload())
    key = RecordCacheKey.for_article(article, prompt_hash="p1", model_id="fake/echo")
    assert store.get_cached_record(key) is None
    record = EventRecord(article_id=article.id, headline="first")
    store.put_cached_record(key, record)
    assert store.get_cached_record(key) == record
    store.put_cached_record(key, record.model_copy(update={"headline": "second"}))
    cached = store.get_cached_record(key)
    assert cached is not None and cached.headline == "second"
    other_model = RecordCacheKey.for_article(article, prompt_hash="p1", model_id="other/m")
    assert store.get_cached_record(other_model) is None


def test_cache_key_covers_metadata_not_only_text() -> None:
    a = Article.model_validate(article_payload(published_at="2025-09-02"))
    b = Article.model_validate(article_payload(published_at="2025-09-09"))
    assert a.content_hash == b.content_hash
    key = RecordCacheKey.for_article
    assert key(a, prompt_hash="p", model_id="m") != key(b, prompt_hash="p", model_id="m")
    assert key(a, prompt_hash="p", model_id="m") == key(a, prompt_hash="p", model_id="m")


def test_in_memory_sqlite_works_across_threads() -> None:
    import threading

    store = Store("sqlite://")
    job, _ = store.create_job(kind="record", request_json="{}", api_key_id="k")
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(store.get_job(job.id)))
    thread.start()
    thread.join()
    assert seen == [job]
    store.close()


def test_idempotency_key_returns_the_existing_job(store: Store) -> None:
    first, created = store.create_job(
        kind="record", request_json="{}", api_key_id="k1", idempotency_key="x", body_hash="h"
    )
    again, created_again = store.create_job(
        kind="record", request_json="{}", api_key_id="k1", idempotency_key="x", body_hash="h2"
    )
    assert created and not created_again and again.id == first.id and again.body_hash == "h"
    other_key, created_other = store.create_job(
        kind="record", request_json="{}", api_key_id="k2", idempotency_key="x"
    )
    assert created_other and other_key.id != first.id


def test_status_moves_are_conditional(store: Store) -> None:
    job, _ = store.create_job(kind="record", request_json="{}", api_key_id="k")
    assert store.finish_job(job.id, "{}") is None  # not running yet
    running = store.start_job(job.id)
    assert running is not None and running.status == "running" and running.attempts == 1
    assert store.start_job(job.id) is None
    cancelled = store.cancel_job(job.id)
    assert cancelled is not None and cancelled.status == "cancelled"
    assert store.finish_job(job.id, "{}") is None  # a late result does not resurrect it
    assert store.fail_job(job.id, {"status": 500}) is None
    assert store.cancel_job(job.id) is None
    fetched = store.get_job(job.id)
    assert fetched is not None and fetched.status == "cancelled"
    assert fetched.created_at.tzinfo is not None


def test_requeue_open_jobs_oldest_first(store: Store) -> None:
    a, _ = store.create_job(kind="record", request_json="{}", api_key_id="k")
    b, _ = store.create_job(kind="record", request_json="{}", api_key_id="k")
    c, _ = store.create_job(kind="record", request_json="{}", api_key_id="k")
    store.start_job(a.id)
    store.cancel_job(c.id)
    assert [j.id for j in store.requeue_open_jobs()] == [a.id, b.id]
    assert store.count_jobs("queued") == 2
    assert store.get_job(a.id, api_key_id="someone-else") is None
