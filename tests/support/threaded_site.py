"""The loopback news site served from a background thread, for tests that block while it runs.

Crash tests wait for child processes with blocking calls; the site then needs its own event
loop. ``threaded_site`` starts a ``NewsSite`` on a loop in a daemon thread and stops it after.
Tests change the site only through ``call`` (which runs on the site's loop).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tests.support.news_site import NewsSite, Story

_T = TypeVar("_T")


class ThreadedSite:
    """A running ``NewsSite`` and the loop it runs on."""

    def __init__(self, site: NewsSite, loop: asyncio.AbstractEventLoop) -> None:
        self.site = site
        self._loop = loop

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on the site."""
        return self.site.url(path)

    def call(self, function: Callable[[], _T]) -> _T:
        """Run ``function`` on the site's loop and return its result."""

        async def run() -> _T:
            return function()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=30)


@contextmanager
def threaded_site(stories: list[Story] | None = None) -> Iterator[ThreadedSite]:
    """Serve a ``NewsSite`` of ``stories`` from a background thread until the block ends."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="news-site", daemon=True)
    thread.start()
    site = NewsSite(stories)
    asyncio.run_coroutine_threadsafe(site.start(), loop).result(timeout=30)
    try:
        yield ThreadedSite(site, loop)
    finally:
        asyncio.run_coroutine_threadsafe(site.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
