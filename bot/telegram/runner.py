"""Runs the bot: logging, index, HTTP server, polling or webhook, and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Mapping
from typing import TypeVar

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError

from bot.health import HealthCheck
from bot.logs import configure_logging
from bot.settings import ConfigError, Settings
from bot.telegram.app import NewsbotApplication, build_application
from bot.telegram.webhook import WebServer
from retrieval import Engine, RetrievalError

__all__ = ["StopRequestedError", "run", "run_from_environment", "serve"]

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


class StopRequestedError(Exception):
    """Raised inside ``run`` when a stop was requested while it was still starting."""


def serve(settings: Settings) -> int:
    """Run the bot until SIGTERM or SIGINT; the entry point of ``newsbot serve``.

    Args:
        settings: Validated settings (see ``Settings.from_env``).

    Returns:
        The process exit status: 0 after a clean stop, 1 when the bot could not start.
    """
    configure_logging(
        settings.log_level_number,
        secrets=[settings.token or "", settings.webhook_secret or ""],
    )
    _LOGGER.info("starting newsbot with %r", settings)
    return asyncio.run(_main(settings))


def run_from_environment(environ: Mapping[str, str]) -> int:
    """Read the settings from ``environ`` and ``serve``; what ``newsbot serve`` runs.

    Returns:
        2 when the settings are invalid (every problem is printed to stderr), else what
        ``serve`` returns.
    """
    try:
        settings = Settings.from_env(environ)
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return serve(settings)


async def _main(settings: Settings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        return await run(settings, stop)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


async def _unless_stopped(awaitable: Awaitable[_T], stop: asyncio.Event) -> _T:
    """Await ``awaitable``, raising ``StopRequestedError`` if ``stop`` is set first."""
    task = asyncio.ensure_future(awaitable)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
    if not task.done():
        task.cancel()
        raise StopRequestedError
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
            raise StopRequestedError
        except TimeoutError:
            delay = min(delay * 2, 30.0)


async def run(
    settings: Settings,
    stop: asyncio.Event,
    *,
    host: str = "0.0.0.0",  # noqa: S104 - a container serves /healthz on every interface
    engine: Engine | None = None,
) -> int:
    """Run the bot until ``stop`` is set; the testable core of ``serve``.

    Starts the HTTP server (``/healthz`` reports "loading" meanwhile), opens the engine off the
    event loop (building the index from the seeds when missing), then serves updates by long
    polling or, when configured, by webhook.

    Args:
        settings: Validated settings.
        stop: Set it to stop the bot.
        host: Interface of the HTTP server.
        engine: An engine already open (tests share one); by default ``Engine.open`` runs on
            ``settings.index_dir`` with ``settings.seeds_dir``.

    Returns:
        0 after a clean stop, 1 when the index or Telegram could not be reached at start.
    """
    mode = "webhook" if settings.webhook_mode else "polling"
    health = HealthCheck(mode=mode)
    server = WebServer(
        health=health,
        host=host,
        port=settings.port,
        webhook_path=settings.webhook_path if settings.webhook_mode else None,
        secret=settings.webhook_secret,
    )
    await server.start()
    application: NewsbotApplication | None = None
    started = False
    try:
        _LOGGER.info("opening the index in %s", settings.index_dir)
        if engine is None:
            engine = await _unless_stopped(
                asyncio.to_thread(Engine.open, settings.index_dir, seeds=settings.seeds_dir),
                stop,
            )
        # Load the model before polling: the first question must not wait for it.
        await _unless_stopped(asyncio.to_thread(engine.warm_up), stop)
        health.engine = engine
        application = build_application(settings, engine)
        await _initialize(application, stop)
        await _run_post_init(application)
        await application.start()
        started = True
        if settings.webhook_mode:
            server.application = application
            await application.bot.set_webhook(
                url=settings.webhook_url or "",
                secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
            _LOGGER.info("webhook set; serving updates on %s", settings.webhook_path)
        else:
            updater = application.updater
            if updater is None:
                raise RuntimeError("polling mode needs an Updater")
            await updater.start_polling(
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=5,
                error_callback=_on_polling_error,
            )
            _LOGGER.info("polling for updates as @%s", application.bot.username)
        await stop.wait()
        _LOGGER.info("stop requested; shutting down")
        return EXIT_OK
    except StopRequestedError:
        _LOGGER.info("stop requested while starting; shutting down")
        return EXIT_OK
    except InvalidToken:
        _LOGGER.error("Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN")
        return EXIT_FAILURE
    except RetrievalError as exc:
        _LOGGER.error("cannot open the index: %s", exc)
        return EXIT_FAILURE
    except TelegramError as exc:
        _LOGGER.error("cannot start the bot: %s", exc)
        return EXIT_FAILURE
    finally:
        server.application = None
        await _shutdown(application, started=started)
        await server.stop()


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
