"""Messages: in servers, those that mention the bot or reply to it; in DMs, every message.

Needs no privileged intent: Discord sends the text of messages that mention the bot, of
replies that ping it, and of DMs, without MESSAGE_CONTENT. Everything else in a server
channel is ignored (without the intent it arrives without text anyway).
"""

from __future__ import annotations

import logging
import re

import discord

from bot import asking
from bot.asking import Asked, Result
from bot.discord.buttons import AnswerButton
from bot.discord.commands import EXAMPLE, chat_type, draw_outcome
from bot.discord.render import draw_notice
from bot.discord.replies import Newsbot, send_in_channel, show_typing

__all__ = ["answer_key", "on_message", "question_for_me", "replied_bot_message"]

_LOGGER = logging.getLogger(__name__)

_MENTION_HINT = (
    "Write your question after my name, for example: {mention} {example}\n"
    "I answer with excerpts from the news articles I have read, with links to them."
)
_DM_HINT = (
    f"Please ask a question in words, for example: *{EXAMPLE}*\n"
    "I answer with excerpts from the news articles I have read, with links to them."
)
_ANSWERABLE = (discord.MessageType.default, discord.MessageType.reply)


def replied_bot_message(message: discord.Message, me: discord.abc.User) -> discord.Message | None:
    """The bot's message that ``message`` replies to, or None."""
    reference = message.reference
    if reference is None or reference.message_id is None:
        return None
    replied = reference.resolved or reference.cached_message
    if isinstance(replied, discord.Message) and replied.author.id == me.id:
        return replied
    return None


def answer_key(message: discord.Message | None) -> str | None:
    """The answer store key in the buttons under one of the bot's answers, if any."""
    for row in message.components if message is not None else ():
        for child in getattr(row, "children", ()):
            found = AnswerButton.__discord_ui_compiled_template__.fullmatch(
                getattr(child, "custom_id", None) or ""
            )
            if found:
                return found["key"]
    return None


def question_for_me(message: discord.Message, me: discord.abc.User) -> str | None:
    """The question in ``message`` if it is addressed to the bot, else None.

    In a DM every message is; in a server, one that mentions the bot (in its text, or by
    pinging it in a reply) or replies to one of its messages. Mentions of the bot are removed.
    """
    if message.guild is not None:
        mentioned = any(user.id == me.id for user in message.mentions)
        if not mentioned and replied_bot_message(message, me) is None:
            return None
    return re.sub(rf"<@!?{me.id}>", " ", message.content).strip()


async def on_message(newsbot: Newsbot, me: discord.ClientUser, message: discord.Message) -> None:
    """Answer ``message`` if it is a question for the bot; stay silent otherwise."""
    if message.author.bot or message.type not in _ANSWERABLE:
        return
    text = question_for_me(message, me)
    if text is None:
        return
    if not text and message.guild is not None and message.content.strip() == "":
        # A reply to the bot with the ping switched off arrives without text unless the
        # MESSAGE_CONTENT intent is on: there is nothing to answer, and no way to tell.
        _LOGGER.debug("a reply without text in channel %s; ignored", message.channel.id)
        return
    hint = (
        _DM_HINT
        if message.guild is None
        else _MENTION_HINT.format(mention=f"@{me.name}", example=f"*{EXAMPLE}*")
    )
    replied = replied_bot_message(message, me)
    asked = Asked(
        text,
        user_id=message.author.id,
        chat_id=message.channel.id,
        reply_to=replied.id if replied is not None else None,
        answer_key=answer_key(replied),
        chat_type=chat_type(message.guild.id if message.guild is not None else None),
    )

    async def typing() -> None:
        await show_typing(message.channel)

    services = newsbot.services
    outcome = await asking.ask(services, asked, on_slow=typing)
    if outcome.result is Result.THROTTLED and not outcome.warn:
        return  # told once per burst
    drawn, buttons = draw_outcome(outcome, hint=hint)
    if outcome.result is Result.EMPTY and not message.content.strip():
        drawn = draw_notice("I can only read questions written as text. " + _DM_HINT)
    sent = await send_in_channel(message, drawn, buttons)
    if sent is not None:
        asking.answer_sent(services, outcome, message.channel.id, [sent.id])
