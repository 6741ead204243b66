"""Hostile questions through the fake Bot API: valid replies, and the bot keeps answering.

One real Application (module-scoped) on one fake server handles every case in three places:
a private chat, a group (`/ask`) and inline mode. The fake rejects what Telegram would reject
(bad HTML, over-long text, bad inline results), so "every request succeeded" means every reply
was valid Telegram HTML within 4,096 characters. After each hostile question a real one must
still be answered with the right citation. tests/test_bot_handlers.py has a first handful of
private-chat cases; this extends them and adds Hypothesis-generated text.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck as HypothesisHealthCheck
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.app import NewsbotApplication
from bot.throttle import Throttle
from retrieval import Engine
from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_html import parse_telegram_html
from tests.telegram.fixtures import (
    ALICE,
    GROUP,
    MOSCOW_TIMES_URL,
    RINGS_QUESTION,
    assert_valid_replies,
    make_settings,
    process,
    started_app,
    warm_engine,
)

__all__ = ["warm_engine"]

HOSTILE: dict[str, str] = {
    "null byte only": "\x00",
    "every C0 control": "".join(chr(i) for i in range(32)),
    "C1 controls": "".join(chr(i) for i in range(0x80, 0xA0)) + " Putin",
    "lone surrogate": "Putin \ud83d rings \udc00",
    "4096 letters": "a" * 4096,
    "4096 emoji": "😀" * 4096,
    "one 5000-char token": "x" * 5000,
    "1000 chars exactly": ("Putin rings " * 100)[:1000],
    "1001 chars": ("Putin rings " * 100)[:1001],
    "CJK 4000": "普京" * 2000,
    "html comment": "<!-- Putin --> rings",
    "closing tags only": "</b></i></a></code></pre>",
    "javascript link": '<a href="javascript:alert(1)">Putin</a> rings',
    "tg-spoiler and tg-emoji": '<tg-spoiler>x</tg-spoiler><tg-emoji emoji-id="1">👍</tg-emoji>',
    "pre with language": '<pre><code class="language-python">rings()</code></pre>',
    "numeric entities": "&#60;b&#62; &#x3C;i&#x3E; &#0; &#xD800; Putin",
    "bare ampersands": "Putin & rings && &&& ;&",
    "markdown": "*Putin* _rings_ `code` [link](http://example.com)",
    "markdownv2 specials": r"\_*[]()~`>#+-=|{}.! Putin",
    "sql injection": "'; DROP TABLE articles; -- Putin",
    "fts syntax": 'putin AND rings OR "summit" NEAR/3 * -ring',
    "regex bomb": "(a+)+$" * 50 + " Putin",
    "format strings": "{0} {} %s %d %(x)s {question} Putin",
    "path traversal": "../../../../etc/passwd Putin",
    "url with markup": "https://example.com/?q=<b>&x=\"'>Putin",
    "mention spam": "@newsbot_test_bot " * 50 + "rings",
    "shell injection": "$(rm -rf /); `id` | Putin",
    "only newlines": "\n\n\n\n",
    "tabs and newlines": "\tPutin\n\n\trings\r\n",
    "zalgo": "P̸̢̛̛u̵̡̧t̷̨͘i̶̢̛n̸̨̛ r̴̢̛i̵̡n̷̢g̸̨s̵̡",
    "emoji zwj": "👨‍👩‍👧‍👦 🏳️‍🌈 rings",
    "flags and keycaps": "🇷🇺 1️⃣ #️⃣ Putin",
    "math alphanumerics": "𝐏𝐮𝐭𝐢𝐧 𝐫𝐢𝐧𝐠𝐬",
    "fullwidth": "Ｐｕｔｉｎ ｒｉｎｇｓ",
    "cyrillic homoglyphs": "Рutin rіngs",
    "hebrew mixed": "מה Putin נתן rings?",
    "bidi isolates": "\u2066Putin\u2069 \u2067rings\u2069",
    "bom": "\ufeffPutin rings",
    "private use": "\ue000\uf8ff Putin",
    "noncharacters": "\ufffe\uffff Putin",
    "replacement characters": "\ufffd\ufffd\ufffd",
    "soft hyphens": "Pu\u00adtin ri\u00adngs",
    "odd spaces": "Putin\u00a0rings\u2003summit\u3000?",
    "line separators": "Putin\u2028rings\u2029summit",
    "numbers only": "2022 12 27",
    "impossible dates": "news from 9999-99-99 and 0000-00-00 and yesterday",
    "json": '{"text": "x", "__proto__": {}, "url": "javascript:1"}',
    "xml entity bomb": '<!DOCTYPE x [<!ENTITY a "aaaa">]>&a;&a; Putin',
    "only punctuation": "?!?!...,,,;;",
    "command inside": "/ask /start /reload Putin",
    "escaped escapes": "\\u202e\\x00\\n Putin",
}

MODES = ("private", "group", "inline")


@pytest.fixture(scope="module")
async def fake_api() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username="newsbot_test_bot") as server:
        yield server


@pytest.fixture(scope="module")
async def bot_app(
    fake_api: FakeTelegram, seed_index_dir: Any, warm_engine: Engine
) -> AsyncIterator[NewsbotApplication]:
    application = await started_app(
        make_settings(fake_api, seed_index_dir),
        warm_engine,
        throttle=Throttle(capacity=10_000, rate=1000),
        inline_throttle=Throttle(capacity=10_000, rate=1000),
    )
    yield application
    await application.shutdown()


# A fresh group per question: Telegram's 20 messages a minute per group (which the bot's
# rate limiter enforces) is exercised by the load tests, not here.
_GROUPS = itertools.count(GROUP - 1, -1)
_group = GROUP


def _update(fake: FakeTelegram, mode: str, text: str, *, new_group: bool = True) -> dict[str, Any]:
    global _group  # noqa: PLW0603 - the group of the latest question, for the follow-up
    if mode == "private":
        return fake.private_message(text)
    if mode == "group":
        if new_group:
            _group = next(_GROUPS)
        return fake.group_message(f"/ask {text}", chat_id=_group)
    return fake.inline_query(text[:256])  # Telegram caps inline queries at 256 characters


def _reset(fake: FakeTelegram) -> None:
    for recorded in (fake.calls, fake.sent, fake.edits, fake.inline_answers, fake.chat_actions):
        recorded.clear()


def _assert_all_valid(fake: FakeTelegram, mode: str, question: str) -> None:
    failed = [call for call in fake.calls if call.status != 200]
    assert not failed, f"{mode} {question!r}:\n{fake.describe_calls()}"
    if mode == "inline":
        assert len(fake.inline_answers) == 1, fake.describe_calls()
        for parsed in fake.inline_answers[0]["parsed"]:
            assert parsed is not None and parsed.text.strip()
            assert len(parsed.text.encode("utf-16-le")) // 2 <= 4096
        return
    chat = ALICE if mode == "private" else _group
    replies = fake.messages_to(chat)
    assert replies, f"{mode} {question!r}: no reply\n{fake.describe_calls()}"
    assert_valid_replies(replies)
    for reply in replies:
        parse_telegram_html(reply.html)  # the fake parsed it already; this names the culprit
        assert "something went wrong" not in reply.text, reply.text
        assert not any(ch in reply.text for ch in "\x00\u202e\u2066\ud83d")


async def _ask(app: NewsbotApplication, fake: FakeTelegram, mode: str, question: str) -> None:
    _reset(fake)
    await process(app, _update(fake, mode, question))
    _assert_all_valid(fake, mode, question)


async def _still_answers(app: NewsbotApplication, fake: FakeTelegram, mode: str) -> None:
    _reset(fake)
    await process(app, _update(fake, mode, RINGS_QUESTION, new_group=False))
    if mode == "inline":
        (answer,) = fake.inline_answers
        assert any(
            MOSCOW_TIMES_URL in r["input_message_content"]["message_text"]
            for r in answer["results"]
        ), fake.describe_calls()
    else:
        chat = ALICE if mode == "private" else _group
        assert MOSCOW_TIMES_URL in fake.messages_to(chat)[-1].links, fake.describe_calls()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("question", HOSTILE.values(), ids=HOSTILE.keys())
async def test_hostile_question_gets_a_valid_reply_and_the_bot_keeps_answering(
    bot_app: NewsbotApplication, fake_api: FakeTelegram, question: str, mode: str
) -> None:
    await _ask(bot_app, fake_api, mode, question)
    await _still_answers(bot_app, fake_api, mode)


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from("<>&\"'/@#"),
    max_size=600,
)


@pytest.mark.parametrize("mode", MODES)
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HypothesisHealthCheck.function_scoped_fixture],
)
@given(question=_TEXT)
async def test_generated_questions_get_valid_replies(
    bot_app: NewsbotApplication, fake_api: FakeTelegram, mode: str, question: str
) -> None:
    await _ask(bot_app, fake_api, mode, question)


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=10, deadline=None, derandomize=True)
@given(
    prefix=st.text(max_size=80),
    suffix=st.text(max_size=80),
)
async def test_generated_noise_around_a_real_question_still_finds_the_answer(
    bot_app: NewsbotApplication, fake_api: FakeTelegram, mode: str, prefix: str, suffix: str
) -> None:
    question = f"{prefix} {RINGS_QUESTION} {suffix}"
    await _ask(bot_app, fake_api, mode, question)
