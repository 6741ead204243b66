"""HTML files -> Articles, read like fetched pages: ``page.read_page``, then cleaned.

A saved page gets what a fetched one gets: the headline without the site's name, the publisher
from og:site_name or JSON-LD, the byline, the original publication date and the story without
page furniture. Its link is the page's canonical URL (or og:url) when it states one.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from retrieval.errors import UnusableArticleError
from retrieval.ingest.article import build_article
from retrieval.ingest.cleaning import clean_text, normalize_text
from retrieval.ingest.page import read_page
from retrieval.records import Article

_NO_TEXT = "no article text found in the HTML: save the article as text instead"


def parse_html_article(raw: str, *, source: str, content_hash: str) -> Article:
    """Read an HTML page's story and metadata, then clean the text.

    Args:
        raw: The decoded page.
        source: The article's source key (the file's name).
        content_hash: The hash of the file's bytes.

    Raises:
        UnusableArticleError: The page holds no story text, or cannot be parsed at all.
    """
    try:
        page = read_page(raw, url="")
    # lxml raises assorted errors on hostile markup; none may stop the ingest.
    except Exception as exc:
        raise UnusableArticleError(
            f"HTML could not be parsed ({type(exc).__name__}): save the article as text instead"
        ) from exc
    if not page.paragraphs:
        raise UnusableArticleError(_NO_TEXT)
    title = normalize_text(page.title).strip() or None if page.title else None
    cleaned = clean_text(normalize_text(page.text), title_hint=title)
    article = build_article(
        cleaned,
        source=source,
        content_hash=content_hash,
        title=title,
        url=_web_url(page.url),
        published=page.published,
        publisher=page.site_name,
    )
    if page.authors:
        article = replace(article, byline=", ".join(page.authors))
    return article


def _web_url(url: str) -> str | None:
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None
