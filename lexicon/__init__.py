"""Versioned word data and its loader, like `prompts/`.

A lexicon lives in `lexicon/<name>/<version>.yaml` (`en` holds general English). A
version a report cites is never edited: a change is a new version file. `load()` returns
the parsed tables with the version and the sha256 of the file's bytes; `stamp()` names
every lexicon in use (each at its newest version) and one sha256 over them, for
provenance and cache keys.

A table is a list of entries or one string of whitespace-separated single words; a
mapping table maps entries to strings or numbers. Keys are dotted paths:
`lex.words("names.titles")`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_DIR = Path(__file__).resolve().parent


class LexiconNotFoundError(LookupError):
    """No such lexicon name, version or table on disk."""


@dataclass(frozen=True)
class Lexicon:
    """One lexicon version: its tables, version and sha256."""

    name: str
    version: str
    sha256: str
    tables: Mapping[str, Any]

    def _get(self, key: str) -> Any:
        node: Any = self.tables
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise LexiconNotFoundError(f"lexicon {self.name}/{self.version} has no {key!r}")
            node = node[part]
        return node

    def _fail(self, key: str, wanted: str) -> LexiconNotFoundError:
        return LexiconNotFoundError(f"lexicon {self.name}/{self.version}: {key!r} is not {wanted}")

    def words(self, key: str) -> tuple[str, ...]:
        """The entries of a word table, in file order."""
        node = self._get(key)
        if isinstance(node, str):
            return tuple(node.split())
        if not isinstance(node, list) or not all(isinstance(w, str) and w for w in node):
            raise self._fail(key, "a list of strings")
        return tuple(node)

    def mapping(self, key: str) -> dict[str, str]:
        """A table of entries to strings ('kilometres' → 'km'), in file order."""
        node = self._get(key)
        if not isinstance(node, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in node.items()
        ):
            raise self._fail(key, "a mapping of strings to strings")
        return dict(node)

    def numbers(self, key: str) -> dict[str, float]:
        """A table of entries to numbers ('thousands' → 1000.0), in file order."""
        node = self._get(key)
        if not isinstance(node, Mapping) or not all(
            isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
            for k, v in node.items()
        ):
            raise self._fail(key, "a mapping of strings to numbers")
        return {k: float(v) for k, v in node.items()}

    def groups(self, key: str) -> dict[str, tuple[str, ...]]:
        """A table of named word tables ('about' → ('around', 'roughly', ...))."""
        node = self._get(key)
        if not isinstance(node, Mapping):
            raise self._fail(key, "a mapping of word tables")
        return {str(name): self.words(f"{key}.{name}") for name in node}

    def table_names(self, key: str) -> tuple[str, ...]:
        """The names of the tables under `key` ('figures.measures' → ('length', ...))."""
        node = self._get(key)
        if not isinstance(node, Mapping) or not all(isinstance(v, Mapping) for v in node.values()):
            raise self._fail(key, "a mapping of tables")
        return tuple(str(name) for name in node)

    def entries(self) -> Iterator[tuple[str, str]]:
        """Every entry of every table, with its dotted key: mapping keys and string values
        and list items alike (for reviews and tests)."""
        yield from _entries("", self.tables)


def _entries(prefix: str, node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for item in node:
            yield prefix, str(item)
    elif isinstance(node, str):
        for word in node.split():
            yield prefix, word
    elif isinstance(node, Mapping):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if _is_mapped_value(value):
                yield path, str(key)  # an entry of a mapping table ('kilometres: km')
            yield from _entries(path, value)


def _is_mapped_value(value: Any) -> bool:
    """A value a mapping table gives its entry ('km', 1000); a word table has many words."""
    return isinstance(value, int | float) or (isinstance(value, str) and len(value.split()) == 1)


def names() -> list[str]:
    """The lexicons on disk (folders holding a `v*.yaml`), sorted."""
    return sorted(p.name for p in LEXICON_DIR.iterdir() if p.is_dir() and any(p.glob("v*.yaml")))


def available(name: str) -> list[str]:
    """Versions of a lexicon on disk, oldest first: by number, so v10 follows v9."""
    return sorted((p.stem for p in (LEXICON_DIR / name).glob("v*.yaml")), key=_version_order)


def _version_order(version: str) -> tuple[int, str]:
    number = version[1:]
    return (int(number), "") if number.isdigit() else (-1, version)


def load(name: str, version: str | None = None) -> Lexicon:
    """Load lexicon `name` at `version` (default: the newest on disk); read once, cached."""
    versions = available(name)
    if not versions:
        raise LexiconNotFoundError(f"no lexicon named {name!r} in {LEXICON_DIR}")
    chosen = version or versions[-1]
    if chosen not in versions:
        raise LexiconNotFoundError(f"lexicon {name!r} has no version {chosen!r}; have {versions}")
    return _read(name, chosen)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it: the same safe tables, several times faster to read
(start-up of every process)."""


@cache
def _read(name: str, version: str) -> Lexicon:
    path = LEXICON_DIR / name / f"{version}.yaml"
    raw = path.read_bytes()
    tables = yaml.load(raw, Loader=_LOADER)
    if not isinstance(tables, dict):
        raise LexiconNotFoundError(f"{path} holds no tables")
    return Lexicon(name, version, hashlib.sha256(raw).hexdigest(), tables)


@dataclass(frozen=True)
class Stamp:
    """Which lexicons made an output: 'en/v1' (comma-separated) and one sha256 over them."""

    version: str
    sha256: str


@cache
def stamp() -> Stamp:
    """The stamp of every lexicon on disk at its newest version (what the code loads)."""
    loaded = [load(name) for name in names()]
    digest = hashlib.sha256()
    for lex in loaded:
        digest.update(f"{lex.name}/{lex.version}:{lex.sha256}\n".encode())
    return Stamp(",".join(f"{lex.name}/{lex.version}" for lex in loaded), digest.hexdigest())
