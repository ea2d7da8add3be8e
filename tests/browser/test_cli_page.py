"""`corroborate summarise CLUSTER --format html --out DIR` writes the review page that the
browser tests check: here it is opened in Chromium and its first conflict clicked."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.support import SAMPLE, skip_without_browser

skip_without_browser()

from playwright.sync_api import Page, Request, expect  # noqa: E402


def corroborate() -> str:
    beside = Path(sys.executable).parent / "corroborate"
    found = str(beside) if beside.is_file() else shutil.which("corroborate")
    if found is None:
        pytest.fail("no `corroborate` console script: make install")
    return found


@pytest.fixture(scope="module")
def cli_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The page the CLI writes for the sample cluster (no model), and what it printed."""
    work = tmp_path_factory.mktemp("cli")
    done = subprocess.run(
        [corroborate(), "summarise", str(SAMPLE), "--no-llm", "--format", "html",
         "--out", str(work / "sample"), "--cache", f"sqlite:///{work / 'c.sqlite3'}"],
        cwd=work, capture_output=True, text=True, timeout=180, check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(work)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return work / "sample" / "consensus.html", done.stdout


def test_summarise_writes_the_page_and_prints_it(cli_page: tuple[Path, str]) -> None:
    path, stdout = cli_page
    assert path.read_text(encoding="utf-8") == stdout
    assert stdout.startswith("<!doctype html>")
    assert (path.parent / "consensus.json").is_file() and (path.parent / "consensus.md").is_file()


def test_the_written_page_shows_a_conflicts_evidence(
    page: Page, cli_page: tuple[Path, str]
) -> None:
    path, _ = cli_page
    seen: list[str] = []

    def on_request(request: Request) -> None:
        seen.append(request.url)

    page.on("request", on_request)
    page.goto(path.as_uri())
    button = page.locator("#conflicts button.v").first
    button.click()
    mark = page.locator(f'#reader-body [data-m~="{button.get_attribute("data-open")}"]').first
    expect(mark).to_be_in_viewport()
    expect(mark).to_have_class(re.compile(r"\bcurrent\b"))
    article = button.get_attribute("data-article")
    expect(page.locator(f'#reader-body article[data-article="{article}"]')).to_be_visible()
    assert seen == [path.as_uri()], seen
