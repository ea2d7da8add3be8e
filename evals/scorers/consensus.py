"""Scoring a consensus against the consensus gold: facts, statuses, outlets, citations."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from evals.scorers.base import DECLARED, SCALAR, SLOT, Counts, Detail, Score, scorer, unscored
from evals.scorers.lists import score_list
from evals.scorers.text import STOPWORDS, ScoringContext, similarity
from evals.scorers.values import date_precision, number_credit
from schemas.consensus import Consensus, Fact, FactKind, FactStatus
from service.text.fold import plain

# -- consensus ------------------------------------------------------------------------------


class GoldFactValue(BaseModel):
    """One value of a hand-labelled consensus fact (`consensus_gold.json`)."""

    model_config = ConfigDict(extra="forbid")

    value: float | str | None = None
    low: float | None = None
    high: float | None = None
    hedge: str | None = None
    outlets: list[str] = Field(default_factory=list)
    as_of: str | None = None
    source: str | None = None
    """Who gives this value, as the outlets name it ('police', 'the organisers')."""


class GoldFact(BaseModel):
    """A hand-labelled consensus fact."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: FactKind
    statement: str
    status: FactStatus
    outlets: list[str]
    values: list[GoldFactValue]
    upstream: list[str] = Field(default_factory=list)


STATUSES: Final[tuple[FactStatus, ...]] = (
    "agreed",
    "compatible",
    "conflicting",
    "revised",
    "single_source",
)

CONSENSUS_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "consensus.fact_recall": DECLARED["score_list"],
    "consensus.status": SCALAR,
    **{f"consensus.status.{s}": SLOT for s in STATUSES},
    "consensus.outlets": SCALAR,
    "consensus.citations": SLOT,
    "consensus.narrative_kept": SCALAR,
}
"""Every field `score_consensus` returns, with its metrics."""


def _jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = {plain(x) for x in a}, {plain(x) for x in b}
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def _numbers(fact: Fact) -> list[tuple[float | None, float | None, float | None]]:
    return [(v.value, v.low, v.high) for v in fact.values]


def _gold_number(v: GoldFactValue) -> tuple[float | None, float | None, float | None]:
    number = v.value if isinstance(v.value, int | float) else None
    return (float(number) if number is not None else None, v.low, v.high)


def _value_overlap(credits: list[list[float]]) -> float:
    """F1-like overlap of two value sets from a gold-by-predicted credit matrix."""
    if not credits or not credits[0]:
        return 0.0
    r = sum(max(row) for row in credits) / len(credits)
    p = sum(max(col) for col in zip(*credits, strict=True)) / len(credits[0])
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def fact_similarity(gold: GoldFact, fact: Fact, ctx: ScoringContext) -> float:
    """How well a predicted fact stands for a gold fact: same kind, then values, outlets
    and statement (weights by kind); 0 when the kinds differ or no value agrees."""
    if gold.kind != fact.kind:
        return 0.0
    outlets = _jaccard(gold.outlets, fact.outlets)
    texts = [v.text for v in fact.values]
    statement = max(
        similarity(gold.statement, f"{fact.statement} {fact.key}", drop=STOPWORDS),
        *(similarity(str(v.value or ""), t, drop=STOPWORDS) for v in gold.values for t in texts),
    )
    if gold.kind == "quantity":
        credits = [
            [number_credit(_gold_number(g), p, ctx.rel_tol) for p in _numbers(fact)]
            for g in gold.values
        ]
        values = _value_overlap(credits)
        return 0.0 if values == 0 else 0.45 * values + 0.35 * outlets + 0.2 * statement
    if gold.kind == "date":
        credits = [[_date_overlap(str(g.value or ""), t) for t in texts] for g in gold.values]
        values = _value_overlap(credits)
        return 0.0 if values == 0 else 0.45 * values + 0.35 * outlets + 0.2 * statement
    if gold.kind in ("actor", "place"):
        values = max(
            (
                max(ctx.aliases.similarity(str(g.value or ""), t),
                    ctx.aliases.similarity(str(g.value or "").split(",")[0], t.split(",")[0]))
                for g in gold.values for t in texts
            ),
            default=0.0,
        )  # fmt: skip
        return 0.0 if values < ctx.name_match else 0.6 * values + 0.4 * outlets
    if gold.kind == "quote":
        values = max(
            (similarity(str(g.value or ""), t) for g in gold.values for t in texts), default=0.0
        )
        return 0.0 if values < 0.5 else 0.6 * values + 0.4 * outlets
    return 0.0 if statement < 0.25 else 0.6 * statement + 0.4 * outlets


def _date_overlap(gold: str, predicted: str) -> float:
    g, p = gold.strip(), predicted.strip()[:10]
    if not g or date_precision(g) is None or date_precision(p) is None:
        return 0.0
    if g == p:
        return 1.0
    return 0.5 if g.startswith(p) or p.startswith(g) else 0.0


def score_narrative_kept(consensus: Consensus) -> Score:
    """1 when the model's narrative was kept (most of its sentences passed the checks; the
    ones shown are its checked sentences, with template sentences for the confident
    findings it left out), 0 when the template stood in for it (the checks refused it, or
    the call failed); unscored when no model was asked (a no-LLM run, or nothing to
    narrate)."""
    if consensus.narrative_mode == "llm":
        by_model = sum(1 for s in consensus.narrative if s.written_by == "llm")
        return Score(
            1.0,
            f"the model's narrative was kept: {by_model} of {len(consensus.narrative)} "
            "sentences by the model",
        )
    detail = consensus.narrative_detail or ""
    if consensus.narrative_mode == "template" and detail != "no LLM":
        return Score(0.0, f"template narrative: {detail[:200]}")
    return unscored(f"no model narrative asked ({detail or consensus.narrative_mode})")


@scorer(metrics=SLOT)
def score_citations(consensus: Consensus) -> Score:
    """Narrative citation precision: a sentence is right when every outlet it cites gives
    one of the facts it names. NaN when no sentence cites an outlet."""
    outlets_of = {fact.id: {plain(o) for o in fact.outlets} for fact in consensus.facts}
    right = wrong = 0
    details: list[Detail] = []
    for sentence in consensus.narrative:
        if not sentence.cited_outlets:
            continue
        allowed: set[str] = set()
        for fact_id in sentence.fact_ids:
            allowed |= outlets_of.get(fact_id, set())
        stray = [o for o in sentence.cited_outlets if plain(o) not in allowed]
        if stray:
            wrong += 1
            details.append(
                Detail("wrong", None, sentence.text[:160], f"cites {stray} beyond its facts")
            )
        else:
            right += 1
    if right + wrong == 0:
        return unscored("no narrative sentence cites an outlet")
    return Score(
        right / (right + wrong),
        f"{right}/{right + wrong} citing sentences cite only their facts' outlets",
        Counts(tp=right, wrong=wrong),
        tuple(details),
    )


def score_consensus(
    gold: Sequence[GoldFact], consensus: Consensus, ctx: ScoringContext
) -> dict[str, Score]:
    """Every field of `CONSENSUS_FIELDS`: facts aligned, status F1 per status, citations."""
    facts = list(consensus.facts)
    if not gold:
        empty = {name: unscored("no consensus gold") for name in CONSENSUS_FIELDS}
        empty["consensus.citations"] = score_citations(consensus)
        empty["consensus.narrative_kept"] = score_narrative_kept(consensus)
        return empty
    found, alignment = score_list(
        gold,
        facts,
        lambda g, f: fact_similarity(g, f, ctx),
        align_at=0.45,
        describe_gold=lambda g: f"{g.id} [{g.status}] {g.statement[:100]}",
        describe_predicted=lambda f: f"[{f.status}] {f.statement[:100]}",
        recall_only=True,
        what="gold facts",
    )
    matched = {gi: facts[pi] for gi, pi, _ in alignment.pairs}
    out: dict[str, Score] = {"consensus.fact_recall": found}
    per_status: list[float] = []
    for status in STATUSES:
        counts = Counts()
        details: list[Detail] = []
        for gi, g in enumerate(gold):
            fact = matched.get(gi)
            got = fact.status if fact else None
            if g.status == status and got == status:
                counts = counts + Counts(tp=1)
            elif g.status == status:
                counts = counts + Counts(missing=1)
                details.append(Detail("missing", g.id, got or "(no fact)", f"gold {status}"))
            elif got == status:
                counts = counts + Counts(extra=1)
                details.append(Detail("extra", g.id, got, f"gold {g.status}"))
        value = counts.f1
        if not math.isnan(value):
            per_status.append(value)
        out[f"consensus.status.{status}"] = Score(
            value,
            f"{status}: {counts.tp:g} TP, {counts.extra:g} FP, {counts.missing:g} FN",
            counts,
            tuple(details),
        )
    out["consensus.status"] = (
        Score(sum(per_status) / len(per_status), f"macro F1 over {len(per_status)} statuses")
        if per_status
        else unscored("no status to score")
    )
    jaccards = [_jaccard(gold[gi].outlets, facts[pi].outlets) for gi, pi, _ in alignment.pairs]
    out["consensus.outlets"] = (
        Score(sum(jaccards) / len(jaccards), f"mean outlet Jaccard over {len(jaccards)} facts")
        if jaccards
        else unscored("no fact aligned")
    )
    out["consensus.citations"] = score_citations(consensus)
    out["consensus.narrative_kept"] = score_narrative_kept(consensus)
    return out
