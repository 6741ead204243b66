"""Followed feeds and fetched pages in words: the lines the terminal and the chats show.

The engine's ``Follower`` returns facts (a page's status, a feed's next check, the last error);
this module turns them into sentences, so ``newsbot feeds list`` and Telegram's ``/feeds`` say
the same thing. Plain text: each front end escapes and decorates it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.view import format_date
from retrieval import FeedRecord, FeedResult, PageResult

__all__ = [
    "describe_every",
    "describe_feed",
    "describe_following",
    "describe_refresh",
    "describe_time",
    "feed_line",
    "feed_result_line",
    "page_line",
]


def describe_every(every: timedelta) -> str:
    """An interval the way ``--every`` takes it: ``30m``, ``2h``, ``1d``, ``90s``."""
    seconds = int(every.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def describe_following(feeds: int) -> str:
    """How many feeds the bot follows, as /about says it: ``Following 2 news feeds.``"""
    return f"Following {feeds} news feed{'s' if feeds != 1 else ''}."


def describe_time(when: datetime | None, *, empty: str = "never") -> str:
    """A moment as ``2024-06-01 12:00 UTC``."""
    if when is None:
        return empty
    return f"{when:%Y-%m-%d %H:%M} UTC"


def page_line(result: PageResult) -> str:
    """One line per URL given to ``add``: the status first, then the URL as given."""
    if result.status == "skipped":
        return f"skipped {result.url}: {result.reason}"
    details = [f'"{result.title}"' if result.title else "", _date(result)]
    shown = ", ".join(part for part in details if part)
    key = f" as {result.source}" if result.source and result.source != result.url else ""
    return f"{result.status} {result.url}{key}" + (f" ({shown})" if shown else "")


def describe_feed(feed: FeedRecord) -> list[str]:
    """What ``feeds list`` says about a feed after its URL: title, interval, last and next
    check, items seen, last error (each a short phrase; front ends join them)."""
    title = f'"{feed.title}"' if feed.title else "title not read yet"
    if feed.disabled:
        next_check = f"next check never (disabled: {feed.disabled})"
    else:
        next_check = f"next check {describe_time(feed.next_check, empty='now (due)')}"
        if feed.failures:
            next_check += f" (backing off after {feed.failures} failed checks)"
    return [
        title,
        f"every {describe_every(feed.every)}",
        f"last check {describe_time(feed.last_poll)}",
        next_check,
        f"{feed.items_seen} item{'s' if feed.items_seen != 1 else ''} seen",
        f"last error: {feed.last_error or 'none'}",
    ]


def feed_line(feed: FeedRecord) -> str:
    """One line per feed, as ``newsbot feeds list`` prints it."""
    return " | ".join([feed.url, *describe_feed(feed)])


def feed_result_line(result: FeedResult) -> str:
    """One line per polled feed for ``refresh``, naming its URL."""
    feed = result.feed
    if result.error is not None and not result.items:
        if feed.disabled:
            return f"{result.polled_url}: failed, feed disabled: {feed.disabled}"
        return (
            f"{result.polled_url}: failed: {result.error} "
            f"(next check {describe_time(feed.next_check, empty='now')})"
        )
    moved = f" (moved permanently to {feed.url}; stored)" if feed.url != result.polled_url else ""
    if result.not_modified:
        return f"{result.polled_url}: not modified{moved}"
    line = (
        f"{result.polled_url}: {result.items} items, {result.added} added, "
        f"{result.replaced} replaced, {result.unchanged} unchanged, "
        f"{len(result.skipped)} skipped{moved}"
    )
    if result.skipped:
        link, why = result.skipped[0]
        line += f"; first skip: {link}: {why}"
    elif result.error:
        line += f"; {result.error}"
    return line


def describe_refresh(results: list[FeedResult]) -> str:
    """A one-line total for the bot's log and the admin's reply."""
    added = sum(r.added for r in results)
    replaced = sum(r.replaced for r in results)
    failed = sum(1 for r in results if r.error is not None and not r.items)
    return (
        f"{len(results)} feed{'s' if len(results) != 1 else ''} checked: {added} new "
        f"stor{'ies' if added != 1 else 'y'}, {replaced} updated, {failed} failed."
    )


def _date(result: PageResult) -> str:
    return format_date(result.published) if result.published else "undated"
