"""Scorers for what an editor reads first: conflicts, revisions, false alarms, noise.

The consensus scorers of `evals.scorers` align every gold fact and score its status. An
editor reads the consensus differently: the conflicts table first, then the revisions,
and a wrong row there costs more than a missed agreement. These scorers look at the
consensus that way, per cluster:

=============================  ===========================================================
field                          what
=============================  ===========================================================
editor.conflicts               conflicting facts found vs the gold's conflicting facts:
                               a predicted conflict matches a gold one when it shows at
                               least two of the gold's values, each with one of the
                               outlets the gold gives it (P, R, F1)
editor.conflicts.confident     the same over the conflicts shown first (confidence at
                               or above `schemas.consensus.CONFIDENT`), the rest being
                               under "check" (`service.render.sections`)
editor.revisions               the same for revised facts
editor.false_conflicts         conflicting facts that match no gold conflict (a count;
                               lower is better)
editor.false_date_place        event-date and place conflicts where the gold has none
                               (a count; lower is better)
editor.single_source_shown     share of the facts the view shows
                               (`service.render.shown_facts`) that one outlet alone gives
                               (lower is better)
=============================  ===========================================================

A value matches a gold value by figure (within `rel_tol`, or inside a gold range: half
credit counts), by date at the gold's precision, or by name for places and actors; the
outlets must overlap, so finding the right numbers from the wrong outlets is no match.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Final

from scipy.optimize import linear_sum_assignment

from evals.scorers import (
    SCALAR,
    SLOT,
    Counts,
    Detail,
    GoldFact,
    GoldFactValue,
    Score,
    ScoringContext,
    date_credit,
    number_credit,
    unscored,
)
from schemas.consensus import CONFIDENT, Consensus, Fact, FactStatus, FactValue
from service.render import shown_facts
from service.text.fold import plain as fold

EDITOR_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "editor.conflicts": SLOT,
    "editor.conflicts.confident": SLOT,
    "editor.revisions": SLOT,
    "editor.false_conflicts": SCALAR,
    "editor.false_date_place": SCALAR,
    "editor.single_source_shown": SCALAR,
}
"""Every field `score_editor` returns, with its metrics."""

LOWER_IS_BETTER: Final = frozenset(
    {"editor.false_conflicts", "editor.false_date_place", "editor.single_source_shown"}
)
"""Fields where a rise is a regression."""


def _outlets_meet(gold: GoldFactValue, value: FactValue) -> bool:
    return bool({fold(o) for o in gold.outlets} & {fold(o) for o in value.outlets})


def _value_credit(gold: GoldFactValue, value: FactValue, kind: str, ctx: ScoringContext) -> float:
    """How well one predicted value gives one gold value (0, ½ or 1), outlets aside."""
    if kind == "quantity":
        number = gold.value if isinstance(gold.value, int | float) else None
        return number_credit(
            (None if number is None else float(number), gold.low, gold.high),
            (value.value, value.low, value.high),
            ctx.rel_tol,
        )
    if kind == "date":
        credit, _ = date_credit(str(gold.value or ""), value.text[:10])
        return credit
    if kind in ("place", "actor"):
        name = str(gold.value or "")
        similarity = max(
            ctx.aliases.similarity(name, value.text),
            ctx.aliases.similarity(name.split(",")[0], value.text.split(",")[0]),
        )
        return 1.0 if similarity >= ctx.name_match else 0.0
    return 0.0


def recovered(gold: GoldFact, fact: Fact, ctx: ScoringContext) -> int:
    """How many distinct gold values the fact shows, each from one of its gold outlets."""
    if gold.kind != fact.kind:
        return 0
    found = 0
    for g in gold.values:
        if any(
            _outlets_meet(g, v) and _value_credit(g, v, gold.kind, ctx) >= 0.5 for v in fact.values
        ):
            found += 1
    return found


def matched_pairs(
    gold: Sequence[GoldFact], facts: Sequence[Fact], ctx: ScoringContext
) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, fact index) where the fact shows two or more of the
    gold's values, the pairs chosen to maximise the values shown."""
    if not gold or not facts:
        return []
    gains = [[recovered(g, f, ctx) for f in facts] for g in gold]
    rows, cols = linear_sum_assignment([[-x for x in row] for row in gains])
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if gains[r][c] >= 2]


def _describe(fact: Fact) -> str:
    return f"[{fact.status}] {fact.statement[:120]}"


def score_status(
    status: FactStatus,
    gold: Sequence[GoldFact],
    consensus: Consensus,
    ctx: ScoringContext,
    keep: Callable[[Fact], bool] = lambda fact: True,
) -> Score:
    """P/R/F1 of the predicted facts with `status` (and `keep`) against the gold's."""
    wanted = [g for g in gold if g.status == status]
    predicted = [f for f in consensus.facts if f.status == status and keep(f)]
    if not wanted and not predicted:
        return unscored(f"no {status} fact in the gold or the prediction")
    pairs = matched_pairs(wanted, predicted, ctx)
    matched_gold = {gi for gi, _ in pairs}
    matched_fact = {fi for _, fi in pairs}
    details = [
        Detail("match", wanted[gi].id, _describe(predicted[fi]), "values and outlets shown")
        for gi, fi in pairs
    ]
    details += [
        Detail("missing", g.id, None, f"gold {status} not found")
        for gi, g in enumerate(wanted)
        if gi not in matched_gold
    ]
    details += [
        Detail("extra", None, _describe(f), f"no gold {status} fact")
        for fi, f in enumerate(predicted)
        if fi not in matched_fact
    ]
    counts = Counts(
        tp=len(pairs),
        extra=len(predicted) - len(pairs),
        missing=len(wanted) - len(pairs),
    )
    value = counts.f1
    return Score(
        value,
        f"{status}: {len(pairs)} found, {counts.extra:g} false, {counts.missing:g} missed",
        counts,
        tuple(details),
    )


def score_editor(
    gold: Sequence[GoldFact], consensus: Consensus, ctx: ScoringContext
) -> dict[str, Score]:
    """Every field of `EDITOR_FIELDS` for one cluster."""
    if not gold:
        return {name: unscored("no consensus gold") for name in EDITOR_FIELDS}
    conflicts = score_status("conflicting", gold, consensus, ctx)
    confident = score_status(
        "conflicting",
        gold,
        consensus,
        ctx,
        keep=lambda fact: fact.confidence is None or fact.confidence >= CONFIDENT,
    )
    false = conflicts.counts.extra if conflicts.counts else 0.0
    false_date_place = sum(
        1
        for fact in consensus.facts
        if fact.status == "conflicting"
        and fact.kind in ("date", "place")
        and not any(
            recovered(g, fact, ctx) >= 2
            for g in gold
            if g.status == "conflicting" and g.kind == fact.kind
        )
    )
    shown = shown_facts(consensus)
    single = sum(1 for f in shown if f.status == "single_source")
    return {
        "editor.conflicts": conflicts,
        "editor.conflicts.confident": confident,
        "editor.revisions": score_status("revised", gold, consensus, ctx),
        "editor.false_conflicts": Score(
            false, f"{false:g} conflicting facts match no gold conflict"
        ),
        "editor.false_date_place": Score(
            float(false_date_place),
            f"{false_date_place} event-date or place conflicts the gold does not have",
        ),
        "editor.single_source_shown": (
            Score(single / len(shown), f"{single} of {len(shown)} shown facts are single-source")
            if shown
            else Score(math.nan, "no fact shown")
        ),
    }
