"""Exceptions raised while fetching URLs, and their messages: one line saying what to do next."""

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


_WHAT = {"page": "a web page", "feed": "an RSS or Atom feed", "robots": "robots.txt"}


def invalid_url(url: str) -> FetchRefusedError:
    """The text given is not a URL at all."""
    return FetchRefusedError(
        f"{url!r} is not a valid web address; give an http:// or https:// URL", url=url
    )


def not_a_web_address(url: str) -> FetchRefusedError:
    """A scheme other than http(s), or no host."""
    return FetchRefusedError(
        f"{url} is not a web address newsbot fetches; give an http:// or https:// URL", url=url
    )


def carries_credentials(url_without_user: str) -> FetchRefusedError:
    """A user name or password in the URL (never repeated in the message)."""
    return FetchRefusedError(
        f"{url_without_user} carries a user name or password; newsbot does not send "
        "credentials, give the public address",
        url=url_without_user,
    )


def timed_out(url: str, seconds: float) -> FetchFailedError:
    """The whole fetch took longer than the time limit."""
    return FetchFailedError(
        f"gave up on {url} after the {seconds:g} s time limit for one fetch; the site is too "
        "slow, try again later",
        url=url,
    )


def too_many_redirects(url: str, limit: int) -> FetchFailedError:
    """More redirects than the limit."""
    return FetchFailedError(
        f"{url} redirects more than {limit} times (the redirect limit); give the final "
        "address instead",
        url=url,
    )


def redirect_loop(url: str, target: str) -> FetchFailedError:
    """A redirect back to a URL already visited."""
    return FetchFailedError(
        f"redirect loop: {url} sends us back to {target}; the site is misconfigured, try "
        "again later",
        url=url,
    )


def invalid_redirect(url: str, location: str) -> FetchFailedError:
    """A Location header that is not a URL."""
    return FetchFailedError(
        f"{url} redirects to an invalid address ({location!r}); try again later", url=url
    )


def connection_failed(url: str, exc: BaseException) -> FetchFailedError:
    """No connection, or it broke (DNS, refused, TLS, reset)."""
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return FetchFailedError(
        f"could not fetch {url}: {reason}; check the address or try again later", url=url
    )


def too_large(url: str, limit: int) -> FetchFailedError:
    """The body passed the size limit, before or after decompression."""
    return FetchFailedError(
        f"{url} is larger than the {_size(limit)} limit (counted after decompression); it is "
        "not a news article or feed we can read",
        url=url,
    )


def unsupported_encoding(url: str, encoding: str) -> FetchFailedError:
    """A Content-Encoding other than gzip, deflate or identity."""
    return FetchFailedError(
        f"{url} is sent with the content encoding {encoding}, which newsbot cannot decode; "
        "try another address for it",
        url=url,
    )


def corrupt_body(url: str, exc: BaseException) -> FetchFailedError:
    """Compressed data that does not decompress."""
    return FetchFailedError(
        f"{url} sent a corrupt compressed body ({exc}); try again later", url=url
    )


def wrong_type(url: str, media_type: str | None, kind: str) -> FetchFailedError:
    """A declared Content-Type that cannot be what was asked for (an image for a page)."""
    what = _WHAT[kind]
    return FetchFailedError(
        f"{url} is {media_type}, not {what}; give the address of {what}", url=url
    )


def unrecognised_body(url: str, media_type: str | None, kind: str) -> FetchFailedError:
    """A body that, sniffed, is not what was asked for."""
    what = _WHAT[kind]
    shown = media_type or "sent without a content type"
    return FetchFailedError(
        f"{url} ({shown}) does not look like {what}; give the address of {what}", url=url
    )


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size / 1024:.0f} KB"
