"""The slash commands /ask question:, /new, /sources, /about and /help, and their error handler."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands

from bot import asking
from bot.asking import Asked, Outcome, Result
from bot.discord.buttons import ARTICLES_PAGE_SIZE, answer_buttons, articles_buttons
from bot.discord.render import (
    Drawn,
    draw_about,
    draw_answer,
    draw_articles,
    draw_help,
    draw_notice,
)
from bot.discord.replies import newsbot_of, respond
from bot.view import View, page_count

__all__ = ["COMMANDS", "EXAMPLE", "chat_type", "draw_outcome", "on_command_error"]

_LOGGER = logging.getLogger(__name__)

EXAMPLE = "Who did Putin give rings to?"
THROTTLED = (
    "You are asking faster than I can read, so I will skip the questions you send in the next"
    " {seconds} s. Please ask them again after that."
)
UNAVAILABLE = (
    "Sorry, the article index is not available right now. Please try again in a few minutes."
)
_ASK_HINT = f"Please ask a question in words, for example: `/ask question: {EXAMPLE}`"
_FAILED = "Sorry, something went wrong while answering. Please try again."
_STARTED_OVER = (
    "OK, starting afresh: your next question stands on its own. (A reply to one of my"
    " earlier answers still follows up on it.)"
)


def chat_type(guild_id: int | None) -> str:
    """Where a question was asked, for the per-question log line: "guild" or "dm"."""
    return "dm" if guild_id is None else "guild"


def draw_outcome(outcome: Outcome, *, hint: str) -> tuple[Drawn, discord.ui.View | None]:
    """The message for one question's outcome, with the buttons under an answer."""
    if outcome.result is Result.THROTTLED:
        seconds = max(1, round(outcome.retry_after))
        return draw_notice(THROTTLED.format(seconds=seconds)), None
    if outcome.result is Result.EMPTY:
        return draw_notice(hint), None
    if outcome.answer is None:
        return draw_notice(UNAVAILABLE), None
    drawn = draw_answer(outcome.answer, truncated=outcome.truncated)
    if outcome.key is None:
        return drawn, None
    pages = page_count(outcome.answer)
    buttons = answer_buttons(
        outcome.key, view=View.EXCERPTS, page=0, pages=pages, links=drawn.links
    )
    return drawn, buttons


@app_commands.command(name="ask", description="Ask a question about the news")
@app_commands.describe(question=f"What you want to know, e.g. {EXAMPLE}")
async def ask(interaction: discord.Interaction[Any], question: str) -> None:
    """/ask question: answered at once, or deferred ("thinking…") when the answer is slow."""
    newsbot = newsbot_of(interaction)
    deferred = False

    async def defer() -> None:
        nonlocal deferred
        await interaction.response.defer(thinking=True)
        deferred = True

    channel_id = interaction.channel_id or 0
    asked = Asked(
        question,
        user_id=interaction.user.id,
        chat_id=channel_id,
        chat_type=chat_type(interaction.guild_id),
    )
    services = newsbot.services
    outcome = await asking.ask(services, asked, on_slow=defer, slow_after=newsbot.defer_after)
    drawn, buttons = draw_outcome(outcome, hint=_ASK_HINT)
    # Notes for the asker alone (slow down, ask in words) are ephemeral when still possible.
    private = outcome.result in (Result.THROTTLED, Result.EMPTY)
    sent = await respond(interaction, drawn, buttons, deferred=deferred, ephemeral=private)
    asking.answer_sent(services, outcome, channel_id, [sent])


@app_commands.command(name="new", description="Start afresh: forget your previous questions")
async def new_conversation(interaction: discord.Interaction[Any]) -> None:
    """/new: forget the user's previous questions here; their next one stands alone."""
    services = newsbot_of(interaction).services
    asking.start_over(services, interaction.channel_id or 0, interaction.user.id)
    await respond(interaction, draw_notice(_STARTED_OVER), ephemeral=True)


@app_commands.command(name="sources", description="List the articles I have read")
async def sources(interaction: discord.Interaction[Any]) -> None:
    """/sources: the articles, newest first, a page at a time."""
    articles = await asyncio.to_thread(newsbot_of(interaction).services.engine.articles)
    pages = max(1, -(-len(articles) // ARTICLES_PAGE_SIZE))
    drawn = draw_articles(articles, page=0, page_size=ARTICLES_PAGE_SIZE)
    await respond(interaction, drawn, articles_buttons(page=0, pages=pages))


@app_commands.command(name="about", description="What I am, how many articles I know, how fresh")
async def about(interaction: discord.Interaction[Any]) -> None:
    """/about: corpus size, the newest article, the outlets and how many feeds it follows."""
    services = newsbot_of(interaction).services
    engine = services.engine
    stats, articles = await asyncio.gather(
        asyncio.to_thread(engine.stats), asyncio.to_thread(engine.articles)
    )
    feeds = None
    if services.follower is not None:
        feeds = len(await asyncio.to_thread(services.follower.feeds))
    name = interaction.client.user.name if interaction.client.user else "newsbot"
    await respond(interaction, draw_about(stats, articles, bot_name=name, feeds=feeds))


@app_commands.command(name="help", description="How to ask: slash command, mention, reply or DM")
async def help_command(interaction: discord.Interaction[Any]) -> None:
    """/help: the ways to ask and what the buttons do."""
    user = interaction.client.user
    mention = f"@{user.name}" if user else "@newsbot"
    await respond(interaction, draw_help(bot_mention=mention))


COMMANDS: tuple[app_commands.Command[Any, Any, None], ...] = (
    ask,
    new_conversation,
    sources,
    about,
    help_command,
)
"""Registered on start (globally, or in the configured guilds)."""


async def on_command_error(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    """Log what went wrong and tell the user, if the interaction can still be answered."""
    _LOGGER.error(
        "the /%s command failed", getattr(interaction.command, "name", "?"), exc_info=error
    )
    newsbot_of(interaction).services.counters["errors"] += 1
    try:
        if interaction.response.is_done():
            await interaction.followup.send(_FAILED, ephemeral=True)
        else:
            await interaction.response.send_message(_FAILED, ephemeral=True)
    except discord.HTTPException as exc:
        _LOGGER.warning("could not tell the user that the command failed: %s", exc)
