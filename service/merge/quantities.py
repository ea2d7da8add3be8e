"""Quantity facts: the clusters of figures that are one fact (`figure_groups`), and their
status.

Over the current values of a fact (`revisions` takes the superseded ones apart):

* `single_source`: one outlet gives them all (checked first);
* `agreed`: every value has the same figure and hedge;
* `compatible`: every two values can stand side by side: the number one states lies
  in the range the other allows (`intervals.figures_fit`);
* `conflicting`: some two cannot ("more than 10,000" against "around 15,000"); the
  statement names who gives which value.

Current values more than `conflict_span` times apart, with no stated range spanning them,
are facts of their own ('7' against 'about 17,000' jobs), and so are values more than
`dispute_span` times apart unless different named sources give them (a police and an
organisers' count); a revision chain stays with the band most outlets give. Vague counts
('thousands of troops') are `single_source` or `compatible`, never conflicting or
revised. Each fact carries the confidence of its alignment and the frame slots its values
share.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from schemas.consensus import ORDINAL_MARK, VAGUE_MARK, FactStatus, FactValue
from service.merge.context import MergeContext
from service.merge.counted import (
    COUNT_CLASS,
)
from service.merge.drafts import (
    Draft,
    Observation,
    count_outlets,
    fact_id,
    fact_value,
    figure_of,
    rival_sources,
    with_outlets,
)
from service.merge.figure_groups import group_figures
from service.merge.frames import FigureFrame, happenings_in
from service.merge.grouping import most_common
from service.merge.intervals import (
    Figure,
    centre,
    figures_fit,
    magnitude_bands,
    render_figure,
)
from service.merge.revisions import held, split_revisions


def build_quantity_facts(ctx: MergeContext) -> list[Draft]:
    """Drafts for every cluster of figures that are one fact: the current fact, and a
    revision fact when some values were superseded."""
    grouping = group_figures(ctx)
    drafts: list[Draft] = []
    used: set[str] = set()
    for members, confidence, slots in grouping.clusters:
        obs = [o for i in members for o in grouping.observations[i]]
        member_frames = [grouping.frames[i] for i in members]
        drafts.extend(_figure_drafts(ctx, obs, member_frames, confidence, slots, used))
    return drafts


def _figure_drafts(
    ctx: MergeContext,
    obs: list[Observation],
    frames: Sequence[FigureFrame],
    confidence: float,
    slots: frozenset[str],
    used: set[str],
) -> list[Draft]:
    """The current fact of one cluster and, when some of its values were superseded, the
    revision fact linked to it."""
    main = _main_frame(frames)
    key = _unique(_key(main), used)
    label = _label(obs, main)
    tally = any(frame.tally for frame in frames)
    stock = any(frame.stock for frame in frames)
    # A vague count ('thousands of') neither revises nor contradicts anything.
    old, current, apart = (
        ([], obs, []) if main.vague else split_revisions(ctx, obs, tally=tally, stock=stock)
    )
    if apart:
        # An outlet's value that nothing orders against its other one is another fact.
        gone = {id(o) for o in apart}
        kept = [o for o in obs if id(o) not in gone]
        drafts = _figure_drafts(ctx, kept, frames, confidence, slots, used)
        for group in _figure_groups(ctx, apart):
            drafts += _figure_drafts(ctx, group, frames, confidence, slots, used)
        return drafts
    bands = [] if main.vague else _bands(ctx, current)
    far: list[list[Observation]] = []
    if len(bands) > 1:
        # Values held at once but an order of magnitude and more apart count different
        # things. The values they replaced stay with the band most outlets give (a revision
        # itself may span any factor: tolls rise that far).
        if not old:
            return [
                d for b in bands for d in _figure_drafts(ctx, b, frames, confidence, slots, used)
            ]
        near = min(bands, key=lambda band: (-count_outlets(band), _log_distance(band, old)))
        far = [band for band in bands if band is not near]
        keep = {id(o) for o in (*near, *old)}
        obs, current = [o for o in obs if id(o) in keep], near
    status = _figure_status(ctx, current)
    plain_count = main.dimension == COUNT_CLASS and not main.vague and not old and not far
    split = _part_and_whole(ctx, current) if plain_count and status == "conflicting" else None
    if split is not None:  # 'ten cabin crew' among '12 crew': two facts, not a dispute
        return [d for g in split for d in _figure_drafts(ctx, g, frames, confidence, slots, used)]
    measure = main.dimension != COUNT_CLASS
    several = count_outlets(obs) > 1
    shown_confidence = confidence if several else None
    shown_slots = sorted(slots) if several else []

    def rendered(group: Sequence[Observation], dated: bool) -> str:
        rep = min(group, key=Observation.rep_order)
        figure = figure_of(rep)
        text = render_figure(figure, ordinal=main.ordinal, unit=rep.unit if measure else None)
        if dated and figure.as_of:
            text += f" (as of {figure.as_of})"
        return text

    current_groups = _figure_groups(ctx, current)
    values = [_figure_value(ctx, g) for g in current_groups]
    if main.vague and status != "single_source":
        status = "compatible"
    renders = list(dict.fromkeys(rendered(g, False) for g in current_groups))
    if status == "conflicting":
        parts = [f"{rendered(g, True)} ({_who(ctx, g)})" for g in current_groups]
        statement = f"{label}: conflicting — {'; '.join(parts)}"
    else:
        statement = with_outlets(f"{label}: {' / '.join(renders)}", current)
    current_draft = Draft(
        "quantity",
        key,
        status,
        statement,
        values,
        current,
        confidence=shown_confidence,
        matched_slots=shown_slots,
    )
    apart_drafts = [
        d for band in far for d in _figure_drafts(ctx, band, frames, confidence, slots, used)
    ]
    if not old:
        return [current_draft, *apart_drafts]
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
        confidence=shown_confidence,
        matched_slots=shown_slots,
    )
    current_draft.related.append(fact_id("quantity", revision_key))
    return [current_draft, revision, *apart_drafts]


def _who(ctx: MergeContext, group: Sequence[Observation]) -> str:
    """'police; Outlet A, Outlet B': the sources a value rests on, then its outlets."""
    sources = sorted({o.source_display for o in group if o.source_display})
    outlets = ", ".join(sorted({ctx.outlet_name[o.outlet_key] for o in group}))
    return f"{' / '.join(sources)}; {outlets}" if sources else outlets


def _main_frame(frames: Sequence[FigureFrame]) -> FigureFrame:
    """The frame saying most: stated slots first, then the most words."""
    return min(
        frames,
        key=lambda f: (
            f.derived,
            not f.entity,
            f.generic,
            not f.happening,
            -len(f.qualifier),
            -len(f.counted),
            f.entity,
            tuple(sorted(f.happening)),
            tuple(sorted(f.counted)),
        ),
    )


def _key(frame: FigureFrame) -> str:
    """A readable, normalised key: 'soldier dead north korean @ukraine'."""
    parts = [
        frame.entity or "(uncounted)",
        "/".join(sorted(frame.happening)),
        " ".join(sorted(frame.scope)),
        " ".join(sorted(frame.qualifier)),
    ]
    key = " ".join(p for p in parts if p)
    if frame.place:
        key += f" @{frame.place}"
    if frame.dimension != COUNT_CLASS:
        key += f" [{frame.dimension}]"
    if frame.ordinal:
        key += f" {ORDINAL_MARK}"
    if frame.vague:
        key += f" {VAGUE_MARK}"
    if frame.days is not None and not frame.tally:
        key += f" [{date.fromordinal(frame.days[0]).isoformat()}]"
    return key


def _unique(key: str, used: set[str]) -> str:
    """`key`, or with ' #n' when an earlier fact took it."""
    candidate, n = key, 1
    while candidate in used:
        n += 1
        candidate = f"{key} #{n}"
    used.add(candidate)
    return candidate


def _label(obs: Sequence[Observation], main: FigureFrame) -> str:
    """The description most articles give, shortest first among equals."""
    articles: dict[str, set[str]] = defaultdict(set)
    for o in obs:
        if o.label:
            articles[o.label].add(o.article_id)
    # A description naming another happening than the fact's own gives way to one that
    # does not, if any ('dead' for a count of the wounded, a word from further on).
    fitting = {label: ids for label, ids in articles.items() if _may_name(label, main)}
    articles = fitting or articles
    if not articles:
        words = [main.entity, *sorted(main.happening)]
        return " ".join(w for w in words if w) or "figure"
    label = most_common({k: len(v) for k, v in articles.items()}, lambda n: (len(n), n))
    return label + (" (vague count)" if main.vague else "")


def _may_name(label: str, main: FigureFrame) -> bool:
    """The description names no happening, or one of the fact's own."""
    named = happenings_in(label)
    return not (named and main.happening) or bool(named & main.happening)


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


def _bands(ctx: MergeContext, obs: Sequence[Observation]) -> list[list[Observation]]:
    """The observations by `magnitude_bands` of their figures, each band cut again where
    values lie more than `dispute_span` apart, unless different named sources give the
    two sides (a police and an organisers' count)."""
    bands: list[list[Observation]] = []
    for wide in magnitude_bands([figure_of(o) for o in obs], ctx.tol):
        members = [obs[i] for i in wide]
        narrow = magnitude_bands([figure_of(o) for o in members], ctx.tol, ctx.tol.dispute_span)
        parts = [[members[i] for i in band] for band in narrow]
        joined = [parts[0]]
        for part in parts[1:]:
            if rival_sources({o.source for o in joined[-1]}, {o.source for o in part}):
                joined[-1] = [*joined[-1], *part]  # two named sources' dispute
            else:
                joined.append(part)
        bands.extend(joined)
    return bands


def _log_distance(a: Sequence[Observation], b: Sequence[Observation]) -> float:
    """How many times apart the middle values of two sets of observations are, in log."""

    def middle(obs: Sequence[Observation]) -> float:
        centres = sorted(centre(figure_of(o)) for o in obs)  # in the base unit
        return max(centres[len(centres) // 2], 1e-9)

    return abs(math.log(middle(a)) - math.log(middle(b)))


def _part_and_whole(
    ctx: MergeContext, obs: Sequence[Observation]
) -> tuple[list[Observation], list[Observation]] | None:
    """(whole, part) when counts in conflict split into those whose frame names which of
    the counted things (a qualifier: 'cabin crew', the part) and those that do not
    ('crew'), each side without a conflict of its own and every value of the part below
    every value of the whole: the part is a fact of its own. Else None: a part counted
    higher than the whole stays a conflict, as it cannot be a part."""
    part = [o for o in obs if o.qualified]
    whole = [o for o in obs if not o.qualified]
    if not part or not whole:
        return None
    if "conflicting" in (_figure_status(ctx, part), _figure_status(ctx, whole)):
        return None
    highest_part = max(figure_of(o).scaled(ctx.tol).high for o in part)
    lowest_whole = min(figure_of(o).scaled(ctx.tol).low for o in whole)
    return (whole, part) if highest_part < lowest_whole else None


def _figure_status(ctx: MergeContext, obs: Sequence[Observation]) -> FactStatus:
    if count_outlets(obs) == 1:
        return "single_source"
    figures = sorted({figure_of(o) for o in obs}, key=Figure.order)
    if len({(f.value, f.low, f.high, f.hedge, f.scale) for f in figures}) == 1:
        return "agreed"
    pairs = [(a, b) for i, a in enumerate(figures) for b in figures[i + 1 :]]
    if all(figures_fit(a, b, ctx.tol) for a, b in pairs):
        return "compatible"
    return "conflicting"
