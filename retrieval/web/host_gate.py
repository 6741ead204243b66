"""Politeness per host: how many requests may be in flight and how far apart they start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostGate:
    """At most ``limit`` requests in flight to one host, starts ``delay`` seconds apart."""

    def __init__(self, limit: int, delay: float) -> None:
        """Create a gate for one host.

        Args:
            limit: Most requests in flight at once.
            delay: Seconds between the starts of two requests.
        """
        self._slots = asyncio.Semaphore(limit)
        self._order = asyncio.Lock()
        self._delay = delay
        self._next_start = 0.0

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[float]:
        """Wait for a turn; yields the seconds spent waiting."""
        loop = asyncio.get_running_loop()
        began = loop.time()
        async with self._slots:
            async with self._order:
                wait = self._next_start - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = loop.time() + self._delay
            yield loop.time() - began
