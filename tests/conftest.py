"""Shared test setup.

LLM exchanges are replayed from cassettes recorded off a real llama.cpp server by
`make record` (see `evals.replay.cassette`: requests match on method, path and a
canonical JSON body; the prompt hash is in each file name). The suite runs with
pytest-recording's `--block-network` (see pyproject), so nothing reaches past loopback.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

from tests.support.fixtures import fault_server  # noqa: F401  (the fixture, for every test)
from tests.support.services import (  # noqa: F401  (the fixtures for the real services)
    fold_service_skip,
    postgres_url,
    rabbitmq_url,
    redis_queue,
    redis_url,
)


@pytest.fixture(autouse=True)
def _no_ambient_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests must not pick up a developer's endpoint, key or database from the environment.
    for key in list(os.environ):
        if key.startswith("CORROBORATE_"):
            monkeypatch.delenv(key)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Tests skipped for a missing PostgreSQL or Redis share one summary line.
    report = yield
    fold_service_skip(report)
    return report
