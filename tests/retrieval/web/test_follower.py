"""The Follower against the loopback news site: pages and feeds in, cited answers out."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from retrieval import Embedder, Engine, Follower, PostgresEngine
from retrieval.web.fetch_models import FetchPolicy
from tests.support.news_fixtures import site
from tests.support.news_site import NewsSite, Story

__all__ = ["site"]  # fixture, imported by name

POLICY = FetchPolicy(timeout=10.0, host_delay=0.0)
FERRY_CANONICAL = "https://www.harbourherald.example/news/2024/03/14/storm-surge-shuts-port-alder-ferry-terminal/"
FERRY_QUESTION = "How long will the Port Alder ferry terminal stay closed?"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["embedded", "postgres"])
def follower(
    request: pytest.FixtureRequest, tmp_path: Path, embedder: Embedder, clock: Clock
) -> Iterator[Follower]:
    """A follower on each backend: files beside the index, or the database's feed tables."""
    engine = Engine(tmp_path / "index", embedder=embedder)
    if request.param == "postgres":
        url = request.getfixturevalue("database_url")
        engine = PostgresEngine(tmp_path / "index", database_url=url, embedder=embedder)
    opened = Follower(engine, allow_private=True, policy=POLICY, clock=clock)
    yield opened
    opened.close()
    engine.close()


def story(slug: str, title: str, text: str, *, day: int = 20) -> Story:
    """A story long enough to read as an article: ``text`` and two ordinary paragraphs."""
    return Story(
        slug=slug,
        title=title,
        published=datetime(2024, 5, day, 8, 0, tzinfo=UTC),
        summary=text[:60],
        paragraphs=(
            text,
            "Harbour master Jonas Ekberg said the decision followed two weeks of inspections "
            "by divers and engineers from the port authority, who examined every pile.",
            "Local businesses said they had been told about the plans at a meeting on Monday "
            "evening, and the council will publish a full report on the work next month.",
        ),
    )


async def test_added_pages_are_cited_by_canonical_url_title_and_date(
    site: NewsSite, follower: Follower
) -> None:
    urls = [site.url(f"/news/{slug}") for slug in ("ferry-storm", "council-budget")]
    report = await follower.add(urls)
    assert [(p.url, p.status) for p in report.pages] == [(u, "added") for u in urls]
    ferry = report.pages[0]
    assert ferry.title == "Storm surge shuts Port Alder ferry terminal for three days"
    assert ferry.published == date(2024, 3, 14)
    answer = follower.engine.answer(FERRY_QUESTION, top_k=3)
    top = answer.citations[0]
    assert (top.url, top.title, top.published) == (ferry.source, ferry.title, ferry.published)
    assert top.publisher == "The Harbour Herald"
    # Keyed by the page's <link rel=canonical>, not by the loopback URL it came from.
    assert top.url == FERRY_CANONICAL


async def test_adding_a_page_again_is_unchanged_costs_a_304_and_no_embedding(
    site: NewsSite, follower: Follower
) -> None:
    url = site.url("/news/museum-reopens")
    await follower.add([url])
    site.clear_log()
    again = await follower.add([url])
    assert [p.status for p in again.pages] == ["unchanged"]
    assert again.pages[0].title and again.pages[0].published == date(2024, 5, 2)
    assert again.ingest.embedded == 0 and again.ingest.generation == ""
    pages = [(r.path, r.conditional) for r in site.requests if r.path != "/robots.txt"]
    assert pages == [("/news/museum-reopens", True)]


async def test_a_changed_page_replaces_the_old_version_in_answers(
    site: NewsSite, follower: Follower
) -> None:
    old = story("quay", "Harbour quay to close", "The Harbour quay will close for repairs in May.")
    site.put_story(old)
    url = site.url("/news/quay")
    assert [p.status for p in (await follower.add([url])).pages] == ["added"]
    new = story("quay", "Harbour quay stays open", "The Harbour quay will stay open all summer.")
    site.put_story(replace(new, updated=datetime(2024, 5, 22, tzinfo=UTC)))
    report = await follower.add([url])
    assert [p.status for p in report.pages] == ["replaced"], report.pages
    answer = follower.engine.answer("Will the Harbour quay close?", top_k=5)
    shown = " ".join(c.excerpt + c.title for c in answer.citations)
    assert "stay open all summer" in shown
    assert "close for repairs" not in shown and "to close" not in shown


async def test_private_addresses_are_refused_before_connecting_unless_allowed(
    site: NewsSite, tmp_path: Path, embedder: Embedder
) -> None:
    engine = Engine(tmp_path / "index", embedder=embedder)
    strict = Follower(engine, policy=POLICY)
    try:
        report = await strict.add([site.url("/news/ferry-storm"), "ftp://example.com/x"])
    finally:
        strict.close()
    first, second = report.pages
    assert (first.status, first.refused, second.status, second.refused) == (
        "skipped",
        True,
        "skipped",
        True,
    )
    assert first.reason is not None
    assert "127.0.0.1 is a loopback address" in first.reason
    assert "set NEWSBOT_ALLOW_PRIVATE_URLS=1 to allow private addresses" in first.reason
    assert site.requests == []
    assert not (tmp_path / "index" / "CURRENT").exists()


async def test_a_connection_error_is_a_skip_but_not_a_refusal(follower: Follower) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    report = await follower.add([f"http://127.0.0.1:{port}/news/x"])
    (page,) = report.pages
    assert (page.status, page.refused) == ("skipped", False)
    assert page.reason and "could not fetch" in page.reason


async def test_feeds_are_polled_when_due_and_a_quiet_refresh_embeds_nothing(
    site: NewsSite, follower: Follower, clock: Clock
) -> None:
    rss, atom = site.url("/feeds/rss.xml"), site.url("/feeds/atom.xml")
    follower.follow(rss, every="30m")
    follower.follow(atom, every="1h")
    first = await follower.refresh()
    assert [r.polled_url for r in first.feeds] == [rss, atom]
    assert len(first.ingest.added) == 3 and first.ingest.embedded > 0
    rss_result = first.feeds[0]
    assert (rss_result.items, rss_result.added, rss_result.error) == (3, 3, None)
    assert rss_result.feed.title == "The Harbour Herald - News"
    assert rss_result.feed.items_seen == 3

    assert (await follower.refresh()).feeds == ()  # nothing due yet
    clock.advance(minutes=31)
    site.clear_log()
    quiet = await follower.refresh()
    assert [r.polled_url for r in quiet.feeds] == [rss]
    assert quiet.feeds[0].not_modified and quiet.ingest.embedded == 0
    assert all(request.conditional for request in site.requests), site.requests

    site.put_story(story("bridge", "Swing bridge repainted", "The swing bridge was repainted."))
    clock.advance(hours=1)
    fresh = await follower.refresh()
    assert [(r.polled_url, r.added) for r in fresh.feeds] == [(rss, 1), (atom, 0)]
    assert fresh.ingest.added == (site.url("/news/bridge"),)
    answer = follower.engine.answer("Which bridge was repainted?", top_k=1)
    assert answer.citations[0].url == site.url("/news/bridge")


async def test_a_moved_feed_keeps_its_new_url_and_a_gone_feed_is_disabled(
    site: NewsSite, follower: Follower
) -> None:
    follower.follow(site.url("/redirect/moved-feed"))
    follower.follow(site.url("/status/410"))
    report = await follower.refresh()
    moved, gone = report.feeds
    assert moved.feed.url == site.url("/feeds/rss.xml") and moved.added == 3
    assert gone.feed.disabled and "410" in gone.feed.disabled
    assert gone.feed.next_check is None and not gone.feed.is_due(datetime.now(UTC))
    urls = [f.url for f in follower.feeds()]
    assert urls == [site.url("/feeds/rss.xml"), site.url("/status/410")]


async def test_failures_back_off_and_honour_retry_after(
    site: NewsSite, follower: Follower, clock: Clock
) -> None:
    follower.follow(site.url("/status/429"), every="1m")
    follower.follow(site.url("/status/500"), every="1m")
    busy, broken = (await follower.refresh()).feeds
    assert busy.error and "429" in busy.error
    assert busy.feed.next_check == clock.now + timedelta(seconds=120)  # Retry-After: 120
    assert broken.feed.next_check == clock.now + timedelta(minutes=2)  # 1m doubled
    clock.advance(seconds=90)
    assert (await follower.refresh()).feeds == ()
    clock.advance(seconds=30)
    busy, broken = (await follower.refresh()).feeds
    assert broken.feed.failures == 2
    assert broken.feed.next_check == clock.now + timedelta(minutes=4)
    assert "answered 500" in (broken.feed.last_error or "")


async def test_full_text_items_are_keyed_by_their_page_and_fall_back_to_the_feed_text(
    site: NewsSite, follower: Follower
) -> None:
    site.put_story(story("bridge", "Swing bridge repainted", "The swing bridge was repainted."))
    follower.follow(site.url("/feeds/rss-full.xml"))
    follower.follow(site.url("/feeds/atom.xml"))
    report = await follower.refresh()
    # The same four stories through two feeds are four articles, keyed by canonical URL.
    assert len(report.ingest.added) == 4 and FERRY_CANONICAL in report.ingest.added
    assert len(site.requests_to("/news/ferry-storm")) == 1

    site.robots_txt = "User-agent: *\nDisallow: /news/\n"
    site.put_story(story("pier", "Pier lights restored", "The pier lights were restored."))
    follower.follow(site.url("/feeds/rss-full.xml"), every="1m")
    again = await follower.refresh(force=True)
    assert site.url("/news/pier") in again.ingest.added  # from the feed's own text
    assert site.requests_to("/news/pier") == []
    answer = follower.engine.answer("Which pier lights were restored?", top_k=1)
    assert answer.citations[0].url == site.url("/news/pier")
    assert answer.citations[0].publisher == "The Harbour Herald"


async def test_refresh_all_brings_back_feed_stories_lost_to_a_rebuild(
    site: NewsSite, follower: Follower, tmp_path: Path
) -> None:
    follower.follow(site.url("/feeds/rss.xml"))
    await follower.refresh()
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "note.txt").write_text("A note about the harbour fish market.\n")
    follower.engine.ingest([tmp_path / "files"], rebuild=True)
    assert len(follower.engine.indexed_articles()) == 1
    quiet = await follower.refresh(force=True)
    assert len(quiet.ingest.added) == 3 and not quiet.feeds[0].not_modified
