"""Tests for retrieval.web.feeds: feeds fetched from the loopback site and parsed."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from retrieval.web.feeds import FeedError, NotAFeedError, find_feed_links, parse_feed
from retrieval.web.fetch import Fetcher
from tests.support.news_fixtures import fetcher, site
from tests.support.news_site import NewsSite, Story

__all__ = ["fetcher", "site"]  # fixtures, imported by name

TITLES = [
    "Northgate Post readers vote the old mill museum their favourite building",
    "Council approves £48m budget with cuts to library hours",
    "Storm surge shuts Port Alder ferry terminal for three days",
]


async def read_feed(fetcher: Fetcher, url: str) -> tuple[object, str | None]:
    result = await fetcher.fetch(url, accept="feed", check_robots=False)
    feed = parse_feed(
        result.body, url=result.final_url, content_type=result.content_type, charset=result.charset
    )
    return feed, result.etag


@pytest.mark.parametrize("path", ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/rdf.xml"])
async def test_rss_atom_and_rdf_feeds_list_every_story(
    site: NewsSite, fetcher: Fetcher, path: str
) -> None:
    result = await fetcher.fetch(site.url(path), accept="feed")
    feed = parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    assert feed.title is not None and feed.title.startswith("The Harbour Herald")
    assert feed.link == site.url("/") and feed.problem is None
    assert [item.title for item in feed.items] == TITLES
    assert [item.link for item in feed.items] == [
        site.url(f"/news/{slug}") for slug in ("museum-reopens", "council-budget", "ferry-storm")
    ]
    assert feed.items[2].published == datetime(2024, 3, 14, 6, 45, tzinfo=UTC)
    assert feed.items[1].summary == "Four of six libraries will open fewer hours."


async def test_full_text_feeds_carry_the_story_without_the_feed_footer(
    site: NewsSite, fetcher: Fetcher
) -> None:
    summary_only = parse_feed(
        (await fetcher.fetch(site.url("/feeds/rss.xml"), accept="feed")).body, url=site.url("/")
    )
    full = parse_feed(
        (await fetcher.fetch(site.url("/feeds/rss-full.xml"), accept="feed")).body,
        url=site.url("/"),
    )
    assert all(item.content is None for item in summary_only.items)
    ferry = full.items[2]
    assert ferry.content == "Ferry services between Port Alder and the Gull Islands are suspended."
    assert "appeared first on" not in " ".join(item.content or "" for item in full.items)


async def test_a_refresh_with_nothing_new_sends_only_conditional_requests(
    site: NewsSite, fetcher: Fetcher
) -> None:
    first = await fetcher.fetch(site.url("/feeds/rss.xml"), accept="feed", check_robots=False)
    site.clear_log()
    again = await fetcher.fetch(
        site.url("/feeds/rss.xml"),
        accept="feed",
        etag=first.etag,
        last_modified=first.last_modified,
        check_robots=False,
    )
    assert again.not_modified and again.body == b""
    assert [r.path for r in site.requests] == ["/feeds/rss.xml"]
    assert all(request.conditional for request in site.requests)


async def test_a_new_story_appears_in_the_next_poll(site: NewsSite, fetcher: Fetcher) -> None:
    first = await fetcher.fetch(site.url("/feeds/atom.xml"), accept="feed")
    site.put_story(
        Story(
            slug="lifeboat-rescue",
            title="Lifeboat crew rescue two kayakers off Keel Point",
            published=datetime(2024, 6, 1, 14, 0, tzinfo=UTC),
            summary="Both were taken to hospital as a precaution.",
            paragraphs=("The crew launched at 2pm after a call from a walker.",),
        )
    )
    again = await fetcher.fetch(site.url("/feeds/atom.xml"), accept="feed", etag=first.etag)
    assert again.status == 200
    feed = parse_feed(again.body, url=again.final_url)
    assert feed.items[0].title == "Lifeboat crew rescue two kayakers off Keel Point"
    assert feed.items[0].content == "The crew launched at 2pm after a call from a walker."
    assert len(feed.items) == 4


async def test_a_removed_story_is_gone_and_leaves_the_feed(
    site: NewsSite, fetcher: Fetcher
) -> None:
    site.remove_story("council-budget")
    page = await fetcher.fetch(site.url("/news/council-budget"))
    assert page.gone and not page.ok
    result = await fetcher.fetch(site.url("/feeds/rdf.xml"), accept="feed")
    feed = parse_feed(result.body, url=result.final_url)
    assert [item.title for item in feed.items] == [TITLES[0], TITLES[2]]


async def test_a_malformed_feed_still_gives_its_readable_items(
    site: NewsSite, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(site.url("/feeds/malformed.xml"), accept="feed")
    feed = parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    assert feed.problem is not None and feed.problem.startswith("the feed is malformed (")
    assert [item.title for item in feed.items][:2] == [
        "First readable story",
        "Second readable story",
    ]
    assert feed.items[1].link == site.url("/news/second")  # relative, resolved
    assert feed.items[0].summary == "Still readable & fine."


async def test_entity_expansion_cannot_blow_up_a_feed(site: NewsSite, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/feeds/billion-laughs.xml"), accept="feed")
    began = time.monotonic()
    try:
        feed = parse_feed(result.body, url=result.final_url)
    except FeedError:
        return  # refusing it outright is fine too
    assert time.monotonic() - began < 1.0
    assert len(feed.title or "") < 1000


async def test_an_html_page_given_as_a_feed_names_the_feeds_it_links_to(
    site: NewsSite, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(site.url("/"), accept="feed")
    with pytest.raises(NotAFeedError) as caught:
        parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    feeds = (site.url("/feeds/rss.xml"), site.url("/feeds/atom.xml"))
    assert caught.value.alternates == feeds
    assert str(caught.value) == (
        f"{site.url('/')} is an HTML page, not a feed; give the feed's URL (look for an RSS or "
        f"Atom link); this page links to {feeds[0]}, {feeds[1]}"
    )


async def test_an_html_page_without_feed_links_says_where_to_look(
    site: NewsSite, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(site.url("/news/council-budget"), accept="feed")
    with pytest.raises(NotAFeedError, match=r"look for an RSS or Atom link\)$") as caught:
        parse_feed(result.body, url=result.final_url)  # sniffed: no content type given
    assert caught.value.alternates == ()


@pytest.mark.parametrize(
    "data",
    [
        b"just some words, no markup at all",
        b"/etc/passwd",  # feedparser would open a file of that name if given bytes
        b"",
        b'{"version": "https://jsonfeed.org/version/1"}',
    ],
)
def test_documents_that_are_not_feeds_are_a_clear_error(data: bytes) -> None:
    with pytest.raises(FeedError, match=r"is not an RSS, Atom or RDF feed.*give the address"):
        parse_feed(data, url="https://news.example/feed")


def test_feed_links_are_found_in_page_order_resolved_and_deduplicated() -> None:
    html = """<html><head>
    <link rel="alternate" type="application/atom+xml" href="/atom">
    <link rel="alternate stylesheet" type="text/css" href="/style.css">
    <link rel="Alternate" type="application/rss+xml" href="https://cdn.example/rss.xml">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="alternate" type="application/atom+xml" href="/atom">
    </head><body></body></html>"""
    assert find_feed_links(html, url="https://news.example/section/") == (
        "https://news.example/atom",
        "https://cdn.example/rss.xml",
    )


def test_items_without_a_web_link_are_skipped_and_duplicates_kept_once() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
    <item><title>No link</title><description>x</description></item>
    <item><title>Mail link</title><link>mailto:desk@news.example</link></item>
    <item><title>Once</title><link>https://news.example/a</link><pubDate>nonsense</pubDate></item>
    <item><title>Twice</title><link>https://news.example/a</link></item>
    </channel></rss>"""
    feed = parse_feed(rss, url="https://news.example/rss")
    assert [(item.title, item.link, item.published) for item in feed.items] == [
        ("Once", "https://news.example/a", None)
    ]
