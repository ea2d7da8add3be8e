"""Reading articles at the edge: plain text, HTML or article JSON → validated `Article`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from schemas.article import MAX_ARTICLE_CHARS, Article
from service.errors import ArticleTooLongError, InputError, UnsupportedInputError

DATE_SCAN_CHARS = 600
"""A plain-text file's publication date is looked for in its first characters only."""

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_LEAD_DATE = re.compile(
    rf"(?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)"
    rf"|(?P<dmy>\b\d{{2}}\.\d{{2}}\.\d{{4}}\b)"
    rf"|(?P<mdy>\b(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}\b)",
    re.IGNORECASE,
)


def lead_date(text: str) -> date | None:
    """A publication date stated near the top of a plain-text article, if any."""
    found = _LEAD_DATE.search(text[:DATE_SCAN_CHARS])
    if not found:
        return None
    try:
        if found.group("iso"):
            return date.fromisoformat(found.group("iso"))
        if found.group("dmy"):
            return datetime.strptime(found.group("dmy"), "%d.%m.%Y").date()
        return datetime.strptime(found.group("mdy").title(), "%B %d, %Y").date()
    except ValueError:
        return None


def html_to_text(html: str) -> tuple[str, dict[str, Any]]:
    """Main text and metadata of an HTML page (trafilatura), or an InputError."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False)
    if not text or not text.strip():
        raise UnsupportedInputError("no article text could be extracted from the HTML")
    meta: dict[str, Any] = {}
    doc = trafilatura.extract_metadata(html)
    if doc is not None:
        meta = {"title": doc.title, "outlet": doc.sitename, "url": doc.url, "date": doc.date}
    return text, meta


def article_from_payload(payload: dict[str, Any], *, source: str) -> Article:
    """Validate an article JSON object; errors name the source and the field."""
    text = payload.get("text")
    if isinstance(text, str) and len(text) > MAX_ARTICLE_CHARS:
        raise ArticleTooLongError(
            f"{source}: article text has {len(text):,} characters; the limit is "
            f"{MAX_ARTICLE_CHARS:,} (split it into several articles)",
            source=source,
        )
    try:
        return Article.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "article"
        raise InputError(f"{source}: {where}: {first['msg']}", source=source) from exc


def article_from_html(html: str, *, source: str, extra: dict[str, Any] | None = None) -> Article:
    """An article from an HTML page; `extra` fields (outlet, url…) override the page's."""
    text, meta = html_to_text(html)
    payload: dict[str, Any] = {
        "text": text,
        "title": meta.get("title"),
        "outlet": meta.get("outlet"),
        "url": meta.get("url"),
        "published_at": meta.get("date"),
    }
    payload.update({k: v for k, v in (extra or {}).items() if v is not None})
    return article_from_payload({k: v for k, v in payload.items() if v}, source=source)


def read_article(path: Path, *, published_at: date | None = None) -> Article:
    """Read one file: `.json` (an Article object), `.html`/`.htm`, or anything else as text."""
    if not path.is_file():
        raise InputError(f"{path}: no such file", source=str(path))
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UnsupportedInputError(f"{path}: not UTF-8 text", source=str(path)) from exc
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            payload = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: invalid JSON: {exc.msg} (line {exc.lineno})") from exc
        if not isinstance(payload, dict):
            raise InputError(f"{path}: expected one article object")
        if published_at and not payload.get("published_at"):
            payload["published_at"] = published_at.isoformat()
        return article_from_payload(payload, source=str(path))
    if suffix in {".html", ".htm"}:
        extra = {"published_at": published_at.isoformat() if published_at else None}
        return article_from_html(raw, source=str(path), extra=extra)
    return article_from_payload(
        {
            "text": raw,
            "outlet": path.stem,
            "published_at": (published_at or lead_date(raw) or None),
        },
        source=str(path),
    )


ARTICLE_SUFFIXES = {".txt", ".json", ".html", ".htm", ".md"}


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the article files of any directory (sorted, non-recursive).

    A directory holding an `articles/` folder (a dataset cluster) stands for that folder.
    """
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            if (path / "articles").is_dir():  # a dataset cluster: articles/ beside gold/
                path = path / "articles"
            out.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix in ARTICLE_SUFFIXES)
            )
        else:
            out.append(path)
    if not out:
        raise InputError("no article files given")
    return out
