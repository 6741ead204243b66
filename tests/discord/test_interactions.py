"""Slash commands and buttons through ``bot.serve.run`` in this process, on the fake Discord.

Here the front end is built by the test, so it can defer every answer (``defer_after=0``):
the path a slow answer takes ("thinking…", then the answer in its place) is checked without
waiting for a slow engine.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.discord.buttons import ArticlesButton, answer_buttons, articles_buttons
from bot.view import View
from retrieval import Engine
from tests.discord.fixtures import (
    assert_within_limits,
    serving_discord,
    visible,
)
from tests.support.fake_discord import BOB_ID, CHANNEL_ID, FakeDiscord, SentMessage
from tests.telegram.fixtures import MOSCOW_TIMES_URL, RINGS_QUESTION, warm_engine

__all__ = ["warm_engine"]  # fixtures used by name


@pytest.fixture(scope="module")
async def deferring(
    tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path, warm_engine: Engine
) -> AsyncIterator[FakeDiscord]:
    """For the module: the Discord front end deferring every interaction, however fast."""
    index = tmp_path_factory.mktemp("interactions") / "index"
    shutil.copytree(seed_index_dir, index)
    async with (
        FakeDiscord() as fake,
        serving_discord(fake, index, warm_engine, defer_after=0.0),
    ):
        yield fake


def _buttons(message: SentMessage) -> dict[str, str]:
    return {
        b["label"]: b.get("custom_id", b.get("url", ""))
        for row in message.components
        for b in row["components"]
    }


async def test_a_slow_answer_is_deferred_then_shown_in_place(deferring: FakeDiscord) -> None:
    interaction = await deferring.dispatch_command("ask", {"question": RINGS_QUESTION})
    reply = await deferring.wait_for_interaction_response(interaction.id)

    assert [kind for kind, _ in interaction.callbacks] == [5]
    assert interaction.callbacks[0][1] - interaction.dispatched_at < 3
    assert reply.message_id == interaction.original_id  # the "thinking…" message, filled
    assert MOSCOW_TIMES_URL in reply.links
    assert not reply.ephemeral
    assert_within_limits(reply)


async def test_buttons_answer_only_the_asker(
    deferring: FakeDiscord,
) -> None:
    asked = await deferring.dispatch_command("ask", {"question": RINGS_QUESTION})
    answer = await deferring.wait_for_interaction_response(asked.id)
    shorter = _buttons(answer)["Shorter"]
    foreign = await deferring.dispatch_button(answer.message_id, shorter, user_id=BOB_ID)
    note = await deferring.wait_for_interaction_response(foreign.id)

    assert note.ephemeral
    assert "Only the person who asked" in note.content
    assert_within_limits(note)
    assert deferring.snapshot(answer.message_id).embeds == answer.embeds


async def test_a_reply_to_a_deferred_answer_follows_up(deferring: FakeDiscord) -> None:
    asked = await deferring.dispatch_command(
        "ask", {"question": "Where was the 2023 summit held?"}
    )
    answer = await deferring.wait_for_interaction_response(asked.id)
    before = len(deferring.messages_in(CHANNEL_ID))
    await deferring.dispatch_message("and in 2022?", reply_to=answer.message_id)
    followed = await deferring.wait_for_message(CHANNEL_ID, before + 1)

    assert [kind for kind, _ in asked.callbacks] == [5]  # the answer filled "thinking…"
    assert "Following up on: Where was the summit held in 2022?" in visible(followed)
    assert MOSCOW_TIMES_URL in followed.links
    assert_within_limits(followed)


async def test_sources_about_and_help(deferring: FakeDiscord) -> None:
    replies = []
    for name in ("sources", "about", "help"):
        interaction = await deferring.dispatch_command(name)
        replies.append(await deferring.wait_for_interaction_response(interaction.id))
    sources, about, help_ = replies

    assert "Articles I have read (5)" in visible(sources)
    assert MOSCOW_TIMES_URL in sources.links
    assert "Newest article" in visible(about) and "The Moscow Times" in visible(about)
    assert "/ask question:" in visible(help_) and "/new" in visible(help_)
    for reply in replies:
        assert_within_limits(reply)


async def test_a_mention_without_a_question_gets_a_hint(deferring: FakeDiscord) -> None:
    before = len(deferring.messages_in(CHANNEL_ID))
    mention = await deferring.dispatch_message(deferring.mention)
    reply = await deferring.wait_for_message(CHANNEL_ID, before + 1)
    await asyncio.sleep(0.2)

    assert reply.reply_to == int(mention["id"])
    assert "Write your question after my name" in visible(reply)
    assert reply.links == []


async def test_a_user_asking_too_fast_is_told_privately(deferring: FakeDiscord) -> None:
    replies = []
    for _ in range(8):
        interaction = await deferring.dispatch_command(
            "ask", {"question": RINGS_QUESTION}, user_id=BOB_ID
        )
        replies.append(await deferring.wait_for_interaction_response(interaction.id))

    throttled = [r for r in replies if "faster than I can read" in r.content]
    assert throttled
    assert all(r.ephemeral and not r.embeds for r in throttled)
    for reply in replies:
        assert_within_limits(reply)
    assert MOSCOW_TIMES_URL in replies[0].links


def test_button_custom_ids_fit_and_route_back() -> None:
    view = answer_buttons("Ab3_-xYz", view=View.SHORT, page=2, pages=3, links=())
    ids = [getattr(item, "custom_id", None) for item in view.children]
    articles = articles_buttons(page=0, pages=4)

    assert ids == [
        "newsbot:answer:Ab3_-xYz:k:1",
        "newsbot:answer:Ab3_-xYz:x:0",
        "newsbot:answer:Ab3_-xYz:s:0",
    ]
    assert all(len(custom_id) <= 100 for custom_id in ids)
    assert articles is not None
    assert [getattr(item, "custom_id", None) for item in articles.children] == [
        "newsbot:articles:1"
    ]
    assert ArticlesButton.__discord_ui_compiled_template__.fullmatch("newsbot:articles:12")
    assert articles_buttons(page=0, pages=1) is None
