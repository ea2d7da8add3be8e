"""Scoring lists: gold and predicted items aligned by an optimal assignment."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from evals.scorers.base import SCALAR, SLOT, Counts, Detail, DetailLabel, Score, scorer, unscored

G = TypeVar("G")
Q = TypeVar("Q")


# -- lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alignment:
    """Matched (gold index, predicted index, similarity) pairs of a list score."""

    pairs: tuple[tuple[int, int, float], ...] = ()


@scorer(metrics=SLOT)
def score_list(
    gold: Sequence[G],
    predicted: Sequence[Q],
    similarity: Callable[[G, Q], float],
    *,
    align_at: float,
    credit: Callable[[G, Q, float], float] | None = None,
    describe_gold: Callable[[G], str] = str,
    describe_predicted: Callable[[Q], str] = str,
    recall_only: bool = False,
    what: str = "items",
) -> tuple[Score, Alignment]:
    """Optimal one-to-one assignment (scipy `linear_sum_assignment`) of predicted to gold
    items; pairs with similarity ≥ `align_at` match and earn `credit` (default 1) as TP,
    the rest of a pair is a wrong match. Unmatched predictions are extras (not counted
    when `recall_only`: the gold lists only the main items), unmatched gold items missing.
    The score's value is the case's F1; NaN when both lists are empty.
    """
    if not gold and (recall_only or not predicted):
        return unscored(f"no gold {what}"), Alignment()
    from scipy.optimize import linear_sum_assignment

    matrix = [[similarity(g, p) for p in predicted] for g in gold]
    matched: list[tuple[int, int, float]] = []
    if gold and predicted:
        weights = [[s if s >= align_at else 0.0 for s in row] for row in matrix]
        rows, cols = linear_sum_assignment(weights, maximize=True)
        matched = [
            (int(r), int(c), matrix[r][c])
            for r, c in zip(rows, cols, strict=True)
            if matrix[r][c] >= align_at
        ]
    details: list[Detail] = []
    counts = Counts()
    for gi, pi, sim in matched:
        got = 1.0 if credit is None else credit(gold[gi], predicted[pi], sim)
        counts = counts + Counts(tp=got, wrong=1.0 - got)
        label: DetailLabel = "match" if got >= 1.0 else ("partial" if got > 0 else "wrong")
        details.append(
            Detail(label, describe_gold(gold[gi]), describe_predicted(predicted[pi]),
                   f"credit {got:g}", sim)
        )  # fmt: skip
    used_g = {gi for gi, _, _ in matched}
    used_p = {pi for _, pi, _ in matched}
    for gi, g in enumerate(gold):
        if gi not in used_g:
            counts = counts + Counts(missing=1)
            best = max(matrix[gi], default=0.0)
            details.append(Detail("missing", describe_gold(g), None, f"best similarity {best:.2f}"))
    for pi, p in enumerate(predicted):
        if pi not in used_p:
            if not recall_only:
                counts = counts + Counts(extra=1)
            details.append(
                Detail("note" if recall_only else "extra", None, describe_predicted(p),
                       "not in the gold list" if recall_only else "no gold item matches")
            )  # fmt: skip
    value = counts.recall if recall_only else counts.f1
    explanation = (
        f"{what}: {counts.tp:g} TP, {counts.wrong:g} wrong, {counts.extra:g} extra, "
        f"{counts.missing:g} missing of {len(gold)} gold / {len(predicted)} predicted"
        + (" (recall only)" if recall_only else "")
    )
    return Score(value, explanation, counts, tuple(details)), Alignment(tuple(matched))


@scorer(metrics=SCALAR)
def score_pairs(
    gold: Sequence[G],
    predicted: Sequence[Q],
    alignment: Alignment,
    check: Callable[[G, Q], float | None],
    *,
    what: str,
    describe: Callable[[G, Q], tuple[str | None, str | None]] = lambda g, q: (None, None),
) -> Score:
    """Accuracy of one attribute over matched pairs; `check` returns None to skip a pair
    (neither side states the attribute). NaN when no pair is checked."""
    results: list[float] = []
    details: list[Detail] = []
    for gi, pi, _ in alignment.pairs:
        got = check(gold[gi], predicted[pi])
        if got is None:
            continue
        results.append(got)
        if got < 1.0:
            g_text, p_text = describe(gold[gi], predicted[pi])
            details.append(Detail("mismatch", g_text, p_text, f"{what} credit {got:g}"))
    if not results:
        return unscored(f"no matched item states {what}")
    value = sum(results) / len(results)
    return Score(
        value,
        f"{what}: {sum(results):g}/{len(results)} matched items right",
        Counts(tp=sum(results), wrong=len(results) - sum(results)),
        tuple(details),
    )
