"""The clustering task: `corroborate eval --task clustering`.

Every document of each dataset is mixed into one stream, shuffled (a fixed seed) and
clustered with `service.cluster.cluster_articles`; the predicted events are scored against
the gold events and the predicted stories against the gold topics (B-cubed P/R/F1 and
ARI, `evals.scorers.partitions`).

- **ECB+** (`../shared/external/ecbplus`, read at run time, never copied): each `tNN_ecb`
  / `tNN_ecbplus` folder is one gold event and `tNN` its topic. The two events of a topic
  are the same kind of news (two rehab check-ins, two earthquakes). Topics alternate
  between `dev` (t01, t05, …: the thresholds were chosen on these) and the held-out
  `test` (t03, t07, …). All documents are clustered together; each split is scored on its
  own documents.
- **builtin**: the built-in clusters of `evals/datasets/dev` and `test`, mixed together;
  each cluster is one gold event (event level only: they have no topics).

Scores go into the report as one row per dataset and split (`ecbplus`, `ecbplus/dev`,
`ecbplus/test`, `builtin`, …) and into `evals/baseline/` under `clustering`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from evals.builtin import BUILTIN_DATASETS, cluster_dirs, has_clusters, split_of
from evals.external import is_ecbplus
from evals.report import ClusterResult, EvalReport, Header
from evals.scorers.partitions import PartitionScores, score_partition
from schemas.article import Article
from service.cluster import METHOD, EventCluster, cluster_articles, settings_hash
from service.errors import InputError
from service.inputs import expand_paths, lead_date, read_article
from service.settings import ClusterSettings

DEFAULT_ECBPLUS: Final = BUILTIN_DATASETS.parents[2] / "shared" / "external" / "ecbplus"
"""`../shared/external/ecbplus` beside the repository."""
SHUFFLE_SEED: Final = 11
CLUSTERING_MODE: Final = "clustering"
LEVELS: Final = ("event", "topic")
METRICS: Final = ("bcubed_p", "bcubed_r", "bcubed_f1", "ari")


@dataclass(frozen=True)
class Item:
    """One document with its gold event and topic and the split it is scored in."""

    article: Article
    dataset: str
    event: str
    topic: str | None
    split: str | None


def ecbplus_split(topic: str, topics: Sequence[str]) -> str:
    """`dev` for every other topic in sorted order (the first, third, …), else `test`."""
    return "dev" if sorted(topics).index(topic) % 2 == 0 else "test"


def load_ecbplus_items(path: Path) -> list[Item]:
    """Every ECB+ document, its folder as the gold event and `tNN` as the topic."""
    folders = sorted(p for p in path.iterdir() if (p / "gold.json").is_file())
    if (path / "gold.json").is_file():
        folders = [path]
    topics = sorted({f.name.split("_", 1)[0] for f in folders})
    items = []
    for folder in folders:
        topic = folder.name.split("_", 1)[0]
        for file in sorted((folder / "articles").glob("*.txt")):
            text = file.read_text(encoding="utf-8")
            article = Article(
                id=file.stem, outlet=file.stem, text=text, published_at=lead_date(text)
            )
            items.append(Item(article, "ecbplus", folder.name, topic, ecbplus_split(topic, topics)))
    return items


def load_builtin_items(path: Path) -> list[Item]:
    """Every article of the built-in clusters under `path`; its cluster is its gold event."""
    items = []
    for folder in cluster_dirs(path):
        for file in expand_paths([folder]):
            article = read_article(file)
            # Ids are unique within a cluster; prefixing keeps them unique across clusters.
            article = article.model_copy(update={"id": f"{folder.name}/{article.id}"})
            items.append(Item(article, "builtin", folder.name, None, split_of(folder)))
    return items


def load_items(paths: Sequence[Path]) -> tuple[list[Item], list[str]]:
    """Documents of each dataset path (ECB+ or built-in); missing paths are skipped."""
    items: list[Item] = []
    skipped: list[str] = []
    for path in paths:
        if not path.exists():
            skipped.append(str(path))
        elif is_ecbplus(path):
            items += load_ecbplus_items(path)
        elif has_clusters(path):
            items += load_builtin_items(path)
        else:
            raise InputError(
                f"{path}: not a clustering dataset (an ECB+ folder or built-in clusters)",
                source=str(path),
            )
    return items, skipped


def predict(items: Sequence[Item], settings: ClusterSettings, seed: int) -> dict[str, EventCluster]:
    """Cluster the shuffled documents; article id → its event cluster."""
    stream = [item.article for item in items]
    random.Random(seed).shuffle(stream)
    return {a: c for c in cluster_articles(stream, settings) for a in c.article_ids}


def score_items(
    items: Sequence[Item], assigned: dict[str, EventCluster]
) -> dict[str, PartitionScores]:
    """Event-level (and, with topics, topic-level) scores of these documents."""
    out = {
        "event": score_partition(
            [assigned[i.article.id].id for i in items], [i.event for i in items]
        )
    }
    if all(i.topic is not None for i in items):
        out["topic"] = score_partition(
            [assigned[i.article.id].story for i in items], [i.topic for i in items]
        )
    return out


def score_groups(
    items: Sequence[Item], assigned: dict[str, EventCluster]
) -> dict[tuple[str, str | None], dict[str, PartitionScores]]:
    """Scores per (dataset, split): the whole dataset (split None) and each split."""
    keys: dict[tuple[str, str | None], list[Item]] = {}
    for item in items:
        keys.setdefault((item.dataset, None), []).append(item)
        if item.split is not None:
            keys.setdefault((item.dataset, item.split), []).append(item)
    return {key: score_items(group, assigned) for key, group in keys.items()}


def _flat(scores: dict[str, PartitionScores]) -> dict[str, dict[str, float | str]]:
    out: dict[str, dict[str, float | str]] = {}
    for level, s in scores.items():
        for metric in METRICS:
            out[f"{level}.{metric}"] = {
                "value": round(float(getattr(s, metric)), 6),
                "explanation": f"{s.clusters} predicted for {s.gold_groups} gold {level}s",
            }
    return out


def run_clustering(
    paths: Sequence[Path], settings: ClusterSettings, *, git_sha: str = "unknown"
) -> EvalReport:
    """Cluster each dataset's mixed documents and score them; the report of the task."""
    started = time.perf_counter()
    items, skipped = load_items(paths)
    results: list[ClusterResult] = []
    summary: dict[str, dict[str, dict[str, float | None]]] = {}
    for dataset in dict.fromkeys(i.dataset for i in items):
        mine = [i for i in items if i.dataset == dataset]
        assigned = predict(mine, settings, SHUFFLE_SEED)
        # Another order must give the same clusters: the method is order-independent.
        again = predict(mine, settings, SHUFFLE_SEED + 1)
        stable = all(assigned[a].article_ids == again[a].article_ids for a in assigned)
        for (name, split), scores in score_groups(mine, assigned).items():
            flat = _flat(scores)
            if split is None:
                flat["order.stable"] = {
                    "value": 1.0 if stable else 0.0,
                    "explanation": "same clusters for two shuffles",
                }
            key = name if split is None else f"{name}/{split}"
            results.append(ClusterResult(id=key, suite=name, split=split, scores=flat))
            summary[key] = {
                field: {"n": 1.0, "mean": float(s["value"])} for field, s in flat.items()
            }
    header = Header(
        mode=CLUSTERING_MODE,
        model=METHOD,
        prompt_name="cluster",
        prompt_version=METHOD,
        prompt_hash=settings_hash(settings),
        scorer_version="partitions/1",
        git_sha=git_sha,
        timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - started, 2),
        datasets=sorted({i.dataset for i in items}),
        skipped=skipped,
    )
    return EvalReport(header=header, summary=summary, clusters=results)
