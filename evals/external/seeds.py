"""The seed articles (`../shared/seeds`, hand labels in `evals/seeds_gold.json`).

See `evals.external` for what is scored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from evals.scorers import (
    SCALAR,
    SLOT,
    AliasTable,
    Case,
    Cluster,
    Counts,
    Embedder,
    Score,
    ScoringContext,
    actor_names,
    describe_figure,
    figure_of,
    names_similarity,
    number_credit,
    optional_date_credit,
    quantity_similarity,
    score_date,
    score_entity,
    score_grounding,
    score_list,
    score_pairs,
    tokens,
    unscored,
)
from schemas.record import EventRecord, EventType, Hedge, Quantity
from service.errors import InputError
from service.inputs import read_article

# -- seeds ------------------------------------------------------------------------------------

SEED_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "headline": SCALAR,
    "event_type": SLOT,
    "when": SLOT,
    "where": SLOT,
    "actors": SLOT,
    "quantities": SLOT,
    "quantities.hedge": SCALAR,
    "quantities.as_of": SCALAR,
    "quote_speakers": SLOT,
    "grounding_rate": SCALAR,
}


HEADLINE_WORDS: Final = 20
"""Seed headlines longer than this many words lose keyword credit in proportion."""


class SeedQuantity(BaseModel):
    """One labelled figure: what it counts in our own words, its hedge and time."""

    model_config = ConfigDict(extra="forbid")

    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    counted: str
    hedge: Hedge = "exact"
    ordinal: bool = False
    as_of: str | None = None

    def to_quantity(self) -> Quantity:
        return Quantity(
            value=self.value, low=self.low, high=self.high, unit=self.unit,
            counted=self.counted, hedge=self.hedge, ordinal=self.ordinal, as_of=self.as_of,
            grounded=True,
        )  # fmt: skip


class SeedLabels(BaseModel):
    """Hand labels for one seed article (labels only: no text from the article)."""

    model_config = ConfigDict(extra="forbid")

    headline_keywords: list[list[str]] = Field(
        description="Groups of alternatives; each group should appear in the headline."
    )
    event_type: list[EventType]
    when: str | None = None
    where: str | None = None
    actors: list[str] = Field(default_factory=list, description="Main actors, canonical names.")
    quantities: list[SeedQuantity] = Field(default_factory=list)
    quote_speakers: list[str] = Field(default_factory=list)


class SeedsGold(BaseModel):
    """`evals/seeds_gold.json`."""

    model_config = ConfigDict(extra="forbid")

    published_at: date
    note: str = ""
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    articles: dict[str, SeedLabels]


def _keyword_hit(alternatives: Sequence[str], headline: Sequence[str]) -> bool:
    for alternative in alternatives:
        want = tokens(alternative)
        n = len(want)
        for i in range(len(headline) - n + 1):
            window = headline[i : i + n]
            if all(
                h == w or (len(w) >= 4 and h.startswith(w))
                for h, w in zip(window, want, strict=True)
            ):
                return True
    return False


def score_seed_record(
    predicted: EventRecord, labels: SeedLabels, ctx: ScoringContext
) -> dict[str, Score]:
    """The labelled fields of one seed article (see the module docstring)."""
    out: dict[str, Score] = {}
    headline = tokens(predicted.headline)
    groups = labels.headline_keywords
    if groups:
        hits = [g for g in groups if _keyword_hit(g, headline)]
        # A run-on "headline" (boilerplate + lead) contains every keyword: scale it down.
        brevity = min(1.0, HEADLINE_WORDS / len(headline)) if headline else 0.0
        out["headline"] = Score(
            len(hits) / len(groups) * brevity,
            f"{len(hits)}/{len(groups)} keyword groups in {predicted.headline[:80]!r}"
            + (f" ({len(headline)} words, x{brevity:.2f})" if brevity < 1 else ""),
        )
    else:
        out["headline"] = unscored("no headline keywords")
    ok = predicted.event_type in labels.event_type
    out["event_type"] = Score(
        1.0 if ok else 0.0,
        f"{predicted.event_type.value} {'in' if ok else 'not in'} "
        f"{[t.value for t in labels.event_type]}",
        Counts(tp=1) if ok else Counts(wrong=1),
    )
    out["when"] = score_date(labels.when, predicted.when.date if predicted.when else None)
    out["where"] = score_entity(
        labels.where, predicted.where.name if predicted.where else None, ctx.aliases,
        threshold=ctx.name_match,
    )  # fmt: skip
    out["actors"], _ = score_list(
        labels.actors,
        predicted.actors,
        lambda g, p: names_similarity(
            [g], actor_names(p.canonical_name, p.name, p.aliases), ctx.aliases
        ),
        align_at=ctx.name_match,
        describe_predicted=lambda p: p.canonical_name or p.name,
        recall_only=True,
        what="main actors",
    )
    gold_q = [q.to_quantity() for q in labels.quantities]
    quantities, alignment = score_list(
        gold_q,
        predicted.quantities,
        lambda g, p: quantity_similarity(g, p, ctx.rel_tol),
        align_at=0.5,
        credit=lambda g, p, _s: number_credit(figure_of(g), figure_of(p), ctx.rel_tol),
        describe_gold=lambda q: f"{describe_figure(q)} {q.counted}",
        describe_predicted=lambda q: f"{describe_figure(q)} {q.phrase!r}",
        what="quantities",
    )
    out["quantities"] = quantities
    out["quantities.hedge"] = score_pairs(
        gold_q, predicted.quantities, alignment, lambda g, p: 1.0 if g.hedge == p.hedge else 0.0,
        what="hedge", describe=lambda g, p: (g.hedge, p.hedge),
    )  # fmt: skip
    out["quantities.as_of"] = score_pairs(
        gold_q, predicted.quantities, alignment,
        lambda g, p: optional_date_credit(g.as_of, p.as_of),
        what="as_of", describe=lambda g, p: (g.as_of, p.as_of),
    )  # fmt: skip
    out["quote_speakers"], _ = score_list(
        labels.quote_speakers,
        predicted.quotes,
        lambda g, p: ctx.aliases.similarity(g, p.speaker) if p.speaker else 0.0,
        align_at=ctx.name_match,
        describe_predicted=lambda p: f"{p.speaker}: {p.text[:60]!r}",
        recall_only=True,
        what="quote speakers",
    )
    out["grounding_rate"] = score_grounding(predicted)
    return out


def is_seeds(path: Path, gold_path: Path) -> bool:
    """A folder holding text files named like the keys of the seeds gold file."""
    if not path.is_dir() or not gold_path.is_file():
        return False
    try:
        keys = set(json.loads(gold_path.read_text(encoding="utf-8")).get("articles", {}))
    except (OSError, json.JSONDecodeError):
        return False
    return any((path / f"{key}.txt").is_file() for key in keys)


def load_seeds(
    path: Path,
    gold_path: Path,
    *,
    limit_docs: int | None = None,
    embedder: Embedder | None = None,
) -> list[Cluster]:
    """The seed articles with our labels, as one cluster (record scores only)."""
    try:
        gold = SeedsGold.model_validate_json(gold_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InputError(f"{gold_path}: {exc}", source=str(gold_path)) from exc
    ctx = ScoringContext(aliases=AliasTable(gold.aliases), embedder=embedder)
    cases: list[Case] = []
    for key, labels in sorted(gold.articles.items()):
        file = path / f"{key}.txt"
        if not file.is_file():
            continue
        # Read as `corroborate` reads a plain-text file (its heading line is the title).
        article = read_article(file, published_at=gold.published_at).model_copy(update={"id": key})

        def score(predicted: EventRecord, labels: SeedLabels = labels) -> dict[str, Score]:
            return score_seed_record(predicted, labels, ctx)

        cases.append(
            Case(
                case_id=key,
                article=article,
                score=score,
                fields=SEED_FIELDS,
                gold=labels.model_dump(mode="json"),
            )
        )
    return [Cluster(suite="seeds", name="seeds", cases=tuple(cases[:limit_docs]))]
