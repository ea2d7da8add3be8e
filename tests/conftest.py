"""Shared fixtures: VCR settings for recorded LLM exchanges, and the model endpoint.

Cassettes are recorded from a real llama.cpp server (`make record`) and replayed in
CI with record mode `none`. Requests match on method, path and a canonicalised JSON
body, so a changed prompt or schema finds no recording and fails loudly instead of
replaying a stale answer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from service.settings import Settings

REPLAY_BASE_URL = "http://127.0.0.1:9/v1"
"""Where replayed requests pretend to go; nothing listens there and VCR answers first."""


def _canonical(body: Any) -> Any:
    if body is None:
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return body


def canonical_body_matcher(r1: Any, r2: Any) -> None:
    """VCR matcher: JSON bodies equal after key sorting (raises AssertionError otherwise)."""
    assert _canonical(r1.body) == _canonical(r2.body), "request bodies differ"


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("canonical_body", canonical_body_matcher)


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return {
        "match_on": ["method", "path", "canonical_body"],
        "filter_headers": ["authorization", "api-key", "x-api-key", "cookie"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="session")
def recording(pytestconfig: pytest.Config) -> bool:
    """True when this run records new cassettes (`make record`)."""
    mode = pytestconfig.getoption("--record-mode", default="none")
    return mode not in (None, "none")


@pytest.fixture(scope="session")
def llm_settings(recording: bool) -> Iterator[Settings]:
    """Settings for the embedded model: a live server when recording, a dead URL in replay."""
    base = Settings(_env_file=None)  # type: ignore[call-arg]
    if not recording:
        yield base.model_copy(update={"base_url": REPLAY_BASE_URL, "retries": 0})
        return
    from service.llm import local_endpoint

    with local_endpoint(base) as url:
        yield base.model_copy(update={"base_url": url})


@pytest.fixture(autouse=True)
def _no_ambient_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests must not pick up a developer's endpoint or key from the environment.
    for key in list(os.environ):
        if key.startswith("CORROBORATE_"):
            monkeypatch.delenv(key)
