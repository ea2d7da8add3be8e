"""Scores, their counts and details, and the metrics that aggregate them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, ParamSpec, TypeVar

SCORER_VERSION: Final = "1.2.0"
"""Bump when any scorer changes what it returns: reports and baselines record it."""

NAN: Final = float("nan")

P = ParamSpec("P")
R = TypeVar("R")


# -- scores ---------------------------------------------------------------------------------


def ratio(num: float, den: float) -> float:
    return num / den if den > 0 else NAN


@dataclass(frozen=True)
class Counts:
    """Item counts behind a list score: matched credit, wrong matches, extras, misses."""

    tp: float = 0.0
    wrong: float = 0.0
    extra: float = 0.0
    missing: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.tp + other.tp,
            self.wrong + other.wrong,
            self.extra + other.extra,
            self.missing + other.missing,
        )

    @property
    def precision(self) -> float:
        """TP over everything predicted; NaN when nothing was predicted."""
        return ratio(self.tp, self.tp + self.wrong + self.extra)

    @property
    def recall(self) -> float:
        """TP over everything in the gold; NaN when the gold is empty."""
        return ratio(self.tp, self.tp + self.wrong + self.missing)

    @property
    def f1(self) -> float:
        """Harmonic mean of P and R; 0 when one side is empty and the other not."""
        p, r = self.precision, self.recall
        if math.isnan(p) and math.isnan(r):
            return NAN
        p, r = (0.0 if math.isnan(p) else p), (0.0 if math.isnan(r) else r)
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def to_json(self) -> dict[str, float]:
        return {"tp": self.tp, "wrong": self.wrong, "extra": self.extra, "missing": self.missing}


DetailLabel = Literal["match", "partial", "wrong", "extra", "missing", "mismatch", "note"]


@dataclass(frozen=True)
class Detail:
    """One gold/predicted pair (or lone item) of a score, for the per-case report."""

    label: DetailLabel
    gold: str | None
    predicted: str | None
    reason: str = ""
    similarity: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "gold": self.gold,
            "predicted": self.predicted,
            "reason": self.reason,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
        }


@dataclass(frozen=True)
class Score:
    """A scorer's verdict: `value` in [0, 1] or NaN for 'not scored'."""

    value: float
    explanation: str
    counts: Counts | None = None
    details: tuple[Detail, ...] = ()

    @property
    def scored(self) -> bool:
        return not math.isnan(self.value)

    def to_json(self) -> dict[str, Any]:
        return {
            "value": None if math.isnan(self.value) else round(self.value, 6),
            "explanation": self.explanation,
            "counts": self.counts.to_json() if self.counts else None,
            "details": [d.to_json() for d in self.details],
        }


def unscored(why: str) -> Score:
    """A NaN score: the gold gives nothing to compare against."""
    return Score(NAN, why)


# -- metrics --------------------------------------------------------------------------------

Metric = Callable[[Sequence[Score]], float]


def mean(scores: Sequence[Score]) -> float:
    """Mean of the scored values (NaN excluded); NaN when none is scored."""
    values = [s.value for s in scores if s.scored]
    return sum(values) / len(values) if values else NAN


def _total(scores: Sequence[Score]) -> Counts | None:
    counted = [s.counts for s in scores if s.counts is not None]
    if not counted:
        return None
    total = Counts()
    for c in counted:
        total = total + c
    return total


def precision(scores: Sequence[Score]) -> float:
    """Micro precision over the summed counts."""
    total = _total(scores)
    return total.precision if total else NAN


def recall(scores: Sequence[Score]) -> float:
    """Micro recall over the summed counts."""
    total = _total(scores)
    return total.recall if total else NAN


def f1(scores: Sequence[Score]) -> float:
    """Micro F1 over the summed counts."""
    total = _total(scores)
    return total.f1 if total else NAN


def scored(scores: Sequence[Score]) -> float:
    """How many scores are not NaN."""
    return float(sum(1 for s in scores if s.scored))


METRICS: Final[dict[str, Metric]] = {
    "n": scored,
    "mean": mean,
    "precision": precision,
    "recall": recall,
    "f1": f1,
}
"""Every metric a scorer may declare, by name."""

DECLARED: dict[str, tuple[str, ...]] = {}
"""Scorer function name → the metrics it declared."""

SCALAR: Final = ("n", "mean")
SLOT: Final = ("n", "mean", "precision", "recall", "f1")


def scorer(*, metrics: Sequence[str]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare the metrics a scorer's scores are aggregated with (inspect_ai style)."""
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}; known: {sorted(METRICS)}")

    def register(fn: Callable[P, R]) -> Callable[P, R]:
        DECLARED[fn.__name__] = tuple(metrics)
        return fn

    return register


def aggregate(scores: Sequence[Score], metrics: Sequence[str]) -> dict[str, float]:
    """Apply declared metrics to a field's scores across cases."""
    return {name: METRICS[name](scores) for name in metrics}
