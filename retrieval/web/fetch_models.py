"""Records of fetching: the limits (``FetchPolicy``) and a server's answer (``FetchResult``)."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass, field
from datetime import UTC, datetime

from retrieval.web.body import decode_body
from retrieval.web.fetch_errors import FetchStatusError

# The URL is a placeholder until the project has a public page; FetchPolicy.user_agent sets it.
USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot/newsbot; news question answering bot)"
RETRY_STATUSES = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The limits of every fetch; the defaults suit public news sites.

    Attributes:
        max_bytes: Most bytes of body accepted, counted after decompression.
        timeout: Most seconds one fetch may take in all, redirects and robots.txt included
            (waiting for a turn at a busy host is not counted).
        max_redirects: Most redirects followed.
        per_host: Most requests in flight to one host at a time.
        host_delay: Seconds between the starts of two requests to the same host.
        user_agent: The User-Agent header: newsbot and a URL about it.
        robots_ttl: Seconds a site's robots.txt answer is reused.
        robots_max_bytes: Most bytes of robots.txt read.
    """

    max_bytes: int = 10 * 1024 * 1024
    timeout: float = 30.0
    max_redirects: int = 5
    per_host: int = 2
    host_delay: float = 0.25
    user_agent: str = USER_AGENT
    robots_ttl: float = 3600.0
    robots_max_bytes: int = 500 * 1024


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A server's final answer to a fetch (after redirects).

    Attributes:
        url: The URL asked for.
        final_url: The URL that answered.
        status: The HTTP status code of the final answer.
        body: The decompressed body; empty for 304 and for 4xx/5xx answers (never read).
        content_type: The media type, lower case without parameters, or None if not sent.
        charset: The codec ``text()`` uses: Content-Type, else BOM/meta/XML declaration, else
            UTF-8.
        etag: The ETag header, to send back as ``etag`` next time.
        last_modified: The Last-Modified header, to send back as ``last_modified``.
        not_modified: The server answered 304: nothing changed since ``etag``/``last_modified``.
        retry_after: Seconds to wait before asking again (Retry-After on 429/503), or None.
        moved_to: Where the permanent redirects (301/308) at the start of the chain lead: the
            URL to store instead of ``url``. None when the first hop was not permanent.
    """

    url: str
    final_url: str
    status: int
    body: bytes = field(repr=False)
    content_type: str | None
    charset: str
    etag: str | None
    last_modified: str | None
    not_modified: bool
    retry_after: float | None
    moved_to: str | None

    @property
    def ok(self) -> bool:
        """Whether the answer is usable: 2xx, or 304 (use what you stored)."""
        return 200 <= self.status < 300 or self.not_modified

    @property
    def gone(self) -> bool:
        """Whether the server said the resource is gone for good (410)."""
        return self.status == 410

    def text(self) -> str:
        """Return the body decoded with ``charset``, undecodable bytes replaced."""
        return decode_body(self.body, self.charset)

    def raise_for_status(self) -> None:
        """Raise ``FetchStatusError`` with a one-line explanation unless ``ok``."""
        if self.ok:
            return
        if self.gone:
            advice = "the page was removed for good; stop asking for it"
        elif self.status == 404:
            advice = "the page does not exist; check the address"
        elif self.status in (401, 403):
            advice = "the site does not let newsbot read it"
        elif self.status in RETRY_STATUSES:
            wait = f" in {self.retry_after:.0f} s" if self.retry_after is not None else " later"
            advice = f"the site is busy; try again{wait}"
        elif self.status >= 500:
            advice = "the site has a problem; try again later"
        else:
            advice = "the site refused the request"
        raise FetchStatusError(
            f"{self.final_url} answered {self.status}: {advice}",
            url=self.final_url,
            status=self.status,
            retry_after=self.retry_after,
        )


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Read a Retry-After header: delay seconds or an HTTP date.

    Args:
        value: The header's value, or None.
        now: The current time (for dates); defaults to the clock.

    Returns:
        Seconds to wait (0 for dates in the past), or None when absent or unreadable.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
