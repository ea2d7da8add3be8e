"""`corroborate cluster`: an unsorted stream of articles → event clusters (JSONL).

Input is a folder of article files (searched recursively, any order) or a JSONL file of
articles (a `cluster` key on a line, as `batch` reads, is ignored: the clusters are what
we are asked to find). Each output line is one event cluster:

    {"id": "e00001", "story": "s0001", "article_ids": [...], "size": 3, "label": "...",
     "first_date": "2025-06-12", "last_date": "2025-06-14", "method": "...",
     "settings_hash": "..."}

With `--summarise`, every cluster of two or more articles is summarised through
`app.batch.run_batch`: the same pipeline, record cache, concurrency and resumable output
as `corroborate batch`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from app.batch import Cluster
from schemas.article import Article
from service.cluster import METHOD, EventCluster, settings_hash
from service.errors import InputError
from service.inputs import ARTICLE_SUFFIXES, article_from_payload, read_article
from service.settings import ClusterSettings

IGNORED_KEYS = ("cluster",)


def load_stream(path: Path) -> list[Article]:
    """Articles from a folder (recursively) or a JSONL file; ids must be unique."""
    articles: list[Article] = []
    if path.is_file() and path.suffix == ".jsonl":
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                payload = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: invalid JSON: {exc.msg}") from exc
            if not isinstance(payload, dict):
                raise InputError(f"{path}:{n}: expected one article object per line")
            for key in IGNORED_KEYS:
                payload.pop(key, None)
            articles.append(article_from_payload(payload, source=f"{path}:{n}"))
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in ARTICLE_SUFFIXES)
        articles = [read_article(p) for p in files]
    else:
        raise InputError(f"{path}: expected a folder of articles or a .jsonl file")
    if not articles:
        raise InputError(f"{path}: no articles found")
    seen: dict[str, int] = {}
    for n, article in enumerate(articles):
        if article.id in seen:
            raise InputError(
                f"{path}: article id {article.id!r} occurs twice (give each article an id)",
                article_id=article.id,
            )
        seen[article.id] = n
    return articles


def cluster_line(cluster: EventCluster, settings: ClusterSettings) -> str:
    """One JSONL line for a cluster."""
    return json.dumps(
        {
            "id": cluster.id,
            "story": cluster.story,
            "article_ids": list(cluster.article_ids),
            "size": len(cluster.article_ids),
            "label": cluster.label,
            "first_date": cluster.first_date.isoformat() if cluster.first_date else None,
            "last_date": cluster.last_date.isoformat() if cluster.last_date else None,
            "method": METHOD,
            "settings_hash": settings_hash(settings),
        },
        ensure_ascii=False,
    )


def to_batch(clusters: Sequence[EventCluster], articles: Sequence[Article]) -> list[Cluster]:
    """The clusters of two or more articles, as `run_batch` takes them."""
    by_id = {a.id: a for a in articles}
    return [
        Cluster(c.id, [by_id[a] for a in c.article_ids])
        for c in clusters
        if len(c.article_ids) >= 2
    ]
