"""Exceptions raised while fetching URLs; every message is one line saying what to do next."""

from __future__ import annotations

from retrieval.errors import RetrievalError


class FetchError(RetrievalError):
    """Root of every error raised while fetching a web page, feed or robots.txt.

    Attributes:
        url: The URL being fetched when it happened (a redirect hop, not always the one asked).
    """

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class FetchRefusedError(FetchError):
    """Raised when a URL is refused before connecting to it.

    Causes: a scheme other than http(s), a user name or password in the URL, a host that is or
    resolves to a loopback, private, link-local, multicast, reserved or unspecified address,
    or a path that the site's robots.txt disallows.
    """


class FetchFailedError(FetchError):
    """Raised when a fetch was tried and did not give a usable response.

    Causes: no connection (DNS, refused, TLS), a limit (size, time, redirects), a response that
    is not what was asked for (not HTML, not a feed), or an undecodable body.

    Attributes:
        retry_after: Seconds the server asked us to wait before trying again, if it said so.
    """

    def __init__(self, message: str, *, url: str, retry_after: float | None = None) -> None:
        super().__init__(message, url=url)
        self.retry_after = retry_after


class FetchStatusError(FetchFailedError):
    """Raised by ``FetchResult.raise_for_status`` when the server answered 4xx or 5xx.

    Attributes:
        status: The HTTP status code.
    """

    def __init__(
        self, message: str, *, url: str, status: int, retry_after: float | None = None
    ) -> None:
        super().__init__(message, url=url, retry_after=retry_after)
        self.status = status
