"""What a new user meets: deep links, descriptions, examples from the corpus, long messages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.telegram.app import NewsbotApplication
from bot.telegram.deep_links import link_payload, question_from_payload
from bot.telegram.handlers.commands import DESCRIPTION, SHORT_DESCRIPTION
from bot.throttle import Throttle
from retrieval import Embedder, Engine
from tests.support.fake_telegram import FakeTelegram
from tests.telegram.fixtures import (
    ALICE,
    GROUP,
    MOSCOW_TIMES_URL,
    RINGS_QUESTION,
    app,
    bot_settings,
    fake,
    make_settings,
    process,
    started_app,
    warm_engine,
)

__all__ = ["app", "bot_settings", "fake", "warm_engine"]  # fixtures used by name

LIGHTHOUSE = (
    "Lighthouse restored in Brittany\n\nVolunteers restored the 1882 lighthouse at Ploumanac'h"
    " over two summers, the mayor said on Monday.\n"
)


@pytest.fixture
async def lighthouse_app(
    fake: FakeTelegram, tmp_path: Path, embedder: Embedder
) -> AsyncIterator[NewsbotApplication]:
    """The bot serving a one-article corpus that has nothing to do with the seeds."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "lighthouse.txt").write_text(LIGHTHOUSE)
    engine = Engine(tmp_path / "index", embedder=embedder)
    engine.ingest([tmp_path / "articles"])
    application = await started_app(
        make_settings(fake, tmp_path / "index"), engine, throttle=Throttle(capacity=100, rate=10)
    )
    yield application
    await application.shutdown()


async def test_a_deep_link_question_is_answered_at_once(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    payload = link_payload(RINGS_QUESTION)
    assert payload is not None and question_from_payload(payload) == RINGS_QUESTION

    await process(app, fake.private_message(f"/start {payload}"))

    (reply,) = fake.messages_to(ALICE)
    assert MOSCOW_TIMES_URL in reply.links


async def test_a_readable_deep_link_and_the_inline_help_link(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    await process(app, fake.private_message("/start putin_rings_CIS_leaders"))
    await process(app, fake.private_message("/start inline_help"))

    answer, help_text = fake.messages_to(ALICE)
    assert MOSCOW_TIMES_URL in answer.links
    assert "How to ask" in help_text.text


async def test_start_sets_the_descriptions_an_empty_chat_shows(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    assert fake.description == DESCRIPTION
    assert fake.short_description == SHORT_DESCRIPTION


async def test_examples_come_from_the_corpus_being_served(
    lighthouse_app: NewsbotApplication, fake: FakeTelegram
) -> None:
    for text in ("/start", "/help", "/ask", "🤔"):
        await process(lighthouse_app, fake.private_message(text))

    replies = fake.messages_to(ALICE)
    assert len(replies) == 4
    for reply in replies:
        assert "Lighthouse restored in Brittany" in reply.text, reply.text
        assert "Putin" not in reply.text


async def test_help_explains_privacy_mode_in_groups(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    await process(app, fake.private_message("/help"))

    (reply,) = fake.messages_to(ALICE)
    assert "privacy mode" in reply.text
    assert "only commands and replies to my messages" in reply.text


async def test_a_long_message_is_answered_by_its_last_question(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    story = "My uncle told me a long story about the weather in the valley last spring. " * 30
    await process(app, fake.group_message(f"/ask {story}{RINGS_QUESTION}", chat_id=GROUP))

    (reply,) = fake.messages_to(GROUP)
    assert MOSCOW_TIMES_URL in reply.links
    assert "answered only its question" in reply.text
    assert RINGS_QUESTION in reply.text
