"""Questions in chats: a question in, the engine off the event loop, a formatted reply out."""

from __future__ import annotations

import html

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType

from bot import asking
from bot.asking import ANSWER_TOP_K, Asked, Result
from bot.telegram.callbacks import AnswerButton, answer_keyboard, parse_callback
from bot.telegram.render.formatting import View, format_answer, page_count
from bot.telegram.replies import EXAMPLE, Context, reply, send_pieces, show_typing

__all__ = [
    "ANSWER_TOP_K",
    "ask",
    "on_group_message",
    "on_private_other",
    "on_private_text",
]

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
    in_group = message.chat.type != ChatType.PRIVATE
    replied = message.reply_to_message
    mine = replied if replied is not None and _is_mine(replied, context) else None
    asked = Asked(
        raw,
        user_id=user.id,
        chat_id=message.chat_id,
        reply_to=mine.message_id if mine is not None else None,
        answer_key=_answer_key(mine),
    )

    async def typing() -> None:
        await show_typing(context, message.chat_id)

    # In groups a chat action counts against the same 20-messages-a-minute flood limit as a
    # reply (AIORateLimiter limits every request to a group): skipping it there doubles the
    # answers a busy group gets. The quoted reply shows whom the bot answers anyway.
    outcome = await asking.ask(context.services, asked, on_slow=None if in_group else typing)
    if outcome.result is Result.THROTTLED:
        if outcome.warn:
            seconds = max(1, round(outcome.retry_after))
            await reply(update, context, _THROTTLED.format(seconds=seconds))
        return
    if outcome.result is Result.EMPTY:
        await reply(update, context, hint)
        return
    if outcome.result is Result.UNAVAILABLE or outcome.answer is None:
        await reply(update, context, _INDEX_UNAVAILABLE)
        return
    answer = outcome.answer
    pieces = format_answer(answer, truncated=outcome.truncated)
    keyboard = None
    if outcome.key is not None:
        keyboard = answer_keyboard(
            outcome.key, view=View.EXCERPTS, page=0, pages=page_count(answer)
        )
    reply_to = message.message_id if in_group else None
    await send_pieces(context, message.chat_id, pieces, reply_to=reply_to, keyboard=keyboard)


def _answer_key(message: Message | None) -> str | None:
    """The answer store key in the buttons under one of the bot's answers, if any."""
    markup = message.reply_markup if message is not None else None
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            target = parse_callback(
                button.callback_data if isinstance(button.callback_data, str) else None
            )
            if isinstance(target, AnswerButton):
                return target.key
    return None


def _is_mine(message: Message | None, context: Context) -> bool:
    """Whether ``message`` was sent by this bot."""
    return (
        message is not None
        and message.from_user is not None
        and message.from_user.id == context.bot.id
    )


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
    if not mentions and not _is_mine(message.reply_to_message, context):
        return
    text = message.text
    for mention in mentions:
        text = text.replace(mention, " ")
    hint = _MENTION_HINT.format(username=html.escape(username), example=html.escape(EXAMPLE))
    await _answer_in_chat(update, context, text, hint=hint)


async def on_private_other(update: Update, context: Context) -> None:
    """Stickers, photos and the like in a private chat: say what the bot can read."""
    await reply(update, context, "I can only read questions written as text. " + _empty_hint())
