"""Web pages and feed items -> Articles keyed by their canonical URL; no I/O.

A page read by ``page.read_page`` becomes an Article whose ``source`` and ``url`` are the
canonical URL, whose ``origin`` is the URL it was fetched from, with the headline without the
site's name, the publisher, byline and publication date the page states (the feed item's date
when the page gives none). Its content hash covers what is indexed and shown, not the raw
bytes, so a page whose advertising or markup changed around the same story is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import date

from retrieval.errors import UnusableArticleError
from retrieval.ingest.article import build_article
from retrieval.ingest.cleaning import clean_text, normalize_text
from retrieval.ingest.page import PageArticle
from retrieval.records import Article
from retrieval.web.feeds import FeedItem

_FEED_TEXT_GAIN = 1.5
_MIN_EXTRA = 200
_NO_STORY = "no article text found on the page: give the address of a news article"
_SITE_SEPARATOR = re.compile(r"\s+[|\-–—:·•»]+\s+|\s*[|·•»]\s*")


def article_from_page(page: PageArticle, *, item: FeedItem | None = None) -> Article:
    """Make the Article of a fetched page.

    Args:
        page: What ``read_page`` read from the page.
        item: The feed item that linked to it, if any: its title and date fill gaps, and its
            full text replaces a page that shows much less of the story.

    Raises:
        UnusableArticleError: The page holds no story text.
    """
    if not page.paragraphs:
        raise UnusableArticleError(_NO_STORY)
    title = page.title or (item.title if item else None)
    published = page.published or (item.published.date() if item and item.published else None)
    text = page.text
    if item and item.content and len(item.content) > _FEED_TEXT_GAIN * len(text) + _MIN_EXTRA:
        text = item.content  # the page shows a teaser (paywall, script-rendered story)
    return _article(
        text,
        source=page.url,
        origin=page.fetched_url,
        title=title,
        published=published,
        publisher=page.site_name,
        byline=", ".join(page.authors) or None,
    )


def article_from_item(item: FeedItem, *, feed_title: str | None) -> Article:
    """Make the Article of a feed item that carries the whole story (``item.content``).

    Args:
        item: The feed item; its link is the article's key and URL.
        feed_title: The feed's title: its first part names the publisher
            ("The Harbour Herald - News" -> "The Harbour Herald").

    Raises:
        UnusableArticleError: The item carries no story text.
    """
    if not item.content:
        raise UnusableArticleError(_NO_STORY)
    publisher = None
    if feed_title:
        publisher = _SITE_SEPARATOR.split(feed_title, maxsplit=1)[0].strip() or None
    return _article(
        item.content,
        source=item.link,
        origin=item.link,
        title=item.title,
        published=item.published.date() if item.published else None,
        publisher=publisher,
        byline=item.author,
    )


def content_hash(article: Article) -> str:
    """The SHA-256 of what an article shows: key, title, text, date, outlet, byline, link."""
    fields = [
        article.source,
        article.title,
        article.text,
        article.url,
        article.published.isoformat() if article.published else None,
        article.publisher,
        article.byline,
    ]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


def _article(
    text: str,
    *,
    source: str,
    origin: str,
    title: str | None,
    published: date | None,
    publisher: str | None,
    byline: str | None,
) -> Article:
    cleaned = clean_text(normalize_text(text), title_hint=title)
    article = build_article(
        cleaned,
        source=source,
        content_hash="",
        title=title,
        url=source,
        published=published,
        publisher=publisher,
    )
    article = replace(article, origin=origin, byline=byline)
    return replace(article, content_hash=content_hash(article))
