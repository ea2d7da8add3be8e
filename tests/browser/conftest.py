"""Browser tests: pytest-playwright driving Debian's Chromium on `file://` pages.

Chromium talks to Playwright over a pipe and loads the page from disk, so the suite's
`--block-network` is no obstacle. Each test module starts with `skip_without_browser()`:
where Chromium or Playwright is missing it skips with one line, unless
`CORROBORATE_REQUIRE_BROWSER=1` (set by `.ci/run`) makes that a failure.
"""

from __future__ import annotations

from typing import Any

import pytest

from schemas.article import Article
from schemas.consensus import Consensus
from tests.browser.support import (
    CHROMIUM,
    LAUNCH_ARGS,
    no_llm_consensus,
    sample_articles,
    write_page,
)


@pytest.fixture(scope="session")
def base_url() -> None:
    """No base URL: pages are opened by `file://` URL. (Overrides pytest-playwright's
    fallback fixture, a method that pytest 9 warns about, and warnings are errors.)"""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": LAUNCH_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def sample() -> tuple[Consensus, list[Article]]:
    """The sample cluster's articles and their no-LLM consensus."""
    articles = sample_articles()
    return no_llm_consensus(articles), articles


@pytest.fixture(scope="session")
def sample_url(
    sample: tuple[Consensus, list[Article]], tmp_path_factory: pytest.TempPathFactory
) -> str:
    """`file://` URL of the sample cluster's review page."""
    consensus, articles = sample
    path = tmp_path_factory.mktemp("review") / "sample.html"
    return write_page(consensus, articles, path).as_uri()
