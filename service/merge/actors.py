"""Actor facts: the mentions of one person or body (see `names`), `agreed` once two
outlets give them."""

from __future__ import annotations

from collections import defaultdict

from schemas.consensus import FactStatus
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
from service.merge.names import name_tokens
from service.merge.tokens import WORDS, plain


def build_actor_facts(ctx: MergeContext) -> list[Draft]:
    """One draft per person or body the records name: aliases, honorifics and
    surname-only mentions resolved through `ctx.names`."""
    clusters: dict[str, list[Observation]] = defaultdict(list)
    canonical: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    titles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for record in ctx.records:
        for actor in record.actors:
            root = ctx.names.resolve([actor.canonical_name, actor.name, *actor.aliases])
            clusters[root].append(observe(ctx, record, actor, actor.name, group=plain(actor.name)))
            canonical[root][actor.canonical_name.strip()].add(record.article_id)
            if actor.title:
                titles[root][actor.title.strip()].add(record.article_id)
    drafts: list[Draft] = []
    used_keys: set[str] = set()
    for root in sorted(clusters):
        obs = clusters[root]
        by_key: dict[str, set[str]] = defaultdict(set)
        for name, ids in canonical[root].items():
            by_key[" ".join(name_tokens(name)) or plain(name)].update(ids)
        # A full name beats a surname, then the name most articles use.
        key = min(by_key, key=lambda k: (len(k.split()) < 2, -len(by_key[k]), -len(k), k))
        # Shown as most articles write it, else with the fewest extra words.
        spellings = canonical[root]
        display = min(
            (n for n in spellings if (" ".join(name_tokens(n)) or plain(n)) == key),
            key=lambda n: (-len(spellings[n]), len(WORDS.findall(n)), n),
        )
        if key in used_keys:  # two clusters showing one name: keep both, apart
            key = f"{key} [{root}]"
        used_keys.add(key)
        title_counts = {title: len(ids) for title, ids in titles[root].items()}
        label = display
        if title_counts:
            label += ", " + most_common(title_counts, lambda t: t)
        status: FactStatus = "single_source" if count_outlets(obs) == 1 else "agreed"
        drafts.append(
            Draft(
                "actor",
                key,
                status,
                with_outlets(label, obs),
                grouped_values(ctx, obs, lambda g: g),
                obs,
            )
        )
    return drafts
