"""The sample cluster's review page and Debian's Chromium, for the browser tests and
`make screenshots`.

The consensus comes from the no-LLM pipeline (mine → structure fallback → ground →
merge → template narrative): deterministic, needs no model, and its records carry
evidence spans, so its conflicts can be checked in the articles.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from schemas.article import Article
from schemas.consensus import Consensus
from service.inputs import expand_paths, read_article
from service.pipeline import Pipeline
from service.review import review_page
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "evals" / "datasets" / "dev" / "kim-beijing-2025"

CHROMIUM = os.environ.get("CORROBORATE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
"""Debian's Chromium (`apt-get install -y chromium`); Playwright's own builds are never used."""

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

REQUIRE_BROWSER = os.environ.get("CORROBORATE_REQUIRE_BROWSER") == "1"
"""Set by `.ci/run`: a missing browser fails the browser tests instead of skipping them.
Read at import, before the suite's autouse fixture clears CORROBORATE_* variables."""


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, in one line; None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make install)"
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM}: apt-get install -y chromium"
    return None


def skip_without_browser() -> None:
    """At the top of a browser test module: skip it (one line) when no browser can run,
    or fail the collection when `CORROBORATE_REQUIRE_BROWSER=1`."""
    why = browser_missing()
    if why is None:
        return
    if REQUIRE_BROWSER:
        pytest.fail(f"CORROBORATE_REQUIRE_BROWSER=1 but {why}", pytrace=False)
    pytest.skip(f"browser tests: {why}", allow_module_level=True)


def sample_articles() -> list[Article]:
    """The sample cluster's articles, in file order."""
    return [read_article(p) for p in expand_paths([SAMPLE])]


def no_llm_consensus(articles: list[Article]) -> Consensus:
    """The consensus of `articles` from mined candidates alone: no model is called."""
    settings = Settings(_env_file=None)
    return Pipeline(settings, None).summarise(articles)


def write_page(consensus: Consensus, articles: list[Article], path: Path) -> Path:
    """Write the review page to `path` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(review_page(consensus, articles), encoding="utf-8")
    return path
