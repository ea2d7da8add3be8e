"""Article texts with their evidence spans marked, escaped for HTML.

Every evidence span the page can point at is registered once and gets a short id
(`e1`, `e2`...). An article's text is then cut at every span boundary; each piece
covered by one or more spans becomes `<span class="m" data-m="e1 e4">…</span>`, so
overlapping spans need no nesting. The page's script only toggles classes on these
pieces: it never builds markup from article text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import pairwise

from schemas.article import Article
from schemas.record import Span


@dataclass
class Marks:
    """The evidence spans registered for a set of articles, by article."""

    articles: Sequence[Article]
    _texts: dict[str, str] = field(init=False)
    _ids: dict[tuple[str, int, int], str] = field(init=False, default_factory=dict)
    _spans: dict[str, list[tuple[int, int, str]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._texts = {a.id: a.text for a in self.articles}

    def has_article(self, article_id: str) -> bool:
        """True when the page holds the text of `article_id`."""
        return article_id in self._texts

    def register(self, article_id: str, span: Span) -> str | None:
        """The mark id of `span` in `article_id`'s text; None when the span is empty, the
        article is missing, or the text at that range is not the span's text."""
        text = self._texts.get(article_id)
        if text is None or span.end <= span.start or span.end > len(text):
            return None
        if text[span.start : span.end] != span.text:
            return None
        key = (article_id, span.start, span.end)
        if key not in self._ids:
            mark_id = f"e{len(self._ids) + 1}"
            self._ids[key] = mark_id
            self._spans.setdefault(article_id, []).append((span.start, span.end, mark_id))
        return self._ids[key]

    def html(self, article_id: str) -> str:
        """The article's text, escaped, with every registered span wrapped in a mark."""
        text = self._texts[article_id]
        spans = sorted(self._spans.get(article_id, []))
        cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
        parts: list[str] = []
        for start, end in pairwise(cuts):
            piece = escape(text[start:end])
            covering = _covering(spans, start, end)
            if covering:
                parts.append(f'<span class="m" data-m="{" ".join(covering)}">{piece}</span>')
            else:
                parts.append(piece)
        return "".join(parts)


def _covering(spans: Iterable[tuple[int, int, str]], start: int, end: int) -> list[str]:
    return [mark_id for s, e, mark_id in spans if s <= start and end <= e]
