"""What the runner scores: cases (an article and its gold) and clusters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from evals.scorers.base import Score
from evals.scorers.records import score_record
from evals.scorers.text import ScoringContext
from schemas.article import Article
from schemas.consensus import Consensus
from schemas.record import EventRecord

# -- tasks: what the runner scores ----------------------------------------------------------

RecordScorer = Callable[[EventRecord], dict[str, Score]]
ConsensusScorer = Callable[[Consensus], dict[str, Score]]


@dataclass(frozen=True)
class Case:
    """One article with its gold and the scorer that compares a prediction to it."""

    case_id: str
    article: Article
    score: RecordScorer
    fields: Mapping[str, tuple[str, ...]]
    """The fields `score` returns, with their metrics."""
    gold: Any = None
    """The gold, JSON-able, for the per-case report."""


@dataclass(frozen=True)
class Cluster:
    """Articles about one event, scored one by one and then merged."""

    suite: str
    """'builtin', 'ecbplus' or 'seeds'."""
    name: str
    cases: tuple[Case, ...]
    score_consensus: ConsensusScorer | None = None
    consensus_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    gold_records: tuple[EventRecord, ...] = ()
    """Gold records merged on their own, to score the merge engine apart from extraction."""
    split: str | None = None
    """'dev', 'test' (held out) or None (an ad-hoc path, an external dataset)."""

    @property
    def key(self) -> str:
        """Id across suites, and cassette folder: 'kim-beijing-2025', 'ecbplus/t33_ecb'."""
        if self.suite in ("builtin", self.name):
            return self.name
        return f"{self.suite}/{self.name}"


def builtin_record_scorer(gold: EventRecord, ctx: ScoringContext) -> RecordScorer:
    """A record scorer bound to one gold record."""
    return lambda predicted: score_record(gold, predicted, ctx)
