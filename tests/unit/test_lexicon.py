"""The lexicon: versioned word data, its loader, and its stamp on every output."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import lexicon
from schemas.article import Article
from schemas.record import EventRecord
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import Store

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
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


def test_older_versions_stay_loadable_and_tables_of_tables_are_named() -> None:
    assert lexicon.load("en", "v1").words("actions.fates")[0] == "killed"
    en = lexicon.load("en")
    assert "length" in en.table_names("figures.measures")
    assert en.numbers("figures.measures.length")["mile"] == 1609.344
    with pytest.raises(lexicon.LexiconNotFoundError, match="not a mapping of tables"):
        en.table_names("figures.units")


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


def _story_names() -> dict[str, str]:
    """Names that belong to one story of the built-in datasets, folded, with where they come
    from: outlets, gold places and countries, and the named people, organisations and
    sources of the gold records and alias tables."""
    names: dict[str, str] = {}

    def add(name: str | None, origin: str) -> None:
        # One lower-case word ('protesters', 'police') names no story: it is general
        # language, whatever party it stands for in one article.
        if name and name.strip() and not (name.strip().islower() and len(name.split()) == 1):
            names.setdefault(name.strip().casefold(), origin)

    for path in sorted(DATASETS.glob("**/articles/*.json")):
        add(json.loads(path.read_text(encoding="utf-8")).get("outlet"), f"outlet of {path.name}")
    for path in sorted(DATASETS.glob("**/gold/*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "aliases.json":
            for canonical, variants in gold.items():
                for name in (canonical, *variants):
                    # One word ('police', 'Parliament') is general language whatever
                    # mention it stands for in one story; a story's one-word names are
                    # its places, actors and outlets, checked above and below.
                    if len(name.split()) > 1:
                        add(name, f"alias in {path.parent.parent.name}")
            continue
        record = EventRecord.model_validate(gold)
        if record.where is not None:
            add(record.where.name, f"place of {path.name}")
            add(record.where.country, f"country of {path.name}")
        for actor in record.actors:
            add(actor.canonical_name, f"actor of {path.name}")
        for claim in record.claims:
            add(claim.according_to, f"source in {path.name}")
        for quantity in record.quantities:
            add(quantity.attributed_to, f"source in {path.name}")
        for quote in record.quotes:
            add(quote.speaker, f"speaker in {path.name}")
            add(quote.via, f"quote relayed by, in {path.name}")
    return names


def test_the_lexicon_holds_general_language_only() -> None:
    story = _story_names()
    assert {"gulf wire", "beijing", "valdoria", "yonhap", "reuters"} <= set(story)  # the net
    found = [
        f"{lex.name}/{lex.version} {key}: {entry!r} is the {story[entry.casefold()]}"
        for lex in (lexicon.load(name) for name in lexicon.names())
        for key, entry in lex.entries()
        if entry.casefold() in story
    ]
    assert not found, "\n".join(found)


def test_versions_sort_by_number() -> None:
    """v10 is newer than v9: a string sort would load v9 and ignore every later version."""
    frames = lexicon.available("frames")
    assert frames.index("v11") == frames.index("v10") + 1 == frames.index("v9") + 2
    assert frames[-1] == "v27" and lexicon.load("frames").version == "v27"
