"""Claim facts: statements that say the same (see `statements`), or that say it with a
lower bar (`same_source_statement_match`) when both cite the same upstream source.

Claims are grouped by complete linkage, surest pairs first (`alignment.cluster_frames`, as
figures are): a claim joins a group only when it says the same as every claim there. A
statement that runs two claims together (a headline and its subheading) no longer chains
two unrelated groups into one fact through itself.

Claims are `agreed` once two outlets give them and never `conflicting`, since telling a
contradiction from a paraphrase needs more than string similarity.
"""

from __future__ import annotations

from collections import defaultdict

from schemas.consensus import FactStatus
from schemas.record import EventRecord
from service.merge.alignment import Fit, cluster_frames
from service.merge.context import MergeContext
from service.merge.drafts import (
    Draft,
    Observation,
    count_outlets,
    grouped_values,
    observe,
    with_outlets,
)
from service.merge.grouping import most_common
from service.merge.statements import figures_fit, reworded, statement_similarity, statement_words
from service.merge.tokens import content_tokens


def build_claim_facts(ctx: MergeContext) -> list[Draft]:
    """One draft per claim said alike, by wording or stemmed words, across outlets."""
    keyed: dict[tuple[str, str], list[tuple[EventRecord, int]]] = defaultdict(list)
    for record in ctx.records:
        for index, claim in enumerate(record.claims):
            resolved = ctx.sources.resolve(claim.according_to)
            source = resolved.key if resolved is not None else ""
            keyed[(" ".join(content_tokens(claim.statement)), source)].append((record, index))
    nodes = sorted(keyed)
    tokens = [tuple(text.split()) for text, _ in nodes]
    said = [min(record.claims[index].statement for record, index in keyed[n]) for n in nodes]
    sayers = [frozenset(record.article_id for record, _ in keyed[n]) for n in nodes]
    tol = ctx.tol

    def same_claim(a: int, b: int) -> Fit | None:
        if not figures_fit(said[a], said[b]):
            return None
        score = statement_similarity(tokens[a], tokens[b], tol.subset_min_tokens)
        same_source = nodes[a][1] != "" and nodes[a][1] == nodes[b][1]
        linked = (
            score >= tol.statement_match
            or (same_source and score >= tol.same_source_statement_match)
            # One article's two claims are two claims, however alike.
            or (not sayers[a] & sayers[b] and reworded(said[a], said[b], tol.statement_dice))
        )
        return Fit(score / 100, frozenset()) if linked else None

    drafts: list[Draft] = []
    blocks = [sorted(statement_words(text)) for text in said]
    clusters = cluster_frames(len(nodes), blocks, same_claim, list(range(len(nodes))))
    for cluster, _, _ in clusters:
        obs: list[Observation] = []
        for i in cluster:
            for record, index in keyed[nodes[i]]:
                claim = record.claims[index]
                obs.append(
                    observe(
                        ctx,
                        record,
                        claim,
                        claim.statement,
                        attributed_to=claim.according_to,
                        group="\x1f".join(nodes[i]),
                        upstream=claim.according_to,
                    )
                )
        counts: dict[str, set[str]] = defaultdict(set)
        for o in obs:
            counts[" ".join(content_tokens(o.text))].add(o.article_id)
        key = most_common({k: len(v) for k, v in counts.items()}, lambda k: (len(k), k))
        # Outlets relaying one claim agree on it, however they word it.
        status: FactStatus = "single_source" if count_outlets(obs) == 1 else "agreed"
        rep = min(
            (o for o in obs if " ".join(content_tokens(o.text)) == key), key=Observation.rep_order
        )
        sources = sorted({o.source_display for o in obs if o.source_display})
        prefix = f"{' / '.join(sources)}: " if sources else ""
        drafts.append(
            Draft(
                "claim",
                key,
                status,
                with_outlets(prefix + rep.text.strip(), obs),
                grouped_values(ctx, obs, lambda g: g),
                obs,
            )
        )
    return drafts
