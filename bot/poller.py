"""The background feed poller of ``newsbot serve``: refresh due feeds, never block answers.

One asyncio task beside the front ends. Fetching is asynchronous, reading pages and indexing
run in worker threads, and the engine switches to the new generation atomically, so questions
keep being answered from the current index meanwhile. A failing refresh is logged and tried
again at the next check; it never stops the bot.
"""

from __future__ import annotations

import asyncio
import logging

from bot.follow_view import describe_refresh
from bot.view import describe_ingest
from retrieval import Follower, RetrievalError

__all__ = ["CHECK_EVERY_S", "poll_feeds"]

_LOGGER = logging.getLogger(__name__)

CHECK_EVERY_S = 60.0
"""Seconds between two looks for due feeds (the shortest interval a feed may have is 1m)."""


async def poll_feeds(
    follower: Follower, stop: asyncio.Event, *, every: float = CHECK_EVERY_S
) -> None:
    """Refresh the due feeds every ``every`` seconds until ``stop`` is set.

    Args:
        follower: The follower of the engine the front ends answer from.
        stop: Set it to end the loop (a refresh in progress finishes first).
        every: Seconds between two checks for due feeds.
    """
    while not stop.is_set():
        await refresh_once(follower)
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
        except TimeoutError:
            continue


async def refresh_once(follower: Follower) -> None:
    """Refresh the due feeds once; problems are logged, never raised."""
    try:
        report = await follower.refresh()
    except RetrievalError as exc:
        _LOGGER.error("feed refresh failed; the index is unchanged: %s", exc)
        return
    except Exception:
        _LOGGER.exception("feed refresh failed; the index is unchanged")
        return
    if not report.feeds:
        return
    results = list(report.feeds)
    _LOGGER.info("%s %s", describe_refresh(results), describe_ingest(report.ingest))
    for result in results:
        if result.error is not None:
            _LOGGER.warning("feed %s: %s", result.polled_url, result.error)
