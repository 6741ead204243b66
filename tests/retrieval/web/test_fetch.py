"""Tests for retrieval.web.fetch against the loopback news site: every limit and refusal."""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from retrieval.web.addresses import (
    ALLOW_PRIVATE_HINT,
    AddressGuard,
    RefusedConnectError,
    non_public_kind,
    system_resolve,
)
from retrieval.web.fetch import Fetcher
from retrieval.web.fetch_errors import (
    FetchFailedError,
    FetchRefusedError,
    FetchStatusError,
)
from retrieval.web.fetch_models import FetchPolicy, parse_retry_after
from tests.support.news_fixtures import FAST, fetcher, resolver, site
from tests.support.news_site import (
    RETRY_AFTER_SECONDS,
    NewsSite,
    Story,
    deflate_bomb,
    gzip_bomb,
    gzip_member_bomb,
)

__all__ = ["fetcher", "site"]  # fixtures, imported by name


# -- ordinary fetches --------------------------------------------------------------------------


async def test_fetches_a_page_with_validators_and_a_newsbot_user_agent(
    site: NewsSite, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(site.url("/news/ferry-storm"))
    assert (result.status, result.ok, result.content_type, result.charset) == (
        200,
        True,
        "text/html",
        "utf-8",
    )
    assert "Storm surge shuts Port Alder" in result.text()
    assert result.etag and result.last_modified and not result.not_modified
    request = site.requests_to("/news/ferry-storm")[0]
    assert "newsbot" in request.headers["user-agent"]
    assert "https://" in request.headers["user-agent"]
    assert request.headers["accept"].startswith("text/html")


async def test_conditional_get_with_etag_or_last_modified_answers_not_modified(
    site: NewsSite, fetcher: Fetcher
) -> None:
    first = await fetcher.fetch(site.url("/news/ferry-storm"))
    by_etag = await fetcher.fetch(site.url("/news/ferry-storm"), etag=first.etag)
    by_date = await fetcher.fetch(site.url("/news/ferry-storm"), last_modified=first.last_modified)
    for result in (by_etag, by_date):
        assert (result.status, result.not_modified, result.ok, result.body) == (
            304,
            True,
            True,
            b"",
        )
    sent = site.requests_to("/news/ferry-storm")
    assert sent[1].headers["if-none-match"] == first.etag
    assert sent[2].headers["if-modified-since"] == first.last_modified


async def test_a_changed_page_is_fetched_again_despite_the_old_etag(
    site: NewsSite, fetcher: Fetcher
) -> None:
    first = await fetcher.fetch(site.url("/news/ferry-storm"))
    site.put_story(
        Story(
            slug="ferry-storm",
            title="Ferry terminal reopens early",
            published=datetime(2024, 3, 14, 6, 45, tzinfo=UTC),
            updated=datetime(2024, 3, 17, 8, 0, tzinfo=UTC),
            summary="Engineers finished two days early.",
            paragraphs=("The ramp was refloated on Saturday morning.",),
        )
    )
    again = await fetcher.fetch(site.url("/news/ferry-storm"), etag=first.etag)
    assert again.status == 200 and "refloated on Saturday" in again.text()
    assert again.etag != first.etag


async def test_gzip_transfer_encoding_is_decoded(site: NewsSite, fetcher: Fetcher) -> None:
    plain = await fetcher.fetch(site.url("/news/ferry-storm"))
    zipped = await fetcher.fetch(site.url("/gzip/news/ferry-storm"))
    assert zipped.body == plain.body
    assert "gzip" in site.requests_to("/gzip/news/ferry-storm")[0].headers["accept-encoding"]


def test_using_a_fetcher_outside_async_with_is_a_clear_misuse() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(Fetcher().fetch("https://example.com/"))


# -- redirects ---------------------------------------------------------------------------------


async def test_redirects_are_followed_up_to_the_limit(site: NewsSite, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/redirect/chain/4"))  # 5 redirects
    assert result.final_url == site.url("/news/ferry-storm")
    assert result.url == site.url("/redirect/chain/4") and result.moved_to is None
    with pytest.raises(FetchFailedError, match=r"more than 5 times \(the redirect limit\)"):
        await fetcher.fetch(site.url("/redirect/chain/5"))


async def test_a_redirect_loop_is_detected(site: NewsSite, fetcher: Fetcher) -> None:
    with pytest.raises(FetchFailedError, match="redirect loop") as caught:
        await fetcher.fetch(site.url("/redirect/loop/a"))
    assert "\n" not in str(caught.value)
    assert len(site.requests_to("/redirect/loop/a")) == 1


@pytest.mark.parametrize(
    ("path", "moved_to"),
    [
        ("/redirect/moved-feed", "/feeds/rss.xml"),  # 301
        ("/redirect/moved-twice", "/feeds/rss.xml"),  # 308, then 301
        ("/redirect/temporary-then-moved", None),  # 302 first: keep the stored URL
    ],
)
async def test_permanent_redirects_are_reported_for_updating_a_stored_url(
    site: NewsSite, fetcher: Fetcher, path: str, moved_to: str | None
) -> None:
    result = await fetcher.fetch(site.url(path), accept="feed")
    assert result.status == 200 and result.final_url == site.url("/feeds/rss.xml")
    assert result.moved_to == (site.url(moved_to) if moved_to else None)


async def test_a_redirect_to_a_file_url_is_refused(site: NewsSite, fetcher: Fetcher) -> None:
    with pytest.raises(FetchRefusedError, match="file:///etc/passwd is not a web address"):
        await fetcher.fetch(site.url("/redirect/to-file"))


async def test_a_redirect_to_loopback_is_refused_before_connecting(site: NewsSite) -> None:
    # news.example is trusted to be on a private address (the site); 127.0.0.1 itself is not.
    public = resolver({"news.example": ["127.0.0.1"]})
    target = site.url("/news/ferry-storm")
    async with Fetcher(policy=FAST, trusted_hosts={"news.example"}, resolve=public) as fetcher:
        with pytest.raises(FetchRefusedError) as caught:
            await fetcher.fetch(site.url(f"/redirect/to?target={target}", host="news.example"))
    assert str(caught.value) == f"127.0.0.1 is a loopback address ({ALLOW_PRIVATE_HINT})"
    assert caught.value.url == target
    assert [r.path for r in site.requests] == ["/robots.txt", "/redirect/to"]


# -- private addresses -------------------------------------------------------------------------

SPELLINGS = [
    ("http://127.0.0.1:{port}/news/ferry-storm", "127.0.0.1 is a loopback address"),
    ("http://localhost:{port}/news/ferry-storm", "localhost resolves to"),
    ("http://LocalHost:{port}/news/ferry-storm", "a loopback address"),
    ("http://127.1:{port}/news/ferry-storm", "127.1 resolves to 127.0.0.1, a loopback"),
    ("http://0x7f000001:{port}/", "0x7f000001 resolves to 127.0.0.1, a loopback"),
    ("http://2130706433:{port}/", "2130706433 resolves to 127.0.0.1, a loopback"),
    ("http://0177.0.0.1:{port}/", "a loopback address"),
    ("http://0.0.0.0:{port}/", "0.0.0.0 is an unspecified address"),
    ("http://[::1]:{port}/", "::1 is a loopback address"),
    ("http://[::ffff:127.0.0.1]:{port}/", "127.0.0.1, a loopback address"),
    ("http://[::]:{port}/", "an unspecified address"),
    ("https://10.1.2.3/", "10.1.2.3 is a private address"),
    ("http://172.16.5.4/", "172.16.5.4 is a private address"),
    ("http://192.168.0.10/", "192.168.0.10 is a private address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
    ("http://[fc00::5]/", "fc00::5 is a private address"),
    ("http://224.0.0.251/", "224.0.0.251 is a multicast address"),
    ("http://[ff02::1]/", "ff02::1 is a multicast address"),
    ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
    ("http://100.64.0.1/", "100.64.0.1 is a non-public address"),
]


@pytest.mark.parametrize(("template", "message"), SPELLINGS)
async def test_every_spelling_of_a_private_address_is_refused_before_connecting(
    site: NewsSite, template: str, message: str
) -> None:
    async with Fetcher(policy=FAST) as fetcher:
        with pytest.raises(FetchRefusedError) as caught:
            await fetcher.fetch(template.format(port=site.port))
    text = str(caught.value)
    assert message in text
    assert text.endswith(f"({ALLOW_PRIVATE_HINT})") and "\n" not in text
    assert site.requests == []


async def test_a_name_resolving_to_a_private_address_is_refused_unless_allowed(
    site: NewsSite,
) -> None:
    url = site.url("/news/ferry-storm", host="news.example")
    resolve = resolver({"news.example": ["127.0.0.1"]})
    async with Fetcher(policy=FAST, resolve=resolve) as refusing:
        with pytest.raises(FetchRefusedError) as caught:
            await refusing.fetch(url)
    assert str(caught.value) == (
        f"news.example resolves to 127.0.0.1, a loopback address ({ALLOW_PRIVATE_HINT})"
    )
    assert site.requests == []
    async with Fetcher(policy=FAST, resolve=resolve, allow_private=True) as allowing:
        result = await allowing.fetch(url)
    assert result.status == 200 and "Port Alder" in result.text()


async def test_a_name_that_rebinds_to_loopback_after_the_check_is_refused(
    site: NewsSite,
) -> None:
    lookups: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        del port
        lookups.append(host)  # public when checked, loopback when the connection looks again
        return ["93.184.216.34"] if len(lookups) == 1 else ["127.0.0.1"]

    url = site.url("/news/ferry-storm", host="rebind.example")
    async with Fetcher(policy=FAST, resolve=rebinding) as fetcher:
        with pytest.raises(
            FetchRefusedError, match=r"resolves to 127\.0\.0\.1, a loopback"
        ) as caught:
            await fetcher.fetch(url, check_robots=False)
    assert lookups == ["rebind.example", "rebind.example"]
    assert caught.value.url == url
    assert site.requests == []


def test_the_socket_factory_refuses_a_private_address_right_before_connecting() -> None:
    guard = AddressGuard(resolve=system_resolve, allow_private=False)
    loopback = (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80))
    with pytest.raises(RefusedConnectError, match=r"127\.0\.0\.1 is a loopback address"):
        guard.open_socket(loopback)
    allowed = AddressGuard(resolve=system_resolve, allow_private=True).open_socket(loopback)
    allowed.close()


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("::ffff:10.0.0.1", "a private address"),  # IPv4-mapped
        ("2002:7f00:1::", "a loopback address"),  # 6to4 around 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "a link-local address"),  # NAT64 around 169.254.169.254
        ("fe80::1%eth0", "a link-local address"),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
        ("8.8.8.8", None),
    ],
)
def test_addresses_are_judged_by_the_ipv4_address_they_embed(address: str, kind: str) -> None:
    assert non_public_kind(address) == kind


async def test_a_connection_error_is_a_failure_not_a_refusal() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    async with Fetcher(policy=FAST, allow_private=True) as fetcher:
        with pytest.raises(FetchFailedError, match="could not fetch") as caught:
            await fetcher.fetch(f"http://127.0.0.1:{closed_port}/", check_robots=False)
    assert not isinstance(caught.value, FetchRefusedError)


async def test_an_unknown_name_is_a_failure_saying_to_check_the_address() -> None:
    async with Fetcher(policy=FAST, resolve=resolver({})) as fetcher:
        with pytest.raises(FetchFailedError, match=r"could not find the server nowhere\.example"):
            await fetcher.fetch("https://nowhere.example/news")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/feed.xml", "not a web address newsbot fetches"),
        ("file:///etc/passwd", "not a web address newsbot fetches"),
        ("javascript:alert(1)", "not a web address newsbot fetches"),
        ("example.com/news", "not a web address newsbot fetches"),
        ("http://user:secret@example.com/", "carries a user name or password"),
        ("http://[::1/", "not a valid web address"),
    ],
)
async def test_urls_that_are_not_public_web_addresses_are_refused(url: str, message: str) -> None:
    async with Fetcher(policy=FAST, resolve=resolver({})) as fetcher:
        with pytest.raises(FetchRefusedError, match=message) as caught:
            await fetcher.fetch(url)
    assert "secret" not in str(caught.value)


# -- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/bomb/gzip", "/bomb/gzip-members", "/bomb/deflate", "/endless"])
async def test_bodies_past_the_size_limit_stop_with_memory_bounded(
    site: NewsSite, fetcher: Fetcher, path: str
) -> None:
    gzip_bomb(), gzip_member_bomb(), deflate_bomb()  # built by the site: not the fetch's memory
    began = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(FetchFailedError, match=r"larger than the 195 KB limit") as caught:
            await fetcher.fetch(site.url(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "after decompression" in str(caught.value)
    assert peak < 3 * 1024 * 1024  # the bodies are 16 MB to endless once decompressed
    assert time.monotonic() - began < FAST.timeout


async def test_a_declared_length_past_the_limit_is_refused_unread(
    site: NewsSite, fetcher: Fetcher
) -> None:
    site.put_page("/huge", b"<html><body>" + b"x" * 300_000 + b"</body></html>")
    with pytest.raises(FetchFailedError, match="larger than the 195 KB limit"):
        await fetcher.fetch(site.url("/huge"))


@pytest.mark.parametrize("path", ["/slow/trickle", "/slow/headers?seconds=5"])
async def test_the_time_limit_covers_the_whole_fetch_even_while_bytes_trickle(
    site: NewsSite, fetcher: Fetcher, path: str
) -> None:
    began = time.monotonic()
    with pytest.raises(FetchFailedError, match=r"after the 2 s time limit for one fetch"):
        await fetcher.fetch(site.url(path))
    assert FAST.timeout <= time.monotonic() - began < FAST.timeout + 1.0


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/bomb/corrupt", "sent a corrupt compressed body"),
        ("/brotli", "content encoding br, which newsbot cannot decode"),
    ],
)
async def test_bodies_that_cannot_be_decoded_fail_clearly(
    site: NewsSite, fetcher: Fetcher, path: str, message: str
) -> None:
    with pytest.raises(FetchFailedError, match=message):
        await fetcher.fetch(site.url(path))


# -- content types and charsets ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept", "message"),
    [
        ("/image.png", "page", "is image/png, not a web page"),
        ("/untyped-binary", "page", "does not look like a web page"),
        ("/feeds/rss.xml", "page", "does not look like a web page"),
        ("/image.png", "feed", "is image/png, not an RSS or Atom feed"),
        ("/untyped-binary", "feed", "does not look like an RSS or Atom feed"),
    ],
)
async def test_responses_of_the_wrong_type_are_refused(
    site: NewsSite, fetcher: Fetcher, path: str, accept: str, message: str
) -> None:
    with pytest.raises(FetchFailedError, match=message):
        await fetcher.fetch(site.url(path), accept=accept)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "accept", "content_type"),
    [
        ("/untyped-page", "page", "application/octet-stream"),  # sniffed as HTML
        ("/feeds/rdf.xml", "feed", "application/rdf+xml"),
        ("/", "feed", "text/html"),  # passed on, so the feed parser can name the page's feeds
    ],
)
async def test_responses_of_the_right_type_pass(
    site: NewsSite, fetcher: Fetcher, path: str, accept: str, content_type: str
) -> None:
    result = await fetcher.fetch(site.url(path), accept=accept)  # type: ignore[arg-type]
    assert result.status == 200 and result.content_type == content_type


@pytest.mark.parametrize(
    ("path", "charset", "text"),
    [
        ("/charset/windows-1251-header", "cp1251", "Городской совет утвердил бюджет"),
        ("/charset/windows-1251-meta", "cp1251", "Городской совет утвердил бюджет"),
        ("/charset/iso-8859-1-header", "latin-1", "Le café de la gare rouvre après"),
        ("/charset/iso-8859-1-meta", "latin-1", "Le café de la gare rouvre après"),
        ("/news/ferry-storm", "utf-8", "£2.1m"),
    ],
)
async def test_charset_comes_from_the_header_else_the_page_else_utf8(
    site: NewsSite, fetcher: Fetcher, path: str, charset: str, text: str
) -> None:
    result = await fetcher.fetch(site.url(path))
    assert result.charset.replace("iso8859-1", "latin-1") == charset
    assert text in result.text()


# -- statuses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "retry_after", "message"),
    [
        (404, None, "answered 404: the page does not exist; check the address"),
        (410, None, "answered 410: the page was removed for good"),
        (429, RETRY_AFTER_SECONDS, "answered 429: the site is busy; try again in 120 s"),
        (503, 3600, "answered 503: the site is busy; try again in"),
        (500, None, "answered 500: the site has a problem; try again later"),
    ],
)
async def test_error_statuses_are_reported_with_retry_after(
    site: NewsSite, fetcher: Fetcher, status: int, retry_after: int | None, message: str
) -> None:
    result = await fetcher.fetch(site.url(f"/status/{status}"))
    assert (result.status, result.ok, result.gone, result.body) == (
        status,
        False,
        status == 410,
        b"",
    )
    if retry_after is None:
        assert result.retry_after is None
    else:
        assert result.retry_after == pytest.approx(retry_after, abs=5)
    with pytest.raises(FetchStatusError, match=message) as caught:
        result.raise_for_status()
    assert caught.value.status == status


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    now = datetime(2024, 3, 14, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(minutes=5), usegmt=True)
    earlier = format_datetime(now - timedelta(minutes=5), usegmt=True)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after(later, now=now) == 300.0
    assert parse_retry_after(earlier, now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


# -- robots.txt --------------------------------------------------------------------------------


async def test_robots_txt_is_obeyed_for_pages_and_read_once_per_site(
    site: NewsSite, fetcher: Fetcher
) -> None:
    with pytest.raises(FetchRefusedError, match=r"robots\.txt does not allow newsbot"):
        await fetcher.fetch(site.url("/private/secret-story"))
    assert site.requests_to("/private/secret-story") == []
    await fetcher.fetch(site.url("/news/ferry-storm"))
    await fetcher.fetch(site.url("/news/council-budget"))
    assert len(site.requests_to("/robots.txt")) == 1
    unchecked = await fetcher.fetch(site.url("/private/secret-story"), check_robots=False)
    assert unchecked.status == 200


@pytest.mark.parametrize("status", [404, 403, 401])
async def test_a_missing_or_forbidden_robots_txt_allows_everything(
    fetcher: Fetcher, status: int
) -> None:
    async with NewsSite() as open_site:
        open_site.robots_status = status
        result = await fetcher.fetch(open_site.url("/private/secret-story"))
    assert result.status == 200


async def test_a_failing_robots_txt_means_try_later(site: NewsSite, fetcher: Fetcher) -> None:
    site.robots_status = 503
    with pytest.raises(FetchFailedError, match=r"robots\.txt answered 503.*try again later"):
        await fetcher.fetch(site.url("/news/ferry-storm"))
    assert site.requests_to("/news/ferry-storm") == []


# -- politeness --------------------------------------------------------------------------------


async def test_at_most_two_requests_are_in_flight_per_host(site: NewsSite) -> None:
    async with Fetcher(policy=FAST, allow_private=True) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(site.url(f"/busy/{n}"), check_robots=False) for n in range(6))
        )
    assert [r.status for r in results] == [200] * 6
    assert site.max_in_flight == 2


async def test_requests_to_one_host_start_a_delay_apart(site: NewsSite) -> None:
    policy = FetchPolicy(max_bytes=200_000, timeout=2.0, host_delay=0.2, per_host=4)
    async with Fetcher(policy=policy, allow_private=True) as fetcher:
        await asyncio.gather(
            *(
                fetcher.fetch(site.url(f"/news/{slug}"), check_robots=False)
                for slug in ("ferry-storm", "council-budget", "museum-reopens")
            )
        )
    starts = [request.at for request in site.requests]
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) == 2 and min(gaps) >= 0.18
