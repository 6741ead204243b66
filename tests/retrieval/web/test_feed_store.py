"""The feed store: feeds, seen items and page validators in feeds.sqlite, across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from retrieval.web.feed_store import (
    FEEDS_FILE,
    FeedStore,
    ItemRecord,
    PageRecord,
    PollUpdate,
)
from retrieval.web.schedule import PollState

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
RSS = "https://herald.example/rss.xml"


def test_feeds_survive_a_restart_and_a_second_add_updates_the_interval(tmp_path: Path) -> None:
    with FeedStore.beside(tmp_path) as store:
        feed, created = store.add(RSS, every=timedelta(minutes=30), now=NOW)
        again, created_again = store.add(RSS, every=timedelta(hours=2), now=NOW)
    assert (created, created_again, feed.id) == (True, False, again.id)
    assert (tmp_path / FEEDS_FILE).is_file()
    with FeedStore.beside(tmp_path) as reopened:
        (stored,) = reopened.feeds()
    assert (stored.url, stored.every, stored.last_poll, stored.items_seen) == (
        RSS,
        timedelta(hours=2),
        None,
        0,
    )
    assert stored.next_check is None and stored.is_due(NOW)


def test_a_poll_saves_state_validators_items_and_pages_in_one_go(tmp_path: Path) -> None:
    with FeedStore.beside(tmp_path) as store:
        feed, _ = store.add(RSS, every=timedelta(minutes=30), now=NOW)
        poll = PollUpdate(
            feed.id,
            PollState(last_poll=NOW),
            RSS,
            title="Herald",
            etag='"v1"',
            last_modified="Sat, 01 Jun 2024 11:00:00 GMT",
            items=(ItemRecord("https://herald.example/a", "f1", "https://herald.example/a"),),
        )
        page = PageRecord("https://herald.example/a", "https://herald.example/a", '"p"', None, "h")
        store.save(polls=[poll], pages=[page])
        (saved,) = store.feeds()
        assert (saved.title, saved.etag, saved.items_seen) == ("Herald", '"v1"', 1)
        assert saved.next_check == NOW + timedelta(minutes=30)
        assert not saved.is_due(NOW + timedelta(minutes=29))
        assert store.page("https://herald.example/a") == page
        assert store.items(feed.id)["https://herald.example/a"].fingerprint == "f1"

        failed = PollUpdate(
            feed.id,
            PollState(last_poll=NOW, failures=1),
            RSS,
            keep_validators=True,
            last_error="boom",
        )
        store.save(polls=[failed])
        (after,) = store.feeds()
        assert (after.etag, after.title, after.last_error, after.failures) == (
            '"v1"',
            "Herald",
            "boom",
            1,
        )


def test_a_moved_feed_takes_its_new_url_or_merges_into_one_already_followed(
    tmp_path: Path,
) -> None:
    with FeedStore.beside(tmp_path) as store:
        old, _ = store.add("https://old.example/rss", every=timedelta(hours=1), now=NOW)
        store.save(polls=[PollUpdate(old.id, PollState(last_poll=NOW), RSS)])
        assert [f.url for f in store.feeds()] == [RSS]
        other, _ = store.add("https://other.example/rss", every=timedelta(hours=1), now=NOW)
        store.save(polls=[PollUpdate(other.id, PollState(last_poll=NOW), RSS)])
        assert [f.url for f in store.feeds()] == [RSS]


def test_removing_a_feed_forgets_its_items(tmp_path: Path) -> None:
    with FeedStore.beside(tmp_path) as store:
        feed, _ = store.add(RSS, every=timedelta(hours=1), now=NOW)
        item = ItemRecord("https://herald.example/a", "f", None)
        store.save(polls=[PollUpdate(feed.id, PollState(last_poll=NOW), RSS, items=(item,))])
        assert store.remove(RSS) and not store.remove(RSS)
        assert store.feeds() == [] and store.items(feed.id) == {}
