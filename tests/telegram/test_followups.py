"""Follow-up questions in Telegram, end to end: real Application and engine, fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.conversation import CONVERSATION_TTL_S, Conversations
from bot.services import Services
from bot.settings import Settings
from bot.telegram.app import NewsbotApplication
from bot.throttle import Throttle
from retrieval import Engine
from tests.support.fake_telegram import FakeTelegram, SentMessage
from tests.telegram.fixtures import (
    ALICE,
    BOB,
    BOT_USERNAME,
    GROUP,
    MOSCOW_TIMES_URL,
    assert_valid_replies,
    bot_settings,
    fake,
    process,
    started_app,
    warm_engine,
)

__all__ = ["bot_settings", "fake", "warm_engine"]  # fixtures used by name

FIRST = "Where was the 2023 summit held?"
FOLLOW_UP = "and in 2022?"
UNDERSTOOD = "Following up on: Where was the summit held in 2022?"


class Clock:
    """A monotonic clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def app(
    bot_settings: Settings, warm_engine: Engine, clock: Clock
) -> AsyncIterator[NewsbotApplication]:
    """An Application whose conversations follow ``clock``, with a generous throttle."""
    services = Services(
        engine=warm_engine,
        settings=bot_settings,
        throttle=Throttle(capacity=1000, rate=100),
        conversations=Conversations(clock=clock),
    )
    application = await started_app(bot_settings, warm_engine, services=services)
    yield application
    await application.shutdown()


def _replying(update: dict[str, Any], message: SentMessage) -> dict[str, Any]:
    """``update`` made a reply to the bot's ``message``."""
    update["message"]["reply_to_message"] = message.message
    return update


async def _ask(
    app: NewsbotApplication, fake: FakeTelegram, update: dict[str, Any], chat: int
) -> SentMessage:
    before = len(fake.messages_to(chat))
    await process(app, update)
    replies = fake.messages_to(chat)[before:]
    assert len(replies) == 1, fake.describe_calls()
    assert_valid_replies(replies)
    return replies[0]


async def test_a_reply_to_an_answer_is_answered_as_a_followup(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    first = await _ask(app, fake, fake.private_message(FIRST), ALICE)
    assert "Following up on" not in first.text

    second = await _ask(app, fake, _replying(fake.private_message(FOLLOW_UP), first), ALICE)

    assert UNDERSTOOD in second.text
    assert MOSCOW_TIMES_URL in second.links  # the 2022 summit's report
    assert "27 Dec 2022" in second.text


async def test_an_elliptical_question_continues_within_ten_minutes_only(
    app: NewsbotApplication, fake: FakeTelegram, clock: Clock
) -> None:
    await _ask(app, fake, fake.private_message(FIRST), ALICE)
    clock.now += CONVERSATION_TTL_S - 5
    followed = await _ask(app, fake, fake.private_message(FOLLOW_UP), ALICE)
    assert UNDERSTOOD in followed.text

    clock.now += CONVERSATION_TTL_S + 1
    late = await _ask(app, fake, fake.private_message(FOLLOW_UP), ALICE)
    assert "Following up on" not in late.text


async def test_a_question_that_stands_alone_starts_afresh(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    await _ask(app, fake, fake.private_message(FIRST), ALICE)
    fresh = await _ask(app, fake, fake.private_message("Who gave rings to CIS leaders?"), ALICE)
    assert "Following up on" not in fresh.text
    followed = await _ask(app, fake, fake.private_message("and in 2023?"), ALICE)
    assert "Following up on: Who gave rings to CIS leaders in 2023?" in followed.text


async def test_new_forgets_the_previous_question(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    first = await _ask(app, fake, fake.private_message(FIRST), ALICE)

    cleared = await _ask(app, fake, fake.private_message("/new"), ALICE)
    assert "starting afresh" in cleared.text
    after = await _ask(app, fake, fake.private_message(FOLLOW_UP), ALICE)
    assert "Following up on" not in after.text
    # A reply to the earlier answer still follows up on it.
    replied = await _ask(app, fake, _replying(fake.private_message(FOLLOW_UP), first), ALICE)
    assert UNDERSTOOD in replied.text


async def test_in_groups_context_follows_the_person_and_reply_chains(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    def from_alice(text: str) -> dict[str, Any]:
        return fake.group_message(text, user_id=ALICE, first_name="Alice", username="alice")

    answer = await _ask(app, fake, from_alice(f"/ask {FIRST}"), GROUP)

    # Bob's elliptical question is not Alice's conversation...
    bob = await _ask(app, fake, fake.group_message(f"@{BOT_USERNAME} {FOLLOW_UP}"), GROUP)
    assert "Following up on" not in bob.text
    # ...unless he replies to the bot's answer.
    chained = await _ask(
        app, fake, fake.group_message(FOLLOW_UP, user_id=BOB, reply_to=answer.message), GROUP
    )
    assert UNDERSTOOD in chained.text
    # Alice's own follow-up continues her conversation.
    mine = await _ask(app, fake, from_alice(f"/ask {FOLLOW_UP}"), GROUP)
    assert UNDERSTOOD in mine.text
    # A reply to the follow-up's answer continues the chain.
    further = await _ask(
        app,
        fake,
        fake.group_message("who attended?", user_id=BOB, reply_to=chained.message),
        GROUP,
    )
    assert "Following up on: Who attended?" in further.text
    assert "2022" in further.text


async def test_new_is_in_the_menu_and_in_help(app: NewsbotApplication, fake: FakeTelegram) -> None:
    (call, *_) = fake.calls_to("setMyCommands")
    assert "new" in [command["command"] for command in call.params["commands"]]

    help_text = await _ask(app, fake, fake.private_message("/help"), ALICE)
    assert "/new" in help_text.text
    assert "Follow-ups" in help_text.text
