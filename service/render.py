"""Readable views of a consensus: Markdown for files and terminals, conflicts first.

An editor opening the result should first see where outlets disagree and who says
which value, then revisions, then what is merely compatible, agreed or single-source.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.consensus import CONFIDENT, ORDINAL_MARK, VAGUE_MARK, Consensus, Fact, FactValue

_SECTIONS = (
    ("conflicting", "Conflicts: outlets disagree"),
    ("revised", "Revised: reported differently as the story went on"),
    ("compatible", "Compatible: values that can stand together"),
    ("agreed", "Agreed by several outlets"),
)
_CHECK_TITLE = "Check: findings the merge is unsure of"
SINGLE_SOURCE_SHOWN = 12
"""Single-source facts listed in the view, the most telling first; the JSON holds all."""

_KIND_RANK = {"quantity": 0, "claim": 1, "quote": 2, "date": 3, "place": 4, "actor": 5}


def confident(fact: Fact) -> bool:
    """Shown with the findings: one outlet's fact, or an alignment the merge is sure of."""
    return fact.confidence is None or fact.confidence >= CONFIDENT


def single_source_rank(fact: Fact) -> tuple[object, ...]:
    """Most telling first: figures and claims before people; a count before an ordinal
    ('the second ceremony' names which, not how many) or a vague count ('hundreds of
    sites'); a named source and grounded evidence before neither; then by id so the
    order is fixed."""
    sourced = any(v.attributed_to for v in fact.values)
    grounded = any(v.grounded for v in fact.values)
    weak = ORDINAL_MARK in fact.key or VAGUE_MARK in fact.key
    return (_KIND_RANK.get(fact.kind, 9), weak, not sourced, not grounded, fact.id)


def sections(consensus: Consensus) -> list[tuple[str, list[Fact]]]:
    """The view's sections in reading order, each with its facts: confident findings by
    status, then what to check, then the top single-source facts."""
    out: list[tuple[str, list[Fact]]] = []
    for status, title in _SECTIONS:
        facts = [f for f in consensus.facts if f.status == status and confident(f)]
        if facts:
            out.append((title, facts))
    unsure = [f for f in consensus.facts if f.status != "single_source" and not confident(f)]
    if unsure:
        out.append((_CHECK_TITLE, unsure))
    single = sorted((f for f in consensus.facts if f.status == "single_source"),
                    key=single_source_rank)  # fmt: skip
    if single:
        out.append(("Reported by one outlet only", single[:SINGLE_SOURCE_SHOWN]))
    return out


def shown_facts(consensus: Consensus) -> list[Fact]:
    """Every fact the view shows, in its order."""
    return [fact for _, facts in sections(consensus) for fact in facts]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _value(value: FactValue) -> str:
    when = f" (as of {value.as_of})" if value.as_of else ""
    return _cell(f"{value.text}{when}")


def _subject(fact: Fact) -> str:
    return _cell(fact.statement.split(":", 1)[0])


def _value_rows(facts: Sequence[Fact]) -> list[str]:
    rows = ["| Fact | Value | Outlets | Source | Independent origins |", "|---|---|---|---|---|"]
    for fact in facts:
        for i, value in enumerate(fact.values):
            name = _subject(fact)
            if not confident(fact):
                name += f" ({fact.status}? confidence {fact.confidence:.2f})"
            rows.append(
                f"| {name if i == 0 else ''} | {_value(value)} | "
                f"{_cell(', '.join(value.outlets))} | {_cell(value.attributed_to or '')} | "
                f"{fact.independent_origins if i == 0 else ''} |"
            )
    return rows


def _fact_rows(facts: Sequence[Fact]) -> list[str]:
    rows = ["| Kind | Fact | Outlets | Upstream |", "|---|---|---|---|"]
    for fact in facts:
        rows.append(
            f"| {fact.kind} | {_cell(fact.statement)} | {_cell(', '.join(fact.outlets))} | "
            f"{_cell(', '.join(fact.upstream_sources))} |"
        )
    return rows


def consensus_markdown(consensus: Consensus) -> str:
    """The consensus as Markdown: event, narrative, then facts grouped by status."""
    event = consensus.event
    lines = [
        f"# {_cell(event.headline)}",
        "",
        f"**When:** {event.when or 'unknown'} · **Where:** {event.where or 'unknown'} · "
        f"**Type:** {event.event_type} · **Outlets:** "
        + ", ".join(o.outlet or o.article_id for o in consensus.outlets),
        "",
    ]
    told = False
    hidden = sum(1 for f in consensus.facts if f.status == "single_source") - sum(
        len(facts) for title, facts in sections(consensus) if title.startswith("Reported by")
    )
    for title, facts in sections(consensus):
        lines += [f"## {title} ({len(facts)})", ""]
        if any(f.status in ("conflicting", "revised", "compatible") for f in facts):
            lines += _value_rows(facts)
        else:
            lines += _fact_rows(facts)
            if title.startswith("Reported by") and hidden:
                lines.append(f"\n…and {hidden} more in the JSON output.")
        lines.append("")
        if title.startswith("Conflicts") and not told:  # what an editor must see first
            lines += _narrative(consensus)
            told = True
    if not told:
        lines += _narrative(consensus)
    if consensus.derivatives:
        lines += ["## Derivative articles", ""]
        for pair in consensus.derivatives:
            lines.append(
                f"- {pair.article_a} ≈ {pair.article_b} (similarity {pair.similarity:.2f})"
            )
        lines.append("")
    prov = consensus.provenance
    prompts = ", ".join(f"{p.name} {p.version} ({p.hash[:12]})" for p in prov.prompts)
    lines.append(f"_Models: {', '.join(prov.models) or 'none'} · Prompts: {prompts}_")
    return "\n".join(lines) + "\n"


def _narrative(consensus: Consensus) -> list[str]:
    if not consensus.narrative:
        return []
    label = "written by the model" if consensus.narrative_mode == "llm" else "template"
    lines = [f"## Narrative ({label})", ""]
    mixed = consensus.narrative_mode == "llm"
    for sentence in consensus.narrative:
        # In the model's narrative, a sentence the template added for a confident finding
        # the model left out is marked.
        mark = "(template) " if mixed and sentence.written_by == "template" else ""
        lines.append(f"- {mark}{sentence.text} [{', '.join(sentence.cited_outlets)}]")
    return [*lines, ""]
