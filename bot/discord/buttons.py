"""Buttons under answers and /sources: fixed custom_ids that keep working after a restart.

A custom_id carries everything a press needs (``newsbot:answer:<key>:<view>:<page>``, with the
answer store key; ``newsbot:articles:<page>``), and discord.py routes presses to the
``DynamicItem`` classes registered on start, so no view state is kept per message.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Any

import discord
from discord.ui import Button, DynamicItem

from bot.discord.render import Drawn, LinkButton, draw_answer, draw_articles
from bot.discord.replies import NO_MENTIONS, edit_interaction, newsbot_of, within_window
from bot.view import View, page_count
from retrieval import RetrievalError

__all__ = [
    "ARTICLES_PAGE_SIZE",
    "AnswerButton",
    "ArticlesButton",
    "answer_buttons",
    "articles_buttons",
    "link_buttons",
]

_LOGGER = logging.getLogger(__name__)

ARTICLES_PAGE_SIZE = 10
_STALE = "This answer has expired (I keep answers for a week). Please ask again with `/ask`."
_FOREIGN = "Only the person who asked can use these buttons. Ask your own with `/ask`."
_TOO_FAST = "Too many presses; please wait a few seconds."
_UNAVAILABLE = "Sorry, the article index is not available right now. Please try again soon."
_LINKS_PER_ROW = 5


class AnswerButton(
    DynamicItem[Button[discord.ui.View]],
    template=r"newsbot:answer:(?P<key>[A-Za-z0-9_-]{1,16}):(?P<view>[xks]):(?P<page>[0-9]{1,4})",
):
    """Show page ``page`` of answer ``key`` in the layout ``view`` (excerpts, short, sources)."""

    def __init__(
        self, key: str, view: View, page: int, *, label: str = "…", row: int | None = None
    ) -> None:
        self.key, self.layout, self.page = key, view, page
        super().__init__(
            Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"newsbot:answer:{key}:{view.value}:{page}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnswerButton:
        return cls(match["key"], View(match["view"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await on_answer_press(interaction, self.key, self.layout, self.page)


class ArticlesButton(
    DynamicItem[Button[discord.ui.View]], template=r"newsbot:articles:(?P<page>[0-9]{1,4})"
):
    """Show page ``page`` of the article list."""

    def __init__(self, page: int, *, label: str = "…", row: int | None = None) -> None:
        self.page = page
        super().__init__(
            Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"newsbot:articles:{page}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ArticlesButton:
        return cls(int(match["page"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await on_articles_press(interaction, self.page)


def link_buttons(
    links: Sequence[LinkButton], view: discord.ui.View | None = None
) -> discord.ui.View:
    """A view with a link button per source (rows 0-1), added to ``view`` when given."""
    view = view or discord.ui.View(timeout=None)
    for index, item in enumerate(links[: 2 * _LINKS_PER_ROW]):
        view.add_item(Button(label=item.label, url=item.url, row=index // _LINKS_PER_ROW))
    return view


def answer_buttons(
    key: str, *, view: View, page: int, pages: int, links: Sequence[LinkButton]
) -> discord.ui.View:
    """Link buttons, then paging (◀ Previous / More sources ▶) and the other views."""
    buttons = link_buttons(links)
    row = 2
    if view is not View.SOURCES and pages > 1:
        if page > 0:
            buttons.add_item(AnswerButton(key, view, page - 1, label="◀ Previous", row=row))
        if page < pages - 1:
            buttons.add_item(AnswerButton(key, view, page + 1, label="More sources ▶", row=row))
    if view is not View.EXCERPTS:
        buttons.add_item(AnswerButton(key, View.EXCERPTS, 0, label="Show full passages", row=row))
    if view is not View.SHORT:
        buttons.add_item(AnswerButton(key, View.SHORT, 0, label="Shorter", row=row))
    if view is not View.SOURCES:
        buttons.add_item(AnswerButton(key, View.SOURCES, 0, label="Sources", row=row))
    return buttons


def articles_buttons(*, page: int, pages: int) -> discord.ui.View | None:
    """◀ Previous / Next ▶ under /sources; None when the list fits on one page."""
    if pages <= 1:
        return None
    buttons = discord.ui.View(timeout=None)
    if page > 0:
        buttons.add_item(ArticlesButton(page - 1, label="◀ Previous"))
    if page < pages - 1:
        buttons.add_item(ArticlesButton(page + 1, label="Next ▶"))
    return buttons


async def _tell(interaction: discord.Interaction[Any], text: str) -> None:
    """A short private note to whoever pressed (the message stays as it is)."""
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def on_answer_press(
    interaction: discord.Interaction[Any], key: str, view: View, page: int
) -> None:
    """Redraw the answer under the button, if it is the asker's and not forgotten."""
    newsbot = newsbot_of(interaction)
    services = newsbot.services
    if not services.throttle.check(interaction.user.id).allowed:
        await _tell(interaction, _TOO_FAST)
        return
    stored = services.answers.get(key)
    if stored is None or stored.chat_id != interaction.channel_id:
        await _tell(interaction, _STALE)
        return
    if stored.user_id != interaction.user.id:
        await _tell(interaction, _FOREIGN)
        return
    # After a restart only the question survived: it is answered again (the same answer).
    try:
        answer, deferred = await within_window(
            interaction,
            services.answers.answer(key, stored, services.engine),
            defer_after=newsbot.defer_after,
            thinking=False,
        )
    except RetrievalError:
        await _tell(interaction, _UNAVAILABLE)
        return
    pages = page_count(answer)
    page = min(page, pages - 1)
    drawn = draw_answer(answer, view=view, page=page, truncated=stored.truncated)
    buttons = answer_buttons(key, view=view, page=page, pages=pages, links=drawn.links)
    await edit_interaction(interaction, drawn, buttons, deferred=deferred)


async def on_articles_press(interaction: discord.Interaction[Any], page: int) -> None:
    """Show another page of the article list in place."""
    services = newsbot_of(interaction).services
    if not services.throttle.check(interaction.user.id).allowed:
        await _tell(interaction, _TOO_FAST)
        return
    articles = await asyncio.to_thread(services.engine.articles)
    pages = max(1, -(-len(articles) // ARTICLES_PAGE_SIZE))
    page = min(page, pages - 1)
    drawn: Drawn = draw_articles(articles, page=page, page_size=ARTICLES_PAGE_SIZE)
    await edit_interaction(interaction, drawn, articles_buttons(page=page, pages=pages))
