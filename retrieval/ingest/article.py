"""Cleaned text + metadata -> an Article; also plain-text and Markdown articles."""

from __future__ import annotations

import hashlib
from datetime import date

from retrieval.errors import UnusableArticleError
from retrieval.ingest.cleaning import CleanedText, clean_text
from retrieval.ingest.metadata import extract_metadata
from retrieval.records import Article

_NO_TEXT = "no article text left after removing page furniture: check that it holds a story"


def hash_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``: an article's content hash."""
    return hashlib.sha256(data).hexdigest()


def parse_text_article(raw: str, *, source: str, content_hash: str | None = None) -> Article:
    """Clean a plain-text or Markdown article and read its metadata.

    Args:
        raw: The decoded file contents.
        source: The article's source key, also the title of last resort.
        content_hash: The hash of the raw input; default the SHA-256 of ``raw`` as UTF-8.

    Raises:
        UnusableArticleError: If no story text is left once page furniture is removed.
    """
    return build_article(
        clean_text(raw),
        source=source,
        content_hash=content_hash or hash_bytes(raw.encode("utf-8")),
    )


def build_article(
    cleaned: CleanedText,
    *,
    source: str,
    content_hash: str,
    title: str | None = None,
    url: str | None = None,
    published: date | None = None,
    publisher: str | None = None,
    notes: tuple[str, ...] = (),
) -> Article:
    """Make the Article: metadata from the given fields first, then from the text.

    Raises:
        UnusableArticleError: If ``cleaned`` holds no story paragraph.
    """
    if not cleaned.paragraphs:
        raise UnusableArticleError(_NO_TEXT)
    metadata = extract_metadata(
        cleaned,
        fallback_title=source,
        title=title,
        url=url,
        published=published,
        publisher=publisher,
    )
    return Article(
        source=source,
        title=metadata.title,
        text=cleaned.text,
        url=metadata.url,
        published=metadata.published,
        publisher=metadata.publisher,
        related_links=metadata.related_links,
        content_hash=content_hash,
        notes=notes,
        byline=metadata.byline,
    )
