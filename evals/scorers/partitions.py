"""Scores of a clustering against gold groups: B-cubed precision/recall/F1 and the
adjusted Rand index (Hubert and Arabie, 1985).

Both take two labellings of the same items (`predicted[i]`, `gold[i]`). B-cubed averages,
per item, how much of its predicted cluster shares its gold group (precision) and how much
of its gold group shares its predicted cluster (recall). ARI is 1 for identical
partitions and about 0 for chance agreement (it may go below 0).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PartitionScores:
    """How well a predicted partition matches the gold one."""

    bcubed_p: float
    bcubed_r: float
    bcubed_f1: float
    ari: float
    clusters: int
    gold_groups: int


def _pairs(n: int) -> float:
    return n * (n - 1) / 2


def score_partition(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> PartitionScores:
    """B-cubed P/R/F1 and ARI of `predicted` against `gold` (same length, same items)."""
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predicted labels for {len(gold)} gold labels")
    n = len(gold)
    if n == 0:
        raise ValueError("no items to score")
    cells = Counter(zip(predicted, gold, strict=True))
    sizes_p = Counter(predicted)
    sizes_g = Counter(gold)
    # B-cubed: each item of cell (p, g) scores |cell| / |p| and |cell| / |g|.
    precision = sum(c * c / sizes_p[p] for (p, _), c in cells.items()) / n
    recall = sum(c * c / sizes_g[g] for (_, g), c in cells.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    index = sum(_pairs(c) for c in cells.values())
    sum_p = sum(_pairs(c) for c in sizes_p.values())
    sum_g = sum(_pairs(c) for c in sizes_g.values())
    total = _pairs(n)
    expected = sum_p * sum_g / total if total else 0.0
    maximum = (sum_p + sum_g) / 2
    ari = 1.0 if maximum == expected else (index - expected) / (maximum - expected)
    return PartitionScores(
        bcubed_p=precision,
        bcubed_r=recall,
        bcubed_f1=f1,
        ari=ari,
        clusters=len(sizes_p),
        gold_groups=len(sizes_g),
    )
