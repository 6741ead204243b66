"""Admins' /add and /feeds on the fake Bot API, fetching from the loopback news site."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services import Services
from bot.settings import ANONYMOUS_ADMIN_ID
from bot.telegram.app import NewsbotApplication
from bot.throttle import Throttle
from retrieval import Embedder, Engine, Follower
from retrieval.web.fetch_models import FetchPolicy
from tests.support.fake_telegram import FakeTelegram
from tests.support.news_fixtures import site
from tests.support.news_site import NewsSite
from tests.telegram.fixtures import (
    ADMIN_ID,
    ALICE,
    GROUP,
    assert_valid_replies,
    button_data,
    fake,
    make_settings,
    process,
    started_app,
)

__all__ = ["fake", "site"]  # fixtures used by name

FERRY_CANONICAL = "https://www.harbourherald.example/news/2024/03/14/storm-surge-shuts-port-alder-ferry-terminal/"


@pytest.fixture
async def follow_app(
    fake: FakeTelegram, tmp_path: Path, embedder: Embedder
) -> AsyncIterator[NewsbotApplication]:
    """A bot over an empty index whose follower may fetch from 127.0.0.1."""
    index_dir = tmp_path / "index"
    settings = make_settings(fake, index_dir)
    engine = Engine(index_dir, embedder=embedder)
    follower = Follower(
        engine, allow_private=True, policy=FetchPolicy(timeout=10.0, host_delay=0.0)
    )
    services = Services(
        engine=engine,
        settings=settings,
        throttle=Throttle(capacity=1000, rate=100),
        follower=follower,
    )
    application = await started_app(settings, engine, services=services)
    yield application
    await application.shutdown()
    follower.close()


async def test_add_replies_with_title_and_date_and_the_article_answers(
    follow_app: NewsbotApplication, fake: FakeTelegram, site: NewsSite
) -> None:
    url = site.url("/news/ferry-storm")
    await process(follow_app, fake.private_message(f"/add {url}", user_id=ADMIN_ID))
    fetching, added = fake.messages_to(ADMIN_ID)
    assert fetching.text.startswith("Fetching 1 page")
    assert added.text.startswith(
        "Added: Storm surge shuts Port Alder ferry terminal for three days — 14 Mar 2024"
    )
    assert FERRY_CANONICAL in added.links
    assert "1 added" in added.text

    await process(
        follow_app,
        fake.private_message("How long is the Port Alder ferry terminal shut?", user_id=ALICE),
    )
    (answer,) = fake.messages_to(ALICE)
    assert FERRY_CANONICAL in answer.links
    assert_valid_replies([*fake.messages_to(ADMIN_ID), answer])


@pytest.mark.parametrize("command", ["/add", "/feeds"])
@pytest.mark.parametrize("where", ["private non-admin", "group admin", "anonymous admin"])
async def test_add_and_feeds_are_refused_to_everyone_but_admins_in_private(
    follow_app: NewsbotApplication, fake: FakeTelegram, site: NewsSite, command: str, where: str
) -> None:
    text = f"{command} {site.url('/feeds/rss.xml')}"
    if where == "private non-admin":
        update, chat = fake.private_message(text), ALICE
    elif where == "group admin":
        update, chat = fake.group_message(text, user_id=ADMIN_ID), GROUP
    else:
        update = fake.group_message(text, user_id=ANONYMOUS_ADMIN_ID, username="Group")
        update["message"]["sender_chat"] = {"id": GROUP, "type": "supergroup", "title": "g"}
        chat = GROUP
    await process(follow_app, update)
    (reply,) = fake.messages_to(chat)
    assert "only for the bot's administrators" in reply.text
    assert site.requests == []


async def test_feeds_add_list_check_and_remove_with_buttons(
    follow_app: NewsbotApplication, fake: FakeTelegram, site: NewsSite
) -> None:
    rss = site.url("/feeds/rss.xml")
    await process(follow_app, fake.private_message(f"/feeds add {rss} 2h", user_id=ADMIN_ID))
    done, listing = fake.messages_to(ADMIN_ID)
    assert done.text.startswith(f"Now following {rss} every 2h")
    assert listing.text.startswith("Feeds I follow (1):")
    assert "every 2h" in listing.text and "0 items seen" in listing.text
    buttons = button_data(listing)
    assert set(buttons) == {"Remove 1", "Check all feeds now"}
    assert all(len(data.encode()) <= 64 for data in buttons.values())

    # Someone else pressing the admin's buttons (a forwarded message) changes nothing.
    await process(
        follow_app,
        fake.callback_query(buttons["Remove 1"], message=listing.message, user_id=ALICE),
    )
    assert "administrators" in fake.callback_answers[-1]["text"]

    await process(
        follow_app,
        fake.callback_query(
            buttons["Check all feeds now"], message=listing.message, user_id=ADMIN_ID
        ),
    )
    summary = fake.messages_to(ADMIN_ID)[-1]
    assert summary.text.startswith("1 feed checked: 3 new stories, 0 updated, 0 failed.")
    assert f"{rss}: 3 items, 3 added" in summary.text
    refreshed = fake.edits[-1]
    assert "1. The Harbour Herald - News\n" + rss in refreshed.text
    assert "3 items seen" in refreshed.text

    await process(
        follow_app,
        fake.callback_query(buttons["Remove 1"], message=refreshed.message, user_id=ADMIN_ID),
    )
    assert fake.callback_answers[-1]["text"] == "Stopped following it."
    assert fake.edits[-1].text.startswith("I follow no feeds yet.")
    assert_valid_replies(fake.messages_to(ADMIN_ID) + fake.edits)


async def test_feeds_subcommands_explain_mistakes_and_about_counts_feeds(
    follow_app: NewsbotApplication, fake: FakeTelegram, site: NewsSite
) -> None:
    for text in ("/feeds add not-a-url", "/feeds add https://x.example/rss 5s", "/feeds drop"):
        await process(follow_app, fake.private_message(text, user_id=ADMIN_ID))
    replies = [m.text for m in fake.messages_to(ADMIN_ID)]
    assert "http:// or https://" in replies[0]
    assert "at most every 1m" in replies[2]
    assert replies[4].startswith("Use /feeds to list the feeds")

    await process(
        follow_app,
        fake.private_message(f"/add {site.url('/news/museum-reopens')}", user_id=ADMIN_ID),
    )
    await process(
        follow_app,
        fake.private_message(f"/feeds add {site.url('/feeds/atom.xml')}", user_id=ADMIN_ID),
    )
    await process(follow_app, fake.private_message("/about", user_id=ALICE))
    (about,) = fake.messages_to(ALICE)
    assert "Newest article: 2 May 2024." in about.text
    assert "Following 1 news feed." in about.text
