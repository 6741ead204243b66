"""News feeds: RSS 2.0, Atom and RDF bytes -> a ``Feed`` of items, with feedparser.

A malformed feed still gives every item feedparser could read (and says what was wrong); an
HTML page given as a feed is a clear error that names the feeds the page links to. Fetching is
not done here: feedparser only ever sees bytes.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from retrieval.errors import RetrievalError
from retrieval.ingest.page import parse_html
from retrieval.ingest.text_furniture import Block, remove_text_furniture
from retrieval.web.body import looks_like_feed, looks_like_html

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
# feedparser flags these as "bozo" although the feed itself is fine.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre")


class FeedError(RetrievalError):
    """Raised when a document is not an RSS, Atom or RDF feed at all."""


class NotAFeedError(FeedError):
    """Raised when an HTML page was given where a feed was expected.

    Attributes:
        alternates: The feed URLs the page advertises (``<link rel="alternate">``), if any.
    """

    def __init__(self, message: str, *, alternates: tuple[str, ...]) -> None:
        super().__init__(message)
        self.alternates = alternates


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One story a feed lists.

    Attributes:
        title: The headline as plain text, or None.
        link: The story's absolute http(s) URL.
        published: When it was published (else last updated), in UTC, or None.
        summary: The teaser as plain text, or None.
        content: The full story as plain-text paragraphs (blank-line separated) when the feed
            carries it, else None.
        author: The byline the feed gives (``dc:creator``, ``author``), or None.
    """

    title: str | None
    link: str
    published: datetime | None
    summary: str | None
    content: str | None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed.

    Attributes:
        title: The feed's title, or None.
        link: The site the feed belongs to, or None.
        items: Its stories in feed order, one per link.
        problem: What was wrong with a malformed feed that still gave items, else None.
    """

    title: str | None
    link: str | None
    items: tuple[FeedItem, ...]
    problem: str | None = None


def parse_feed(
    data: bytes, *, url: str, content_type: str | None = None, charset: str | None = None
) -> Feed:
    """Parse a feed document.

    Args:
        data: The document's bytes (decompressed).
        url: The URL it came from: relative links are resolved against it.
        content_type: The media type it was served as, if known.
        charset: The charset it was served with or declares, if known (``FetchResult.charset``);
            otherwise feedparser reads the XML declaration.

    Returns:
        The feed, with every readable item.

    Raises:
        NotAFeedError: ``data`` is an HTML page.
        FeedError: ``data`` is not a feed and not HTML either.
    """
    if content_type in ("text/html", "application/xhtml+xml") or (
        looks_like_html(data) and not looks_like_feed(data)
    ):
        raise _not_a_feed(data, url)
    media = f"application/xml; charset={charset}" if charset else "application/xml"
    headers = {"content-location": url, "content-type": media}
    # A stream, never bytes or str: feedparser opens a str URL and a bytes file name.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True)
    items = tuple(_items(parsed.entries, url))
    title = _plain(parsed.feed.get("title"))
    problem = _problem(parsed)
    if not items and not parsed.get("version") and (problem or not title):
        reason = f" ({problem})" if problem else ""
        raise FeedError(
            f"{url} is not an RSS, Atom or RDF feed{reason}; give the address of a news feed"
        )
    link = _absolute(parsed.feed.get("link"), url)
    return Feed(title=title, link=link, items=items, problem=problem)


def find_feed_links(html: str, *, url: str) -> tuple[str, ...]:
    """Return the feed URLs a page advertises with ``<link rel="alternate" type=...>``.

    Args:
        html: The page's HTML.
        url: The page's URL, to resolve relative links.

    Returns:
        Absolute http(s) URLs in page order, without duplicates.
    """
    found: list[str] = []
    for link in parse_html(html).iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().strip()
        if "alternate" in rel and kind in FEED_TYPES:
            absolute = _absolute(link.get("href"), url)
            if absolute:
                found.append(absolute)
    return tuple(dict.fromkeys(found))


def _not_a_feed(data: bytes, url: str) -> NotAFeedError:
    alternates = find_feed_links(data.decode("utf-8", errors="replace"), url=url)
    message = (
        f"{url} is an HTML page, not a feed; give the feed's URL (look for an RSS or Atom link)"
    )
    if alternates:
        message += f"; this page links to {', '.join(alternates)}"
    return NotAFeedError(message, alternates=alternates)


def _items(entries: list[dict[str, Any]], url: str) -> Iterator[FeedItem]:
    seen: set[str] = set()
    for entry in entries:
        link = _absolute(entry.get("link"), url) or _absolute(entry.get("id"), url)
        if link is None or link in seen:
            continue
        seen.add(link)
        summary = _plain(entry.get("summary"))
        content = _content(entry)
        yield FeedItem(
            title=_plain(entry.get("title")),
            link=link,
            # dict.get: FeedParserDict.get maps missing keys onto others, with a warning.
            published=_when(
                dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
            ),
            summary=summary,
            content=content if content != summary else None,
            author=_plain(entry.get("author")),
        )


def _content(entry: Mapping[str, Any]) -> str | None:
    parts = entry.get("content") or []
    html = "".join(part.get("value", "") for part in parts if isinstance(part, Mapping))
    if not html.strip():
        return None
    tree = parse_html(f"<html><body>{html}</body></html>")
    lines = [" ".join(block.text_content().split()) for block in tree.iter(*_BLOCK_TAGS)]
    if not any(lines):
        lines = [" ".join(tree.text_content().split())]
    blocks = remove_text_furniture(Block(kind="paragraph", text=line) for line in lines if line)
    return "\n\n".join(block.text for block in blocks) or None


def _plain(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value
    if "<" in value:
        text = parse_html(f"<html><body>{value}</body></html>").text_content()
    return " ".join(text.split()) or None


def _absolute(value: object, base: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    absolute = urljoin(base, value.strip())
    parts = urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.netloc else None


def _when(value: object) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _problem(parsed: Mapping[str, Any]) -> str | None:
    exception = parsed.get("bozo_exception")
    if not parsed.get("bozo") or isinstance(exception, _HARMLESS):
        return None
    detail = str(exception) if exception is not None else "unknown error"
    return f"the feed is malformed ({detail})"
