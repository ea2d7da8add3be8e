"""What keeps apart the figures of one gold fact: `python -m evals.apart` (`make why-apart`).

For each built-in cluster, the records (the no-LLM pipeline's, or with `--gold` the gold
records) are merged as `corroborate` merges them. For every gold quantity fact two or more
outlets give, each gold value is looked up among the merged figures: a figure of one of
the value's outlets with the same number (within 1 %, or the same range). Two such
figures of the gold fact that the merge put in different facts are a pair *kept apart*,
and the merge says why (`service.merge.figure_groups.FigureGrouping.judge`): the first frame
slot that tells them apart (`service.merge.alignment.APART_REASONS`, 'people', 'another
time'), or 'linkage' when they fit but complete linkage kept them in different facts.

The printout counts gold facts by reason (a fact counts once for each reason that keeps
some of its figures apart), for each split. Only `dev` clusters
are listed one by one (`--list`); `test` stays aggregates, so that it can guide general
work without showing a held-out sentence. Matching by number and outlet is loose: a
number an outlet gives for another fact can pair up too, so the counts show where
grouping fails, not an exact error rate.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from evals.builtin import BUILTIN_DATASETS, cluster_dirs, load_builtin_cluster, read_consensus_gold
from evals.scorers import GoldFact
from evals.scorers.consensus import GoldFactValue
from evals.scorers.values import number_credit
from service.merge.consensus import merge_context
from service.merge.context import MergeContext
from service.merge.drafts import figure_of
from service.merge.figure_groups import FigureGrouping, group_figures
from service.merge.intervals import Figure
from service.merge.tokens import fold
from service.merge.tolerances import DEFAULT_TOLERANCES
from service.pipeline import open_pipeline
from service.settings import Settings

LINKAGE: Final = "linkage"
"""The two figures fit, but complete linkage put them in different facts."""


@dataclass(frozen=True)
class Apart:
    """One pair of figures of a gold fact that the merge kept apart, and why."""

    fact: str
    reason: str
    texts: tuple[str, str]


def _gives(figure: Figure, gold: GoldFactValue) -> bool:
    """The figure is the gold value's number (or range), as the consensus scorers match."""
    number = gold.value if isinstance(gold.value, int | float) else None
    wanted = (None if number is None else float(number), gold.low, gold.high)
    return number_credit(wanted, (figure.value, figure.low, figure.high)) == 1.0


def kept_apart(
    ctx: MergeContext, facts: Sequence[GoldFact], grouping: FigureGrouping
) -> list[Apart]:
    """Pairs of figures of each gold quantity fact that the merge put in different facts."""
    fact_of = {node: n for n, (members, _, _) in enumerate(grouping.clusters) for node in members}
    outlet = {r.article_id: fold(r.outlet or "") for r in ctx.records}
    found: list[Apart] = []
    for gold in facts:
        if gold.kind != "quantity" or len({fold(o) for o in gold.outlets}) < 2:
            continue
        picks: list[tuple[int, str]] = []  # (node, text) of each figure giving a gold value
        for value in gold.values:
            outlets = {fold(o) for o in value.outlets}
            for node, observations in enumerate(grouping.observations):
                for o in observations:
                    if outlet.get(o.article_id) in outlets and _gives(figure_of(o), value):
                        picks.append((node, o.text))
        seen: set[str] = set()
        for i, (node_a, text_a) in enumerate(picks):
            for node_b, text_b in picks[i + 1 :]:
                if fact_of[node_a] == fact_of[node_b]:
                    continue
                a, b = grouping.frames[node_a], grouping.frames[node_b]
                if a.dimension != b.dimension:
                    continue  # a number of another kind given by the same outlet
                judged = grouping.judge(node_a, node_b)
                reason = judged if isinstance(judged, str) else LINKAGE
                if reason not in seen:
                    seen.add(reason)
                    found.append(Apart(gold.id, reason, (text_a, text_b)))
    return found


def merged_clusters(paths: Sequence[Path], *, gold: bool) -> Iterator[tuple[Path, MergeContext]]:
    """Each built-in cluster's merge context, of the no-LLM or (`gold`) the gold records."""
    with open_pipeline(Settings(), use_llm=False) as pipeline:
        for path in paths:
            cluster = load_builtin_cluster(path)
            articles = [case.article for case in cluster.cases]
            if gold:
                records = list(cluster.gold_records)
            else:
                records = [pipeline.extract(article) for article in articles]
            yield path, merge_context(records, DEFAULT_TOLERANCES, articles)


def cluster_pairs(paths: Sequence[Path], *, gold: bool) -> Iterator[tuple[Path, list[Apart]]]:
    """`kept_apart` for each built-in cluster, with the no-LLM or the gold records."""
    for path, ctx in merged_clusters(paths, gold=gold):
        yield path, kept_apart(ctx, read_consensus_gold(path), group_figures(ctx))


def count_reasons(paths: Sequence[Path], *, gold: bool, show: bool) -> Counter[str]:
    """Gold facts by what kept their figures apart (a fact counts once per reason);
    with `show`, each pair is printed."""
    counts: Counter[str] = Counter()
    for path, found in cluster_pairs(paths, gold=gold):
        counts.update(a.reason for a in found)
        if show:
            for a in found:
                print(f"{path.name}  {a.fact}  {a.reason}: {a.texts[0]!r} / {a.texts[1]!r}")
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.apart", description=(__doc__ or "").split("\n", 1)[0]
    )
    parser.add_argument("--gold", action="store_true", help="merge the gold records")
    parser.add_argument("--list", action="store_true", help="list each dev pair")
    args = parser.parse_args(argv)
    counts = {
        split: count_reasons(
            cluster_dirs(BUILTIN_DATASETS, split), gold=args.gold, show=args.list and split == "dev"
        )
        for split in ("dev", "test")
    }
    records = "gold records" if args.gold else "no-LLM records"
    print(f"gold facts whose figures the merge kept apart, by what kept them apart ({records}):")
    print(f"{'reason':22s} {'dev':>5s} {'test':>5s}")
    reasons = set(counts["dev"]) | set(counts["test"])
    for reason in sorted(reasons, key=lambda r: (-counts["dev"][r] - counts["test"][r], r)):
        print(f"{reason:22s} {counts['dev'][reason]:5d} {counts['test'][reason]:5d}")
    total = {split: sum(c.values()) for split, c in counts.items()}
    print(f"{'all':22s} {total['dev']:5d} {total['test']:5d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
