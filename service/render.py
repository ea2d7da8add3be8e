"""Readable views of a consensus: Markdown for files and terminals, conflicts first.

An editor opening the result should first see where outlets disagree and who says
which value, then revisions, then what is merely compatible, agreed or single-source.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.consensus import Consensus, Fact, FactValue

_SECTIONS = (
    ("conflicting", "Conflicts: outlets disagree"),
    ("revised", "Revised figures"),
    ("compatible", "Compatible figures"),
    ("agreed", "Agreed by several outlets"),
    ("single_source", "Reported by one outlet only"),
)
SINGLE_SOURCE_SHOWN = 15
"""Single-source facts listed in the view; the JSON holds all of them."""


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
            rows.append(
                f"| {_subject(fact) if i == 0 else ''} | {_value(value)} | "
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
    by_status: dict[str, list[Fact]] = {}
    for fact in consensus.facts:
        by_status.setdefault(fact.status, []).append(fact)
    for status, title in _SECTIONS:
        facts = by_status.get(status, [])
        if not facts:
            continue
        lines += [f"## {title} ({len(facts)})", ""]
        if status in ("conflicting", "revised", "compatible"):
            lines += _value_rows(facts)
        else:
            shown = facts if status != "single_source" else facts[:SINGLE_SOURCE_SHOWN]
            lines += _fact_rows(shown)
            if len(shown) < len(facts):
                lines.append(f"\n…and {len(facts) - len(shown)} more in the JSON output.")
        lines.append("")
        if status == "conflicting":  # the narrative follows what an editor must see first
            lines += _narrative(consensus)
    if "conflicting" not in by_status:
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
    for sentence in consensus.narrative:
        lines.append(f"- {sentence.text} [{', '.join(sentence.cited_outlets)}]")
    return [*lines, ""]
