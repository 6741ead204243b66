"""What following the web reports: per URL added, per feed polled (facts, never prose)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from retrieval.records import IngestReport
from retrieval.web.feed_records import FeedRecord


@dataclass(frozen=True, slots=True)
class PageResult:
    """What became of one URL given to ``add``.

    Attributes:
        url: The URL as given.
        status: ``added``, ``replaced``, ``unchanged`` or ``skipped``.
        source: The article's key (its canonical URL), or None when skipped.
        title: The article's headline, or None when skipped.
        published: Its publication date, or None.
        reason: Why it was skipped (one line saying what to do), or None.
        refused: Skipped before any connection (private address, scheme, robots.txt).
    """

    url: str
    status: str
    source: str | None = None
    title: str | None = None
    published: date | None = None
    reason: str | None = None
    refused: bool = False


@dataclass(frozen=True, slots=True)
class AddReport:
    """What ``add`` did: one result per URL, and the ingest."""

    pages: tuple[PageResult, ...]
    ingest: IngestReport


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What one feed's poll did.

    Attributes:
        feed: The feed after the poll (URL updated after a 301, disabled after a 410).
        polled_url: The URL that was polled.
        not_modified: The feed answered 304.
        items: Stories the feed lists (0 on 304 or failure).
        added: Its stories new in the index.
        replaced: Its stories whose article changed.
        unchanged: Its new or changed items whose article was already indexed as it is.
        skipped: Its stories that could not be read, with the reason.
        error: Why the poll failed, or None.
    """

    feed: FeedRecord
    polled_url: str
    not_modified: bool
    items: int
    added: int
    replaced: int
    unchanged: int
    skipped: tuple[tuple[str, str], ...]
    error: str | None


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What ``refresh`` did: one result per feed polled, and the ingest."""

    feeds: tuple[FeedResult, ...]
    ingest: IngestReport
