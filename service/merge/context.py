"""`MergeContext`: everything one merge reads, built once and never changed.

Every fact kind is built from the context alone (`build_actor_facts(ctx)`, ...), so each
can be run and tested on its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from schemas.article import Article
from schemas.consensus import DerivativePair
from schemas.record import EventRecord
from service.merge.independence import detect_derivatives
from service.merge.intervals import ISO_DAY_CHARS, day_range
from service.merge.names import NameIndex
from service.merge.sources import SourceResolver, normalise_source
from service.merge.tolerances import MergeTolerances


@dataclass(frozen=True, slots=True)
class MergeContext:
    """The collapsed inputs of one merge and what every fact kind shares about them."""

    records: tuple[EventRecord, ...]
    """One record per article id, sorted by id."""
    tol: MergeTolerances
    texts: Mapping[str, str]
    """Article id → text, for the articles given."""
    outlet_key: Mapping[str, str]
    """Article id → its normalised outlet ('[article id]' without one): one outlet."""
    outlet_raw: Mapping[str, str | None]
    """Article id → its outlet as given (by the record, else by the article)."""
    outlet_name: Mapping[str, str]
    """Outlet key → the name shown for it."""
    origin_key: Mapping[str, str]
    """Article id → its origin for an item that cites no source: the outlet as a source."""
    published: Mapping[str, str]
    """Article id → its publication date or time (ISO), '' when unknown."""
    derivatives: tuple[DerivativePair, ...]
    """Article pairs that copy one another (found only when articles are given)."""
    derivative_edges: tuple[tuple[str, str], ...]
    names: NameIndex
    """Every actor and speaker name of the records, clustered."""
    sources: SourceResolver
    """Source names → keys, the spellings of one source joined over the names the records
    and articles give (it caches each name it resolves)."""

    def published_day(self, article_id: str) -> tuple[int, int] | None:
        """The day an article was published (first and last ordinal), None if unknown."""
        return day_range(self.published[article_id][:ISO_DAY_CHARS] or None)

    def published_instant(self, article_id: str) -> datetime | None:
        """When an article was published, to the second (UTC), None if only its day or
        nothing is known."""
        stamp = self.published[article_id]
        if len(stamp) <= ISO_DAY_CHARS:
            return None
        try:
            when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            return None
        return when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)

    @classmethod
    def build(
        cls, records: Sequence[EventRecord], articles: Sequence[Article], tol: MergeTolerances
    ) -> MergeContext:
        """The context of `records` (distinct article ids) and the `articles` given."""
        by_id = {article.id: article for article in articles}
        sources = SourceResolver(_source_names(records, by_id), fuzzy_threshold=tol.source_match)
        outlet_key: dict[str, str] = {}
        origin_key: dict[str, str] = {}
        published: dict[str, str] = {}
        outlet_raw: dict[str, str | None] = {}
        raw_names: dict[str, set[str]] = defaultdict(set)
        for record in records:
            outlet = record.outlet
            article = by_id.get(record.article_id)
            if outlet is None and article is not None:
                outlet = article.outlet
            key = normalise_source(outlet) if outlet else ""
            if not key:
                key = f"[{record.article_id}]"
            outlet_key[record.article_id] = key
            outlet_raw[record.article_id] = outlet
            raw_names[key].add(outlet.strip() if outlet else record.article_id)
            resolved = sources.resolve(outlet)
            origin_key[record.article_id] = (
                resolved.key if resolved is not None else f"article:{record.article_id}"
            )
            day = record.published_at
            if day is None and article is not None and article.published_at is not None:
                day = article.published_at.isoformat()
            published[record.article_id] = day or ""
        derivatives = (
            detect_derivatives(
                articles,
                threshold=tol.derivative_threshold,
                containment_threshold=tol.derivative_containment,
                min_shingles=tol.derivative_min_shingles,
                shingle_size=tol.shingle_size,
                max_passages=tol.max_shared_passages,
            )
            if articles
            else []
        )
        mentions: list[Sequence[str]] = [
            [actor.canonical_name, actor.name, *actor.aliases]
            for record in records
            for actor in record.actors
        ]
        mentions += [
            [quote.speaker] for record in records for quote in record.quotes if quote.speaker
        ]
        return cls(
            records=tuple(records),
            tol=tol,
            texts=MappingProxyType({article.id: article.text for article in articles}),
            outlet_key=MappingProxyType(outlet_key),
            outlet_raw=MappingProxyType(outlet_raw),
            outlet_name=MappingProxyType({key: min(names) for key, names in raw_names.items()}),
            origin_key=MappingProxyType(origin_key),
            published=MappingProxyType(published),
            derivatives=tuple(derivatives),
            derivative_edges=tuple((pair.article_a, pair.article_b) for pair in derivatives),
            names=NameIndex(mentions, tol.name_match, sources),
            sources=sources,
        )


def _source_names(records: Sequence[EventRecord], by_id: Mapping[str, Article]) -> list[str]:
    """Every name the records and articles give for a source: outlets, attributions of
    figures and claims, and relays of quotes."""
    names: list[str | None] = []
    for record in records:
        article = by_id.get(record.article_id)
        names.append(record.outlet or (article.outlet if article is not None else None))
        names += [quantity.attributed_to for quantity in record.quantities]
        names += [claim.according_to for claim in record.claims]
        names += [quote.via for quote in record.quotes]
    return [name for name in names if name]
