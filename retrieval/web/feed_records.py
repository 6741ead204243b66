"""Records of the feed store: a followed feed, a fetched page, a seen item, a poll's changes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from retrieval.web.schedule import PollState, next_poll


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """One followed feed.

    Attributes:
        id: Its number in the store (short enough for a button's data).
        url: The feed's URL (updated when the feed moved permanently).
        title: The feed's title from its last successful poll, or None.
        every: The interval between polls.
        added_at: When it was added.
        last_poll: When it was last polled, or None if never.
        failures: Consecutive failed polls.
        retry_after: The earliest next poll the server allowed (Retry-After), or None.
        etag: The ETag of the last answer, sent back as If-None-Match.
        last_modified: The Last-Modified of the last answer, sent back as If-Modified-Since.
        items_seen: How many distinct stories it has listed.
        last_error: What went wrong at the last poll, or None after a success.
        disabled: Why it is no longer polled (410 Gone), or None.
    """

    id: int
    url: str
    title: str | None
    every: timedelta
    added_at: datetime
    last_poll: datetime | None
    failures: int
    retry_after: datetime | None
    etag: str | None
    last_modified: str | None
    items_seen: int
    last_error: str | None
    disabled: str | None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> FeedRecord:
        """A feed from a store's row: its columns in field order, times as Unix seconds."""
        return cls(
            id=row[0],
            url=row[1],
            title=row[2],
            every=timedelta(seconds=row[3]),
            added_at=_when(row[4]) or datetime.now(UTC),
            last_poll=_when(row[5]),
            failures=row[6],
            retry_after=_when(row[7]),
            etag=row[8],
            last_modified=row[9],
            items_seen=row[10],
            last_error=row[11],
            disabled=row[12],
        )

    @property
    def state(self) -> PollState:
        """Its polling history, for ``schedule``."""
        return PollState(self.last_poll, self.failures, self.retry_after)

    @property
    def next_check(self) -> datetime | None:
        """When it is next due (None: due at once, or never when disabled)."""
        if self.disabled:
            return None
        return next_poll(self.state, every=self.every)

    def is_due(self, now: datetime) -> bool:
        """Whether it should be polled at ``now``."""
        due = self.next_check
        return not self.disabled and (due is None or now >= due)


@dataclass(frozen=True, slots=True)
class PageRecord:
    """What was fetched from one page URL: its article and the validators to send back."""

    url: str
    source: str
    etag: str | None
    last_modified: str | None
    content_hash: str


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """One story a feed listed: its link, a fingerprint of the item and its article key."""

    link: str
    fingerprint: str
    source: str | None


@dataclass(frozen=True, slots=True)
class PollUpdate:
    """What one poll of a feed changes in the store.

    Attributes:
        feed_id: The feed.
        state: The polling state after the poll.
        url: The feed's URL from now on (a 301 changes it).
        title: The feed's title, or None to keep the stored one.
        etag: The validators to store (None keeps nothing: the next poll is unconditional).
        last_modified: See ``etag``.
        keep_validators: Keep the stored validators (a failed poll).
        last_error: What went wrong, or None after a success.
        disabled: Why polling stops for good (410), or None.
        items: Items seen in this poll (new or changed ones; others are kept).
    """

    feed_id: int
    state: PollState
    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    keep_validators: bool = False
    last_error: str | None = None
    disabled: str | None = None
    items: tuple[ItemRecord, ...] = ()

    def feed_columns(self) -> tuple[Any, ...]:
        """The parameters of a store's ``UPDATE feeds`` for this poll, in this order:
        last_poll, failures, retry_after, last_error, disabled, title, keep_validators, etag,
        keep_validators, last_modified, feed_id (times as Unix seconds)."""
        state = self.state
        keep = self.keep_validators
        return (
            state.last_poll.timestamp() if state.last_poll else None,
            state.failures,
            state.retry_after.timestamp() if state.retry_after else None,
            self.last_error,
            self.disabled,
            self.title,
            keep,
            self.etag,
            keep,
            self.last_modified,
            self.feed_id,
        )


class FeedStorage(Protocol):
    """Where the followed feeds and fetch validators are kept: SQLite beside the index
    (``FeedStore``) or PostgreSQL (``retrieval.backends.postgres.feeds``)."""

    def close(self) -> None:
        """Release the store."""
        ...

    def add(self, url: str, *, every: timedelta, now: datetime) -> tuple[FeedRecord, bool]:
        """Follow ``url``; returns the feed and True when it is new."""
        ...

    def remove(self, url: str) -> bool:
        """Stop following ``url``; False when it was not followed."""
        ...

    def feed(self, url: str) -> FeedRecord | None:
        """The feed with this URL, or None."""
        ...

    def feed_by_id(self, feed_id: int) -> FeedRecord | None:
        """The feed with this id, or None."""
        ...

    def feeds(self) -> list[FeedRecord]:
        """Every followed feed, in the order they were added."""
        ...

    def due(self, now: datetime) -> list[FeedRecord]:
        """The feeds to poll at ``now``."""
        ...

    def items(self, feed_id: int) -> dict[str, ItemRecord]:
        """The items a feed listed before, by link."""
        ...

    def page(self, url: str) -> PageRecord | None:
        """What was fetched from ``url`` before, or None."""
        ...

    def save(self, polls: Sequence[PollUpdate] = (), pages: Sequence[PageRecord] = ()) -> None:
        """Record polls and fetched pages in one transaction."""
        ...


class FeedLookups(ABC):
    """The look-ups every feed store derives from one query of its feeds."""

    @abstractmethod
    def _feeds(self, *, url: str | None = None, feed_id: int | None = None) -> list[FeedRecord]:
        """The feeds matching ``url`` and ``feed_id`` (every feed when both are None)."""

    def feed(self, url: str) -> FeedRecord | None:
        """The feed with this URL, or None."""
        return next(iter(self._feeds(url=url)), None)

    def feed_by_id(self, feed_id: int) -> FeedRecord | None:
        """The feed with this id, or None."""
        return next(iter(self._feeds(feed_id=feed_id)), None)

    def feeds(self) -> list[FeedRecord]:
        """Every followed feed, in the order they were added."""
        return self._feeds()

    def due(self, now: datetime) -> list[FeedRecord]:
        """The feeds to poll at ``now``."""
        return [feed for feed in self.feeds() if feed.is_due(now)]


def _when(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)
