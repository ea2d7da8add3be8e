"""Which figures of a merge are one fact: each figure framed (`frames`), figures of one
frame and time as one node, any two nodes judged (`alignment.judge`, with the counted
things the cluster's own anchors tie: `anchors`), and the nodes clustered by complete
linkage (`alignment.cluster_frames`). `quantities` turns each cluster into facts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from schemas.record import EventRecord, Quantity
from service.merge.alignment import Days, Fit, cluster_frames, fit, fitted, judge
from service.merge.anchors import entity_aliases
from service.merge.context import MergeContext
from service.merge.contrasts import contrasted
from service.merge.counted import (
    NO_CLAUSE,
    Clause,
    classify_unit,
    clause_around,
    marked_older,
)
from service.merge.drafts import (
    Observation,
    figure_of,
    observe,
    rival_sources,
)
from service.merge.frame_words import OCCASION_HAPPENINGS
from service.merge.frames import (
    FigureFrame,
    bare_count,
    clause_rate,
    clause_reads_change,
    clause_reads_current,
    clause_reads_part,
    clause_scope,
    frame_of,
)
from service.merge.grouping import most_common
from service.merge.intervals import (
    MEASURED_DIMENSIONS,
    Figure,
    Number,
    Range,
    days_apart,
    lies_below,
    meets,
    render_figure,
    stated_step,
)
from service.merge.tokens import place_key
from service.merge.tolerances import MergeTolerances
from service.nlp.places import fold as fold_place
from service.nlp.places import lookup


@dataclass(frozen=True)
class FigureGrouping:
    """The figures of a merge as nodes (one frame and time, with the observations that
    share them), the judgement of any two nodes, and the clusters made from those."""

    frames: list[FigureFrame]
    observations: list[list[Observation]]
    judge: Callable[[int, int], Fit | str]
    """The fit of two nodes, or what tells them apart: one of `alignment.APART_REASONS`,
    'people' (named people differ: 'Kim and Xi', 'Kim and Putin') or 'another time' (a
    tally of another event, dated over a year before the first report)."""
    clusters: list[tuple[list[int], float, frozenset[str]]]


def group_figures(ctx: MergeContext) -> FigureGrouping:
    """Every figure of the records framed, and clustered into facts by complete linkage."""
    places = event_places(ctx)
    entries: list[tuple[FigureFrame, Days, Observation]] = []
    for record in ctx.records:
        for quantity, clause, frame in _record_frames(ctx, record, places):
            observation = _observe(ctx, record, quantity, clause, frame)
            entries.append((frame, _days(ctx, frame, record.article_id), observation))
    published = [ctx.published_day(r.article_id) for r in ctx.records]
    first_day = min((d[0] for d in published if d is not None), default=None)
    nodes = _nodes(ctx, entries)
    keys = list(nodes)
    frames = [frame for frame, *_ in keys]
    numbers = [frozenset(_number_of(o) for o in nodes[key]) for key in keys]
    node_judge = _pair_judge(ctx, keys, [nodes[key] for key in keys], numbers, first_day)
    aliases = entity_aliases(frames, numbers, node_judge)

    def pair_judge(i: int, j: int) -> Fit | str:
        return node_judge(i, j, aliases)

    clusters = cluster_frames(
        len(keys),
        [_blocking_keys(frame, aliases) for frame in frames],
        lambda i, j: fitted(pair_judge(i, j)),
        list(range(len(keys))),
    )
    return FigureGrouping(frames, [nodes[key] for key in keys], pair_judge, clusters)


NodeKey = tuple[FigureFrame, Days, tuple[object, ...], str]
"""A node's frame, days, figure (for a frame too bare to meet itself, else ()) and
forecaster (a forecast's named source, else '')."""
_PLANNED: Final = "planned"
"""The scope of a forecast or plan (`frame_words.SCOPE_QUALIFIERS`)."""


def _nodes(
    ctx: MergeContext, entries: Sequence[tuple[FigureFrame, Days, Observation]]
) -> dict[NodeKey, list[Observation]]:
    """Figures of one frame and time as one node (a frame too bare to meet even itself,
    '$5 billion' or '4 km' and nothing else, also by its figure; a forecast also by its
    named source, each source's forecast its own: `_pair_judge`), in a stable order."""
    nodes: dict[NodeKey, list[Observation]] = defaultdict(list)
    for frame, days, observation in entries:
        bare = fit(frame, frame, days, days, ctx.tol) is None
        forecaster = (observation.source or "") if _PLANNED in frame.scope else ""
        nodes[(frame, days, _figure_key(observation) if bare else (), forecaster)].append(
            observation
        )
    return {key: nodes[key] for key in sorted(nodes, key=lambda k: _node_order(k, nodes[k]))}


def _pair_judge(
    ctx: MergeContext,
    keys: Sequence[NodeKey],
    observed: Sequence[Sequence[Observation]],
    numbers: Sequence[frozenset[Number]],
    first_day: int | None,
) -> Callable[[int, int, Mapping[str, str]], Fit | str]:
    """The judgement of two nodes (see `FigureGrouping.judge`), with counted things read
    as the mapping says; `observed` are each node's figures and `numbers` the numbers
    each gives (`_number_of`)."""
    frames = [frame for frame, *_ in keys]
    ranges = [[figure_of(o).scaled(ctx.tol) for o in node] for node in observed]
    sources = [frozenset(o.source for o in node) for node in observed]

    def drift(i: int, j: int) -> bool:
        # Values that do not meet, and no dispute between named sources: such a pair may
        # be of two times (`tol.drift_days`). Police 50,000 against organisers 200,000
        # stays a dispute whenever each was reported.
        if rival_sources(sources[i], sources[j]):
            return False
        return not any(meets(x, y) for x in ranges[i] for y in ranges[j])

    def below(i: int, j: int) -> int:
        # -1 when every value of node i lies below every value of node j, 1 when above.
        if _below(ranges[i], ranges[j]):
            return -1
        return 1 if _below(ranges[j], ranges[i]) else 0

    def forecasts_apart(i: int, j: int) -> bool:
        # Two named sources' forecasts that do not meet ('could pass 10,000' from a survey
        # agency, 'could pass 3,000' from a general) are each its own, not a dispute of
        # what happened; forecasts that meet still agree.
        return rival_sources(sources[i], sources[j]) and not any(
            meets(x, y) for x in ranges[i] for y in ranges[j]
        )

    kind_places = _places_of_kind(frames)
    inside = _inside_event(ctx, {p for ps in kind_places.values() for p in ps})
    narrowing = _narrowing_places(keys, observed, ranges, ctx.tol)
    history = [_historic(frame, first_day) for frame in frames]
    people = [ctx.names.people_in(sorted(frame.counted)) for frame in frames]

    def near(days_a: Days, days_b: Days) -> bool:
        # Reported within `drift_days` of each other (or undated).
        if days_a is None or days_b is None:
            return True
        return days_apart(days_a, days_b) <= ctx.tol.drift_days

    def pair_judge(i: int, j: int, aliases: Mapping[str, str]) -> Fit | str:
        a, b = frames[i], frames[j]
        if people[i] and people[j] and people[i] != people[j]:
            return "people"  # 'meetings between Kim and Xi' are not '... Kim and Putin'
        if history[i] != history[j]:
            return "another time"  # the 2013 quake's toll in a story of this one
        if _PLANNED in a.scope and _PLANNED in b.scope and forecasts_apart(i, j):
            return "forecasts"  # each source's own forecast: no dispute of what happened
        place = a.place or b.place
        seen = kind_places.get(_kind(a), frozenset()) | kind_places.get(_kind(b), frozenset())
        lone = (
            seen == {place}
            and place not in inside
            and not {(_kind(a), place), (_kind(b), place)} & narrowing
        )
        same = len(numbers[i]) == 1 and numbers[i] == numbers[j]
        if same and a == b and keys[i][2] and keys[j][2] and near(keys[i][1], keys[j][1]):
            # A frame too bare to meet even itself ('14 years', nothing said of what lasted
            # them) meets the same figure in the same frame reported within the week, as it
            # does on one day (`_nodes`): one account repeated, not a coincidence.
            return Fit(ctx.tol.conf_no_happening, frozenset())
        return judge(
            a,
            b,
            keys[i][1],
            keys[j][1],
            ctx.tol,
            lone_place=lone,
            aliases=aliases,
            same_figure=same,
            drift=drift(i, j),
            below=below(i, j),
        )

    return pair_judge


def _record_frames(
    ctx: MergeContext, record: EventRecord, places: frozenset[str]
) -> list[tuple[Quantity, Clause, FigureFrame]]:
    """Each quantity of a record with its clause and frame; an 'another' that contrasts a
    figure with an earlier one of its sentence (`contrasts`) is read as no scope."""
    clauses = [_clause_of(ctx, record.article_id, q) for q in record.quantities]

    def framed(quantity: Quantity, clause: Clause, contrast: bool) -> FigureFrame:
        return frame_of(
            quantity,
            places,
            clause_scope(clause),
            clause_change=clause_reads_change(clause, quantity.phrase),
            contrast=contrast,
            clause_part=clause_reads_part(
                clause,
                acted=bool(quantity.happening),
                counts=bare_count(quantity),
            ),
            clause_current=clause_reads_current(clause),
            clause_rate=clause_rate(clause),
        )

    frames = [framed(q, c, False) for q, c in zip(record.quantities, clauses, strict=True)]
    again = contrasted(ctx.texts.get(record.article_id), record.quantities, frames)
    for index in again:
        frames[index] = framed(record.quantities[index], clauses[index], True)
    return list(zip(record.quantities, clauses, frames, strict=True))


_YEAR_DAYS = 365


def _historic(frame: FigureFrame, first_day: int | None) -> Days:
    """For a running tally dated by a whole past year only ('killed in the 2013 quake',
    'the 2018 Camp Fire destroyed 18,000 structures'), or by a day or month over a year
    before the first report ('a hospital fire killed 14 people in September 2021'), that
    time: a count of another event, which never joins this event's tally chain nor
    another time's. None for any other figure: a tally dated by a day or a month within
    the year ('600 killed as of April') may still be an earlier report of this event."""
    if not frame.tally or frame.days is None or first_day is None:
        return None
    whole_year = frame.days[1] - frame.days[0] + 1 >= _YEAR_DAYS
    past = frame.days[1] < first_day
    return frame.days if past and (whole_year or frame.days[1] < first_day - _YEAR_DAYS) else None


def _kind(frame: FigureFrame) -> tuple[object, ...]:
    return (frame.dimension, frame.entity, frame.happening)


def _places_of_kind(frames: Sequence[FigureFrame]) -> dict[tuple[object, ...], frozenset[str]]:
    """For each kind of figure (dimension, thing, happening), the places its figures
    name: one place alone narrows nothing; several make each a fact of its own."""
    found: dict[tuple[object, ...], set[str]] = defaultdict(set)
    for frame in frames:
        if frame.place:
            found[_kind(frame)].add(frame.place)
    return {kind: frozenset(places) for kind, places in found.items()}


def _narrowing_places(
    keys: Sequence[NodeKey],
    observed: Sequence[Sequence[Observation]],
    ranges: Sequence[Sequence[Range]],
    tol: MergeTolerances,
) -> frozenset[tuple[tuple[object, ...], str]]:
    """(kind, place) pairs where the place narrows a kind of figure though no other place
    of its kind is named: an article gives a figure of that kind there, and one with no
    place that it would otherwise be, over the same period, whose values lie above the
    place's ('24 dead' in all, '10 killed in Brenmoor district'). The place's
    figure is a part, not the whole the others count; a place's figure above an open one
    ('4,500 flights cancelled worldwide', '474') narrows nothing, nor does one day's
    figure below a total 'since Friday'. `ranges` are each node's figures as intervals."""
    frames = [frame for frame, *_ in keys]
    in_article: dict[str, dict[int, list[Range]]] = defaultdict(lambda: defaultdict(list))
    for index, node in enumerate(observed):
        for o, scaled in zip(node, ranges[index], strict=True):
            in_article[o.article_id][index].append(scaled)
    found: set[tuple[tuple[object, ...], str]] = set()
    for _, nodes in sorted(in_article.items()):
        for i, mine in nodes.items():
            kind = _kind(frames[i])
            if not frames[i].place or (kind, frames[i].place) in found:
                continue
            unplaced = replace(frames[i], place="")
            if any(
                not frames[j].place
                and frames[j].period == frames[i].period
                and _below(mine, theirs)
                and fitted(judge(unplaced, frames[j], keys[i][1], keys[j][1], tol))
                for j, theirs in nodes.items()
            ):
                found.add((kind, frames[i].place))
    return frozenset(found)


def _below(lower: Sequence[Range], upper: Sequence[Range]) -> bool:
    """Every value of `lower` lies wholly below every value of `upper`."""
    return all(lies_below(x, y) for x in lower for y in upper)


def _event_place(ctx: MergeContext) -> str | None:
    """The key of the place most records give for the event; None when none gives one."""
    counts = Counter(place_key(r.where.name) for r in ctx.records if r.where is not None)
    return most_common(counts, lambda p: p) if counts else None


def event_places(ctx: MergeContext) -> frozenset[str]:
    """Keys of the place most records give for the event, and of its country: a figure
    scoped to them counts the whole event."""
    top = _event_place(ctx)
    if top is None:
        return frozenset()
    places = [record.where for record in ctx.records if record.where is not None]
    keys = {top}
    keys.update(place_key(p.country) for p in places if p.country and place_key(p.name) == top)
    return frozenset(k for k in keys if k)


def _inside_event(ctx: MergeContext, places: set[str]) -> frozenset[str]:
    """Of `places`, those the gazetteer puts strictly inside the place most records give
    for the event ('Hatay' in a story set in Turkey, a district in one set in a city): a
    part of the event's area, which a lone figure's place narrows. A place around the
    event's ('Central Visayas' in a story set in Cebu) or its country's other places
    ('Manila' in a story set in Cebu) are left to the lone-place rule."""
    top = _event_place(ctx)
    event = lookup(top) if top else None
    if event is None:
        return frozenset()
    outer = fold_place(event.name)
    inside = set()
    for place in places:
        found = lookup(place)
        if found is not None and outer in found.within and fold_place(found.name) != outer:
            inside.add(place)
    return frozenset(inside)


def _observe(
    ctx: MergeContext, record: EventRecord, quantity: Quantity, clause: Clause, frame: FigureFrame
) -> Observation:
    dimension, scale, _ = classify_unit(quantity.unit)
    measured = dimension in MEASURED_DIMENSIONS  # rounded to its last digit, ends open
    figure = Figure(
        quantity.value,
        quantity.low,
        quantity.high,
        quantity.hedge,
        quantity.as_of,
        scale,
        stated_step(
            quantity.phrase, quantity.value, share=dimension == "percent", measured=measured
        ),
        measured,
    )
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
    return observation._replace(
        older=marked_older(clause), snapshot=frame.snapshot, qualified=bool(frame.qualifier)
    )


def _days(ctx: MergeContext, frame: FigureFrame, article_id: str) -> Days:
    """When a figure holds for alignment: its `as_of`; else its article's day (for an
    occasion count, that day or up to `occasion_window_days` before); None for a running
    tally without one, unless it counts one day ('over the previous 24 hours')."""
    if frame.days is not None:
        return frame.days
    days = ctx.published_day(article_id)
    if days is None or (frame.tally and frame.period != "last_day"):
        return None
    if frame.happening & OCCASION_HAPPENINGS:
        return days[0] - ctx.tol.occasion_window_days, days[1]
    return days


def _number_of(observation: Observation) -> Number:
    """The number a figure gives, whatever its hedge or date ('some 120,000', '120,000 as
    of 2025')."""
    figure = figure_of(observation)
    return (figure.value, figure.low, figure.high, figure.scale)


def _figure_key(observation: Observation) -> tuple[object, ...]:
    return figure_of(observation).order()


def _node_order(key: NodeKey, obs: Sequence[Observation]) -> tuple[object, ...]:
    frame, days, *_ = key
    return (
        frame.dimension,
        frame.entity,
        tuple(sorted(frame.happening)),
        tuple(sorted(frame.qualifier)),
        tuple(sorted(frame.scope)),
        frame.place,
        frame.ordinal,
        frame.vague,
        frame.derived,
        (0, *days) if days else (1, 0, 0),
        (0, *frame.days) if frame.days else (1, 0, 0),
        tuple(sorted(frame.counted)),
        min((o.article_id, o.position, o.text) for o in obs),
    )


def _blocking_keys(frame: FigureFrame, aliases: Mapping[str, str]) -> list[tuple[object, ...]]:
    """Keys two frames must share to be compared: their dimension and scope, and their
    counted thing (as `aliases` reads it) or a happening."""
    base = (frame.dimension, frame.ordinal, frame.vague, frame.scope)
    keys: list[tuple[object, ...]] = [(*base, "h", h) for h in sorted(frame.happening)]
    if frame.entity:
        keys.append((*base, "e", aliases.get(frame.entity, frame.entity)))
    return keys


def _clause_of(ctx: MergeContext, article_id: str, quantity: Quantity) -> Clause:
    """The clause around the quantity's first evidence span, when the text is known."""
    text = ctx.texts.get(article_id)
    if text is None or not quantity.evidence:
        return NO_CLAUSE
    span = min(quantity.evidence, key=lambda e: (e.start, e.end))
    if span.end > len(text) or text[span.start : span.end] != span.text:
        return NO_CLAUSE
    return clause_around(text, span.start, span.end)
