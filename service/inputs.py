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


TITLE_WORDS = (5, 25)
"""How many words a plain-text article's heading line has: fewer is a section name, a
byline or a logo ('World News', 'Read more'); more is a paragraph."""
TITLE_SCAN_LINES = 12
_TITLE_END = re.compile(r"[.!?:;,\"'\u201d\u2019]$")


def lead_title(text: str) -> str | None:
    """The headline of a plain-text article: the first of its opening lines that reads as a
    heading (`TITLE_WORDS` words, no closing punctuation; a Markdown '#' dropped), before
    the first line that is a sentence (six words or more, closed by punctuation); None
    when the text opens with its first sentence. Scraped text often opens with a page's
    boilerplate (a section name, a byline, 'Read more'), which is too short to be one."""
    lines = [line.strip().lstrip("#").strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    for line in lines[: min(TITLE_SCAN_LINES, len(lines) - 1)]:  # a line must follow
        words = line.split()
        closed = bool(_TITLE_END.search(line))
        if closed and len(words) >= 6:
            return None  # the body has begun
        if not closed and TITLE_WORDS[0] <= len(words) <= TITLE_WORDS[1]:
            return line
    return None


def html_to_text(html: str) -> tuple[str, dict[str, Any]]:
    """Main text and metadata of an HTML page (trafilatura), or an InputError."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False)
    if not text or not looks_like_article(text):
        raise UnsupportedInputError(
            "no article text could be extracted from the HTML (under "
            f"{MIN_ARTICLE_WORDS} words of sentences: a menu, an index or an empty page?)"
        )
    meta: dict[str, Any] = {}
    doc = trafilatura.extract_metadata(html)
    if doc is not None:
        meta = {"title": doc.title, "outlet": doc.sitename, "url": doc.url, "date": doc.date}
    return text, meta


def article_from_payload(payload: dict[str, Any], *, source: str) -> Article:
    """Validate an article JSON object; errors name the source and the field."""
    text = payload.get("text")
    if isinstance(text, str) and "\x00" in text:
        raise UnsupportedInputError(f"{source}: binary data, not text (NUL bytes)", source=source)
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
    try:
        text, meta = html_to_text(html)
    except UnsupportedInputError as exc:
        raise UnsupportedInputError(f"{source}: {exc}", source=source) from exc
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
            "title": lead_title(raw),
            "outlet": path.stem,
            "published_at": (published_at or lead_date(raw) or None),
        },
        source=str(path),
    )


ARTICLE_SUFFIXES = {".txt", ".json", ".html", ".htm", ".md"}

NOT_ARTICLE_STEMS = ("readme", "notes", "labels", "license", "changelog", "todo")
"""Files in a cluster folder with these names (any suffix, any case) are notes about the
folder, never articles."""

MIN_ARTICLE_WORDS = 20
"""A `.md` file in a folder counts as an article only with at least this many words and
one sentence (a shorter or list-like one: labels, notes, is skipped and reported); an HTML
page yielding less is refused as having no article text."""

_SENTENCE_END = re.compile(r"\w[.!?][\"'\u201d\u2019)]?(\s|$)")


def looks_like_article(text: str) -> bool:
    """Article shape: enough words and at least one sentence (not a list of labels)."""
    return len(text.split()) >= MIN_ARTICLE_WORDS and bool(_SENTENCE_END.search(text))


def folder_skip_reason(path: Path) -> str | None:
    """Why a file in a cluster folder is not read as an article, or None when it is one."""
    if path.name.startswith((".", "_")):
        return "hidden"
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        return "not an article file type"
    if path.stem.lower().split(".")[0].startswith(NOT_ARTICLE_STEMS):
        return "a notes file, not an article"
    if path.suffix.lower() == ".md":  # where notes live; other files are read and checked
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            return None  # read_article says why, as an error
        if not looks_like_article(text):
            return f"not article-shaped (under {MIN_ARTICLE_WORDS} words or no sentence)"
    return None


def expand_paths(
    paths: Iterable[Path], skipped: list[tuple[Path, str]] | None = None
) -> list[Path]:
    """Files as given, and the article files of any directory (sorted, non-recursive).

    A directory holding an `articles/` folder (a dataset cluster) stands for that folder.
    In a directory, hidden files, README/notes/labels files, other file types and `.md`
    files without an article's shape are skipped; each is appended to `skipped` with the
    reason. A file named explicitly is always read (and rejected if it is not an article).
    """
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            if (path / "articles").is_dir():  # a dataset cluster: articles/ beside gold/
                path = path / "articles"
            for file in sorted(p for p in path.iterdir() if p.is_file()):
                why = folder_skip_reason(file)
                if why is None:
                    out.append(file)
                elif skipped is not None:
                    skipped.append((file, why))
        else:
            out.append(path)
    if not out:
        raise InputError("no article files given")
    return out


def files_line(read: list[Path], skipped: list[tuple[Path, str]]) -> str:
    """One line: the files read and those skipped, with why."""
    line = f"read {len(read)} file{'s' if len(read) != 1 else ''}"
    if skipped:
        line += "; skipped " + ", ".join(f"{p.name} ({why})" for p, why in skipped)
    return line
