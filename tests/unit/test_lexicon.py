"""The lexicon: versioned word data, its loader, and its stamp on every output."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import lexicon
from schemas.article import Article
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import Store

TEXT = (
    "Flood waters swept through the river town of Brenford on Monday, officials said. "
    "At least 14 people were killed, the regional emergency office said on Tuesday."
)


def _articles() -> list[Article]:
    return [
        Article(id=f"a{i}", outlet=f"Outlet {i}", published_at=date(2025, 3, 4), text=TEXT)
        for i in range(2)
    ]


def test_a_lexicon_loads_with_its_version_and_sha256() -> None:
    en = lexicon.load("en")
    assert (en.name, en.version) == ("en", lexicon.available("en")[-1])
    assert len(en.sha256) == 64 and en is lexicon.load("en", en.version)  # cached
    assert "killed" in en.words("actions.fates")
    assert en.mapping("figures.units")["kilometres"] == "km"
    assert en.numbers("figures.vague_counts")["thousands"] == 1000.0
    assert "an estimated" in en.groups("figures.hedges")["about"]


def test_unknown_lexicons_versions_and_tables_say_so() -> None:
    with pytest.raises(lexicon.LexiconNotFoundError, match="no lexicon named"):
        lexicon.load("xx")
    with pytest.raises(lexicon.LexiconNotFoundError, match="no version 'v999'"):
        lexicon.load("en", "v999")
    with pytest.raises(lexicon.LexiconNotFoundError, match=r"has no 'names\.nothing'"):
        lexicon.load("en").words("names.nothing")
    with pytest.raises(lexicon.LexiconNotFoundError, match="not a mapping"):
        lexicon.load("en").mapping("names.titles")


def test_the_stamp_names_every_lexicon_and_hashes_them() -> None:
    stamp = lexicon.stamp()
    assert stamp.version.split(",") == [f"{n}/{lexicon.available(n)[-1]}" for n in lexicon.names()]
    assert "en/" in stamp.version and len(stamp.sha256) == 64


def test_records_and_consensus_carry_the_lexicon_stamp() -> None:
    pipe = Pipeline(Settings(_env_file=None), None)
    stamp = lexicon.stamp()
    articles = _articles()
    record = pipe.extract(articles[0])
    assert record.provenance is not None
    assert (record.provenance.lexicon_version, record.provenance.lexicon_hash) == (
        stamp.version,
        stamp.sha256,
    )
    consensus = pipe.summarise(articles)
    assert consensus.provenance.lexicon_version == stamp.version
    assert consensus.provenance.lexicon_hash == stamp.sha256


def test_another_lexicon_gets_another_record_cache_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    settings = Settings(_env_file=None)
    article = _articles()[0]
    before = Pipeline(settings, None, store=store)
    before.extract(article)
    monkeypatch.setattr(lexicon, "stamp", lambda: lexicon.Stamp("en/v2", "f" * 64))
    after = Pipeline(settings, None, store=store)
    assert after.cache_key(article) != before.cache_key(article)
    after.extract(article)
    assert after.stats.cache_hits == 0
