"""What the merge flags on real coverage it was never tuned on, for reading.

ECB+ (`../shared/external/ecbplus`) holds real clusters of 2008-2013 news, none of which
the merge was tuned on, but no gold for conflicts or revisions. This prints, for each
cluster, every fact the merge calls `conflicting` or `revised` from mined records (no
LLM), then how many facts of each kind got each status:

    python -m evals.flagged [PATH ...]      (default: ../shared/external/ecbplus)
    make flagged

Read the flags: one you judge false ('22 miles' against '35 km', 'he' against the name
of the speaker) is a general mistake to look for on dev data, and its class is what a
fix must address. The counts go in a closing note beside the editor scores; they are
not a score (nothing says which flags are true).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final, TextIO

from evals.external.ecbplus import is_ecbplus, load_ecbplus
from schemas.consensus import Consensus
from service.errors import InputError
from service.merge import merge_records
from service.pipeline import Pipeline
from service.settings import Settings

DEFAULT_PATH: Final = Path(__file__).resolve().parents[1].parent / "shared/external/ecbplus"
FLAGGED: Final = ("conflicting", "revised")


def flagged(paths: Sequence[Path]) -> Iterator[tuple[str, Consensus]]:
    """(cluster id, consensus of its mined records) for every ECB+ cluster under `paths`."""
    pipe = Pipeline(Settings(_env_file=None), None)
    for path in paths:
        if not is_ecbplus(path):
            raise InputError(f"{path}: not an ECB+ folder (index.json or gold.json expected)")
        for cluster in load_ecbplus(path):
            articles = [case.article for case in cluster.cases]
            if len(articles) < 2:
                continue
            records = [pipe.extract(article) for article in articles]
            yield cluster.name, merge_records(records, articles=articles)


def report(paths: Sequence[Path], out: TextIO) -> Counter[tuple[str, str]]:
    """Write each cluster's flagged facts to `out`; return the counts by (kind, status)."""
    counts: Counter[tuple[str, str]] = Counter()
    clusters = 0
    for name, consensus in flagged(paths):
        clusters += 1
        for fact in consensus.facts:
            counts[(fact.kind, fact.status)] += 1
            if fact.status in FLAGGED:
                out.write(f"{name}\t{fact.kind}\t{fact.status}\t{fact.statement}\n")
    out.write(f"\n{clusters} clusters; facts by kind and status:\n")
    for kind in sorted({k for k, _ in counts}):
        row = ", ".join(f"{s} {counts[(k, s)]}" for k, s in sorted(counts) if k == kind)
        out.write(f"  {kind}: {row}\n")
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.flagged", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_PATH])
    args = parser.parse_args(argv)
    try:
        report(args.paths, sys.stdout)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
