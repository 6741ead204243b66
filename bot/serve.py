"""``newsbot serve``: one engine and one HTTP server for every front end whose token is set.

Reads the settings once, configures logging with every secret redacted, serves ``/healthz``
(503 while the index loads), opens the engine off the event loop and the answer store beside
the index (so buttons work after a restart), runs the Telegram and/or Discord front end on
them, and on SIGTERM or SIGINT stops them all and exits 0. Nothing here
knows a chat platform: each is a ``bot.frontend.FrontEnd``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Mapping, Sequence
from typing import TypeVar

from bot.answer_store import ANSWERS_FILE, AnswerStore
from bot.frontend import FrontEnd, FrontEndError
from bot.health import HealthCheck
from bot.logs import configure_logging
from bot.services import Services
from bot.settings import ConfigError, Settings
from bot.web import WebServer
from retrieval import Engine, RetrievalError

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FAILURE",
    "EXIT_OK",
    "StopRequestedError",
    "build_frontends",
    "run",
    "run_from_environment",
    "serve",
]

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2
STOP_TIMEOUT_S = 8.0
"""How long front ends get to finish after a stop; Docker's default grace period is 10 s."""


class StopRequestedError(Exception):
    """Raised while starting when a stop was requested before the step finished."""


def serve(settings: Settings) -> int:
    """Run every configured front end until SIGTERM or SIGINT; the entry of ``newsbot serve``.

    Args:
        settings: Validated settings (see ``Settings.from_env``).

    Returns:
        The process exit status: 0 after a clean stop, 1 when the bot could not start.
    """
    configure_logging(settings.log_level_number, secrets=settings.secrets)
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


def build_frontends(settings: Settings) -> list[FrontEnd]:
    """The front end of every platform whose token is set, Telegram first."""
    frontends: list[FrontEnd] = []
    if settings.token is not None:
        from bot.telegram.runner import TelegramFrontEnd  # noqa: PLC0415 - only when used

        frontends.append(TelegramFrontEnd(settings))
    if settings.discord_token is not None:
        from bot.discord.frontend import DiscordFrontEnd  # noqa: PLC0415 - only when used

        frontends.append(DiscordFrontEnd(settings))
    return frontends


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


async def run(
    settings: Settings,
    stop: asyncio.Event,
    *,
    host: str = "0.0.0.0",  # noqa: S104 - a container serves /healthz on every interface
    engine: Engine | None = None,
    frontends: Sequence[FrontEnd] | None = None,
) -> int:
    """Run the front ends until ``stop`` is set; the testable core of ``serve``.

    Args:
        settings: Validated settings.
        stop: Set it to stop every front end.
        host: Interface of the HTTP server.
        engine: An engine already open (tests share one); by default ``Engine.open`` runs on
            ``settings.index_dir`` with ``settings.seeds_dir``.
        frontends: The front ends to run; by default ``build_frontends(settings)``.

    Returns:
        0 after a clean stop; 1 when the index could not be opened or a front end could not
        start or stopped on its own (the others are then stopped too).
    """
    chosen = list(build_frontends(settings) if frontends is None else frontends)
    if not chosen:
        raise ValueError("no front end to run: set TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN")
    mode = None
    if settings.token is not None:
        mode = "webhook" if settings.webhook_mode else "polling"
    health = HealthCheck(mode=mode, frontends=chosen)
    server = WebServer(health=health, host=host, port=settings.port)
    for frontend in chosen:
        frontend.mount(server)
    await server.start()
    tasks: dict[asyncio.Task[None], FrontEnd] = {}
    answers: AnswerStore | None = None
    try:
        _LOGGER.info("opening the index in %s", settings.index_dir)
        if engine is None:
            engine = await _unless_stopped(
                asyncio.to_thread(Engine.open, settings.index_dir, seeds=settings.seeds_dir),
                stop,
            )
        # Load the model before connecting: the first question must not wait for it.
        await _unless_stopped(asyncio.to_thread(engine.warm_up), stop)
        health.engine = engine
        answers = AnswerStore.open(settings.index_dir / ANSWERS_FILE)
        services = Services(engine=engine, settings=settings, answers=answers)
        for frontend in chosen:
            task = asyncio.create_task(frontend.run(services), name=f"newsbot {frontend.name}")
            tasks[task] = frontend
        return await _until_stopped(tasks, stop)
    except StopRequestedError:
        _LOGGER.info("stop requested while starting; shutting down")
        return EXIT_OK
    except RetrievalError as exc:
        _LOGGER.error("cannot open the index: %s", exc)
        return EXIT_FAILURE
    finally:
        await _stop_all(chosen, tasks)
        await server.stop()
        if answers is not None:
            answers.close()


async def _until_stopped(tasks: dict[asyncio.Task[None], FrontEnd], stop: asyncio.Event) -> int:
    """Wait for ``stop``; a front end that ends first failed, which ends the others too."""
    stopper = asyncio.ensure_future(stop.wait())
    try:
        done, _ = await asyncio.wait({*tasks, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
    ended = [task for task in tasks if task in done]
    if not ended:
        _LOGGER.info("stop requested; shutting down")
        return EXIT_OK
    for task in ended:
        name = tasks[task].name
        error = task.exception()
        if isinstance(error, FrontEndError):
            _LOGGER.error("%s", error)
        elif error is not None:
            _LOGGER.error("the %s front end failed", name, exc_info=error)
        else:
            _LOGGER.error("the %s front end stopped on its own", name)
    _LOGGER.error("stopping every front end after that failure")
    return EXIT_FAILURE


async def _stop_all(
    frontends: Sequence[FrontEnd], tasks: dict[asyncio.Task[None], FrontEnd]
) -> None:
    """Ask every front end to stop, wait for them a while, then cancel what is left."""
    reported = {task for task in tasks if task.done()}  # _until_stopped logged these
    for frontend in frontends:
        try:
            await frontend.stop()
        except Exception:
            _LOGGER.exception("error while stopping the %s front end", frontend.name)
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=STOP_TIMEOUT_S)
    for task in pending:
        _LOGGER.warning("the %s front end did not stop in time; cancelling it", tasks[task].name)
        task.cancel()
    for task, frontend in tasks.items():
        with contextlib.suppress(asyncio.CancelledError):
            try:
                await task
            except Exception:
                if task not in reported:
                    _LOGGER.exception("error while stopping the %s front end", frontend.name)
