"""compose.yaml cannot be brought up here (no Docker engine): check what can be checked
without one. Every CORROBORATE_* variable it sets is a setting, every command it runs is
a `corroborate` command or the embedded server's, and `make stack` runs the same roles."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from app.cli import app as cli
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return data


def test_the_stack_has_every_role() -> None:
    assert set(compose()["services"]) == {"api", "worker", "model", "redis", "postgres"}


def test_every_variable_is_a_setting() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    for name, service in compose()["services"].items():
        for key in service.get("environment", {}):
            if key.startswith("CORROBORATE_"):
                assert key.removeprefix("CORROBORATE_") in fields, (name, key)


def test_every_command_exists() -> None:
    commands = {c.name or (c.callback.__name__ if c.callback else "") for c in
                cli.registered_commands}  # fmt: skip
    services = compose()["services"]
    for name in ("api", "worker"):
        program, command = services[name]["command"][:2]
        assert program == "corroborate" and command in commands, name
    model = " ".join(services["model"]["command"])
    assert re.search(r"python -m service\.embedded serve --host 0\.0\.0\.0", model)
    assert "python -m service.embedded assemble local/qwen2.5-coder-1.5b" in model
    api_env = services["api"]["environment"]
    assert api_env["CORROBORATE_BROKER_URL"].startswith("redis://redis:")
    assert api_env["CORROBORATE_DATABASE_URL"].startswith("postgresql://")
