"""HTML pages -> Articles: the main text and metadata extracted with trafilatura, then cleaned."""

from __future__ import annotations

import trafilatura

from retrieval.errors import UnusableArticleError
from retrieval.ingest.article import build_article
from retrieval.ingest.cleaning import clean_text, normalize_text
from retrieval.ingest.metadata import parse_iso_date
from retrieval.records import Article


def parse_html_article(raw: str, *, source: str, content_hash: str) -> Article:
    """Extract an HTML page's main text and metadata with trafilatura, then clean it."""
    try:
        document = trafilatura.bare_extraction(
            raw,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            # Dates from markup and URL only: no guessing from copyright lines or free text.
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    # trafilatura and lxml raise assorted errors on hostile markup; none may stop the ingest.
    except Exception as exc:
        raise UnusableArticleError(
            f"HTML could not be parsed ({type(exc).__name__}): save the article as text instead"
        ) from exc
    text = getattr(document, "text", None) if document is not None else None
    if not isinstance(text, str) or not text.strip():
        raise UnusableArticleError(
            "no article text found in the HTML: save the article as text instead"
        )
    title = _string_attribute(document, "title")
    cleaned = clean_text(normalize_text(text), title_hint=title)
    date_text = _string_attribute(document, "date")
    return build_article(
        cleaned,
        source=source,
        content_hash=content_hash,
        title=title,
        url=_string_attribute(document, "url"),
        published=parse_iso_date(date_text) if date_text else None,
        publisher=_string_attribute(document, "sitename"),
    )


def _string_attribute(document: object, name: str) -> str | None:
    value = getattr(document, name, None)
    return normalize_text(value).strip() or None if isinstance(value, str) else None
