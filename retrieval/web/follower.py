"""Following the news on the web: article URLs and polled feeds into an engine's index.

``Follower`` joins the fetcher, the feed store beside the index and the engine. The order of
its steps is what makes a crash harmless: fetch and read, index (one generation, switched in
atomically), and only then record validators and seen items; killed before that, the next
refresh fetches the same stories again and finds them unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from retrieval.engine import Engine
from retrieval.records import Article, IngestReport, SkippedFile
from retrieval.web.addresses import HostResolver
from retrieval.web.feed_records import FeedRecord, FeedStorage, PageRecord
from retrieval.web.fetch import Fetcher
from retrieval.web.fetch_models import FetchPolicy
from retrieval.web.follow_records import AddReport, FeedResult, PageResult, RefreshReport
from retrieval.web.pages import PageOutcome, PageReader
from retrieval.web.polling import FeedPoll, poll_feed
from retrieval.web.schedule import parse_duration

DEFAULT_EVERY = timedelta(minutes=30)

__all__ = [
    "DEFAULT_EVERY",
    "AddReport",
    "FeedResult",
    "Follower",
    "PageResult",
    "RefreshReport",
    "check_web_url",
]


class Follower:
    """Adds article pages and polls feeds into ``engine``'s index.

    ``add`` and ``refresh`` are coroutines (fetching is aiohttp); indexing runs in a worker
    thread, so a bot's event loop keeps answering meanwhile.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        store: FeedStorage | None = None,
        allow_private: bool = False,
        policy: FetchPolicy | None = None,
        resolve: HostResolver | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Create a follower.

        Args:
            engine: The engine whose index receives the articles.
            store: The feed store; by default the engine's (``feeds.sqlite`` beside the index,
                or the database's feed tables).
            allow_private: Fetch from loopback and private addresses (tests, intranets).
            policy: Fetch limits; ``FetchPolicy()`` by default.
            resolve: The host resolver (tests); the system's by default.
            clock: The current time in UTC.
        """
        self.engine = engine
        self.store = store or engine.open_feed_store()
        self._allow_private = allow_private
        self._policy = policy
        self._resolve = resolve
        self._clock = clock

    def close(self) -> None:
        """Close the feed store."""
        self.store.close()

    # -- the feed list -----------------------------------------------------------------------

    def follow(
        self, url: str, *, every: timedelta | str = DEFAULT_EVERY
    ) -> tuple[FeedRecord, bool]:
        """Follow a feed; a feed already followed gets the new interval.

        Returns:
            The feed and True when it is new.

        Raises:
            ValueError: ``url`` is not an http(s) URL or ``every`` not a valid interval.
        """
        interval = parse_duration(every) if isinstance(every, str) else every
        return self.store.add(check_web_url(url), every=interval, now=self._clock())

    def unfollow(self, url: str) -> bool:
        """Stop following a feed; False when it was not followed."""
        return self.store.remove(url.strip())

    def feeds(self) -> list[FeedRecord]:
        """Every followed feed."""
        return self.store.feeds()

    # -- fetching ----------------------------------------------------------------------------

    async def add(self, urls: Sequence[str], *, progress: bool = False) -> AddReport:
        """Fetch each page, read its article and index it; one result per URL."""
        indexed = _Indexed(self.engine)
        async with self._fetcher() as fetcher:
            reader = PageReader(fetcher, self.store, indexed=indexed)
            outcomes = await asyncio.gather(*(reader.read(url) for url in urls))
        articles = [o.article for o in outcomes if o.article is not None]
        skipped = [SkippedFile(o.url, o.error) for o in outcomes if o.error is not None]
        report = await asyncio.to_thread(
            self.engine.add_articles,
            articles,
            skipped=skipped,
            retire=_moved_keys(outcomes, self.store),
            progress=progress,
        )
        self.store.save(pages=[o.record for o in outcomes if o.record is not None])
        known = indexed.articles() if any(o.not_modified for o in outcomes) else {}
        return AddReport(tuple(_page_result(o, report, known) for o in outcomes), report)

    async def refresh(self, *, force: bool = False, progress: bool = False) -> RefreshReport:
        """Poll every due feed once and index what is new.

        Args:
            force: Poll every feed, due or not, and check that the stories seen before are
                still indexed (a feed whose stories are not, after ``ingest --rebuild``, is
                fetched unconditionally, so they come back).
            progress: Show a progress bar while embedding.
        """
        now = self._clock()
        due = [f for f in self.store.feeds() if not f.disabled] if force else self.store.due(now)
        if not due:
            return RefreshReport((), IngestReport())
        indexed = _Indexed(self.engine)
        async with self._fetcher() as fetcher:
            reader = PageReader(fetcher, self.store, indexed=indexed)
            polls = await asyncio.gather(
                *(
                    poll_feed(
                        fetcher,
                        feed,
                        store=self.store,
                        pages=reader,
                        indexed=indexed,
                        now=now,
                        verify=force,
                    )
                    for feed in due
                )
            )
        articles = [a for poll in polls for a in poll.articles]
        skipped = [SkippedFile(link, why) for poll in polls for link, why in poll.skipped]
        outcomes = reader.outcomes
        report = await asyncio.to_thread(
            self.engine.add_articles,
            articles,
            skipped=skipped,
            retire=_moved_keys(outcomes, self.store),
            progress=progress,
        )
        pages = [page.record for page in outcomes if page.record is not None]
        self.store.save(polls=[poll.update for poll in polls], pages=pages)
        claimed: set[str] = set()  # a story two feeds list counts for the first
        results = tuple(self._feed_result(poll, report, claimed) for poll in polls)
        return RefreshReport(results, report)

    def _fetcher(self) -> AbstractAsyncContextManager[Fetcher]:
        return Fetcher(
            policy=self._policy, allow_private=self._allow_private, resolve=self._resolve
        )

    def _feed_result(self, poll: FeedPoll, report: IngestReport, claimed: set[str]) -> FeedResult:
        sources = {a.source for a in poll.articles} - claimed
        claimed |= sources
        fresh = {s for s in sources if s in report.added or s in report.replaced}
        return FeedResult(
            feed=self.store.feed_by_id(poll.feed.id) or poll.feed,
            polled_url=poll.feed.url,
            not_modified=poll.not_modified,
            items=poll.items,
            added=len(sources & set(report.added)),
            replaced=len(sources & set(report.replaced)),
            unchanged=poll.fresh - len(poll.skipped) - len(fresh),
            skipped=poll.skipped,
            error=poll.error,
        )


def check_web_url(url: str) -> str:
    """Return ``url`` stripped when it is an absolute http(s) URL.

    Raises:
        ValueError: Otherwise, with a message saying what to give.
    """
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not a web address; give an http:// or https:// URL")
    return text


class _Indexed:
    """Whether an article key is indexed, loading the index's keys only when first asked."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._articles: Mapping[str, Article] | None = None

    def articles(self) -> Mapping[str, Article]:
        if self._articles is None:
            self._articles = self._engine.indexed_articles()
        return self._articles

    def __call__(self, source: str) -> bool:
        return source in self.articles()


def _moved_keys(outcomes: Sequence[PageOutcome], store: FeedStorage) -> list[str]:
    """Keys of articles whose page now gives another key (its canonical URL changed)."""
    moved = []
    for outcome in outcomes:
        before: PageRecord | None = store.page(outcome.url)
        if outcome.article and before and before.source != outcome.article.source:
            moved.append(before.source)
    return moved


def _page_result(
    outcome: PageOutcome, report: IngestReport, known: Mapping[str, Article]
) -> PageResult:
    if outcome.error is not None:
        return PageResult(outcome.url, "skipped", reason=outcome.error, refused=outcome.refused)
    article = outcome.article or known.get(outcome.source or "")
    source = outcome.source
    status = "unchanged"
    if source in report.added:
        status = "added"
    elif source in report.replaced:
        status = "replaced"
    return PageResult(
        outcome.url,
        status,
        source=source,
        title=article.title if article else None,
        published=article.published if article else None,
    )
