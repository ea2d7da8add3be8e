"""A plain-text article's heading line is its title (`service.inputs.lead_title`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.inputs import lead_title, read_article


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Flood kills 12 in Brenmoor as river bursts its banks\n\nTwelve people died on "
         "Sunday when the river burst its banks, officials said.",
         "Flood kills 12 in Brenmoor as river bursts its banks"),
        # page boilerplate before the heading: too short to be one
        ("World\nLena Vik\n\nNorland Air cancels 40 flights after a fuel leak\n\nThe airline "
         "cancelled 40 flights on Monday, a spokesman said.",
         "Norland Air cancels 40 flights after a fuel leak"),
        ("# Port deal agreed after two years of talks\nHarbour Bank will lend the money, the "
         "bank said.", "Port deal agreed after two years of talks"),
        # the text opens with its first sentence: no title
        ("Twelve people died on Sunday when the river burst its banks, officials said.\n"
         "More rain is forecast for the valley this week.", None),
        ("Flood kills 12 in Brenmoor as river bursts its banks", None),  # one line only
    ],
)  # fmt: skip
def test_the_heading_line_is_the_title(text: str, title: str | None) -> None:
    assert lead_title(text) == title


def test_a_text_file_gets_its_heading_as_title(tmp_path: Path) -> None:
    path = tmp_path / "herald.txt"
    path.write_text(
        "Flood kills twelve people\n2025-11-04\n\nTwelve people died on Sunday when the "
        "river burst its banks, officials said.\n",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.title is None  # four words: too short to tell from a section name
    path.write_text(
        "Flood kills 12 in Brenmoor as the river bursts\n2025-11-04\n\nTwelve people died "
        "on Sunday when the river burst its banks, officials said.\n",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.title == "Flood kills 12 in Brenmoor as the river bursts"
    assert str(article.published_at)[:10] == "2025-11-04"
