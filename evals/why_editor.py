"""Where the editor's wrong rows come from: `python -m evals.why_editor` (`make why-editor`).

The editor scorers (`evals.editor`) count conflicts and revisions found, false and missed.
This names a cause for each false and each missed one, on every built-in cluster merged as
`corroborate` merges it (the no-LLM records, or with `--gold` the gold records, so that
the merge is judged alone):

- a false row: the gold gives its values as another status ('gold says revised': a
  conflict that is an update over time), its values are of two or more gold facts
  ('spans gold facts': figures of different facts made one), it gives one value of a gold
  fact and others of none, or it matches no gold fact at all;
- a missed row: a merged fact shows two or more of its values with another status
  ('merged as revised'), its values are kept in different facts ('kept apart: <reason>',
  the first frame slot `evals.apart` finds telling two of them apart, or 'linkage'), one
  of its values is found, or none.

The printout counts causes for each split. Only `dev` rows are listed one by one
(`--list`); `test` stays aggregates, so that it can point general work somewhere without
showing a held-out sentence.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from evals.apart import kept_apart, merged_clusters
from evals.builtin import BUILTIN_DATASETS, cluster_dirs, read_aliases, read_consensus_gold
from evals.editor import matched_pairs, recovered
from evals.scorers import GoldFact, ScoringContext
from schemas.consensus import Consensus, Fact, FactStatus
from service.merge.consensus import build_consensus
from service.merge.context import MergeContext
from service.merge.figure_groups import group_figures

STATUSES: Final[tuple[FactStatus, ...]] = ("conflicting", "revised")
"""The statuses an editor reads first."""


@dataclass(frozen=True)
class Wrong:
    """One false or missed row of an editor table, and its cause."""

    status: FactStatus
    side: str
    """'false' or 'missed'."""
    cause: str
    what: str
    """The merged fact's statement (false) or the gold fact's id (missed)."""


def false_cause(fact: Fact, gold: Sequence[GoldFact], ctx: ScoringContext) -> str:
    """Why a merged fact of an editor's status matches no gold fact of that status."""
    shown = [(recovered(g, fact, ctx), g) for g in gold]
    best, of = max(shown, key=lambda pair: pair[0], default=(0, None))
    if of is not None and best >= 2:
        return f"gold says {of.status}"
    given = {g.id for found, g in shown if found >= 1}
    if len(given) >= 2:
        return "spans gold facts"
    return "one value of a gold fact" if given else "no gold fact"


def missed_cause(
    fact: GoldFact, consensus: Consensus, ctx: ScoringContext, apart: dict[str, str]
) -> str:
    """Why a gold fact of an editor's status is not found with it; `apart` gives, for a
    gold fact whose figures the merge kept apart, the first reason (`evals.apart`)."""
    shown = [(recovered(fact, f, ctx), f) for f in consensus.facts]
    best, of = max(shown, key=lambda pair: pair[0], default=(0, None))
    if of is not None and best >= 2:
        return f"merged as {of.status}"
    found = sum(1 for n, _ in shown if n >= 1)
    if found >= 2:
        return f"kept apart: {apart.get(fact.id, 'values in other facts')}"
    return "one value found" if found else "not found"


def editor_wrongs(
    merge: MergeContext, gold: Sequence[GoldFact], ctx: ScoringContext
) -> list[Wrong]:
    """Every false and missed conflict and revision of one cluster's merge, with its cause."""
    consensus = build_consensus(merge)
    apart: dict[str, str] = {}
    for pair in kept_apart(merge, gold, group_figures(merge)):
        apart.setdefault(pair.fact, pair.reason)
    wrongs: list[Wrong] = []
    for status in STATUSES:
        wanted = [g for g in gold if g.status == status]
        predicted = [f for f in consensus.facts if f.status == status]
        pairs = matched_pairs(wanted, predicted, ctx)
        hit_gold = {gi for gi, _ in pairs}
        hit_fact = {fi for _, fi in pairs}
        wrongs += [
            Wrong(status, "false", false_cause(f, gold, ctx), f.statement)
            for fi, f in enumerate(predicted)
            if fi not in hit_fact
        ]
        wrongs += [
            Wrong(status, "missed", missed_cause(g, consensus, ctx, apart), g.id)
            for gi, g in enumerate(wanted)
            if gi not in hit_gold
        ]
    return wrongs


def cluster_wrongs(paths: Sequence[Path], *, gold: bool) -> Iterator[tuple[Path, list[Wrong]]]:
    """`editor_wrongs` for each built-in cluster, with the no-LLM or the gold records."""
    for path, merge in merged_clusters(paths, gold=gold):
        scoring = ScoringContext(aliases=read_aliases(path))
        yield path, editor_wrongs(merge, read_consensus_gold(path), scoring)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.why_editor", description=(__doc__ or "").split("\n", 1)[0]
    )
    parser.add_argument("--gold", action="store_true", help="merge the gold records")
    parser.add_argument("--list", action="store_true", help="list each dev row")
    args = parser.parse_args(argv)
    counts: dict[str, Counter[tuple[str, str, str]]] = {}
    for split in ("dev", "test"):
        counts[split] = Counter()
        for path, wrongs in cluster_wrongs(cluster_dirs(BUILTIN_DATASETS, split), gold=args.gold):
            counts[split].update((w.status, w.side, w.cause) for w in wrongs)
            if args.list and split == "dev":
                for w in wrongs:
                    print(f"{path.name}  {w.status} {w.side}  {w.cause}: {w.what[:140]}")
    records = "gold records" if args.gold else "no-LLM records"
    print(f"false and missed conflicts and revisions, by cause ({records}):")
    print(f"{'status':12s} {'row':7s} {'cause':40s} {'dev':>5s} {'test':>5s}")
    keys = sorted(set(counts["dev"]) | set(counts["test"]))
    for key in sorted(keys, key=lambda k: (k[0], k[1], -counts["dev"][k] - counts["test"][k], k)):
        status, side, cause = key
        print(
            f"{status:12s} {side:7s} {cause:40s} {counts['dev'][key]:5d} {counts['test'][key]:5d}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
