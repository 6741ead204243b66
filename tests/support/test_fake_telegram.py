"""Tests for tests/support/fake_telegram.py, driven by a real python-telegram-bot ``Bot``."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from tests.support.fake_telegram import (
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    TOKEN,
    FakeTelegram,
    detect_entities,
)

USER = 1001
GROUP = -1001234567890


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url) as client:
        yield client


def ptb_message(description: str) -> str:
    """Return the message PTB shows for a Bot API error description."""
    return description.removeprefix("Bad Request: ").capitalize()


def retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def raw_call(
    fake: FakeTelegram, method: str, *, token: str = TOKEN, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    """Call the fake over plain HTTP, as Telegram's own clients may."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.base_url}{token}/{method}", **kwargs) as response,
    ):
        return response.status, await response.json()


# -- routing and errors ---------------------------------------------------------------------


async def test_get_me_returns_the_bot_user(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 424242
    assert me.username == "newsbot_test_bot"
    assert me.can_join_groups is True
    assert me.supports_inline_queries is True
    assert me.can_read_all_group_messages is False
    assert fake.base_url == f"http://127.0.0.1:{fake.port}/bot"
    assert fake.calls[-1].method == "getMe"
    assert fake.calls[-1].status == 200


@pytest.mark.parametrize("spelling", ["getMe", "getme", "GETME", "GetMe"])
async def test_method_names_are_case_insensitive(fake: FakeTelegram, spelling: str) -> None:
    status, body = await raw_call(fake, spelling)
    assert (status, body["ok"], body["result"]["id"]) == (200, True, 424242)
    assert fake.calls[-1].method == "getMe"


async def test_unknown_method_is_404(fake: FakeTelegram) -> None:
    status, body = await raw_call(fake, "launchRockets")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_wrong_token_is_401_and_ptb_raises_invalid_token(fake: FakeTelegram) -> None:
    status, body = await raw_call(fake, "getMe", token="123:wrong")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    with pytest.raises(InvalidToken):
        await Bot("123456789:wrong", base_url=fake.base_url).get_me()


async def test_json_bodies_and_query_strings_are_accepted(fake: FakeTelegram) -> None:
    status, body = await raw_call(fake, "sendMessage", json={"chat_id": USER, "text": "json"})
    assert (status, body["result"]["text"]) == (200, "json")
    status, body = await raw_call(fake, "sendMessage", params={"chat_id": USER, "text": "query"})
    assert (status, body["result"]["text"]) == (200, "query")
    assert [m.text for m in fake.messages_to(USER)] == ["json", "query"]


@pytest.mark.parametrize("text", ["123", "true", "null", '"quoted"', "[1, 2]", '{"a": 1}', "1e3"])
async def test_free_text_is_never_json_decoded(fake: FakeTelegram, bot: Bot, text: str) -> None:
    message = await bot.send_message(USER, text)
    assert message.text == text
    assert fake.sent[-1].text == text
    assert fake.calls[-1].params["text"] == text


# -- sendMessage ----------------------------------------------------------------------------


async def test_send_html_message_records_what_the_user_sees(fake: FakeTelegram, bot: Bot) -> None:
    html = '<b>Answer</b>: see <a href="https://news.example/a?x=1&amp;y=2">the article</a> 😀'
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more:1")]])
    message = await bot.send_message(
        USER,
        html,
        parse_mode="HTML",
        reply_markup=markup,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert message.text == "Answer: see the article 😀"
    assert message.message_id == 1
    assert message.from_user is not None
    assert message.from_user.id == 424242
    assert message.reply_markup == markup
    sent = fake.sent[-1]
    assert sent.chat_id == USER
    assert sent.html == html
    assert sent.parse_mode == "HTML"
    assert sent.links == ["https://news.example/a?x=1&y=2"]
    assert [e["type"] for e in sent.entities] == ["bold", "text_link"]
    assert sent.link_preview_disabled is True
    assert sent.reply_markup == markup.to_dict()
    assert sent.message["message_id"] == message.message_id
    assert message.parse_entity(message.entities[1]) == "the article"
    second = await bot.send_message(USER, "again", disable_web_page_preview=True)
    assert second.message_id == 2
    assert fake.sent[-1].link_preview_disabled is True
    assert fake.sent[-1].parse_mode is None


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<x>no</x>", 'Unsupported start tag "x" at byte offset 0'),
        ("5 < 6", 'Unsupported start tag "" at byte offset 2'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
    ],
)
async def test_bad_html_is_rejected_like_telegram(
    fake: FakeTelegram, bot: Bot, html: str, reason: str
) -> None:
    description = f"Bad Request: can't parse entities: {reason}"
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(USER, html, parse_mode="HTML")
    assert caught.value.message == ptb_message(description)
    assert fake.calls[-1].status == 400
    assert fake.calls[-1].response == {"ok": False, "error_code": 400, "description": description}
    assert fake.sent == []


@pytest.mark.parametrize(
    ("text", "parse_mode", "ok"),
    [
        ("a" * 4096, None, True),
        ("a" * 4097, None, False),
        ("<b>" + "a" * 4096 + "</b>", "HTML", True),  # the limit applies after parsing
        ("&amp;" * 4096, "HTML", True),
        ("&amp;" * 4097, "HTML", False),
        ("  " + "a" * 4096 + "\n\n", None, True),  # surrounding whitespace is stripped first
    ],
)
async def test_message_length_is_counted_after_parsing(
    fake: FakeTelegram, bot: Bot, text: str, parse_mode: str | None, ok: bool
) -> None:
    if ok:
        message = await bot.send_message(USER, text, parse_mode=parse_mode)
        assert len(message.text or "") == 4096
    else:
        with pytest.raises(BadRequest, match=r"^Message is too long$"):
            await bot.send_message(USER, text, parse_mode=parse_mode)


@pytest.mark.parametrize(("text", "parse_mode"), [(" \n ", None), ("<b> </b>", "HTML")])
async def test_empty_text_is_rejected(bot: Bot, text: str, parse_mode: str | None) -> None:
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(USER, text, parse_mode=parse_mode)


@pytest.mark.parametrize(
    ("data", "ok"),
    [("x" * 64, True), ("x" * 65, False), ("é" * 32, True), ("é" * 33, False)],
)
async def test_callback_data_is_limited_to_64_bytes(
    fake: FakeTelegram, bot: Bot, data: str, ok: bool
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data=data)]])
    if ok:
        await bot.send_message(USER, "buttons", reply_markup=markup)
        assert fake.sent[-1].reply_markup == markup.to_dict()
    else:
        with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
            await bot.send_message(USER, "buttons", reply_markup=markup)


async def test_replies_record_the_replied_message(fake: FakeTelegram, bot: Bot) -> None:
    question = fake.group_message("/ask@newsbot_test_bot who won?")["message"]
    answer = await bot.send_message(
        GROUP, "Nobody.", reply_parameters=ReplyParameters(question["message_id"])
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "/ask@newsbot_test_bot who won?"
    assert fake.sent[-1].reply_to_message_id == question["message_id"]
    with pytest.raises(BadRequest, match=r"^Message to be replied not found$"):
        await bot.send_message(GROUP, "x", reply_parameters=ReplyParameters(9999))
    # A user's reply to the bot's answer carries the answer as reply_to_message.
    follow_up = fake.group_message("and then?", reply_to=fake.sent[-1].message)
    assert follow_up["message"]["reply_to_message"]["from"]["id"] == 424242


async def test_wait_for_messages_returns_them_and_times_out_readably(
    fake: FakeTelegram, bot: Bot
) -> None:
    async def reply_later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(USER, "late")

    task = asyncio.create_task(reply_later())
    messages = await fake.wait_for_messages(USER, timeout=5)
    await task
    assert [m.text for m in messages] == ["late"]
    with pytest.raises(AssertionError, match=r"(?s)2 message\(s\) to chat 1001.*sendMessage"):
        await fake.wait_for_messages(USER, count=2, timeout=0.1)


# -- editing and other methods --------------------------------------------------------------


async def test_edit_message_text(fake: FakeTelegram, bot: Bot) -> None:
    message = await bot.send_message(USER, "<b>draft</b>", parse_mode="HTML")
    with pytest.raises(BadRequest) as caught:
        await bot.edit_message_text("<b>draft</b>", USER, message.message_id, parse_mode="HTML")
    assert caught.value.message == ptb_message(NOT_MODIFIED)
    edited = await bot.edit_message_text("final", USER, message.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "final"
    assert edited.edit_date is not None
    assert [e.text for e in fake.edits] == ["final"]
    assert (fake.message(USER, message.message_id) or {})["text"] == "final"
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", USER, 999)


async def test_edit_reply_markup_delete_and_chat_action(fake: FakeTelegram, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    message = await bot.send_message(USER, "pick", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=markup)
    await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=None)
    assert "reply_markup" not in (fake.message(USER, message.message_id) or {})
    assert await bot.delete_message(USER, message.message_id) is True
    assert fake.deleted == [(USER, message.message_id)]
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(USER, message.message_id)
    assert await bot.send_chat_action(USER, "typing") is True
    assert fake.chat_actions == [{"chat_id": USER, "action": "typing"}]
    with pytest.raises(BadRequest):
        await bot.send_chat_action(USER, "dancing")


@pytest.mark.parametrize(
    ("command", "description", "error"),
    [
        ("ask", "Ask a question about the news", None),
        ("a_1", "x" * 256, None),
        ("Ask", "upper case", "Bot_command_invalid"),
        ("ask-me", "dash", "Bot_command_invalid"),
        ("x" * 33, "too long", "Bot_command_invalid"),
        ("ask", "x" * 257, "Bot_command_description_invalid"),
    ],
)
async def test_set_my_commands_validates_like_telegram(
    fake: FakeTelegram, bot: Bot, command: str, description: str, error: str | None
) -> None:
    if error is None:
        assert await bot.set_my_commands([(command, description)]) is True
        assert fake.commands == [{"command": command, "description": description}]
        assert [c.command for c in await bot.get_my_commands()] == [command]
        await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()
    else:
        with pytest.raises(BadRequest, match=f"^{error}$"):
            await bot.set_my_commands([(command, description)])


async def test_webhook_methods(fake: FakeTelegram, bot: Bot) -> None:
    assert (await bot.get_webhook_info()).url == ""
    with pytest.raises(BadRequest, match="an https url must be provided"):
        await bot.set_webhook("http://example.com/hook")
    await bot.set_webhook("https://example.com/hook", secret_token="s3cret-token_1")
    assert fake.webhook["secret_token"] == "s3cret-token_1"
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook() is True
    assert fake.webhook["url"] == ""


# -- faults ---------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # retry_after type
async def test_429_raises_retry_after_then_recovers(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "flood")
    assert retry_seconds(caught.value) == 7
    assert fake.calls[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert (await bot.send_message(USER, "flood")).text == "flood"


@pytest.mark.parametrize(
    ("status", "description", "error"),
    [
        (500, "Internal Server Error", NetworkError),
        (502, "Bad Gateway", NetworkError),
        (403, "Forbidden: bot was blocked by the user", Forbidden),
        (400, "Bad Request: chat not found", BadRequest),
    ],
)
async def test_fail_next_is_consumed_in_order(
    fake: FakeTelegram, bot: Bot, status: int, description: str, error: type[Exception]
) -> None:
    fake.fail_next("sendmessage", status=status, description=description, times=2)
    for _ in range(2):
        with pytest.raises(error):
            await bot.send_message(USER, "x")
        assert fake.calls[-1].status == status
    assert (await bot.send_message(USER, "third")).text == "third"
    assert [m.text for m in fake.sent] == ["third"]


async def test_reset_and_delay(fake: FakeTelegram, bot: Bot) -> None:
    fake.reset_next("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "lost")
    assert fake.calls[-1].status == 0
    fake.delay_next("getMe", 0.3)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.3


# -- updates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/ask@newsbot_test_bot hi", [("bot_command", "/ask@newsbot_test_bot")]),
        ("@newsbot_test_bot x", [("mention", "@newsbot_test_bot")]),
        ("😀 /ask@newsbot_test_bot hi", [("bot_command", "/ask@newsbot_test_bot")]),
        ("👍🏽👍🏽 @newsbot_test_bot x", [("mention", "@newsbot_test_bot")]),
        ("é /start", [("bot_command", "/start")]),
        ("hey @alice_b and /help", [("mention", "@alice_b"), ("bot_command", "/help")]),
        ("see https://news.example/a, ok", [("url", "https://news.example/a")]),
        ("a/ask and mail@example.com", []),
        ("plain question?", []),
    ],
)
async def test_updates_carry_telegram_entities_in_utf16(
    fake: FakeTelegram, bot: Bot, text: str, expected: list[tuple[str, str]]
) -> None:
    update = Update.de_json(fake.private_message(text), bot)
    assert update.message is not None
    # PTB slices with the UTF-16 offsets; getting the right substrings proves them right.
    found = update.message.parse_entities()
    assert [(entity.type, found[entity]) for entity in update.message.entities] == expected


def test_detect_entities_offsets_are_utf16() -> None:
    assert detect_entities("😀 /ask x") == [{"type": "bot_command", "offset": 3, "length": 4}]


async def test_get_updates_delivers_enqueued_updates_and_honours_offset(
    fake: FakeTelegram, bot: Bot
) -> None:
    first, second = fake.private_message("one"), fake.group_message("two")
    fake.enqueue(first)
    fake.enqueue(second)
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [first["update_id"], second["update_id"]]
    assert [u.update_id for u in await bot.get_updates(limit=1)] == [first["update_id"]]
    again = await bot.get_updates(offset=first["update_id"] + 1)
    assert [u.update_id for u in again] == [second["update_id"]]
    assert await bot.get_updates(offset=second["update_id"] + 1, timeout=0) == ()
    assert fake.pending_updates == []


async def test_get_updates_long_polls_until_an_update_or_timeout(
    fake: FakeTelegram, bot: Bot
) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    assert not poll.done()
    update = fake.private_message("hello")
    started = time.monotonic()
    fake.enqueue(update)
    updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 2
    assert updates[0].message is not None
    assert updates[0].message.text == "hello"


async def test_concurrent_get_updates_terminates_the_older_one(fake: FakeTelegram) -> None:
    async with (
        Bot(TOKEN, base_url=fake.base_url) as first,
        Bot(TOKEN, base_url=fake.base_url) as second,
    ):
        older = asyncio.create_task(first.get_updates(timeout=10))
        await fake.wait_for(lambda: len(fake.calls_to("getUpdates")) == 1, 5)
        await asyncio.sleep(0.05)
        newer = asyncio.create_task(second.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(older, 5)
        assert await newer == ()
    assert [c.status for c in fake.calls_to("getUpdates")] == [409, 200]


async def test_stop_releases_a_pending_long_poll() -> None:
    fake = FakeTelegram()
    await fake.start()
    async with Bot(TOKEN, base_url=fake.base_url) as client:
        poll = asyncio.create_task(client.get_updates(timeout=30))
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), 5)
        started = time.monotonic()
        await fake.stop()
        assert await asyncio.wait_for(poll, 5) == ()
        assert time.monotonic() - started < 3


# -- inline and callback queries ------------------------------------------------------------


def article(result_id: str, text: str = "<b>answer</b>") -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        result_id, "Title", InputTextMessageContent(text, parse_mode="HTML")
    )


async def test_inline_answer_is_recorded(fake: FakeTelegram, bot: Bot) -> None:
    query = fake.inline_query("who won")["inline_query"]
    assert await bot.answer_inline_query(
        query["id"], [article("1"), article("2")], cache_time=0, is_personal=True
    )
    answer = fake.inline_answers[-1]
    assert answer["inline_query_id"] == query["id"]
    assert [r["id"] for r in answer["results"]] == ["1", "2"]
    assert (answer["cache_time"], answer["is_personal"], answer["next_offset"]) == (0, True, "")
    assert answer["parsed"][0].text == "answer"
    with pytest.raises(BadRequest) as caught:  # each query can be answered once
        await bot.answer_inline_query(query["id"], [article("1")])
    assert caught.value.message == ptb_message(QUERY_TOO_OLD)


@pytest.mark.parametrize(
    ("results", "message"),
    [
        ([article(str(i)) for i in range(51)], "Results_too_much"),
        ([article("x" * 65)], "Result_id_invalid"),
        ([article("é" * 33)], "Result_id_invalid"),
        ([article("same"), article("same")], "Result_id_duplicate"),
        ([article("1", "<i>open")], "Can't parse entities: can't find end tag corresponding to"),
        ([article("1", "x" * 4097)], "Message is too long"),
    ],
)
async def test_inline_answers_are_validated(
    fake: FakeTelegram, bot: Bot, results: list[InlineQueryResultArticle], message: str
) -> None:
    query = fake.inline_query("q")["inline_query"]
    with pytest.raises(BadRequest) as caught:
        await bot.answer_inline_query(query["id"], results)
    assert caught.value.message.lower().startswith(message.lower())
    assert fake.inline_answers == []
    assert await bot.answer_inline_query(query["id"], [article("ok")])  # still answerable


async def test_inline_query_expires_after_the_deadline() -> None:
    fake = FakeTelegram(inline_deadline_s=0.05)
    async with fake, Bot(TOKEN, base_url=fake.base_url) as client:
        query = fake.inline_query("slow")["inline_query"]
        await asyncio.sleep(0.1)
        with pytest.raises(BadRequest) as caught:
            await client.answer_inline_query(query["id"], [article("1")])
        assert caught.value.message == ptb_message(QUERY_TOO_OLD)
        with pytest.raises(BadRequest):
            await client.answer_inline_query("123", [article("1")])


async def test_callback_queries(fake: FakeTelegram, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
    sent = await bot.send_message(USER, "answer", reply_markup=markup)
    update = fake.callback_query("more", message=fake.sent[-1].message)
    parsed = Update.de_json(update, bot)
    assert parsed.callback_query is not None
    assert parsed.callback_query.data == "more"
    assert parsed.callback_query.message is not None
    assert parsed.callback_query.message.message_id == sent.message_id
    query_id = update["callback_query"]["id"]
    with pytest.raises(BadRequest):
        await bot.answer_callback_query(query_id, text="x" * 201)
    assert await bot.answer_callback_query(query_id, text="x" * 200)
    assert fake.callback_answers[-1]["text"] == "x" * 200
    with pytest.raises(BadRequest) as caught:
        await bot.answer_callback_query(query_id)
    assert caught.value.message == ptb_message(QUERY_TOO_OLD)
