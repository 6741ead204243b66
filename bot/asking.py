"""One question from any front end: throttle, clean, answer off the event loop, remember it.

Every chat front end hands each question here as an ``Asked`` (the text, who asked, where, and
which of the bot's messages it replies to) and draws the ``Outcome`` in its own way. This is
the one place where follow-up questions ("and in 2023?") get the context of the conversation
they continue (``bot.conversation``). A front end's part, Telegram's and Discord's alike:

1. ``outcome = await ask(services, Asked(text, user_id, chat_id, reply_to=...))``, where
   ``reply_to`` is the id of the bot's own message the question replies to, else None;
2. draw ``outcome`` (``answer_view`` shows "Following up on: ..." for a follow-up);
3. ``answer_sent(services, outcome, chat_id, ids)`` with the ids of the messages that carry
   the answer, so that a reply to any of them continues this conversation;
4. for a "start over" command (``/new``): ``start_over(services, chat_id, user_id)``.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace

from bot.answer_store import StoredAnswer
from bot.long_messages import focus_question
from bot.services import Services
from retrieval import Answer, RetrievalError, Turn, clean_question, continue_conversation

__all__ = [
    "ANSWER_TOP_K",
    "Asked",
    "Outcome",
    "Result",
    "answer_sent",
    "ask",
    "start_over",
]

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
        chat_type: Where it was asked, for the log: "private", "group", "inline", "dm", ...
    """

    text: str
    user_id: int
    chat_id: int
    reply_to: int | None = None
    answer_key: str | None = None
    chat_type: str = "unknown"


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
        truncated: The message was too long; only its last question was read (the answer's
            ``question`` says which part).
        retry_after: Seconds until the user may ask again (``THROTTLED``).
        warn: The first refusal of a burst (``THROTTLED``): tell the user once, then stay
            quiet, except where the platform requires a response.
        conversation: The conversation this answer ends, oldest turn first (``ANSWERED``
            only): pass the outcome to :func:`answer_sent` once the answer is sent.
    """

    result: Result
    answer: Answer | None = None
    key: str | None = None
    truncated: bool = False
    retry_after: float = 0.0
    warn: bool = False
    conversation: tuple[Turn, ...] = ()


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
    started = time.perf_counter()
    outcome = await _ask(services, asked, on_slow=on_slow, slow_after=slow_after, top_k=top_k)
    _log(asked, outcome, time.perf_counter() - started)
    return outcome


async def _ask(
    services: Services,
    asked: Asked,
    *,
    on_slow: Callable[[], Awaitable[None]] | None,
    slow_after: float | None,
    top_k: int,
) -> Outcome:
    verdict = services.throttle.check(asked.user_id)
    if not verdict.allowed:
        services.counters["throttled"] += 1
        return Outcome(Result.THROTTLED, retry_after=verdict.retry_after, warn=verdict.warn)
    focused = focus_question(asked.text)
    question = clean_question(focused.text)
    if not question.usable:
        return Outcome(Result.EMPTY)
    truncated = focused.cut or question.truncated

    services.counters["questions"] += 1
    conversations = services.conversations
    previous = conversations.context(asked.chat_id, asked.user_id, reply_to=asked.reply_to)
    if asked.answer_key is not None:
        # The conversation comes from the replied message's id (``answer_sent``); the key
        # only says which stored answer it was.
        _LOGGER.debug("a follow-up to answer %s in chat %s", asked.answer_key, asked.chat_id)
    work = asyncio.ensure_future(
        asyncio.to_thread(services.engine.answer, question.text, top_k=top_k, previous=previous)
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
    if truncated:
        answer = replace(answer, truncated=True)

    services.counters["answered" if answer.answered else "not_found"] += 1
    if answer.understood_as is not None:
        services.counters["followups"] += 1
    turns = continue_conversation(previous, answer)
    conversations.remember(asked.chat_id, asked.user_id, turns)
    key = None
    if answer.answered and answer.citations:
        stored = StoredAnswer(
            # A follow-up is stored as understood, so that a button press after a restart
            # answers the same question without the conversation.
            question=answer.understood_as or question.text,
            user_id=asked.user_id,
            chat_id=asked.chat_id,
            top_k=top_k,
            truncated=truncated,
        )
        key = services.answers.put(stored, answer)
    return Outcome(
        Result.ANSWERED, answer=answer, key=key, truncated=truncated, conversation=turns
    )


def answer_sent(
    services: Services, outcome: Outcome, chat_id: int, message_ids: Iterable[int]
) -> None:
    """Tell the conversation memory which messages carry ``outcome``'s answer, so that a
    reply to any of them (by anyone in the chat) continues its conversation."""
    services.conversations.answered_by(chat_id, message_ids, outcome.conversation)


def start_over(services: Services, chat_id: int, user_id: int) -> None:
    """Forget ``user_id``'s conversation in ``chat_id``: their next question stands alone.

    Replies to earlier answers still continue those answers' conversations.
    """
    services.conversations.forget(chat_id, user_id)


def _log(asked: Asked, outcome: Outcome, seconds: float) -> None:
    """One INFO line per question (no text: questions are the users'); the text at DEBUG."""
    result = outcome.result.value
    if outcome.answer is not None:
        result = "answered" if outcome.answer.answered else "refused"
    _LOGGER.info(
        "question chat=%s result=%s citations=%d latency_ms=%.0f",
        asked.chat_type,
        result,
        len(outcome.answer.citations) if outcome.answer is not None else 0,
        seconds * 1000,
    )
    _LOGGER.debug("question text=%r", asked.text[:200])
