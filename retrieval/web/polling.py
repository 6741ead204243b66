"""One poll of one feed: a conditional GET, new and changed items -> Articles, the next state.

A feed answering 304 costs nothing more. Otherwise each item that is new, or whose title,
summary, text or date changed since the last poll, becomes an article read from its page
(fetched conditionally when fetched before); a feed's full text is used when it is much
longer than what the page shows, or when the page cannot be read. Failures follow
``schedule``: exponential backoff, Retry-After, and a feed that answers 410 Gone is disabled.
Nothing is written here: the caller indexes the articles, then saves ``FeedPoll.update`` and
the page records.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from retrieval.errors import UnusableArticleError
from retrieval.records import Article
from retrieval.web.feed_records import FeedRecord, FeedStorage, ItemRecord, PollUpdate
from retrieval.web.feeds import Feed, FeedError, FeedItem, parse_feed
from retrieval.web.fetch import Fetcher
from retrieval.web.fetch_errors import FetchError, FetchStatusError
from retrieval.web.pages import PageOutcome, PageReader
from retrieval.web.schedule import after_failure, after_success
from retrieval.web.web_article import article_from_item

GONE = "the feed answered 410 Gone: it was removed for good, so it is no longer polled"


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """What one poll found.

    Attributes:
        feed: The feed as it was before the poll.
        update: What to save once ``articles`` are indexed.
        articles: New and changed articles (from the feed's text or from pages).
        pages: The page fetches, successful or not.
        items: Items the feed listed (0 on 304 or failure).
        fresh: Items that were new or changed.
        skipped: Items that gave no article, each with a reason.
        error: Why the poll failed, or None.
        not_modified: The feed answered 304: nothing new.
    """

    feed: FeedRecord
    update: PollUpdate
    articles: tuple[Article, ...] = ()
    pages: tuple[PageOutcome, ...] = ()
    items: int = 0
    fresh: int = 0
    skipped: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    not_modified: bool = False

    @property
    def moved_to(self) -> str | None:
        """The feed's new URL after a permanent redirect, or None."""
        return self.update.url if self.update.url != self.feed.url else None


async def poll_feed(
    fetcher: Fetcher,
    feed: FeedRecord,
    *,
    store: FeedStorage,
    pages: PageReader,
    indexed: Callable[[str], bool],
    now: datetime,
    verify: bool = False,
) -> FeedPoll:
    """Poll ``feed`` once and read its new and changed stories.

    Args:
        fetcher: An open fetcher.
        feed: The feed to poll.
        store: The store, to read what was seen before (nothing is written).
        pages: Reads the stories' pages (shared by the feeds of one refresh).
        indexed: Whether an article key is in the index.
        now: The time of the poll.
        verify: Check that every story seen before is still indexed (after an
            ``ingest --rebuild``), and poll unconditionally when one is not.
    """
    conditional = not verify or all(
        indexed(item.source) for item in store.items(feed.id).values() if item.source
    )
    try:
        result = await fetcher.fetch(
            feed.url,
            etag=feed.etag if conditional else None,
            last_modified=feed.last_modified if conditional else None,
            accept="feed",
            check_robots=False,
        )
        result.raise_for_status()
    except FetchError as exc:
        return _failed(feed, exc, now)
    url = result.moved_to or feed.url
    if result.not_modified:
        update = PollUpdate(
            feed.id,
            after_success(feed.state, now=now),
            url,
            etag=result.etag or feed.etag,
            last_modified=result.last_modified or feed.last_modified,
        )
        return FeedPoll(feed, update, not_modified=True)
    try:
        parsed = parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    except FeedError as exc:
        state = after_failure(feed.state, now=now)
        update = PollUpdate(feed.id, state, url, keep_validators=True, last_error=str(exc))
        return FeedPoll(feed, update, error=str(exc))
    poll = await _read_items(feed, parsed, store=store, pages=pages, indexed=indexed)
    update = PollUpdate(
        feed.id,
        after_success(feed.state, now=now),
        url,
        title=parsed.title,
        etag=result.etag,
        last_modified=result.last_modified,
        last_error=poll.error,
        items=poll.update.items,
    )
    return FeedPoll(
        feed,
        update,
        articles=poll.articles,
        pages=poll.pages,
        items=len(parsed.items),
        fresh=poll.fresh,
        skipped=poll.skipped,
    )


def fingerprint(item: FeedItem) -> str:
    """A hash of what a feed says about a story: a change means the story may have changed."""
    published = item.published.isoformat() if item.published else None
    fields = [item.title, item.summary, item.content, published, item.author]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()[:32]


async def _read_items(
    feed: FeedRecord,
    parsed: Feed,
    *,
    store: FeedStorage,
    pages: PageReader,
    indexed: Callable[[str], bool],
) -> FeedPoll:
    """The articles of the items that are new or changed, and their item records."""
    seen = store.items(feed.id)
    articles: list[Article] = []
    records: list[ItemRecord] = []
    skipped: list[tuple[str, str]] = []
    pending: list[tuple[FeedItem, str]] = []
    for item in parsed.items:
        mark = fingerprint(item)
        old = seen.get(item.link)
        if old and old.fingerprint == mark and (old.source is None or indexed(old.source)):
            continue
        pending.append((item, mark))
    # Every new story's page is read, full-text items' too: the page names the canonical URL
    # that keys the article (the same story reached from two feeds or `add` is one article),
    # its publisher and byline. The feed's text stands in when the page cannot be read.
    outcomes = await asyncio.gather(*(pages.read(item.link, item=item) for item, _ in pending))
    for (item, mark), page in zip(pending, outcomes, strict=True):
        if page.error is not None and item.content:
            try:
                article = article_from_item(item, feed_title=parsed.title)
            except UnusableArticleError:
                pass
            else:
                articles.append(article)
                records.append(ItemRecord(item.link, mark, article.source))
                continue
        if page.error is not None:
            skipped.append((item.link, page.error))
            continue  # not recorded: the next poll tries it again
        if page.article is not None:
            articles.append(page.article)
        records.append(ItemRecord(item.link, mark, page.source))
    fresh = len(records) + len(skipped)
    error = parsed.problem
    if skipped and not error:
        error = f"{len(skipped)} of {fresh} new stories could not be read: {skipped[0][1]}"
    update = PollUpdate(feed.id, feed.state, feed.url, items=tuple(records))
    return FeedPoll(
        feed,
        update,
        articles=tuple(articles),
        pages=tuple(outcomes),
        fresh=fresh,
        skipped=tuple(skipped),
        error=error,
    )


def _failed(feed: FeedRecord, exc: FetchError, now: datetime) -> FeedPoll:
    retry_after = getattr(exc, "retry_after", None)
    state = after_failure(feed.state, now=now, retry_after=retry_after)
    gone = isinstance(exc, FetchStatusError) and exc.status == 410
    update = PollUpdate(
        feed.id,
        state,
        feed.url,
        keep_validators=True,
        last_error=str(exc),
        disabled=GONE if gone else None,
    )
    return FeedPoll(feed, update, error=str(exc))
