"""End-to-end tests of the handlers: a real PTB Application, the real engine, a fake Bot API."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest

from bot.settings import ANONYMOUS_ADMIN_ID, Settings
from bot.telegram.app import NewsbotApplication
from bot.telegram.context import BotData, Services
from bot.throttle import Throttle
from retrieval import Embedder, Engine
from tests.support.fake_telegram import FakeTelegram
from tests.telegram.fixtures import (
    ADMIN_ID,
    ALICE,
    BOB,
    BOT_USERNAME,
    GROUP,
    MOSCOW_TIMES_URL,
    RINGS_QUESTION,
    SEEDS,
    app,
    assert_valid_replies,
    bot_settings,
    button_data,
    fake,
    make_settings,
    process,
    started_app,
    warm_engine,
)

__all__ = ["app", "bot_settings", "fake", "warm_engine"]  # fixtures used by name


# --- private questions -----------------------------------------------------------------------


def _services(app: NewsbotApplication) -> Services:
    bot_data: BotData = app.bot_data
    assert bot_data.services is not None
    return bot_data.services


async def test_a_fast_answer_skips_the_typing_action(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    _services(app).typing_after = 60.0
    await process(app, fake.private_message(RINGS_QUESTION))

    assert len(fake.messages_to(ALICE)) == 1
    assert fake.chat_actions == []


async def test_private_question_cites_the_moscow_times(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    _services(app).typing_after = 0.0  # show "typing" however fast the answer
    await process(app, fake.private_message(RINGS_QUESTION))

    replies = fake.messages_to(ALICE)
    assert len(replies) == 1
    reply = replies[0]
    assert_valid_replies(replies)
    assert MOSCOW_TIMES_URL in reply.links
    assert "[1]" in reply.text
    assert "The Moscow Times" in reply.text
    assert "27 Dec 2022" in reply.text
    assert any(entity["type"] == "bold" and entity["length"] > 20 for entity in reply.entities)
    assert reply.reply_to_message_id is None  # no quoting in private chats
    assert [action["action"] for action in fake.chat_actions] == ["typing"]
    assert {"Shorter", "Sources"} <= set(button_data(reply))


async def test_not_found_says_so_with_a_hint(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.private_message("What is the best recipe for banana bread?"))

    (reply,) = fake.messages_to(ALICE)
    assert_valid_replies([reply])
    assert reply.text.startswith("Not found in the articles.")
    assert reply.text.count("Not found in the articles") == 1
    assert "/sources" in reply.text
    assert reply.links == []
    assert reply.reply_markup is None


async def test_a_russian_question_is_told_to_ask_in_english(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    await process(app, fake.private_message("Что Путин подарил лидерам на саммите в Петербурге?"))

    (reply,) = fake.messages_to(ALICE)
    assert_valid_replies([reply])
    assert reply.text.startswith("I can only search English-language articles.")
    assert "Please ask your question in English." in reply.text
    assert "Not found" not in reply.text
    assert reply.links == []


HOSTILE_QUESTIONS = {
    "empty": "   ",
    "emoji only": "🤔🔥🙈",
    "ten thousand chars": "Putin rings summit " * 527,
    "script tag": "<script>alert(1)</script>",
    "unclosed bold": "<b>unclosed Putin rings",
    "control characters": "Putin\x00\x07 gave\x1b[31m rings\x7f?",
    "rtl and zero width": "\u202eWho got\u200b rings\u200d from Putin?\u202c",
    "russian": "Что Путин подарил лидерам СНГ?",
    "chinese": "普京给独联体领导人送了什么礼物？",
    "arabic": "ماذا أهدى بوتين لقادة رابطة الدول المستقلة؟",
    "html entities": "&amp; &lt;b&gt; &nbsp; AT&T",
}


@pytest.mark.parametrize("question", HOSTILE_QUESTIONS.values(), ids=HOSTILE_QUESTIONS.keys())
async def test_hostile_questions_get_a_valid_reply(
    app: NewsbotApplication, fake: FakeTelegram, question: str
) -> None:
    await process(app, fake.private_message(question))

    replies = fake.messages_to(ALICE)
    assert replies, fake.describe_calls()
    assert_valid_replies(replies)
    for reply in replies:
        assert "<script>" not in reply.html
        assert "\x00" not in reply.text
        assert "\u202e" not in reply.text


async def test_empty_question_gets_a_hint(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.private_message("🤔"))

    (reply,) = fake.messages_to(ALICE)
    assert "ask a question in words" in reply.text
    assert fake.chat_actions == []


async def test_long_question_is_cut_and_says_so(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    await process(app, fake.private_message("Putin rings summit " * 527))

    text = "\n".join(reply.text for reply in fake.messages_to(ALICE))
    assert "longer than 1,000 characters, so I answered only its question" in text


async def test_non_text_message_gets_a_hint(app: NewsbotApplication, fake: FakeTelegram) -> None:
    update = fake.private_message("x")
    del update["message"]["text"]
    update["message"].pop("entities", None)
    update["message"]["sticker"] = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    await process(app, update)

    (reply,) = fake.messages_to(ALICE)
    assert "only read questions written as text" in reply.text


# --- commands --------------------------------------------------------------------------------


async def test_commands_are_registered_at_start(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    calls = fake.calls_to("setMyCommands")
    assert calls, fake.describe_calls()
    names = [command["command"] for command in calls[0].params["commands"]]
    assert {"start", "help", "ask", "sources", "about"} <= set(names)
    assert "reload" not in names  # admin commands only in admins' chats


async def test_start_welcomes_with_examples(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.private_message("/start"))

    (reply,) = fake.messages_to(ALICE)
    assert_valid_replies([reply])
    assert reply.text.startswith("Hi Alice!")
    assert "for example" in reply.text
    assert "Recent headlines you can ask about" in reply.text


async def test_help_explains_every_way_to_ask(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.private_message("/help"))

    (reply,) = fake.messages_to(ALICE)
    assert_valid_replies([reply])
    assert "/ask" in reply.text
    assert f"@{BOT_USERNAME}" in reply.text
    assert "More sources" in reply.text


async def test_ask_command_answers(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.private_message(f"/ask {RINGS_QUESTION}"))

    (reply,) = fake.messages_to(ALICE)
    assert MOSCOW_TIMES_URL in reply.links


async def test_ask_without_question_gets_a_hint(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    await process(app, fake.private_message("/ask"))

    (reply,) = fake.messages_to(ALICE)
    assert "Write your question after the command" in reply.text


async def test_sources_lists_every_article(
    app: NewsbotApplication, fake: FakeTelegram, warm_engine: Engine
) -> None:
    await process(app, fake.private_message("/sources"))

    replies = fake.messages_to(ALICE)
    assert_valid_replies(replies)
    text = "\n".join(reply.text for reply in replies)
    for article in warm_engine.articles():
        assert article.title in text
    assert MOSCOW_TIMES_URL in replies[0].links
    assert "The Moscow Times — " not in text or "27 Dec 2022" in text


async def test_about_gives_corpus_size_and_newest_date(
    app: NewsbotApplication, fake: FakeTelegram, warm_engine: Engine
) -> None:
    await process(app, fake.private_message("/about"))

    (reply,) = fake.messages_to(ALICE)
    stats = warm_engine.stats()
    assert f"{stats.articles} articles" in reply.text
    assert "Newest article: 22 Dec 2025" in reply.text


async def test_unknown_command_points_to_help(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.private_message("/frobnicate"))

    (reply,) = fake.messages_to(ALICE)
    assert "/help" in reply.text


# --- groups ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"/ask {RINGS_QUESTION}",
        f"/ask@{BOT_USERNAME} {RINGS_QUESTION}",
        f"@{BOT_USERNAME} {RINGS_QUESTION}",
        f"Hey @{BOT_USERNAME.upper()}, {RINGS_QUESTION}",
    ],
    ids=["ask", "ask@thisbot", "mention", "mention mid-sentence"],
)
async def test_group_triggers_reply_to_the_asker(
    app: NewsbotApplication, fake: FakeTelegram, text: str
) -> None:
    update = fake.group_message(text)
    await process(app, update)

    replies = fake.messages_to(GROUP)
    assert len(replies) == 1, fake.describe_calls()
    assert replies[0].reply_to_message_id == update["message"]["message_id"]
    assert MOSCOW_TIMES_URL in replies[0].links
    assert_valid_replies(replies)


async def test_group_reply_to_the_bot_is_a_question(
    app: NewsbotApplication, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.asking")
    await process(app, fake.group_message(f"/ask {RINGS_QUESTION}"))
    (first,) = fake.messages_to(GROUP)

    follow_up = fake.group_message(
        "Who else reported on the CIS summit?", user_id=BOB, reply_to=first.message
    )
    await process(app, follow_up)

    replies = fake.messages_to(GROUP)
    assert len(replies) == 2
    assert replies[1].reply_to_message_id == follow_up["message"]["message_id"]
    # It reaches the one place follow-ups get their context, with the key of the answer.
    key = next(iter(button_data(first).values())).split("|")[1]
    assert f"a follow-up to answer {key} in chat {GROUP}" in caplog.text


@pytest.mark.parametrize(
    "text",
    [
        RINGS_QUESTION,
        f"/ask@other_bot {RINGS_QUESTION}",
        f"@other_bot {RINGS_QUESTION}",
        f"email me at someone@{BOT_USERNAME}.com",
        "/frobnicate",
    ],
    ids=["plain", "ask@otherbot", "other mention", "not a mention", "unknown command"],
)
async def test_group_silent_otherwise(
    app: NewsbotApplication, fake: FakeTelegram, text: str
) -> None:
    await process(app, fake.group_message(text))

    assert fake.messages_to(GROUP) == []
    assert fake.chat_actions == []


async def test_group_reply_to_someone_else_is_ignored(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    first = fake.group_message("Interesting news today", user_id=BOB)
    await process(app, first)
    await process(app, fake.group_message(RINGS_QUESTION, reply_to=first["message"]))

    assert fake.messages_to(GROUP) == []


# --- buttons ---------------------------------------------------------------------------------


async def _ask_putin(app: NewsbotApplication, fake: FakeTelegram) -> dict[str, str]:
    await process(app, fake.private_message("Putin"))
    (reply,) = fake.messages_to(ALICE)
    return button_data(reply)


async def test_more_sources_edits_to_the_next_citations(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    await process(app, fake.private_message("Putin"))
    (reply,) = fake.messages_to(ALICE)
    buttons = button_data(reply)
    assert "More sources ▶" in buttons
    assert "[1]" in reply.text
    assert "[4]" not in reply.text
    assert all(len(data.encode()) <= 64 for data in buttons.values())

    await process(app, fake.callback_query(buttons["More sources ▶"], message=reply.message))

    (edit,) = fake.edits
    assert_valid_replies([edit])
    assert "[4]" in edit.text
    assert "[1]" not in edit.text
    assert "◀ Previous" in button_data(edit)
    assert fake.callback_answers[-1].get("text") in (None, "")


async def test_shorter_and_sources_views(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.private_message(RINGS_QUESTION))
    (reply,) = fake.messages_to(ALICE)
    buttons = button_data(reply)

    await process(app, fake.callback_query(buttons["Shorter"], message=reply.message))
    shorter = fake.edits[-1]
    assert len(shorter.text) < len(reply.text)
    assert MOSCOW_TIMES_URL in shorter.links
    assert "Show full passages" in button_data(shorter)

    await process(app, fake.callback_query(buttons["Sources"], message=reply.message))
    listing = fake.edits[-1]
    assert listing.text.startswith("Sources for this answer")
    assert MOSCOW_TIMES_URL in listing.links
    assert_valid_replies(fake.edits)


async def test_foreign_button_press_is_refused_politely(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    await process(app, fake.group_message(f"/ask {RINGS_QUESTION}"))
    (reply,) = fake.messages_to(GROUP)

    press = fake.callback_query(
        button_data(reply)["Shorter"], message=reply.message, user_id=ALICE
    )
    await process(app, press)

    assert fake.edits == []
    assert "Only the person who asked" in fake.callback_answers[-1]["text"]


@pytest.mark.parametrize(
    "data",
    ["a|gone1234|x|1", "garbage", "l|x", "a|k|q|1"],
    ids=["forgotten", "junk", "bad page", "bad view"],
)
async def test_stale_button_press_is_answered_politely(
    app: NewsbotApplication, fake: FakeTelegram, data: str
) -> None:
    await process(app, fake.private_message(RINGS_QUESTION))
    (reply,) = fake.messages_to(ALICE)

    await process(app, fake.callback_query(data, message=reply.message))

    assert fake.edits == []
    assert "Please ask again" in fake.callback_answers[-1]["text"]


async def test_double_press_is_harmless(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.private_message(RINGS_QUESTION))
    (reply,) = fake.messages_to(ALICE)
    data = button_data(reply)["Shorter"]
    await process(app, fake.callback_query(data, message=reply.message))
    await process(app, fake.callback_query(data, message=fake.edits[-1].message))

    assert len(fake.callback_answers) == 2
    assert "something went wrong" not in str(fake.callback_answers)


# --- inline mode -----------------------------------------------------------------------------


async def test_inline_query_answers_with_cited_articles(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    await process(app, fake.inline_query(RINGS_QUESTION))

    (answer,) = fake.inline_answers
    results = answer["results"]
    assert 1 <= len(results) <= 10
    assert answer["is_personal"] in (False, None)
    assert 0 < answer["cache_time"] <= 300
    ids = [result["id"] for result in results]
    assert len(set(ids)) == len(ids)
    assert all(len(result_id.encode()) <= 64 for result_id in ids)
    first = results[0]
    assert first["type"] == "article"
    assert first["title"].startswith("Russian President Vladimir Putin")
    assert "rings" in first["description"]
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert MOSCOW_TIMES_URL in content["message_text"]


async def test_empty_inline_query_gets_a_hint(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.inline_query(""))

    (answer,) = fake.inline_answers
    assert answer["button"]["start_parameter"] == "inline_help"
    (hint,) = answer["results"]
    assert "Type a question" in hint["title"]


async def test_inline_not_found_offers_tips(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.inline_query("banana bread recipe"))

    (answer,) = fake.inline_answers
    assert answer["results"] == []
    assert "Not found" in answer["button"]["text"]


# --- throttling, flood limits and errors -----------------------------------------------------


async def test_throttle_warns_once_then_stays_quiet(
    bot_settings: Settings, warm_engine: Engine, fake: FakeTelegram
) -> None:
    application = await started_app(
        bot_settings, warm_engine, throttle=Throttle(capacity=2, rate=0.01)
    )
    try:
        for _ in range(5):
            await process(application, fake.private_message(RINGS_QUESTION))
    finally:
        await application.shutdown()

    texts = [reply.text for reply in fake.messages_to(ALICE)]
    assert len(texts) == 3
    assert "faster than I can read" in texts[2]
    assert "skip the questions" in texts[2]  # the user knows the next ones go unanswered


async def test_429_is_retried_after_retry_after(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=1)

    await process(app, fake.private_message(RINGS_QUESTION))

    (reply,) = fake.messages_to(ALICE)
    assert MOSCOW_TIMES_URL in reply.links
    statuses = [call.status for call in fake.calls_to("sendMessage")]
    assert statuses == [429, 200]
    calls = fake.calls_to("sendMessage")
    assert calls[1].started_at - calls[0].started_at >= 1.0


async def test_network_reset_is_retried(app: NewsbotApplication, fake: FakeTelegram) -> None:
    fake.reset_next("sendMessage")

    await process(app, fake.private_message(RINGS_QUESTION))

    (reply,) = fake.messages_to(ALICE)
    assert MOSCOW_TIMES_URL in reply.links


async def test_failure_is_reported_and_the_bot_keeps_serving(
    app: NewsbotApplication, fake: FakeTelegram
) -> None:
    fake.fail_next("sendMessage", status=400, description="Bad Request: something odd")

    await process(app, fake.private_message(RINGS_QUESTION))
    (apology,) = fake.messages_to(ALICE)
    assert "something went wrong" in apology.text

    await process(app, fake.private_message(RINGS_QUESTION))
    assert MOSCOW_TIMES_URL in fake.messages_to(ALICE)[-1].links


# --- admin commands --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/reload", "/stats"])
@pytest.mark.parametrize(
    "where",
    ["private non-admin", "group admin", "anonymous admin"],
)
async def test_admin_commands_are_refused_for_others(
    app: NewsbotApplication, fake: FakeTelegram, command: str, where: str
) -> None:
    if where == "private non-admin":
        update, chat = fake.private_message(command), ALICE
    elif where == "group admin":
        update, chat = fake.group_message(command, user_id=ADMIN_ID), GROUP
    else:
        update = fake.group_message(
            command, user_id=ANONYMOUS_ADMIN_ID, username="GroupAnonymousBot"
        )
        update["message"]["sender_chat"] = {"id": GROUP, "type": "supergroup", "title": "g"}
        chat = GROUP
    await process(app, update)

    (reply,) = fake.messages_to(chat)
    assert "only for the bot's administrators" in reply.text
    assert fake.calls_to("editMessageText") == []


async def test_stats_for_an_admin(app: NewsbotApplication, fake: FakeTelegram) -> None:
    await process(app, fake.private_message("/stats", user_id=ADMIN_ID))

    (reply,) = fake.messages_to(ADMIN_ID)
    assert "Articles: 5" in reply.text
    assert "Generation: gen-" in reply.text


@pytest.mark.slow
async def test_reload_keeps_answering_while_it_runs(
    fake: FakeTelegram, seed_index_copy: Path, embedder: Embedder, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    for number in range(24):  # new articles to embed, so that the reload takes a while
        sentences = " ".join(
            f"Article {number} sentence {k} reports on harvest {k * number} of region {number}."
            for k in range(40)
        )
        (seeds / f"9{number:02d}_extra.txt").write_text(
            f"Harvest report {number}\n\n{sentences}\n"
        )
    engine = Engine.open(seed_index_copy, embedder=embedder)
    settings = make_settings(fake, seed_index_copy, seeds_dir=seeds)
    application = await started_app(settings, engine, throttle=Throttle(capacity=100, rate=10))
    try:
        reload_task = asyncio.create_task(
            process(application, fake.private_message("/reload", user_id=ADMIN_ID))
        )
        await fake.wait_for_messages(ADMIN_ID, 1)
        await process(application, fake.private_message(RINGS_QUESTION))
        answered_during_reload = not reload_task.done()
        await asyncio.wait_for(reload_task, 60)
    finally:
        await application.shutdown()

    (answer,) = fake.messages_to(ALICE)
    assert MOSCOW_TIMES_URL in answer.links
    assert answered_during_reload
    started, done = fake.messages_to(ADMIN_ID)
    assert "keep answering from the current index" in started.text
    assert done.text.startswith("Reload done. 24 added")
    assert engine.stats().articles == 29
