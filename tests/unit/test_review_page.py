"""The review page's HTML, without a browser: order, words, escaping, marks, provenance."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from schemas.api import ConsensusRequest
from schemas.article import Article
from schemas.consensus import (
    Consensus,
    ConsensusEvent,
    ConsensusProvenance,
    DerivativePair,
    EvidenceRef,
    Fact,
    FactStatus,
    FactValue,
    NarrativeSentence,
    OutletInfo,
    PromptRef,
    SharedPassage,
)
from schemas.record import Span
from service.review import page_from_job, review_page
from service.review.marks import Marks

TEXT_A = 'Officials said 10,000 troops went. <script>alert("a")</script> "We go," Kim said.'
TEXT_B = "About 15,000 troops went, a report said. Officials said 10,000 troops went."
ARTICLES = [
    Article(
        id="a",
        outlet="Ledger",
        published_at=datetime(2025, 9, 2, 6, tzinfo=UTC),
        title="<b>Troops</b>",
        text=TEXT_A,
    ),
    Article(
        id="b",
        outlet="Wire",
        published_at=datetime(2025, 9, 2, 9, tzinfo=UTC),
        url="https://example.org/b",
        text=TEXT_B,
    ),
]


def span(text: str, part: str, nth: int = 0) -> Span:
    start = [m.start() for m in re.finditer(re.escape(part), text)][nth]
    return Span(start=start, end=start + len(part), text=part)


def value(
    text: str, article: str, part: str | None, *, grounded: bool = True, **kw: Any
) -> FactValue:
    source = TEXT_A if article == "a" else TEXT_B
    evidence = [EvidenceRef(article_id=article, span=span(source, part))] if part else []
    outlet = "Ledger" if article == "a" else "Wire"
    return FactValue(
        text=text,
        outlets=[outlet],
        article_ids=[article],
        evidence=evidence,
        grounded=grounded,
        **kw,
    )


def fact(fid: str, status: FactStatus, subject: str, values: list[FactValue], **kw: Any) -> Fact:
    outlets = sorted({o for v in values for o in v.outlets})
    return Fact(
        id=fid,
        kind="quantity",
        key=subject,
        statement=f"{subject}: …",
        status=status,
        values=values,
        independent_origins=len(outlets),
        outlets=outlets,
        **kw,
    )


CONSENSUS = Consensus(
    event=ConsensusEvent(
        headline="Troops <sent>",
        event_type="military",
        when="2025-09-02",
        where="Seoul",
        where_country="South Korea",
    ),
    facts=[
        fact("f-single", "single_source", "quote", [value("We go", "a", '"We go,"')]),
        fact("f-agreed", "agreed", "officials", [value("10,000", "a", "10,000 troops")]),
        fact(
            "f-conflict",
            "conflicting",
            "troops sent",
            [
                value("10,000 troops", "a", "10,000 troops", attributed_to="Officials"),
                value("About 15,000 troops", "b", "About 15,000 troops", as_of="2025-08"),
            ],
            confidence=0.8,
            matched_slots=["entity", "happening"],
        ),
        fact(
            "f-ungrounded", "compatible", "ghosts", [value("12 ghosts", "b", None, grounded=False)]
        ),
    ],
    outlets=[
        OutletInfo(article_id="a", outlet="Ledger", published_at="2025-09-02T06:00:00Z"),
        OutletInfo(article_id="b", outlet="Wire", published_at="2025-09-02T09:00:00Z"),
    ],
    derivatives=[
        DerivativePair(
            article_a="a",
            article_b="b",
            similarity=0.6,
            containment=0.9,
            evidence=[
                SharedPassage(
                    span_a=span(TEXT_A, "Officials said 10,000 troops went."),
                    span_b=span(TEXT_B, "Officials said 10,000 troops went."),
                )
            ],
        )
    ],
    narrative=[
        NarrativeSentence(
            text="Outlets disagree on troops <sent>.",
            cited_outlets=["Ledger", "Wire"],
            fact_ids=["f-conflict"],
        )
    ],
    narrative_mode="llm",
    provenance=ConsensusProvenance(
        models=["local/qwen2.5-coder-1.5b"],
        prompts=[
            PromptRef(name="extract_event", version="v1", hash="ab" * 32),
            PromptRef(name="narrate", version="v1", hash="cd" * 32),
        ],
        lexicon_version="en/v1",
        lexicon_hash="ef" * 32,
    ),
)


@pytest.fixture(scope="module")
def html() -> str:
    return review_page(CONSENSUS, ARTICLES)


def test_sections_follow_the_editors_order(html: str) -> None:
    order = [
        'id="conflicts"',
        'id="revisions"',
        'id="agreed"',
        'id="single"',
        'id="narrative"',
        'id="derivatives"',
        'id="provenance"',
        'id="reader"',
    ]
    at = [html.index(marker) for marker in order]
    assert at == sorted(at)
    assert html.index("<h1>") < html.index('id="conflicts"')
    assert re.search(r'<section id="single"[^>]*><details><summary>', html)  # collapsed


def test_statuses_are_words_and_ungrounded_values_are_marked(html: str) -> None:
    for word in ("Conflicting", "Agreed", "Compatible", "Single source"):
        assert f'<span class="status">{word}</span>' in html
    assert html.count("Ungrounded: not found in the text") == 1
    assert "1 values are ungrounded" in html
    assert "according to Officials" in html and "as of 2025-08" in html
    assert "alignment confidence 0.80" in html and "matched on entity, happening" in html


def test_text_is_escaped_and_only_our_script_runs(html: str) -> None:
    assert '<script>alert("a")</script>' not in html
    assert "&lt;script&gt;alert(&quot;a&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Troops&lt;/b&gt;" in html and "Troops &lt;sent&gt;" in html
    assert html.count("<script>") == 1 and html.count("<style>") == 1


def test_the_page_is_self_contained_and_its_policy_allows_only_its_own_code(html: str) -> None:
    assert not re.search(r"\s(src|srcset)=", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp and "default-src 'none'" in csp.group(1)
    for tag in ("script", "style"):
        code = re.search(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        assert code
        digest = base64.b64encode(hashlib.sha256(code.group(1).encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp.group(1)
    assert html.count('href="https://') == 1  # the article's original, a plain link


def test_every_value_button_points_at_its_marked_span(html: str) -> None:
    conflict = re.findall(r'<button type="button" class="v" data-fact="f-conflict"[^>]*>', html)
    assert len(conflict) == 2
    for button in conflict:
        mark = re.search(r'data-open="(e\d+)"', button)
        assert mark
        assert re.search(rf'<span class="m" data-m="[^"]*\b{mark.group(1)}\b[^"]*">', html)
    ghost = re.search(r'<button[^>]*data-fact="f-ungrounded"[^>]*>', html)
    assert ghost and 'data-open=""' in ghost.group(0) and 'data-grounded="false"' in ghost.group(0)


def test_provenance_names_models_prompt_versions_and_full_hashes(html: str) -> None:
    assert "local/qwen2.5-coder-1.5b" in html
    assert "extract_event v1 (abababababab)" in html
    assert "ab" * 32 in html and "cd" * 32 in html
    assert f"Lexicon: en/v1 <code>{'ef' * 32}</code>" in html


def test_derivative_note_names_who_rewrites_whom(html: str) -> None:
    assert "Wire rewrites Ledger; counted once." in html
    assert "Shared passages in Ledger" in html and "Shared passages in Wire" in html


def test_narrative_cites_outlets_and_links_facts(html: str) -> None:
    assert "Narrative (written by the model)" in html
    assert "[Ledger, Wire]" in html and 'href="#fact-f-conflict"' in html


def test_event_line_and_outlets_earliest_first(html: str) -> None:
    assert "Seoul, South Korea" in html and "military" in html
    assert "Ledger 06:00, Wire 09:00 (UTC, 2025-09-02)" in html


def test_marks_split_overlaps_and_refuse_spans_that_do_not_match() -> None:
    marks = Marks(ARTICLES)
    outer = marks.register("b", span(TEXT_B, "Officials said 10,000 troops"))
    inner = marks.register("b", span(TEXT_B, "10,000 troops went."))
    assert outer == "e1" and inner == "e2"
    assert marks.register("b", span(TEXT_B, "Officials said 10,000 troops")) == "e1"
    assert marks.register("b", Span(start=0, end=5, text="Wrong")) is None
    assert marks.register("zzz", Span(start=0, end=5, text="About")) is None
    html = marks.html("b")
    assert '<span class="m" data-m="e1">Officials said </span>' in html
    assert '<span class="m" data-m="e1 e2">10,000 troops</span>' in html
    assert '<span class="m" data-m="e2"> went.</span>' in html


def test_a_job_page_is_the_same_page() -> None:
    request = ConsensusRequest(articles=ARTICLES).model_dump_json()
    assert page_from_job(request, CONSENSUS.model_dump_json()) == review_page(CONSENSUS, ARTICLES)
