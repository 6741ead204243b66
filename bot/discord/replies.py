"""Sending on Discord: every message without pings, interactions answered within 3 seconds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

import discord

from bot.discord.render import Drawn
from bot.services import Services

__all__ = [
    "NO_MENTIONS",
    "Newsbot",
    "edit_interaction",
    "newsbot_of",
    "respond",
    "send_in_channel",
    "show_typing",
    "within_window",
]

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

NO_MENTIONS = discord.AllowedMentions.none()
"""On every send: an excerpt quoting "@everyone" must never ping anyone."""


@dataclass(slots=True)
class Newsbot:
    """What the Discord handlers share: the Services and the deferral threshold.

    Attributes:
        services: Engine, settings, answer store, throttle and counters (shared with Telegram).
        defer_after: Seconds an interaction's answer may take before the bot defers it
            ("thinking…"); Discord drops interactions not acknowledged within 3 s.
    """

    services: Services
    defer_after: float = 1.0


def newsbot_of(interaction: discord.Interaction[Any]) -> Newsbot:
    """The ``Newsbot`` of the client that received ``interaction``.

    Raises:
        RuntimeError: When the client is not newsbot's (``bot.discord.client``).
    """
    found = getattr(interaction.client, "newsbot", None)
    if not isinstance(found, Newsbot):
        raise RuntimeError("the interaction reached a client without newsbot's state")
    return found


def _fields(drawn: Drawn, view: discord.ui.View | None) -> dict[str, Any]:
    return {
        "content": drawn.content or None,
        "embeds": list(drawn.embeds),
        "view": view,
        "allowed_mentions": NO_MENTIONS,
    }


async def within_window(
    interaction: discord.Interaction[Any],
    work: Awaitable[_T],
    *,
    defer_after: float,
    thinking: bool,
) -> tuple[_T, bool]:
    """Await ``work``; if it is not done within ``defer_after`` s, defer the interaction first.

    Returns:
        The result and whether the interaction was deferred (answer with ``edit=True`` then).
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=defer_after)
    if done:
        return task.result(), False
    try:
        await interaction.response.defer(thinking=thinking)
    except BaseException:
        task.cancel()
        raise
    return await task, True


async def respond(
    interaction: discord.Interaction[Any],
    drawn: Drawn,
    view: discord.ui.View | None = None,
    *,
    deferred: bool = False,
    ephemeral: bool = False,
) -> int:
    """Answer a slash command: the response itself, or the deferred "thinking…" message.

    Returns:
        The id of the message that shows the answer (a reply to it continues the answer's
        conversation).
    """
    if deferred:
        return (await interaction.edit_original_response(**_fields(drawn, view))).id
    fields = _fields(drawn, view)
    if view is None:
        del fields["view"]
    sent = await interaction.response.send_message(**fields, ephemeral=ephemeral)
    if sent.message_id is not None:
        return sent.message_id
    # Discord returns the message with the callback; should it not, ask for it.
    return (await interaction.original_response()).id


async def edit_interaction(
    interaction: discord.Interaction[Any],
    drawn: Drawn,
    view: discord.ui.View | None,
    *,
    deferred: bool = False,
) -> None:
    """Replace the message a button is on (a type 7 response, or an edit after deferring)."""
    fields = _fields(drawn, view)
    if deferred:
        await interaction.edit_original_response(**fields)
    else:
        await interaction.response.edit_message(**fields)


async def send_in_channel(
    message: discord.Message, drawn: Drawn, view: discord.ui.View | None = None
) -> discord.Message | None:
    """Answer ``message`` in its channel; in a server, as a reply to it (no ping).

    Returns:
        The message sent, or None when Discord refused it (the failure is logged).
    """
    fields = _fields(drawn, view)
    if view is None:
        del fields["view"]
    if message.guild is not None:
        fields["reference"] = message.to_reference(fail_if_not_exists=False)
        fields["mention_author"] = False
    try:
        return await message.channel.send(**fields)
    except discord.HTTPException as exc:
        _LOGGER.error(
            "could not tell the user in channel %s the answer: %s", message.channel.id, exc
        )
        return None


async def show_typing(channel: discord.abc.Messageable) -> None:
    """Show "typing…" once; a failure here must not cost the user the answer."""
    try:
        await channel.typing()
    except discord.HTTPException as exc:
        _LOGGER.debug("typing failed: %s", exc)
