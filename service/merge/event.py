"""The consensus event: headline, type, date and place most records give."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Final

from schemas.consensus import ConsensusEvent
from schemas.record import EventType, Granularity
from service.merge.context import MergeContext
from service.merge.grouping import most_common
from service.merge.intervals import date_order
from service.merge.tokens import content_tokens, place_key, plain

_GRANULARITY_RANK: Final[dict[str, int]] = {"day": 0, "month": 1, "year": 2, "unknown": 3}


_EVENT_TYPE_RANK: Final[dict[EventType, int]] = {kind: i for i, kind in enumerate(EventType)}


def build_event(ctx: MergeContext) -> ConsensusEvent:
    """The headline, type, date and place most records give; ties go to the most
    central headline, the finest date, the alphabetically first place."""
    records = ctx.records
    if not records:
        return ConsensusEvent(headline="", event_type=EventType.OTHER)
    headlines: dict[str, set[str]] = defaultdict(set)
    token_df: Counter[str] = Counter()
    for record in records:
        headlines[plain(record.headline)].add(record.headline.strip())
        token_df.update(set(content_tokens(record.headline)))

    def centrality(headline: str) -> int:
        # Headlines sharing the most words with the others come first.
        return -sum(token_df[t] for t in set(content_tokens(headline)))

    headline_counts = Counter(plain(record.headline) for record in records)
    chosen = most_common(headline_counts, lambda h: (centrality(h), h))
    type_counts = Counter(record.event_type for record in records)
    event_type = min(type_counts, key=lambda t: (-type_counts[t], _EVENT_TYPE_RANK[t]))
    when_counts: Counter[str] = Counter()
    granularity: dict[str, Counter[Granularity]] = defaultdict(Counter)
    for record in records:
        if record.when is not None and record.when.date:
            when_counts[record.when.date] += 1
            granularity[record.when.date][record.when.granularity] += 1
    when = (
        most_common(
            when_counts,
            lambda d: (min(_GRANULARITY_RANK[g] for g in granularity[d]), date_order(d)),
        )
        if when_counts
        else None
    )
    when_granularity: Granularity = "unknown"
    if when is not None:
        grains = granularity[when]
        when_granularity = min(grains, key=lambda g: (-grains[g], _GRANULARITY_RANK[g]))
    places = [record.where for record in records if record.where is not None]
    where = country = None
    if places:
        place_counts = Counter(place_key(place.name) for place in places)
        top = most_common(place_counts, lambda p: p)
        chosen_places = [place for place in places if place_key(place.name) == top]
        where = min(place.name.strip() for place in chosen_places)
        country_counts = Counter(p.country.strip() for p in chosen_places if p.country)
        country = most_common(country_counts, lambda c: c) if country_counts else None
    return ConsensusEvent(
        headline=min(headlines[chosen]),
        event_type=event_type,
        when=when,
        when_granularity=when_granularity,
        where=where,
        where_country=country,
    )
