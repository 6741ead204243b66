"""Fixtures of the web and page tests: the loopback news site and fetchers with small, fast limits.

Test modules import the fixtures they use by name (``from ...fixtures import fetcher, site``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from retrieval.web.fetch import Fetcher
from retrieval.web.fetch_models import FetchPolicy
from tests.support.news_site import NewsSite

FAST = FetchPolicy(max_bytes=200_000, timeout=2.0, host_delay=0.0)
"""Limits small enough that every limit test finishes in about two seconds."""


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    """A fresh news site on 127.0.0.1."""
    async with NewsSite() as news_site:
        yield news_site


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """A fetcher allowed to reach 127.0.0.1 (where the test site runs), with ``FAST`` limits."""
    async with Fetcher(policy=FAST, allow_private=True) as opened:
        yield opened


def resolver(
    table: dict[str, list[str]],
) -> Callable[[str, int], Awaitable[list[str]]]:
    """A resolver answering from ``table`` (host -> addresses); IP addresses resolve to
    themselves and other names fail as DNS does."""

    async def resolve(host: str, port: int) -> list[str]:
        del port
        if host in table:
            return table[host]
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            raise OSError(f"Name or service not known: {host}") from None

    return resolve
