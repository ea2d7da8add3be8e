"""The built-in datasets: hand-labelled clusters, each in its split.

The clusters live in `evals/datasets/<split>/<cluster>/`:

* `dev/`: clusters whose errors we look at and tune on;
* `test/`: held-out clusters. No rule, threshold or word changes because of a `test`
  error; the report gives them apart, labelled as held out.

A cluster's split is the name of the folder it sits in (`dev` or `test`), wherever that
folder is; a cluster folder anywhere else (an ad-hoc path) has no split. A cluster holds
`articles/`, `gold/<article_id>.json`, optionally `gold/aliases.json`, and
`consensus_gold.json` (the consensus facts worth checking).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final, Literal

from evals.editor import EDITOR_FIELDS, score_editor
from evals.scorers import (
    CONSENSUS_FIELDS,
    RECORD_FIELDS,
    AliasTable,
    Case,
    Cluster,
    ConsensusScorer,
    GoldFact,
    Score,
    ScoringContext,
    builtin_record_scorer,
    score_consensus,
)
from schemas.consensus import Consensus
from schemas.record import EventRecord
from service.errors import InputError
from service.ground import ground_record
from service.inputs import expand_paths, read_article

BUILTIN_DATASETS: Final = Path(__file__).resolve().parent / "datasets"

Split = Literal["dev", "test"]
SPLITS: Final[tuple[Split, ...]] = ("dev", "test")
HELD_OUT: Final[Split] = "test"
"""The split nothing is tuned on."""

SplitChoice = Literal["dev", "test", "all"]
SPLIT_CHOICES: Final[tuple[SplitChoice, ...]] = ("dev", "test", "all")

BUILTIN_CONSENSUS_FIELDS: Final[dict[str, tuple[str, ...]]] = CONSENSUS_FIELDS | EDITOR_FIELDS
"""Every consensus field a built-in cluster is scored on, with its metrics."""


def is_builtin_cluster(path: Path) -> bool:
    """A built-in cluster: `articles/` and `gold/` folders."""
    return (path / "articles").is_dir() and (path / "gold").is_dir()


def split_of(path: Path) -> Split | None:
    """The split of a cluster folder: the folder it sits in, when that is `dev` or `test`."""
    parent = path.resolve().parent.name
    for split in SPLITS:
        if parent == split:
            return split
    return None


def in_split(split: str | None, choice: SplitChoice) -> bool:
    """Whether a cluster of `split` runs under `--split choice`; `all` runs every cluster,
    `dev` / `test` only the clusters of that split."""
    return choice == "all" or split == choice


def cluster_dirs(path: Path, choice: SplitChoice = "all") -> list[Path]:
    """Built-in clusters in `path`, or one level down in its split folders, that run under
    `--split choice`; dev before test."""
    found = [p for p in sorted(path.iterdir()) if is_builtin_cluster(p)]
    for folder in sorted(p for p in path.iterdir() if p.is_dir() and not is_builtin_cluster(p)):
        found += [p for p in sorted(folder.iterdir()) if is_builtin_cluster(p)]
    return [p for p in found if in_split(split_of(p), choice)]


def has_clusters(path: Path) -> bool:
    """A folder of built-in clusters (directly or in split folders), whatever their split."""
    return path.is_dir() and bool(cluster_dirs(path))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: {exc}", source=str(path)) from exc


def read_aliases(path: Path) -> AliasTable:
    """A cluster's alias table (`gold/aliases.json`); empty without the file."""
    aliases_file = path / "gold" / "aliases.json"
    return AliasTable(_read_json(aliases_file) if aliases_file.is_file() else {})


def read_consensus_gold(path: Path) -> list[GoldFact]:
    """A cluster's consensus gold (`consensus_gold.json`); empty without the file."""
    consensus_file = path / "consensus_gold.json"
    if not consensus_file.is_file():
        return []
    return [GoldFact.model_validate(f) for f in _read_json(consensus_file)]


def consensus_scorer(facts: list[GoldFact], ctx: ScoringContext) -> ConsensusScorer:
    """A consensus scorer bound to one cluster's gold: the fact/status scores of
    `score_consensus` and the editor's scores of `score_editor`."""

    def score(consensus: Consensus) -> dict[str, Score]:
        return score_consensus(facts, consensus, ctx) | score_editor(facts, consensus, ctx)

    return score


def load_builtin_cluster(
    path: Path, *, limit_docs: int | None = None, embedder: Any = None
) -> Cluster:
    """One built-in cluster: articles, gold records, aliases, consensus gold and split."""
    ctx = ScoringContext(aliases=read_aliases(path), embedder=embedder)
    articles = [read_article(p) for p in expand_paths([path / "articles"])]
    cases: list[Case] = []
    golds: list[EventRecord] = []
    for article in articles:
        gold_file = path / "gold" / f"{article.id}.json"
        if not gold_file.is_file():
            raise InputError(f"{path.name}: no gold record for article {article.id!r}")
        gold = EventRecord.model_validate_json(gold_file.read_text(encoding="utf-8"))
        # The merge of the gold records reads spans as the pipeline's merge does (a
        # figure's clause: 'analysts had expected'); the gold gives labels, not spans.
        golds.append(ground_record(gold, article))
        cases.append(
            Case(
                case_id=article.id,
                article=article,
                score=builtin_record_scorer(gold, ctx),
                fields=RECORD_FIELDS,
                gold=gold.model_dump(mode="json"),
            )
        )
    if limit_docs is not None:
        cases, golds = cases[:limit_docs], golds[:limit_docs]
    return Cluster(
        suite="builtin",
        name=path.name,
        cases=tuple(cases),
        score_consensus=consensus_scorer(read_consensus_gold(path), ctx),
        consensus_fields=BUILTIN_CONSENSUS_FIELDS,
        gold_records=tuple(golds),
        split=split_of(path),
    )
