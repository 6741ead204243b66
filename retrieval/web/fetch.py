"""Fetching web pages and feeds over HTTP(S), safely: limits, address checks, robots.txt.

One ``Fetcher`` owns one aiohttp session. Every fetch is refused before connecting when its
URL is not http(s) or reaches a non-public address (each redirect hop again), is cut off past
``max_bytes`` of decompressed body or ``timeout`` seconds in all, and follows at most
``max_redirects`` redirects. This module decides nothing about what a page or feed means.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, Self

import aiohttp
from yarl import URL

from retrieval.web import fetch_errors as messages
from retrieval.web.addresses import AddressGuard, HostResolver, RefusedConnectError
from retrieval.web.addresses import system_resolve as _system_resolve
from retrieval.web.body import (
    BodyTooLargeError,
    UnsupportedEncodingError,
    body_fits,
    declared_type_fits,
    detect_charset,
    read_limited,
)
from retrieval.web.fetch_errors import FetchFailedError, FetchRefusedError
from retrieval.web.fetch_models import (
    RETRY_STATUSES,
    FetchPolicy,
    FetchResult,
    parse_retry_after,
)
from retrieval.web.host_gate import HostGate
from retrieval.web.robots import RobotsCache, RobotsResponse

Accept = Literal["page", "feed"]
"""What a fetch asks for: an HTML ``page`` or a ``feed`` (RSS, Atom, RDF, or HTML to sniff)."""

ROBOTS_AGENT = "newsbot"

_ACCEPT_HEADERS = {
    "page": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8,text/html;q=0.2,*/*;q=0.1",
    "robots": "text/plain,*/*;q=0.5",
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_Kind = Literal["page", "feed", "robots"]


@dataclass(slots=True)
class _Hop:
    """The state of one fetch while it follows redirects."""

    url: URL
    kind: _Kind
    budget: asyncio.Timeout
    visited: set[str] = field(default_factory=set)
    moved_to: str | None = None
    permanent: bool = True


class Fetcher:
    """Fetches pages and feeds with one aiohttp session; use as ``async with Fetcher() as f``."""

    def __init__(
        self,
        *,
        policy: FetchPolicy | None = None,
        allow_private: bool = False,
        trusted_hosts: Collection[str] = (),
        resolve: HostResolver | None = None,
    ) -> None:
        """Create a fetcher; the session opens on ``__aenter__``.

        Args:
            policy: Limits; ``FetchPolicy()`` when None.
            allow_private: Allow loopback, private and other non-public addresses (the CLI
                sets this from NEWSBOT_ALLOW_PRIVATE_URLS).
            trusted_hosts: Host names allowed to resolve to non-public addresses anyway.
            resolve: ``async (host, port) -> addresses``; the system resolver when None.
        """
        self.policy = policy or FetchPolicy()
        self._guard = AddressGuard(
            resolve=resolve or _system_resolve,
            allow_private=allow_private,
            trusted_hosts=trusted_hosts,
        )
        self._robots = RobotsCache(agent=ROBOTS_AGENT, ttl=self.policy.robots_ttl)
        self._gates: dict[tuple[str, int | None], HostGate] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        connector = aiohttp.TCPConnector(
            resolver=self._guard.resolver(),
            use_dns_cache=False,
            socket_factory=self._guard.open_socket,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=None),
            # Only what BoundedDecoder decodes, whatever codecs aiohttp could offer.
            headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: Accept = "page",
        check_robots: bool = True,
    ) -> FetchResult:
        """Fetch ``url``, following redirects, within the policy's limits.

        Args:
            url: An absolute http(s) URL.
            etag: The ETag stored from the last fetch (sent as If-None-Match).
            last_modified: The Last-Modified stored from the last fetch (If-Modified-Since).
            accept: ``"page"`` for an HTML article, ``"feed"`` for RSS/Atom/RDF (HTML passes,
                so that the feed parser can point to the page's feeds).
            check_robots: Obey the site's robots.txt (for article pages; feeds a user
                subscribed to are usually fetched without).

        Returns:
            The final answer, whatever its status; see ``FetchResult.raise_for_status``.

        Raises:
            FetchRefusedError: The URL or a redirect is refused before connecting.
            FetchFailedError: No usable answer: connection, limits, wrong content type.
        """
        self._require_session()
        headers = {"Accept": _ACCEPT_HEADERS[accept]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._fetch(url, headers, accept, check_robots=check_robots)

    async def _fetch(
        self, url: str, headers: dict[str, str], kind: _Kind, *, check_robots: bool
    ) -> FetchResult:
        timeout = self.policy.timeout
        try:
            async with asyncio.timeout(timeout) as budget:
                hop = _Hop(url=_parse_url(url), kind=kind, budget=budget)
                return await self._follow(hop, url, headers, check_robots=check_robots)
        except TimeoutError as exc:
            raise messages.timed_out(url, timeout) from exc

    async def _follow(
        self, hop: _Hop, url: str, headers: dict[str, str], *, check_robots: bool
    ) -> FetchResult:
        max_redirects = self.policy.max_redirects
        for _ in range(max_redirects + 1):
            hop.visited.add(str(hop.url))
            await self._check_url(hop.url)
            if check_robots:
                await self._robots.check(hop.url, self._load_robots)
            target = await self._request(hop, url, headers)
            if isinstance(target, FetchResult):
                return target
            if str(target) in hop.visited:
                raise messages.redirect_loop(str(hop.url), str(target))
            hop.url = target
        raise messages.too_many_redirects(url, max_redirects)

    async def _request(self, hop: _Hop, url: str, headers: dict[str, str]) -> FetchResult | URL:
        """Send one request; return the result, or the URL a redirect points to."""
        session = self._require_session()
        gate = self._gates.setdefault(
            (hop.url.host or "", hop.url.port),
            HostGate(self.policy.per_host, self.policy.host_delay),
        )
        async with gate.turn() as waited:
            when = hop.budget.when()
            if when is not None:
                hop.budget.reschedule(when + waited)
            try:
                request = session.get(hop.url, headers=headers, allow_redirects=False)
                async with request as response:
                    location = response.headers.get("Location")
                    if response.status in _REDIRECTS and location:
                        return _redirect_target(hop, response.status, location)
                    return await self._result(hop, url, response)
            except FetchRefusedError as exc:  # the resolver's refusals name only the host
                raise FetchRefusedError(str(exc), url=str(hop.url)) from exc
            except FetchFailedError as exc:
                if exc.url == str(hop.url):
                    raise
                raise FetchFailedError(
                    str(exc), url=str(hop.url), retry_after=exc.retry_after
                ) from exc
            except aiohttp.ClientConnectorError as exc:
                if isinstance(exc.os_error, RefusedConnectError):
                    raise FetchRefusedError(str(exc.os_error), url=str(hop.url)) from exc
                raise messages.connection_failed(str(hop.url), exc) from exc
            except (aiohttp.ClientError, zlib.error) as exc:
                raise messages.connection_failed(str(hop.url), exc) from exc

    async def _result(self, hop: _Hop, url: str, response: aiohttp.ClientResponse) -> FetchResult:
        status = response.status
        declared = response.headers.get("Content-Type")
        media_type = response.content_type.lower() if declared else None
        body = b""
        charset = "utf-8"
        if 200 <= status < 300:
            _check_declared_type(hop, media_type)
            body = await self._read_body(hop, response)
            _check_sniffed_type(hop, media_type, body)
            charset = detect_charset(body, response.charset if declared else None)
        retry_after = None
        if status in RETRY_STATUSES:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return FetchResult(
            url=url,
            final_url=str(hop.url),
            status=status,
            body=body,
            content_type=media_type,
            charset=charset,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            not_modified=status == 304,
            retry_after=retry_after,
            moved_to=hop.moved_to,
        )

    async def _read_body(self, hop: _Hop, response: aiohttp.ClientResponse) -> bytes:
        limit = self.policy.robots_max_bytes if hop.kind == "robots" else self.policy.max_bytes
        try:
            return await read_limited(
                response.content.iter_any(),
                content_encoding=response.headers.get("Content-Encoding"),
                content_length=response.content_length,
                max_bytes=limit,
            )
        except BodyTooLargeError as exc:
            raise messages.too_large(str(hop.url), limit) from exc
        except UnsupportedEncodingError as exc:
            raise messages.unsupported_encoding(str(hop.url), str(exc)) from exc
        except zlib.error as exc:
            raise messages.corrupt_body(str(hop.url), exc) from exc

    async def _check_url(self, url: URL) -> None:
        host = url.host
        if url.scheme not in ("http", "https") or not host:
            raise messages.not_a_web_address(str(url))
        if url.user is not None or url.password is not None:
            raise messages.carries_credentials(str(url.with_user(None)))
        await self._guard.vet(host, url.port or 0, url=str(url))

    async def _load_robots(self, robots_url: URL) -> RobotsResponse:
        headers = {"Accept": _ACCEPT_HEADERS["robots"]}
        result = await self._fetch(str(robots_url), headers, "robots", check_robots=False)
        return result.status, result.text(), result.retry_after

    def _require_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("use the Fetcher as `async with Fetcher() as fetcher:`")
        return self._session


def _parse_url(url: str) -> URL:
    try:
        return URL(url)
    except (ValueError, TypeError) as exc:
        raise messages.invalid_url(url) from exc


def _redirect_target(hop: _Hop, status: int, location: str) -> URL:
    try:
        target = hop.url.join(URL(location))
    except ValueError as exc:
        raise messages.invalid_redirect(str(hop.url), location) from exc
    if hop.permanent and status in _PERMANENT:
        hop.moved_to = str(target)
    else:
        hop.permanent = False
    return target


def _check_declared_type(hop: _Hop, media_type: str | None) -> None:
    if hop.kind == "robots" or declared_type_fits(hop.kind, media_type):
        return
    raise messages.wrong_type(str(hop.url), media_type, hop.kind)


def _check_sniffed_type(hop: _Hop, media_type: str | None, body: bytes) -> None:
    if hop.kind == "robots" or body_fits(hop.kind, media_type, body):
        return
    raise messages.unrecognised_body(str(hop.url), media_type, hop.kind)
