"""One question from any front end: throttle, clean, answer off the event loop, remember it.

Every chat front end hands each question here as an ``Asked`` (the text, who asked, where, and
which of the bot's messages it replies to) and draws the ``Outcome`` in its own way. This is
the one place where follow-up questions ("and in 2023?" in reply to an answer) will get the
context of the answer they reply to.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.answer_store import StoredAnswer
from bot.services import Services
from retrieval import Answer, RetrievalError, clean_question

__all__ = ["ANSWER_TOP_K", "Asked", "Outcome", "Result", "ask"]

_LOGGER = logging.getLogger(__name__)

ANSWER_TOP_K = 9
"""Citations fetched per question: three pages of three."""


@dataclass(frozen=True, slots=True)
class Asked:
    """A question as a front end received it.

    Attributes:
        text: What the user wrote, without the command or the mention of the bot.
        user_id: Who asked (Telegram user id or Discord user snowflake).
        chat_id: Where the answer goes (Telegram chat, Discord channel).
        reply_to: The bot's message this question replies to, or None: a follow-up's context.
        answer_key: The answer store key of that message's answer (read from its buttons), so
            the earlier question and answer can be found; None when it has none.
    """

    text: str
    user_id: int
    chat_id: int
    reply_to: int | None = None
    answer_key: str | None = None


class Result(enum.Enum):
    """What became of a question."""

    ANSWERED = "answered"
    """The engine answered; the answer may still be a refusal ("not found")."""
    THROTTLED = "throttled"
    """The user asks too fast; the question was skipped."""
    EMPTY = "empty"
    """No words to search for: show how to ask."""
    UNAVAILABLE = "unavailable"
    """The index failed; try again later."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a front end shows for one question.

    Attributes:
        result: What became of it.
        answer: The engine's answer (``ANSWERED`` only).
        key: The answer store key for the buttons (answers with citations only).
        truncated: Only the first part of a long question was read.
        retry_after: Seconds until the user may ask again (``THROTTLED``).
        warn: The first refusal of a burst (``THROTTLED``): tell the user once, then stay
            quiet, except where the platform requires a response.
    """

    result: Result
    answer: Answer | None = None
    key: str | None = None
    truncated: bool = False
    retry_after: float = 0.0
    warn: bool = False


async def ask(
    services: Services,
    asked: Asked,
    *,
    on_slow: Callable[[], Awaitable[None]] | None = None,
    slow_after: float | None = None,
    top_k: int = ANSWER_TOP_K,
) -> Outcome:
    """Answer one question: throttle, clean, search off the event loop, store for buttons.

    Args:
        services: The engine, throttle, answer store and counters.
        asked: The question and where it came from.
        on_slow: Awaited once when the answer takes longer than ``slow_after`` seconds
            ("typing…" on Telegram, a deferred response on Discord).
        slow_after: Seconds before ``on_slow``; default ``services.typing_after``.
        top_k: Citations to ask for.
    """
    verdict = services.throttle.check(asked.user_id)
    if not verdict.allowed:
        services.counters["throttled"] += 1
        return Outcome(Result.THROTTLED, retry_after=verdict.retry_after, warn=verdict.warn)
    question = clean_question(asked.text)
    if not question.usable:
        return Outcome(Result.EMPTY)

    services.counters["questions"] += 1
    if asked.answer_key is not None:
        # Where a follow-up will get its context: the stored question and answer of the key.
        _LOGGER.debug("a follow-up to answer %s in chat %s", asked.answer_key, asked.chat_id)
    work = asyncio.ensure_future(
        asyncio.to_thread(services.engine.answer, question.text, top_k=top_k)
    )
    if on_slow is not None:
        wait = services.typing_after if slow_after is None else slow_after
        done, _ = await asyncio.wait({work}, timeout=wait)
        if not done:
            await on_slow()
    try:
        answer = await work
    except RetrievalError:
        _LOGGER.exception("the engine failed to answer a question")
        services.counters["engine_errors"] += 1
        return Outcome(Result.UNAVAILABLE)

    services.counters["answered" if answer.answered else "not_found"] += 1
    key = None
    if answer.answered and answer.citations:
        stored = StoredAnswer(
            question=question.text,
            user_id=asked.user_id,
            chat_id=asked.chat_id,
            top_k=top_k,
            truncated=question.truncated,
        )
        key = services.answers.put(stored, answer)
    return Outcome(Result.ANSWERED, answer=answer, key=key, truncated=question.truncated)
