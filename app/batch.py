"""Batch runs: many clusters, bounded concurrency, resumable, nothing computed twice.

Input is a folder of cluster folders (each a set of article files, or a dataset cluster
with `articles/`), or a JSONL file of articles each carrying a `cluster` key. Every
record goes through the pipeline's SQLite record cache as soon as it is made, and every
finished cluster is written to `<out>/<cluster>.json` with a `.key` file naming the
exact inputs, prompts and model it came from. A re-run skips finished clusters and
re-uses cached records, so an interrupted run loses nothing and a repeated run makes no
LLM call. A cluster with a degraded record or narrative (an LLM call failed) is written
but gets no `.key`: the next run redoes it, with LLM calls for the degraded records only.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from schemas.article import Article
from schemas.consensus import Consensus
from schemas.record import EventRecord
from service.errors import InputError
from service.inputs import article_from_payload, expand_paths, read_article
from service.pipeline import Pipeline
from service.render import consensus_markdown
from service.review import review_page

CLUSTER_KEY = "cluster"
"""Field of a JSONL article line naming its cluster."""


@dataclass(frozen=True)
class Cluster:
    """One event's articles, under a key safe to use as a file name."""

    key: str
    articles: list[Article]


def _safe(key: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in key).strip("._")
    if not cleaned:
        raise InputError(f"cluster key {key!r} has no usable characters")
    return cleaned


def load_clusters(path: Path) -> list[Cluster]:
    """Clusters from a folder of cluster folders or a JSONL file with a `cluster` key."""
    if path.is_file() and path.suffix == ".jsonl":
        grouped: dict[str, list[Article]] = {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                payload = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: invalid JSON: {exc.msg}") from exc
            if not isinstance(payload, dict) or not payload.get(CLUSTER_KEY):
                raise InputError(f"{path}:{n}: each line needs a {CLUSTER_KEY!r} field")
            key = str(payload.pop(CLUSTER_KEY))
            grouped.setdefault(key, []).append(article_from_payload(payload, source=f"{path}:{n}"))
        clusters = [Cluster(_safe(k), v) for k, v in sorted(grouped.items())]
    elif path.is_dir():
        folders = sorted(p for p in path.iterdir() if p.is_dir())
        clusters = [
            Cluster(_safe(f.name), [read_article(p) for p in expand_paths([f])]) for f in folders
        ]
    else:
        raise InputError(f"{path}: expected a folder of cluster folders or a .jsonl file")
    if not clusters:
        raise InputError(f"{path}: no clusters found")
    for cluster in clusters:
        if len(cluster.articles) < 2:
            raise InputError(f"cluster {cluster.key!r} has {len(cluster.articles)} article(s)")
    return clusters


def cluster_fingerprint(pipe: Pipeline, cluster: Cluster) -> str:
    """Names exactly what a cluster's output depends on: inputs, prompts and model."""
    digest = hashlib.sha256()
    for article in cluster.articles:
        key = pipe.cache_key(article)
        digest.update(f"{key.article_hash}|{key.prompt_hash}|{key.model_id}\n".encode())
    digest.update(pipe.narrate_hash.encode())
    return digest.hexdigest()


@dataclass
class BatchSummary:
    """What a batch run did and what it cost."""

    clusters: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    degraded: list[str] = field(default_factory=list)
    """Clusters written with a degraded record or narrative: not marked done."""
    records: int = 0
    cache_hits: int = 0
    degraded_records: int = 0
    narrative_cache_hits: int = 0
    llm_calls: int = 0
    llm_failed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0


Progress = Callable[[str, str], None]
"""Called with (cluster key, outcome) as each cluster finishes."""

Summarise = Callable[[Sequence[Article]], Consensus]
"""A cluster's articles → its consensus somewhere else (`RemoteSummariser`: Celery workers)."""

RecordProgress = Callable[[str, Article, EventRecord], None]
"""Called with (cluster key, article, record) as each record is done."""


def run_batch(
    pipe: Pipeline,
    clusters: Sequence[Cluster],
    out: Path,
    *,
    concurrency: int = 2,
    progress: Progress | None = None,
    on_record: RecordProgress | None = None,
    summarise: Summarise | None = None,
) -> BatchSummary:
    """Summarise every cluster into `out`, skipping those already done with the same inputs.

    `concurrency` clusters are worked on at once; inside each, articles and facets run
    at once too when the process's LLM limiter allows (`Pipeline.extract_many`). With
    `summarise` (Celery workers), each cluster is one job there instead, and `pipe` only
    names the inputs (its model is the workers' `settings.model`).
    """
    out.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary(clusters=len(clusters))
    lock = threading.Lock()
    before = (pipe.stats.records, pipe.stats.cache_hits, pipe.stats.llm_calls,
              pipe.stats.prompt_tokens, pipe.stats.completion_tokens, pipe.stats.degraded,
              pipe.stats.llm_failed, pipe.stats.narrative_cache_hits)  # fmt: skip

    def one(cluster: Cluster) -> str:
        fingerprint = cluster_fingerprint(pipe, cluster)
        if summarise is not None:  # the workers' model, not this process's (none)
            fingerprint = hashlib.sha256(
                f"{fingerprint}|{pipe.settings.model}".encode()
            ).hexdigest()
        target, key_file = out / f"{cluster.key}.json", out / f"{cluster.key}.key"
        if target.is_file() and key_file.is_file() and key_file.read_text() == fingerprint:
            return "skipped"
        consensus: Consensus
        if summarise is not None:
            consensus = summarise(cluster.articles)
        else:
            records = pipe.extract_many(
                cluster.articles,
                on_done=None if on_record is None else lambda _, a, r: on_record(cluster.key, a, r),
            )
            consensus = pipe.summarise(cluster.articles, records)
        key_file.unlink(missing_ok=True)  # never a key beside outputs it does not describe
        # Written before the key: a crash in between only costs a re-merge of cached records.
        target.write_text(consensus.model_dump_json(indent=2) + "\n", encoding="utf-8")
        (out / f"{cluster.key}.md").write_text(consensus_markdown(consensus), encoding="utf-8")
        (out / f"{cluster.key}.html").write_text(review_page(consensus, cluster.articles), "utf-8")
        if consensus.degraded:  # written, but not done: the next run redoes what fell back
            return "degraded"
        key_file.write_text(fingerprint)
        return "done"

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        # Longest clusters first, so the last ones begun are short and the run ends on a
        # short tail (each cluster's parse, merge and narrative come after its calls).
        longest = sorted(clusters, key=lambda c: -sum(len(a.text) for a in c.articles))
        futures = {pool.submit(one, c): c for c in longest}
        for future in as_completed(futures):
            cluster = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # one bad cluster must not sink the others
                outcome = "failed"
                with lock:
                    summary.failed[cluster.key] = f"{type(exc).__name__}: {exc}"
            if outcome == "skipped":
                summary.skipped += 1
            if outcome == "degraded":
                summary.degraded.append(cluster.key)
            if progress is not None:
                progress(cluster.key, outcome)
    stats = pipe.stats
    summary.records = stats.records - before[0]
    summary.cache_hits = stats.cache_hits - before[1]
    summary.llm_calls = stats.llm_calls - before[2]
    summary.prompt_tokens = stats.prompt_tokens - before[3]
    summary.completion_tokens = stats.completion_tokens - before[4]
    summary.degraded_records = stats.degraded - before[5]
    summary.llm_failed = stats.llm_failed - before[6]
    summary.narrative_cache_hits = stats.narrative_cache_hits - before[7]
    settings = pipe.settings
    summary.cost = (
        summary.prompt_tokens / 1000 * settings.price_per_1k_prompt
        + summary.completion_tokens / 1000 * settings.price_per_1k_completion
    )
    return summary
