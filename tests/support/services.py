"""The real services some tests need: PostgreSQL and Redis on this machine.

Tests that need one take the `postgres_url` / `redis_url` fixtures. Without the service
they skip, with the reason in one line of pytest's summary; with
`CORROBORATE_REQUIRE_SERVICES=1` (set by `.ci/run`) they fail instead, so CI can never
pass without them.

Each PostgreSQL test gets its own schema (`search_path` in the URL), dropped afterwards,
so tests and people sharing the database never see each other's tables. Redis tests use
database 15 (`CORROBORATE_TEST_REDIS_URL` to change) and queue names of their own.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa

REQUIRE_SERVICES = os.environ.get("CORROBORATE_REQUIRE_SERVICES") == "1"
"""Set by `.ci/run`. Read at import, before the suite's autouse fixture clears
CORROBORATE_* variables."""

POSTGRES_URL = os.environ.get("CORROBORATE_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CORROBORATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RABBITMQ_URL = os.environ.get(
    "CORROBORATE_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//"
)


def _reachable(url: str, default_port: int) -> str | None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return None
    except OSError as exc:
        return f"nothing answers at {host}:{port} ({exc.strerror or exc})"


SKIP_PREFIX = "needs a real service: "
"""Every skip of a missing service starts so; `fold_service_skip` files them under one
location, so pytest's summary shows one line per missing service, not one per test."""


def fold_service_skip(report: pytest.TestReport) -> None:
    """Point a missing-service skip at this module, so `-ra` folds them into one line."""
    longrepr = report.longrepr
    if (
        report.skipped
        and isinstance(longrepr, tuple)
        and str(longrepr[2]).startswith("Skipped: " + SKIP_PREFIX)
    ):
        report.longrepr = (__file__, 0, longrepr[2])


def _missing(service: str, why: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"CORROBORATE_REQUIRE_SERVICES=1 but {service}: {why}", pytrace=False)
    pytest.skip(f"{SKIP_PREFIX}{service}: {why} (CI sets CORROBORATE_REQUIRE_SERVICES=1)")


def postgres_schema_url(schema: str) -> str:
    """`POSTGRES_URL` with `search_path` set to `schema`."""
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose tables land in a fresh schema of their own (dropped after)."""
    why = _reachable(POSTGRES_URL, 5432)
    if why is not None:
        _missing("PostgreSQL", why)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        _missing("PostgreSQL", f"cannot create a schema: {str(exc).splitlines()[0]}")
    try:
        yield postgres_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def redis_url() -> str:
    """The test Redis database's URL (skips, or fails under CI, when Redis is absent)."""
    why = _reachable(REDIS_URL, 6379)
    if why is not None:
        _missing("Redis", why)
    return REDIS_URL


@pytest.fixture
def rabbitmq_url() -> str:
    """The test RabbitMQ's URL (skips, or fails under CI, when RabbitMQ is absent)."""
    why = _reachable(RABBITMQ_URL, 5672)
    if why is not None:
        _missing("RabbitMQ", why)
    return RABBITMQ_URL


def forget_queue(redis_url: str, queue: str) -> None:
    """Remove every key a queue left in Redis: its list and kombu's bindings for it."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = [queue.encode(), *client.scan_iter(match=f"_kombu.binding*.{queue}")]
        client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def redis_queue(redis_url: str) -> Iterator[str]:
    """A broker queue name of this test's own on the test Redis, its keys removed after."""
    queue = f"corroborate-test-{uuid.uuid4().hex[:10]}"
    yield queue
    forget_queue(redis_url, queue)
