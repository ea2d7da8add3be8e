"""Observations and drafts: what every fact kind builds, and how a draft becomes a `Fact`.

An observation is one input item as the merge sees it; a draft is a fact before its id,
outlets and origins are computed. `upstream_sources` and `independent_origins` come from
`service.merge.independence`: the quantity's `attributed_to`, the claim's `according_to`,
the quote's `via`, resolved through an alias table; articles citing one source, from one
outlet, or copying one another (when `articles` are given) count as one origin.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from schemas.consensus import EvidenceRef, Fact, FactKind, FactStatus, FactValue
from schemas.record import EventRecord, Grounded
from service.merge.context import MergeContext
from service.merge.independence import count_independent_origins
from service.merge.intervals import Figure, Range

NO_POSITION: Final = 2**62


class Observation(NamedTuple):
    """One input item as the merge sees it: who gives it, its value and its evidence.

    A named tuple rather than a dataclass: tens of thousands are built per merge.
    """

    article_id: str
    outlet_key: str
    item: Grounded
    text: str
    label: str = ""
    attributed_to: str | None = None
    source: str | None = None
    source_display: str | None = None
    figure: Figure | None = None
    unit: str | None = None
    group: str = ""
    position: int = NO_POSITION
    older: bool = False
    """Its clause marks the figure as an older value ('its initial count was ...')."""
    snapshot: bool = False
    """Its time scope takes the figure at a point of time ('by 4 pm', 'so far')."""
    qualified: bool = False
    """Its frame names which of the counted things ('cabin crew', 'North Korean troops')."""

    def rep_order(self) -> tuple[str, str, str, str, int]:
        """Total order over everything a `FactValue` copies from its representative item."""
        return (
            self.text,
            self.unit or "",
            self.attributed_to or "",
            self.article_id,
            self.position,
        )


def rival_sources(a: AbstractSet[str | None], b: AbstractSet[str | None]) -> bool:
    """Each side names a source and no named source is on both: a dispute between named
    sources (the police's count and the union's), as opposed to one source's values or
    unattributed ones."""
    named_a, named_b = a - {None}, b - {None}
    return bool(named_a and named_b and not named_a & named_b)


def figure_of(obs: Observation) -> Figure:
    """The figure of a quantity observation."""
    if obs.figure is None:  # only quantity observations reach the figure code
        raise ValueError("observation carries no figure")
    return obs.figure


@dataclass
class Draft:
    """A fact before its id, outlets and origins are computed."""

    kind: FactKind
    key: str
    status: FactStatus
    statement: str
    values: list[FactValue]
    obs: list[Observation]
    related: list[str] = field(default_factory=list)
    confidence: float | None = None
    """How sure the alignment is (figures only); None for single-source facts."""
    matched_slots: list[str] = field(default_factory=list)


def observe(
    ctx: MergeContext,
    record: EventRecord,
    item: Grounded,
    text: str,
    *,
    group: str = "",
    label: str = "",
    attributed_to: str | None = None,
    upstream: str | None = None,
    unit: str | None = None,
    figure: Figure | None = None,
) -> Observation:
    """An observation of `item`; `upstream` is the source name the article cites."""
    resolved = ctx.sources.resolve(upstream)
    source = display = None
    if resolved is not None and upstream is not None:
        source = resolved.key
        display = resolved.display
    position = min([span.start for span in item.evidence], default=NO_POSITION)
    # Positional: keyword construction of a named tuple costs twice as much, and this
    # runs once per input item.
    return Observation(
        record.article_id,
        ctx.outlet_key[record.article_id],
        item,
        text,
        label,
        attributed_to,
        source,
        display,
        figure,
        unit,
        group,
        position,
    )


def count_outlets(obs: Iterable[Observation]) -> int:
    """How many outlets give the observations."""
    return len({o.outlet_key for o in obs})


def outlets_of(ctx: MergeContext, obs: Iterable[Observation]) -> list[str]:
    """The names of the outlets giving the observations, sorted."""
    return sorted({ctx.outlet_name[o.outlet_key] for o in obs})


def fact_value(
    ctx: MergeContext,
    group: Sequence[Observation],
    *,
    interval: Range | None = None,
    quantity: bool = False,
) -> FactValue:
    """One `FactValue` for observations that give the same value, copied from the
    first of them in `Observation.rep_order`; `quantity` copies its figure too."""
    rep = min(group, key=Observation.rep_order)
    spans = {
        (o.article_id, span.start, span.end, span.text): span
        for o in group
        for span in o.item.evidence
    }
    figure = rep.figure if quantity else None
    return FactValue(
        value=figure.value if figure else None,
        low=figure.low if figure else None,
        high=figure.high if figure else None,
        hedge=figure.hedge if figure else None,
        unit=rep.unit if quantity else None,
        as_of=figure.as_of if figure else None,
        interval=interval.to_schema() if interval else None,
        text=rep.text,
        attributed_to=rep.attributed_to,
        outlets=outlets_of(ctx, group),
        article_ids=sorted({o.article_id for o in group}),
        evidence=[EvidenceRef(article_id=key[0], span=spans[key]) for key in sorted(spans)],
        grounded=any(o.item.grounded for o in group),
    )


def grouped_values(
    ctx: MergeContext, obs: Iterable[Observation], order: Callable[[str], Any]
) -> list[FactValue]:
    """One value per distinct `Observation.group`, sorted by `order` of the group key."""
    groups: dict[str, list[Observation]] = defaultdict(list)
    for o in obs:
        groups[o.group].append(o)
    return [fact_value(ctx, groups[key]) for key in sorted(groups, key=order)]


def with_outlets(text: str, obs: Iterable[Observation]) -> str:
    """`text` followed by how many outlets give the observations."""
    count = count_outlets(obs)
    return f"{text} ({count} outlet{'s' if count != 1 else ''})"


def fact_id(kind: FactKind, key: str) -> str:
    """The fact id: a short hash of its kind and key."""
    return hashlib.sha256(f"{kind}\x1f{key}".encode()).hexdigest()[:16]


def to_fact(ctx: MergeContext, draft: Draft) -> Fact:
    """The fact of a draft: its id, outlets, upstream sources and independent origins."""
    sources: dict[str, set[str]] = defaultdict(set)
    origins: dict[str, set[str]] = defaultdict(set)
    for o in draft.obs:
        if o.source is not None:
            sources[o.source].add(o.source_display or o.source)
            origins[o.article_id].add(o.source)
        else:
            origins[o.article_id].add(ctx.origin_key[o.article_id])
    return Fact(
        id=fact_id(draft.kind, draft.key),
        kind=draft.kind,
        key=draft.key,
        statement=draft.statement,
        status=draft.status,
        values=draft.values,
        upstream_sources=sorted({min(names) for names in sources.values()}),
        independent_origins=count_independent_origins(origins, ctx.derivative_edges),
        outlets=outlets_of(ctx, draft.obs),
        related_fact_ids=sorted(draft.related),
        confidence=draft.confidence,
        matched_slots=draft.matched_slots,
    )
