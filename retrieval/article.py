"""The Article record: one cleaned news article with its metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article, ready to be chunked.

    Attributes:
        source: The article's file name relative to the ingested root (``000_x.txt``); unique
            key of the article in the index.
        title: Headline; never empty (falls back to the first sentence, then the file name).
        text: The cleaned story text: page furniture removed, every story sentence kept.
        url: Canonical URL of the article itself, or None when unknown.
        published: Publication date, or None when the source does not say.
        publisher: Outlet or publisher name, or None when unknown.
        related_links: Other URLs found in the file (related articles, social posts).
        content_hash: SHA-256 of the raw file bytes; a changed file gets a new hash.
        notes: Remarks for the ingest report (for example a non-UTF-8 fallback decode).
    """

    source: str
    title: str
    text: str
    url: str | None = None
    published: date | None = None
    publisher: str | None = None
    related_links: tuple[str, ...] = ()
    content_hash: str = ""
    notes: tuple[str, ...] = field(default=())


def hash_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
