"""The input of every pipeline: one news article, validated at the edge."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_ARTICLE_CHARS = 60_000
"""Longest article text accepted; longer input is rejected with a clear error, not truncated."""

_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Return `text` NFC-normalised with runs of whitespace collapsed and ends stripped.

    Used for content hashing only: spans always index the original text.
    """
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def content_hash(text: str) -> str:
    """Stable 16-hex-digit id of an article's normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


class Article(BaseModel):
    """One news article. `text` is the body that every evidence span indexes into."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    id: str = Field(
        default="",
        max_length=128,
        description="Stable article id; defaults to a hash of the normalised text.",
    )
    outlet: str | None = Field(
        default=None, max_length=200, description="Publishing outlet, e.g. 'Al Jazeera'."
    )
    url: str | None = Field(default=None, max_length=2_000, description="Canonical URL.")
    published_at: datetime | date | None = Field(
        default=None,
        description="Publication time; relative dates ('on Tuesday') resolve against it.",
    )
    title: str | None = Field(default=None, max_length=1_000, description="Headline as published.")
    text: str = Field(
        min_length=1,
        max_length=MAX_ARTICLE_CHARS,
        pattern=r"\S",
        description="Article body as plain text. Evidence spans are offsets into this string.",
    )

    @model_validator(mode="after")
    def _default_id(self) -> Article:
        if not self.text.strip():
            raise ValueError("article text is empty")
        if "\x00" in self.text:
            raise ValueError("article text holds NUL bytes: binary data, not text")
        if not self.id:
            self.id = content_hash(self.text)
        return self

    @property
    def content_hash(self) -> str:
        """Hash of the normalised text, independent of the id the caller chose."""
        return content_hash(self.text)

    @property
    def published_date(self) -> date | None:
        """The publication date, whatever precision `published_at` was given in."""
        if isinstance(self.published_at, datetime):
            return self.published_at.date()
        return self.published_at
