"""Article pages on the web -> Articles: fetched politely, conditionally, parsed off the loop.

A page fetched before is asked for with its stored ETag / Last-Modified, so an unchanged page
costs a 304 and nothing else; its article key is then known from the store. Reading the HTML
(lxml, trafilatura, htmldate) runs in a worker thread so that a bot's event loop never waits
for it. Nothing here writes the index or the store: callers save ``PageOutcome.record`` only
once the article is indexed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.errors import UnusableArticleError
from retrieval.ingest.page import read_page
from retrieval.records import Article
from retrieval.web.feed_records import FeedStorage, PageRecord
from retrieval.web.feeds import FeedItem
from retrieval.web.fetch import Fetcher
from retrieval.web.fetch_errors import FetchError, FetchRefusedError
from retrieval.web.web_article import article_from_page


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What fetching one article page gave.

    Attributes:
        url: The URL asked for.
        article: The article read from the page; None when not modified or on failure.
        source: The article's key: the read article's, or the stored one on 304.
        record: The validators to store once the article is indexed, or None on failure.
        error: Why there is no article (one line saying what to do), or None.
        refused: The URL was refused before connecting (private address, scheme, robots).
        retry_after: Seconds the site asked us to wait (429/503), or None.
    """

    url: str
    article: Article | None = None
    source: str | None = None
    record: PageRecord | None = None
    error: str | None = None
    refused: bool = False
    retry_after: float | None = None

    @property
    def not_modified(self) -> bool:
        """The page is as it was when its article was indexed."""
        return self.article is None and self.error is None


async def read_article(
    fetcher: Fetcher,
    url: str,
    *,
    known: PageRecord | None = None,
    indexed: Callable[[str], bool] = lambda source: False,
    item: FeedItem | None = None,
) -> PageOutcome:
    """Fetch ``url`` and read its article.

    Args:
        fetcher: An open fetcher.
        url: The page's URL.
        known: What was fetched from ``url`` before; its validators make the GET conditional.
        indexed: Whether an article key is in the index: validators are sent only for a page
            whose article is, so a page fetched but never indexed (a crash) is read again.
        item: The feed item that links to the page (its title and date fill gaps).

    Returns:
        The outcome; failures are reported in it, never raised.
    """
    conditional = known is not None and indexed(known.source)
    try:
        result = await fetcher.fetch(
            url,
            etag=known.etag if known and conditional else None,
            last_modified=known.last_modified if known and conditional else None,
            accept="page",
        )
        result.raise_for_status()
    except FetchRefusedError as exc:
        return PageOutcome(url, error=str(exc), refused=True)
    except FetchError as exc:
        return PageOutcome(url, error=str(exc), retry_after=getattr(exc, "retry_after", None))
    if result.not_modified and known is not None:
        record = PageRecord(
            url,
            known.source,
            result.etag or known.etag,
            result.last_modified or known.last_modified,
            known.content_hash,
        )
        return PageOutcome(url, source=known.source, record=record)
    try:
        article = await asyncio.to_thread(_read, result.text(), result.final_url, item)
    except UnusableArticleError as exc:
        return PageOutcome(url, error=f"{result.final_url}: {exc}")
    record = PageRecord(
        url, article.source, result.etag, result.last_modified, article.content_hash
    )
    return PageOutcome(url, article=article, source=article.source, record=record)


def _read(html: str, url: str, item: FeedItem | None) -> Article:
    return article_from_page(read_page(html, url=url), item=item)


class PageReader:
    """Reads article pages for one refresh or ``add``: each URL fetched once, validators from
    the store (a story listed by two feeds costs one request)."""

    def __init__(
        self, fetcher: Fetcher, store: FeedStorage, *, indexed: Callable[[str], bool]
    ) -> None:
        """Create a reader.

        Args:
            fetcher: An open fetcher.
            store: Where validators of pages fetched before are read (never written here).
            indexed: Whether an article key is in the index.
        """
        self._fetcher = fetcher
        self._store = store
        self._indexed = indexed
        self._tasks: dict[str, asyncio.Task[PageOutcome]] = {}

    async def read(self, url: str, *, item: FeedItem | None = None) -> PageOutcome:
        """The outcome of reading ``url`` (the first caller's ``item`` is used)."""
        task = self._tasks.get(url)
        if task is None:
            known = self._store.page(url)
            task = asyncio.ensure_future(
                read_article(self._fetcher, url, known=known, indexed=self._indexed, item=item)
            )
            self._tasks[url] = task
        return await asyncio.shield(task)

    @property
    def outcomes(self) -> list[PageOutcome]:
        """Every page read so far, once each."""
        return [task.result() for task in self._tasks.values() if task.done()]
