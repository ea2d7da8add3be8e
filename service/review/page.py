"""The editor's review page: one self-contained HTML file per consensus.

It follows the Markdown view's order (`service.render`): the event line, then what an
editor must check first (conflicts), revisions as a timeline, compatible and agreed
facts, single-source facts collapsed, the narrative with its citations, the derivative
note, and what made the consensus. Every value is a button: it opens the article text
beside the facts, scrolled to the value's evidence span, with the fact's other values
marked in their articles too.

The page makes no network request: the CSS and the script are inline, and a
Content-Security-Policy allows nothing else (inline code only by hash). Every piece of
article and consensus text goes through `html.escape`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from html import escape
from importlib.resources import files

from schemas.article import Article
from schemas.consensus import Consensus, DerivativePair, Fact, FactStatus, FactValue
from service.render import confident, single_source_rank
from service.review.marks import Marks

STATUS_WORDS: dict[FactStatus, str] = {
    "conflicting": "Conflicting",
    "revised": "Revised",
    "compatible": "Compatible",
    "agreed": "Agreed",
    "single_source": "Single source",
}
"""Each status in words: the page never signals a status by colour alone."""

KIND_WORDS = {
    "actor": "person or organisation",
    "quantity": "figure",
    "date": "date",
    "place": "place",
    "quote": "quote",
    "claim": "claim",
}

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@cache
def _asset(name: str) -> str:
    return files("service.review").joinpath(name).read_text(encoding="utf-8")


def _csp_hash(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def content_security_policy() -> str:
    """The page's policy: nothing may load; only its own inline style and script run."""
    css, js = _asset("review.css"), _asset("review.js")
    return (
        f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _dom_id(prefix: str, raw: str) -> str:
    return f"{prefix}-{_ID_UNSAFE.sub('-', raw)}"


def _subject(fact: Fact) -> str:
    return " ".join(fact.statement.split(":", 1)[0].split())


class _Page:
    """Builds one page; holds the marks and the outlet names while doing so."""

    def __init__(self, consensus: Consensus, articles: Sequence[Article]) -> None:
        self.consensus = consensus
        self.articles = list(articles)
        self.marks = Marks(self.articles)
        self.outlet = {a.id: a.outlet or a.id for a in self.articles}
        for info in consensus.outlets:
            self.outlet.setdefault(info.article_id, info.outlet or info.article_id)
        self.facts = {f.id: f for f in consensus.facts}
        self.ungrounded = 0

    # -- values -----------------------------------------------------------------------

    def value_button(self, fact: Fact, index: int, value: FactValue, *, dated: bool = True) -> str:
        """The button that opens a value's evidence; the value's details beside it."""
        refs = [
            (ref.article_id, self.marks.register(ref.article_id, ref.span))
            for ref in value.evidence
        ]
        found = [(aid, mark) for aid, mark in refs if mark is not None]
        mark_ids = " ".join(dict.fromkeys(mark for _, mark in found))
        first_article = (
            found[0][0]
            if found
            else next((a for a in value.article_ids if self.marks.has_article(a)), "")
        )
        text = f"“{value.text}”" if fact.kind == "quote" else value.text
        attrs = (
            f'type="button" class="v" data-fact="{_e(fact.id)}" '
            f'data-value="{_e(fact.id)}:{index}" data-ev="{mark_ids}" '
            f'data-open="{found[0][1] if found else ""}" data-article="{_e(first_article)}" '
            f'data-grounded="{"true" if value.grounded else "false"}"'
        )
        parts = [f"<button {attrs}>{_e(text)}</button>"]
        details = [_e(", ".join(value.outlets))]
        if value.attributed_to:
            who = "speaker" if fact.kind == "quote" else "according to"
            details.append(f"{who} {_e(value.attributed_to)}")
        if value.as_of and dated:
            details.append(f"as of {_e(value.as_of)}")
        parts.append(f'<span class="details">{" · ".join(details)}</span>')
        if not value.grounded:
            self.ungrounded += 1
            parts.append('<span class="flag ungrounded">Ungrounded: not found in the text</span>')
        elif not found:
            parts.append('<span class="flag">No evidence span in the texts given</span>')
        jumps = list(dict.fromkeys((aid, mark) for aid, mark in found))
        by_article = list(dict.fromkeys(aid for aid, _ in jumps))
        if len(by_article) > 1:  # one button per outlet, so each can be checked in turn
            buttons = []
            for aid in by_article:
                mark = next(m for a, m in jumps if a == aid)
                buttons.append(
                    f'<button type="button" class="jump" data-fact="{_e(fact.id)}" '
                    f'data-value="{_e(fact.id)}:{index}" data-ev="{mark_ids}" '
                    f'data-open="{mark}" data-article="{_e(aid)}">{_e(self.outlet[aid])}</button>'
                )
            parts.append(f'<span class="jumps">in: {" ".join(buttons)}</span>')
        return " ".join(parts)

    def values_list(self, fact: Fact) -> str:
        items = [f"<li>{self.value_button(fact, i, v)}</li>" for i, v in enumerate(fact.values)]
        return f'<ul class="values">{"".join(items)}</ul>'

    def timeline(self, fact: Fact) -> str:
        """A revised fact's values as steps, superseded ones first, then the current ones."""
        current = sum(
            len(self.facts[rid].values) for rid in fact.related_fact_ids if rid in self.facts
        )
        first_current = len(fact.values) - current if 0 < current < len(fact.values) else None
        steps = []
        for i, value in enumerate(fact.values):
            state = (
                "" if first_current is None else ("superseded" if i < first_current else "current")
            )
            when = f"as of {value.as_of}" if value.as_of else "undated"
            label = f'<span class="state">{state}</span>' if state else ""
            steps.append(
                f'<li class="step {state}"><span class="when">{_e(when)}</span> '
                f"{label} {self.value_button(fact, i, value, dated=False)}</li>"
            )
        return f'<ol class="timeline">{"".join(steps)}</ol>'

    # -- facts ------------------------------------------------------------------------

    def fact(self, fact: Fact) -> str:
        word = STATUS_WORDS[fact.status]
        body = self.timeline(fact) if fact.status == "revised" else self.values_list(fact)
        meta = [
            f"{KIND_WORDS.get(fact.kind, fact.kind)}",
            f"independent origins: {fact.independent_origins}",
        ]
        if fact.upstream_sources:
            meta.append("upstream: " + ", ".join(fact.upstream_sources))
        if fact.confidence is not None:
            meta.append(f"alignment confidence {fact.confidence:.2f}")
        if fact.matched_slots:
            meta.append("matched on " + ", ".join(fact.matched_slots))
        return (
            f'<article class="fact s-{fact.status}" id="{_dom_id("fact", fact.id)}" '
            f'data-fact="{_e(fact.id)}" data-subject="{_e(_subject(fact))}" '
            f'data-status="{_e(word)}">'
            f'<h3><span class="status">{_e(word)}</span> {_e(_subject(fact))}</h3>'
            f'{body}<p class="meta">{_e(" · ".join(meta))}</p></article>'
        )

    def section(
        self,
        sid: str,
        title: str,
        facts: Sequence[Fact],
        *,
        collapsed: bool = False,
        empty: str = "",
    ) -> str:
        heading = f"{_e(title)} ({len(facts)})"
        inner = "".join(self.fact(f) for f in facts) or f'<p class="none">{_e(empty)}</p>'
        if collapsed:
            return (
                f'<section id="{sid}" aria-labelledby="h-{sid}"><details>'
                f'<summary><h2 id="h-{sid}">{heading}</h2></summary>{inner}</details></section>'
            )
        return (
            f'<section id="{sid}" aria-labelledby="h-{sid}"><h2 id="h-{sid}">{heading}</h2>'
            f"{inner}</section>"
        )

    # -- the rest ---------------------------------------------------------------------

    def narrative(self) -> str:
        c = self.consensus
        if not c.narrative:
            return ""
        how = {"llm": "written by the model", "template": "from a template", "none": "none"}
        label = how[c.narrative_mode]
        items = []
        for sentence in c.narrative:
            links = [
                f'<a href="#{_dom_id("fact", fid)}">{_e(_subject(self.facts[fid]))}</a>'
                for fid in sentence.fact_ids
                if fid in self.facts
            ]
            cites = ", ".join(sentence.cited_outlets) or "no outlet cited"
            facts = f' <span class="facts">facts: {", ".join(links)}</span>' if links else ""
            mark = (
                '<span class="by-template">template</span> '
                if c.narrative_mode == "llm" and sentence.written_by == "template"
                else ""
            )
            items.append(
                f'<li>{mark}<span class="sentence">{_e(sentence.text)}</span> '
                f'<span class="cites">[{_e(cites)}]</span>{facts}</li>'
            )
        why = {"template": "Why a template", "llm": "Checks"}.get(c.narrative_mode)
        detail = (
            f'<p class="note">{why}: {_e(c.narrative_detail)}</p>'
            if c.narrative_detail and why
            else ""
        )
        return (
            '<section id="narrative" aria-labelledby="h-narrative">'
            f'<h2 id="h-narrative">Narrative ({_e(label)})</h2>{detail}'
            f'<ol class="narrative">{"".join(items)}</ol></section>'
        )

    def derivative(self, n: int, pair: DerivativePair) -> str:
        published = {o.article_id: o.published_at for o in self.consensus.outlets}
        a, b = pair.article_a, pair.article_b
        name_a, name_b = self.outlet.get(a, a), self.outlet.get(b, b)
        when_a, when_b = _when(published.get(a)), _when(published.get(b))
        if when_a and when_b and when_a != when_b:
            later, earlier = (name_b, name_a) if when_b > when_a else (name_a, name_b)
            line = f"{later} rewrites {earlier}; counted once."
        else:
            line = f"{name_a} and {name_b} share most of their wording; counted once."
        figures = (
            f"similarity {pair.similarity:.2f}; {pair.containment:.0%} of the shorter text's"
            " word sequences are in the other"
        )
        fid = f"derivative-{n}"
        sides = [(a, [p.span_a for p in pair.evidence]), (b, [p.span_b for p in pair.evidence])]
        side_marks = [
            " ".join(m for s in spans if (m := self.marks.register(aid, s)) is not None)
            for aid, spans in sides
        ]
        buttons = []
        for i, (aid, _) in enumerate(sides):
            mine = side_marks[i]
            if not mine:
                continue
            buttons.append(
                f'<button type="button" class="jump" data-fact="{fid}" data-value="{fid}:{i}" '
                f'data-ev="{mine}" data-other="{side_marks[1 - i]}" '
                f'data-open="{mine.split()[0]}" data-article="{_e(aid)}">'
                f"Shared passages in {_e(self.outlet.get(aid, aid))}</button>"
            )
        return (
            f'<li>{_e(line)} <span class="details">({_e(figures)})</span> {" ".join(buttons)}</li>'
        )

    def derivatives(self) -> str:
        pairs = self.consensus.derivatives
        if not pairs:
            return ""
        items = "".join(self.derivative(n, p) for n, p in enumerate(pairs))
        return (
            '<section id="derivatives" aria-labelledby="h-derivatives">'
            f'<h2 id="h-derivatives">Derivative articles ({len(pairs)})</h2><ul>{items}</ul>'
            "</section>"
        )

    def made_by(self) -> str:
        prov = self.consensus.provenance
        models = (
            ", ".join("none (mined candidates only)" if m == "none" else m for m in prov.models)
            or "none"
        )
        prompts = ", ".join(f"{p.name} {p.version} ({p.hash[:12]})" for p in prov.prompts)
        return f"Model: {models} · Prompts: {prompts or 'none'}"

    def provenance(self) -> str:
        prov = self.consensus.provenance
        rows = "".join(
            f"<tr><td>{_e(p.name)}</td><td>{_e(p.version)}</td><td><code>{_e(p.hash)}</code>"
            "</td></tr>"
            for p in prov.prompts
        )
        tolerances = ", ".join(f"{k} {v:g}" for k, v in sorted(prov.tolerances.items()))
        created = prov.created_at.isoformat() if prov.created_at else "unknown"
        lexicon = (
            f"<p>Lexicon: {_e(prov.lexicon_version)} <code>{_e(prov.lexicon_hash or '')}</code>"
            " (sha256 over its files).</p>"
            if prov.lexicon_version
            else ""
        )
        return (
            '<footer id="provenance" aria-labelledby="h-provenance">'
            '<h2 id="h-provenance">How this was made</h2>'
            f"<p>Models: {_e(', '.join(prov.models) or 'none')}. Newest record: {_e(created)}."
            f" Narrative: {_e(self.consensus.narrative_mode)}.</p>{lexicon}"
            '<table class="prompts"><caption>Prompts (hash: sha256 over the prompt file and'
            " the response schemas)</caption><thead><tr><th>Prompt</th><th>Version</th>"
            f"<th>Hash</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<p class="note">Merge tolerances: {_e(tolerances or "none")}.</p></footer>'
        )

    def outlet_line(self) -> str:
        """The outlets, earliest first with their publication times when all are known."""
        infos = self.consensus.outlets
        names = [self.outlet.get(o.article_id, o.article_id) for o in infos]
        times = [_when(o.published_at) for o in infos]
        known = [t for t in times if t is not None]
        if not infos or len(known) < len(infos):
            return ", ".join(names)
        utc = [t.astimezone(UTC) for t in known]
        order = sorted(range(len(infos)), key=lambda i: utc[i])
        one_day = len({t.date() for t in utc}) == 1
        stamp = "%H:%M" if one_day else "%Y-%m-%d %H:%M"
        line = ", ".join(f"{names[i]} {utc[i].strftime(stamp)}" for i in order)
        return line + (f" (UTC, {utc[0].date().isoformat()})" if one_day else " (UTC)")

    def event(self, n_conflicts: int) -> str:
        ev = self.consensus.event
        where = ", ".join(p for p in (ev.where, ev.where_country) if p) or "unknown"
        outlets = self.outlet_line()
        return (
            '<header class="event"><p class="kicker">Editor\'s review · '
            f"{len(self.consensus.outlets)} articles · {n_conflicts} conflicts</p>"
            f'<h1>{_e(ev.headline)}</h1><dl class="event-line">'
            f"<div><dt>What</dt><dd>{_e(ev.event_type)}</dd></div>"
            f"<div><dt>When</dt><dd>{_e(ev.when or 'unknown')}</dd></div>"
            f"<div><dt>Where</dt><dd>{_e(where)}</dd></div>"
            f"<div><dt>Outlets</dt><dd>{_e(outlets or 'none')}</dd></div></dl>"
            f'<p class="made-by">{_e(self.made_by())}</p>'
            '<p class="keys">Keys: <kbd>j</kbd> / <kbd>k</kbd> next / previous value, '
            "<kbd>Enter</kbd> show its evidence, <kbd>Esc</kbd> close the article.</p></header>"
        )

    def reader(self) -> str:
        tabs, panels = [], []
        for i, article in enumerate(self.articles):
            name = self.outlet[article.id]
            tabs.append(
                f'<button type="button" role="tab" id="tab-{i}" aria-controls="art-{i}" '
                f'aria-selected="{"true" if i == 0 else "false"}" tabindex="{0 if i == 0 else -1}"'
                f' data-article="{_e(article.id)}" data-outlet="{_e(name)}">{_e(name)}'
                '<span class="count"></span></button>'
            )
            byline = [name]
            if article.published_at:
                byline.append(_stamp(article.published_at.isoformat()))
            url = article.url or ""
            link = (
                f' · <a href="{_e(url)}" rel="noopener noreferrer">original</a>'
                if url.startswith(("https://", "http://"))
                else ""
            )
            panels.append(
                f'<article id="art-{i}" role="tabpanel" aria-labelledby="tab-{i}" '
                f'data-article="{_e(article.id)}" tabindex="0"{"" if i == 0 else " hidden"}>'
                f"<h3>{_e(article.title or name)}</h3>"
                f'<p class="byline">{_e(" · ".join(byline))}{link}</p>'
                f'<div class="text">{self.marks.html(article.id)}</div></article>'
            )
        return (
            '<aside id="reader" class="reader" aria-labelledby="reader-title">'
            '<div class="reader-head"><button type="button" class="close">Close article</button>'
            '<h2 id="reader-title" tabindex="-1">Article text</h2>'
            '<p id="reader-status" aria-live="polite">Choose a value to see the sentence that'
            ' gives it.</p><ul id="reader-others"></ul>'
            '<p class="legend"><span class="m current">Boxed</span>: the value you chose. '
            '<span class="m other">Dashed</span>: the fact\'s other values.</p>'
            f'<div role="tablist" aria-label="Articles">{"".join(tabs)}</div></div>'
            f'<div class="reader-body" id="reader-body">{"".join(panels)}</div></aside>'
        )

    def build(self) -> str:
        by_status: dict[str, list[Fact]] = {}
        unsure: list[Fact] = []
        for fact in self.consensus.facts:
            if fact.status != "single_source" and not confident(fact):
                unsure.append(fact)  # shown under "check", after the findings
            else:
                by_status.setdefault(fact.status, []).append(fact)
        by_status["single_source"] = sorted(
            by_status.get("single_source", []), key=single_source_rank
        )
        conflicts = by_status.get("conflicting", [])
        sections = [
            self.section(
                "conflicts",
                "Conflicts: outlets disagree",
                conflicts,
                empty="No conflicts: no two outlets give incompatible values.",
            ),
            self.section("revisions", "Revised as the story went on", by_status.get("revised", [])),
            self.section(
                "agreed",
                "Compatible and agreed",
                [*by_status.get("compatible", []), *by_status.get("agreed", [])],
            ),
            self.section("check", "Check: findings the merge is unsure of", unsure),
            self.section(
                "single",
                "Reported by one outlet only",
                by_status.get("single_source", []),
                collapsed=True,
            ),
            self.narrative(),
            self.derivatives(),
        ]
        reader = self.reader()  # after the sections: they register the marks it shows
        flagged = (
            f'<p class="flag ungrounded">{self.ungrounded} values are ungrounded: not found in'
            " their article's text.</p>"
            if self.ungrounded
            else ""
        )
        css, js = _asset("review.css"), _asset("review.js")
        csp = content_security_policy()
        title = f"Review: {self.consensus.event.headline}"
        return (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>{_e(title)}</title><style>{css}</style></head><body>"
            '<a class="skip" href="#conflicts">Skip to the conflicts</a>'
            '<div class="layout"><main id="facts">'
            f"{self.event(len(conflicts))}{flagged}{''.join(sections)}{self.provenance()}"
            f"</main>{reader}</div><script>{js}</script></body></html>\n"
        )


def _when(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _stamp(raw: str) -> str:
    """A publication time as 'YYYY-MM-DD HH:MM UTC' (a bare date stays as it is)."""
    parsed = _when(raw)
    if parsed is None or len(raw) <= 10:
        return raw
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def review_page(consensus: Consensus, articles: Sequence[Article]) -> str:
    """The consensus as one self-contained HTML page, with the articles' texts beside it.

    `articles` are the texts the evidence spans index (the cluster the consensus was
    made from). A value whose span does not match its article's text is shown unmarked.
    """
    return _Page(consensus, articles).build()
