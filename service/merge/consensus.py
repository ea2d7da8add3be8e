"""`merge_records`: one context, every fact kind built from it, one `Consensus`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Final

from schemas.article import Article
from schemas.consensus import Consensus, ConsensusProvenance, Fact, OutletInfo, PromptRef
from schemas.record import EventRecord
from service.merge.actors import build_actor_facts
from service.merge.claims import build_claim_facts
from service.merge.context import MergeContext
from service.merge.dates import build_date_facts
from service.merge.drafts import to_fact
from service.merge.event import build_event
from service.merge.places import build_place_facts
from service.merge.quantities import build_quantity_facts
from service.merge.quotes import build_quote_facts
from service.merge.tolerances import DEFAULT_TOLERANCES, MergeTolerances

_KIND_ORDER: Final[dict[str, int]] = {
    kind: index
    for index, kind in enumerate(("actor", "quantity", "date", "place", "quote", "claim"))
}


def build_facts(ctx: MergeContext) -> list[Fact]:
    """Every fact kind's drafts as facts, ordered by kind then key; ids are unique."""
    drafts = [
        *build_actor_facts(ctx),
        *build_quantity_facts(ctx),
        *build_date_facts(ctx),
        *build_place_facts(ctx),
        *build_quote_facts(ctx),
        *build_claim_facts(ctx),
    ]
    drafts.sort(key=lambda d: (_KIND_ORDER[d.kind], d.key))
    facts = [to_fact(ctx, draft) for draft in drafts]
    if len({fact.id for fact in facts}) != len(facts):
        raise RuntimeError("merge produced two facts with one id; keys must be unique")
    return facts


def build_provenance(ctx: MergeContext) -> ConsensusProvenance:
    """The models and prompts behind the records, the latest record time and the
    tolerances used."""
    models: set[str] = set()
    prompts: set[tuple[str, str, str]] = set()
    created: list[datetime] = []
    for record in ctx.records:
        if record.provenance is None:
            continue
        models.add(record.provenance.model)
        prompts.add(
            (
                record.provenance.prompt_name,
                record.provenance.prompt_version,
                record.provenance.prompt_hash,
            )
        )
        stamp = record.provenance.created_at
        # A naive time is read as UTC so naive and aware stamps can be compared.
        created.append(stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC))
    return ConsensusProvenance(
        models=sorted(models),
        prompts=[PromptRef(name=n, version=v, hash=h) for n, v, h in sorted(prompts)],
        created_at=max(created) if created else None,
        tolerances={name: float(value) for name, value in ctx.tol.model_dump().items()},
    )


def build_consensus(ctx: MergeContext) -> Consensus:
    """The consensus of one context, without a narrative."""
    return Consensus(
        event=build_event(ctx),
        facts=build_facts(ctx),
        outlets=[
            OutletInfo(
                article_id=record.article_id,
                outlet=ctx.outlet_raw[record.article_id],
                published_at=ctx.published[record.article_id] or None,
            )
            for record in ctx.records
        ],
        derivatives=list(ctx.derivatives),
        narrative=[],
        narrative_mode="none",
        provenance=build_provenance(ctx),
    )


def _collapse_records(records: Iterable[EventRecord]) -> list[EventRecord]:
    """One record per article id, sorted by id.

    Duplicates (the same article merged twice, or extracted twice) keep the record with
    the smallest JSON form: an arbitrary but order-independent choice.
    """
    by_id: dict[str, list[EventRecord]] = defaultdict(list)
    for record in records:
        by_id[record.article_id].append(record)
    chosen: list[EventRecord] = []
    for article_id in sorted(by_id):
        group = by_id[article_id]
        if len(group) == 1:
            chosen.append(group[0])
        else:
            chosen.append(min(group, key=lambda r: r.model_dump_json()))
    return chosen


def _collapse_articles(articles: Iterable[Article]) -> list[Article]:
    by_id: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_id[article.id].append(article)
    return [
        min(by_id[article_id], key=lambda a: a.model_dump_json()) for article_id in sorted(by_id)
    ]


def merge_records(
    records: Sequence[EventRecord],
    tolerances: MergeTolerances = DEFAULT_TOLERANCES,
    articles: Sequence[Article] | None = None,
) -> Consensus:
    """Merge the records of several articles about one event into a `Consensus`.

    Items about the same person, figure, date, place, quote or claim are aligned across
    records and each group becomes a `Fact` with exactly one status; the rules are in
    the docstrings of `service.merge` and of each fact kind's module. `articles`, when
    given, supply the texts for derivative detection and for the clause around each
    figure (and outlet names missing from records). The result depends only on the
    set of records: any order gives the same output, and records sharing an article id
    collapse to one.
    """
    return build_consensus(merge_context(records, tolerances, articles))


def merge_context(
    records: Sequence[EventRecord],
    tolerances: MergeTolerances = DEFAULT_TOLERANCES,
    articles: Sequence[Article] | None = None,
) -> MergeContext:
    """The context `merge_records` builds every fact from (records sharing an article id
    collapsed to one): for tools that look inside the merge, such as `evals.apart`."""
    return MergeContext.build(
        _collapse_records(records), _collapse_articles(articles or ()), tolerances
    )
