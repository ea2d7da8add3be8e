"""ECB+ clusters (`../shared/external/ecbplus`, one `tNN_*` folder per cluster with `gold.json`).

See `evals.external` for what is scored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from evals.scorers import (
    SCALAR,
    SLOT,
    AliasTable,
    Case,
    Cluster,
    Counts,
    Detail,
    Embedder,
    Score,
    ScoringContext,
    actor_names,
    names_similarity,
    score_citations,
    score_grounding,
    score_list,
    tokens,
    unscored,
)
from schemas.article import Article
from schemas.consensus import Consensus
from schemas.record import EventRecord, EventType
from service.inputs import lead_date

# -- ECB+ -------------------------------------------------------------------------------------

ECB_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "event_type": SLOT,
    "when": SLOT,
    "where": SLOT,
    "actors": SLOT,
    "actions": SLOT,
    "grounding_rate": SCALAR,
}
ECB_CONSENSUS_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "consensus.participants": SLOT,
    "consensus.locations": SLOT,
    "consensus.citations": SLOT,
}

ECB_EVENT_TYPES: Final[dict[str, tuple[EventType, ...]]] = {
    "t01_ecb": (EventType.OTHER,),
    "t01_ecbplus": (EventType.OTHER, EventType.LEGAL),
    "t03_ecb": (EventType.LEGAL, EventType.CRIME),
    "t03_ecbplus": (EventType.CRIME,),
    "t05_ecb": (EventType.OTHER, EventType.BUSINESS, EventType.ANNOUNCEMENT),
    "t05_ecbplus": (EventType.OTHER, EventType.BUSINESS, EventType.ANNOUNCEMENT),
    "t07_ecb": (EventType.OTHER,),
    "t07_ecbplus": (EventType.OTHER,),
    "t09_ecb": (EventType.ANNOUNCEMENT, EventType.LEGAL),
    "t09_ecbplus": (EventType.LEGAL, EventType.ANNOUNCEMENT),
    "t11_ecb": (EventType.ELECTION,),
    "t11_ecbplus": (EventType.ELECTION, EventType.ANNOUNCEMENT),
    "t13_ecb": (EventType.DISASTER, EventType.ACCIDENT, EventType.CRIME),
    "t13_ecbplus": (EventType.DISASTER, EventType.ACCIDENT),
    "t19_ecb": (EventType.PROTEST, EventType.CRIME),
    "t19_ecbplus": (EventType.CRIME, EventType.PROTEST),
    "t21_ecb": (EventType.CRIME, EventType.ACCIDENT),
    "t21_ecbplus": (EventType.CRIME, EventType.LEGAL, EventType.ACCIDENT),
    "t23_ecb": (EventType.ACCIDENT,),
    "t23_ecbplus": (EventType.ACCIDENT,),
    "t25_ecb": (EventType.OTHER, EventType.ANNOUNCEMENT),
    "t25_ecbplus": (EventType.OTHER, EventType.ANNOUNCEMENT),
    "t27_ecb": (EventType.BUSINESS, EventType.ANNOUNCEMENT),
    "t27_ecbplus": (EventType.BUSINESS, EventType.ANNOUNCEMENT),
    "t29_ecb": (EventType.OTHER,),
    "t29_ecbplus": (EventType.OTHER,),
    "t31_ecb": (EventType.OTHER,),
    "t31_ecbplus": (EventType.OTHER,),
    "t33_ecb": (EventType.CRIME, EventType.LEGAL),
    "t33_ecbplus": (EventType.CRIME, EventType.LEGAL),
    "t35_ecb": (EventType.CRIME, EventType.LEGAL),
    "t35_ecbplus": (EventType.CRIME, EventType.LEGAL),
    "t37_ecb": (EventType.DISASTER,),
    "t37_ecbplus": (EventType.DISASTER,),
    "t39_ecb": (EventType.ANNOUNCEMENT, EventType.OTHER),
    "t39_ecbplus": (EventType.ANNOUNCEMENT, EventType.OTHER),
    "t41_ecb": (EventType.MILITARY, EventType.CONFLICT),
    "t41_ecbplus": (EventType.MILITARY, EventType.CONFLICT),
    "t43_ecb": (EventType.BUSINESS,),
    "t43_ecbplus": (EventType.BUSINESS,),
    "t45_ecb": (EventType.LEGAL, EventType.CRIME),
    "t45_ecbplus": (EventType.CRIME, EventType.LEGAL),
}
"""Our hand labels: the event types acceptable for each ECB+ cluster's seminal event."""

_PRONOUNS: Final = frozenset(
    [
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "who",
        "whom",
        "which",
        "there",
        "here",
        "one",
    ]
)
_CONNECTORS: Final = frozenset(
    [
        "of",
        "for",
        "and",
        "the",
        "de",
        "van",
        "von",
        "der",
        "da",
        "du",
        "la",
        "le",
        "al",
        "bin",
        "del",
    ]
)
_LEADING: Final = frozenset(["in", "at", "on", "from", "of", "to", "near", "by", "the", "a", "an"])


def name_like(mention: str) -> bool:
    """True for a proper-name mention: capitalised words (connectors allowed), not a pronoun."""
    words = [w for w in re.split(r"[\s,]+", mention.strip()) if w]
    if not words or all(w.lower() in _PRONOUNS | _CONNECTORS for w in words):
        return False
    return all(
        w[0].isupper() or w[0].isdigit() or w.lower() in _CONNECTORS or not w[0].isalpha()
        for w in words
    ) and any(w[0].isupper() and w.lower() not in _PRONOUNS | _CONNECTORS for w in words)


def strip_leading(mention: str) -> str:
    """'in Palmer' → 'Palmer', 'on Tuesday' → 'Tuesday'."""
    words = mention.split()
    while words and words[0].lower() in _LEADING:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Instance:
    """One ECB+ cross-document instance as the scorers see it."""

    id: str
    type: str
    descriptor: str
    doc_count: int
    mentions: Mapping[str, tuple[str, ...]]
    """doc id → surface strings, in text order."""

    def names(self) -> tuple[str, ...]:
        """Every distinct name-like mention across the cluster, leading prepositions dropped."""
        seen: dict[str, None] = {}
        for strings in self.mentions.values():
            for s in strings:
                stripped = strip_leading(s)
                if name_like(stripped):
                    seen.setdefault(stripped, None)
        return tuple(seen)

    def phrases(self, doc: str) -> tuple[str, ...]:
        """Mentions in one document, leading prepositions dropped, pronouns left out."""
        return tuple(
            strip_leading(s)
            for s in self.mentions.get(doc, ())
            if strip_leading(s) and strip_leading(s).lower() not in _PRONOUNS
        )


def _instances(raw: Sequence[Mapping[str, Any]]) -> list[Instance]:
    return [
        Instance(
            id=str(i["id"]),
            type=str(i["type"]),
            descriptor=str(i.get("descriptor", "")),
            doc_count=int(i.get("doc_count", 0)),
            mentions={str(d): tuple(map(str, m)) for d, m in dict(i.get("docs", {})).items()},
        )
        for i in raw
    ]


def is_ecbplus(path: Path) -> bool:
    """An ECB+ root (`index.json` + cluster folders) or one cluster (`gold.json` + articles)."""
    if (path / "gold.json").is_file() and (path / "articles").is_dir():
        return True
    return (path / "index.json").is_file() and any(path.glob("*/gold.json"))


def _ecb_cluster_dirs(path: Path) -> list[Path]:
    if (path / "gold.json").is_file():
        return [path]
    return sorted(p for p in path.iterdir() if (p / "gold.json").is_file())


def _phrase_hit(predicted: str, phrases: Sequence[str]) -> bool:
    """A predicted phrase and a gold mention name the same thing (token F1 ≥ ½ or inclusion)."""
    pt = tokens(predicted)
    if not pt:
        return False
    for phrase in phrases:
        gt = tokens(phrase)
        if not gt:
            continue
        common = len(set(pt) & set(gt))
        if common and (2 * common / (len(pt) + len(gt)) >= 0.5 or set(gt) <= set(pt)):
            return True
    return False


def _ranked(instances: Sequence[Instance], doc: str, kind: str) -> list[Instance]:
    return sorted(
        (i for i in instances if i.type == kind and doc in i.mentions),
        key=lambda i: (-i.doc_count, i.id),
    )


def _graded(
    predicted: Sequence[str], ranked: Sequence[tuple[Instance, Sequence[str]]], what: str
) -> Score:
    """1 when a predicted phrase names the top-ranked instance, ½ another one, else 0."""
    ranked = [(i, p) for i, p in ranked if p]
    if not ranked:
        return unscored(f"no annotated {what} in this article")
    if not predicted:
        return Score(0.0, f"no {what} predicted", Counts(missing=1))
    for rank, (instance, phrases) in enumerate(ranked):
        if any(_phrase_hit(p, phrases) for p in predicted):
            credit = 1.0 if rank == 0 else 0.5
            return Score(
                credit,
                f"{list(predicted)} names {instance.descriptor} (rank {rank + 1})",
                Counts(tp=credit, wrong=1 - credit),
            )
    return Score(
        0.0,
        f"{list(predicted)} names no annotated {what} (top: {list(ranked[0][1][:3])})",
        Counts(wrong=1),
    )


def _mentioned(words: Sequence[str], text_tokens: Sequence[str]) -> bool:
    """An action's mention words ('checked into') in a text: stems of ≥ 4 letters match."""
    wanted = tokens(" ".join(words))
    if not wanted:
        return False
    return all(
        any(t == w or (len(w) >= 4 and t[:4] == w[:4] and t[0] == w[0]) for t in text_tokens)
        for w in wanted
    )


def score_ecb_record(
    predicted: EventRecord,
    *,
    doc: str,
    instances: Sequence[Instance],
    consensus_actions: Sequence[Instance],
    event_types: Sequence[EventType],
    ctx: ScoringContext,
) -> dict[str, Score]:
    """The ECB+ fields of one article's record (see the module docstring)."""
    out: dict[str, Score] = {}
    if event_types:
        ok = predicted.event_type in event_types
        out["event_type"] = Score(
            1.0 if ok else 0.0,
            f"{predicted.event_type.value} {'in' if ok else 'not in'} "
            f"{[t.value for t in event_types]}",
            Counts(tp=1) if ok else Counts(wrong=1),
        )
    else:
        out["event_type"] = unscored("no event type label for this cluster")
    times = [(i, i.phrases(doc)) for i in _ranked(instances, doc, "time")]
    when = predicted.when
    said: list[str] = []
    if when is not None:
        said = list(dict.fromkeys(x for x in (when.phrase, *(s.text for s in when.evidence)) if x))
    out["when"] = _graded(said, times, "time")
    places = [
        (i, tuple(p for p in i.phrases(doc) if name_like(p)))
        for i in _ranked(instances, doc, "location")
    ]
    out["where"] = _graded([predicted.where.name] if predicted.where else [], places, "location")
    people = [
        i
        for i in instances
        if i.type == "participant_human"
        and any(name_like(strip_leading(m)) for m in i.phrases(doc))
    ]
    out["actors"], _ = score_list(
        people,
        predicted.actors,
        lambda g, p: names_similarity(
            g.names(), actor_names(p.canonical_name, p.name, p.aliases), ctx.aliases
        ),
        align_at=ctx.name_match,
        describe_gold=lambda g: f"{g.descriptor}: {', '.join(g.names()[:4])}",
        describe_predicted=lambda p: p.canonical_name or p.name,
        recall_only=True,
        what="named participants",
    )
    texts = [predicted.headline, predicted.summary, *(s.what for s in predicted.sub_events)]
    text_tokens = tokens(" ".join(texts))
    actions = [a for a in consensus_actions if doc in a.mentions]
    if actions:
        counts = Counts()
        details: list[Detail] = []
        for action in actions:
            hit = any(_mentioned(m.split(), text_tokens) for m in action.phrases(doc))
            counts = counts + (Counts(tp=1) if hit else Counts(missing=1))
            details.append(
                Detail("match" if hit else "missing", action.descriptor, None,
                       f"mentions {list(action.phrases(doc))[:4]}")
            )  # fmt: skip
        out["actions"] = Score(
            counts.recall,
            f"{counts.tp:g}/{len(actions)} consensus actions named in the headline, summary "
            "or sub-events (recall)",
            counts,
            tuple(details),
        )
    else:
        out["actions"] = unscored("no consensus action in this article")
    out["grounding_rate"] = score_grounding(predicted)
    return out


def score_ecb_consensus(
    consensus: Consensus, *, participants: Sequence[Instance], locations: Sequence[Instance]
) -> dict[str, Score]:
    """Consensus participants / locations found as facts that two or more outlets give."""
    shared = [f for f in consensus.facts if len(f.outlets) >= 2]
    out: dict[str, Score] = {}
    for name, gold, kinds in (
        ("consensus.participants", participants, ("actor",)),
        ("consensus.locations", locations, ("place",)),
    ):
        gold = [g for g in gold if g.names()]
        facts = [f for f in shared if f.kind in kinds]
        out[name], _ = score_list(
            gold,
            facts,
            lambda g, f: max(
                (names_similarity(g.names(), [v.text], AliasTable()) for v in f.values),
                default=0.0,
            ),
            align_at=0.9,
            describe_gold=lambda g: g.descriptor,
            describe_predicted=lambda f: f.statement,
            recall_only=True,
            what=name.split(".")[-1],
        )
    out["consensus.citations"] = score_citations(consensus)
    return out


def _ecb_article(path: Path, doc: str) -> Article:
    text = path.read_text(encoding="utf-8")
    found = lead_date(text)
    return Article(id=doc, outlet=doc, text=text, published_at=found)


def load_ecbplus(
    path: Path,
    *,
    limit_clusters: int | None = None,
    limit_docs: int | None = None,
    embedder: Embedder | None = None,
) -> list[Cluster]:
    """ECB+ clusters under `path` (or `path` itself), the first N of each as asked."""
    clusters: list[Cluster] = []
    ctx = ScoringContext(embedder=embedder)
    for folder in _ecb_cluster_dirs(path)[:limit_clusters]:
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        cluster_id = str(gold.get("cluster_id", folder.name))
        instances = _instances(gold.get("instances", []))
        by_id = {i.id: i for i in instances}
        agreed: dict[str, Any] = gold.get("consensus", {})

        def picked(
            group: str, by_id: dict[str, Instance] = by_id, agreed: dict[str, Any] = agreed
        ) -> list[Instance]:
            return [by_id[c["id"]] for c in agreed.get(group, []) if c["id"] in by_id]

        actions = picked("actions")
        event_types = ECB_EVENT_TYPES.get(cluster_id, ())
        cases: list[Case] = []
        for doc in list(gold.get("docs", []))[:limit_docs]:
            file = folder / "articles" / f"{doc}.txt"
            if not file.is_file():
                continue
            article = _ecb_article(file, doc)

            def score(
                predicted: EventRecord,
                doc: str = doc,
                instances: list[Instance] = instances,
                actions: list[Instance] = actions,
                event_types: tuple[EventType, ...] = event_types,
            ) -> dict[str, Score]:
                return score_ecb_record(
                    predicted, doc=doc, instances=instances, consensus_actions=actions,
                    event_types=event_types, ctx=ctx,
                )  # fmt: skip

            cases.append(
                Case(
                    case_id=doc,
                    article=article,
                    score=score,
                    fields=ECB_FIELDS,
                    gold={
                        "event_types": [t.value for t in event_types],
                        "instances": [
                            {
                                "descriptor": i.descriptor,
                                "type": i.type,
                                "mentions": list(i.mentions.get(doc, ())),
                            }
                            for i in instances
                            if doc in i.mentions
                        ],
                    },
                )
            )
        participants = [i for i in picked("participants") if i.type == "participant_human"]
        locations = picked("locations")

        def score_cluster(
            result: Consensus,
            participants: list[Instance] = participants,
            locations: list[Instance] = locations,
        ) -> dict[str, Score]:
            return score_ecb_consensus(result, participants=participants, locations=locations)

        clusters.append(
            Cluster(
                suite="ecbplus",
                name=cluster_id,
                cases=tuple(cases),
                score_consensus=score_cluster,
                consensus_fields=ECB_CONSENSUS_FIELDS,
            )
        )
    return clusters
