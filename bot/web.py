"""The one HTTP server of ``newsbot serve``: GET /healthz, plus routes front ends mount on it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.health import HealthCheck

__all__ = ["Handler", "WebServer"]

_LOGGER = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebServer:
    """Serves /healthz and whatever POST routes front ends add before ``start``.

    Args:
        health: The health check behind /healthz.
        port: TCP port to listen on; 0 picks a free one (see ``port`` after ``start``).
        host: Interface to listen on (``NEWSBOT_HOST``; the container image sets 0.0.0.0).
    """

    def __init__(
        self,
        *,
        health: HealthCheck,
        port: int,
        host: str = "127.0.0.1",
    ) -> None:
        self.health = health
        self.host = host
        self.port = port
        self._posts: dict[str, Handler] = {}
        self._runner: web.AppRunner | None = None

    def add_post(self, path: str, handler: Handler) -> None:
        """Serve ``POST path`` with ``handler`` (a webhook); only before ``start``.

        Raises:
            RuntimeError: When the server is already running.
            ValueError: When the path is taken.
        """
        if self._runner is not None:
            raise RuntimeError("routes must be added before the server starts")
        if path in self._posts or path == "/healthz":
            raise ValueError(f"the path {path} is already served")
        self._posts[path] = handler

    def build(self) -> web.Application:
        """Return the aiohttp application with its routes."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        for path, handler in self._posts.items():
            app.router.add_post(path, handler)
        return app

    async def start(self) -> None:
        """Start listening; ``port`` then holds the bound port."""
        self._runner = web.AppRunner(self.build(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        for address in self._runner.addresses:
            if isinstance(address, tuple):
                self.port = int(address[1])
                break
        _LOGGER.info("HTTP server listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        report = await self.health.report()
        return web.json_response(report.body, status=200 if report.healthy else 503)
