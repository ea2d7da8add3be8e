"""Versioned prompt files and their loader.

A prompt lives in `prompts/<name>/<version>.yaml`. A version cited by a report is
never edited: a change is a new version file. `load()` returns the parsed prompt
with its version and the sha256 of the file's bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import yaml

PROMPTS_DIR = Path(__file__).resolve().parent


class PromptNotFoundError(LookupError):
    """No such prompt name or version on disk."""


@dataclass(frozen=True)
class Prompt:
    """One prompt version: its raw text, sha256 and named template parts."""

    name: str
    version: str
    text: str
    sha256: str
    parts: dict[str, str] = field(default_factory=dict)

    def render(self, part: str, **values: object) -> str:
        """Fill `$placeholders` of one part; a missing value raises KeyError."""
        return Template(self.parts[part]).substitute({k: str(v) for k, v in values.items()})


def available(name: str) -> list[str]:
    """Versions of a prompt on disk, oldest first: by number, so v10 follows v9."""
    folder = PROMPTS_DIR / name
    return sorted((p.stem for p in folder.glob("v*.yaml")), key=_version_order)


def _version_order(version: str) -> tuple[int, str]:
    number = version[1:]
    return (int(number), "") if number.isdigit() else (-1, version)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it: the same safe loading, several times faster to read
(start-up of every process)."""


def load(name: str, version: str | None = None) -> Prompt:
    """Load prompt `name` at `version` (default: the newest on disk)."""
    versions = available(name)
    if not versions:
        raise PromptNotFoundError(f"no prompt named {name!r} in {PROMPTS_DIR}")
    chosen = version or versions[-1]
    path = PROMPTS_DIR / name / f"{chosen}.yaml"
    if not path.is_file():
        raise PromptNotFoundError(f"prompt {name!r} has no version {chosen!r}; have {versions}")
    raw = path.read_bytes()
    data = yaml.load(raw, Loader=_LOADER)
    if not isinstance(data, dict) or not isinstance(data.get("parts"), dict):
        raise PromptNotFoundError(f"{path} has no 'parts' mapping")
    parts = {str(k): str(v) for k, v in data["parts"].items()}
    return Prompt(
        name=name,
        version=chosen,
        text=raw.decode("utf-8"),
        sha256=hashlib.sha256(raw).hexdigest(),
        parts=parts,
    )
