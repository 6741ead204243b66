"""Follow-up questions, /new and /about's feeds on Discord: the real client on the fake Discord.

Its own module, with its own index and engine: the feeds it follows are written beside that
index, and an in-process Discord front end sets process-wide discord.py globals.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from retrieval import Embedder, Engine, Follower
from tests.discord.fixtures import assert_within_limits, serving_discord, visible
from tests.support.fake_discord import (
    ALICE_ID,
    BOB_ID,
    CHANNEL_ID,
    OTHER_CHANNEL_ID,
    FakeDiscord,
    GuildSpec,
    SentMessage,
)
from tests.telegram.fixtures import MOSCOW_TIMES_URL

FIRST = "Where was the 2023 summit held?"
FOLLOW_UP = "and in 2022?"
UNDERSTOOD = "Following up on: Where was the summit held in 2022?"
CAROL_ID = 1_300_000_000_000_000_303
"""A third member, so that no one asks often enough here to be throttled."""
FEEDS = ("https://news.example/rss", "https://other.example/atom.xml")


@pytest.fixture(scope="module")
async def fake(
    tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path, embedder: Embedder
) -> AsyncIterator[FakeDiscord]:
    """For the module: the bot serving its own copy of the seed index, following two feeds
    (never polled)."""
    index = tmp_path_factory.mktemp("followups") / "index"
    shutil.copytree(seed_index_dir, index)
    engine = Engine.open(index, embedder=embedder)
    engine.answer(FIRST)  # the lazy loading, before the first timed interaction
    follower = Follower(engine)
    for url in FEEDS:
        follower.follow(url)
    follower.close()
    guild = GuildSpec(member_ids=(ALICE_ID, BOB_ID, CAROL_ID))
    async with (
        FakeDiscord(guilds=(guild,)) as server,
        serving_discord(server, index, engine, poll_feeds=False),
    ):
        yield server


async def _command(
    fake: FakeDiscord,
    name: str,
    options: dict[str, str] | None = None,
    *,
    user_id: int = ALICE_ID,
    channel_id: int = CHANNEL_ID,
    dm: bool = False,
) -> SentMessage:
    """Run a slash command and return what the user sees."""
    interaction = await fake.dispatch_command(
        name, options, user_id=user_id, channel_id=channel_id, dm=dm
    )
    reply = await fake.wait_for_interaction_response(interaction.id)
    assert_within_limits(reply)
    return reply


async def _say(
    fake: FakeDiscord,
    text: str,
    *,
    author_id: int,
    channel_id: int = CHANNEL_ID,
    reply_to: SentMessage | None = None,
) -> SentMessage:
    """Post a message in a guild channel and return the bot's answer to it."""
    before = len(fake.messages_in(channel_id))
    asked = await fake.dispatch_message(
        text,
        channel_id=channel_id,
        author_id=author_id,
        reply_to=reply_to.message_id if reply_to is not None else None,
    )
    reply = await fake.wait_for_message(channel_id, before + 1)
    assert reply.reply_to == int(asked["id"])
    assert_within_limits(reply)
    return reply


async def _dm(fake: FakeDiscord, text: str, *, author_id: int) -> SentMessage:
    """Send the bot a DM and return its answer."""
    channel_id = fake.dm_channel_id(author_id)
    before = len(fake.messages_in(channel_id))
    await fake.dispatch_dm(text, author_id=author_id)
    reply = await fake.wait_for_message(channel_id, before + 1)
    assert_within_limits(reply)
    return reply


async def test_a_reply_to_an_ask_answer_follows_up_whoever_replies(fake: FakeDiscord) -> None:
    answer = await _command(fake, "ask", {"question": FIRST})
    assert "Following up on" not in visible(answer)

    followed = await _say(fake, FOLLOW_UP, author_id=BOB_ID, reply_to=answer)
    assert UNDERSTOOD in visible(followed)
    assert MOSCOW_TIMES_URL in followed.links  # the 2022 summit's report
    assert "27 Dec 2022" in visible(followed)

    # A reply to the follow-up's answer continues the chain.
    chained = await _say(fake, "who attended?", author_id=ALICE_ID, reply_to=followed)
    assert "Following up on: Who attended?" in visible(chained)
    assert "2022" in visible(chained)


async def test_another_persons_elliptical_question_is_not_a_follow_up(fake: FakeDiscord) -> None:
    await _command(fake, "ask", {"question": FIRST}, channel_id=OTHER_CHANNEL_ID)

    bobs = await _say(
        fake, f"{fake.mention} {FOLLOW_UP}", author_id=BOB_ID, channel_id=OTHER_CHANNEL_ID
    )
    assert "Following up on" not in visible(bobs)
    # The asker's own elliptical question, by mention, continues her conversation.
    alices = await _say(
        fake, f"{fake.mention} {FOLLOW_UP}", author_id=ALICE_ID, channel_id=OTHER_CHANNEL_ID
    )
    assert UNDERSTOOD in visible(alices)
    assert MOSCOW_TIMES_URL in alices.links


async def test_new_starts_afresh_in_a_dm(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.asking")
    first = await _dm(fake, FIRST, author_id=CAROL_ID)
    assert "Following up on" not in visible(first)
    followed = await _dm(fake, FOLLOW_UP, author_id=CAROL_ID)
    assert UNDERSTOOD in visible(followed)

    cleared = await _command(fake, "new", user_id=CAROL_ID, dm=True)
    assert cleared.ephemeral
    assert "starting afresh" in visible(cleared)
    after = await _dm(fake, FOLLOW_UP, author_id=CAROL_ID)
    assert "Following up on" not in visible(after)
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.asking"]
    assert len(logged) == 3 and all(line.startswith("question chat=dm ") for line in logged)


async def test_new_in_a_channel_keeps_replies_to_earlier_answers(
    fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.asking")
    answer = await _command(fake, "ask", {"question": FIRST}, user_id=CAROL_ID)
    await _command(fake, "new", user_id=CAROL_ID)

    alone = await _command(fake, "ask", {"question": FOLLOW_UP}, user_id=CAROL_ID)
    assert "Following up on" not in visible(alone)
    replied = await _say(fake, FOLLOW_UP, author_id=CAROL_ID, reply_to=answer)
    assert UNDERSTOOD in visible(replied)
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.asking"]
    assert len(logged) == 3 and all(line.startswith("question chat=guild ") for line in logged)


async def test_about_counts_the_feeds_followed_and_help_names_new(fake: FakeDiscord) -> None:
    about = await _command(fake, "about")
    help_ = await _command(fake, "help")

    assert "News feeds\nFollowing 2 news feeds." in visible(about)
    assert "Articles\n5" in visible(about)
    assert "/new" in visible(help_) and "Follow-ups" in visible(help_)
