"""`newsbot serve` as a process on the fake Discord (and the fake Bot API): what users see.

One process runs both front ends for the module (one engine, one /healthz), driven through
the real discord.py client by gateway events from ``FakeDiscord``. The last test stops it
with SIGTERM and starts a Discord-only process, whose buttons must work on the first
process's answers.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.discord.fixtures import (
    ServeProcess,
    assert_within_limits,
    discord_env,
    start_serve,
    visible,
    wait_running,
)
from tests.support.fake_discord import (
    ALICE_ID,
    BOB_ID,
    CHANNEL_ID,
    CREATE_MESSAGE,
    INTERACTION_CALLBACK,
    MESSAGE_CONTENT,
    FakeDiscord,
    SentMessage,
)
from tests.support.fake_telegram import TOKEN as TELEGRAM_TOKEN
from tests.support.fake_telegram import FakeTelegram
from tests.telegram.fixtures import ALICE, BOT_USERNAME, MOSCOW_TIMES_URL, RINGS_QUESTION

OFF_TOPIC = "What is the best recipe for banana bread?"


@pytest.fixture(scope="module")
async def discord_api() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@pytest.fixture(scope="module")
async def telegram_api() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username=BOT_USERNAME) as server:
        yield server


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path) -> Path:
    target = tmp_path_factory.mktemp("discord-serve") / "index"
    shutil.copytree(seed_index_dir, target)
    return target


@pytest.fixture(scope="module")
async def bot(
    discord_api: FakeDiscord, telegram_api: FakeTelegram, index: Path
) -> AsyncIterator[ServeProcess]:
    """Both front ends in one `newsbot serve`, logging at DEBUG."""
    served = await start_serve(
        index,
        **discord_env(discord_api),
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_BASE_URL=telegram_api.base_url,
    )
    try:
        await wait_running(served.port, ["telegram", "discord"])
        await discord_api.wait_for_ready()
    except AssertionError:
        await served.stop()
        raise AssertionError(served.text[-5000:]) from None
    yield served
    if served.process.returncode is None:
        await served.stop()


async def ask(fake: FakeDiscord, question: str, **options: int) -> SentMessage:
    """/ask ``question`` as Alice; the message she finally sees, checked against the limits."""
    interaction = await fake.dispatch_command("ask", {"question": question}, **options)  # type: ignore[arg-type]
    reply = await fake.wait_for_interaction_response(interaction.id, timeout=20)
    ((kind, at),) = interaction.callbacks
    assert kind in (4, 5)
    assert at - interaction.dispatched_at < 3
    assert_within_limits(reply)
    return reply


async def test_both_front_ends_share_one_process_and_one_health_server(
    bot: ServeProcess, discord_api: FakeDiscord, telegram_api: FakeTelegram
) -> None:
    body = await wait_running(bot.port, ["telegram", "discord"])
    telegram_api.enqueue(telegram_api.private_message(RINGS_QUESTION))
    (telegram_reply,) = await telegram_api.wait_for_messages(ALICE, timeout=20)

    assert body["status"] == "ok"
    assert body["frontends"] == {"telegram": "running", "discord": "running"}
    assert MOSCOW_TIMES_URL in telegram_reply.links
    commands = {command["name"]: command for command in discord_api.commands}
    assert set(commands) == {"ask", "new", "sources", "about", "help"}
    (option,) = commands["ask"]["options"]
    assert (option["name"], option["type"], option["required"]) == ("question", 3, True)
    (connection,) = discord_api.connections
    assert connection.query["v"] == "10" and connection.query["encoding"] == "json"
    assert connection.identify is not None
    assert not connection.identify["intents"] & MESSAGE_CONTENT


async def test_slash_ask_answers_with_the_source_url_and_buttons(
    bot: ServeProcess, discord_api: FakeDiscord
) -> None:
    reply = await ask(discord_api, RINGS_QUESTION)

    assert MOSCOW_TIMES_URL in reply.links
    assert "[1]" in visible(reply)
    assert "The Moscow Times" in visible(reply)
    assert "**" in reply.embeds[0]["description"]  # the key sentence in bold
    assert {"Shorter", "Sources"} <= {b["label"] for b in _buttons(reply)}
    assert all(c.startswith("newsbot:answer:") and len(c) <= 100 for c in reply.custom_ids)


async def test_an_off_topic_question_is_refused_without_links(
    bot: ServeProcess, discord_api: FakeDiscord
) -> None:
    reply = await ask(discord_api, OFF_TOPIC)

    assert visible(reply).startswith("Not found in the articles.")
    assert reply.links == []
    assert reply.components == []


async def test_a_mention_is_answered_as_a_reply_and_other_messages_are_ignored(
    bot: ServeProcess, discord_api: FakeDiscord
) -> None:
    before = len(discord_api.messages_in(CHANNEL_ID))
    await discord_api.dispatch_message("Interesting news today, Putin and rings")
    mention = await discord_api.dispatch_message(f"{discord_api.mention} {RINGS_QUESTION}")
    reply = await discord_api.wait_for_message(CHANNEL_ID, before + 1, timeout=20)
    await _settle()

    assert len(discord_api.messages_in(CHANNEL_ID)) == before + 1
    assert reply.reply_to == int(mention["id"])
    assert MOSCOW_TIMES_URL in reply.links
    assert_within_limits(reply)


async def test_a_reply_to_an_answer_reaches_the_bot(
    bot: ServeProcess, discord_api: FakeDiscord
) -> None:
    answer = discord_api.messages_in(CHANNEL_ID)[-1]
    before = len(discord_api.messages_in(CHANNEL_ID))
    # Without the MESSAGE_CONTENT intent a reply that does not ping the bot has no text.
    await discord_api.dispatch_message(
        "and Lukashenko?", reply_to=answer.message_id, ping_replied=False
    )
    follow_up = await discord_api.dispatch_message(
        "Who put Putin's ring on his finger?", reply_to=answer.message_id
    )
    reply = await discord_api.wait_for_message(CHANNEL_ID, before + 1, timeout=20)
    await _settle()

    assert len(discord_api.messages_in(CHANNEL_ID)) == before + 1
    assert reply.reply_to == int(follow_up["id"])
    assert "Lukashenko" in visible(reply)
    assert_within_limits(reply)
    # The question reaches the one place follow-ups get their context, with the answer's key.
    key = answer.custom_ids[0].split(":")[2]
    await discord_api.wait_for(lambda: f"a follow-up to answer {key}" in bot.text, 5, "the log")


async def test_a_dm_is_answered(bot: ServeProcess, discord_api: FakeDiscord) -> None:
    await discord_api.dispatch_dm(RINGS_QUESTION)
    reply = await discord_api.wait_for_message(discord_api.dm_channel_id(ALICE_ID), timeout=20)

    assert MOSCOW_TIMES_URL in reply.links
    assert reply.reply_to is None
    assert_within_limits(reply)


async def test_a_429_is_waited_out_and_the_reply_sent_once(
    bot: ServeProcess, discord_api: FakeDiscord
) -> None:
    channel = discord_api.dm_channel_id(BOB_ID)
    discord_api.rate_limit_next(CREATE_MESSAGE, retry_after=1.0)
    await discord_api.dispatch_dm(RINGS_QUESTION, author_id=BOB_ID)
    await discord_api.wait_for_message(channel, timeout=20)
    await _settle(1.5)

    calls = [
        c for c in discord_api.calls_to(CREATE_MESSAGE) if c.path.endswith(f"/{channel}/messages")
    ]
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].started_at - calls[0].started_at >= 1.0
    assert len(discord_api.messages_in(channel)) == 1


async def test_sigterm_stops_cleanly_and_buttons_work_after_a_restart(
    bot: ServeProcess, discord_api: FakeDiscord, index: Path
) -> None:
    answer = await ask(discord_api, "Putin")
    more = next(b["custom_id"] for b in _buttons(answer) if b["label"] == "More sources ▶")

    code, seconds = await bot.stop()
    output = bot.text
    assert code == 0, output[-3000:]
    assert seconds < 10
    (connection,) = discord_api.connections
    assert connection.closed_by == "client"
    assert " DEBUG " in output and "discord.http" in output  # DEBUG logging really was on
    for secret in (discord_api.token, TELEGRAM_TOKEN, TELEGRAM_TOKEN.split(":")[1]):
        assert secret not in output
    assert discord_api.token.split(".")[2] not in output
    for interaction in discord_api.interactions.values():
        assert interaction.token not in output

    # Discord only: no TELEGRAM_* variable at all.
    restarted = await start_serve(index, **discord_env(discord_api))
    try:
        body = await wait_running(restarted.port, ["discord"])
        assert body["frontends"] == {"discord": "running"}
        press = await discord_api.dispatch_button(answer.message_id, more)
        edited = await discord_api.wait_for_interaction_response(press.id, timeout=20)
    finally:
        code, _ = await restarted.stop()
    assert code == 0, restarted.text[-3000:]
    assert [kind for kind, _ in press.callbacks] in ([7], [6])
    assert "[4]" in visible(edited)
    assert "[1]" not in visible(edited)
    assert "◀ Previous" in {b["label"] for b in _buttons(edited)}
    assert_within_limits(edited)
    assert not [c for c in discord_api.calls_to(INTERACTION_CALLBACK) if c.status >= 400]


def _buttons(message: SentMessage) -> list[dict[str, str]]:
    return [b for row in message.components for b in row["components"]]


async def _settle(seconds: float = 0.5) -> None:
    """Give the bot time to send what it should not (the fake would record it)."""
    await asyncio.sleep(seconds)
