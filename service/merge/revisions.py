"""Revisions: superseded and current values of one figure cluster.

A figure cluster may mix superseded and current values, as in the sample: "at least 600"
killed as of April, then "about 2,000" / "roughly 2,000" / "at least 2,000". It is
reported as two facts linked by `related_fact_ids`:

* the *current* fact holds the values still standing and gets its status from them
  (`compatible` in the sample);
* a *revision* fact (key suffixed " (revision)", status `revised`) lists the superseded
  values, oldest first, followed by the current ones ("600 → 2,000").

A figure holds at its `as_of`; failing that, a running tally
(`frame_words.TALLY_HAPPENINGS`: the dead, the missing...) holds on its article's
publication day, and so does a figure whose time scope takes it at a point of that day
('354,000 by 4 pm', 'with 87% of the ballots counted': `Observation.snapshot`); so do
both when their `as_of` is a stretch still running on that day (hectares burned 'in 2031'
reported in June 2031 are the count so far); any other figure is read as current, so as
the latest. Two figures one article gives, nothing dating them apart and no words calling
one older, hold at once: neither supersedes the other. A value is superseded when

1. a value holding strictly later is disjoint from it and tells the same story: it is
   a higher count of a running tally (tallies only grow, whoever counts; a tally of a
   state people leave, `stock`, such as the missing, moves either way; a tally that
   only grows is revised down to less than `tally_drop` of itself only when the
   older one's clause calls it older), one of them
   is unattributed and the figure is a running tally, they cite a common upstream
   source, the older one's clause calls it older (`OLDER_MARKERS`: 'its initial
   count'), the older one is a snapshot ('59% so far') and one of them names no
   source (an outlet's running report of a count in progress), or one outlet gives
   both ('more than 10,000 in 2024' from one agency against 'around 15,000' from
   another is a conflict, not a revision; a toll of 12, then 17, then 23 from one
   agency over three days is a revision);
2. it has no `as_of` but overlaps a value superseded under (1) and is disjoint from, and
   not later than, a value that superseded that one (a repeat of the old figure:
   "initial reports said at least 600"); or
3. a source gives two disjoint counts of a running tally, or of a count some figures of
   which are snapshots ('354,000 by 4 pm' and the ministry's 505,000 for the day), that
   time does not order, in different articles: the lower one is the earlier (a source
   does not contradict its own running count). An article giving both, nothing dating
   them apart, gives two counts that hold at once ('16 arrested in Paris ... 140 in
   all'), however many outlets copy it;
An outlet giving two named sources' figures (the police's count and the union's) reports
their dispute: rule (1) by the shared outlet does not make it a revision, nor does a
running tally's rise, and a later repeat of one of them is no echo under rule (2): undated
in one article, the two hold at once (the army's 'under 100' beside the ministry's 274
dead).

One outlet giving two disjoint values that time does not order ('31 sent home by air',
'229 by road'; '23 schools', '52 others') is read as two facts, not as a revision: nothing
says which came first. The value fewer outlets back (ties: the earlier-published article,
then the earlier mention) is set *apart*, to stand as a fact of its own.

A value that still overlaps the later ones is not superseded: the figure held.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from service.merge.context import MergeContext
from service.merge.drafts import Observation, figure_of, rival_sources
from service.merge.intervals import Figure, Range, centre, day_range, meets


class _Stamp(NamedTuple):
    """A figure and the days it held: its `as_of`, or a tally's publication day, or None."""

    figure: Figure
    days: tuple[int, int] | None
    explicit: bool

    def later_than(self, other: _Stamp) -> bool:
        """Strictly later; a figure of unknown time is read as current, so as the latest."""
        if other.days is None:
            return False
        return self.days is None or self.days[0] > other.days[1]

    def order(self) -> tuple[object, ...]:
        days = (1, 0, 0) if self.days is None else (0, *self.days)
        return (days, self.figure.order(), self.explicit)


def held(ctx: MergeContext, o: Observation, *, published: bool = True) -> tuple[int, int] | None:
    """When a figure held: its `as_of`, else (if `published`) its article's day. So too
    (if `published`) when its `as_of` is a stretch still running on that day: a running
    count 'in 2031' or 'this month' reported in June 2031 is the count so far, as of
    the report, not the year's."""
    stated = day_range(figure_of(o).as_of)
    if not published:
        return stated
    day = ctx.published_day(o.article_id)
    if stated is None:
        return day
    if day is not None and stated[0] < day[0] <= stated[1]:
        return day
    return stated


def split_revisions(
    ctx: MergeContext, obs: Sequence[Observation], *, tally: bool, stock: bool
) -> tuple[list[Observation], list[Observation], list[Observation]]:
    """(superseded, current, apart) observations of one figure cluster, by the rules
    above; `apart` are an outlet's values that are another fact (see the module notes).

    Works on stamps, a figure and when it held, so that one figure reported on two
    days is two stamps. Every rule reads only the stamps, never the input order.
    `stock` marks a tally that falls as well as rises (the missing): rule 1 reads any
    later count of it as an update. Publication days date undated figures only for
    running tallies (`tally`) and for snapshots (`Observation.snapshot`: 'by 4 pm').
    """
    by_stamp: dict[_Stamp, list[Observation]] = defaultdict(list)
    for o in obs:
        figure = figure_of(o)
        days = held(ctx, o, published=tally or o.snapshot)
        stamp = _Stamp(figure, days, day_range(figure.as_of) is not None)
        by_stamp[stamp].append(o)
    stamps = sorted(by_stamp, key=_Stamp.order)
    ranges = {s: s.figure.scaled(ctx.tol) for s in stamps}
    sources = {s: {o.source for o in by_stamp[s]} for s in stamps}
    outlets = {s: {o.outlet_key for o in by_stamp[s]} for s in stamps}
    older = {s: any(o.older for o in by_stamp[s]) for s in stamps}
    snapshot = {s: any(o.snapshot for o in by_stamp[s]) for s in stamps}
    in_articles = {s: {o.article_id for o in by_stamp[s]} for s in stamps}
    articles: dict[Figure, set[str]] = defaultdict(set)
    for o in obs:
        articles[figure_of(o)].add(o.article_id)

    def one_story(a: _Stamp, b: _Stamp) -> bool:
        # A revision is a source chain updating itself: the same source, the same
        # outlet, or for a running tally an unattributed figure (an outlet's running
        # count). A running tally only grows, whoever counts it, so a higher count later
        # is an update too, unless one article gives both as two named sources' figures
        # (the army's 'under 100' beside the ministry's 274 dead: a dispute that stands);
        # a lower one from another source disputes it. Otherwise another named
        # source's figure later is a conflict: an `as_of` alone does not make it an
        # update ('more than 10,000 in 2024' / 'around 15,000').
        if in_articles[a] == in_articles[b] and not (a.explicit or b.explicit or older[a]):
            # One article gives both and nothing dates them apart: they hold at once ('the
            # alliance won 63 seats with 87% counted; the opposition won 38').
            return False
        growing = tally and not stock and not older[a]
        if growing and centre(b.figure) * ctx.tol.tally_drop < centre(a.figure):
            # A growing tally is not revised down to a part of itself, unless the
            # words call the earlier count superseded ('its initial count').
            return False
        unattributed = tally and (None in sources[a] or None in sources[b])
        return bool(
            (tally and centre(b.figure) > centre(a.figure) and not side_by_side(a, b))
            or (stock and not side_by_side(a, b))
            or unattributed
            or (sources[a] & sources[b]) - {None}
            or (outlets[a] & outlets[b] and not disputed(a, b))
            or older[a]
            or (snapshot[a] and (None in sources[a] or None in sources[b]))
        )

    def side_by_side(a: _Stamp, b: _Stamp) -> bool:
        # Neither dated: the article gives them as holding at once.
        undated = not (a.explicit or b.explicit)
        return undated and bool(articles[a.figure] & articles[b.figure]) and disputed(a, b)

    def disputed(a: _Stamp, b: _Stamp) -> bool:
        # One outlet giving two sources' figures reports their dispute (the police's
        # count and the union's), not an update.
        return rival_sources(sources[a], sources[b])

    # Only stamps starting after `s` ends (or of unknown time) can supersede it.
    starts = [(1, 0) if t.days is None else (0, t.days[0]) for t in stamps]
    superseders = {
        s: [
            t
            for t in stamps[bisect_right(starts, (0, s.days[1])) :]
            if t.later_than(s) and not meets(ranges[s], ranges[t]) and one_story(s, t)
        ]
        if s.days is not None
        else []
        for s in stamps
    }
    old = {s for s, newer in superseders.items() if newer}
    echoes = {
        u
        for u in stamps
        if not u.explicit
        and u not in old
        and any(
            meets(ranges[u], ranges[d])
            and any(
                not meets(ranges[u], ranges[w]) and not u.later_than(w) and not side_by_side(u, w)
                for w in superseders[d]
            )
            for d in old
        )
    }
    if len(old | echoes) < len(stamps):  # never supersede every value
        old |= echoes
    if tally or any(snapshot.values()):
        # A source does not contradict its own running count: of two of its counts
        # that time does not order, the lower one is the earlier. Of any other count,
        # only a snapshot ('354,000 by 4 pm') is the earlier one so.
        for i, s in enumerate(stamps):
            for t in stamps[i + 1 :]:
                shared = (sources[s] & sources[t]) - {None}
                if not shared or s.later_than(t) or t.later_than(s):
                    continue
                if in_articles[s] & in_articles[t]:
                    continue  # an article giving both gives two counts at once, not a chain
                lower = min(s, t, key=lambda u: centre(u.figure))
                if not tally and not snapshot[lower]:
                    continue
                if not meets(ranges[s], ranges[t]) and len(old | {lower}) < len(stamps):
                    old.add(lower)
    if tally and not stock:
        # A running tally only grows: of two counts of it held on one day, from different
        # articles, a lower one published before the article giving a higher one was its
        # count at the time (a toll of 23 in the morning, 31 that evening), unless one
        # outlet sets them side by side as two sources' figures.
        spans = {u: _published_span(ctx, by_stamp[u]) for u in stamps}
        for i, s in enumerate(stamps):
            for t in stamps[i + 1 :]:
                if s.days is None or s.days != t.days or s.days[0] != s.days[1]:
                    continue
                if in_articles[s] & in_articles[t] or meets(ranges[s], ranges[t]):
                    continue
                lower, higher = sorted((s, t), key=lambda u: centre(u.figure))
                low, high = spans[lower], spans[higher]
                if low is None or high is None or side_by_side(s, t):
                    continue
                if low[1] < high[0] and len(old | {lower}) < len(stamps):
                    old.add(lower)
    still = [s for s in stamps if s not in old]
    clashes = _same_outlet_clashes(ctx, still, by_stamp, ranges)
    superseded: list[Observation] = []
    current: list[Observation] = []
    apart: list[Observation] = []
    for stamp in stamps:
        for o in by_stamp[stamp]:
            if (o.outlet_key, stamp) in clashes:
                apart.append(o)
            else:
                (superseded if stamp in old else current).append(o)
    return superseded, current, apart


def _published_span(
    ctx: MergeContext, obs: Sequence[Observation]
) -> tuple[datetime, datetime] | None:
    """The first and last instant the articles giving `obs` were published, None unless
    every one of them gives its time."""
    instants = [ctx.published_instant(o.article_id) for o in obs]
    timed = [w for w in instants if w is not None]
    return (min(timed), max(timed)) if timed and len(timed) == len(instants) else None


def _disputed(outlet: str, first: Sequence[Observation], second: Sequence[Observation]) -> bool:
    """The outlet attributes the two figures to different named sources: a dispute."""
    return rival_sources(
        {o.source for o in first if o.outlet_key == outlet},
        {o.source for o in second if o.outlet_key == outlet},
    )


def _same_outlet_clashes(
    ctx: MergeContext,
    stamps: Sequence[_Stamp],
    by_stamp: Mapping[_Stamp, list[Observation]],
    ranges: Mapping[_Stamp, Range],
) -> set[tuple[str, _Stamp]]:
    """(outlet, stamp) pairs an outlet contradicts with a disjoint figure of its own.

    Only pairs that time does not order are left to this rule, e.g. two undated
    figures in one article: the figure more outlets back is the current one.
    """
    by_outlet: dict[str, set[_Stamp]] = defaultdict(set)
    outlets_by_stamp: dict[_Stamp, set[str]] = defaultdict(set)
    latest: dict[tuple[str, _Stamp], tuple[str, str, int]] = {}
    for stamp in stamps:
        for o in by_stamp[stamp]:
            by_outlet[o.outlet_key].add(stamp)
            outlets_by_stamp[stamp].add(o.outlet_key)
            mention = (ctx.published[o.article_id], o.article_id, o.position)
            slot = (o.outlet_key, stamp)
            latest[slot] = max(latest.get(slot, mention), mention)
    if not any(len(mine) > 1 for mine in by_outlet.values()):
        return set()
    support_cache: dict[_Stamp, int] = {}

    def support(stamp: _Stamp) -> int:
        # Computed only for stamps in a same-outlet clash: usually none at all.
        if stamp not in support_cache:
            support_cache[stamp] = len(
                {
                    outlet
                    for other in stamps
                    if meets(ranges[stamp], ranges[other])
                    for outlet in outlets_by_stamp[other]
                }
            )
        return support_cache[stamp]

    old: set[tuple[str, _Stamp]] = set()
    for outlet, mine in sorted(by_outlet.items()):
        if len(mine) < 2:
            continue

        def rank(stamp: _Stamp, outlet: str = outlet) -> tuple[object, ...]:
            return (support(stamp), latest[(outlet, stamp)], stamp.order())

        ordered = sorted(mine, key=_Stamp.order)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                unordered = not first.later_than(second) and not second.later_than(first)
                if _disputed(outlet, by_stamp[first], by_stamp[second]):
                    continue
                if unordered and not meets(ranges[first], ranges[second]):
                    old.add((outlet, min(first, second, key=rank)))
    return old
