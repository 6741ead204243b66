"""robots.txt rules per site, cached, and the decision whether newsbot may fetch a URL.

A missing robots.txt or one answered with 4xx allows everything; 5xx or no connection means
"try later" (we do not guess); an answer is cached per site for ``ttl`` seconds. Fetching the
file itself is the caller's job (``fetch`` passes a coroutine), so this module does no I/O.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from yarl import URL

from retrieval.web.fetch_errors import FetchFailedError, FetchRefusedError

RobotsResponse = tuple[int, str, float | None]
"""What fetching a robots.txt gave: (status, text, retry_after seconds)."""

RobotsLoader = Callable[[URL], Awaitable[RobotsResponse]]

_SERVER_ERROR = 500
_CLIENT_ERROR = 400


@dataclass(frozen=True, slots=True)
class _Rules:
    parser: RobotFileParser | None  # None: everything allowed
    expires: float


class RobotsCache:
    """Remembers each site's robots.txt and answers whether a URL may be fetched."""

    def __init__(self, *, agent: str, ttl: float = 3600.0) -> None:
        """Create an empty cache.

        Args:
            agent: The product token matched against ``User-agent`` lines (``newsbot``).
            ttl: Seconds an answer is trusted before robots.txt is fetched again.
        """
        self._agent = agent
        self._ttl = ttl
        self._rules: dict[str, _Rules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: URL, load: RobotsLoader) -> None:
        """Refuse ``url`` if its site's robots.txt disallows it for our agent.

        Args:
            url: An absolute http(s) URL.
            load: Fetches a robots.txt URL (called only when the cache has no fresh answer).

        Raises:
            FetchRefusedError: robots.txt disallows the path.
            FetchFailedError: robots.txt could not be read (5xx or no connection): try later.
        """
        site = str(url.origin())
        async with self._locks.setdefault(site, asyncio.Lock()):
            rules = self._rules.get(site)
            if rules is None or rules.expires <= time.monotonic():
                rules = await self._load(url, load)
                self._rules[site] = rules
        if rules.parser is not None and not rules.parser.can_fetch(self._agent, str(url)):
            raise FetchRefusedError(
                f"{url.host}'s robots.txt does not allow {self._agent} to fetch {url.path}; "
                "the site asks robots to stay away from this page",
                url=str(url),
            )

    async def _load(self, url: URL, load: RobotsLoader) -> _Rules:
        robots_url = url.origin().with_path("/robots.txt")
        try:
            status, text, retry_after = await load(robots_url)
        except FetchFailedError as exc:
            raise FetchFailedError(
                f"could not read {robots_url} ({exc}); try again later",
                url=str(url),
                retry_after=exc.retry_after,
            ) from exc
        if status >= _SERVER_ERROR:
            raise FetchFailedError(
                f"{robots_url} answered {status}, so we cannot tell whether the site allows "
                "fetching; try again later",
                url=str(url),
                retry_after=retry_after,
            )
        expires = time.monotonic() + self._ttl
        if status >= _CLIENT_ERROR:
            return _Rules(parser=None, expires=expires)
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        return _Rules(parser=parser, expires=expires)
