"""Folding text for comparison: case, whitespace, quotes, dashes and accents.

`fold_with_index` keeps, for every folded character, the index of the original character
it came from, so a match found in the folded text maps back to an exact span.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": " ",
        "\u2011": " ",
        "\u2012": " ",
        "\u2013": " ",
        "\u2014": " ",
        "-": " ",
        "\u00a0": " ",
    }
)


@dataclass(frozen=True)
class Folded:
    """A normalised copy of a text and, per normalised char, its original index."""

    text: str
    index: list[int]


def fold_with_index(text: str) -> Folded:
    """Casefold `text`, straighten quotes, turn dashes into spaces and collapse whitespace,
    keeping the original index of every folded character."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        c = ch.translate(_FOLD).casefold()
        if c.isspace() or not c:
            c = " "
        for piece in c:
            if piece == " " and out and out[-1] == " ":
                continue  # collapse runs of whitespace
            out.append(piece)
            index.append(i)
    return Folded("".join(out), index)


def fold_text(text: str) -> str:
    """Case-, whitespace-, quote- and dash-insensitive form of `text` (stripped)."""
    return fold_with_index(text).text.strip()


_BARE_LETTERS: Final = str.maketrans(
    "\u0131\u0142\u0141\u00f8\u00d8\u0111\u0110\u0127\u0126\u0167\u0166", "ilLoOdDhHtT"
)
"""Letters with a stroke or without a dot that no decomposition takes apart (the dotless
i, the barred l, o, d, h and t): 'Lodz' and 'Soren' whether or not an outlet spells them
with a stroke are one name."""


def unaccented(text: str) -> str:
    """`text` without accents or strokes, case kept ('Café' → 'Cafe', 'Søren' → 'Soren')."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_BARE_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain(text: str) -> str:
    """Casefolded text without accents, curly single quotes straightened ('Café' → 'cafe')."""
    return unaccented(text.replace("\u2019", "'").replace("\u2018", "'")).casefold()
