"""`make screenshots`: the sample cluster's review page at desktop and phone width.

Writes `desktop.png` (the first value of the conflict with most values chosen, its evidence shown
beside it), `phone.png` (the top of the page) and `phone-evidence.png` (the same value's
evidence over the page) to the output folder, plus the page itself as `sample.html`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.support import (
    CHROMIUM,
    LAUNCH_ARGS,
    browser_missing,
    no_llm_consensus,
    sample_articles,
    write_page,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
BUSIEST_CONFLICT = """() => {
  const facts = [...document.querySelectorAll("#conflicts .fact")];
  const values = (f) => f.querySelectorAll("button.v").length;
  facts.sort((a, b) => values(b) - values(a));
  return facts.length ? facts[0].querySelector("button.v").dataset.value : null;
}"""


def _choose_conflict(page: Page) -> None:
    value = page.evaluate(BUSIEST_CONFLICT)
    if value is None:
        raise SystemExit("screenshots: the sample page shows no conflict")
    page.locator(f'button.v[data-value="{value}"]').click()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("out/screenshots"))
    args = parser.parse_args(argv)
    why = browser_missing()
    if why:
        print(f"screenshots: {why}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    articles = sample_articles()
    page_path = write_page(no_llm_consensus(articles), articles, args.out / "sample.html")
    url = page_path.resolve().as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            desktop = browser.new_page(viewport=DESKTOP)
            desktop.goto(url)
            _choose_conflict(desktop)
            desktop.screenshot(path=str(args.out / "desktop.png"))
            phone = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
            phone.goto(url)
            phone.screenshot(path=str(args.out / "phone.png"))
            _choose_conflict(phone)
            phone.screenshot(path=str(args.out / "phone-evidence.png"))
        finally:
            browser.close()
    for name in ("desktop.png", "phone.png", "phone-evidence.png"):
        print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
