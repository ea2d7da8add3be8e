"""Scoring an event record against its gold, field by field."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final, Literal

from evals.scorers.base import DECLARED, Score
from evals.scorers.lists import Alignment, score_list, score_pairs
from evals.scorers.text import STOPWORDS, AliasTable, ScoringContext, similarity
from evals.scorers.values import (
    date_credit,
    number_credit,
    score_cosine,
    score_date,
    score_entity,
    score_exact,
    score_grounding,
    score_token_f1,
)
from schemas.record import EventRecord, Quantity
from service.merge.frames import entity_of, happening_stems, happenings_in

# -- record ---------------------------------------------------------------------------------


def optional_entity_credit(
    g: str | None, p: str | None, aliases: AliasTable, threshold: float
) -> float | None:
    if g is None and p is None:
        return None
    if g is None or p is None:
        return 0.0
    return 1.0 if aliases.similarity(g, p) >= threshold else 0.0


def frame_entity_credit(g: str, p: str) -> float | None:
    """What a figure counts, compared as the merge compares it: the counted noun's class or
    singular word ('people' and 'dead' are both persons). None when neither names one;
    0 when only one does."""
    if not g.strip() and not p.strip():
        return None
    if not g.strip() or not p.strip():
        return 0.0
    return 1.0 if entity_of(g)[0] == entity_of(p)[0] else 0.0


def frame_happening_credit(g: Quantity, p: Quantity) -> float | None:
    """What happened to the counted things as the merge reads it: the happening's classes
    ('killed' and 'died' are one) with the one its counted noun implies ('270 deaths'),
    else the happening's word stems. None when neither says; 0 when only one does (a
    happening where the gold says nothing happened is as wrong as a missing one)."""
    gold_classes, got_classes = _happening_classes(g), _happening_classes(p)
    gold_said, got_said = (
        bool(gold_classes or g.happening.strip()),
        bool(got_classes or p.happening.strip()),
    )
    if not gold_said and not got_said:
        return None
    if not gold_said or not got_said:
        return 0.0
    if gold_classes and got_classes:
        return 1.0 if gold_classes & got_classes else 0.0
    return 1.0 if happening_stems(g.happening) & happening_stems(p.happening) else 0.0


def _happening_classes(q: Quantity) -> frozenset[str]:
    implied = entity_of(q.entity)[1] if q.entity.strip() else ""
    return happenings_in(q.happening) | ({implied} if implied else set())


def optional_date_credit(g: str | None, p: str | None) -> float | None:
    if g is None and p is None:
        return None
    if g is None or p is None:
        return 0.0
    credit, _ = date_credit(g, p)
    return None if math.isnan(credit) else credit


def figure_of(q: Quantity) -> tuple[float | None, float | None, float | None]:
    return (q.value, q.low, q.high)


def describe_figure(q: Quantity) -> str:
    """'2000 soldiers [about]' or '20-24 hours [range]'."""
    if q.value is None and q.low is not None and q.high is not None:
        figure = f"{q.low:g}-{q.high:g}"
    else:
        figure = f"{q.value:g}" if q.value is not None else "?"
    return f"{figure} {q.unit} [{q.hedge}]".replace("  ", " ")


def describe_quantity(q: Quantity) -> str:
    return f"{describe_figure(q)} {q.counted!r}"


def quantity_similarity(g: Quantity, p: Quantity, rel_tol: float = 0.01) -> float:
    """½ figure credit + ½ what-is-counted similarity (counted + unit, or the phrase)."""
    number = number_credit(figure_of(g), figure_of(p), rel_tol)
    described = max(
        similarity(f"{g.counted} {g.unit}", f"{p.counted} {p.unit}", drop=STOPWORDS),
        similarity(g.phrase, p.phrase),
    )
    return 0.5 * number + 0.5 * described


def actor_names(canonical: str, name: str, aliases: Sequence[str]) -> list[str]:
    """Every form an actor goes by, canonical first, without duplicates."""
    seen: dict[str, None] = {}
    for n in (canonical, name, *aliases):
        if n and n.strip():
            seen.setdefault(n, None)
    return list(seen)


def names_similarity(a: Sequence[str], b: Sequence[str], aliases: AliasTable) -> float:
    """Best entity similarity between any two forms of two parties."""
    return max((aliases.similarity(x, y) for x in a for y in b), default=0.0)


ListFieldName = Literal["actors", "quantities", "quotes", "claims", "sub_events"]

RECORD_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "headline": DECLARED["score_token_f1"],
    "event_type": DECLARED["score_exact"],
    "when": DECLARED["score_date"],
    "where": DECLARED["score_entity"],
    "summary": DECLARED["score_token_f1"],
    "summary_cosine": DECLARED["score_cosine"],
    "actors": DECLARED["score_list"],
    "quantities": DECLARED["score_list"],
    "quantities.hedge": DECLARED["score_pairs"],
    "quantities.as_of": DECLARED["score_pairs"],
    "quantities.attributed_to": DECLARED["score_pairs"],
    "quantities.entity": DECLARED["score_pairs"],
    "quantities.happening": DECLARED["score_pairs"],
    "quotes": DECLARED["score_list"],
    "quotes.speaker": DECLARED["score_pairs"],
    "claims": DECLARED["score_list"],
    "claims.according_to": DECLARED["score_pairs"],
    "sub_events": DECLARED["score_list"],
    "sub_events.when": DECLARED["score_pairs"],
    "grounding_rate": DECLARED["score_grounding"],
}
"""Every field `score_record` returns, with the metrics it is aggregated with."""


def score_actors(
    gold: Sequence[Any], predicted: Sequence[Any], ctx: ScoringContext, *, recall_only: bool = False
) -> tuple[Score, Alignment]:
    """Actors matched by canonical name, name and aliases through the alias table."""

    def names(a: Any) -> list[str]:
        return actor_names(a.canonical_name, a.name, a.aliases)

    return score_list(
        gold,
        predicted,
        lambda g, p: names_similarity(names(g), names(p), ctx.aliases),
        align_at=ctx.name_match,
        describe_gold=lambda a: a.canonical_name,
        describe_predicted=lambda a: a.canonical_name or a.name,
        recall_only=recall_only,
        what="actors",
    )


def score_quantities(
    gold: Sequence[Quantity], predicted: Sequence[Quantity], ctx: ScoringContext
) -> dict[str, Score]:
    """Quantities and their hedge / as_of / attributed_to / entity / happening sub-scores."""
    list_score, alignment = score_list(
        gold,
        predicted,
        lambda g, p: quantity_similarity(g, p, ctx.rel_tol),
        align_at=0.5,
        credit=lambda g, p, _s: number_credit(figure_of(g), figure_of(p), ctx.rel_tol),
        describe_gold=describe_quantity,
        describe_predicted=describe_quantity,
        what="quantities",
    )
    return {
        "quantities": list_score,
        "quantities.hedge": score_pairs(
            gold, predicted, alignment, lambda g, p: 1.0 if g.hedge == p.hedge else 0.0,
            what="hedge", describe=lambda g, p: (g.hedge, p.hedge),
        ),
        "quantities.as_of": score_pairs(
            gold, predicted, alignment, lambda g, p: optional_date_credit(g.as_of, p.as_of),
            what="as_of", describe=lambda g, p: (g.as_of, p.as_of),
        ),
        "quantities.attributed_to": score_pairs(
            gold, predicted, alignment,
            lambda g, p: optional_entity_credit(g.attributed_to, p.attributed_to, ctx.aliases,
                                          ctx.name_match),
            what="attributed_to", describe=lambda g, p: (g.attributed_to, p.attributed_to),
        ),
        "quantities.entity": score_pairs(
            gold, predicted, alignment, lambda g, p: frame_entity_credit(g.entity, p.entity),
            what="entity", describe=lambda g, p: (g.entity, p.entity),
        ),
        "quantities.happening": score_pairs(
            gold, predicted, alignment,
            lambda g, p: frame_happening_credit(g, p),
            what="happening", describe=lambda g, p: (g.happening, p.happening),
        ),
    }  # fmt: skip


def score_record(
    gold: EventRecord, predicted: EventRecord, ctx: ScoringContext
) -> dict[str, Score]:
    """Every field of `RECORD_FIELDS` for one article: gold record vs predicted record."""
    out: dict[str, Score] = {
        "headline": score_token_f1(gold.headline, predicted.headline),
        "event_type": score_exact(gold.event_type.value, predicted.event_type.value),
        "when": score_date(
            gold.when.date if gold.when else None, predicted.when.date if predicted.when else None
        ),
        "where": score_entity(
            gold.where.name if gold.where else None,
            predicted.where.name if predicted.where else None,
            ctx.aliases,
            threshold=ctx.name_match,
        ),
        "summary": score_token_f1(gold.summary, predicted.summary),
        "summary_cosine": score_cosine(gold.summary, predicted.summary, ctx.embedder),
    }
    out["actors"], _ = score_actors(gold.actors, predicted.actors, ctx)
    out.update(score_quantities(gold.quantities, predicted.quantities, ctx))

    quotes, q_align = score_list(
        gold.quotes,
        predicted.quotes,
        lambda g, p: similarity(g.text, p.text),
        align_at=0.5,
        credit=lambda _g, _p, s: 1.0 if s >= ctx.quote_exact else 0.0,
        describe_gold=lambda q: f"{q.speaker}: {q.text[:120]!r}",
        describe_predicted=lambda q: f"{q.speaker}: {q.text[:120]!r}",
        what="quotes",
    )
    out["quotes"] = quotes
    out["quotes.speaker"] = score_pairs(
        gold.quotes, predicted.quotes, q_align,
        lambda g, p: optional_entity_credit(g.speaker, p.speaker, ctx.aliases, ctx.name_match),
        what="speaker", describe=lambda g, p: (g.speaker, p.speaker),
    )  # fmt: skip

    claims, c_align = score_list(
        gold.claims,
        predicted.claims,
        lambda g, p: similarity(g.statement, p.statement, drop=STOPWORDS),
        align_at=0.4,
        describe_gold=lambda c: f"{c.according_to}: {c.statement[:120]!r}",
        describe_predicted=lambda c: f"{c.according_to}: {c.statement[:120]!r}",
        what="claims",
    )
    out["claims"] = claims
    out["claims.according_to"] = score_pairs(
        gold.claims, predicted.claims, c_align,
        lambda g, p: optional_entity_credit(
            g.according_to, p.according_to, ctx.aliases, ctx.name_match
        ),
        what="according_to", describe=lambda g, p: (g.according_to, p.according_to),
    )  # fmt: skip

    subs, s_align = score_list(
        gold.sub_events,
        predicted.sub_events,
        lambda g, p: similarity(g.what, p.what, drop=STOPWORDS),
        align_at=0.4,
        describe_gold=lambda s: f"{s.when}: {s.what[:120]!r}",
        describe_predicted=lambda s: f"{s.when}: {s.what[:120]!r}",
        what="sub_events",
    )
    out["sub_events"] = subs
    out["sub_events.when"] = score_pairs(
        gold.sub_events, predicted.sub_events, s_align,
        lambda g, p: optional_date_credit(g.when, p.when),
        what="when", describe=lambda g, p: (g.when, p.when),
    )  # fmt: skip
    out["grounding_rate"] = score_grounding(predicted)
    assert set(out) == set(RECORD_FIELDS), sorted(set(out) ^ set(RECORD_FIELDS))
    return out
