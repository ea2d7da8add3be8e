"""External dataset readers (ECB+ layout, seeds labels) on small synthetic folders.

The texts here are made up for the tests; the real ones are only read at run time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import external
from evals import run as eval_run
from evals.scorers import ScoringContext
from schemas.record import Actor, EventRecord, EventType, Place, SubEvent, When

DOCS = {
    "9_1ecb": "Ada Brook was fired on Monday.\nThe club in Oakton fired Ada Brook after a loss.\n",
    "9_2ecb": "Oakton sacked coach Ada Brook on Monday.\nBrook said she was surprised.\n",
}


def _instances() -> list[dict[str, object]]:
    return [
        {"id": "HUM1", "type": "participant_human", "tag": "HUMAN_PART_PER",
         "descriptor": "t9_ada_brook", "doc_count": 2, "mention_count": 4,
         "docs": {"9_1ecb": ["Ada Brook", "Ada Brook"], "9_2ecb": ["coach Ada Brook", "she"]}},
        {"id": "HUM2", "type": "participant_human", "tag": "HUMAN_PART_PER",
         "descriptor": "t9_fans", "doc_count": 1, "mention_count": 1,
         "docs": {"9_1ecb": ["the fans"]}},
        {"id": "LOC1", "type": "location", "tag": "LOC_GEO", "descriptor": "t9_oakton",
         "doc_count": 2, "mention_count": 2,
         "docs": {"9_1ecb": ["in Oakton"], "9_2ecb": ["Oakton"]}},
        {"id": "TIM1", "type": "time", "tag": "TIME_DATE", "descriptor": "t9_monday",
         "doc_count": 2, "mention_count": 2,
         "docs": {"9_1ecb": ["on Monday"], "9_2ecb": ["on Monday"]}},
        {"id": "ACT1", "type": "action", "tag": "ACTION_OCCURRENCE", "descriptor": "t9_fired",
         "doc_count": 2, "mention_count": 3,
         "docs": {"9_1ecb": ["fired", "fired"], "9_2ecb": ["sacked"]}},
    ]  # fmt: skip


@pytest.fixture
def ecb_root(tmp_path: Path) -> Path:
    root = tmp_path / "ecbplus"
    cluster = root / "t09_ecb"
    (cluster / "articles").mkdir(parents=True)
    for doc, text in DOCS.items():
        (cluster / "articles" / f"{doc}.txt").write_text(text, encoding="utf-8")
    instances = _instances()
    by_type = {
        "participants": ["HUM1"],
        "locations": ["LOC1"],
        "times": ["TIM1"],
        "actions": ["ACT1"],
    }
    gold = {
        "cluster_id": "t09_ecb", "topic": 9, "subcorpus": "ecb", "n_docs": 2,
        "docs": list(DOCS), "docs_meta": {},
        "instances": instances,
        "consensus": {
            group: [{**next(i for i in instances if i["id"] == id_), "surface": "x"} for id_ in ids]
            for group, ids in by_type.items()
        },
    }  # fmt: skip
    (cluster / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    (root / "index.json").write_text(json.dumps({"clusters": []}), encoding="utf-8")
    return root


def test_ecbplus_reader_and_scores(ecb_root: Path) -> None:
    assert external.is_ecbplus(ecb_root) and external.is_ecbplus(ecb_root / "t09_ecb")
    clusters = external.load_ecbplus(ecb_root)
    assert [c.key for c in clusters] == ["ecbplus/t09_ecb"]
    case = clusters[0].cases[0]
    assert case.article.id == "9_1ecb" and case.article.outlet == "9_1ecb"
    good = EventRecord(
        article_id="9_1ecb",
        headline="Oakton club fires coach",
        event_type=EventType.OTHER,  # t09_ecb is labelled announcement / legal
        when=When(date="2025-01-06", granularity="day", phrase="on Monday"),
        where=Place(name="Oakton"),
        actors=[Actor(name="Ada Brook", canonical_name="Ada Brook", grounded=True)],
        sub_events=[SubEvent(what="Brook fired after a loss")],
    )
    scores = case.score(good)
    assert set(scores) == set(external.ECB_FIELDS)
    assert scores["event_type"].value == 0.0
    assert scores["when"].value == 1.0 and scores["where"].value == 1.0
    assert scores["actors"].value == 1.0  # 'the fans' is not a named participant
    assert scores["actions"].value == 1.0
    empty = case.score(EventRecord(article_id="9_1ecb", headline="Something happened"))
    assert empty["actors"].value == 0.0 and empty["where"].value == 0.0
    assert empty["actions"].value == 0.0


def test_ecbplus_eval_with_limits(ecb_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = eval_run.main(
        ["--mode", "baseline", "--dataset", str(ecb_root), "--limit-clusters", "1",
         "--limit-docs", "1", "--baseline", str(tmp_path / "b.json"), "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    assert [c["article_id"] for c in report["cases"]] == ["9_1ecb"]
    assert "ecbplus" in report["summary"]


def test_name_like_mentions() -> None:
    assert external.name_like("Lindsay Lohan")
    assert external.name_like("Central Commission for Elections and Referenda")
    assert not external.name_like("the actress")
    assert not external.name_like("She")
    assert external.strip_leading("in Palmer") == "Palmer"


def test_seeds_reader_and_scores(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "s1.txt").write_text("Made-up text for the test.\n", encoding="utf-8")
    gold = {
        "published_at": "2025-09-02",
        "aliases": {"Ada Brook": ["Brook"]},
        "articles": {
            "s1": {
                "headline_keywords": [["Brook", "Ada Brook"], ["fire", "sack"]],
                "event_type": ["other"],
                "when": "2025-09-01",
                "where": "Oakton",
                "actors": ["Ada Brook"],
                "quantities": [{"value": 3, "unit": "losses", "counted": "losses in a row"}],
                "quote_speakers": ["Ada Brook"],
            },
            "s2": {"headline_keywords": [], "event_type": ["other"]},
        },
    }
    path = tmp_path / "seeds_gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    assert external.is_seeds(seeds, path)
    [cluster] = external.load_seeds(seeds, path)
    assert [c.case_id for c in cluster.cases] == ["s1"]  # s2 has no text: left out
    assert str(cluster.cases[0].article.published_at) == "2025-09-02"
    record = EventRecord(
        article_id="s1",
        headline="Oakton fires coach Brook",
        when=When(date="2025-09-01", granularity="day"),
        where=Place(name="Oakton"),
        actors=[
            Actor(name="Brook", canonical_name="Brook"),
            Actor(name="X Y", canonical_name="X Y"),
        ],
    )
    scores = cluster.cases[0].score(record)
    assert set(scores) == set(external.SEED_FIELDS)
    assert scores["headline"].value == 1.0
    assert scores["when"].value == 1.0 and scores["where"].value == 1.0
    assert scores["actors"].value == 1.0  # recall only: the extra actor does not count
    assert scores["quantities"].value == 0.0 and scores["quote_speakers"].value == 0.0


def test_the_shipped_seed_labels_are_valid() -> None:
    labels = external.SeedsGold.model_validate_json(eval_run.DEFAULT_SEEDS_GOLD.read_text())
    assert len(labels.articles) == 5
    assert all(a.when == "2025-09-02" for a in labels.articles.values())


def test_ecb_event_type_labels_cover_the_odd_topics() -> None:
    assert len(external.ECB_EVENT_TYPES) == 42
    assert all(types for types in external.ECB_EVENT_TYPES.values())
    ScoringContext()  # importable defaults
