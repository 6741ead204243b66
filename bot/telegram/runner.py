"""The Telegram front end of ``newsbot serve``: connect, poll or take webhooks, stop cleanly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TypeVar

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError

from bot.frontend import FrontEndError
from bot.services import Services
from bot.settings import Settings
from bot.telegram.app import NewsbotApplication, build_application
from bot.telegram.webhook import TelegramWebhook
from bot.web import WebServer

__all__ = ["TelegramFrontEnd"]

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")


class _StopRequestedError(Exception):
    """Raised inside ``run`` when a stop was requested while it was still connecting."""


class TelegramFrontEnd:
    """The Telegram bot as a ``bot.frontend.FrontEnd``: long polling, or a webhook route.

    Args:
        settings: Token, Bot API base URL, webhook settings and admin ids.
    """

    name = "telegram"

    def __init__(self, settings: Settings) -> None:
        if settings.token is None:
            raise ValueError("the Telegram front end needs settings.token (TELEGRAM_BOT_TOKEN)")
        self.settings = settings
        self.state = "starting"
        self._stop = asyncio.Event()
        self._webhook = (
            TelegramWebhook(secret=settings.webhook_secret or "")
            if settings.webhook_mode
            else None
        )

    def mount(self, server: WebServer) -> None:
        """In webhook mode, serve the webhook path (503 until the bot is connected)."""
        if self._webhook is not None:
            server.add_post(self.settings.webhook_path, self._webhook.handle)

    async def stop(self) -> None:
        """Make ``run`` shut the Application down and return."""
        self._stop.set()

    async def run(self, services: Services) -> None:
        """Connect to Telegram (retrying network failures), serve updates until ``stop``.

        Raises:
            FrontEndError: Telegram rejected the token or refused to start the bot.
        """
        application: NewsbotApplication | None = None
        started = False
        try:
            self.state = "connecting"
            application = build_application(self.settings, services.engine, services=services)
            await _initialize(application, self._stop)
            await _run_post_init(application)
            await application.start()
            started = True
            await self._receive_updates(application)
            self.state = "running"
            await self._stop.wait()
            _LOGGER.info("stopping the Telegram bot")
        except _StopRequestedError:
            _LOGGER.info("stop requested while connecting to Telegram")
        except InvalidToken as exc:
            self.state = "failed"
            raise FrontEndError(
                "Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN"
            ) from exc
        except TelegramError as exc:
            self.state = "failed"
            raise FrontEndError(f"cannot start the Telegram bot: {exc}") from exc
        finally:
            if self._webhook is not None:
                self._webhook.application = None
            if self.state != "failed":
                self.state = "stopping"
            await _shutdown(application, started=started)
            if self.state != "failed":
                self.state = "stopped"

    async def _receive_updates(self, application: NewsbotApplication) -> None:
        """Register the webhook with Telegram, or start long polling."""
        if self._webhook is not None:
            self._webhook.application = application
            await application.bot.set_webhook(
                url=self.settings.webhook_url or "",
                secret_token=self.settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
            _LOGGER.info("webhook set; serving updates on %s", self.settings.webhook_path)
            return
        updater = application.updater
        if updater is None:
            raise RuntimeError("polling mode needs an Updater")
        await updater.start_polling(
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=5,
            error_callback=_on_polling_error,
        )
        _LOGGER.info("polling for updates as @%s", application.bot.username)


async def _unless_stopped(awaitable: Awaitable[_T], stop: asyncio.Event) -> _T:
    """Await ``awaitable``, raising ``_StopRequestedError`` if ``stop`` is set first."""
    task = asyncio.ensure_future(awaitable)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
    if not task.done():
        task.cancel()
        raise _StopRequestedError
    return task.result()


async def _initialize(application: NewsbotApplication, stop: asyncio.Event) -> None:
    """``application.initialize()`` (which calls getMe), retrying network failures."""
    delay = 1.0
    while True:
        try:
            await _unless_stopped(application.initialize(), stop)
            return
        except InvalidToken:
            raise
        except NetworkError as exc:
            _LOGGER.warning("cannot reach Telegram (%s); retrying in %.0f s", exc, delay)
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
            raise _StopRequestedError
        except TimeoutError:
            delay = min(delay * 2, 30.0)


def _on_polling_error(exc: TelegramError) -> None:
    """One clear line per failed poll (PTB retries on its own); no traceback for known causes."""
    if isinstance(exc, Conflict):
        _LOGGER.error(
            "Another newsbot instance is polling with this token (Telegram: %s). Stop the other"
            " instance, or use a webhook; retrying.",
            exc.message,
        )
    elif isinstance(exc, NetworkError):
        _LOGGER.warning("polling for updates failed (%s); retrying", exc)
    else:
        _LOGGER.error("polling for updates failed: %s; retrying", exc)


async def _run_post_init(application: NewsbotApplication) -> None:
    """Run the Application's ``post_init`` (``run_polling`` would; a manual start must)."""
    if application.post_init is not None:
        await application.post_init(application)


async def _shutdown(application: NewsbotApplication | None, *, started: bool) -> None:
    if application is None:
        return
    try:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if started and application.running:
            await application.stop()
        await application.shutdown()
    except TelegramError as exc:
        _LOGGER.warning("error while shutting down: %s", exc)
