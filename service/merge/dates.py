"""Date facts: the records' `when` as one fact, and dated sub-events aligned by what
happened.

Sub-events align by close wording (`statement_match`) whatever the dates, so that two
dates for one event conflict, or by a rewording (`statement_dice`) on dates that fit one
another. Dates compare as day ranges and follow the figures' status rules over them:
one outlet is `single_source`, one date `agreed`, dates sharing a day `compatible`,
else `conflicting`; a date still ahead when reported and changed by a later day's
report is `revised` (the plan moved). A planned sub-event (`PLANNED_WORDS`: 'expected',
'hope to'...) and a reported one on the same date are `compatible`: the plan came true;
they do not say the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from typing import Final

from schemas.consensus import FactStatus
from schemas.record import EventRecord
from service.merge.context import MergeContext
from service.merge.drafts import (
    Draft,
    Observation,
    count_outlets,
    grouped_values,
    observe,
    outlets_of,
    with_outlets,
)
from service.merge.grouping import most_common
from service.merge.intervals import ISO_DAY_CHARS, Range, common, date_order, day_range
from service.merge.statements import figures_fit, reworded, statement_similarity, statement_words
from service.merge.tokens import WORDS, content_tokens, fold, plain
from service.merge.tolerances import MergeTolerances
from service.merge.vocabulary import PLANNED_WORDS
from service.text.groups import group_linked

_UNSURE: Final = 0.5
"""Confidence of dates from reports of different days: they may be different days."""


def _planned(text: str) -> bool:
    """A sub-event told as a plan or expectation ('engineers hope to build...')."""
    return any(word in PLANNED_WORDS for word in WORDS.findall(fold(text)))


def build_date_facts(ctx: MergeContext) -> list[Draft]:
    """The event-date draft (from every record's `when`), then one draft per sub-event
    the records date."""
    drafts: list[Draft] = []
    main = [
        observe(ctx, record, record.when, record.when.date, group=record.when.date)
        for record in ctx.records
        if record.when is not None and record.when.date
    ]
    echoes = {r.article_id for r in ctx.records if _echoes_publication(ctx, r)}
    if main:
        # A publication day given as the event date with nothing in the text to show
        # for it is kept as a value but never decides the status: publication dates
        # are no conflict.
        stated = [o for o in main if o.article_id not in echoes]
        drafts.append(
            _date_draft(ctx, "event date", "Event date", main, decide=stated or None, midnight=True)
        )
    dated = [
        (record, sub, sub.when) for record in ctx.records for sub in record.sub_events if sub.when
    ]
    sayers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record, sub, day in dated:
        sayers[(plain(sub.what), day)].add(record.article_id)
    nodes = sorted(sayers)
    clusters = _sub_event_clusters(
        ctx.tol,
        [what for what, _ in nodes],
        [day_range(day) for _, day in nodes],
        [frozenset(sayers[node]) for node in nodes],
    )
    cluster_of = {nodes[i]: n for n, cluster in enumerate(clusters) for i in cluster}
    grouped: dict[int, list[Observation]] = defaultdict(list)
    for record, sub, day in dated:
        grouped[cluster_of[(plain(sub.what), day)]].append(
            observe(ctx, record, sub, day, label=sub.what.strip(), group=day)
        )
    for n in sorted(grouped):
        obs = grouped[n]
        counts: dict[str, set[str]] = defaultdict(set)
        for o in obs:
            counts[plain(o.label)].add(o.article_id)
        what = most_common({k: len(v) for k, v in counts.items()}, lambda k: (len(k), k))
        label = min(o.label for o in obs if plain(o.label) == what)
        drafts.append(_date_draft(ctx, f"sub-event: {what}", label, obs))
    return drafts


def _echoes_publication(ctx: MergeContext, record: EventRecord) -> bool:
    """The record's event date is its own publication day with nothing in the text
    stating it: a publication date, not an event date."""
    when = record.when
    if when is None or when.grounded:
        return False
    published = ctx.published[record.article_id][:ISO_DAY_CHARS]
    return bool(published) and (when.date or "") == published


def _sub_event_clusters(
    tol: MergeTolerances,
    texts: Sequence[str],
    days: Sequence[tuple[int, int] | None],
    articles: Sequence[frozenset[str]],
) -> list[list[int]]:
    """Sub-events saying the same: close wording whatever the dates (so that different
    dates for one event conflict), or a rewording on dates that fit one another by
    other articles (one article's two sub-events are two events)."""
    tokens = [content_tokens(text) for text in texts]

    def linked(a: int, b: int) -> bool:
        if not figures_fit(texts[a], texts[b]):
            return False
        if statement_similarity(tokens[a], tokens[b], tol.subset_min_tokens) >= (
            tol.statement_match
        ):
            return True
        day_a, day_b = days[a], days[b]
        return (
            not articles[a] & articles[b]
            and day_a is not None
            and day_b is not None
            and common((Range(*day_a), Range(*day_b)))
            and reworded(texts[a], texts[b], tol.statement_dice)
        )

    return group_linked(len(texts), [statement_words(text) for text in texts], linked)


def _date_draft(
    ctx: MergeContext,
    key: str,
    label: str,
    obs: list[Observation],
    decide: list[Observation] | None = None,
    *,
    midnight: bool = False,
) -> Draft:
    """The draft of one date fact; its status is decided by `decide` (default: all).
    `midnight`: two days in a row may be one moment told on either side of midnight (an
    event late at night, a report in another time zone), so they fit, unsure; the
    event's own date is read so, a sub-event's is not (when a search ended or a last
    test came back is what its reports dispute)."""
    shown = obs
    obs = decide if decide is not None else obs
    dates = sorted({o.text for o in obs}, key=date_order)
    planned = {_planned(o.label) for o in obs}
    confidence: float | None = 1.0
    status: FactStatus
    if count_outlets(obs) == 1 and count_outlets(shown) > 1:
        # The others only echo their publication days: nothing to agree or disagree on.
        status = "compatible"
        confidence = _UNSURE
    elif count_outlets(obs) == 1:
        status = "single_source"
    elif len(dates) == 1:
        # A plan and its outcome on the same date fit; they do not say the same.
        status = "compatible" if len(planned) == 2 else "agreed"
    else:
        ranges = [day_range(d) for d in dates]
        known = all(r is not None for r in ranges)
        if known and common(Range(r[0], r[1]) for r in ranges if r is not None):
            status = "compatible"
        elif known and _rescheduled(ctx, obs):
            # Every date was still ahead when it was reported, and a later report gives
            # another: the plan moved ('Monday' on Saturday, 'Tuesday' on Monday).
            status = "revised"
        elif known and midnight and _days_in_a_row(ranges):
            status = "compatible"
            confidence = _UNSURE
        elif known and not _told_after(ctx, obs):
            # An article could not date what happened after it was written: dates of
            # reports from different days may be different days of one story.
            status = "compatible"
            confidence = _UNSURE
        else:
            status = "conflicting"
    if status == "conflicting":
        parts = [
            f"{d} ({', '.join(outlets_of(ctx, (o for o in obs if o.text == d)))})" for d in dates
        ]
        statement = f"{label}: conflicting — {'; '.join(parts)}"
    elif status == "revised":
        first = _first_told(ctx, obs)
        *before, last = sorted(first, key=first.__getitem__)
        statement = with_outlets(f"{label}: revised from {' / '.join(before)} to {last}", obs)
    else:
        every = sorted({o.text for o in shown}, key=date_order)
        statement = with_outlets(f"{label}: {' / '.join(every)}", shown)
    return Draft(
        "date",
        key,
        status,
        statement,
        grouped_values(
            ctx, shown, _first_told(ctx, shown).__getitem__ if status == "revised" else date_order
        ),
        shown,
        confidence=confidence if status != "single_source" else None,
    )


def _days_in_a_row(ranges: Sequence[tuple[int, int] | None]) -> bool:
    """Every range ends at most a day before any other starts: two days in a row."""
    known = [r for r in ranges if r is not None]
    return max(r[0] for r in known) - min(r[1] for r in known) <= 1


def _rescheduled(ctx: MergeContext, obs: Sequence[Observation]) -> bool:
    """Each date lies after its report's day, and the dates follow one another in the
    reports: every report of one date comes before (by day) every report of the next.
    A plan told, then moved; reports of one day giving two dates say nothing of which
    came first."""
    told: dict[str, list[int]] = defaultdict(list)
    for o in obs:
        day, held = ctx.published_day(o.article_id), day_range(o.text)
        if day is None or held is None or held[0] <= day[1]:
            return False
        told[o.text].append(day[0])
    spans = sorted((min(days), max(days)) for days in told.values())
    return all(a[1] < b[0] for a, b in pairwise(spans))


def _first_told(ctx: MergeContext, obs: Sequence[Observation]) -> dict[str, tuple[object, ...]]:
    """Each date with the day it was first reported, for a revised date's value order."""
    first: dict[str, tuple[object, ...]] = {}
    for o in obs:
        key = (ctx.published[o.article_id], date_order(o.text))
        first[o.text] = min(first.get(o.text, key), key)
    return first


def _told_after(ctx: MergeContext, obs: Sequence[Observation]) -> bool:
    """No article giving one of the dates was published before all of them ended: two
    such articles giving different dates disagree about the past (an article of unknown
    date is taken to look back)."""
    ends = [day_range(o.text) for o in obs]
    last = max(r[1] for r in ends if r is not None)
    for o in obs:
        published = ctx.published_day(o.article_id)
        if published is not None and published[0] < last:
            return False
    return True
