"""Questions in chats: a question in, the engine off the event loop, a formatted reply out."""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType

from bot.answer_store import StoredAnswer
from bot.telegram.callbacks import answer_keyboard
from bot.telegram.render.formatting import View, format_answer, page_count
from bot.telegram.replies import EXAMPLE, Context, reply, send_pieces, show_typing
from retrieval import RetrievalError, clean_question

__all__ = [
    "ANSWER_TOP_K",
    "ask",
    "on_group_message",
    "on_private_other",
    "on_private_text",
]

_LOGGER = logging.getLogger(__name__)

ANSWER_TOP_K = 9
"""Citations fetched per question: three pages of three."""

_EMPTY_HINT = (
    "Please ask a question in words, for example: <i>{example}</i>\n"
    "I answer with excerpts from the news articles I have read, with links to them."
)
_ASK_HINT = "Write your question after the command, for example: <code>/ask {example}</code>"
_MENTION_HINT = "Write your question after my name, for example: <i>@{username} {example}</i>"
_THROTTLED = (
    "You are asking faster than I can read, so I will skip the questions you send in the next"
    " {seconds} s. Please ask them again after that."
)
_INDEX_UNAVAILABLE = (
    "Sorry, the article index is not available right now. Please try again in a few minutes."
)


async def _answer_in_chat(update: Update, context: Context, raw: str, *, hint: str) -> None:
    """Answer one question in the chat it came from: throttle, clean, search, reply."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    services = context.services
    in_group = message.chat.type != ChatType.PRIVATE
    reply_to = message.message_id if in_group else None

    verdict = services.throttle.check(user.id)
    if not verdict.allowed:
        services.counters["throttled"] += 1
        if verdict.warn:
            seconds = max(1, round(verdict.retry_after))
            await reply(update, context, _THROTTLED.format(seconds=seconds))
        return

    question = clean_question(raw)
    if not question.usable:
        await reply(update, context, hint)
        return

    services.counters["questions"] += 1
    work = asyncio.ensure_future(
        asyncio.to_thread(services.engine.answer, question.text, top_k=ANSWER_TOP_K)
    )
    if not in_group:
        # In groups a chat action counts against the same 20-messages-a-minute flood limit as
        # a reply (AIORateLimiter limits every request to a group): skipping it there doubles
        # the answers a busy group gets. The quoted reply shows whom the bot answers anyway.
        done, _ = await asyncio.wait({work}, timeout=services.typing_after)
        if not done:
            await show_typing(context, message.chat_id)
    try:
        answer = await work
    except RetrievalError:
        _LOGGER.exception("the engine failed to answer a question")
        services.counters["engine_errors"] += 1
        await reply(update, context, _INDEX_UNAVAILABLE)
        return

    services.counters["answered" if answer.answered else "not_found"] += 1
    pieces = format_answer(answer, truncated=question.truncated)
    keyboard = None
    if answer.answered and answer.citations:
        key = services.answers.put(
            StoredAnswer(answer, user.id, message.chat_id, truncated=question.truncated)
        )
        keyboard = answer_keyboard(key, view=View.EXCERPTS, page=0, pages=page_count(answer))
    await send_pieces(context, message.chat_id, pieces, reply_to=reply_to, keyboard=keyboard)


def _empty_hint() -> str:
    """Return the hint for a message with no question in it: ask in words, with an example."""
    return _EMPTY_HINT.format(example=html.escape(EXAMPLE))


async def on_private_text(update: Update, context: Context) -> None:
    """Any text in a private chat is a question."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await _answer_in_chat(update, context, message.text, hint=_empty_hint())


async def ask(update: Update, context: Context) -> None:
    """/ask QUESTION, in private chats and groups (``/ask@thisbot`` too)."""
    message = update.effective_message
    if message is None:
        return
    question = _command_after(message)
    hint = _ASK_HINT.format(example=html.escape(EXAMPLE))
    await _answer_in_chat(update, context, question, hint=hint)


def _command_after(message: Message) -> str:
    """The text after the leading command entity (offsets are UTF-16; commands are ASCII)."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return text[entity.length :]
    return text.partition(" ")[2]


def _mentions_me(message: Message, username: str) -> list[str]:
    """Return the mentions of ``@username`` in ``message`` (case-insensitive)."""
    wanted = "@" + username.lower()
    return [
        text
        for text in message.parse_entities([MessageEntity.MENTION]).values()
        if text.lower() == wanted
    ]


async def on_group_message(update: Update, context: Context) -> None:
    """In groups, answer messages that mention the bot or reply to it; ignore the rest."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    username = context.bot.username
    mentions = _mentions_me(message, username)
    replied = message.reply_to_message
    replies_to_me = (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == context.bot.id
    )
    if not mentions and not replies_to_me:
        return
    text = message.text
    for mention in mentions:
        text = text.replace(mention, " ")
    hint = _MENTION_HINT.format(username=html.escape(username), example=html.escape(EXAMPLE))
    await _answer_in_chat(update, context, text, hint=hint)


async def on_private_other(update: Update, context: Context) -> None:
    """Stickers, photos and the like in a private chat: say what the bot can read."""
    await reply(update, context, "I can only read questions written as text. " + _empty_hint())
