"""Shared test setup.

LLM exchanges are replayed from cassettes recorded off a real llama.cpp server by
`make record` (see `evals.replay.cassette`: requests match on method, path and a
canonical JSON body; the prompt hash is in each file name). The suite runs with
pytest-recording's `--block-network` (see pyproject), so nothing reaches past loopback.
"""

from __future__ import annotations

import os

import pytest

from tests.support.fixtures import fault_server  # noqa: F401  (the fixture, for every test)


@pytest.fixture(autouse=True)
def _no_ambient_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests must not pick up a developer's endpoint, key or database from the environment.
    for key in list(os.environ):
        if key.startswith("CORROBORATE_"):
            monkeypatch.delenv(key)
