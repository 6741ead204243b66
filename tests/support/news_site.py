"""A loopback news site for tests: article pages, RSS/Atom/RDF feeds, and the bad cases.

``NewsSite`` serves on 127.0.0.1 a small outlet's stories (three hand-written pages marked up
the way real outlets do it, in ``tests/data/news_site/``, plus stories a test adds), feeds
listing them with ETag/Last-Modified and 304 answers, a robots.txt, and the hostile cases a
fetcher must survive: redirect chains and loops, redirects to loopback and ``file:``, slow and
trickling answers, endless bodies, gzip and deflate bombs, malformed XML, HTML served as a
feed, legacy charsets, error statuses with Retry-After. Every request is logged, so a test can
assert that a refresh sent only conditional requests. It must not be used outside tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import hashlib
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from aiohttp import web

from tests.support.news_feeds import (
    render_atom,
    render_front_page,
    render_rdf,
    render_rss,
    render_story_page,
)

PAGES_DIR = Path(__file__).resolve().parents[1] / "data" / "news_site"
ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n\nUser-agent: BadBot\nDisallow: /\n"
BOMB_BYTES = 16 * 1024 * 1024
TRICKLE_INTERVAL = 0.05
RETRY_AFTER_SECONDS = 120


@dataclass(frozen=True, slots=True)
class Story:
    """One story: a page at ``/news/<slug>`` and an item in every feed.

    Attributes:
        slug: The last part of its URL.
        title: The headline.
        published: When it was first published.
        summary: The teaser the feeds carry.
        paragraphs: The story's text (feeds with full text carry it).
        author: The byline.
        updated: When it last changed (Last-Modified of its page).
        html: A hand-written page; None renders one from the fields above.
    """

    slug: str
    title: str
    published: datetime
    summary: str
    paragraphs: tuple[str, ...]
    author: str = "Maria Keane"
    updated: datetime | None = None
    html: str | None = None

    @property
    def modified(self) -> datetime:
        """When the story last changed."""
        return self.updated or self.published


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request the site received.

    Attributes:
        method: The HTTP method.
        path: The path, without the query.
        headers: The request headers, lower-case names.
        at: ``time.monotonic()`` when it arrived.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    at: float

    @property
    def conditional(self) -> bool:
        """Whether it carried If-None-Match or If-Modified-Since."""
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


@dataclass(slots=True)
class _Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def default_stories() -> list[Story]:
    """The three hand-written stories, newest first."""
    ferry = Story(
        slug="ferry-storm",
        title="Storm surge shuts Port Alder ferry terminal for three days",
        published=datetime(2024, 3, 14, 6, 45, tzinfo=UTC),
        updated=datetime(2024, 3, 16, 9, 10, tzinfo=UTC),
        summary="Ferries to the islands are cancelled until Saturday.",
        paragraphs=("Ferry services between Port Alder and the Gull Islands are suspended.",),
        html=(PAGES_DIR / "ferry-storm.html").read_text(encoding="utf-8"),
    )
    council = Story(
        slug="council-budget",
        title="Council approves £48m budget with cuts to library hours",
        published=datetime(2024, 4, 9, 18, 0, tzinfo=UTC),
        summary="Four of six libraries will open fewer hours.",
        paragraphs=("Riverside's council approved a £48m budget on Monday night.",),
        author="Sam Ortiz",
        html=(PAGES_DIR / "council-budget.html").read_text(encoding="utf-8"),
    )
    museum = Story(
        slug="museum-reopens",
        title="Northgate Post readers vote the old mill museum their favourite building",
        published=datetime(2024, 5, 3, 3, 30, tzinfo=UTC),
        summary="The museum took 41 per cent of more than 6,000 votes.",
        paragraphs=("The old mill museum on Canal Street has been voted the favourite.",),
        author="Dana Whitfield",
        html=(PAGES_DIR / "museum-reopens.html").read_text(encoding="utf-8"),
    )
    return [museum, council, ferry]


class NewsSite:
    """A news site on a free port of 127.0.0.1; use as ``async with NewsSite() as site``."""

    def __init__(
        self, stories: Iterable[Story] | None = None, *, robots_txt: str | None = ROBOTS_TXT
    ) -> None:
        """Create the site (not serving yet).

        Args:
            stories: The stories to serve; ``default_stories()`` when None.
            robots_txt: The robots.txt to serve; None answers 404.
        """
        self.stories: dict[str, Story] = {s.slug: s for s in (stories or default_stories())}
        self.robots_txt = robots_txt
        self.robots_status = 200
        self.requests: list[LoggedRequest] = []
        self.max_in_flight = 0
        self.port = 0
        self._in_flight = 0
        self._pages: dict[str, _Response] = {}
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        """The absolute URL of ``path`` on this site, optionally under another host name."""
        return f"http://{host}:{self.port}{path}"

    def put_story(self, story: Story) -> None:
        """Add ``story`` or replace the one with its slug (its page and feed items change)."""
        self.stories[story.slug] = story

    def remove_story(self, slug: str) -> None:
        """Remove a story: its page answers 410 Gone and it leaves the feeds."""
        del self.stories[slug]
        self._pages[f"/news/{slug}"] = _Response(410, b"Gone")

    def put_page(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Serve ``body`` at ``path`` (overrides any built-in route)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type, **(headers or {})}
        self._pages[path] = _Response(status, data, all_headers)

    def requests_to(self, path: str) -> list[LoggedRequest]:
        """The logged requests for ``path``, oldest first."""
        return [request for request in self.requests if request.path == path]

    def clear_log(self) -> None:
        """Forget the logged requests."""
        self.requests.clear()

    async def start(self) -> None:
        """Start serving on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        headers = {name.lower(): value for name, value in request.headers.items()}
        self.requests.append(
            LoggedRequest(request.method, request.path, headers, time.monotonic())
        )
        path = request.path
        if path in self._pages:
            page = self._pages[path]
            return web.Response(status=page.status, body=page.body, headers=page.headers)
        streamed = {
            "/slow/trickle": self._trickle,
            "/endless": self._endless,
        }
        if path in streamed:
            return await streamed[path](request)
        if path.startswith("/busy/"):
            return await self._busy()
        if path == "/slow/headers":
            await asyncio.sleep(float(request.query.get("seconds", "5")))
            return web.Response(text="<html><body>late</body></html>", content_type="text/html")
        response = self._route(request)
        return web.Response(status=response.status, body=response.body, headers=response.headers)

    def _route(self, request: web.Request) -> _Response:
        path = request.path
        if path == "/robots.txt":
            if self.robots_txt is None:
                return _Response(404, b"Not Found")
            return _Response(self.robots_status, self.robots_txt.encode(), _type("text/plain"))
        if path == "/":
            return _html(render_front_page(self._ordered()))
        if path.startswith("/news/") and path[len("/news/") :] in self.stories:
            story = self.stories[path[len("/news/") :]]
            return _conditional(
                request, story.html or render_story_page(story), "text/html", story.modified
            )
        if path == "/gzip/news/ferry-storm":
            story = self.stories["ferry-storm"]
            page = _html(story.html or render_story_page(story))
            page.body = gzip.compress(page.body)
            page.headers["Content-Encoding"] = "gzip"
            return page
        feeds: dict[str, tuple[str, Callable[[], str]]] = {
            "/feeds/rss.xml": (
                "application/rss+xml",
                lambda: render_rss(self._ordered(), self.base_url),
            ),
            "/feeds/rss-full.xml": (
                "application/rss+xml",
                lambda: render_rss(self._ordered(), self.base_url, full=True),
            ),
            "/feeds/atom.xml": (
                "application/atom+xml",
                lambda: render_atom(self._ordered(), self.base_url),
            ),
            "/feeds/rdf.xml": (
                "application/rdf+xml",
                lambda: render_rdf(self._ordered(), self.base_url),
            ),
        }
        if path in feeds:
            media, render = feeds[path]
            return _conditional(request, render(), media, self._last_change())
        return _bad_case(request) or _Response(
            404, b"<html><body>Not found</body></html>", _type("text/html")
        )

    def _ordered(self) -> list[Story]:
        return sorted(self.stories.values(), key=lambda story: story.published, reverse=True)

    def _last_change(self) -> datetime:
        return max(
            (story.modified for story in self.stories.values()),
            default=datetime(2024, 1, 1, tzinfo=UTC),
        )

    async def _trickle(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers=_type("text/html"))
        await response.prepare(request)
        with contextlib.suppress(ConnectionError):
            await response.write(b"<html><body>")
            for _ in range(10_000):
                await response.write(b"x")
                await asyncio.sleep(TRICKLE_INTERVAL)
        return response

    async def _endless(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers=_type("text/html"))
        await response.prepare(request)
        chunk = b"<p>" + b"all work and no play " * 3000 + b"</p>\n"
        with contextlib.suppress(ConnectionError):
            await response.write(b"<html><body>")
            while True:
                await response.write(chunk)
        return response

    async def _busy(self) -> web.Response:
        self._in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            await asyncio.sleep(0.2)
        finally:
            self._in_flight -= 1
        return web.Response(text="<html><body><p>busy</p></body></html>", content_type="text/html")


def _type(media: str, charset: str | None = "utf-8") -> dict[str, str]:
    return {"Content-Type": f"{media}; charset={charset}" if charset else media}


def _html(text: str) -> _Response:
    return _Response(200, text.encode("utf-8"), _type("text/html"))


def _conditional(request: web.Request, text: str, media: str, modified: datetime) -> _Response:
    """200 with ETag and Last-Modified, or 304 when the client's copy is current."""
    body = text.encode("utf-8")
    etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
    headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}
    if request.headers.get("If-None-Match") == etag:
        return _Response(304, b"", headers)
    since = request.headers.get("If-Modified-Since")
    if since and "If-None-Match" not in request.headers:
        with contextlib.suppress(TypeError, ValueError):
            if modified.replace(microsecond=0) <= parsedate_to_datetime(since):
                return _Response(304, b"", headers)
    return _Response(200, body, {**headers, **_type(media)})


def _redirect(status: int, location: str) -> _Response:
    return _Response(status, b"", {"Location": location})


@functools.cache
def gzip_bomb() -> bytes:
    """``BOMB_BYTES`` of zeros, gzip-compressed into about 16 KB."""
    return gzip.compress(bytes(BOMB_BYTES), compresslevel=9)


@functools.cache
def gzip_member_bomb() -> bytes:
    """64 gzip members of 1 MiB of zeros each, concatenated (a valid multi-member stream)."""
    return gzip.compress(bytes(1024 * 1024), compresslevel=9) * 64


@functools.cache
def deflate_bomb() -> bytes:
    """``BOMB_BYTES`` of zeros, zlib-compressed (Content-Encoding: deflate)."""
    return zlib.compress(bytes(BOMB_BYTES), 9)


_CYRILLIC = "Городской совет утвердил бюджет на следующий год."
_LATIN = "Le café de la gare rouvre après deux ans de travaux à Genève."
MALFORMED_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Broken Gazette</title><link>https://broken.example/</link>
<item><title>First readable story</title><link>https://broken.example/news/first</link>
<description>Still readable &amp; fine.</description></item>
<item><title>Second readable story</title><link>/news/second</link>
<description>An unescaped ampersand & a stray <b>tag that never closes</description></item>
<item><title>Third story</title><link>https://broken.example/news/third
"""
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<rss version="2.0"><channel><title>Laughs &h;</title>
<item><title>Only item</title><link>https://laughs.example/news/1</link></item>
</channel></rss>
"""


def _charset_page(text: str, charset: str, *, in_header: bool) -> _Response:
    meta = "" if in_header else f'<meta charset="{charset}">'
    html = (
        f"<!DOCTYPE html><html><head>{meta}<title>{text[:20]}</title></head>"
        f"<body><p>{text}</p></body></html>"
    )
    media = _type("text/html", charset if in_header else None)
    return _Response(200, html.encode(charset), media)


def _bad_case(request: web.Request) -> _Response | None:
    """The hostile and unusual answers, by path; None for an unknown path."""
    path = request.path
    if path.startswith("/redirect/chain/"):
        left = int(path.rsplit("/", 1)[1])
        return _redirect(302, f"/redirect/chain/{left - 1}" if left > 0 else "/news/ferry-storm")
    redirects = {
        "/redirect/loop/a": (302, "/redirect/loop/b"),
        "/redirect/loop/b": (302, "/redirect/loop/a"),
        "/redirect/moved-feed": (301, "/feeds/rss.xml"),
        "/redirect/moved-twice": (308, "/redirect/moved-feed"),
        "/redirect/temporary-then-moved": (302, "/redirect/moved-feed"),
        "/redirect/to-file": (302, "file:///etc/passwd"),
    }
    if path in redirects:
        return _redirect(*redirects[path])
    if path == "/redirect/to":
        return _redirect(302, request.query["target"])
    if path.startswith("/status/"):
        status = int(path.rsplit("/", 1)[1])
        headers = _type("text/html")
        if status == 429:
            headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        if status == 503:
            later = datetime.now(UTC) + timedelta(hours=1)
            headers["Retry-After"] = format_datetime(later, usegmt=True)
        return _Response(status, b"<html><body>error</body></html>", headers)
    bombs = {
        "/bomb/gzip": (gzip_bomb, "gzip"),
        "/bomb/gzip-members": (gzip_member_bomb, "gzip"),
        "/bomb/deflate": (deflate_bomb, "deflate"),
    }
    if path in bombs:
        make, encoding = bombs[path]
        return _Response(200, make(), {**_type("text/html"), "Content-Encoding": encoding})
    fixed = {
        "/bomb/corrupt": _Response(
            200,
            b"\x1f\x8b\x08\x00garbage" * 10,
            {**_type("text/html"), "Content-Encoding": "gzip"},
        ),
        "/brotli": _Response(
            200, b"\x8b\x00\x80hello", {**_type("text/html"), "Content-Encoding": "br"}
        ),
        "/feeds/malformed.xml": _Response(
            200, MALFORMED_FEED.encode(), _type("application/rss+xml")
        ),
        "/feeds/billion-laughs.xml": _Response(
            200, BILLION_LAUGHS.encode(), _type("application/rss+xml")
        ),
        "/feeds/not-xml.xml": _Response(
            200, b"just some words, no markup at all", _type("application/xml")
        ),
        "/image.png": _Response(200, b"\x89PNG\r\n\x1a\n" + bytes(64), _type("image/png", None)),
        "/untyped-page": _Response(
            200,
            b"<!DOCTYPE html><html><head><title>t</title></head><body><p>hi</p></body></html>",
            {},
        ),
        "/untyped-binary": _Response(
            200, bytes(range(256)), _type("application/octet-stream", None)
        ),
        "/private/secret-story": _html("<html><body><p>private</p></body></html>"),
        "/charset/windows-1251-header": _charset_page(_CYRILLIC, "windows-1251", in_header=True),
        "/charset/windows-1251-meta": _charset_page(_CYRILLIC, "windows-1251", in_header=False),
        "/charset/iso-8859-1-header": _charset_page(_LATIN, "iso-8859-1", in_header=True),
        "/charset/iso-8859-1-meta": _charset_page(_LATIN, "iso-8859-1", in_header=False),
    }
    return fixed.get(path)
