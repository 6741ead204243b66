"""The Discord front end of ``newsbot serve``: log in, keep the gateway, stop cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
import discord
from discord.http import Route

from bot.discord.client import NewsbotClient
from bot.frontend import FrontEndError
from bot.services import Services
from bot.settings import Settings
from bot.web import WebServer

__all__ = ["DiscordFrontEnd"]

_LOGGER = logging.getLogger(__name__)

_MAX_RETRY_DELAY_S = 30.0


class DiscordFrontEnd:
    """The Discord bot as a ``bot.frontend.FrontEnd``.

    Args:
        settings: The token, API base URL, guilds for the commands and the intents setting.
        defer_after: Seconds before a slow interaction answer is deferred ("thinking…").
    """

    name = "discord"

    def __init__(self, settings: Settings, *, defer_after: float = 1.0) -> None:
        if settings.discord_token is None:
            raise ValueError("the Discord front end needs settings.discord_token")
        self.settings = settings
        self.defer_after = defer_after
        self.state = "starting"
        self.client: NewsbotClient | None = None
        self._stop = asyncio.Event()

    def mount(self, server: WebServer) -> None:
        """The gateway needs no HTTP route."""

    def _set_state(self, state: str) -> None:
        if not self._stop.is_set():
            self.state = state

    async def stop(self) -> None:
        """Close the gateway and the HTTP session; ``run`` then returns."""
        self._stop.set()
        if self.client is not None:
            await self.client.close()

    async def run(self, services: Services) -> None:
        """Log in (retrying while Discord is unreachable), then serve until ``stop``.

        Raises:
            FrontEndError: Discord rejected the token or the intents, or the connection ended
                for good.
        """
        # Every REST call, interaction callbacks and follow-ups included, is built from it.
        Route.BASE = self.settings.discord_api_base_url
        delay = 1.0
        try:
            while not self._stop.is_set():
                self.state = "connecting"
                client = NewsbotClient(
                    services, defer_after=self.defer_after, on_state=self._set_state
                )
                self.client = client
                try:
                    await client.login(self.settings.discord_token or "")
                except (
                    aiohttp.ClientError,
                    OSError,
                    discord.DiscordServerError,
                    discord.GatewayNotFound,
                ) as exc:
                    await client.close()
                    if self._stop.is_set():
                        return
                    _LOGGER.warning("cannot reach Discord (%s); retrying in %.0f s", exc, delay)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stop.wait(), timeout=delay)
                    delay = min(delay * 2, _MAX_RETRY_DELAY_S)
                    continue
                await client.connect(reconnect=True)
                if not self._stop.is_set():
                    raise FrontEndError("the Discord gateway connection ended unexpectedly")
        except discord.LoginFailure as exc:
            self.state = "failed"
            raise FrontEndError("Discord rejected the bot token: check DISCORD_BOT_TOKEN") from exc
        except discord.PrivilegedIntentsRequired as exc:
            self.state = "failed"
            raise FrontEndError(
                "Discord refused the Message Content intent: enable it for the bot in the"
                " Developer Portal (Bot, Privileged Gateway Intents) or unset"
                " NEWSBOT_DISCORD_MESSAGE_CONTENT"
            ) from exc
        except Exception as exc:
            if self._stop.is_set():  # closing the client cut a request short
                _LOGGER.debug("Discord front end stopped while connecting: %r", exc)
                return
            if not isinstance(exc, discord.DiscordException | aiohttp.ClientError | OSError):
                raise
            self.state = "failed"
            raise FrontEndError(f"cannot run the Discord bot: {exc}") from exc
        finally:
            if self.client is not None and not self.client.is_closed():
                await self.client.close()
            if self.state != "failed":
                self.state = "stopped"
