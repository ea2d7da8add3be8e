"""Quantity facts: figures that count the same thing (see `counted`), and their status.

Over the current values of a fact (`revisions` takes the superseded ones apart):

* `single_source`: one outlet gives them all (checked first);
* `agreed`: every value has the same figure and hedge;
* `compatible`: the intervals share a common point;
* `conflicting`: they do not ("more than 10,000" → (10000, 13000] against "around
  15,000" → [13500, 16500]).

Vague counts ('thousands of troops') are `single_source` or `compatible`, never
conflicting or revised.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from schemas.consensus import FactStatus, FactValue
from schemas.record import Quantity
from service.merge.context import MergeContext
from service.merge.counted import (
    COUNT_CLASS,
    NO_CLAUSE,
    Clause,
    CountedKey,
    classify_unit,
    clause_around,
    cluster_quantities,
    counted_key,
    is_vague,
    marked_older,
    plain_hits,
)
from service.merge.drafts import (
    Draft,
    Observation,
    count_outlets,
    fact_id,
    fact_value,
    figure_of,
    observe,
    outlets_of,
    with_outlets,
)
from service.merge.grouping import most_common
from service.merge.intervals import Figure, common, render_figure
from service.merge.revisions import held, split_revisions
from service.merge.vocabulary import TALLY_TOKENS


def build_quantity_facts(ctx: MergeContext) -> list[Draft]:
    """Drafts for every cluster of figures counting the same thing: the current fact,
    and a revision fact when some values were superseded."""
    by_key: dict[CountedKey, list[Observation]] = defaultdict(list)
    ordered_tokens: dict[CountedKey, set[tuple[str, ...]]] = defaultdict(set)
    for record in ctx.records:
        for quantity in record.quantities:
            clause = _clause_of(ctx, record.article_id, quantity)
            qkey, tokens = counted_key(
                quantity.counted,
                quantity.unit,
                quantity.ordinal,
                clause,
                is_vague(quantity.phrase),
            )
            ordered_tokens[qkey].add(tokens)
            figure = _quantity_figure(quantity)
            words = quantity.phrase or render_figure(figure, ordinal=quantity.ordinal, unit=None)
            observation = observe(
                ctx,
                record,
                quantity,
                words,
                label=quantity.counted.strip() or quantity.unit.strip(),
                unit=quantity.unit,
                figure=figure,
                attributed_to=quantity.attributed_to,
                upstream=quantity.attributed_to,
            )
            if marked_older(clause):
                observation = observation._replace(older=True)
            by_key[qkey].append(observation)
    keys = sorted(by_key, key=CountedKey.order)
    drafts: list[Draft] = []
    for cluster in cluster_quantities(ctx, keys):
        members = [keys[i] for i in cluster]
        drafts.extend(_figure_drafts(ctx, members, by_key, ordered_tokens))
    return drafts


def _quantity_figure(quantity: Quantity) -> Figure:
    _, scale, _ = classify_unit(quantity.unit)
    return Figure(
        quantity.value, quantity.low, quantity.high, quantity.hedge, quantity.as_of, scale
    )


def _clause_of(ctx: MergeContext, article_id: str, quantity: Quantity) -> Clause:
    """The clause around the quantity's first evidence span, when the text is known."""
    text = ctx.texts.get(article_id)
    if text is None or not quantity.evidence:
        return NO_CLAUSE
    span = min(quantity.evidence, key=lambda e: (e.start, e.end))
    if span.end > len(text) or text[span.start : span.end] != span.text:
        return NO_CLAUSE
    return clause_around(text, span.start, span.end)


def _figure_drafts(
    ctx: MergeContext,
    members: Sequence[CountedKey],
    by_key: Mapping[CountedKey, list[Observation]],
    ordered_tokens: Mapping[CountedKey, set[tuple[str, ...]]],
) -> list[Draft]:
    """The current fact of one cluster of counted keys and, when some of its values were
    superseded, the revision fact linked to it."""
    obs = [o for qkey in members for o in by_key[qkey]]
    main = _main_key(members, by_key)
    key, label = _key_and_label(main, by_key[main], ordered_tokens[main])
    vague = main.vague
    tally = any(qkey.tokens & TALLY_TOKENS for qkey in members)
    # A vague count ('thousands of') neither revises nor contradicts anything.
    old, current = ([], obs) if vague else split_revisions(ctx, obs, tally=tally)
    ordinal = main.ordinal
    measure = main.unit_class != COUNT_CLASS

    def rendered(group: Sequence[Observation], dated: bool) -> str:
        rep = min(group, key=Observation.rep_order)
        figure = figure_of(rep)
        text = render_figure(figure, ordinal=ordinal, unit=rep.unit if measure else None)
        if dated and figure.as_of:
            text += f" (as of {figure.as_of})"
        return text

    current_groups = _figure_groups(ctx, current)
    values = [_figure_value(ctx, g) for g in current_groups]
    status = _figure_status(ctx, current)
    if vague and status != "single_source":
        status = "compatible"
    renders = list(dict.fromkeys(rendered(g, False) for g in current_groups))
    if status == "conflicting":
        parts = [f"{rendered(g, True)} ({', '.join(outlets_of(ctx, g))})" for g in current_groups]
        statement = f"{label}: conflicting — {'; '.join(parts)}"
    else:
        statement = with_outlets(f"{label}: {' / '.join(renders)}", current)
    current_draft = Draft("quantity", key, status, statement, values, current)
    if not old:
        return [current_draft]
    old_groups = _figure_groups(ctx, old)
    revision_key = f"{key} (revision)"
    old_values = [_figure_value(ctx, g) for g in old_groups]
    before = " / ".join(dict.fromkeys(rendered(g, True) for g in old_groups))
    revision = Draft(
        "quantity",
        revision_key,
        "revised",
        with_outlets(f"{label}: revised from {before} to {' / '.join(renders)}", obs),
        old_values + values,
        obs,
        related=[fact_id("quantity", key)],
    )
    current_draft.related.append(fact_id("quantity", revision_key))
    return [current_draft, revision]


def _main_key(
    members: Sequence[CountedKey], by_key: Mapping[CountedKey, list[Observation]]
) -> CountedKey:
    """The key most articles use; among equals the one sharing most words with the rest
    of the cluster, a medoid that is neither the vaguest nor the wordiest wording."""
    articles = {qkey: len({o.article_id for o in by_key[qkey]}) for qkey in members}
    spread: Counter[str] = Counter()
    for qkey in members:
        spread.update(dict.fromkeys(qkey.tokens, articles[qkey]))
    return min(
        members,
        key=lambda k: (-articles[k], -sum(spread[t] for t in k.tokens), k.order()),
    )


def _key_and_label(
    main: CountedKey, obs: Sequence[Observation], ordered_tokens: set[tuple[str, ...]]
) -> tuple[str, str]:
    """The fact key (`main`'s tokens in reading order, with its dimension, ordinal and
    vagueness) and the label shown (the wording most articles of `main` give)."""
    key = " ".join(min(ordered_tokens)) or "(uncounted)"
    if main.unit_class != COUNT_CLASS:
        key += f" [{main.unit_class}]"
    if main.ordinal:
        key += " [ordinal]"
    if main.vague:
        key += " (vague)"
    label_articles: dict[str, set[str]] = defaultdict(set)
    for o in obs:
        label_articles[o.label].add(o.article_id)
    # Among equally common wordings, prefer the one saying 'killed' over 'died'.
    label = most_common(
        {name: len(ids) for name, ids in label_articles.items()},
        lambda n: (n == "", -plain_hits(n, main.tokens), len(n), n),
    )
    label = label or "figure"
    if main.vague:
        label += " (vague count)"
    return key, label


def _figure_value(ctx: MergeContext, group: Sequence[Observation]) -> FactValue:
    return fact_value(ctx, group, interval=figure_of(group[0]).range(ctx.tol), quantity=True)


def _figure_groups(ctx: MergeContext, obs: Iterable[Observation]) -> list[list[Observation]]:
    """Observations grouped by figure, earliest first (by when they held, then value)."""
    groups: dict[Figure, list[Observation]] = defaultdict(list)
    for o in obs:
        groups[figure_of(o)].append(o)

    def earliest(figure: Figure) -> tuple[object, ...]:
        known = [d for d in (held(ctx, o) for o in groups[figure]) if d is not None]
        first = (0, *min(known)) if known else (1, 0, 0)
        return (first, figure.order())

    return [groups[figure] for figure in sorted(groups, key=earliest)]


def _figure_status(ctx: MergeContext, obs: Sequence[Observation]) -> FactStatus:
    if count_outlets(obs) == 1:
        return "single_source"
    figures = {o.figure for o in obs if o.figure is not None}
    if len({(f.value, f.low, f.high, f.hedge, f.scale) for f in figures}) == 1:
        return "agreed"
    if common(f.scaled(ctx.tol) for f in figures):
        return "compatible"
    return "conflicting"
