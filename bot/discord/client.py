"""The discord.py client: gateway from /gateway/bot, slash commands, persistent buttons, events."""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from bot.discord import commands, messages
from bot.discord.buttons import AnswerButton, ArticlesButton
from bot.discord.replies import NO_MENTIONS, Newsbot
from bot.services import Services

__all__ = ["NewsbotClient", "intents_for"]

_LOGGER = logging.getLogger(__name__)

# newsbot never joins voice channels: no warning that voice libraries are missing.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def intents_for(*, message_content: bool) -> discord.Intents:
    """``Intents.default()`` (guilds, guild messages, DMs); MESSAGE_CONTENT only if asked."""
    intents = discord.Intents.default()
    intents.message_content = message_content
    return intents


class NewsbotClient(discord.Client):
    """newsbot on Discord: answers /ask, mentions, replies to its messages and DMs.

    Args:
        services: What the handlers share with the other front ends.
        defer_after: Seconds before a slow interaction answer is deferred ("thinking…").
        on_state: Called with "running" when ready or resumed, "reconnecting" when the
            gateway connection drops.
    """

    def __init__(
        self,
        services: Services,
        *,
        defer_after: float = 1.0,
        on_state: Callable[[str], None] = lambda state: None,
    ) -> None:
        settings = services.settings
        super().__init__(
            intents=intents_for(message_content=settings.discord_message_content),
            allowed_mentions=NO_MENTIONS,
        )
        self.newsbot = Newsbot(services, defer_after=defer_after)
        self.tree = app_commands.CommandTree(self)
        self.tree.error(commands.on_command_error)
        self._on_state = on_state
        self._guilds = [discord.Object(id=guild) for guild in sorted(settings.discord_guild_ids)]
        for command in commands.COMMANDS:
            self.tree.add_command(command)

    async def setup_hook(self) -> None:
        """Before the gateway: its URL from /gateway/bot, the commands, the persistent buttons."""
        # A plain Client dials DEFAULT_GATEWAY (also after an INVALID_SESSION), never the URL
        # that GET /gateway/bot returns, so point it there.
        _, url, _ = await self.http.get_bot_gateway()
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        self.add_dynamic_items(AnswerButton, ArticlesButton)
        if self._guilds:
            for guild in self._guilds:
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
            _LOGGER.info("slash commands registered in %d guild(s)", len(self._guilds))
        else:
            await self.tree.sync()
            _LOGGER.info("slash commands registered globally")

    async def on_ready(self) -> None:
        """Connected and every guild received."""
        user = self.user
        _LOGGER.info(
            "connected to Discord as %s in %d guild(s)",
            user.name if user else "?",
            len(self.guilds),
        )
        self._on_state("running")

    async def on_resumed(self) -> None:
        """A dropped gateway connection was resumed."""
        self._on_state("running")

    async def on_disconnect(self) -> None:
        """The gateway connection dropped; discord.py reconnects on its own."""
        if not self.is_closed():
            self._on_state("reconnecting")

    async def on_message(self, message: discord.Message) -> None:
        """Questions in DMs, mentions and replies to the bot."""
        if self.user is None or message.author.id == self.user.id:
            return
        await messages.on_message(self.newsbot, self.user, message)
