"""pytest fixtures around `FaultServer` (registered in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from service.settings import Settings
from tests.support.fault_server import FaultServer


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    """A fault server on a free loopback port, answering normally until told otherwise."""
    with FaultServer() as server:
        yield server


def fault_settings(server: FaultServer, **overrides: Any) -> Settings:
    """Settings whose LLM is `server` (no .env, no embedded model)."""
    values: dict[str, Any] = {"model": "llamacpp/fault-server", "base_url": server.base_url}
    values.update(overrides)
    return Settings(_env_file=None, **values)


def fault_env(server: FaultServer, **overrides: str) -> dict[str, str]:
    """The same as environment variables, for the CLI and the API app."""
    env = {"CORROBORATE_MODEL": "llamacpp/fault-server", "CORROBORATE_BASE_URL": server.base_url}
    env.update({f"CORROBORATE_{k.upper()}": v for k, v in overrides.items()})
    return env
