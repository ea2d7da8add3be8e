"""How far the editor's scores move when one `MergeTolerances` threshold moves.

Every built-in dev and test cluster is extracted once without an LLM (`Pipeline(settings,
None)`; the records are cached in a SQLite store, keyed like `batch`'s cache, so a second
run extracts nothing). The records are then merged again with each numeric tolerance at
-20 %, -10 %, 0, +10 % and +20 % of its default, one at a time with the others at their
defaults, clamped to the field's bounds, and scored with `evals.editor.score_editor`.

Prints one row per tolerance and step: the value used, then conflict F1 and revision F1
(micro, over the clusters' facts) on dev and on the held-out test clusters. A cell that
differs from the defaults' row is marked `*`. Numbers only: nothing is asserted.

    python bench/bench_tolerances.py [--gold] [--cache PATH] [--only approx_rel,name_match]

`--gold` merges the gold records instead of the extracted ones: the merge engine apart
from extraction. Only the public `merge_records(records, tolerances, articles)` is used.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import annotated_types

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The repository root goes on the path first, so the script runs without an install.
from evals.builtin import (
    BUILTIN_DATASETS,
    HELD_OUT,
    SPLITS,
    cluster_dirs,
    load_builtin_cluster,
    read_aliases,
    read_consensus_gold,
)
from evals.editor import score_editor
from evals.scorers import GoldFact, Score, ScoringContext, f1
from schemas.article import Article
from schemas.record import EventRecord
from service.merge import DEFAULT_TOLERANCES, MergeTolerances, merge_records
from service.pipeline import Pipeline
from service.settings import get_settings
from service.store import Store

STEPS = (-0.20, -0.10, 0.0, 0.10, 0.20)
"""Relative moves of one tolerance around its default."""
SCORED = {"conflict F1": "editor.conflicts", "revision F1": "editor.revisions"}
"""Columns: the `score_editor` field whose micro F1 each shows, per split."""
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "corroborate-bench-tolerances.sqlite3"


@dataclass(frozen=True)
class Cluster:
    """One built-in cluster, extracted once: what each merge needs and its gold."""

    name: str
    split: str
    records: list[EventRecord]
    articles: list[Article]
    gold: list[GoldFact]
    ctx: ScoringContext


def load_clusters(*, gold: bool, cache: Path | None) -> list[Cluster]:
    """Every dev and test cluster with its records (extracted without an LLM, or gold)."""
    store = Store(f"sqlite:///{cache}") if cache is not None else None
    pipe = Pipeline(get_settings(), None, store=store)
    clusters = []
    try:
        for path in cluster_dirs(BUILTIN_DATASETS):
            loaded = load_builtin_cluster(path)
            if loaded.split not in SPLITS:
                continue
            articles = [case.article for case in loaded.cases]
            records = list(loaded.gold_records) if gold else [pipe.extract(a) for a in articles]
            clusters.append(
                Cluster(
                    name=loaded.name,
                    split=loaded.split,
                    records=records,
                    articles=articles,
                    gold=read_consensus_gold(path),
                    ctx=ScoringContext(aliases=read_aliases(path)),
                )
            )
    finally:
        if store is not None:
            store.close()
    return clusters


def numeric_fields() -> list[str]:
    """The `MergeTolerances` fields that hold a number, in declaration order."""
    return [
        name
        for name, info in MergeTolerances.model_fields.items()
        if info.annotation in (int, float)
    ]


def moved(name: str, step: float) -> float | int:
    """The tolerance `name` at its default moved by `step` (a share), within its bounds."""
    info = MergeTolerances.model_fields[name]
    default = getattr(DEFAULT_TOLERANCES, name)
    integer = info.annotation is int
    value: float = default * (1 + step)
    if integer:
        value = round(value)
    for bound in info.metadata:
        if isinstance(bound, annotated_types.Ge):
            value = max(value, float(bound.ge))  # type: ignore[arg-type]
        elif isinstance(bound, annotated_types.Le):
            value = min(value, float(bound.le))  # type: ignore[arg-type]
        elif isinstance(bound, annotated_types.Gt):
            low = float(bound.gt)  # type: ignore[arg-type]
            value = max(value, low + 1 if integer else math.nextafter(low, math.inf))
        elif isinstance(bound, annotated_types.Lt):
            high = float(bound.lt)  # type: ignore[arg-type]
            value = min(value, high - 1 if integer else math.nextafter(high, -math.inf))
    return int(value) if integer else value


def score(clusters: list[Cluster], tolerances: MergeTolerances) -> dict[tuple[str, str], float]:
    """(column, split) → micro F1 over the clusters of that split, merged with `tolerances`."""
    scores: dict[tuple[str, str], list[Score]] = {}
    for cluster in clusters:
        consensus = merge_records(cluster.records, tolerances, cluster.articles)
        editor = score_editor(cluster.gold, consensus, cluster.ctx)
        for column, field in SCORED.items():
            scores.setdefault((column, cluster.split), []).append(editor[field])
    return {key: f1(values) for key, values in scores.items()}


def _cell(value: float, default: float) -> str:
    if math.isnan(value):
        return "    -  "
    changed = not math.isclose(value, default, abs_tol=1e-9)
    return f"{value:6.3f}" + ("*" if changed else " ")


def _value(value: float) -> str:
    return f"{value:g}" if isinstance(value, int) else f"{value:.4g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", action="store_true", help="merge the gold records instead")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="SQLite file for the records"
    )
    parser.add_argument("--no-cache", action="store_true", help="extract without a cache")
    parser.add_argument("--only", default="", help="comma-separated tolerance names")
    args = parser.parse_args()
    names = numeric_fields()
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            parser.error(f"not a numeric tolerance: {', '.join(unknown)}")
        names = [n for n in names if n in wanted]

    started = time.perf_counter()
    clusters = load_clusters(gold=args.gold, cache=None if args.no_cache else args.cache)
    by_split = {s: sum(1 for c in clusters if c.split == s) for s in SPLITS}
    print(
        f"records: {'gold' if args.gold else 'extracted without an LLM'}; clusters: "
        + ", ".join(f"{n} {s}{' (held out)' if s == HELD_OUT else ''}" for s, n in by_split.items())
        + f"; loaded in {time.perf_counter() - started:.1f} s"
    )

    results: dict[tuple[tuple[str, float | int], ...], dict[tuple[str, str], float]] = {}

    def run(tolerances: MergeTolerances) -> dict[tuple[str, str], float]:
        key = tuple((n, getattr(tolerances, n)) for n in MergeTolerances.model_fields)
        if key not in results:
            results[key] = score(clusters, tolerances)
        return results[key]

    started = time.perf_counter()
    default = run(DEFAULT_TOLERANCES)
    columns = [(column, split) for column in SCORED for split in SPLITS]
    head = " | ".join(
        f"{column} {split}{' (held out)' if split == HELD_OUT else ''}" for column, split in columns
    )
    print(f"\n| tolerance | step | value | {head} |")
    print("|---|---:|---:|" + "---:|" * len(columns))
    for name in names:
        for step in STEPS:
            value = moved(name, step)
            row = run(
                MergeTolerances.model_validate(DEFAULT_TOLERANCES.model_dump() | {name: value})
            )
            cells = " | ".join(_cell(row[c], default[c]) for c in columns)
            print(f"| {name} | {f'{step:+.0%}' if step else '0'} | {_value(value)} | {cells} |")
    unmoved = [n for n in names if all(moved(n, step) == moved(n, 0.0) for step in STEPS)]
    if unmoved:
        print(f"\ndefault 0 (a share of it moves nothing): {', '.join(unmoved)}")
    print(
        f"\n{len(results)} distinct merges of {len(clusters)} clusters in "
        f"{time.perf_counter() - started:.1f} s; * differs from the defaults' row"
    )


if __name__ == "__main__":
    main()
